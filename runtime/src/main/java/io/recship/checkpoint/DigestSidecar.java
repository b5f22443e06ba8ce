package io.recship.checkpoint;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <file>.sha256}: the SHA-256 the checkpoint writer computed from the bytes it wrote, so an
 * export can list the file in its manifest without hashing it again.
 *
 * <p>One sidecar per file, in {@code sha256sum} format (so {@code sha256sum -c
 * model-000000-of-000001.safetensors.sha256} checks it), preceded by a comment line ({@code
 * sha256sum} skips lines starting with {@code #}) with the file's size and modification time:
 *
 * <pre>
 * # recship-digest size=2147483648 modified-ns=1718000000123456789
 * 3b1c...e9  model-000000-of-000001.safetensors
 * </pre>
 *
 * <p>Why a file per data file rather than one JSON index: shard workers write their files into the
 * same folder concurrently and would have to merge an index; and the export copies every {@code
 * *.json} of a checkpoint to RTP, while {@code *.sha256} matches none of its patterns.
 *
 * <p>The digest is trusted ({@link #readIfCurrent}) only while the file still has the recorded
 * size and modification time: a file modified, truncated or copied without its times after the
 * save is hashed again by whoever needs its digest. Anything that slips past that check (a file
 * rewritten in place within the file system's time resolution, a tampered sidecar) fails the
 * full verification {@code ExportedModel.load} runs on every file.
 */
public final class DigestSidecar {
  private static final Logger log = LoggerFactory.getLogger(DigestSidecar.class);

  /** Appended to the data file's name. */
  public static final String SUFFIX = ".sha256";

  private static final Pattern HEADER =
      Pattern.compile("^# recship-digest size=(\\d+) modified-ns=(-?\\d+)$");
  private static final Pattern LINE = Pattern.compile("^([0-9a-f]{64})  (.+)$");

  private DigestSidecar() {}

  /**
   * A digest as the writer recorded it.
   *
   * @param sha256 lower-case hex SHA-256 of the file's bytes
   * @param size the file's size when it was written
   * @param modifiedNanos its last-modified time then, in nanoseconds since the epoch
   */
  public record Recorded(String sha256, long size, long modifiedNanos) {
    /** True if a file with these attributes still is the file that was hashed. */
    public boolean matches(BasicFileAttributes now) {
      return now.size() == size && nanos(now.lastModifiedTime()) == modifiedNanos;
    }
  }

  /** {@code <file>.sha256}. */
  public static Path sidecarOf(Path file) {
    return file.resolveSibling(file.getFileName() + SUFFIX);
  }

  /**
   * The digest recorded for {@code file} if it has a well-formed sidecar and still has the
   * recorded size and modification time; null otherwise (logged: debug for a missing or stale
   * sidecar, warning for a malformed one).
   */
  public static @Nullable Recorded readIfCurrent(Path file) {
    Path sidecar = sidecarOf(file);
    List<String> lines;
    try {
      lines = Files.readAllLines(sidecar, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      log.debug("{} has no digest sidecar", file);
      return null;
    } catch (IOException e) {
      log.warn("cannot read digest sidecar {} ({}); the file is hashed instead", sidecar, e.toString());
      return null;
    }
    Recorded r = parse(lines, file.getFileName().toString());
    if (r == null) {
      log.warn(
          "ignoring digest sidecar {}: not '# recship-digest size=N modified-ns=T' followed by"
              + " '<sha256>  {}'; the file is hashed instead (save the checkpoint again to"
              + " rewrite it)",
          sidecar,
          file.getFileName());
      return null;
    }
    BasicFileAttributes now;
    try {
      now = Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return null; // whoever reads the file reports it
    }
    if (!r.matches(now)) {
      log.debug(
          "ignoring stale digest sidecar {}: recorded size {} modified-ns {}, the file now has"
              + " size {} modified-ns {} (changed after the save); the file is hashed instead",
          sidecar, r.size(), r.modifiedNanos(), now.size(), nanos(now.lastModifiedTime()));
      return null;
    }
    return r;
  }

  private static @Nullable Recorded parse(List<String> lines, String fileName) {
    if (lines.size() != 2) {
      return null;
    }
    Matcher h = HEADER.matcher(lines.get(0));
    Matcher l = LINE.matcher(lines.get(1));
    if (!h.matches() || !l.matches() || !l.group(2).equals(fileName)) {
      return null;
    }
    try {
      return new Recorded(l.group(1), Long.parseLong(h.group(1)), Long.parseLong(h.group(2)));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Records {@code sha256} for {@code file} with its current size and modification time; the
   * sidecar appears atomically (written beside it, then renamed).
   */
  static void write(Path file, String sha256) throws IOException {
    BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
    String text =
        String.format(
            Locale.ROOT,
            "# recship-digest size=%d modified-ns=%d\n%s  %s\n",
            attrs.size(),
            nanos(attrs.lastModifiedTime()),
            sha256,
            file.getFileName());
    Path sidecar = sidecarOf(file);
    Path tmp = sidecar.resolveSibling(sidecar.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, sidecar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, sidecar, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Removes {@code file}'s sidecar, so a save that fails midway leaves no digest of old bytes. */
  static void delete(Path file) throws IOException {
    Files.deleteIfExists(sidecarOf(file));
  }

  private static long nanos(FileTime t) {
    return t.to(TimeUnit.NANOSECONDS);
  }
}
