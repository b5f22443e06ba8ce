package io.recship.fg;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** {@code value_type}: string (int8 bytes), double (float32), integer (int64). */
public enum ValueType {
  STRING("string"),
  DOUBLE("double"),
  INTEGER("integer");

  private final String fgName;

  ValueType(String fgName) {
    this.fgName = fgName;
  }

  /** The value as written in fg.json. */
  public String fgName() {
    return fgName;
  }

  /** The constant for an fg.json value, or null if RecIS does not accept it. Case-insensitive, as in RecIS. */
  public static @Nullable ValueType fromFgName(String value) {
    String v = value.toLowerCase(Locale.ROOT);
    for (ValueType c : values()) {
      if (c.fgName.equals(v)) {
        return c;
      }
    }
    return null;
  }
}
