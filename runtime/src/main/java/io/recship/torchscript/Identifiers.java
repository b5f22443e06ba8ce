package io.recship.torchscript;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * The one place that decides which names generated TorchScript source may use: ASCII
 * identifiers that are not Python keywords, not names the generated module itself uses and not
 * {@code __}-prefixed. {@link ScriptModuleSpec} rejects other names ({@code check}); the tracer
 * turns arbitrary block and state-dict names into accepted ones ({@link #sanitize}).
 */
public final class Identifiers {
  // TorchScript's lexer accepts ASCII identifiers only.
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private static final Set<String> KEYWORDS =
      Set.of(
          "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class",
          "continue", "def", "del", "elif", "else", "except", "finally", "for", "from", "global",
          "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass", "raise",
          "return", "try", "while", "with", "yield");

  /**
   * Names the generated class or its forward already uses: an attribute or argument with one of
   * these names would shadow or clash with it.
   */
  private static final Set<String> RESERVED =
      Set.of(
          "self", "torch", "training", "forward", "Tensor", "Tuple", "List", "Dict", "Optional",
          "Module", "ops", "math");

  private Identifiers() {}

  /**
   * @param what what the name is, for the message ("parameter name", "input name", ...)
   * @throws IllegalArgumentException naming the bad name and the fix
   */
  static String check(String what, String name) {
    if (!IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException(
          what
              + " '"
              + name
              + "' is not a valid TorchScript identifier; use ASCII letters, digits and '_', not"
              + " starting with a digit (e.g. '"
              + suggestion(name)
              + "')");
    }
    if (KEYWORDS.contains(name)) {
      throw new IllegalArgumentException(
          what + " '" + name + "' is a Python keyword; rename it, e.g. '" + name + "_'");
    }
    if (RESERVED.contains(name)) {
      throw new IllegalArgumentException(
          what
              + " '"
              + name
              + "' is reserved in generated TorchScript (it names 'self', the torch module, a"
              + " type or a module member); rename it, e.g. '"
              + name
              + "_'");
    }
    if (name.startsWith("__")) {
      throw new IllegalArgumentException(
          what
              + " '"
              + name
              + "' starts with '__', which TorchScript keeps for its own metadata; rename it,"
              + " e.g. '"
              + name.substring(2)
              + "'");
    }
    return name;
  }

  /**
   * A name {@code check} accepts, derived from {@code raw}: other characters become {@code _}, an
   * empty name becomes {@code x}, a leading digit gets an {@code m} prefix, a leading {@code __} a
   * {@code u} prefix, and a keyword or reserved name a {@code _} suffix ({@code tower.0.weight ->
   * tower_0_weight}, {@code self -> self_}). Not unique: different names can map to the same one.
   */
  public static String sanitize(String raw) {
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
    if (KEYWORDS.contains(s) || RESERVED.contains(s)) {
      s = s + "_";
    }
    return s;
  }

  private static String suggestion(String name) {
    String s = name.replaceAll("[^A-Za-z0-9_]", "_");
    if (s.isEmpty() || Character.isDigit(s.charAt(0))) {
      s = "_" + s;
    }
    return s;
  }
}
