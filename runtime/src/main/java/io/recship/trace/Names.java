package io.recship.trace;

import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns block and state-dict names into unique TorchScript identifiers. */
final class Names {
  private static final Pattern NODE = Pattern.compile("_t[0-9]+");
  private static final Set<String> TAKEN_BY_PYTHON =
      Set.of(
          "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
          "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
          "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
          "return", "try", "while", "with", "yield", "self", "torch", "training", "forward",
          "Tensor", "Tuple", "List", "Dict", "Optional", "Module", "ops", "math");

  private final Set<String> used = new HashSet<>();

  /** {@code tower.0.weight -> tower_0_weight}; unique within this instance. */
  String identifier(String raw) {
    String s = raw.replaceAll("[^A-Za-z0-9_]", "_");
    if (s.isEmpty()) {
      s = "x";
    }
    if (Character.isDigit(s.charAt(0))) {
      s = "m" + s;
    }
    if (s.startsWith("__")) {
      s = "u" + s;
    }
    if (TAKEN_BY_PYTHON.contains(s) || NODE.matcher(s).matches()) {
      s = s + "_";
    }
    String unique = s;
    for (int i = 2; !used.add(unique); i++) {
      unique = s + "_" + i;
    }
    return unique;
  }

  /** The name of the i-th recorded value; never clashes with {@link #identifier} results. */
  static String node(int i) {
    return "_t" + i;
  }
}
