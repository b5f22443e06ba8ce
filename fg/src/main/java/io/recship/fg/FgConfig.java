package io.recship.fg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * A parsed fg.json: the {@code features} list (plain features and sequence groups, in file
 * order) and every other top-level key (e.g. RTP's {@code reserves}), kept verbatim.
 *
 * <p>Build one in code with {@link #builder()}:
 *
 * <pre>{@code
 * FgConfig fg = FgConfig.builder()
 *     .feature("user_id", f -> f.idFeature().stringValue().hash(100_000).lookup(16))
 *     .sequence("click_seq", 20, s -> s.feature("item_id", f -> f.idFeature().stringValue().hash(1_000_000).lookup(16)))
 *     .build();
 * }</pre>
 */
public final class FgConfig {
  private final List<FgEntry> entries;
  private final Map<String, JsonNode> extraKeys;
  private final int featuresPosition; // index of "features" among the top-level keys, for writing back
  private final String sourceName;

  FgConfig(List<FgEntry> entries, Map<String, JsonNode> extraKeys, int featuresPosition, String sourceName) {
    this.entries = List.copyOf(entries);
    this.extraKeys = Raw.freeze(extraKeys);
    this.featuresPosition = Math.max(0, Math.min(featuresPosition, extraKeys.size()));
    this.sourceName = sourceName;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Plain features and sequence groups in file order. */
  public List<FgEntry> entries() {
    return entries;
  }

  /** Top-level keys other than {@code features}, in file order (copies). */
  public Map<String, JsonNode> extraKeys() {
    return Raw.unknown(extraKeys, java.util.Set.of());
  }

  /** The file this came from, or a description for configs built in code. Not part of equality. */
  public String sourceName() {
    return sourceName;
  }

  /** Number of features after expanding sequence groups. */
  public int featureCount() {
    int n = 0;
    for (FgEntry e : entries) {
      n += e instanceof SequenceConfig s ? s.features().size() : 1;
    }
    return n;
  }

  Map<String, JsonNode> rawExtraKeys() {
    return extraKeys;
  }

  int featuresPosition() {
    return featuresPosition;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof FgConfig other && entries.equals(other.entries) && extraKeys.equals(other.extraKeys);
  }

  @Override
  public int hashCode() {
    return entries.hashCode() * 31 + extraKeys.hashCode();
  }

  @Override
  public String toString() {
    return "FgConfig[" + sourceName + ", " + entries.size() + " entries]";
  }

  /** Builds an {@link FgConfig} in code; entries keep the order they are added in. */
  public static final class Builder {
    private final List<FgEntry> entries = new ArrayList<>();
    private final Map<String, JsonNode> extraKeys = new LinkedHashMap<>();
    private String sourceName = "FgConfig.builder()";

    Builder() {}

    /** Adds a plain feature; {@code spec} sets its keys. */
    public Builder feature(String featureName, Consumer<FeatureBuilder> spec) {
      entries.add(FeatureConfig.of(featureName, spec));
      return this;
    }

    /**
     * Adds a sequence group whose {@code feature_name} and {@code sequence_name} are both {@code
     * sequenceName}; {@code spec} adds its sub-features by short name.
     */
    public Builder sequence(String sequenceName, int sequenceLength, Consumer<SequenceBuilder> spec) {
      SequenceBuilder b = new SequenceBuilder(sequenceName, sequenceLength);
      spec.accept(b);
      entries.add(b.build());
      return this;
    }

    /** Adds an entry built elsewhere (e.g. taken from a parsed config). */
    public Builder add(FgEntry entry) {
      entries.add(entry);
      return this;
    }

    /** A top-level key other than {@code features}, e.g. RTP's {@code reserves}. */
    public Builder extraKey(String key, JsonNode value) {
      if (key.equals(Keys.FEATURES)) {
        throw new IllegalArgumentException("'features' is built with feature(...) and sequence(...), not extraKey");
      }
      extraKeys.put(key, value.deepCopy());
      return this;
    }

    /** How messages name this config (default {@code "FgConfig.builder()"}). */
    public Builder sourceName(String name) {
      this.sourceName = name;
      return this;
    }

    public FgConfig build() {
      return new FgConfig(entries, extraKeys, 0, sourceName);
    }
  }
}
