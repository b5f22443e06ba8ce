package io.recship.fg;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Lenient typed reads over a raw key map (wrong types read as absent; the checker reports them). */
final class Raw {
  private Raw() {}

  static @Nullable String text(Map<String, JsonNode> m, String key) {
    JsonNode n = m.get(key);
    return n != null && n.isTextual() ? n.textValue() : null;
  }

  static @Nullable Long integer(Map<String, JsonNode> m, String key) {
    JsonNode n = m.get(key);
    return n != null && n.isIntegralNumber() && n.canConvertToLong() ? n.longValue() : null;
  }

  static @Nullable JsonNode copy(Map<String, JsonNode> m, String key) {
    JsonNode n = m.get(key);
    return n == null ? null : n.deepCopy();
  }

  static Map<String, JsonNode> unknown(Map<String, JsonNode> m, Set<String> known) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (!known.contains(k)) {
        out.put(k, v.deepCopy());
      }
    });
    return Collections.unmodifiableMap(out);
  }

  static Map<String, JsonNode> freeze(Map<String, JsonNode> m) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(m));
  }
}
