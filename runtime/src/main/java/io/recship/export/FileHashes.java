package io.recship.export;

import com.google.common.util.concurrent.ThreadFactoryBuilder;
import io.recship.checkpoint.DigestSidecar;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SHA-256 of the files an export writes, computed while they are written: one hashing thread
 * maps each range a {@link StagedFile} has appended (still in the page cache) and hashes it while
 * the writer moves the next one, so the manifest needs no second pass over the tables and the hash
 * runs on the second core beside the kernel copy.
 *
 * <p>The hash is of the file itself, read back after each write, not of the source it was copied
 * from: the manifest describes exactly the bytes a loader will read. A file whose size or
 * modification time changed after it was hashed, one that was not written through a {@link
 * StagedFile} (small JSON files, the TorchScript archive) and one whose writer failed are hashed
 * when the manifest is written.
 *
 * <p>A copy of a checkpoint file whose writer recorded its SHA-256 ({@link DigestSidecar}) is not
 * hashed at all: {@link #adopt} takes the recorded digest if the source still has the size and
 * modification time it had when it was hashed, both before and after the copy. That is what
 * keeps a copy-mode export near the speed of {@code cp}: SHA-256 costs more CPU than the copy.
 */
final class FileHashes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileHashes.class);

  /** Read-back buffer where files cannot be unmapped promptly. */
  static final int READ_BUFFER = 1 << 20;

  /** Largest range mapped at once to hash it. */
  static final long MAP_CHUNK = 64L << 20;

  private final Map<Path, Future<Hashed>> jobs = new ConcurrentHashMap<>();
  // files whose entry is a digest adopted from a checkpoint sidecar, and those it described so
  private final Set<Path> adopted = ConcurrentHashMap.newKeySet();
  private final Set<String> reused = new ConcurrentSkipListSet<>();
  private final ExecutorService hasher =
      Executors.newSingleThreadExecutor(
          new ThreadFactoryBuilder().setNameFormat("recship-export-hash-%d").setDaemon(true).build());
  private final boolean mapFiles;
  // only the hashing thread touches it
  private @Nullable ByteBuffer buffer;

  FileHashes() {
    this(Unmapper.AVAILABLE);
  }

  /** {@code mapFiles} false: read into a buffer instead (where mappings cannot be unmapped). */
  FileHashes(boolean mapFiles) {
    this.mapFiles = mapFiles && Unmapper.AVAILABLE;
  }

  /** A file's hash and the attributes it had when the hash was taken. */
  private record Hashed(long size, FileTime modified, String sha256) {}

  /** Creates {@code file} and hashes it as it is written. */
  StagedFile create(Path file) throws IOException {
    StagedFile out = StagedFile.create(file);
    jobs.put(key(file), hasher.submit(() -> hash(out)));
    return out;
  }

  /**
   * Creates {@code file} for a byte-for-byte copy of a file whose digest is already recorded:
   * nothing hashes it while it is written. Call {@link #adopt} once the copy is finished; if it is
   * not adopted, the manifest hashes it.
   */
  StagedFile createUnhashed(Path file) throws IOException {
    return StagedFile.create(file);
  }

  /**
   * Takes {@code recorded}, the digest of {@code source}, as the digest of its finished copy
   * {@code copy}, if {@code source} still has the recorded size and modification time (it was
   * checked before the copy, so it did not change during it) and the copy has that size. Returns
   * false, leaving the copy to be hashed when the manifest is written, otherwise.
   */
  boolean adopt(StagedFile copy, Path source, DigestSidecar.Recorded recorded) throws IOException {
    BasicFileAttributes src = Files.readAttributes(source, BasicFileAttributes.class);
    if (!recorded.matches(src) || copy.size() != recorded.size()) {
      log.debug("{} changed while it was copied; hashing the copy", source);
      return false;
    }
    BasicFileAttributes dst = Files.readAttributes(copy.path(), BasicFileAttributes.class);
    Path key = key(copy.path());
    jobs.put(
        key,
        CompletableFuture.completedFuture(
            new Hashed(dst.size(), dst.lastModifiedTime(), recorded.sha256())));
    adopted.add(key);
    return true;
  }

  /**
   * The paths (relative to the root given to {@link #describe}) described with a digest adopted
   * from the checkpoint instead of one computed during the export, sorted.
   */
  List<String> reusedDigests() {
    return List.copyOf(reused);
  }

  /**
   * {@code file}'s manifest entry: the hash taken while it was written (or adopted) if the file
   * is unchanged since, else a hash of the file now.
   */
  ExportedFile describe(Path root, Path file) throws IOException {
    String rel = ExportManifest.relative(root, file);
    Path key = key(file);
    Future<Hashed> job = jobs.get(key);
    if (job != null) {
      Hashed h = await(job, file);
      BasicFileAttributes now = Files.readAttributes(file, BasicFileAttributes.class);
      if (h != null && now.size() == h.size() && now.lastModifiedTime().equals(h.modified())) {
        if (adopted.contains(key)) {
          reused.add(rel);
        }
        return new ExportedFile(rel, h.size(), h.sha256());
      }
      log.debug("{} changed after it was hashed; hashing it again", rel);
    }
    return new ExportedFile(rel, Files.size(file), ExportManifest.sha256(file));
  }

  private static @Nullable Hashed await(Future<Hashed> job, Path file) throws IOException {
    try {
      return job.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while hashing " + file);
    } catch (ExecutionException e) {
      log.debug("hashing {} while it was written failed ({}); hashing it again", file, e.getCause());
      return null;
    }
  }

  private Hashed hash(StagedFile out) throws IOException, InterruptedException {
    MessageDigest md = ExportManifest.newDigest();
    try (FileChannel in = FileChannel.open(out.path(), StandardOpenOption.READ)) {
      long pos = 0;
      for (long end; (end = out.awaitWrittenBeyond(pos)) > pos; ) {
        pos = mapFiles ? digestMapped(in, pos, end, md) : digestRead(in, pos, end, md);
      }
      BasicFileAttributes attrs = Files.readAttributes(out.path(), BasicFileAttributes.class);
      // a size other than what was hashed means something else wrote it: describe re-hashes it
      return new Hashed(pos, attrs.lastModifiedTime(), HexFormat.of().formatHex(md.digest()));
    }
  }

  /**
   * Hashes {@code [pos, end)} through a read-only mapping of the page cache: no copy into a
   * buffer, which on 2 cores costs a third of the hashing time.
   */
  static long digestMapped(FileChannel in, long pos, long end, MessageDigest md)
      throws IOException {
    while (pos < end) {
      long n = Math.min(MAP_CHUNK, end - pos);
      MappedByteBuffer m = in.map(FileChannel.MapMode.READ_ONLY, pos, n);
      try {
        md.update(m);
      } finally {
        Unmapper.unmap(m);
      }
      pos += n;
    }
    return pos;
  }

  private long digestRead(FileChannel in, long pos, long end, MessageDigest md)
      throws IOException {
    if (buffer == null) {
      buffer = ByteBuffer.allocateDirect(READ_BUFFER);
    }
    ByteBuffer buf = buffer;
    while (pos < end) {
      buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
      int n = in.read(buf, pos);
      if (n < 0) {
        throw new IOException("file is shorter than the " + end + " bytes written to it");
      }
      buf.flip();
      md.update(buf);
      pos += n;
    }
    return pos;
  }

  private static Path key(Path file) {
    return file.toAbsolutePath().normalize();
  }

  /** Stops hashing (an export that failed needs no hashes). */
  @Override
  public void close() {
    hasher.shutdownNow();
  }
}
