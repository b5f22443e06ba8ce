package io.recship.export;

import org.jspecify.annotations.Nullable;

/**
 * Every export failure. The message names the step, the file or item concerned and the fix; the
 * step is also available as {@link #step()} for callers that map failures to exit codes.
 */
public class ExportException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The pipeline step that failed, in RecIS' order (plus the RecShip-only plan and publish). */
  public enum Step {
    PLAN("plan"),
    LOCK("lock"),
    PREPARE("prepare"),
    EXPORT_SPARSE("export sparse"),
    EXPORT_DENSE("export dense"),
    EXPORT_META("export meta"),
    PUBLISH("publish"),
    LOAD("load export");

    private final String label;

    Step(String label) {
      this.label = label;
    }

    /** Human-readable step name used in messages. */
    public String label() {
      return label;
    }
  }

  private final Step step;
  private final String detail;

  public ExportException(Step step, String message) {
    this(step, message, null);
  }

  public ExportException(Step step, String message, @Nullable Throwable cause) {
    super(step.label() + ": " + message, cause);
    this.step = step;
    this.detail = message;
  }

  public Step step() {
    return step;
  }

  /** The message without its step prefix, for callers that say the step their own way. */
  public String detail() {
    return detail;
  }
}
