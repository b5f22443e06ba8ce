package io.recship.lock;

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
import org.jspecify.annotations.Nullable;

/**
 * An OS file lock on a small file, held by one thread of one process. The OS releases it when the
 * holder dies (even on {@code kill -9}), so a crashed writer never leaves a stale lock behind. The
 * lock file itself is kept on purpose: deleting it on release would let two later writers lock two
 * different inodes of the same name. While held, the file names its holder (process id, host,
 * thread) for a competitor's "in use by" message.
 *
 * <p>Callers word the failures in their own terms: {@link Held} when someone else holds the lock,
 * {@link IOException} when the file cannot be created or locked at all.
 */
public final class LockFile implements AutoCloseable {
  /**
   * Lock files this JVM holds (or is probing). Checked before opening a channel because on POSIX,
   * closing any channel of a file drops every lock the process holds on it, so a losing attempt in
   * the same JVM must never open (and close) the file.
   */
  private static final Map<Path, String> HELD_IN_THIS_JVM = new ConcurrentHashMap<>();

  /** The map's value while {@link #liveHolder} looks at a file: compared by identity. */
  @SuppressWarnings("StringOperationCanBeSimplified")
  private static final String PROBING = new String("probing");

  /**
   * How often a failed {@link #tryAcquire} is retried: a {@link #liveHolder} probe of another
   * process holds a shared lock for microseconds, and must not make a writer fail.
   */
  private static final int BUSY_RETRIES = 5;

  private static final long BUSY_RETRY_MILLIS = 10;

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final boolean clearOnRelease;

