package io.recship.data;

import java.io.Closeable;
import org.jspecify.annotations.Nullable;

/** Streams parsed rows from one file; bad rows are handled by the policy the reader was given. */
interface RowSource extends Closeable {
  /** The next good row, or null at the end. */
  @Nullable Row next();

  @Override
  void close();
}
