package io.recship.export;

import io.recship.lock.LockFile;
import java.io.IOException;
import java.nio.file.Path;

/**
 * An OS file lock on a small file beside the export folder ({@link LockFile}): the OS releases it
 * when the holder dies (even on {@code kill -9}), so a crashed exporter never leaves a stale lock
 * behind. The lock file itself is kept on purpose, naming the last holder: deleting it on release
 * would let two later exporters lock two different inodes of the same name. This class words
 * {@link LockFile}'s failures as export failures.
 */
final class ExportLock implements AutoCloseable {
  private final LockFile lock;

  private ExportLock(LockFile lock) {
    this.lock = lock;
  }

  /** Takes the lock or fails at once, naming the current holder. */
  static ExportLock tryAcquire(Path file, String what) {
    try {
      return new ExportLock(LockFile.tryAcquire(file, false));
    } catch (LockFile.Held e) {
      throw busy(file, what, e.inThisJvm()
          ? "another exporter in this JVM" + (e.holder().isEmpty() ? "" : ": " + e.holder())
          : e.holder().isEmpty() ? "another process" : e.holder());
    } catch (LockFile.LockFailed e) {
      throw new ExportException(
          ExportException.Step.LOCK, "cannot lock " + abs(file) + " (" + e.getCause() + ")", e);
    } catch (IOException e) {
      throw new ExportException(
          ExportException.Step.LOCK,
          "cannot create the lock file " + abs(file) + " (" + e + "); check that its folder is writable",
          e);
    }
  }

  /** Waits for the lock; used only for the short publish step between shard ranks. */
  static ExportLock acquireBlocking(Path file) {
    try {
      return new ExportLock(LockFile.acquire(file));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExportException(
          ExportException.Step.LOCK, "interrupted while waiting for " + file, e);
    } catch (IOException e) {
      throw new ExportException(
          ExportException.Step.LOCK, "cannot lock " + abs(file) + " (" + e + ")", e);
    }
  }

  Path file() {
    return lock.file();
  }

  @Override
  public void close() {
    lock.close();
  }

  private static Path abs(Path file) {
    return file.toAbsolutePath().normalize();
  }

  private static ExportException busy(Path file, String what, String holder) {
    return new ExportException(
        ExportException.Step.LOCK,
        what
            + " is being written by "
            + holder
            + " (lock file "
            + file
            + "). Wait for that export to finish, or export to another exportDir; the lock"
            + " is released automatically when its process ends");
  }
}
