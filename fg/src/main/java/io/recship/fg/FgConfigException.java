package io.recship.fg;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An fg.json or mc.json that cannot be used: unreadable file, malformed JSON, a key of the wrong
 * JSON type, or (from {@link FeatureGenerator}) a config that RecIS would refuse. The message
 * names the file, the position (line and column and/or JSON pointer) and what to fix; {@link
 * #findings()} lists every problem when there are several.
 */
public final class FgConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String file;
  private final int line;
  private final int column;
  private final @Nullable String pointer;
  private final List<Finding> findings;

  public FgConfigException(
      String message,
      @Nullable String file,
      int line,
      int column,
      @Nullable String pointer,
      List<Finding> findings,
      @Nullable Throwable cause) {
    super(message, cause);
    this.file = file;
    this.line = line;
    this.column = column;
    this.pointer = pointer;
    this.findings = List.copyOf(findings);
  }

  /** A problem with one file at one place, e.g. malformed JSON. */
  static FgConfigException at(
      String file, int line, int column, @Nullable String pointer, String what, @Nullable Throwable cause) {
    String where = line > 0 ? file + ":" + line + ":" + column : pointer != null ? file + "#" + pointer : file;
    return new FgConfigException(where + ": " + what, file, line, column, pointer, List.of(), cause);
  }

  /** Error findings that make a config unusable; the first one gives the position. */
  static FgConfigException fromFindings(String headline, List<Finding> findings) {
    List<Finding> errors = findings.stream().filter(Finding::isError).toList();
    List<Finding> shown = errors.isEmpty() ? findings : errors;
    StringBuilder sb = new StringBuilder(headline);
    if (shown.size() == 1) {
      Finding f = shown.get(0);
      sb.append(": ").append(f.location()).append(" [").append(f.ruleId()).append("] ").append(f.message());
    } else {
      sb.append(" (").append(shown.size()).append(" problems):");
      for (Finding f : shown) {
        sb.append(System.lineSeparator()).append("  ").append(f.format());
      }
    }
    Finding first = shown.isEmpty() ? null : shown.get(0);
    return new FgConfigException(
        sb.toString(),
        first == null ? null : first.file(),
        first == null ? -1 : first.line(),
        first == null ? -1 : first.column(),
        first == null ? null : first.pointer(),
        findings,
        null);
  }

  /** The file the problem is in, if known. */
  public @Nullable String file() {
    return file;
  }

  /** 1-based line, or -1 when unknown. */
  public int line() {
    return line;
  }

  /** 1-based column, or -1 when unknown. */
  public int column() {
    return column;
  }

  /** JSON pointer of the offending value, if known. */
  public @Nullable String pointer() {
    return pointer;
  }

  /** Every problem found (empty for syntax and I/O errors, which stop at the first one). */
  public List<Finding> findings() {
    return findings;
  }
}
