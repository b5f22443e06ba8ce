package io.recship.fg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Sets the keys of one feature, in the order they are called (that is the order they are
 * written). Each method writes the fg.json key(s) named in its doc; nothing is validated here,
 * the {@link RuleChecker} and {@link FeatureGenerator} do that, so a builder can express exactly
 * what a file can.
 *
 * <pre>{@code
 * f -> f.idFeature().stringValue().hash(100_000).lookup(16)          // hashed id, 16-dim embedding
 * f -> f.rawFeature().doubleValue().passthrough()                    // dense value, no embedding
 * f -> f.rawFeature().integerValue().boundaries(18, 25, 35).lookup(8) // bucketized
 * }</pre>
 */
public final class FeatureBuilder {
  private final Map<String, JsonNode> keys;

  FeatureBuilder(String featureName) {
    keys = new LinkedHashMap<>();
    keys.put(Keys.FEATURE_NAME, Json.NODES.textNode(featureName));
  }

  FeatureBuilder(Map<String, JsonNode> existing) {
    keys = new LinkedHashMap<>(existing);
  }

  private FeatureBuilder text(String key, String value) {
    keys.put(key, Json.NODES.textNode(value));
    return this;
  }

  /** {@code feature_name} (the builder starts with the name it was created with). */
  public FeatureBuilder featureName(String value) {
    return text(Keys.FEATURE_NAME, value);
  }

  /** {@code feature_type}; RecIS only tells {@code raw_feature} (dense IO) from the rest. */
  public FeatureBuilder featureType(String value) {
    return text(Keys.FEATURE_TYPE, value);
  }

  /** {@code "feature_type": "id_feature"}. */
  public FeatureBuilder idFeature() {
    return featureType("id_feature");
  }

  /** {@code "feature_type": "raw_feature"}. */
  public FeatureBuilder rawFeature() {
    return featureType("raw_feature");
  }

  /** {@code "feature_type": "combo_feature"}. */
  public FeatureBuilder comboFeature() {
    return featureType("combo_feature");
  }

  /** {@code "feature_type": "lookup_feature"}. */
  public FeatureBuilder lookupFeature() {
    return featureType("lookup_feature");
  }

  /** {@code "feature_type": "match_feature"}. */
  public FeatureBuilder matchFeature() {
    return featureType("match_feature");
  }

  /** {@code value_type} as given (RecIS compares it case-insensitively). */
  public FeatureBuilder valueType(String value) {
    return text(Keys.VALUE_TYPE, value);
  }

  /** {@code "value_type": "String"}. */
  public FeatureBuilder stringValue() {
    return valueType("String");
  }

  /** {@code "value_type": "Double"} (read as float32). */
  public FeatureBuilder doubleValue() {
    return valueType("Double");
  }

  /** {@code "value_type": "Integer"} (read as int64). */
  public FeatureBuilder integerValue() {
    return valueType("Integer");
  }

  /** {@code gen_key_type} as given. */
  public FeatureBuilder genKeyType(String value) {
    return text(Keys.GEN_KEY_TYPE, value);
  }

  public FeatureBuilder genKeyType(GenKeyType value) {
    return genKeyType(value.fgName());
  }

  /** {@code gen_val_type} as given. */
  public FeatureBuilder genValType(String value) {
    return text(Keys.GEN_VAL_TYPE, value);
  }

  public FeatureBuilder genValType(GenValType value) {
    return genValType(value.fgName());
  }

  /** {@code "gen_key_type": "hash"} and {@code hash_bucket_size}. */
  public FeatureBuilder hash(long hashBucketSize) {
    return genKeyType(GenKeyType.HASH).hashBucketSize(hashBucketSize);
  }

  /** {@code "gen_key_type": "idle"}: ids are used as they are (Integer features). */
  public FeatureBuilder idleKey() {
    return genKeyType(GenKeyType.IDLE);
  }

  /** {@code "gen_key_type": "boundary"} and {@code boundaries} as RecIS' comma string. */
  public FeatureBuilder boundaries(double... boundaries) {
    StringJoiner j = new StringJoiner(",");
    for (double b : boundaries) {
      j.add(Double.toString(b));
    }
    genKeyType(GenKeyType.BOUNDARY);
    return text(Keys.BOUNDARIES, j.toString());
  }

  /** {@code boundaries} exactly as given, e.g. {@code "0.0,2.0,3.0"} (does not set gen_key_type). */
  public FeatureBuilder boundariesText(String commaSeparated) {
    return text(Keys.BOUNDARIES, commaSeparated);
  }

  /** {@code "gen_val_type": "lookup"} and {@code embedding_dimension}. */
  public FeatureBuilder lookup(int embeddingDimension) {
    return genValType(GenValType.LOOKUP).embeddingDimension(embeddingDimension);
  }

  /** {@code "gen_key_type": "idle", "gen_val_type": "idle"}: the raw value goes to the dense net. */
  public FeatureBuilder passthrough() {
    return genKeyType(GenKeyType.IDLE).genValType(GenValType.IDLE);
  }

  public FeatureBuilder hashBucketSize(long value) {
    keys.put(Keys.HASH_BUCKET_SIZE, Json.number(value));
    return this;
  }

  public FeatureBuilder hashType(HashType value) {
    return text(Keys.HASH_TYPE, value.fgName());
  }

  public FeatureBuilder embeddingDimension(int value) {
    keys.put(Keys.EMBEDDING_DIMENSION, Json.number(value));
    return this;
  }

  public FeatureBuilder valueDimension(int value) {
    keys.put(Keys.VALUE_DIMENSION, Json.number(value));
    return this;
  }

  public FeatureBuilder combiner(Combiner value) {
    return text(Keys.COMBINER, value.fgName());
  }

  /** {@code shared_name}: features with the same shared name use one embedding table. */
  public FeatureBuilder sharedName(String value) {
    return text(Keys.SHARED_NAME, value);
  }

  /** {@code from_feature}: read this IO column instead of the feature's own name. */
  public FeatureBuilder fromFeature(String value) {
    return text(Keys.FROM_FEATURE, value);
  }

  /** {@code compress_strategy} (multihash, e.g. {@code "yx:50,50,50,50:concat:4"}). */
  public FeatureBuilder compressStrategy(String value) {
    return text(Keys.COMPRESS_STRATEGY, value);
  }

  /** {@code emb_type}: float, fp16, bf16 or int8. */
  public FeatureBuilder embType(String value) {
    return text(Keys.EMB_TYPE, value);
  }

  /** {@code emb_device}: cpu or cuda. */
  public FeatureBuilder embDevice(String value) {
    return text(Keys.EMB_DEVICE, value);
  }

  public FeatureBuilder trainable(boolean value) {
    keys.put(Keys.TRAINABLE, Json.NODES.booleanNode(value));
    return this;
  }

  /** Any other key, kept verbatim (e.g. RTP's {@code "expression": "user:user_id"}). */
  public FeatureBuilder set(String key, String value) {
    return setJson(key, Json.NODES.textNode(value));
  }

  /** Any key with a JSON value, kept verbatim. */
  public FeatureBuilder setJson(String key, JsonNode value) {
    keys.put(key, value.deepCopy());
    return this;
  }

  /** Removes a key. */
  public FeatureBuilder remove(String key) {
    keys.remove(key);
    return this;
  }

  FeatureConfig build() {
    return new FeatureConfig(keys);
  }

  /** The finished feature (for {@link FeatureConfig#toBuilder()} chains). */
  public FeatureConfig toConfig() {
    return build();
  }
}
