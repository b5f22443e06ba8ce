package io.recship.fg;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** Shared Jackson setup and the text-level helpers (lowercasing, escaping). */
final class Json {
  /** Python's json module accepts NaN/Infinity and rejects trailing data; so do we. */
  static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  /** Parses {@code text}; syntax errors become an {@link FgConfigException} with line/column. */
  static JsonNode readTree(String file, String text) {
    if (text.isBlank()) {
      throw FgConfigException.at(file, 1, 1, null, "the file is empty; it must contain a JSON object", null);
    }
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      int line = loc == null ? -1 : loc.getLineNr();
      int col = loc == null ? -1 : loc.getColumnNr();
      throw FgConfigException.at(
          file, line, col, null,
          "malformed JSON: " + firstLine(e.getOriginalMessage())
              + ". Fix the JSON syntax at this position (a missing comma, quote or bracket is the usual cause)",
          e);
    } catch (RuntimeException e) {
      // e.g. stream constraints (absurd nesting or number length)
      throw FgConfigException.at(file, -1, -1, null, "cannot be parsed as JSON: " + firstLine(e.getMessage()), e);
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unknown error";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }

  /**
   * RecIS' {@code json.loads(json.dumps(conf).lower())}: {@code json.dumps} escapes non-ASCII
   * characters, so only ASCII letters change case; escape sequences stay equivalent. Length is
   * preserved, so text positions stay valid.
   */
  static String lowerAscii(String text) {
    char[] cs = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        if (cs == null) {
          cs = text.toCharArray();
        }
        cs[i] = (char) (c + ('a' - 'A'));
      }
    }
    return cs == null ? text : new String(cs);
  }

  /** RFC 6901 escaping of one pointer segment. */
  static String escape(String segment) {
    if (segment.indexOf('~') < 0 && segment.indexOf('/') < 0) {
      return segment;
    }
    return segment.replace("~", "~0").replace("/", "~1");
  }

  /** Integers that fit in an int become IntNode, as the parser would produce them. */
  static JsonNode number(long v) {
    return v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? NODES.numberNode((int) v) : NODES.numberNode(v);
  }
}
