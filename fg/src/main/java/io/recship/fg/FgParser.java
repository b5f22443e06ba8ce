package io.recship.fg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
    if (!p.problems().isEmpty()) { // errors only: warnings (FG-DUPKEY) leave the config usable
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
   * {@code warnings} are FG-DUPKEY findings, which leave the config usable, with positions (a
   * pointer cannot tell a duplicate key's occurrences apart); {@code pointers} maps every entry and
   * sub-feature object (by identity) to its JSON pointer;
   * {@code mistyped} holds the features whose other checks are skipped until their types are fixed;
   * {@code featureListRead} is false when there is no "features" list to read (the top level is not
   * an object, or the list is missing or not a list), so no feature name is known.
   */
  record ParsedFg(
      FgConfig config,
      String text,
      List<Finding> problems,
      List<Finding> warnings,
      Map<Object, String> pointers,
      Set<Object> mistyped,
      boolean hasFeaturesKey,
      boolean featureListRead) {}

  /**
   * An mc.json read as far as possible: {@code problems} are MC-FORMAT errors (a block defined
   * twice with its position, the others without); {@code warnings} are MC-DUP findings with
   * positions, for keys repeated inside a block's entries.
   */
  record ParsedMc(
      McConfig config, String text, List<Finding> problems, List<Finding> warnings, Set<String> malformedBlocks) {}

  static ParsedFg readFg(ConfigSource source, FgOptions options) {
    String file = source.fileName();
    String text = options.lowerCase() ? Json.lowerAscii(source.text()) : source.text();
    Json.Tree tree = Json.read(file, text);
    JsonNode root = tree.root();
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
      return new ParsedFg(new FgConfig(entries, extra, 0, file), text, problems, List.of(), pointers, mistyped, false, false);
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
    List<Finding> warnings = tree.duplicates().isEmpty()
        ? List.of() : fgDuplicates(file, root, tree.duplicates(), entries, pointers, options);
    return new ParsedFg(config, text, problems, warnings, pointers, mistyped, hasFeatures, listRead);
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
    String label = sequenceLabel(seqName, ptr);
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
    String full = fullName(name, seqName);
    String label = featureLabel(full, seqName, ptr);
    boolean bad = checkTypes(file, keys, Keys.FEATURE_KINDS, ptr, label, full, problems);
    FeatureConfig f = new FeatureConfig(keys);
    pointers.put(f, ptr);
    if (bad) {
      mistyped.add(f);
    }
    return f;
  }

  private static @Nullable String fullName(@Nullable String name, @Nullable String seqName) {
    return name == null ? null : seqName == null ? name : seqName + "_" + name;
  }

  /** How messages name a feature: by full name, or by its index when it has no name. */
  private static String featureLabel(@Nullable String full, @Nullable String seqName, String ptr) {
    return full != null ? "feature '" + full + "'" : "feature #" + ptr.substring(ptr.lastIndexOf('/') + 1)
        + (seqName != null ? " of sequence '" + seqName + "'" : "");
  }

  private static String sequenceLabel(@Nullable String seqName, String ptr) {
    return "sequence group '" + (seqName != null ? seqName : "#" + ptr.substring(ptr.lastIndexOf('/') + 1)) + "'";
  }

  /**
   * FG-DUPKEY warnings, one per key repeated in an object, at its second occurrence and named
   * after the feature or sequence group holding the object. Runs only when there are duplicates.
   */
  private static List<Finding> fgDuplicates(
      String file, JsonNode root, List<Json.Duplicate> dups, List<FgEntry> entries, Map<Object, String> pointers,
      FgOptions options) {
    Map<String, Owner> owners = new HashMap<>();
    for (FgEntry e : entries) {
      if (e instanceof SequenceConfig seq) {
        String seqName = seq.sequenceName();
        String ptr = pointers.get(seq);
        owners.put(ptr, new Owner(sequenceLabel(seqName, ptr), seqName, true));
        for (FeatureConfig f : seq.features()) {
          String full = fullName(f.featureName(), seqName);
          owners.put(pointers.get(f), new Owner(featureLabel(full, seqName, pointers.get(f)), full, false));
        }
      } else {
        String full = fullName(((FeatureConfig) e).featureName(), null);
        owners.put(pointers.get(e), new Owner(featureLabel(full, null, pointers.get(e)), full, false));
      }
    }
    List<Finding> out = new ArrayList<>(dups.size());
    for (Json.Duplicate d : dups) {
      String owner = d.objectPointer();
      while (!owner.isEmpty() && !owners.containsKey(owner)) {
        owner = owner.substring(0, owner.lastIndexOf('/'));
      }
      Owner named = owners.get(owner);
      String inside = d.objectPointer().substring(owner.length());
      String where = !inside.isEmpty() ? " of \"" + inside.substring(1) + "\"" : named == null ? " at the top level" : "";
      JsonNode last = root.at(d.pointer());
      // a second "features" list replaces the first: whole features are lost, not a setting
      boolean lists = d.key().equals(Keys.FEATURES) && inside.isEmpty() && last.isArray() && (named == null || named.group());
      String message = (named == null ? "" : named.label() + ": ") + "key '" + d.key() + "'" + where + " appears " + times(d.count())
          + firstAt(d, options, "keys")
          + "; RecIS uses the last value (" + valueText(last) + ")"
          + (lists ? ", so the features listed before it are lost: merge the lists into one" : ": keep one");
      out.add(new Finding(Rules.FG_DUPKEY, Severity.WARNING, named == null ? null : named.subject(), message, file, d.pointer())
          .at(d.line(), d.column()));
    }
    return out;
  }

  /** A feature or sequence group, as messages name it. */
  private record Owner(String label, @Nullable String subject, boolean group) {}

  static String times(int count) {
    return count == 2 ? "twice" : count + " times";
  }

  /** A duplicate key's last value, for "RecIS uses the last value (...)". */
  static String valueText(JsonNode v) {
    if (v.isTextual()) {
      String t = v.textValue();
      return "\"" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "\"";
    }
    if (v.isArray()) {
      return "a list of " + v.size() + (v.size() == 1 ? " entry" : " entries");
    }
    if (v.isObject()) {
      return "an object";
    }
    return v.asText(); // number, boolean, null
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
    Json.Tree tree = Json.read(file, text);
    JsonNode root = tree.root();
    List<Finding> problems = new ArrayList<>();
    Set<String> malformed = new java.util.HashSet<>();
    Map<String, List<String>> blocks = new LinkedHashMap<>();
    boolean dict = false;
    if (!root.isObject()) {
      problems.add(new Finding(Rules.MC_FORMAT, Severity.ERROR, null,
          "the top level is " + Keys.describe(root)
              + " but must be an object mapping block name to a list of features, like {\"user\": [\"user_id\"]}",
          file, ""));
      return new ParsedMc(new McConfig(blocks, McConfig.Mode.LIST, file), text, problems, List.of(), malformed);
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
    List<Finding> warnings = tree.duplicates().isEmpty() ? List.of() : new ArrayList<>();
    for (Json.Duplicate d : tree.duplicates()) {
      mcDuplicate(file, text, root, d, options, problems, warnings);
    }
    McConfig config = new McConfig(blocks, dict ? McConfig.Mode.DICT : McConfig.Mode.LIST, file);
    return new ParsedMc(config, text, problems, warnings, malformed);
  }

  /**
   * A block defined twice: the tree, like RecIS, has only the last definition. An MC-FORMAT error
   * when an earlier one lists an entry the last lacks (that feature is gone from the model), else
   * an MC-DUP warning. A key repeated in an entry object is an MC-DUP warning.
   */
  private static void mcDuplicate(String file, String text, JsonNode root, Json.Duplicate d, FgOptions options,
      List<Finding> problems, List<Finding> warnings) {
    String ptr = d.objectPointer();
    if (ptr.isEmpty()) {
      String block = d.key();
      List<JsonNode> defs = Json.topLevelValues(text, block);
      JsonNode last = defs.get(defs.size() - 1);
      Set<String> lost = new LinkedHashSet<>();
      for (JsonNode earlier : defs.subList(0, defs.size() - 1)) {
        for (JsonNode entry : entries(earlier)) {
          if (!entries(last).contains(entry)) {
            lost.add(entry.isTextual() ? "'" + entry.textValue() + "'" : entry.toString());
          }
        }
      }
      String defined = "block '" + block + "' is defined " + times(d.count()) + firstAt(d, options, "names")
          + "; RecIS keeps only the last definition";
      if (lost.isEmpty()) {
        warnings.add(new Finding(Rules.MC_DUP, Severity.WARNING, block,
            defined + ", which lists every entry of the " + (d.count() == 2 ? "other" : "others") + ": delete the "
                + (d.count() == 2 ? "other" : "others"),
            file, d.pointer()).at(d.line(), d.column()));
      } else {
        problems.add(new Finding(Rules.MC_FORMAT, Severity.ERROR, block,
            defined + ", so " + String.join(", ", lost) + ", listed only in "
                + (d.count() == 2 ? "the first" : "an earlier one") + ", " + (lost.size() == 1 ? "is" : "are")
                + " lost: rename one of the blocks, or merge them into one",
            file, d.pointer()).at(d.line(), d.column()));
      }
      return;
    }
    // "/<block>/<entry>[/...]": inside an entry object of a block's list
    String[] segments = ptr.substring(1).split("/", 3);
    String block = unescape(segments[0]);
    if (segments.length < 2 || !root.path(block).isArray()) {
      return; // the block is not a list: MC-FORMAT says so already
    }
    String where = segments.length == 3 ? " of \"" + segments[2] + "\"" : "";
    warnings.add(new Finding(Rules.MC_DUP, Severity.WARNING, block,
        "block '" + block + "' entry #" + segments[1] + ": key '" + d.key() + "'" + where + " appears " + times(d.count())
            + firstAt(d, options, "keys") + "; RecIS uses the last value ("
            + valueText(root.at(d.pointer())) + "): keep one",
        file, d.pointer()).at(d.line(), d.column()));
  }

  /** A block definition's entries (a malformed one, not a list, as one entry). */
  private static List<JsonNode> entries(JsonNode definition) {
    List<JsonNode> out = new ArrayList<>();
    if (definition.isArray()) {
      definition.forEach(out::add);
    } else {
      out.add(definition);
    }
    return out;
  }

  /** " (first at line 2, column 3)", and what lowercasing did to {@code what} ("keys", "names"). */
  private static String firstAt(Json.Duplicate d, FgOptions options, String what) {
    return " (first at line " + d.firstLine() + ", column " + d.firstColumn() + ")"
        + (options.lowerCase() ? " (" + what + " compared after lowercasing, as lower_case=True does)" : "");
  }

  /** One RFC 6901 pointer segment, unescaped. */
  private static String unescape(String segment) {
    return segment.indexOf('~') < 0 ? segment : segment.replace("~1", "/").replace("~0", "~");
  }
}
