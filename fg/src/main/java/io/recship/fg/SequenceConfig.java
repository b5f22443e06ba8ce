package io.recship.fg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A sequence group: an fg.json entry with {@code sequence_name}. Its sub-features' full names
 * are {@code sequence_name + "_" + feature_name}; a mc block named after the sequence lists them
 * by short name.
 */
public final class SequenceConfig implements FgEntry {
  private static final Set<String> KNOWN = Keys.SEQUENCE_KEYS;

  private final Map<String, JsonNode> keys; // without "features"
  private final List<FeatureConfig> features;

  private final boolean hasFeaturesKey; // absent and empty "features" get different FG-REQ messages

  SequenceConfig(Map<String, JsonNode> keys, List<FeatureConfig> features, boolean hasFeaturesKey) {
    this.keys = Raw.freeze(keys);
    this.features = List.copyOf(features);
    this.hasFeaturesKey = hasFeaturesKey;
  }

  /** The group's {@code feature_name}; RecIS requires it, usually equal to the sequence name. */
  @Override
  public @Nullable String featureName() {
    return Raw.text(keys, Keys.FEATURE_NAME);
  }

  public @Nullable String sequenceName() {
    return Raw.text(keys, Keys.SEQUENCE_NAME);
  }

  /** {@code sequence_length}, or 0 when absent or invalid (a FG-REQ finding). */
  public int sequenceLength() {
    Long v = Raw.integer(keys, Keys.SEQUENCE_LENGTH);
    return v == null || v < 0 || v > Integer.MAX_VALUE ? 0 : v.intValue();
  }

  public @Nullable String fromFeature() {
    return Raw.text(keys, Keys.FROM_FEATURE);
  }

  /** The sub-features, with their short names. */
  public List<FeatureConfig> features() {
    return features;
  }

  /** {@code sequence_name + "_" + sub.feature_name}: single underscore, as RecIS and RTP do. */
  public String fullName(FeatureConfig sub) {
    return sequenceName() + "_" + sub.featureName();
  }

  @Override
  public boolean has(String key) {
    return keys.containsKey(key) || (key.equals(Keys.FEATURES) && hasFeaturesKey);
  }

  @Override
  public @Nullable JsonNode get(String key) {
    return Raw.copy(keys, key);
  }

  @Override
  public Map<String, JsonNode> unknownKeys() {
    return Raw.unknown(keys, KNOWN);
  }

  Map<String, JsonNode> raw() {
    return keys;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SequenceConfig other && keys.equals(other.keys) && features.equals(other.features);
  }

  @Override
  public int hashCode() {
    return keys.hashCode() * 31 + features.hashCode();
  }

  @Override
  public String toString() {
    return FgWriter.compact(keys) + " with " + features.size() + " features";
  }
}
