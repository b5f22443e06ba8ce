package io.recship.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.recship.fg.ConfigSource;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgOptions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic click-through data with signal a model can learn: users (id, age, gender, a taste per
 * category), items (id, category, quality, price) and a click sequence of recent items that
 * leans to the user's tastes. The click probability is
 * {@code sigmoid(-1 + 1.5 taste[user][cat] + 0.8 quality[item] + 0.6 [cat in recent clicks]
 * - 0.4 log(price) + 0.5 genderAffinity[cat])}, so user x category, item identity, the sequence
 * and the price all matter. Everything is a function of the seed.
 *
 * <p>Its FG ({@link #featureGenerator()}) reads the columns {@code user_id, age, gender, item_id,
 * category, price, click_seq_item_id, click_seq_category}; label {@value #LABEL}, sample id
 * {@value #SAMPLE_ID}.
 */
public final class SyntheticCtr {
  public static final String LABEL = "click";
  public static final String SAMPLE_ID = "sample_id";
  private static final String RESOURCES = "/io/recship/data/synthetic-ctr/";

  private final int users;
  private final int items;
  private final int categories;
  private final int sequenceLength;
  private final long seed;
  private final int[] itemCategory;
  private final double[] itemQuality;
  private final double[] itemPrice;
  private final double[][] taste;
  private final int[] userAge;
  private final boolean[] userFemale;
  private final double[] genderAffinity;

  private SyntheticCtr(int users, int items, int categories, int sequenceLength, long seed) {
    this.users = users;
    this.items = items;
    this.categories = categories;
    this.sequenceLength = sequenceLength;
    this.seed = seed;
    Random r = new Random(seed);
    itemCategory = new int[items];
    itemQuality = new double[items];
    itemPrice = new double[items];
    double[] catPrice = new double[categories];
    for (int c = 0; c < categories; c++) {
      catPrice[c] = Math.exp(2 + r.nextGaussian());
    }
    for (int i = 0; i < items; i++) {
      itemCategory[i] = r.nextInt(categories);
      itemQuality[i] = r.nextGaussian();
      itemPrice[i] = Math.round(catPrice[itemCategory[i]] * Math.exp(0.3 * r.nextGaussian()) * 100) / 100.0;
    }
    taste = new double[users][categories];
    userAge = new int[users];
    userFemale = new boolean[users];
    for (int u = 0; u < users; u++) {
      for (int c = 0; c < categories; c++) {
        taste[u][c] = r.nextGaussian();
      }
      userAge[u] = 16 + r.nextInt(55);
      userFemale[u] = r.nextBoolean();
    }
    genderAffinity = new double[categories];
    for (int c = 0; c < categories; c++) {
      genderAffinity[c] = r.nextBoolean() ? 1 : -1;
    }
  }

  /** 500 users, 500 items, 10 categories, sequences of up to 10 clicks. */
  public static SyntheticCtr of(long seed) {
    return new SyntheticCtr(500, 500, 10, 10, seed);
  }

  public static SyntheticCtr of(int users, int items, int categories, long seed) {
    return new SyntheticCtr(users, items, categories, 10, seed);
  }

  /** The FG and MC the generated columns are made for. */
  public static FeatureGenerator featureGenerator() {
    return FeatureGenerator.load(resource("fg.json"), resource("mc.json"), FgOptions.DEFAULT);
  }

  /** Text of the bundled {@code fg.json} or {@code mc.json}. */
  public static ConfigSource resource(String name) {
    try (InputStream in = SyntheticCtr.class.getResourceAsStream(RESOURCES + name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + RESOURCES + name);
      }
      return ConfigSource.decode("synthetic-ctr/" + name, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The schema of the generated samples: FG columns plus label and sample id. */
  public static Schema schema() {
    return Schema.fromFg(featureGenerator()).withLabels(LABEL).withIds(SAMPLE_ID);
  }

  /** Samples {@code [first, first + count)}; sample k is the same whatever range it is drawn in. */
  public List<Map<String, Object>> samples(long first, int count) {
    List<Map<String, Object>> out = new ArrayList<>(count);
    for (long k = first; k < first + count; k++) {
      out.add(sample(k));
    }
    return out;
  }

  /** A dataset of {@code count} samples starting at {@code first}. */
  public Dataset.Builder dataset(long first, int count) {
    return Dataset.inMemory(schema(), samples(first, count));
  }

  /** Writes samples {@code [first, first + count)} as JSON Lines. */
  public void writeJsonLines(Path file, long first, int count) {
    ObjectMapper m = new ObjectMapper();
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (long k = first; k < first + count; k++) {
        w.write(m.writeValueAsString(sample(k)));
        w.newLine();
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** The probability of a click the generator used for sample {@code k} (for the Bayes AUC). */
  public double clickProbability(long k) {
    return sampleDraw(k).p;
  }

  private record Draw(int user, int item, List<Integer> seq, double p, boolean click) {}

  private Draw sampleDraw(long k) {
    Random r = new Random(seed * 0x9E3779B97F4A7C15L + k);
    int u = r.nextInt(users);
    int len = r.nextInt(sequenceLength + 4); // sometimes longer than the FG keeps: truncated
    List<Integer> seq = new ArrayList<>(len);
    for (int s = 0; s < len; s++) {
      seq.add(tasteItem(u, r));
    }
    int item = r.nextBoolean() ? tasteItem(u, r) : r.nextInt(items);
    int c = itemCategory[item];
    boolean recent = false;
    for (int s = 0; s < Math.min(len, sequenceLength); s++) {
      recent |= itemCategory[seq.get(s)] == c;
    }
    double logit = -1 + 1.5 * taste[u][c] + 0.8 * itemQuality[item] + (recent ? 0.6 : 0)
        - 0.4 * Math.log(itemPrice[item]) + 0.5 * genderAffinity[c] * (userFemale[u] ? 1 : -1);
    double p = 1 / (1 + Math.exp(-logit));
    return new Draw(u, item, seq, p, r.nextDouble() < p);
  }

  /** An item from a category the user likes (best of three random items by taste). */
  private int tasteItem(int u, Random r) {
    int best = r.nextInt(items);
    for (int t = 0; t < 2; t++) {
      int i = r.nextInt(items);
      if (taste[u][itemCategory[i]] > taste[u][itemCategory[best]]) {
        best = i;
      }
    }
    return best;
  }

  private Map<String, Object> sample(long k) {
    Draw d = sampleDraw(k);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("user_id", "u" + d.user);
    m.put("age", (long) userAge[d.user]);
    m.put("gender", userFemale[d.user] ? "F" : "M");
    m.put("item_id", "i" + d.item);
    m.put("category", "c" + itemCategory[d.item]);
    m.put("price", itemPrice[d.item]);
    List<Object> seqItems = new ArrayList<>();
    List<Object> seqCats = new ArrayList<>();
    for (int i : d.seq) {
      seqItems.add("i" + i);
      seqCats.add("c" + itemCategory[i]);
    }
    m.put("click_seq_item_id", seqItems);
    m.put("click_seq_category", seqCats);
    m.put(LABEL, d.click ? 1.0 : 0.0);
    m.put(SAMPLE_ID, "s" + k);
    return m;
  }
}
