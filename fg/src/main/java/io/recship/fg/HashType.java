package io.recship.fg;

import org.jspecify.annotations.Nullable;

/** {@code hash_type}. Note RecIS refuses the literal {@code farm} even though its docs mention it. */
public enum HashType {
  FARMHASH("farmhash"),
  MURMUR("murmur"),
  EV_HASH("ev_hash");

  private final String fgName;

  HashType(String fgName) {
    this.fgName = fgName;
  }

  /** The value as written in fg.json. */
  public String fgName() {
    return fgName;
  }

  /** The constant for an fg.json value, or null if RecIS does not accept it. Case-sensitive, as in RecIS. */
  public static @Nullable HashType fromFgName(String value) {
    for (HashType c : values()) {
      if (c.fgName.equals(value)) {
        return c;
      }
    }
    return null;
  }
}
