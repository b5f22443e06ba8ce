package io.recship.fg;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Writes fg.json and mc.json. Keys are written in the order they were read (or set), unknown keys
 * included, so {@code parse(write(parse(text)))} equals {@code parse(text)}. A sequence group's
 * {@code features} list is written last in the group.
 */
public final class FgWriter {
  /**
   * Created on first write, not when fg loads: checking configs (the annotation processor's
   * compile-time path) only reads, and an ObjectMapper's cold start costs more than the parse.
   */
  private static final class Writers {
    static final JsonMapper MAPPER = JsonMapper.builder().build();
    static final ObjectWriter PRETTY;

    static {
      DefaultIndenter indent = new DefaultIndenter("  ", "\n");
      DefaultPrettyPrinter pp =
          new DefaultPrettyPrinter()
              .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER));
      pp.indentArraysWith(indent);
      pp.indentObjectsWith(indent);
      PRETTY = MAPPER.writer(pp);
    }

    private Writers() {}
  }

  private FgWriter() {}

  /** fg.json text (two-space indent, trailing newline). */
  public static String write(FgConfig fg) {
    return pretty(toJson(fg));
  }

  /** mc.json text in the config's {@link McConfig.Mode}. */
  public static String write(McConfig mc) {
    return pretty(toJson(mc));
  }

  static ObjectNode toJson(FgConfig fg) {
    ObjectNode root = Json.NODES.objectNode();
    int i = 0;
    for (Map.Entry<String, JsonNode> e : fg.rawExtraKeys().entrySet()) {
      if (i++ == fg.featuresPosition()) {
        root.set(Keys.FEATURES, entries(fg.entries()));
      }
      root.set(e.getKey(), e.getValue().deepCopy());
    }
    if (!root.has(Keys.FEATURES)) {
      root.set(Keys.FEATURES, entries(fg.entries()));
    }
    return root;
  }

  private static ArrayNode entries(List<FgEntry> entries) {
    ArrayNode list = Json.NODES.arrayNode();
    for (FgEntry entry : entries) {
      if (entry instanceof FeatureConfig f) {
        list.add(object(f.raw()));
      } else if (entry instanceof SequenceConfig s) {
        ObjectNode o = object(s.raw());
        ArrayNode subs = o.putArray(Keys.FEATURES);
        s.features().forEach(f -> subs.add(object(f.raw())));
        list.add(o);
      }
    }
    return list;
  }

  static ObjectNode toJson(McConfig mc) {
    ObjectNode root = Json.NODES.objectNode();
    mc.blocks().forEach((block, names) -> {
      ArrayNode list = root.putArray(block);
      for (String n : names) {
        if (mc.mode() == McConfig.Mode.DICT) {
          list.addObject().put(Keys.COLUMN_NAME, n);
        } else {
          list.add(n);
        }
      }
    });
    return root;
  }

  private static ObjectNode object(Map<String, JsonNode> keys) {
    ObjectNode o = Json.NODES.objectNode();
    keys.forEach((k, v) -> o.set(k, v.deepCopy()));
    return o;
  }

  static String compact(Map<String, JsonNode> keys) {
    try {
      return Writers.MAPPER.writeValueAsString(object(keys));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pretty(JsonNode node) {
    try {
      return Writers.PRETTY.writeValueAsString(node) + "\n";
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e); // writing a tree to a String cannot fail
    }
  }
}
