package io.recship.data;

/** Element type of a raw column, as the FG's {@code value_type} says. */
public enum ColumnType {
  STRING,
  DOUBLE,
  INTEGER
}
