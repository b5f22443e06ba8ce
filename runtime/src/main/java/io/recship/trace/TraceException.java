package io.recship.trace;

/**
 * The traced forward did something a TorchScript graph cannot express faithfully: an op with no
 * TorchScript form, a tensor the trace did not see being made, or an output that is not a traced
 * tensor. The message names the op and the Java call site and says how to fix it.
 */
public final class TraceException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String op;
  private final String callSite;

  TraceException(String op, String callSite, String message) {
    super(message);
    this.op = op;
    this.callSite = callSite;
  }

  /** The Java op name ({@code "Tensor.zeros"}, {@code "plus"}, ...), or {@code "output"}. */
  public String op() {
    return op;
  }

  /** The Java frame that applied the op, e.g. {@code com.acme.CtrDense.forward(CtrDense.java:31)}. */
  public String callSite() {
    return callSite;
  }
}
