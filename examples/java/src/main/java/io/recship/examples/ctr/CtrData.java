package io.recship.examples.ctr;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.recship.data.Dataset;
import io.recship.data.Schema;
import io.recship.data.SyntheticCtr;
import io.recship.fg.FeatureGenerator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Synthetic impressions with two labels: {@value #CLICK} from {@link SyntheticCtr}, and {@value
 * #CONVERSION}, which can only happen after a click. Given a click, the conversion probability is
 * {@code sigmoid(-0.3 + 1.2 appeal[item] - 0.5 log(price) + 0.8 [category in recent clicks])}, so
 * item identity, price and the sequence carry the CVR signal. Sample {@code k} is a function of
 * the seed and {@code k} only.
 */
public final class CtrData {
  public static final String CLICK = SyntheticCtr.LABEL;
  public static final String CONVERSION = "conversion";
  public static final String SAMPLE_ID = SyntheticCtr.SAMPLE_ID;

  private final SyntheticCtr clicks;
  private final long seed;

  private CtrData(SyntheticCtr clicks, long seed) {
    this.clicks = clicks;
    this.seed = seed;
  }

  /**
   * 500 users, 500 items, 10 categories: enough samples per user for a short run to learn the
   * user x category tastes that dominate the click signal.
   */
  public static CtrData of(long seed) {
    return of(500, 500, 10, seed);
  }

  public static CtrData of(int users, int items, int categories, long seed) {
    return new CtrData(SyntheticCtr.of(users, items, categories, seed), seed);
  }

  /** The columns {@code fg} reads, both labels and the sample id. */
  public static Schema schema(FeatureGenerator fg) {
    return Schema.fromFg(fg).withLabels(CLICK, CONVERSION).withIds(SAMPLE_ID);
  }

  /** Samples {@code [first, first + count)} as column-to-value maps (the JSONL form). */
  public List<Map<String, Object>> samples(long first, int count) {
    List<Map<String, Object>> base = clicks.samples(first, count);
    List<Map<String, Object>> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Map<String, Object> m = new LinkedHashMap<>(base.get(i));
      m.put(CONVERSION, converts(first + i, m) ? 1.0 : 0.0);
      out.add(m);
    }
    return out;
  }

  /** An in-memory dataset of samples {@code [first, first + count)}; set the batch size and build. */
  public Dataset.Builder dataset(FeatureGenerator fg, long first, int count) {
    return Dataset.inMemory(schema(fg), samples(first, count));
  }

  /** Writes samples {@code [first, first + count)} as JSON Lines (the input of {@code recship score}). */
  public void writeJsonLines(Path file, long first, int count) {
    ObjectMapper json = new ObjectMapper();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Map<String, Object> m : samples(first, count)) {
        w.write(json.writeValueAsString(m));
        w.newLine();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  private boolean converts(long k, Map<String, Object> sample) {
    if (((Number) sample.get(CLICK)).doubleValue() < 0.5) {
      return false;
    }
    String item = (String) sample.get("item_id");
    double price = ((Number) sample.get("price")).doubleValue();
    boolean recent = ((List<?>) sample.get("click_seq_category")).contains(sample.get("category"));
    double logit = -0.3 + 1.2 * appeal(item) - 0.5 * Math.log(price) + (recent ? 0.8 : 0);
    double p = 1 / (1 + Math.exp(-logit));
    // SplittableRandom mixes its seed: java.util.Random's first draws for nearby seeds are correlated
    return new SplittableRandom(seed * 0x2545F4914F6CDD1DL + k).nextDouble() < p;
  }

  /** A fixed per-item effect, N(0, 1), that only the item embedding can learn. */
  private double appeal(String item) {
    return new SplittableRandom(seed * 31 + item.hashCode()).nextGaussian();
  }
}
