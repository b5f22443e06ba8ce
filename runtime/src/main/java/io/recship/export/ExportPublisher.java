package io.recship.export;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns everything beside the export folder: the locks, the staging folder the steps write into,
 * and the atomic publish.
 *
 * <p>Names, for an export folder {@code out}: {@code .out.recship-r<rank>.lock} (one exporter per
 * rank), {@code .out.recship-publish.lock} (held only while renaming), {@code
 * .out.recship-tmp-r<rank>-*} (staging), {@code .out.recship-part-<run>-r<rank>-of-<n>} (a
 * finished shard waiting for its peers) and {@code .out.recship-old-*} (the previous export while
 * an overwrite swaps it out). All are hidden siblings on the same file system, so every publish is
 * a {@code rename(2)}: a reader sees either no {@code out}, the previous one, or the new complete
 * one (with its manifest, which is written last).
 */
final class ExportPublisher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ExportPublisher.class);
  /** {@code <runKey>-r<rank>-of-<count>}, after {@code .<name>.recship-part-}. */
  private static final Pattern PART = Pattern.compile(".+-r(\\d+)-of-\\d+");

  private final Path exportDir;
  private final Path parent;
  private final String name;
  private final int rank;
  private final int count;
  private final boolean overwrite;
  private final String runKey;
  private final ExportLock rankLock;
  private final Path staging;
  private final FileHashes hashes = new FileHashes();
  private boolean finished;

  private ExportPublisher(
      Path exportDir, int rank, int count, boolean overwrite, String runKey, ExportLock rankLock)
      throws IOException {
    this.exportDir = exportDir;
    this.parent = exportDir.getParent();
    this.name = exportDir.getFileName().toString();
    this.rank = rank;
    this.count = count;
    this.overwrite = overwrite;
    this.runKey = runKey;
    this.rankLock = rankLock;
    this.staging =
        parent.resolve(
            "."
                + name
                + ".recship-tmp-r"
                + rank
                + "-"
                + ProcessHandle.current().pid()
                + "-"
                + UUID.randomUUID().toString().substring(0, 8));
  }

  /**
   * Locks this rank of {@code exportDir}, cleans what killed runs left, refuses an existing
   * non-empty folder unless {@code overwrite} (and always one holding files its manifest does not
   * list, see {@link #checkTarget}), and creates a fresh staging folder.
   */
  static ExportPublisher open(
      Path exportDir, int rank, int count, boolean overwrite, String runKey) {
    Path dir = exportDir.toAbsolutePath().normalize();
    if (dir.getParent() == null) {
      throw new ExportException(
          ExportException.Step.PLAN,
          "exportDir " + exportDir + " has no parent folder; choose a folder below the root");
    }
    try {
      Files.createDirectories(dir.getParent());
    } catch (IOException e) {
      throw new ExportException(
          ExportException.Step.PLAN,
          "cannot create the parent folder of exportDir " + dir + " (" + e + ")",
          e);
    }
    String name = dir.getFileName().toString();
    ExportLock lock =
        ExportLock.tryAcquire(
            dir.getParent().resolve("." + name + ".recship-r" + rank + ".lock"),
            "export dir " + dir + (count > 1 ? " (shard rank " + rank + ")" : ""));
    try {
      ExportPublisher p = new ExportPublisher(dir, rank, count, overwrite, runKey, lock);
      p.cleanStale();
      checkTarget(p.exportDir, p.overwrite, "before the export started");
      Files.createDirectory(p.staging);
      return p;
    } catch (IOException e) {
      lock.close();
      throw new ExportException(
          ExportException.Step.PLAN, "cannot prepare a staging folder beside " + dir + " (" + e + ")",
          e);
    } catch (RuntimeException e) {
      lock.close();
      throw e;
    }
  }

  Path exportDir() {
    return exportDir;
  }

  /** The folder the steps write into; published as a whole. */
  Path staging() {
    return staging;
  }

  /** Hashes the big files of the staging folder while the steps write them. */
  FileHashes hashes() {
    return hashes;
  }

  /** The result of {@link #publish}. */
  record Outcome(boolean published, List<ExportedFile> files, List<Integer> waitingForRanks) {}

  /**
   * Writes the manifest (last) and publishes. With one rank the staging folder becomes {@code
   * exportDir}. With several, it becomes a finished part; the last rank to finish assembles the
   * parts (hard links, so the parts stay valid until the publish) and publishes the whole.
   */
  Outcome publish(String modelName) {
    try {
      List<ExportedFile> files = ExportManifest.describe(staging, hashes);
      writeManifest(staging, modelName, files);
      fsyncDir(staging);
      try (ExportLock ignored = publishLock()) {
        if (count == 1) {
          swapIn(staging);
          finished = true;
          return new Outcome(true, files, List.of());
        }
        Path part = partDir(rank);
        if (Files.exists(part)) {
          MoreFiles.deleteRecursively(part, RecursiveDeleteOption.ALLOW_INSECURE);
        }
        Files.move(staging, part, StandardCopyOption.ATOMIC_MOVE);
        finished = true;
        List<Integer> missing = new ArrayList<>();
        for (int r = 0; r < count; r++) {
          if (!Files.isRegularFile(partDir(r).resolve(ExportManifest.FILE_NAME))) {
            missing.add(r);
          }
        }
        if (!missing.isEmpty()) {
          log.info(
              "shard rank {} of {} is staged; {} is published when ranks {} finish",
              rank,
              count,
              exportDir,
              missing);
          return new Outcome(false, files, missing);
        }
        return new Outcome(true, assembleAndSwapIn(modelName), List.of());
      }
    } catch (IOException e) {
      throw new ExportException(
          ExportException.Step.PUBLISH,
          "cannot publish " + staging + " as " + exportDir + " (" + e + "); nothing was published",
          e);
    }
  }

  private List<ExportedFile> assembleAndSwapIn(String modelName) throws IOException {
    Path assembly = parent.resolve("." + name + ".recship-tmp-assemble-" + UUID.randomUUID());
    Files.createDirectory(assembly);
    try {
      List<ExportedFile> all = new ArrayList<>();
      for (int r = 0; r < count; r++) {
        Path part = partDir(r);
        for (ExportedFile f : ExportManifest.read(part).files()) {
          Path target = assembly.resolve(f.path());
          if (Files.exists(target)) {
            throw new ExportException(
                ExportException.Step.PUBLISH,
                "shard ranks wrote the same file '" + f.path() + "'; each rank must own its files");
          }
          Files.createDirectories(target.getParent());
          linkOrCopy(part.resolve(f.path()), target);
          all.add(f);
        }
      }
      all.sort(Comparator.comparing(ExportedFile::path));
      writeManifest(assembly, modelName, all);
      fsyncDir(assembly);
      swapIn(assembly);
      for (int r = 0; r < count; r++) {
        deleteQuietly(partDir(r));
      }
      return all;
    } finally {
      deleteQuietly(assembly);
    }
  }

  private void writeManifest(Path dir, String modelName, List<ExportedFile> files)
      throws IOException {
    new ExportManifest(
            ExportManifest.FORMAT,
            ExportManifest.FORMAT_VERSION,
            modelName,
            Instant.now().toString(),
            count,
            files)
        .writeTo(dir);
  }

  private static void linkOrCopy(Path from, Path to) throws IOException {
    try {
      Files.createLink(to, from);
    } catch (UnsupportedOperationException | IOException e) {
      Files.copy(from, to);
    }
  }

  /** Renames {@code ready} to {@code exportDir}; with overwrite, the old one moves aside first. */
  private void swapIn(Path ready) throws IOException {
    checkTarget(exportDir, overwrite, "while this export ran");
    if (Files.isDirectory(exportDir) && isEmptyDir(exportDir)) {
      // rename(2) replaces an empty directory atomically.
      Files.move(ready, exportDir, StandardCopyOption.ATOMIC_MOVE);
      fsyncDir(parent);
    } else if (Files.isDirectory(exportDir)) {
      Path old = parent.resolve("." + name + ".recship-old-" + UUID.randomUUID());
      Files.move(exportDir, old, StandardCopyOption.ATOMIC_MOVE);
      Files.move(ready, exportDir, StandardCopyOption.ATOMIC_MOVE);
      fsyncDir(parent);
      deleteQuietly(old);
      log.info("replaced the previous export at {}", exportDir);
    } else {
      Files.move(ready, exportDir, StandardCopyOption.ATOMIC_MOVE);
      fsyncDir(parent);
    }
  }

  /**
   * Refuses an {@code exportDir} the publish could not take: a file, or a non-empty folder unless
   * it is a previous export, holding nothing its manifest does not list, and {@code overwrite} is
   * on. Never suggests overwrite for a folder it would refuse to overwrite.
   */
  static void checkTarget(Path exportDir, boolean overwrite, String when) {
    if (!Files.exists(exportDir)) {
      return;
    }
    if (!Files.isDirectory(exportDir)) {
      throw new ExportException(
          ExportException.Step.PLAN,
          "exportDir " + exportDir + " exists and is a file; remove it or choose another folder");
    }
    if (isEmptyDir(exportDir)) {
      return;
    }
    // overwrite deletes what it replaces: only ever a previous export, never a folder of user files
    if (!Files.isRegularFile(exportDir.resolve(ExportManifest.FILE_NAME))) {
      throw new ExportException(
          ExportException.Step.PLAN,
          "exportDir " + exportDir + " is not empty and has no " + ExportManifest.FILE_NAME
              + ", so it is not a RecShip export (" + when + "); it was left untouched, and"
              + " overwrite(true) would not replace it either: it replaces only a previous export,"
              + " and deletes it. Empty or remove the folder, or choose another exportDir");
    }
    // overwrite deletes the whole folder: refuse while it holds anything the manifest does not list
    List<String> unlisted = unlistedFiles(exportDir, when);
    if (!unlisted.isEmpty()) {
      boolean one = unlisted.size() == 1;
      throw new ExportException(
          ExportException.Step.PLAN,
          "exportDir " + exportDir + " holds a previous export and also "
              + ExportManifest.countUnlisted(unlisted) + " that " + (one ? "is" : "are")
              + " not part of it (" + ExportManifest.FILE_NAME + " does not list "
              + (one ? "it" : "them") + "): " + ExportManifest.nameUnlisted(unlisted) + " ("
              + when + "); it was left untouched. overwrite(true) replaces a previous export by"
              + " deleting its folder, so " + (one ? "this" : "these") + " would be deleted too:"
              + " move " + (one ? "it" : "them") + " out of " + exportDir
              + (overwrite ? "" : " and pass overwrite(true)") + ", or choose another exportDir");
    }
    if (!overwrite) {
      throw new ExportException(
          ExportException.Step.PLAN,
          "exportDir " + exportDir + " already exists and is not empty: it holds a previous export ("
              + when + "); it was left untouched. Pass overwrite(true) to replace it once the new"
              + " export is complete, or choose another exportDir");
    }
  }

  /**
   * What {@code exportDir} holds that its manifest does not list (see {@link
   * ExportManifest#unlistedIn}). The locks, staging folders, parts and moved-aside exports are
   * siblings of {@code exportDir}, never inside it, so only the manifest itself is added.
   *
   * @throws ExportException if the manifest cannot be read: which files are the export's is then
   *     unknown, so nothing may be deleted
   */
  private static List<String> unlistedFiles(Path exportDir, String when) {
    ExportManifest previous;
    try {
      previous = ExportManifest.read(exportDir);
    } catch (ExportException e) {
      throw new ExportException(
          ExportException.Step.PLAN,
          "exportDir " + exportDir + " holds a " + ExportManifest.FILE_NAME + " this RecShip cannot"
              + " read, so which of its files belong to the previous export is unknown (" + when
              + "); it was left untouched, and overwrite(true) would not replace it either: it"
              + " deletes a previous export only when its manifest lists every file. Remove the"
              + " folder yourself if nothing in it is needed, or choose another exportDir. Reading"
              + " the manifest said: " + e.detail(),
          e);
    }
    try {
      return previous.unlistedIn(exportDir);
    } catch (IOException e) {
      throw new ExportException(
          ExportException.Step.PLAN,
          "cannot list exportDir " + exportDir + " (" + e + ") to check that it holds only the"
              + " previous export (" + when + "); it was left untouched. Make the folder readable,"
              + " or choose another exportDir",
          e);
    }
  }

  /**
   * Removes what killed runs of this rank left (their lock is gone, so nobody writes them) and,
   * if an overwrite was killed between its two renames, puts the previous export back.
   */
  private void cleanStale() throws IOException {
    String ownTmp = "." + name + ".recship-tmp-r" + rank + "-";
    for (Path p : siblings(ownTmp)) {
      log.warn("removing {} left by an interrupted export", p);
      deleteQuietly(p);
    }
    try (ExportLock ignored = publishLock()) {
      for (Path p : siblings("." + name + ".recship-tmp-assemble-")) {
        deleteQuietly(p);
      }
      // This rank's finished part of an earlier run (another checkpoint or shard count) can never
      // be assembled with this run; its other ranks' parts go when those ranks run again.
      String parts = "." + name + ".recship-part-";
      Path current = partDir(rank);
      for (Path p : siblings(parts)) {
        Matcher m = PART.matcher(p.getFileName().toString().substring(parts.length()));
        if (m.matches() && Integer.parseInt(m.group(1)) == rank && !p.equals(current)) {
          log.warn("removing {}: shard rank {}'s part of an earlier export run, superseded by this"
              + " one", p, rank);
          deleteQuietly(p);
        }
      }
      List<Path> olds = siblings("." + name + ".recship-old-");
      for (Path old : olds) {
        if (!Files.exists(exportDir)
            && Files.isRegularFile(old.resolve(ExportManifest.FILE_NAME))) {
          Files.move(old, exportDir, StandardCopyOption.ATOMIC_MOVE);
          log.warn("restored the previous export {} that an interrupted overwrite moved aside", exportDir);
        } else {
          deleteQuietly(old);
        }
      }
    }
  }

  private List<Path> siblings(String prefix) throws IOException {
    try (Stream<Path> s = Files.list(parent)) {
      return s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().toList();
    }
  }

  private Path partDir(int r) {
    return parent.resolve(
        "." + name + ".recship-part-" + runKey + "-r" + r + "-of-" + count);
  }

  private ExportLock publishLock() {
    return ExportLock.acquireBlocking(parent.resolve("." + name + ".recship-publish.lock"));
  }

  @Override
  public void close() {
    try {
      hashes.close();
      if (!finished) {
        deleteQuietly(staging);
      }
    } finally {
      rankLock.close();
    }
  }

  static boolean isEmptyDir(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  static void deleteQuietly(@Nullable Path p) {
    if (p == null || !Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      MoreFiles.deleteRecursively(p, RecursiveDeleteOption.ALLOW_INSECURE);
    } catch (IOException e) {
      log.warn("could not remove {}: {}", p, e.toString());
    }
  }

  /** Makes renames and new entries durable; best effort where the OS cannot open a folder. */
  static void fsyncDir(Path dir) {
    if (System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
      return;
    }
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException e) {
      log.debug("cannot fsync folder {}: {}", dir, e.toString());
    }
  }
}
