package io.recship.tensor;

import ai.djl.ndarray.NDManager;
import java.util.ArrayDeque;

/**
 * Owns the native memory of every tensor an op creates on this thread while the scope is open:
 * closing the scope frees them all. Scopes nest; {@link #keep} moves a result out to the
 * enclosing scope (or, for the outermost one, to the unscoped owner, where the caller closes it).
 *
 * <pre>{@code
 * for (Batch b : batches) {
 *   try (TensorScope step = TensorScope.open()) {
 *     Tensor loss = model.forward(b.blocks()) ...;   // intermediates freed at the end of the step
 *   }
 * }
 * }</pre>
 *
 * <p>Parameters are not owned by scopes: a {@code Module} owns them until it is closed. Tensors
 * made outside any scope are owned by themselves: close them ({@link Tensor#close()}).
 */
public final class TensorScope implements AutoCloseable {
  private static final ThreadLocal<ArrayDeque<TensorScope>> STACK =
      ThreadLocal.withInitial(ArrayDeque::new);

  private final NDManager manager;
  private final Thread owner;
  private final boolean onStack;
  private boolean closed;

  private TensorScope(NDManager manager, boolean onStack) {
    this.manager = manager;
    this.owner = Thread.currentThread();
    this.onStack = onStack;
  }

  /** Opens a scope on this thread; every tensor created until it closes belongs to it. */
  public static TensorScope open() {
    TensorScope scope = new TensorScope(Engines.root().newSubManager(), true);
    STACK.get().push(scope);
    return scope;
  }

  /**
   * An owner for long-lived tensors (parameters, optimizer state) that is not bound to the
   * thread: ops never put results in it; tensors enter only through {@link #adopt}. Any thread
   * may close it.
   */
  public static TensorScope standalone() {
    return new TensorScope(Engines.root().newSubManager(), false);
  }

  /** Moves {@code t} into this scope: it is freed when this scope closes. */
  public Tensor adopt(Tensor t) {
    checkOpen();
    t.toNDArray().attach(manager);
    return t;
  }

  /** Moves {@code t} out of this scope to the enclosing one so it survives {@link #close()}. */
  public Tensor keep(Tensor t) {
    checkOpen();
    if (!onStack) {
      throw new IllegalStateException("keep() is for thread scopes; a standalone scope has no enclosing one");
    }
    t.toNDArray().attach(enclosingManager());
    return t;
  }

  /** True when this scope is the innermost open scope of the calling thread. */
  public boolean isCurrent() {
    return !closed && STACK.get().peek() == this;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (!onStack) {
      closed = true;
      manager.close();
      return;
    }
    if (Thread.currentThread() != owner) {
      throw new IllegalStateException("a TensorScope must be closed by the thread that opened it");
    }
    ArrayDeque<TensorScope> stack = STACK.get();
    if (stack.peek() != this) {
      throw new IllegalStateException(
          "TensorScopes closed out of order: close inner scopes first (use try-with-resources)");
    }
    stack.pop();
    closed = true;
    manager.close();
  }

  private NDManager enclosingManager() {
    boolean seenSelf = false;
    for (TensorScope s : STACK.get()) { // iterates innermost first
      if (seenSelf) {
        return s.manager;
      }
      seenSelf = s == this;
    }
    return Engines.unscoped();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("this TensorScope is closed");
    }
  }

  /** The manager new tensors are attached to on this thread. */
  static NDManager currentManager() {
    TensorScope top = STACK.get().peek();
    return top == null ? Engines.unscoped() : top.manager;
  }
}
