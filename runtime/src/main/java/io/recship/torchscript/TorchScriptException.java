package io.recship.torchscript;

import org.jspecify.annotations.Nullable;

/**
 * libtorch rejected an archive (compile error at load) or failed running it. The message names
 * the archive, the code file and line, quotes the generated source line, and ends with
 * libtorch's own reason.
 */
public final class TorchScriptException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String archive;
  private final @Nullable String codeFile;
  private final int line;
  private final @Nullable String sourceLine;
  private final String reason;

  TorchScriptException(
      String message,
      String archive,
      @Nullable String codeFile,
      int line,
      @Nullable String sourceLine,
      String reason,
      @Nullable Throwable cause) {
    super(message, cause);
    this.archive = archive;
    this.codeFile = codeFile;
    this.line = line;
    this.sourceLine = sourceLine;
    this.reason = reason;
  }

  /** The archive path as given to {@link ScriptModel#load}. */
  public String archive() {
    return archive;
  }

  /** The code file libtorch pointed at, e.g. {@code code/__torch__.py}, if it named one. */
  public @Nullable String codeFile() {
    return codeFile;
  }

  /** 1-based line in {@link #codeFile()}, or 0 if libtorch named none. */
  public int line() {
    return line;
  }

  /** The source text of {@link #line()} (stripped), if known. */
  public @Nullable String sourceLine() {
    return sourceLine;
  }

  /** libtorch's own message, unchanged. */
  public String reason() {
    return reason;
  }
}
