package io.recship.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recship.fg.Finding;
import java.io.UncheckedIOException;
import java.util.List;

/** The machine format of findings: a JSON array of objects with stable field names. */
final class FindingsJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private FindingsJson() {}

  static String write(List<Finding> findings) {
    ArrayNode list = MAPPER.createArrayNode();
    for (Finding f : findings) {
      ObjectNode o = list.addObject();
      o.put("ruleId", f.ruleId());
      o.put("severity", f.severity().label());
      o.put("subject", f.subject());
      o.put("message", f.message());
      o.put("file", f.file());
      o.put("pointer", f.pointer());
      if (f.hasPosition()) {
        o.put("line", f.line());
        o.put("column", f.column());
      }
    }
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(list);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
