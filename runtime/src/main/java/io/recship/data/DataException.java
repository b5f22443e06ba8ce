package io.recship.data;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** A raw sample the dataset cannot use: names the file, the line and the column. */
public final class DataException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final long line;
  private final @Nullable String column;
  private final String problem;
  private final int charColumn;

  public DataException(String file, long line, @Nullable String column, String problem) {
    this(file, line, column, problem, null);
  }

  public DataException(String file, long line, @Nullable String column, String problem, @Nullable Throwable cause) {
    this(file + ":" + line + ": " + detail(column, problem), file, line, column, detail(column, problem), 0, cause);
  }

  private DataException(String message, String file, long line, @Nullable String column, String problem, int charColumn,
      @Nullable Throwable cause) {
    super(message, cause);
    this.file = file;
    this.line = line;
    this.column = column;
    this.problem = problem;
    this.charColumn = charColumn;
  }

  private static String detail(@Nullable String column, String problem) {
    return (column == null ? "" : "column '" + column + "': ") + problem;
  }

  /** Where in-memory samples come from, as {@link #file()} names it. */
  static final String MEMORY = "memory";

  /**
   * A bad in-memory sample (a map, not a file line): {@code sample 2 (index 1): column 'age':
   * missing value}. {@link #file()} is {@code "memory"} and {@link #line()} the 1-based sample number.
   */
  static DataException inSample(long number, @Nullable String column, String problem) {
    return new DataException(sampleName(number) + ": " + detail(column, problem), MEMORY, number, column,
        detail(column, problem), 0, null);
  }

  /** "sample 2 (index 1)": how messages name the 1-based sample {@code number} of a list. */
  static String sampleName(long number) {
    return "sample " + number + " (index " + (number - 1) + ")";
  }

  /**
   * A data file that cannot be opened at all, worded as an unreadable fg.json is: {@code
   * nope.jsonl: no such file (absolute path /work/nope.jsonl); check the path}. No line number:
   * there is no line to point at ({@link #line()} is 0).
   */
  public static DataException unreadableFile(Path file, IOException e) {
    String problem;
    if (Files.isDirectory(file)) {
      problem = "is a folder, not a data file; give a file";
    } else if (e instanceof NoSuchFileException) {
      problem = "no such file (absolute path " + file.toAbsolutePath() + "); check the path";
    } else if (e instanceof AccessDeniedException) {
      problem = "permission denied; make the file readable";
    } else if (e instanceof FileSystemException f && f.getReason() != null) {
      problem = "cannot be read: " + f.getReason().toLowerCase(Locale.ROOT);
    } else {
      problem = "cannot be read: " + e;
    }
    return new DataException(file + ": " + problem, file.toString(), 0, null, problem, 0, e);
  }

  /** A line that does not parse: {@code file:line:column: not valid JSON: reason}. */
  static DataException badJson(String file, long line, int charColumn, String reason) {
    return new DataException(file + ":" + line + ":" + charColumn + ": not valid JSON: " + reason, file, line, null,
        "not valid JSON: " + reason, charColumn, null);
  }

  /** What is wrong, without the file and line: {@code column 'price': 'cheap' is not a number}. */
  public String problem() {
    return problem;
  }

  /** The 1-based character position in the line, when known (a JSON syntax error), else 0. */
  public int charColumn() {
    return charColumn;
  }

  public String file() {
    return file;
  }

  /** The 1-based line, or 0 when the whole file is the problem. */
  public long line() {
    return line;
  }

  /** The data column (not a character position), when one column is the problem. */
  public @Nullable String column() {
    return column;
  }
}
