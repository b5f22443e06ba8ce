package io.recship.fg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/** Sets a sequence group's keys and adds its sub-features (by short name). */
public final class SequenceBuilder {
  private final Map<String, JsonNode> keys = new LinkedHashMap<>();
  private final List<FeatureConfig> features = new ArrayList<>();

  SequenceBuilder(String sequenceName, int sequenceLength) {
    keys.put(Keys.FEATURE_NAME, Json.NODES.textNode(sequenceName));
    keys.put(Keys.SEQUENCE_NAME, Json.NODES.textNode(sequenceName));
    keys.put(Keys.SEQUENCE_LENGTH, Json.number(sequenceLength));
  }

  /** A sub-feature; its full name is {@code <sequence_name>_<featureName>}. */
  public SequenceBuilder feature(String featureName, Consumer<FeatureBuilder> spec) {
    features.add(FeatureConfig.of(featureName, spec));
    return this;
  }

  /** The group's {@code feature_name} when it should differ from the sequence name. */
  public SequenceBuilder featureName(String value) {
    keys.put(Keys.FEATURE_NAME, Json.NODES.textNode(value));
    return this;
  }

  /** {@code from_feature} of the group. */
  public SequenceBuilder fromFeature(String value) {
    keys.put(Keys.FROM_FEATURE, Json.NODES.textNode(value));
    return this;
  }

  /** Any other key, kept verbatim (e.g. RTP's {@code sequence_table}). */
  public SequenceBuilder set(String key, String value) {
    return setJson(key, Json.NODES.textNode(value));
  }

  public SequenceBuilder setJson(String key, JsonNode value) {
    if (key.equals(Keys.FEATURES)) {
      throw new IllegalArgumentException("add sub-features with feature(name, spec), not setJson(\"features\", ...)");
    }
    keys.put(key, value.deepCopy());
    return this;
  }

  SequenceConfig build() {
    return new SequenceConfig(keys, features, true);
  }
}
