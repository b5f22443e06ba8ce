package io.recship.fg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** One element of fg.json's {@code features} list: a plain feature or a sequence group. */
public sealed interface FgEntry permits FeatureConfig, SequenceConfig {
  /** {@code feature_name}, or null when the file lacks it (a FG-REQ finding). */
  @Nullable String featureName();

  /** True if the object has {@code key} (with any value, null included). */
  boolean has(String key);

  /** The raw value of {@code key} (a copy), or null when absent. Kotlin: {@code entry["expression"]}. */
  @Nullable JsonNode get(String key);

  /** Keys RecIS does not read (RTP keys such as {@code expression}), in file order, kept verbatim. */
  Map<String, JsonNode> unknownKeys();
}
