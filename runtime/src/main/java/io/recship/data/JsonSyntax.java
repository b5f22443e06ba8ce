package io.recship.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Jackson's parse errors in plain words. Its messages name its own parser states and features and
 * carry a "start marker at [Source: REDACTED ...]" location; a data error shows the user's file,
 * line and column instead, so only the reason is kept. Unknown messages still lose the location text.
 */
final class JsonSyntax {
  private static final Pattern UNEXPECTED_CHAR =
      Pattern.compile("Unexpected character \\('(.+?)' \\(code (\\d+)[^)]*\\)\\)(.*)", Pattern.DOTALL);
  private static final Pattern TOKEN = Pattern.compile("(Unrecognized|Non-standard) token '([^']*)'.*", Pattern.DOTALL);
  private static final Pattern CONTROL = Pattern.compile("Illegal unquoted character \\(\\(CTRL-CHAR, code (\\d+)\\)\\).*",
      Pattern.DOTALL);
  private static final Pattern ESCAPE = Pattern.compile("Unrecognized character escape '(.+?)'.*", Pattern.DOTALL);
  private static final int BOM = 0xFEFF;

  private JsonSyntax() {}

  /** A short reason for {@code e}, with no location text. */
  static String reason(JsonProcessingException e) {
    String m = e.getOriginalMessage() == null ? "" : e.getOriginalMessage().strip();
    if (m.startsWith("Unexpected end-of-input")) {
      if (m.contains("Object")) {
        return "the line ends inside an object: '}' is missing (each sample must be one whole object on one line)";
      }
      if (m.contains("Array")) {
        return "the line ends inside an array: ']' is missing";
      }
      if (m.contains("quote")) {
        return "the line ends inside a string: the closing '\"' is missing";
      }
      return "the line ends before the JSON value does";
    }
    if (m.startsWith("Trailing token")) {
      return "more text after the sample's object; each sample is one object on its own line";
    }
    Matcher c = UNEXPECTED_CHAR.matcher(m);
    if (c.matches()) {
      int code = Integer.parseInt(c.group(2));
      if (code == BOM) {
        return "the file starts with a byte order mark (BOM); save it as UTF-8 without BOM";
      }
      return "unexpected " + character(c.group(1), code) + expected(c.group(3));
    }
    Matcher t = TOKEN.matcher(m);
    if (t.matches()) {
      return "'" + t.group(2) + "' is not a JSON value" + (t.group(1).equals("Non-standard")
          ? " (JSON has no NaN or Infinity)"
          : " (strings need double quotes)");
    }
    Matcher ctl = CONTROL.matcher(m);
    if (ctl.matches()) {
      return "control character " + unicode(Integer.parseInt(ctl.group(1))) + " inside a string; escape it";
    }
    Matcher esc = ESCAPE.matcher(m);
    if (esc.matches()) {
      return "invalid escape '\\" + esc.group(1) + "' in a string";
    }
    return generic(m);
  }

  private static String character(String ch, int code) {
    return code < 0x20 || code == 0x7F ? "control character " + unicode(code) : "'" + ch + "'";
  }

  /** What Jackson wanted instead, from the text after "Unexpected character (...)". */
  private static String expected(String rest) {
    String r = rest.strip();
    if (r.startsWith("in numeric value")) {
      return " in a number";
    }
    r = r.startsWith(":") ? r.substring(1).strip() : r;
    if (r.contains("double-quote to start field name")) {
      return ": expected a field name in double quotes";
    }
    if (r.contains("colon to separate field name and value")) {
      return ": expected ':' after the field name";
    }
    if (r.contains("comma to separate Object entries")) {
      return ": expected ',' or '}'";
    }
    if (r.contains("comma to separate Array entries")) {
      return ": expected ',' or ']'";
    }
    if (r.contains("expected a valid value")) {
      return ": expected a value (a string in double quotes, a number, an object, an array, true, false or null)";
    }
    return r.isEmpty() ? "" : ": " + generic(r);
  }

  /** Jackson's own words for {@code e} (any format), without its location text. */
  static String withoutLocation(JsonProcessingException e) {
    return generic(e.getOriginalMessage() == null ? "" : e.getOriginalMessage().strip());
  }

  /** Jackson's own words, minus the location and feature names a data file's author cannot act on. */
  private static String generic(String m) {
    String r = m.replaceAll("\\s*\\(start marker at .*", "")
        .replaceAll("\\s*\\[Source:.*", "")
        .replaceAll(":?\\s*enable `[^`]*`.*", "")
        .replaceAll(" \\(code \\d+[^)]*\\)", "")
        .strip();
    if (r.isEmpty()) {
      return "unreadable JSON";
    }
    return r.substring(0, 1).toLowerCase(Locale.ROOT) + r.substring(1);
  }

  private static String unicode(int code) {
    return String.format(Locale.ROOT, "U+%04X", code);
  }
}
