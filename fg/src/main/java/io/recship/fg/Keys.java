package io.recship.fg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** fg.json key names RecIS reads, and the JSON type each must have. */
final class Keys {
  static final String FEATURES = "features";
  static final String FEATURE_NAME = "feature_name";
  static final String FEATURE_TYPE = "feature_type";
  static final String VALUE_TYPE = "value_type";
  static final String GEN_KEY_TYPE = "gen_key_type";
  static final String GEN_VAL_TYPE = "gen_val_type";
  static final String HASH_BUCKET_SIZE = "hash_bucket_size";
  static final String HASH_TYPE = "hash_type";
  static final String VALUE_DIMENSION = "value_dimension";
  static final String COMBINER = "combiner";
  static final String EMBEDDING_DIMENSION = "embedding_dimension";
  static final String SHARED_NAME = "shared_name";
  static final String BOUNDARIES = "boundaries";
  static final String COMPRESS_STRATEGY = "compress_strategy";
  static final String FROM_FEATURE = "from_feature";
  static final String MASK_OUT = "mask_out";
  static final String TRAINABLE = "trainable";
  static final String EMB_DEVICE = "emb_device";
  static final String EMB_TYPE = "emb_type";
  static final String ADMIT_HOOK = "admit_hook";
  static final String FILTER_HOOK = "filter_hook";
  static final String SEQUENCE_NAME = "sequence_name";
  static final String SEQUENCE_LENGTH = "sequence_length";
  static final String COLUMN_NAME = "column_name";

  static final Set<String> REQUIRED =
      Set.of(FEATURE_NAME, FEATURE_TYPE, VALUE_TYPE, GEN_KEY_TYPE, GEN_VAL_TYPE);
  /** Required keys in the order RecIS reads them (for stable messages). */
  static final String[] REQUIRED_ORDER = {
    FEATURE_NAME, FEATURE_TYPE, VALUE_TYPE, GEN_KEY_TYPE, GEN_VAL_TYPE
  };

  enum Kind {
    STRING("a string"),
    INT("an integer"),
    LONG("an integer"),
    BOOL("true or false"),
    OBJECT("a JSON object");

    final String expected;

    Kind(String expected) {
      this.expected = expected;
    }
  }

  /** Keys whose JSON type RecIS relies on. {@code boundaries} is absent: FG-BOUND explains it. */
  static final Map<String, Kind> FEATURE_KINDS =
      Map.ofEntries(
          Map.entry(FEATURE_NAME, Kind.STRING),
          Map.entry(FEATURE_TYPE, Kind.STRING),
          Map.entry(VALUE_TYPE, Kind.STRING),
          Map.entry(GEN_KEY_TYPE, Kind.STRING),
          Map.entry(GEN_VAL_TYPE, Kind.STRING),
          Map.entry(HASH_BUCKET_SIZE, Kind.LONG),
          Map.entry(HASH_TYPE, Kind.STRING),
          Map.entry(VALUE_DIMENSION, Kind.INT),
          Map.entry(COMBINER, Kind.STRING),
          Map.entry(EMBEDDING_DIMENSION, Kind.INT),
          Map.entry(SHARED_NAME, Kind.STRING),
          Map.entry(COMPRESS_STRATEGY, Kind.STRING),
          Map.entry(FROM_FEATURE, Kind.STRING),
          Map.entry(MASK_OUT, Kind.STRING),
          Map.entry(TRAINABLE, Kind.BOOL),
          Map.entry(EMB_DEVICE, Kind.STRING),
          Map.entry(EMB_TYPE, Kind.STRING),
          Map.entry(ADMIT_HOOK, Kind.OBJECT),
          Map.entry(FILTER_HOOK, Kind.OBJECT));

  static final Map<String, Kind> SEQUENCE_KINDS =
      Map.of(
          FEATURE_NAME, Kind.STRING,
          SEQUENCE_NAME, Kind.STRING,
          SEQUENCE_LENGTH, Kind.INT,
          FROM_FEATURE, Kind.STRING);

  /** Every key RecIS reads from a feature object (plain or sequence sub-feature). */
  static final Set<String> FEATURE_KEYS = union(FEATURE_KINDS.keySet(), Set.of(BOUNDARIES));

