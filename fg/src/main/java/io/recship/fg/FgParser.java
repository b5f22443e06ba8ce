package io.recship.fg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads fg.json and mc.json as RecIS does (recis-reference §1–2).
 *
 * <p>The parser is tolerant about content: a feature missing a required key still parses (the
 * {@link RuleChecker} reports FG-REQ). It refuses what cannot be represented: malformed JSON, or a
 * known key with the wrong JSON type (e.g. {@code "hash_bucket_size": "abc"}); those throw an
 * {@link FgConfigException} naming the file, line and column.
 */
public final class FgParser {
  private FgParser() {}

  /** Parses fg.json text; with {@code options.lowerCase()} the whole text is lowercased first. */
  public static FgConfig parseFg(ConfigSource source, FgOptions options) {
    ParsedFg p = readFg(source, options);
    if (!p.problems().isEmpty()) {
      throw FgConfigException.fromFindings(
          source.fileName() + " is not a usable fg.json",
          Locator.locate(p.text(), p.problems()));
    }
    return p.config();
  }

  /** Parses mc.json text (list or dict mode). */
  public static McConfig parseMc(ConfigSource source, FgOptions options) {
    ParsedMc p = readMc(source, options);
    if (!p.problems().isEmpty()) {
      throw FgConfigException.fromFindings(
          source.fileName() + " is not a usable mc.json",
          Locator.locate(p.text(), p.problems()));
    }
    return p.config();
  }

  // ---- tolerant readers shared with RuleChecker ---------------------------------------------

  /**
   * An fg.json read as far as possible. {@code problems} are FG-TYPE findings without positions;
   * {@code pointers} maps every entry and sub-feature object (by identity) to its JSON pointer;
   * {@code mistyped} holds the features whose other checks are skipped until their types are fixed;
   * {@code featureListRead} is false when there is no "features" list to read (the top level is not
   * an object, or the list is missing or not a list), so no feature name is known.
   */
  record ParsedFg(
      FgConfig config,
      String text,
      List<Finding> problems,
      Map<Object, String> pointers,
      Set<Object> mistyped,
      boolean hasFeaturesKey,
      boolean featureListRead) {}

  record ParsedMc(McConfig config, String text, List<Finding> problems, Set<String> malformedBlocks) {}