  private LockFile(Path file, FileChannel channel, FileLock lock, boolean clearOnRelease) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
    this.clearOnRelease = clearOnRelease;
  }

  /** Someone else holds the lock. */
  public static final class Held extends Exception {
    private static final long serialVersionUID = 1L;
    private final String holder;
    private final boolean inThisJvm;

    Held(String holder, boolean inThisJvm) {
      super(holder.isEmpty() ? (inThisJvm ? "another thread of this JVM" : "another process") : holder);
      this.holder = holder;
      this.inThisJvm = inThisJvm;
    }

    /** The holder as its lock file records it ({@link #holderDescription()} and thread), or "". */
    public String holder() {
      return holder;
    }

    /** The holder is this JVM (another thread), not another process. */
    public boolean inThisJvm() {
      return inThisJvm;
    }
  }

  /** The lock file exists but locking it failed (not: someone holds it). */
  public static final class LockFailed extends IOException {
    private static final long serialVersionUID = 1L;

    LockFailed(IOException cause) {
      super(cause.toString(), cause);
    }
  }

  /**
   * Takes the lock or fails at once, naming the current holder. {@code clearOnRelease} empties the
   * file when the lock is released, so that it names only live holders; otherwise it keeps naming
   * the last one.
   *
   * @throws Held someone else holds it
   * @throws LockFailed the file was opened but the OS refused to lock it
   * @throws IOException the file or its folder cannot be created or opened
   */
  public static LockFile tryAcquire(Path file, boolean clearOnRelease) throws Held, IOException {
    Path key = file.toAbsolutePath().normalize();
    String mine = holderDescription() + ", thread " + Thread.currentThread().getName();
    while (true) {
      String previous = HELD_IN_THIS_JVM.putIfAbsent(key, mine);
      if (previous == null) {
        break;
      }
      if (previous != PROBING) { // NOPMD identity: the sentinel
        throw new Held(previous, true);
      }
      pause(1); // a probe is over in microseconds
    }
    try {
      return tryAcquireFile(key, mine, clearOnRelease);
    } catch (Held | IOException | RuntimeException e) {
      HELD_IN_THIS_JVM.remove(key, mine);
      throw e;
    }
  }

  private static LockFile tryAcquireFile(Path file, String mine, boolean clearOnRelease)
      throws Held, IOException {
    Files.createDirectories(file.getParent());
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = null;
      for (int attempt = 0; lock == null && attempt <= BUSY_RETRIES; attempt++) {
        if (attempt > 0) {
          pause(BUSY_RETRY_MILLIS);
        }
        lock = ch.tryLock();
      }
    } catch (OverlappingFileLockException e) {
      closeQuietly(ch);
      throw new Held("", true);
    } catch (IOException e) {
      closeQuietly(ch);
      throw new LockFailed(e);
    }
    if (lock == null) {
      String holder = readHolder(ch);
      closeQuietly(ch);
      throw new Held(holder, false);
    }
    recordHolder(ch, mine);
    return new LockFile(file, ch, lock, clearOnRelease);
  }

  /**
   * Waits for the lock (keeping the last holder's name in the file after release).
   *
   * @throws InterruptedException interrupted while another thread of this JVM held it
   * @throws IOException the file cannot be created, opened or locked
   */
  public static LockFile acquire(Path file) throws IOException, InterruptedException {
    Path key = file.toAbsolutePath().normalize();
    String mine = holderDescription() + ", thread " + Thread.currentThread().getName();
    // In-JVM waiters queue on the map; the OS lock then orders processes.
    while (HELD_IN_THIS_JVM.putIfAbsent(key, mine) != null) {
      Thread.sleep(20);
    }
    try {
      Files.createDirectories(key.getParent());
      FileChannel ch =
          FileChannel.open(
              key, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      try {
        FileLock lock = ch.lock();
        // without this, a competitor would name whoever last took the lock by tryAcquire
        recordHolder(ch, mine);
        return new LockFile(key, ch, lock, false);
      } catch (IOException | RuntimeException e) {
        closeQuietly(ch);
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      HELD_IN_THIS_JVM.remove(key, mine);
      throw e;
    }
  }

  /**
   * Who holds the lock on {@code file} right now (as its file records them; "another process" if
   * it records nobody), or null when nobody does, the file does not exist, or it cannot be
   * checked. Never creates or writes the file, so it works on read-only folders.
   */
  public static @Nullable String liveHolder(Path file) {
    Path key = file.toAbsolutePath().normalize();
    while (true) {
      String held = HELD_IN_THIS_JVM.get(key);
      if (held != null && held != PROBING) { // NOPMD identity: the sentinel
        return held;
      }
      if (held == null && HELD_IN_THIS_JVM.putIfAbsent(key, PROBING) == null) {
        break;
      }
      pause(1);
    }
    try {
      if (!Files.isRegularFile(key)) {
        return null;
      }
      try (FileChannel ch = FileChannel.open(key, StandardOpenOption.READ)) {
        FileLock shared = ch.tryLock(0, Long.MAX_VALUE, true);
        if (shared == null) {
          String holder = readHolder(ch);
          return holder.isEmpty() ? "another process" : holder;
        }
        shared.release();
        return null;
      }
    } catch (IOException | RuntimeException e) {
      return null; // cannot tell (e.g. a file system without locks): do not stand in the way
    } finally {
      HELD_IN_THIS_JVM.remove(key, PROBING);
    }
  }

  /** Writes who holds the lock into its file, for a competitor's "being written by" message. */
  private static void recordHolder(FileChannel ch, String mine) {
    try {
      byte[] me = mine.getBytes(StandardCharsets.UTF_8);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(me), 0);
    } catch (IOException e) {
      // The lock holds without the description; only the message of a competitor suffers.
    }
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

  /** {@code pid <pid> on <host> (JVM <name>, started <now>)}. */
  public static String holderDescription() {
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

  /** The lock file (absolute, normalized). */
  public Path file() {
    return file;
  }

  @Override
  public void close() {
    if (clearOnRelease) {
      try {
        channel.truncate(0); // still held: no competitor's name can be lost
      } catch (IOException e) {
        // the file keeps naming this holder; a competitor still gets the lock
      }
    }
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases it as well
    }
    closeQuietly(channel);
    HELD_IN_THIS_JVM.remove(file);
  }

  private static void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // the caller fails or proceeds; the flag stays for it
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
