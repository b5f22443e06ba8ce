package io.recship.fg;

import org.jspecify.annotations.Nullable;

/** {@code gen_val_type}: raw passthrough, one embedding lookup, or N multihash lookups. */
public enum GenValType {
  IDLE("idle"),
  LOOKUP("lookup"),
  MULTIHASH_LOOKUP("multihash_lookup");

  private final String fgName;

  GenValType(String fgName) {
    this.fgName = fgName;
  }

  /** The value as written in fg.json. */
  public String fgName() {
    return fgName;
  }

  /** The constant for an fg.json value, or null if RecIS does not accept it. Case-sensitive, as in RecIS. */
  public static @Nullable GenValType fromFgName(String value) {
    for (GenValType c : values()) {
      if (c.fgName.equals(value)) {
        return c;
      }
    }
    return null;
  }
}
