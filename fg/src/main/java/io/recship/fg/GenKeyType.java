package io.recship.fg;

import org.jspecify.annotations.Nullable;

/** {@code gen_key_type}: how ids are produced (mask, ev_hash, ev_hash_mod are RecIS R-new only). */
public enum GenKeyType {
  IDLE("idle"),
  BOUNDARY("boundary"),
  HASH("hash"),
  MULTIHASH("multihash"),
  MASK("mask"),
  EV_HASH("ev_hash"),
  EV_HASH_MOD("ev_hash_mod");

  private final String fgName;

  GenKeyType(String fgName) {
    this.fgName = fgName;
  }

  /** The value as written in fg.json. */
  public String fgName() {
    return fgName;
  }

  /** The constant for an fg.json value, or null if RecIS does not accept it. Case-sensitive, as in RecIS. */
  public static @Nullable GenKeyType fromFgName(String value) {
    for (GenKeyType c : values()) {
      if (c.fgName.equals(value)) {
        return c;
      }
    }
    return null;
  }
}
