package io.recship.data;

/** What a dataset does with a row it cannot use. */
public enum BadRowPolicy {
  /** Throw a {@link DataException} naming the file, line and column (the default). */
  FAIL,
  /** Skip the row, count it ({@link Dataset#skippedRows()}) and log a warning. */
  SKIP
}
