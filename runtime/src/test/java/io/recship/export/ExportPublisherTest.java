package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportPublisherTest {
  @TempDir Path tmp;

  private static void write(Path p, String text) throws IOException {
    Files.createDirectories(p.getParent());
    Files.writeString(p, text, StandardCharsets.UTF_8);
  }

  /** A previous export of {@code files} (path, content pairs) as the publisher leaves it. */
  private Path previousExport(String name, String... files) throws IOException {
    Path out = tmp.resolve(name);
    try (ExportPublisher p = ExportPublisher.open(out, 0, 1, false, "run")) {
      for (int i = 0; i < files.length; i += 2) {
        write(p.staging().resolve(files[i]), files[i + 1]);
      }
      p.publish("m");
    }
    return out;
  }

  /** Every file and folder under {@code dir} with its bytes (folders: empty), to compare. */
  static Map<String, List<Byte>> snapshot(Path dir) throws IOException {
    Map<String, List<Byte>> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        List<Byte> bytes = new ArrayList<>();
        if (Files.isRegularFile(p)) {
          for (byte b : Files.readAllBytes(p)) {
            bytes.add(b);
          }
        }
        out.put(dir.relativize(p) + (Files.isDirectory(p) ? "/" : ""), bytes);
      }
    }
    return out;
  }

  private List<String> siblings() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void publishesStagingAsExportDirWithManifestListingEveryFile() throws IOException {
    Path out = tmp.resolve("out");
    try (ExportPublisher p = ExportPublisher.open(out, 0, 1, false, "run")) {
      assertThat(out).doesNotExist();
      write(p.staging().resolve("fg.json"), "{}");
      write(p.staging().resolve("fx_user_model/user_model.pt"), "archive");
      ExportPublisher.Outcome o = p.publish("m");
      assertThat(o.published()).isTrue();
    }
    ExportManifest m = ExportManifest.verify(out);
    assertThat(m.files())
        .extracting(ExportedFile::path)
        .containsExactly("fg.json", "fx_user_model/user_model.pt");
    assertThat(m.files().get(0).sha256())
        .isEqualTo("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    // only the lock files stay beside the export
    assertThat(siblings()).allMatch(n -> n.equals("out") || n.endsWith(".lock"));
  }

  @Test
  void refusesAFolderOfOtherFilesWithoutSuggestingOverwriteWhichWouldRefuseItToo()
      throws IOException {
    Path out = tmp.resolve("out");
    write(out.resolve("keep.txt"), "previous");
    assertThatThrownBy(() -> ExportPublisher.open(out, 0, 1, false, "run"))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining(out.toString())
        .hasMessageContaining("is not empty and has no recship-manifest.json, so it is not a"
            + " RecShip export")
        .hasMessageContaining("overwrite(true) would not replace it either")
        .hasMessageNotContaining("Pass overwrite(true)");
    assertThat(out.resolve("keep.txt")).hasContent("previous");
    assertThat(siblings()).noneMatch(n -> n.contains("recship-tmp"));
  }

  @Test
  void refusesAPreviousExportWithoutOverwriteAndSuggestsIt() throws IOException {
    Path out = previousExport("out", "old.json", "old");
    assertThatThrownBy(() -> ExportPublisher.open(out, 0, 1, false, "run"))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("already exists and is not empty: it holds a previous export")
        .hasMessageContaining("Pass overwrite(true)");
    assertThat(out.resolve("old.json")).hasContent("old");
  }

  @Test
  void checkExportDirAnswersBeforeAnyWorkAndWritesNothing() throws IOException {
    Path file = tmp.resolve("a-file");
    write(file, "x");
    Path others = tmp.resolve("others");
    write(others.resolve("notes.txt"), "mine");
    Path previous = previousExport("previous", "fg.json", "{}");

    assertThatCode(() -> Exporter.checkExportDir(tmp.resolve("absent"), false))
        .doesNotThrowAnyException();
    assertThatCode(() -> Exporter.checkExportDir(previous, true)).doesNotThrowAnyException();
    assertThatThrownBy(() -> Exporter.checkExportDir(file, true))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("exists and is a file");
    assertThatThrownBy(() -> Exporter.checkExportDir(others, true))
        .isInstanceOf(ExportException.class)
        .hasMessageStartingWith("plan: exportDir " + others.toAbsolutePath() + " is not empty");
    assertThatThrownBy(() -> Exporter.checkExportDir(previous, false))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("Pass overwrite(true)");
    assertThat(tmp.resolve("absent")).doesNotExist();
    assertThat(siblings())
        .noneMatch(n -> n.startsWith(".absent") || n.startsWith(".others") || n.startsWith(".a-file"))
        .noneMatch(n -> n.contains("recship-tmp"));
  }

  @Test
  void acceptsAnExistingEmptyExportDir() throws IOException {
    Path out = tmp.resolve("out");
    Files.createDirectories(out);
    try (ExportPublisher p = ExportPublisher.open(out, 0, 1, false, "run")) {
      write(p.staging().resolve("a.json"), "1");
      p.publish("m");
    }
    assertThat(out.resolve("a.json")).hasContent("1");
  }

  @Test
  void overwriteRefusesAFolderThatIsNotAnExportAndLeavesItIntact() throws IOException {
    Path out = tmp.resolve("out");
    write(out.resolve("notes/important.txt"), "mine");
    assertThatThrownBy(() -> ExportPublisher.open(out, 0, 1, true, "run"))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("exportDir " + out.toAbsolutePath() + " is not empty and has no"
            + " recship-manifest.json, so it is not a RecShip export")
        .hasMessageContaining("left untouched");
    assertThat(out.resolve("notes/important.txt")).hasContent("mine");
    assertThat(siblings()).noneMatch(n -> n.contains("recship-tmp"));
  }

  @Test
  void overwriteKeepsThePreviousExportUntilTheNewOneIsPublished() throws IOException {
    Path out = previousExport("out", "old.json", "old", "fx_user_model/user_model.pt", "v1");
    try (ExportPublisher p = ExportPublisher.open(out, 0, 1, true, "run")) {
      write(p.staging().resolve("new.json"), "new");
      assertThat(out.resolve("old.json")).hasContent("old");
      p.publish("m");
    }
    assertThat(out.resolve("old.json")).doesNotExist();
    assertThat(out.resolve("fx_user_model")).doesNotExist();
    assertThat(out.resolve("new.json")).hasContent("new");
    assertThat(siblings()).noneMatch(n -> n.contains("recship-old") || n.contains("recship-tmp"));
  }

  @Test
  void overwriteRefusesAPreviousExportHoldingFilesItsManifestDoesNotListAndKeepsEverything()
      throws IOException {
    Path out = previousExport("out", "fg.json", "v1", "fx_user_model/user_model.pt", "archive v1");
    write(out.resolve("mynotes.txt"), "my notes");
    write(out.resolve("fx_user_model/old/user_model.pt"), "the model before");
    Map<String, List<Byte>> before = snapshot(out);

    assertThatThrownBy(() -> ExportPublisher.open(out, 0, 1, true, "run"))
        .isInstanceOf(ExportException.class)
        .satisfies(e -> assertThat(((ExportException) e).step()).isEqualTo(ExportException.Step.PLAN))
        .hasMessage("plan: exportDir " + out.toAbsolutePath() + " holds a previous export and also 1"
            + " file and 1 folder that are not part of it (recship-manifest.json does not list"
            + " them): 'fx_user_model/old/', 'mynotes.txt' (before the export started); it was left"
            + " untouched. overwrite(true) replaces a previous export by deleting its folder, so"
            + " these would be deleted too: move them out of " + out.toAbsolutePath() + ", or"
            + " choose another exportDir");

    assertThat(snapshot(out)).isEqualTo(before);
    ExportManifest.verify(out);
    assertThat(siblings()).noneMatch(n -> n.contains("recship-tmp") || n.contains("recship-old"));

    // the fix works: with them moved out, the overwrite replaces the previous export
    Files.move(out.resolve("mynotes.txt"), tmp.resolve("mynotes.txt"));
    Files.move(out.resolve("fx_user_model/old"), tmp.resolve("old"));
    try (ExportPublisher p = ExportPublisher.open(out, 0, 1, true, "run")) {
      write(p.staging().resolve("fg.json"), "v2");
      p.publish("m");
    }
    assertThat(out.resolve("fg.json")).hasContent("v2");
    assertThat(tmp.resolve("mynotes.txt")).hasContent("my notes");
  }

  @Test
  void unlistedFilesAreNamedUpToFiveAndCountedBeyond() throws IOException {
    Path out = previousExport("out", "fg.json", "{}");
    for (int i = 1; i <= 7; i++) {
      write(out.resolve("note" + i + ".txt"), "n" + i);
    }
    assertThatThrownBy(() -> ExportPublisher.open(out, 0, 1, true, "run"))
        .hasMessageContaining("also 7 files that are not part of it")
        .hasMessageContaining(
            "'note1.txt', 'note2.txt', 'note3.txt', 'note4.txt', 'note5.txt' and 2 more")
        .hasMessageNotContaining("note6");
    assertThat(out.resolve("note7.txt")).hasContent("n7");
  }

  @Test
  void checkExportDirReportsFilesThePreviousManifestDoesNotList() throws IOException {
    Path out = previousExport("out", "fg.json", "{}", "fx_user_model/graph.txt", "g");
    Files.createDirectories(out.resolve("fx_user_model/scratch"));
    write(out.resolve("fx_user_model/mine.txt"), "mine");

    assertThatThrownBy(() -> Exporter.checkExportDir(out, true))
        .isInstanceOf(ExportException.class)
        .hasMessageStartingWith("plan: exportDir " + out.toAbsolutePath() + " holds a previous"
            + " export and also 1 file and 1 folder that are not part of it")
        .hasMessageContaining("'fx_user_model/mine.txt', 'fx_user_model/scratch/' (checked before"
            + " the export)")
        .hasMessageEndingWith("move them out of " + out.toAbsolutePath() + ", or choose another"
            + " exportDir");
    // without overwrite: never "Pass overwrite(true)" alone, which would then refuse too
    assertThatThrownBy(() -> Exporter.checkExportDir(out, false))
        .hasMessageContaining("'fx_user_model/mine.txt'")
        .hasMessageContaining("move them out of " + out.toAbsolutePath()
            + " and pass overwrite(true), or choose another exportDir")
        .hasMessageNotContaining("Pass overwrite(true)");
    assertThat(out.resolve("fx_user_model/mine.txt")).hasContent("mine");

    Files.delete(out.resolve("fx_user_model/mine.txt"));
    Files.delete(out.resolve("fx_user_model/scratch"));
    assertThatCode(() -> Exporter.checkExportDir(out, true)).doesNotThrowAnyException();
  }

  @Test
  void aFileAddedWhileTheExportRunsIsCaughtRightBeforeTheSwap() throws IOException {
    Path out = previousExport("out", "fg.json", "v1");
    try (ExportPublisher p = ExportPublisher.open(out, 0, 1, true, "run")) {
      write(p.staging().resolve("fg.json"), "v2");
      write(out.resolve("added-meanwhile.txt"), "mine");
      assertThatThrownBy(() -> p.publish("m"))
          .isInstanceOf(ExportException.class)
          .hasMessageContaining("also 1 file that is not part of it")
          .hasMessageContaining("'added-meanwhile.txt' (while this export ran)")
          .hasMessageContaining("this would be deleted too: move it out of " + out);
    }
    assertThat(out.resolve("added-meanwhile.txt")).hasContent("mine");
    assertThat(out.resolve("fg.json")).hasContent("v1");
    ExportManifest.verify(out);
    assertThat(siblings()).noneMatch(n -> n.contains("recship-tmp") || n.contains("recship-old"));
  }

  @Test
  void overwriteRefusesAPreviousExportWhoseManifestCannotBeRead() throws IOException {
    Path out = tmp.resolve("out");
    write(out.resolve("model.pt"), "which export's?");
    write(out.resolve(ExportManifest.FILE_NAME), "{\"format\": \"recship-exp");
    assertThatThrownBy(() -> ExportPublisher.open(out, 0, 1, true, "run"))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("exportDir " + out.toAbsolutePath() + " holds a recship-manifest.json"
            + " this RecShip cannot read, so which of its files belong to the previous export is"
            + " unknown")
        .hasMessageContaining("overwrite(true) would not replace it either")
        .hasMessageContaining("is not a valid manifest");
    assertThat(out.resolve("model.pt")).hasContent("which export's?");
  }

  @Test
  void failedExportRemovesItsStagingAndPublishesNothing() throws IOException {
    Path out = tmp.resolve("out");
    Path staging;
    try (ExportPublisher p = ExportPublisher.open(out, 0, 1, false, "run")) {
      staging = p.staging();
      write(staging.resolve("half.safetensors"), "partial");
      // no publish: the export failed
    }
    assertThat(staging).doesNotExist();
    assertThat(out).doesNotExist();
  }

  @Test
  void secondExporterOnTheSameDirFailsFastNamingTheHolder() {
    Path out = tmp.resolve("out");
    try (ExportPublisher first = ExportPublisher.open(out, 0, 1, false, "run")) {
      assertThatThrownBy(() -> ExportPublisher.open(out, 0, 1, false, "run"))
          .isInstanceOf(ExportException.class)
          .satisfies(e -> assertThat(((ExportException) e).step()).isEqualTo(ExportException.Step.LOCK))
          .hasMessageContaining("is being written by another exporter in this JVM")
          .hasMessageContaining("pid " + ProcessHandle.current().pid());
      assertThat(first.staging()).isDirectory();
    }
    // released: a third exporter may start
    try (ExportPublisher third = ExportPublisher.open(out, 0, 1, false, "run")) {
      assertThat(third.staging()).isDirectory();
    }
  }

  @Test
  void removesStagingFoldersLeftByAKilledRun() throws IOException {
    Path out = tmp.resolve("out");
    Path stale = tmp.resolve(".out.recship-tmp-r0-999999-deadbeef");
    write(stale.resolve("model-000000-of-000001.safetensors"), "half written");
    try (ExportPublisher p = ExportPublisher.open(out, 0, 1, false, "run")) {
      assertThat(stale).doesNotExist();
      write(p.staging().resolve("fg.json"), "{}");
      p.publish("m");
    }
    assertThat(out.resolve("fg.json")).exists();
  }

  @Test
  void aRankDropsItsOwnFinishedPartOfAnEarlierRunButNotOtherRanksParts() throws IOException {
    Path out = tmp.resolve("out");
    // rank 0 of an earlier run (another checkpoint) finished; its rank 1 crashed
    Path oldPart0 = tmp.resolve(".out.recship-part-oldrun-r0-of-2");
    Path oldPart1OfThree = tmp.resolve(".out.recship-part-oldrun-r1-of-3");
    write(oldPart0.resolve(ExportManifest.FILE_NAME), "{}");
    write(oldPart1OfThree.resolve(ExportManifest.FILE_NAME), "{}");
    try (ExportPublisher r0 = ExportPublisher.open(out, 0, 2, false, "run")) {
      assertThat(oldPart0).doesNotExist();
      assertThat(oldPart1OfThree).exists(); // rank 1's, removed when rank 1 runs
      write(r0.staging().resolve("model-000000-of-000002.safetensors"), "zero");
      write(r0.staging().resolve("fg.json"), "{}");
      assertThat(r0.publish("m").waitingForRanks()).containsExactly(1);
    }
    try (ExportPublisher r1 = ExportPublisher.open(out, 1, 2, false, "run")) {
      assertThat(oldPart1OfThree).doesNotExist();
      assertThat(tmp.resolve(".out.recship-part-run-r0-of-2")).exists(); // this run's: kept
      write(r1.staging().resolve("model-000001-of-000002.safetensors"), "one");
      assertThat(r1.publish("m").published()).isTrue();
    }
    assertThat(ExportManifest.verify(out).files()).hasSize(3);
    assertThat(siblings()).noneMatch(n -> n.contains("recship-part") || n.contains("recship-tmp"));
  }

  @Test
  void restoresThePreviousExportWhenAnOverwriteWasKilledBetweenItsRenames() throws IOException {
    Path out = tmp.resolve("out");
    try (ExportPublisher p = ExportPublisher.open(out, 0, 1, false, "run")) {
      write(p.staging().resolve("fg.json"), "v1");
      p.publish("m");
    }
    // what a kill after "move old aside" and before "move new in" leaves
    Files.move(out, tmp.resolve(".out.recship-old-1234"));
    try (ExportPublisher p = ExportPublisher.open(out, 0, 1, false, "run")) {
      fail(p);
    } catch (ExportException e) {
      assertThat(e).hasMessageContaining("already exists and is not empty");
    }
    assertThat(out.resolve("fg.json")).hasContent("v1");
    ExportManifest.verify(out);
  }

  private static void fail(ExportPublisher p) {
    throw new AssertionError("open should have refused the restored export, got " + p.staging());
  }

  @Test
  void shardRanksPublishTogetherWhenTheLastOneFinishes() throws IOException {
    Path out = tmp.resolve("out");
    try (ExportPublisher r1 = ExportPublisher.open(out, 1, 2, false, "run")) {
      write(r1.staging().resolve("model-000001-of-000002.safetensors"), "one");
      ExportPublisher.Outcome o = r1.publish("m");
      assertThat(o.published()).isFalse();
      assertThat(o.waitingForRanks()).containsExactly(0);
    }
    assertThat(out).doesNotExist();
    try (ExportPublisher r0 = ExportPublisher.open(out, 0, 2, false, "run")) {
      write(r0.staging().resolve("model-000000-of-000002.safetensors"), "zero");
      write(r0.staging().resolve("fg.json"), "{}");
      assertThat(r0.publish("m").published()).isTrue();
    }
    ExportManifest m = ExportManifest.verify(out);
    assertThat(m.shardCount()).isEqualTo(2);
    assertThat(m.files())
        .extracting(ExportedFile::path)
        .containsExactly(
            "fg.json", "model-000000-of-000002.safetensors", "model-000001-of-000002.safetensors");
    assertThat(siblings()).noneMatch(n -> n.contains("recship-part") || n.contains("recship-tmp"));
  }
}
