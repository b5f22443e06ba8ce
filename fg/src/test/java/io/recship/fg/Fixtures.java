package io.recship.fg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

  /**
   * A valid hashed-id lookup feature with {@code extra} key/values merged in: a key the feature has
   * gets the new value in its place, others are appended. No key is written twice (FG-DUPKEY).
   */
  static String hashed(String name, String extra) {
    return merge("\"feature_name\": \"" + name + "\", \"feature_type\": \"id_feature\", \"value_type\": \"String\","
        + " \"gen_key_type\": \"hash\", \"hash_bucket_size\": 1000, \"gen_val_type\": \"lookup\","
        + " \"embedding_dimension\": 8", extra);
  }

  static String hashed(String name) {
    return hashed(name, "");
  }

  /** A valid dense Double passthrough feature, with {@code extra} merged in as for {@link #hashed}. */
  static String raw(String name, String extra) {
    return merge("\"feature_name\": \"" + name + "\", \"feature_type\": \"raw_feature\", \"value_type\": \"Double\","
        + " \"gen_key_type\": \"idle\", \"gen_val_type\": \"idle\"", extra);
  }

  /** {@code {base}} with each "key": value of {@code extra} replacing the same key's value, or appended. */
  private static String merge(String base, String extra) {
    List<String[]> pairs = new ArrayList<>(pairs(base));
    for (String[] e : pairs(extra)) {
      int at = -1;
      for (int i = 0; i < pairs.size(); i++) {
        if (pairs.get(i)[0].equals(e[0])) {
          at = i;
        }
      }
      if (at < 0) {
        pairs.add(e);
      } else {
        pairs.set(at, e);
      }
    }
    StringBuilder sb = new StringBuilder("{");
    for (String[] p : pairs) {
      sb.append(sb.length() == 1 ? "" : ", ").append(p[0]).append(": ").append(p[1]);
    }
    return sb.append("}").toString();
  }

  /** The top-level {"key", value} texts of a comma-separated list of "key": value. */
  private static List<String[]> pairs(String members) {
    List<String[]> out = new ArrayList<>();
    int depth = 0;
    int start = 0;
    boolean inString = false;
    for (int i = 0; i <= members.length(); i++) {
      char c = i == members.length() ? ',' : members.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      } else if (c == ',' && depth == 0) {
        String member = members.substring(start, i).trim();
        start = i + 1;
        if (!member.isEmpty()) {
          int colon = member.indexOf("\":") + 1; // keys here hold no '":'
          out.add(new String[] {member.substring(0, colon).trim(), member.substring(colon + 1).trim()});
        }
      }
    }
    return out;
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
