package io.recship.cli;

import java.util.Locale;

/** The {@code --format} choices the commands share; lowercase so picocli shows and accepts them as typed. */
enum OutputFormat {
  TEXT,
  JSON;

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
