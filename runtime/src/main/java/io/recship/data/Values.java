package io.recship.data;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Turns JSON nodes or CSV cells into normalised values; problems are {@link Problem}s for the caller to place. */
final class Values {
  /** A value that does not fit its column; the reader adds file and line. */
  static final class Problem extends Exception {
    private static final long serialVersionUID = 1L;

    Problem(String message) {
      super(message, null, false, false);
    }
  }

  private Values() {}

  static Object fromJson(JsonNode n, Column c) throws Problem {
    if (c.sequence()) {
      if (!n.isArray()) {
        // one string may still carry the steps joined, as RTP writes them
        throw new Problem("a sequence column needs a JSON array of steps, got " + kind(n));
      }
      List<Object> steps = new ArrayList<>(n.size());
      for (JsonNode step : n) {
        steps.add(step.isArray() ? list(step, c) : scalar(step, c));
      }
      return steps;
    }
    return n.isArray() ? list(n, c) : scalar(n, c);
  }

  private static List<Object> list(JsonNode n, Column c) throws Problem {
    List<Object> out = new ArrayList<>(n.size());
    for (JsonNode e : n) {
      out.add(scalar(e, c));
    }
    return out;
  }

  private static Object scalar(JsonNode n, Column c) throws Problem {
    switch (c.type()) {
      case STRING:
        if (n.isTextual() || n.isNumber()) {
          return n.asText();
        }
        break;
      case DOUBLE:
        if (n.isNumber()) {
          return n.asDouble();
        }
        if (n.isTextual()) {
          return parseDouble(n.asText());
        }
        break;
      case INTEGER:
        if (n.isIntegralNumber()) {
          return n.asLong();
        }
        if (n.isTextual()) {
          return parseLong(n.asText());
        }
        break;
      default:
        break;
    }
    throw new Problem("expected " + c.type().name().toLowerCase() + ", got " + kind(n) + " " + n);
  }

  static Object fromText(String cell, Column c, String multiSep, String seqSep) throws Problem {
    if (c.sequence()) {
      List<Object> steps = new ArrayList<>();
      if (!cell.isEmpty()) {
        for (String step : cell.split(Pattern.quote(seqSep), -1)) {
          steps.add(multi(step, c, multiSep));
        }
      }
      return steps;
    }
    return multi(cell, c, multiSep);
  }

  private static Object multi(String cell, Column c, String multiSep) throws Problem {
    if (cell.isEmpty()) {
      return List.of();
    }
    if (!cell.contains(multiSep)) {
      return text(cell, c);
    }
    List<Object> out = new ArrayList<>();
    for (String part : cell.split(Pattern.quote(multiSep), -1)) {
      out.add(text(part, c));
    }
    return out;
  }

  private static Object text(String s, Column c) throws Problem {
    return switch (c.type()) {
      case STRING -> s;
      case DOUBLE -> parseDouble(s);
      case INTEGER -> parseLong(s);
    };
  }

  static double parseDouble(String s) throws Problem {
    try {
      return Double.parseDouble(s.trim());
    } catch (NumberFormatException e) {
      throw new Problem("'" + s + "' is not a number");
    }
  }

  static long parseLong(String s) throws Problem {
    try {
      return Long.parseLong(s.trim());
    } catch (NumberFormatException e) {
      throw new Problem("'" + s + "' is not an integer");
    }
  }

  private static String kind(JsonNode n) {
    return n.getNodeType().name().toLowerCase();
  }
}
