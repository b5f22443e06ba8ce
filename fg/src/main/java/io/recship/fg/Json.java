package io.recship.fg;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Shared Jackson setup and the text-level helpers (lowercasing, escaping).
 *
 * <p>Reading uses jackson-core's streaming parser and builds the tree with {@link #NODES}, not an
 * {@code ObjectMapper}: the annotation processor parses every model's configs in a fresh class
 * loader per compile, and a mapper's cold start (about 390 classes) cost more than the parse.
 * The tree is the one {@code ObjectMapper.readTree} built (same node types, key order, duplicate
 * keys last-wins in the first key's place), and so are the error messages.
 */
final class Json {
  /** Python's json module accepts NaN/Infinity (and rejects trailing data: {@link #readTree}). */
  static final JsonFactory FACTORY =
      JsonFactory.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();

  /** Jackson's location text inside a reason: "[Source: REDACTED (...); line: 1, column: 14]". */
  private static final Pattern SOURCE_LOCATION =
      Pattern.compile("\\[Source: [^\\]]*?; line: (\\d+), column: (\\d+)\\]");

  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private Json() {}

  /** Parses {@code text}; syntax errors become an {@link FgConfigException} with line/column. */
  static JsonNode readTree(String file, String text) {
    if (text.isBlank()) {
      throw FgConfigException.at(file, 1, 1, null, "the file is empty; it must contain a JSON object", null);
    }
    try (JsonParser parser = FACTORY.createParser(text)) {
      return readRoot(parser);
    } catch (JsonProcessingException e) {
      JsonLocation loc = e.getLocation();
      int line = loc == null ? -1 : loc.getLineNr();
      int col = loc == null ? -1 : loc.getColumnNr();
      throw FgConfigException.at(
          file, line, col, null,
          "malformed JSON: " + withPlainLocations(firstLine(e.getOriginalMessage()))
              + ". Fix the JSON syntax at this position (a missing comma, quote or bracket is the usual cause)",
          e);
    } catch (IOException | RuntimeException e) {
      // e.g. stream constraints (absurd nesting or number length); a String source has no I/O
      throw FgConfigException.at(file, -1, -1, null, "cannot be parsed as JSON: " + firstLine(e.getMessage()), e);
    }
  }

  /** One JSON value and nothing after it; an input without any value is a missing node. */
  private static JsonNode readRoot(JsonParser p) throws IOException {
    JsonToken t = p.nextToken();
    if (t == null) {
      return NODES.missingNode();
    }
    JsonNode root = readValue(p, t);
    JsonToken trailing = p.nextToken();
    if (trailing != null) {
      // ObjectMapper's FAIL_ON_TRAILING_TOKENS wording, which users have seen in our messages
      throw new JsonParseException(p,
          "Trailing token (of type " + trailing + ") found after value (bound as `"
              + JsonNode.class.getName() + "`): not allowed as per `DeserializationFeature.FAIL_ON_TRAILING_TOKENS`",
          p.currentTokenLocation());
    }
    return root;
  }

  /**
   * The value starting at the current token {@code t}. Recursion depth is bounded by the
   * parser's nesting limit ({@code StreamReadConstraints}, 1000 by default).
   */
  private static JsonNode readValue(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT: {
        ObjectNode o = NODES.objectNode();
        // nextFieldName, not nextToken, as databind's tree reader: the two report some syntax
        // errors in different words, and users see this wording in our messages
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
          // replace: a duplicate key keeps its first position with the last value, as readTree did
          o.replace(name, readValue(p, p.nextToken()));
        }
        return o;
      }
      case START_ARRAY: {
        ArrayNode a = NODES.arrayNode();
        for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
          a.add(readValue(p, v));
        }
        return a;
      }
      case VALUE_STRING:
        return NODES.textNode(p.getText());
      case VALUE_NUMBER_INT:
        // int, long or BigInteger by magnitude: IntNode/LongNode/BigIntegerNode as readTree made
        switch (p.getNumberType()) {
          case INT:
            return NODES.numberNode(p.getIntValue());
          case LONG:
            return NODES.numberNode(p.getLongValue());
          default:
            return NODES.numberNode(p.getBigIntegerValue());
        }
      case VALUE_NUMBER_FLOAT:
        // text JSON floats are doubles (NaN/Infinity included); exact types only from binary formats
        switch (p.getNumberTypeFP()) {
          case BIG_DECIMAL:
            return NODES.numberNode(p.getDecimalValue());
          case FLOAT32:
            return NODES.numberNode(p.getFloatValue());
          default:
            return NODES.numberNode(p.getDoubleValue());
        }
      case VALUE_TRUE:
        return NODES.booleanNode(true);
      case VALUE_FALSE:
        return NODES.booleanNode(false);
      case VALUE_NULL:
        return NODES.nullNode();
      default:
        // END_* and FIELD_NAME cannot start a value; VALUE_EMBEDDED_OBJECT needs a binary format
        throw new JsonParseException(p, "unexpected token " + t, p.currentTokenLocation());
    }
  }

  /**
   * Jackson's reason with its location text ("[Source: REDACTED (`StreamReadFeature...`
   * disabled); line: 4, column: 15]") as "line 4, column 15": that text names Jackson settings.
   */
  static String withPlainLocations(String reason) {
    return SOURCE_LOCATION.matcher(reason).replaceAll("line $1, column $2");
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
