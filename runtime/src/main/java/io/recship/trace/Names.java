package io.recship.trace;

import io.recship.torchscript.Identifiers;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns block and state-dict names into unique TorchScript identifiers. */
final class Names {
  private static final Pattern NODE = Pattern.compile("_t[0-9]+");

  private final Set<String> used = new HashSet<>();

  /** {@code tower.0.weight -> tower_0_weight}; unique within this instance. */
  String identifier(String raw) {
    // the torchscript package owns what a valid name is; only node names are this package's own
    String s = Identifiers.sanitize(raw);
    if (NODE.matcher(s).matches()) {
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
