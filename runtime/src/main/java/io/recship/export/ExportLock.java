package io.recship.export;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An OS file lock on a small file beside the export folder. The OS releases it when the holder
 * dies (even on {@code kill -9}), so a crashed exporter never leaves a stale lock behind. The lock
 * file itself is kept on purpose: deleting it on release would let two later exporters lock two
 * different inodes of the same name.
 */
final class ExportLock implements AutoCloseable {
  /**
   * Lock files this JVM holds. Checked before opening a channel because on POSIX, closing any
   * channel of a file drops every lock the process holds on it, so a losing attempt in the same
   * JVM must never open (and close) the file.
   */
  private static final Map<Path, String> HELD_IN_THIS_JVM = new ConcurrentHashMap<>();

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private ExportLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** Takes the lock or fails at once, naming the current holder. */
  static ExportLock tryAcquire(Path file, String what) {
    Path key = file.toAbsolutePath().normalize();
    String mine = holderDescription() + ", thread " + Thread.currentThread().getName();
    String previous = HELD_IN_THIS_JVM.putIfAbsent(key, mine);
    if (previous != null) {
      throw busy(file, what, "another exporter in this JVM: " + previous);
    }
    try {
      return tryAcquireFile(key, what, mine);
    } catch (RuntimeException e) {
      HELD_IN_THIS_JVM.remove(key);
      throw e;
    }
  }

  private static ExportLock tryAcquireFile(Path file, String what, String mine) {
    FileChannel ch;
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new ExportException(
          ExportException.Step.LOCK,
          "cannot create the lock file " + file + " (" + e + "); check that its folder is writable",
          e);
    }
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      closeQuietly(ch);
      throw busy(file, what, "another exporter in this JVM");
    } catch (IOException e) {
      closeQuietly(ch);
      throw new ExportException(
          ExportException.Step.LOCK, "cannot lock " + file + " (" + e + ")", e);
    }
    if (lock == null) {
      String holder = readHolder(ch);
      closeQuietly(ch);
      throw busy(file, what, holder.isEmpty() ? "another process" : holder);
    }
    recordHolder(ch, mine);
    return new ExportLock(file, ch, lock);
  }

  /** Writes who holds the lock into its file, for a competing exporter's "being written by" message. */
  private static void recordHolder(FileChannel ch, String mine) {
    try {
      byte[] me = mine.getBytes(StandardCharsets.UTF_8);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(me), 0);
    } catch (IOException e) {
      // The lock holds without the description; only the message of a competing exporter suffers.
    }
  }

  /** Waits for the lock; used only for the short publish step between shard ranks. */
  static ExportLock acquireBlocking(Path file) {
    Path key = file.toAbsolutePath().normalize();
    String mine = holderDescription() + ", thread " + Thread.currentThread().getName();
    // In-JVM waiters queue on the map; the OS lock then orders processes.
    while (HELD_IN_THIS_JVM.putIfAbsent(key, mine) != null) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ExportException(
            ExportException.Step.LOCK, "interrupted while waiting for " + file, e);
      }
    }
    try {
      return acquireBlockingFile(key, mine);
    } catch (RuntimeException e) {
      HELD_IN_THIS_JVM.remove(key);
      throw e;
    }
  }

  private static ExportLock acquireBlockingFile(Path file, String mine) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      FileChannel ch =
          FileChannel.open(
              file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        FileLock lock = ch.lock();
        // without this, a competitor would name whoever last took the lock by tryAcquire
        recordHolder(ch, mine);
        return new ExportLock(file, ch, lock);
      } catch (IOException | RuntimeException e) {
        closeQuietly(ch);
        throw e;
      }
    } catch (IOException e) {
      throw new ExportException(
          ExportException.Step.LOCK, "cannot lock " + file + " (" + e + ")", e);
    }
  }

  Path file() {
    return file;
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases it as well
    }
    closeQuietly(channel);
    HELD_IN_THIS_JVM.remove(file);
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

  private static String readHolder(FileChannel ch) {
    try {
      ByteBuffer buf = ByteBuffer.allocate(512);
      ch.read(buf, 0);
      return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "";
    }
  }

  static String holderDescription() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    return "pid "
        + ProcessHandle.current().pid()
        + " on "
        + host
        + " (JVM "
        + ManagementFactory.getRuntimeMXBean().getName()
        + ", started "
        + Instant.now()
        + ")";
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
