package io.recship.trace;

import org.jspecify.annotations.Nullable;

/**
 * The written archive does not reproduce the eager forward: libtorch would not compile it (the
 * message names the source line and the recorded op), or an output differs beyond allclose(atol
 * 1e-6, rtol 1e-5) or in shape (the message names the output, the batch size and the max abs
 * diff).
 */
public final class TraceValidationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String output;
  private final double maxAbsDiff;

  TraceValidationException(String message, @Nullable String output, double maxAbsDiff, @Nullable Throwable cause) {
    super(message, cause);
    this.output = output;
    this.maxAbsDiff = maxAbsDiff;
  }

  /** The output that differed, or {@code null} for a compile/load error. */
  public @Nullable String output() {
    return output;
  }

  /** The largest absolute difference seen ({@code NaN} for a compile error or shape mismatch). */
  public double maxAbsDiff() {
    return maxAbsDiff;
  }
}