  /** Every key RecIS reads from a sequence group object. */
  static final Set<String> SEQUENCE_KEYS = union(SEQUENCE_KINDS.keySet(), Set.of(FEATURES));

  /**
   * Keys RecIS ignores but the online RTP FG reads (recis-reference §1.2, §1.3; EasyRec
   * rtp_fg.md): they belong in an fg.json delivered to RTP, so FG-UNKNOWNKEY does not warn about
   * them. Compared ignoring case ({@code needDiscrete} survives lower_case=True as {@code
   * needdiscrete}). The vocabulary keys are not here: RecIS ignoring them changes the ids.
   */
  static final Set<String> RTP_FEATURE_KEYS =
      lowered(Set.of("expression", "map", "key", "column_type", "need_prefix", "group", "separator",
          "default_value", "needDiscrete", "needWeighting", "normalizer", "combo_join_separator"));

  static final Set<String> RTP_SEQUENCE_KEYS =
      lowered(Set.of("sequence_table", "sequence_pk", "sequence_column", "sequence_delim", "attribute_delim",
          "sequence_name_prefix"));

  /** Keys whose RecIS default is None, so an explicit JSON null means the same as absent. */
  static final Set<String> NULL_IS_ABSENT =
      Set.of(
          EMBEDDING_DIMENSION, BOUNDARIES, COMPRESS_STRATEGY, FROM_FEATURE, EMB_DEVICE, EMB_TYPE,
          ADMIT_HOOK, FILTER_HOOK, SHARED_NAME);

  private Keys() {}

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> out = new java.util.HashSet<>(a);
    out.addAll(b);
    return Set.copyOf(out);
  }

  private static Set<String> lowered(Set<String> keys) {
    Set<String> out = new java.util.HashSet<>();
    keys.forEach(k -> out.add(k.toLowerCase(java.util.Locale.ROOT)));
    return Set.copyOf(out);
  }

  /**
   * The key RecIS reads that {@code key} is most likely a misspelling of, or null: see {@link
   * Typos#nearKey}. Only a unique best candidate is named.
   */
  static @Nullable String closest(String key, Set<String> known) {
    return Typos.uniqueNearKey(key, known);
  }

  /** Null if {@code v} fits {@code kind}, else a description of what it is instead. */
  static @Nullable String typeProblem(String key, Kind kind, JsonNode v) {
    if (v.isNull() && NULL_IS_ABSENT.contains(key)) {
      return null;
    }
    boolean ok =
        switch (kind) {
          case STRING -> v.isTextual();
          case INT -> v.isIntegralNumber() && v.canConvertToInt();
          case LONG -> v.isIntegralNumber() && v.canConvertToLong();
          case BOOL -> v.isBoolean();
          case OBJECT -> v.isObject();
        };
    if (ok) {
      return null;
    }
    if (v.isIntegralNumber() && (kind == Kind.INT || kind == Kind.LONG)) {
      return "the integer " + v.asText() + ", which is out of range";
    }
    return describe(v);
  }

  /** "the string \"abc\"", "an array", ... for messages. */
  static String describe(JsonNode v) {
    if (v.isTextual()) {
      String t = v.textValue();
      return "the string \"" + (t.length() > 40 ? t.substring(0, 40) + "..." : t) + "\"";
    }
    if (v.isNumber()) {
      return "the number " + v.asText();
    }
    if (v.isBoolean()) {
      return "the boolean " + v.asText();
    }
    if (v.isNull()) {
      return "null";
    }
    if (v.isArray()) {
      return "an array";
    }
    return "an object";
  }

  /** A sample value to show in "write it like this" hints. */
  static String example(String key, Kind kind) {
    return switch (kind) {
      case STRING -> "\"" + key + "\": \"...\"";
      case INT, LONG -> "\"" + key + "\": " + (key.equals(HASH_BUCKET_SIZE) ? "100000" : "8");
      case BOOL -> "\"" + key + "\": true";
      case OBJECT -> "\"" + key + "\": {\"name\": \"...\"}";
    };
  }
}
