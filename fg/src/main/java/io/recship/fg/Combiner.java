package io.recship.fg;

import org.jspecify.annotations.Nullable;

/** {@code combiner}: pooling of multi-valued ids ({@code tile} needs kwargs fg.json cannot carry). */
public enum Combiner {
  MEAN("mean"),
  SUM("sum");

  private final String fgName;

  Combiner(String fgName) {
    this.fgName = fgName;
  }

  /** The value as written in fg.json. */
  public String fgName() {
    return fgName;
  }

  /** The constant for an fg.json value, or null if RecIS does not accept it. Case-sensitive, as in RecIS. */
  public static @Nullable Combiner fromFgName(String value) {
    for (Combiner c : values()) {
      if (c.fgName.equals(value)) {
        return c;
      }
    }
    return null;
  }
}
