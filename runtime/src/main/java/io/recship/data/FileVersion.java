package io.recship.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.jspecify.annotations.Nullable;

/**
 * The version of a data file a reader opened. At the end of the file, a file rewritten in place
 * while it was read (same file, other size or time) gave rows of two versions, so the pass is
 * refused. A file replaced by a rename is fine: the reader kept the old one, whole.
 */
final class FileVersion {
  private final Path file;
  private final @Nullable BasicFileAttributes atOpen;

  private FileVersion(Path file, @Nullable BasicFileAttributes atOpen) {
    this.file = file;
    this.atOpen = atOpen;
  }

  /** Call right after opening {@code file}. */
  static FileVersion of(Path file) {
    return new FileVersion(file, attributes(file));
  }

  private static @Nullable BasicFileAttributes attributes(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return null; // gone already: the reader still holds it, and there is nothing to compare
    }
  }

  /** Call at the end of the file; {@code line} is the last line read. */
  void checkUnchanged(long line) {
    BasicFileAttributes now = attributes(file);
    if (atOpen == null || now == null || atOpen.fileKey() == null
        || !atOpen.fileKey().equals(now.fileKey())) {
      return;
    }
    if (now.size() != atOpen.size() || !now.lastModifiedTime().equals(atOpen.lastModifiedTime())) {
      throw new DataException(file.toString(), line, null, "the file was modified while it was read"
          + " (size " + atOpen.size() + " -> " + now.size() + " bytes), so this pass mixed rows of"
          + " two versions; write new data to a new file (or replace the file by renaming one over"
          + " it)");
    }
  }
}
