package io.recship.trace;

import java.util.List;

/**
 * The comparisons a successful {@link TracedModule#validate} made: each output at each batch
 * size, with the largest absolute difference between libtorch and eager.
 */
public record ValidationReport(List<Check> checks) {
  public ValidationReport {
    checks = List.copyOf(checks);
  }

  /** Output {@code output} at batch size {@code batchSize} matched within tolerance. */
  public record Check(String output, long batchSize, double maxAbsDiff) {}

  /** The largest difference over all checks. */
  public double maxAbsDiff() {
    return checks.stream().mapToDouble(Check::maxAbsDiff).max().orElse(0);
  }
}
