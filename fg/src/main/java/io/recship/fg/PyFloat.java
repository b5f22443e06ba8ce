package io.recship.fg;

import java.util.regex.Pattern;

/**
 * Python's {@code float(str)}, which RecIS applies to each comma-separated boundary: what it
 * accepts (underscores between digits, {@code inf}, {@code nan}, surrounding spaces) and what it
 * refuses that Java's {@code Double.parseDouble} would take ({@code 1d}, {@code 2f}, hex floats).
 */
final class PyFloat {
  private static final String DIGITS = "\\d(?:_?\\d)*";
  private static final Pattern FLOAT = Pattern.compile(
      "\\s*[+-]?(?:(?:" + DIGITS + "(?:\\.(?:" + DIGITS + ")?)?|\\.(?:" + DIGITS + "))(?:[eE][+-]?" + DIGITS + ")?"
          + "|(?i:inf|infinity|nan))\\s*");

  private PyFloat() {}

  /** The value, or null when Python's {@code float()} would raise {@code ValueError}. */
  static Double parse(String s) {
    if (!FLOAT.matcher(s).matches()) {
      return null;
    }
    String t = s.strip().replace("_", "").toLowerCase(java.util.Locale.ROOT);
    boolean negative = t.startsWith("-");
    String body = t.startsWith("-") || t.startsWith("+") ? t.substring(1) : t;
    if (body.equals("nan")) {
      return Double.NaN;
    }
    if (body.equals("inf") || body.equals("infinity")) {
      return negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    return Double.parseDouble(t);
  }
}
