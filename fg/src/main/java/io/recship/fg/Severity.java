package io.recship.fg;

import java.util.Locale;

/** How bad a {@link Finding} is: errors block delivery, warnings are advisory. */
public enum Severity {
  ERROR,
  WARNING;

  /** {@code "error"} or {@code "warning"}, as printed by the CLI and the JSON output. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
