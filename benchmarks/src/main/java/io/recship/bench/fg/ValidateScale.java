package io.recship.bench.fg;

import io.recship.fg.ConfigSource;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgOptions;
import io.recship.fg.Finding;
import io.recship.fg.RuleChecker;
import io.recship.fg.RuleSet;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Validation at scale: an fg.json of 10,000 features (9,000 plain + 100 sequence groups of 10) and
 * an mc.json of 200 blocks. Prints the median wall time of parse + all rules (both rule sets, with
 * line/column resolution) and of {@link FeatureGenerator#load}. Target: well under one second.
 *
 * <p>Run: {@code benchmarks/run io.recship.bench.fg.ValidateScale}
 */
public final class ValidateScale {
  private static final int PLAIN = 9_000;
  private static final int GROUPS = 100;
  private static final int SUBS = 10;
  private static final int PLAIN_BLOCKS = 100;
  private static final int WARMUP = 15;
  private static final int RUNS = 21;

  private ValidateScale() {}

  public static void main(String[] args) {
    ConfigSource fg = new ConfigSource("fg.json", fgJson());
    ConfigSource mc = new ConfigSource("mc.json", mcJson());
    List<Finding> findings = RuleChecker.check(fg, mc, FgOptions.DEFAULT, RuleSet.rtpMainSearch());
    if (!findings.isEmpty()) {
      throw new IllegalStateException("generated config should be valid, got " + findings.size() + " findings, first " + findings.get(0));
    }
    // one invalid feature in every 100, so the location pass (line/column) is part of the timing too
    ConfigSource fgBad = new ConfigSource("fg.json", fg.text().replace("\"hash_bucket_size\": 1000001,", "\"hash_bucket_size\": 0,"));
    int badCount = RuleChecker.check(fgBad, mc, FgOptions.DEFAULT, RuleSet.rtpMainSearch()).size();

    double check = median(() -> RuleChecker.check(fg, mc, FgOptions.DEFAULT, RuleSet.rtpMainSearch()));
    double checkBad = median(() -> RuleChecker.check(fgBad, mc, FgOptions.DEFAULT, RuleSet.rtpMainSearch()));
    double load = median(() -> FeatureGenerator.load(fg, mc, FgOptions.DEFAULT).blocks());

    System.out.printf(Locale.ROOT, "fg.json: %d features (%d plain, %d sequence groups x %d), %.1f KiB; mc.json: %d blocks%n",
        PLAIN + GROUPS * SUBS, PLAIN, GROUPS, SUBS, fg.text().length() / 1024.0, PLAIN_BLOCKS + GROUPS);
    System.out.printf(Locale.ROOT, "parse + check (STRUCTURAL + RTP_MAIN_SEARCH), valid config: median %.1f ms over %d runs%n", check, RUNS);
    System.out.printf(Locale.ROOT, "parse + check with %d findings (line/column pass):        median %.1f ms%n", badCount, checkBad);
    System.out.printf(Locale.ROOT, "FeatureGenerator.load (parse + structural check + resolve):   median %.1f ms%n", load);
    System.out.printf(Locale.ROOT, "target < 1000 ms: %s (%.0fx headroom)%n", check < 1000 ? "met" : "MISSED", 1000 / check);
  }

  private static double median(Runnable r) {
    for (int i = 0; i < WARMUP; i++) {
      r.run();
    }
    double[] ms = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long t0 = System.nanoTime();
      r.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    return ms[RUNS / 2];
  }

  private static String fgJson() {
    StringBuilder sb = new StringBuilder(4_000_000).append("{\n  \"reserves\": [\"request_id\"],\n  \"features\": [\n");
    for (int i = 0; i < PLAIN; i++) {
      sb.append(i == 0 ? "" : ",\n").append("    ").append(feature("f" + i, i));
    }
    for (int g = 0; g < GROUPS; g++) {
      sb.append(",\n    {\"feature_name\": \"seq").append(g).append("\", \"sequence_name\": \"seq").append(g)
          .append("\", \"sequence_length\": 50, \"sequence_table\": \"item\", \"features\": [\n");
      for (int j = 0; j < SUBS; j++) {
        sb.append(j == 0 ? "" : ",\n").append("      ").append(feature("s" + j, j * 3));
      }
      sb.append("]}");
    }
    return sb.append("\n  ]\n}\n").toString();
  }

  /** Three kinds in rotation: hashed id lookup, bucketized lookup, dense passthrough. */
  private static String feature(String name, int i) {
    return switch (i % 3) {
      case 0 -> "{\"feature_name\": \"" + name + "\", \"feature_type\": \"id_feature\", \"expression\": \"user:" + name
          + "\", \"value_type\": \"String\", \"gen_key_type\": \"hash\", \"hash_bucket_size\": " + (i % 300 == 0 ? 1_000_001 : 1_000_000)
          + ", \"gen_val_type\": \"lookup\", \"embedding_dimension\": 16}";
      case 1 -> "{\"feature_name\": \"" + name + "\", \"feature_type\": \"raw_feature\", \"value_type\": \"Integer\","
          + " \"gen_key_type\": \"boundary\", \"boundaries\": \"1,2,5,10,20,50\", \"gen_val_type\": \"lookup\", \"embedding_dimension\": 8}";
      default -> "{\"feature_name\": \"" + name + "\", \"feature_type\": \"raw_feature\", \"value_type\": \"Double\","
          + " \"gen_key_type\": \"idle\", \"gen_val_type\": \"idle\", \"value_dimension\": 2}";
    };
  }

  private static String mcJson() {
    StringBuilder sb = new StringBuilder("{\n");
    int perBlock = PLAIN / PLAIN_BLOCKS;
    for (int b = 0; b < PLAIN_BLOCKS; b++) {
      sb.append(b == 0 ? "" : ",\n").append("  \"block").append(b).append("\": [");
      for (int k = 0; k < perBlock; k++) {
        sb.append(k == 0 ? "" : ", ").append("\"f").append(b * perBlock + k).append('"');
      }
      sb.append(']');
    }
    for (int g = 0; g < GROUPS; g++) {
      sb.append(",\n  \"seq").append(g).append("\": [");
      for (int j = 0; j < SUBS; j++) {
        sb.append(j == 0 ? "" : ", ").append("\"s").append(j).append('"');
      }
      sb.append(']');
    }
    return sb.append("\n}\n").toString();
  }
}
