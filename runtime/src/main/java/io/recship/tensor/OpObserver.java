package io.recship.tensor;

import org.jspecify.annotations.Nullable;

/**
 * Receives every op applied on this thread while it is active. This is the hook the tracer
 * ({@code io.recship.trace}) uses; it is public only for that reason.
 */
@FunctionalInterface
public interface OpObserver {
  /** Called after the op ran eagerly. May throw to abort the forward (untraceable op). */
  void onOp(OpRecord op);

  /**
   * Called before Java reads {@code tensor}'s values ({@code accessor}: {@code "Tensor.item"},
   * {@code "Tensor.toFloatArray"}, ...). A value that leaves the tensor world leaves the graph too:
   * a trace may throw here rather than bake it in as a constant.
   */
  default void onRead(String accessor, Tensor tensor) {}

  /** Makes {@code observer} the active one on this thread until the returned handle closes. */
  static Activation activate(OpObserver observer) {
    @Nullable OpObserver previous = Observers.ACTIVE.get();
    Observers.ACTIVE.set(observer);
    return () -> {
      if (Observers.ACTIVE.get() != observer) {
        throw new IllegalStateException("op observers deactivated out of order");
      }
      if (previous == null) {
        Observers.ACTIVE.remove();
      } else {
        Observers.ACTIVE.set(previous);
      }
    };
  }

  /** The active observer on this thread, if any. */
  static @Nullable OpObserver active() {
    return Observers.ACTIVE.get();
  }

  /** Deactivates an observer; closing it twice is an error. */
  interface Activation extends AutoCloseable {
    @Override
    void close();
  }
}

final class Observers {
  private Observers() {}

  static final ThreadLocal<@Nullable OpObserver> ACTIVE = new ThreadLocal<>();
}
