package io.recship.processor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * One background thread for a processing round: the fg rules and JavaPoet run on it while javac's
 * thread does what only it may do (the model API, the Filer, the Messager). A build of many
 * models waits mostly on javac's Filer, so the two overlap; one thread is enough to keep up.
 *
 * <p>Tasks get plain data only (strings, fg sources, JavaPoet names), never an {@code Element} or
 * {@code TypeMirror}: javac's model is not thread-safe.
 */
final class Worker implements Executor, AutoCloseable {
  private final ExecutorService thread = Executors.newSingleThreadExecutor(task -> {
    Thread t = new Thread(task, "recship-processor");
    // never keep a compiler (or an IDE's build process) alive
    t.setDaemon(true);
    return t;
  });

  @Override
  public void execute(Runnable task) {
    thread.execute(task);
  }

  /**
   * Lets queued tasks finish, then ends the thread. Not {@code shutdownNow}: a model deferred to a
   * later round leaves its config check queued and cached, and a discarded task's future would
   * never complete, so the next round would wait for it for ever.
   */
  @Override
  public void close() {
    thread.shutdown();
  }

  /**
   * The task's result; its exception rethrown as thrown (javac then reports a processor crash
   * with the real stack trace, as it would had the task run on its own thread).
   */
  static <T> T join(CompletableFuture<T> result) {
    try {
      return result.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      if (e.getCause() instanceof Error cause) {
        throw cause;
      }
      throw e;
    }
  }
}
