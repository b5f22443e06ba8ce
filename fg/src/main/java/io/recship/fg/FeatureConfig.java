package io.recship.fg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * One fg.json feature object exactly as written (plain, or a sub-feature of a sequence group).
 * Every key is kept in file order, so unknown keys are written back verbatim. The typed accessors
 * apply RecIS' defaults; enum-like keys are returned as strings because the file may hold values
 * RecIS refuses (the {@link RuleChecker} reports those). Use {@link FeatureGenerator} for the
 * resolved view with enums and shapes.
 */
public final class FeatureConfig implements FgEntry {
  private static final Set<String> KNOWN = Keys.FEATURE_KEYS;

  private final Map<String, JsonNode> keys;

  FeatureConfig(Map<String, JsonNode> keys) {
    this.keys = Raw.freeze(keys);
  }

  /** A single feature built in code, e.g. to add to {@link FgConfig.Builder#add(FgEntry)}. */
  public static FeatureConfig of(String featureName, Consumer<FeatureBuilder> spec) {
    FeatureBuilder b = new FeatureBuilder(featureName);
    spec.accept(b);
    return b.build();
  }

  /** A builder holding this feature's keys, to derive a changed copy. */
  public FeatureBuilder toBuilder() {
    return new FeatureBuilder(keys);
  }

  @Override
  public @Nullable String featureName() {
    return Raw.text(keys, Keys.FEATURE_NAME);
  }

  /** {@code feature_type} as written; RecIS only distinguishes {@code raw_feature} (any case). */
  public @Nullable String featureType() {
    return Raw.text(keys, Keys.FEATURE_TYPE);
  }

  public @Nullable String valueType() {
    return Raw.text(keys, Keys.VALUE_TYPE);
  }

  public @Nullable String genKeyType() {
    return Raw.text(keys, Keys.GEN_KEY_TYPE);
  }

  public @Nullable String genValType() {
    return Raw.text(keys, Keys.GEN_VAL_TYPE);
  }

  /** Default 0, which RecIS reads as "no Mod": a dynamic hashtable keyed by the full hash. */
  public long hashBucketSize() {
    Long v = Raw.integer(keys, Keys.HASH_BUCKET_SIZE);
    return v == null ? 0L : v;
  }

  /** Default {@code farmhash}. */
  public String hashType() {
    String v = Raw.text(keys, Keys.HASH_TYPE);
    return v == null ? HashType.FARMHASH.fgName() : v;
  }

  /** Default 1. */
  public int valueDimension() {
    Long v = Raw.integer(keys, Keys.VALUE_DIMENSION);
    return v == null ? 1 : v.intValue();
  }

  /** Default {@code mean}. */
  public String combiner() {
    String v = Raw.text(keys, Keys.COMBINER);
    return v == null ? Combiner.MEAN.fgName() : v;
  }

  /** No default: lookup features must set it. */
  public @Nullable Integer embeddingDimension() {
    Long v = Raw.integer(keys, Keys.EMBEDDING_DIMENSION);
    return v == null ? null : v.intValue();
  }

  /** Default: the feature's own (unprefixed) name, as RecIS R-new does for sequence sub-features. */
  public @Nullable String sharedName() {
    String v = Raw.text(keys, Keys.SHARED_NAME);
    return v != null ? v : featureName();
  }

  /** The raw comma string (RecIS refuses a JSON array); null when absent or not a string. */
  public @Nullable String boundaries() {
    return Raw.text(keys, Keys.BOUNDARIES);
  }

  public @Nullable String compressStrategy() {
    return Raw.text(keys, Keys.COMPRESS_STRATEGY);
  }

  /** The IO column to read instead of {@code feature_name} ("feature clone"). */
  public @Nullable String fromFeature() {
    return Raw.text(keys, Keys.FROM_FEATURE);
  }

  public @Nullable String embType() {
    return Raw.text(keys, Keys.EMB_TYPE);
  }

  public @Nullable String embDevice() {
    return Raw.text(keys, Keys.EMB_DEVICE);
  }

  /** Default {@code "0"} (R-new {@code gen_key_type=mask}). */
  public String maskOut() {
    String v = Raw.text(keys, Keys.MASK_OUT);
    return v == null ? "0" : v;
  }

  /** Default true. */
  public boolean trainable() {
    JsonNode n = keys.get(Keys.TRAINABLE);
    return n == null || !n.isBoolean() || n.booleanValue();
  }

  @Override
  public boolean has(String key) {
    return keys.containsKey(key);
  }

  @Override
  public @Nullable JsonNode get(String key) {
    return Raw.copy(keys, key);
  }

  /** Every key in file order (values are copies). */
  public Map<String, JsonNode> keys() {
    return Raw.unknown(keys, Set.of());
  }

  @Override
  public Map<String, JsonNode> unknownKeys() {
    return Raw.unknown(keys, KNOWN);
  }

  /** The underlying map, for package code that only reads. */
  Map<String, JsonNode> raw() {
    return keys;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof FeatureConfig other && keys.equals(other.keys);
  }

  @Override
  public int hashCode() {
    return keys.hashCode();
  }

  @Override
  public String toString() {
    return FgWriter.compact(keys);
  }
}
