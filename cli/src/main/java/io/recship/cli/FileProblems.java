package io.recship.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One-line wording for paths the user gave that cannot be used. Java's IO exceptions name only
 * the path (a NoSuchFileException's message is the bare path), which says nothing about the fix.
 */
final class FileProblems {
  private FileProblems() {}

  /** Why {@code dir} cannot be an export folder before anything is read, or null if it is a folder. */
  static @Nullable String exportDirProblem(Path dir) {
    if (Files.isDirectory(dir)) {
      return null;
    }
    String fix = "; give the export folder (the exportDir of an export)";
    return Files.exists(dir)
        ? dir + " is a file, not a folder" + fix
        : dir + ": no such folder (absolute path " + dir.toAbsolutePath() + ")" + fix;
  }

  /**
   * The nearest existing ancestor of {@code path} that is not a folder, or null: folders cannot be
   * created below it, and Java reports that only as "Not a directory" on the path asked for.
   */
  static @Nullable Path fileInTheWay(Path path) {
    for (Path p = path.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        return Files.isDirectory(p) ? null : p;
      }
    }
    return null;
  }

  /** {@code e} as "path: reason", e.g. "/data/out: permission denied". */
  static String describe(IOException e) {
    if (e instanceof FileSystemException f && f.getFile() != null) {
      return f.getFile() + (f.getOtherFile() == null ? "" : " -> " + f.getOtherFile()) + ": " + reason(f);
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  private static String reason(FileSystemException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file or folder";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return Files.isDirectory(Path.of(e.getFile())) ? "already exists" : "is a file, not a folder";
    }
    String r = e.getReason();
    return r == null ? e.getClass().getSimpleName() : r.toLowerCase(Locale.ROOT);
  }
}
