package io.recship.data;

import java.util.Objects;

/**
 * One raw input column: its name (the FG io name), element type, and whether each value is a
 * sequence of steps (a sequence sub-feature) rather than one value or a multi-value list.
 */
public record Column(String name, ColumnType type, boolean sequence) {
  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
  }

  public static Column of(String name, ColumnType type) {
    return new Column(name, type, false);
  }

  public static Column sequence(String name, ColumnType type) {
    return new Column(name, type, true);
  }
}
