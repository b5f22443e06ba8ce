package io.recship.export;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.recship.json.JsonProblems;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * {@value #FILE_NAME}: every file of an export with its size and SHA-256. It is written last,
 * so an export folder without a valid manifest is by definition incomplete; {@link #verify} is
 * what a loader runs before trusting a folder.
 *
 * @param format always {@value #FORMAT}
 * @param formatVersion {@value #FORMAT_VERSION}
 * @param modelName the model name given to the export plan
 * @param createdAt ISO-8601 instant of the export
 * @param shardCount how many shard ranks contributed sparse files
 * @param files every file except the manifest itself, sorted by path
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExportManifest(
    String format,
    int formatVersion,
    String modelName,
    String createdAt,
    int shardCount,
    List<ExportedFile> files) {

  public static final String FILE_NAME = "recship-manifest.json";
  public static final String FORMAT = "recship-export";
  public static final int FORMAT_VERSION = 1;

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public ExportManifest {
    files = List.copyOf(files);
  }

  /** Reads and checks the manifest of an export folder, then every listed file's size and hash. */
  public static ExportManifest verify(Path exportDir) {
    ExportManifest m = read(exportDir);
    for (ExportedFile f : m.files()) {
      Path p = exportDir.resolve(f.path());
      long size;
      try {
        size = Files.size(p);
      } catch (IOException e) {
        throw new ExportException(
            ExportException.Step.LOAD,
            "file '"
                + f.path()
                + "' listed in "
                + FILE_NAME
                + " is missing from "
                + exportDir
                + "; the export is incomplete or was modified: export again");
      }
      if (size != f.size()) {
        throw tampered(exportDir, f, "size " + size + " bytes, manifest says " + f.size());
      }
      String sha = sha256(p);
      if (!sha.equals(f.sha256())) {
        throw tampered(exportDir, f, "SHA-256 " + sha + ", manifest says " + f.sha256());
      }
    }
    return m;
  }

  /** Reads the manifest without checking the files. */
  public static ExportManifest read(Path exportDir) {
    Path file = exportDir.resolve(FILE_NAME);
    ExportManifest m;
    try {
      m = JSON.readValue(file.toFile(), ExportManifest.class);
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      String other = notAnExport(exportDir);
      throw new ExportException(
          ExportException.Step.LOAD,
          other != null
              ? other
              : exportDir
                  + " has no "
                  + FILE_NAME
                  + ": it is not a complete RecShip export (the manifest is written last). Point to"
                  + " the export folder itself, or export again");
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new ExportException(
          ExportException.Step.LOAD,
          JsonProblems.describe(file, e) + "; it is not a valid manifest: export again",
          e);
    } catch (IOException e) {
      throw new ExportException(
          ExportException.Step.LOAD,
          "cannot read " + file + " (" + e + ")",
          e);
    }
    if (!FORMAT.equals(m.format()) || m.files() == null) {
      throw new ExportException(
          ExportException.Step.LOAD,
          file + " is not a RecShip export manifest (format '" + m.format() + "')");
    }
    if (m.formatVersion() > FORMAT_VERSION) {
      throw new ExportException(
          ExportException.Step.LOAD,
          file
              + " has format version "
              + m.formatVersion()
              + "; this RecShip reads up to "
              + FORMAT_VERSION
              + ": upgrade RecShip");
    }
    return m;
  }

  /**
   * Why {@code dir}, which has no manifest, is something else than an export folder, with the
   * folder to give instead; null if it looks like nothing RecShip writes. Recognised: a training
   * checkpoint ({@code dense.safetensors} and {@code index}) and the dense folder inside an export
   * (it holds {@code output_info.json}).
   */
  public static @Nullable String notAnExport(Path dir) {
    if (Files.isRegularFile(dir.resolve("dense.safetensors")) && Files.isRegularFile(dir.resolve("index"))) {
      return dir + " is a training checkpoint (dense.safetensors, index), not an export: export it with the"
          + " generated exporter (<Model>Exporter.builder(model).ckptDir(" + dir.getFileName()
          + ")...export()) and point to its exportDir";
    }
    if (Files.isRegularFile(dir.resolve(OUTPUT_INFO))) {
      Path parent = dir.toAbsolutePath().normalize().getParent();
      return dir + " is the dense folder inside an export (it holds " + OUTPUT_INFO + "), not the export folder:"
          + " give its parent " + (parent == null ? "folder" : parent.toString())
          + (parent != null && Files.isRegularFile(parent.resolve(FILE_NAME)) ? ", which holds " + FILE_NAME : "");
    }
    return null;
  }

  /** The file that marks RecIS' dense folder ({@code export_folder_name}) of an export. */
  public static final String OUTPUT_INFO = "output_info.json";

  /**
   * The dense folder (RecIS' {@code export_folder_name}) this manifest lists: the one top-level
   * folder with a listed {@value #OUTPUT_INFO}, relative to the export folder. Other folders in
   * the export folder are not part of the export, whatever they hold.
   *
   * @throws ExportException if the manifest lists no such folder, or several
   */
  public String denseFolder() {
    List<String> found = new ArrayList<>();
    for (ExportedFile f : files) {
      int slash = f.path().indexOf('/');
      if (slash > 0 && f.path().substring(slash + 1).equals(OUTPUT_INFO)) {
        found.add(f.path().substring(0, slash));
      }
    }
    if (found.size() != 1) {
      throw new ExportException(
          ExportException.Step.LOAD,
          FILE_NAME + " lists " + (found.isEmpty() ? "no" : found.size()) + " dense folder"
              + (found.size() == 1 ? "" : "s") + " with " + OUTPUT_INFO
              + (found.isEmpty() ? "" : " (" + String.join(", ", found) + ")")
              + ", an export has exactly one: the export is incomplete or the manifest was edited; export again");
    }
    return found.get(0);
  }

  /**
   * The TorchScript archive this manifest lists in {@link #denseFolder()}: relative to the export
   * folder. Other {@code *.pt} files there are not part of the export.
   *
   * @throws ExportException if the manifest lists no archive there, or several
   */
  public String archive() {
    String folder = denseFolder();
    List<String> found = files.stream().map(ExportedFile::path)
        .filter(p -> p.startsWith(folder + "/") && p.indexOf('/', folder.length() + 1) < 0 && p.endsWith(".pt"))
        .toList();
    if (found.size() != 1) {
      throw new ExportException(
          ExportException.Step.LOAD,
          FILE_NAME + " lists " + (found.isEmpty() ? "no" : found.size()) + " TorchScript archive"
              + (found.size() == 1 ? "" : "s") + " (*.pt) in " + folder
              + (found.isEmpty() ? "" : " (" + String.join(", ", found) + ")")
              + ", an export has exactly one: the export is incomplete or the manifest was edited; export again");
    }
    return found.get(0);
  }

  /**
   * What {@code exportDir} holds besides this manifest and the files it lists (and the folders
   * leading to them): nothing an export wrote, so a user's. Paths are relative to {@code
   * exportDir}, with {@code /}, sorted; a folder holding nothing listed is one entry, ending in
   * {@code /}. Links are not followed.
   *
   * @throws IOException if {@code exportDir} or a folder in it cannot be listed
   */
  public List<String> unlistedIn(Path exportDir) throws IOException {
    Set<String> listed = new HashSet<>();
    Set<String> listedFolders = new HashSet<>();
    listed.add(FILE_NAME);
    for (ExportedFile f : files) {
      listed.add(f.path());
      for (int i = f.path().indexOf('/'); i > 0; i = f.path().indexOf('/', i + 1)) {
        listedFolders.add(f.path().substring(0, i));
      }
    }
    List<String> out = new ArrayList<>();
    // the folder itself, also when exportDir is a link to it (inspect may be given one)
    Path root = exportDir.toRealPath();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(
              Path dir, BasicFileAttributes attrs) {
            if (dir.equals(root)) {
              return FileVisitResult.CONTINUE;
            }
            String rel = relative(root, dir);
            if (listedFolders.contains(rel)) {
              return FileVisitResult.CONTINUE;
            }
            out.add(rel + "/");
            return FileVisitResult.SKIP_SUBTREE;
          }

          @Override
          public FileVisitResult visitFile(
              Path file, BasicFileAttributes attrs) {
            // a link, or anything else, in place of a listed file is the export's to replace
            String rel = relative(root, file);
            if (!listed.contains(rel)) {
              out.add(rel);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    out.sort(Comparator.naturalOrder());
    return out;
  }

  /** How many of {@link #unlistedIn}'s paths {@link #nameUnlisted} names; the rest are counted. */
  public static final int UNLISTED_NAMED = 5;

  /** {@link #unlistedIn}'s paths counted for a message: "2 files and 1 folder". */
  public static String countUnlisted(List<String> unlisted) {
    long folders = unlisted.stream().filter(p -> p.endsWith("/")).count();
    long files = unlisted.size() - folders;
    String f = files + (files == 1 ? " file" : " files");
    String d = folders + (folders == 1 ? " folder" : " folders");
    return folders == 0 ? f : files == 0 ? d : f + " and " + d;
  }

  /**
   * {@link #unlistedIn}'s paths named for a message: the first {@value #UNLISTED_NAMED}, quoted,
   * and how many more: "'a.txt', 'fx_user_model/old/' and 3 more".
   */
  public static String nameUnlisted(List<String> unlisted) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(UNLISTED_NAMED, unlisted.size()); i++) {
      b.append(i == 0 ? "" : ", ").append('\'').append(unlisted.get(i)).append('\'');
    }
    if (unlisted.size() > UNLISTED_NAMED) {
      b.append(" and ").append(unlisted.size() - UNLISTED_NAMED).append(" more");
    }
    return b.toString();
  }

  /**
   * Lists files under {@code root} (recursively, manifest excluded) with their sizes and hashes;
   * files {@code hashes} hashed while they were written are not read again.
   */
  static List<ExportedFile> describe(Path root, FileHashes hashes) throws IOException {
    List<Path> paths;
    try (var s = Files.walk(root)) {
      paths = s.filter(Files::isRegularFile).sorted(Comparator.naturalOrder()).toList();
    }
    List<ExportedFile> out = new ArrayList<>();
    for (Path p : paths) {
      if (relative(root, p).equals(FILE_NAME)) {
        continue;
      }
      out.add(hashes.describe(root, p));
    }
    out.sort(Comparator.comparing(ExportedFile::path));
    return out;
  }

  static String relative(Path root, Path p) {
    return root.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
  }

  /** Writes this manifest into {@code dir} and forces it to disk. */
  void writeTo(Path dir) throws IOException {
    byte[] bytes = toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    Path file = dir.resolve(FILE_NAME);
    try (FileChannel ch =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.wrap(bytes);
      while (b.hasRemaining()) {
        ch.write(b);
      }
      ch.force(true);
    }
  }

  String toJson() {
    try {
      return JSON.writeValueAsString(this) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Streams a file through SHA-256 (uses the CPU's SHA extensions where the JVM has them). */
  public static String sha256(Path file) {
    MessageDigest md = newDigest();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      if (Unmapper.AVAILABLE) {
        // hashed straight from the page cache, no copy into a buffer
        FileHashes.digestMapped(ch, 0, ch.size(), md);
      } else {
        ByteBuffer buf = ByteBuffer.allocateDirect(FileHashes.READ_BUFFER);
        while (ch.read(buf) >= 0) {
          buf.flip();
          md.update(buf);
          buf.clear();
        }
      }
    } catch (IOException e) {
      throw new ExportException(
          ExportException.Step.LOAD, "cannot read " + file + " to hash it (" + e + ")", e);
    } catch (InternalError e) {
      // what a mapped read raises when the file is truncated meanwhile
      throw new ExportException(
          ExportException.Step.LOAD,
          file + " changed while it was hashed (" + e.getMessage() + "); nothing may write an"
              + " export folder while it is read",
          e);
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  private static ExportException tampered(Path dir, ExportedFile f, String what) {
    return new ExportException(
        ExportException.Step.LOAD,
        "file '"
            + f.path()
            + "' in "
            + dir
            + " does not match "
            + FILE_NAME
            + " ("
            + what
            + "): it was modified or corrupted after the export; export again or restore it");
  }
}