  static ParsedFg readFg(ConfigSource source, FgOptions options) {
    String file = source.fileName();
    String text = options.lowerCase() ? Json.lowerAscii(source.text()) : source.text();
    JsonNode root = Json.readTree(file, text);
    List<Finding> problems = new ArrayList<>();
    Map<Object, String> pointers = new IdentityHashMap<>();
    Set<Object> mistyped = Collections.newSetFromMap(new IdentityHashMap<>());
    List<FgEntry> entries = new ArrayList<>();
    Map<String, JsonNode> extra = new LinkedHashMap<>();
    int featuresPosition = 0;
    boolean hasFeatures = false;
    boolean listRead = false;
    if (!root.isObject()) {
      // no "file: " prefix: the finding's location names the file already
      problems.add(typeFinding(file, "", null,
          "the top level is " + Keys.describe(root)
              + " but must be a JSON object like {\"features\": [...]}"));
      return new ParsedFg(new FgConfig(entries, extra, 0, file), text, problems, pointers, mistyped, false, false);
    }
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      if (!e.getKey().equals(Keys.FEATURES)) {
        extra.put(e.getKey(), e.getValue());
        continue;
      }
      hasFeatures = true;
      featuresPosition = extra.size();
      JsonNode list = e.getValue();
      if (!list.isArray()) {
        problems.add(typeFinding(file, "/features", null,
            "\"features\" is " + Keys.describe(list) + " but must be a list of feature objects"));
        continue;
      }
      listRead = true;
      for (int i = 0; i < list.size(); i++) {
        String ptr = "/features/" + i;
        JsonNode item = list.get(i);
        if (!item.isObject()) {
          problems.add(typeFinding(file, ptr, null,
              "features entry #" + i + " is " + Keys.describe(item)
                  + " but must be a feature object {\"feature_name\": ...}"));
          continue;
        }
        entries.add(item.has(Keys.SEQUENCE_NAME)
            ? readSequence(file, item, ptr, problems, pointers, mistyped)
            : readFeature(file, item, ptr, null, problems, pointers, mistyped));
      }
    }
    FgConfig config = new FgConfig(entries, extra, featuresPosition, file);
    return new ParsedFg(config, text, problems, pointers, mistyped, hasFeatures, listRead);
  }

  private static SequenceConfig readSequence(
      String file, JsonNode obj, String ptr, List<Finding> problems, Map<Object, String> pointers, Set<Object> mistyped) {
    Map<String, JsonNode> keys = new LinkedHashMap<>();
    JsonNode subs = null;
    for (Map.Entry<String, JsonNode> e : obj.properties()) {
      if (e.getKey().equals(Keys.FEATURES)) {
        subs = e.getValue();
      } else {
        keys.put(e.getKey(), e.getValue());
      }
    }
    String seqName = Raw.text(keys, Keys.SEQUENCE_NAME);
    String label = "sequence group '" + (seqName != null ? seqName : "#" + ptr.substring(ptr.lastIndexOf('/') + 1)) + "'";
    boolean bad = checkTypes(file, keys, Keys.SEQUENCE_KINDS, ptr, label, seqName, problems);
    List<FeatureConfig> features = new ArrayList<>();
    if (subs != null && !subs.isArray()) {
      problems.add(typeFinding(file, ptr + "/features", seqName,
          label + ": \"features\" is " + Keys.describe(subs) + " but must be a list of sub-feature objects"));
      bad = true;
    } else if (subs != null) {
      for (int j = 0; j < subs.size(); j++) {
        String subPtr = ptr + "/features/" + j;
        JsonNode item = subs.get(j);
        if (!item.isObject()) {
          problems.add(typeFinding(file, subPtr, seqName,
              label + ": sub-feature #" + j + " is " + Keys.describe(item) + " but must be a feature object"));
          continue;
        }
        features.add(readFeature(file, item, subPtr, seqName, problems, pointers, mistyped));
      }
    }
    SequenceConfig seq = new SequenceConfig(keys, features, subs != null);
    pointers.put(seq, ptr);
    if (bad) {
      mistyped.add(seq);
    }
    return seq;
  }

  private static FeatureConfig readFeature(
      String file, JsonNode obj, String ptr, @Nullable String seqName,
      List<Finding> problems, Map<Object, String> pointers, Set<Object> mistyped) {
    Map<String, JsonNode> keys = new LinkedHashMap<>();
    obj.properties().forEach(e -> keys.put(e.getKey(), e.getValue()));
    String name = Raw.text(keys, Keys.FEATURE_NAME);
    String full = name == null ? null : seqName == null ? name : seqName + "_" + name;
    String label = full != null ? "feature '" + full + "'" : "feature #" + ptr.substring(ptr.lastIndexOf('/') + 1)
        + (seqName != null ? " of sequence '" + seqName + "'" : "");
    boolean bad = checkTypes(file, keys, Keys.FEATURE_KINDS, ptr, label, full, problems);
    FeatureConfig f = new FeatureConfig(keys);
    pointers.put(f, ptr);
    if (bad) {
      mistyped.add(f);
    }
    return f;
  }

  private static boolean checkTypes(
      String file, Map<String, JsonNode> keys, Map<String, Keys.Kind> kinds, String ptr, String label,
      @Nullable String subject, List<Finding> problems) {
    boolean bad = false;
    for (Map.Entry<String, JsonNode> e : keys.entrySet()) {
      Keys.Kind kind = kinds.get(e.getKey());
      if (kind == null) {
        continue;
      }
      String problem = Keys.typeProblem(e.getKey(), kind, e.getValue());
      if (problem != null) {
        bad = true;
        problems.add(typeFinding(file, ptr + "/" + Json.escape(e.getKey()), subject,
            label + ": \"" + e.getKey() + "\" must be " + kind.expected + ", but is " + problem
                + "; write it like " + Keys.example(e.getKey(), kind)));
      }
    }
    return bad;
  }

  private static Finding typeFinding(String file, String ptr, @Nullable String subject, String message) {
    return new Finding(Rules.FG_TYPE, Severity.ERROR, subject, message, file, ptr);
  }

  static ParsedMc readMc(ConfigSource source, FgOptions options) {
    String file = source.fileName();
    String text = options.lowerCase() ? Json.lowerAscii(source.text()) : source.text();
    JsonNode root = Json.readTree(file, text);
    List<Finding> problems = new ArrayList<>();
    Set<String> malformed = new java.util.HashSet<>();
    Map<String, List<String>> blocks = new LinkedHashMap<>();
    boolean dict = false;
    if (!root.isObject()) {
      problems.add(new Finding(Rules.MC_FORMAT, Severity.ERROR, null,
          "the top level is " + Keys.describe(root)
              + " but must be an object mapping block name to a list of features, like {\"user\": [\"user_id\"]}",
          file, ""));
      return new ParsedMc(new McConfig(blocks, McConfig.Mode.LIST, file), text, problems, malformed);
    }
    for (Map.Entry<String, JsonNode> e : root.properties()) {
      String block = e.getKey();
      String ptr = "/" + Json.escape(block);
      JsonNode list = e.getValue();
      List<String> names = new ArrayList<>();
      blocks.put(block, names);
      if (!list.isArray()) {
        malformed.add(block);
        problems.add(new Finding(Rules.MC_FORMAT, Severity.ERROR, block,
            "block '" + block + "' is " + Keys.describe(list)
                + " but must be a list of feature names, like [\"user_id\", \"age\"]",
            file, ptr));
        continue;
      }
      for (int i = 0; i < list.size(); i++) {
        JsonNode item = list.get(i);
        if (item.isTextual()) {
          names.add(item.textValue());
        } else if (item.isObject() && item.path(Keys.COLUMN_NAME).isTextual()) {
          names.add(item.get(Keys.COLUMN_NAME).textValue());
          dict = true;
        } else {
          malformed.add(block);
          problems.add(new Finding(Rules.MC_FORMAT, Severity.ERROR, block,
              "block '" + block + "' entry #" + i + " must be a string or {\"column_name\": ...}, but is "
                  + Keys.describe(item),
              file, ptr + "/" + i));
        }
      }
    }
    McConfig config = new McConfig(blocks, dict ? McConfig.Mode.DICT : McConfig.Mode.LIST, file);
    return new ParsedMc(config, text, problems, malformed);
  }
}
