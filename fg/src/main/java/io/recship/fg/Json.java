package io.recship.fg;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Shared Jackson setup and the text-level helpers (lowercasing, escaping).
 *
 * <p>Reading uses jackson-core's streaming parser and builds the tree with {@link #NODES}, not an
 * {@code ObjectMapper}: the annotation processor parses every model's configs in a fresh class
 * loader per compile, and a mapper's cold start (about 390 classes) cost more than the parse.
 * The tree is the one {@code ObjectMapper.readTree} built (same node types, key order, duplicate
 * keys last-wins in the first key's place), and so are the error messages.
 *
 * <p>A duplicate key loses a value without a trace in that tree, so {@link #read} also says where
 * each duplicate is ({@link Duplicate}). Noticing one costs nothing ({@code replace} returns the
 * value it replaced); only then does a second pass find the pointers and positions.
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

  /**
   * A key written more than once in one object. The tree keeps the last value in the first
   * key's place (as Python's {@code json.load} keeps the last value).
   *
   * @param objectPointer JSON pointer of the object holding the key ({@code ""} for the top level)
   * @param key the key (as parsed: after lowercasing when the text was lowercased)
   * @param count how often the key appears in that object (2 or more)
   * @param firstLine 1-based line of the first occurrence of the key
   * @param firstColumn 1-based column of the first occurrence of the key
   * @param line 1-based line of the second occurrence, where the duplicate is reported
   * @param column 1-based column of the second occurrence
   */
  record Duplicate(String objectPointer, String key, int count, int firstLine, int firstColumn, int line, int column) {
    /** Pointer of the key's (last) value in the tree. */
    String pointer() {
      return objectPointer + "/" + escape(key);
    }
  }

  /**
   * A parsed text: the tree and its duplicate keys, in the order of their second occurrences.
   * Duplicates inside a value that a later duplicate replaced are left out: the tree has no trace
   * of them.
   */
  record Tree(JsonNode root, List<Duplicate> duplicates) {}

  /** Parses {@code text}; syntax errors become an {@link FgConfigException} with line/column. */
  static JsonNode readTree(String file, String text) {
    return read(file, text).root();
  }

  /** Like {@link #readTree}, with the duplicate keys (an empty list, not allocated, when none). */
  static Tree read(String file, String text) {
    if (text.isBlank()) {
      throw FgConfigException.at(file, 1, 1, null, "the file is empty; it must contain a JSON object", null);
    }
    try (JsonParser parser = FACTORY.createParser(text)) {
      TreeReader reader = new TreeReader(parser);
      JsonNode root = reader.readRoot();
      return new Tree(root, reader.sawDuplicate ? duplicates(text) : List.of());
    } catch (StreamConstraintsException e) {
      // absurd nesting or number/string length: no syntax error, so no syntax hint
      JsonLocation loc = e.getLocation();
      throw FgConfigException.at(file, loc == null ? -1 : loc.getLineNr(),
          loc == null ? -1 : loc.getColumnNr(), null, "is beyond what a config holds: "
          + firstLine(e.getOriginalMessage()) + ". An fg.json or mc.json nests a few levels and"
          + " holds short values: check that this file is the config", e);
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
      // a String source has no I/O; anything else Jackson throws is still named with the file
      throw FgConfigException.at(file, -1, -1, null, "cannot be parsed as JSON: " + firstLine(e.getMessage()), e);
    }
  }

  /**
   * Every value of top-level key {@code key} in {@code text}, in order: what a duplicate key's
   * earlier definitions held, which the tree has dropped. For a text {@link #read} parsed.
   */
  static List<JsonNode> topLevelValues(String text, String key) {
    List<JsonNode> out = new ArrayList<>();
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return out;
      }
      TreeReader reader = new TreeReader(p);
      for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
        JsonToken t = p.nextToken();
        if (name.equals(key)) {
          out.add(reader.readValue(t));
        } else {
          p.skipChildren();
        }
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("text parsed once already fails to parse again", e);
    }
  }

  /** The tree reader: one per parse, so that it can note a duplicate key without a second lookup. */
  private static final class TreeReader {
    private final JsonParser p;
    boolean sawDuplicate;

    TreeReader(JsonParser p) {
      this.p = p;
    }

    /** One JSON value and nothing after it; an input without any value is a missing node. */
    JsonNode readRoot() throws IOException {
      JsonToken t = p.nextToken();
      if (t == null) {
        return NODES.missingNode();
      }
      JsonNode root = readValue(t);
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
    private JsonNode readValue(JsonToken t) throws IOException {
      switch (t) {
        case START_OBJECT: {
          ObjectNode o = NODES.objectNode();
          // nextFieldName, not nextToken, as databind's tree reader: the two report some syntax
          // errors in different words, and users see this wording in our messages
          for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            // replace: a duplicate key keeps its first position with the last value, as readTree did
            if (o.replace(name, readValue(p.nextToken())) != null) {
              sawDuplicate = true;
            }
          }
          return o;
        }
        case START_ARRAY: {
          ArrayNode a = NODES.arrayNode();
          for (JsonToken v = p.nextToken(); v != JsonToken.END_ARRAY; v = p.nextToken()) {
            a.add(readValue(v));
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
  }

  /** One key of an object during {@link #duplicates}: where it first appeared, and its repeats. */
  private static final class Occurrences {
    final JsonLocation first;
    int count = 1;
    @Nullable JsonLocation second;

    Occurrences(JsonLocation first) {
      this.first = first;
    }
  }

  /** The duplicate keys of valid JSON {@code text}, found in a second pass that tracks pointers and key positions. */
  private static List<Duplicate> duplicates(String text) throws IOException {
    List<String[]> order = new ArrayList<>(); // {objectPointer, key} in the order of second occurrences
    Map<String, Map<String, Occurrences>> byObject = new HashMap<>();
    try (JsonParser p = FACTORY.createParser(text)) {
      if (p.nextToken() != null) {
        scan(p, "", order, byObject);
      }
    }
    List<Duplicate> out = new ArrayList<>(order.size());
    for (String[] d : order) {
      Occurrences o = byObject.get(d[0]).get(d[1]);
      out.add(new Duplicate(d[0], d[1], o.count, o.first.getLineNr(), o.first.getColumnNr(),
          o.second.getLineNr(), o.second.getColumnNr()));
    }
    return out;
  }

  private static void scan(JsonParser p, String ptr, List<String[]> order, Map<String, Map<String, Occurrences>> byObject)
      throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_OBJECT) {
      Map<String, Occurrences> keys = new HashMap<>();
      byObject.put(ptr, keys);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        String child = ptr + "/" + escape(key);
        Occurrences o = keys.get(key);
        if (o == null) {
          keys.put(key, new Occurrences(p.currentTokenLocation()));
        } else {
          if (++o.count == 2) {
            o.second = p.currentTokenLocation();
            order.add(new String[] {ptr, key});
          }
          // the earlier value is gone from the tree, and with it any duplicates inside it
          String inside = child + "/";
          order.removeIf(d -> d[0].equals(child) || d[0].startsWith(inside));
          byObject.keySet().removeIf(k -> k.equals(child) || k.startsWith(inside));
        }
        p.nextToken();
        scan(p, child, order, byObject);
      }
    } else if (t == JsonToken.START_ARRAY) {
      int i = 0;
      while (p.nextToken() != JsonToken.END_ARRAY) {
        scan(p, ptr + "/" + i++, order, byObject);
      }
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
