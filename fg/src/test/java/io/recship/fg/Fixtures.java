package io.recship.fg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Test inputs: the example CTR configs (a copy under test resources) and small JSON snippets. */
final class Fixtures {
  private Fixtures() {}

  static ConfigSource resource(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/" + path)) {
      if (in == null) {
        throw new IllegalStateException("missing test resource " + path);
      }
      return new ConfigSource(path.substring(path.lastIndexOf('/') + 1), new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ConfigSource ctrFg() {
    return resource("ctr/fg.json");
  }

  static ConfigSource ctrMc() {
    return resource("ctr/mc.json");
  }

  /** fg.json text with the given entries (each a JSON object). */
  static ConfigSource fg(String... entries) {
    return new ConfigSource("fg.json", "{\"features\": [\n" + String.join(",\n", entries) + "\n]}");
  }

  static ConfigSource mc(String json) {
    return new ConfigSource("mc.json", json);
  }

  /** A valid hashed-id lookup feature, with extra key/values spliced in (later keys win). */
  static String hashed(String name, String extra) {
    return "{\"feature_name\": \"" + name + "\", \"feature_type\": \"id_feature\", \"value_type\": \"String\","
        + " \"gen_key_type\": \"hash\", \"hash_bucket_size\": 1000, \"gen_val_type\": \"lookup\","
        + " \"embedding_dimension\": 8" + (extra.isEmpty() ? "" : ", " + extra) + "}";
  }

  static String hashed(String name) {
    return hashed(name, "");
  }

  /** A valid dense Double passthrough feature. */
  static String raw(String name, String extra) {
    return "{\"feature_name\": \"" + name + "\", \"feature_type\": \"raw_feature\", \"value_type\": \"Double\","
        + " \"gen_key_type\": \"idle\", \"gen_val_type\": \"idle\"" + (extra.isEmpty() ? "" : ", " + extra) + "}";
  }

  static List<Finding> check(ConfigSource fg, ConfigSource mc) {
    return RuleChecker.check(fg, mc, FgOptions.DEFAULT, RuleSet.rtpMainSearch());
  }

  static List<Finding> check(ConfigSource fg) {
    return RuleChecker.check(fg, null, FgOptions.DEFAULT, RuleSet.rtpMainSearch());
  }

  static List<String> ids(List<Finding> findings) {
    return findings.stream().map(Finding::ruleId).toList();
  }
}
