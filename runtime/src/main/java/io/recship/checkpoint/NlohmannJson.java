package io.recship.checkpoint;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Prints JSON the way RecIS' C++ side does ({@code nlohmann::json::dump(4)} of a sorted-key
 * object), so the meta files we write are byte-for-byte what RecIS writes for the same content.
 */
final class NlohmannJson {
  private NlohmannJson() {}

  /** {@code dump(4)}: 4-space indent, {@code ": "}, one array element per line, keys sorted. */
  static String pretty(JsonNode node) {
    StringBuilder sb = new StringBuilder();
    write(sb, node, 0, true);
    return sb.toString();
  }

  /** {@code dump()}: compact, keys sorted. */
  static String compact(JsonNode node) {
    StringBuilder sb = new StringBuilder();
    write(sb, node, 0, false);
    return sb.toString();
  }

  private static void write(StringBuilder sb, JsonNode n, int level, boolean pretty) {
    if (n.isObject()) {
      List<String> names = new ArrayList<>();
      n.fieldNames().forEachRemaining(names::add);
      Collections.sort(names);
      if (names.isEmpty()) {
        sb.append("{}");
        return;
      }
      sb.append('{');
      for (int i = 0; i < names.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        newline(sb, level + 1, pretty);
        quote(sb, names.get(i));
        sb.append(pretty ? ": " : ":");
        write(sb, n.get(names.get(i)), level + 1, pretty);
      }
      newline(sb, level, pretty);
      sb.append('}');
    } else if (n.isArray()) {
      if (n.isEmpty()) {
        sb.append("[]");
        return;
      }
      sb.append('[');
      for (int i = 0; i < n.size(); i++) {
        if (i > 0) {
          sb.append(',');
        }
        newline(sb, level + 1, pretty);
        write(sb, n.get(i), level + 1, pretty);
      }
      newline(sb, level, pretty);
      sb.append(']');
    } else if (n.isTextual()) {
      quote(sb, n.textValue());
    } else {
      sb.append(n.toString());
    }
  }

  private static void newline(StringBuilder sb, int level, boolean pretty) {
    if (pretty) {
      sb.append('\n').append(" ".repeat(4 * level));
    }
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"').append(JsonStringEncoder.getInstance().quoteAsString(s)).append('"');
  }
}
