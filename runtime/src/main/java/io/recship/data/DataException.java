package io.recship.data;

import org.jspecify.annotations.Nullable;

/** A raw sample the dataset cannot use: names the file, the line and the column. */
public final class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;
  private final @Nullable String column;

  public DataException(String file, long line, @Nullable String column, String problem) {
    this(file, line, column, problem, null);
  }

  public DataException(String file, long line, @Nullable String column, String problem, @Nullable Throwable cause) {
    super(file + ":" + line + (column == null ? "" : ": column '" + column + "'") + ": " + problem, cause);
    this.file = file;
    this.line = line;
    this.column = column;
  }

  public String file() {
    return file;
  }

  public long line() {
    return line;
  }

  public @Nullable String column() {
    return column;
  }
}
