package io.recship.tensor;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** TorchScript (Python) literals for scalars that ops inline into their expressions. */
final class Py {
  private Py() {}

  static String num(Number n) {
    if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
      return Long.toString(n.longValue());
    }
    return flt(n.doubleValue());
  }

  static String flt(double d) {
    if (Double.isNaN(d)) {
      return "float(\"nan\")";
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "float(\"inf\")" : "float(\"-inf\")";
    }
    // Double.toString is the shortest repr that round-trips, like Python's; only the exponent
    // marker differs ("1.0E-5" -> "1.0e-5", which Python reads the same).
    return Double.toString(d).toLowerCase(Locale.ROOT);
  }

  static String ints(int... values) {
    return Arrays.stream(values).mapToObj(Integer::toString).collect(Collectors.joining(", ", "[", "]"));
  }

  static String bool(boolean b) {
    return b ? "True" : "False";
  }
}
