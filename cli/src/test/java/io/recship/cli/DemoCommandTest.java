package io.recship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.recship.lock.LockFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path tmp;

  /** The repository's launcher: tests run in cli/, from cli/target/classes. */
  private static final String REPO_LAUNCHER =
      Path.of("").toAbsolutePath().getParent().resolve("recship").toString();

  private static final String[] TINY = {"--steps", "5", "--train-samples", "1000", "--held-out-samples", "100"};

  private Cli tinyDemo(String... more) {
    List<String> args = new ArrayList<>(List.of("demo", "--workdir", tmp.toString()));
    args.addAll(List.of(TINY));
    args.addAll(List.of(more));
    return Cli.run(args.toArray(String[]::new));
  }

  @Test
  void aSecondDemoOnTheSameWorkdirExitsTwoNamingWorkdirWhileTheFirstFinishesWhole() throws Exception {
    CompletableFuture<Cli> first = CompletableFuture.supplyAsync(() -> tinyDemo());
    // the first demo writes its marker once it holds the workdir
    while (!Files.exists(tmp.resolve(".recship-demo")) && !first.isDone()) {
      Thread.sleep(1);
    }
    assertThat(first.isDone()).as("caught the first demo running").isFalse();

    Cli second = tinyDemo("--seed", "8");

    assertThat(second.exit()).as(second.err()).isEqualTo(2);
    assertThat(second.err())
        .startsWith("recship demo: --workdir " + tmp + " is in use by another recship demo (pid "
            + ProcessHandle.current().pid() + " on ")
        .contains("; lock file " + tmp.resolve(".recship-demo.lock") + "), which would lose its data/, ckpt/ and"
            + " export/ to this one: wait for it to finish, or choose another --workdir (the lock is released when"
            + " that demo ends)\n")
        .doesNotContain("exportDir", "Exception")
        .hasLineCount(1);
    assertThat(second.out()).as("nothing trained").isEmpty();

    Cli r = first.get(10, TimeUnit.MINUTES);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).contains("[6/6] parity", " --input " + tmp.resolve("data/heldout.jsonl"));
    assertThat(tmp.resolve(".recship-demo.lock")).as("kept, naming nobody once the demo ended").isEmptyFile();
    assertThat(tinyDemo().exit()).as("the workdir is free again").isZero();
  }

  @Test
  void aWorkdirADemoHoldsIsRefusedBeforeAnyWriteAndKeepsEveryFileByteForByte() throws Exception {
    assertThat(tinyDemo().exit()).isZero();
    Map<Path, byte[]> before = files(tmp);
    Cli r;
    try (LockFile running = LockFile.tryAcquire(tmp.resolve(".recship-demo.lock"), true)) { // as a running demo
      before.remove(tmp.resolve(".recship-demo.lock"));
      r = tinyDemo("--seed", "8");
    }

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("recship demo: --workdir " + tmp + " is in use by another recship demo (pid ")
        .contains("choose another --workdir");
    assertThat(r.out()).isEmpty();
    Map<Path, byte[]> after = files(tmp);
    after.remove(tmp.resolve(".recship-demo.lock"));
    assertThat(after).containsOnlyKeys(before.keySet())
        .allSatisfy((f, bytes) -> assertThat(bytes).as(f.toString()).isEqualTo(before.get(f)));
  }

  private static Map<Path, byte[]> files(Path dir) throws IOException {
    Map<Path, byte[]> files = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
        files.put(f, Files.readAllBytes(f));
      }
    }
    return files;
  }

  @Test
  void theNextLinesNameTheLauncherTheUserCanRun() throws IOException {
    Path root = Files.createDirectories(tmp.resolve("repo"));
    Path script = Files.writeString(root.resolve("recship"), "#!/bin/sh\n");
    script.toFile().setExecutable(true);
    Path jar = Files.writeString(Files.createDirectories(root.resolve("cli/target")).resolve("recship-cli.jar"), "");
    Path classes = Files.createDirectories(root.resolve("cli/target/classes"));

    assertThat(DemoCommand.launcher(jar, root)).isEqualTo("./recship");
    assertThat(DemoCommand.launcher(classes, root)).isEqualTo("./recship");
    assertThat(DemoCommand.launcher(jar, tmp)).isEqualTo(script.toString());
    Path elsewhere = Files.writeString(tmp.resolve("recship-cli.jar"), "");
    assertThat(DemoCommand.launcher(elsewhere, tmp)).isEqualTo("java -jar " + elsewhere);
    assertThat(DemoCommand.launcher(null, tmp)).isEqualTo("recship");
    assertThat(DemoCommand.launcher()).as("in this checkout").isEqualTo(REPO_LAUNCHER);
  }

  @Test
  void exportRefusalsNameWorkdirNotExportDir() {
    assertThat(DemoCommand.inDemoTerms("lock: exportDir out is being written by pid 1 (lock file x). Wait for that"
        + " export to finish, or export to another exportDir; the lock is released automatically"))
        .endsWith("Wait for that export to finish, or choose another --workdir; the lock is released automatically");
    assertThat(DemoCommand.inDemoTerms("Empty or remove the folder, or choose another exportDir"))
        .isEqualTo("Empty or remove the folder, or choose another --workdir");
  }

  @Test
  void tinyDemoRunsEveryStepAndReportsParity() throws IOException {
    Cli r = Cli.run("demo", "--workdir", tmp.toString(), "--steps", "20", "--train-samples", "2000",
        "--held-out-samples", "300");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("[1/6] data", "[2/6] train: 20 steps", "[3/6] checkpoint -> " + tmp.resolve("ckpt"),
            "[4/6] export", "fx_user_model/user_model.pt", "[5/6] score", "[6/6] parity")
        .containsPattern("step +20 \\(epoch \\d\\): loss [0-9.]+, ctr auc [0-9.]+, cvr auc [0-9.]+")
        .containsPattern("held-out AUC over 300 samples: ctr 0\\.\\d{4} \\(click\\), cvr 0\\.\\d{4} \\(conversion\\)")
        .containsPattern("parity OK: max abs diff \\S+ \\(ctr \\S+, cvr \\S+\\) over 300 samples, atol 1e-05")
        .contains("\nnext:\n  " + REPO_LAUNCHER + " inspect " + tmp.resolve("export") + "\n")
        .contains("\n  " + REPO_LAUNCHER + " score " + tmp.resolve("export") + " --input " + tmp.resolve("data/heldout.jsonl"));

    Cli again = Cli.run("demo", "--workdir", tmp.toString(), "--steps", "5", "--train-samples", "1000",
        "--held-out-samples", "100");
    assertThat(again.exit()).as("a demo's own workdir is reused: " + again.err()).isZero();

    Files.delete(tmp.resolve(".recship-demo")); // as a demo from before the marker left it
    Cli older = Cli.run("demo", "--workdir", tmp.toString(), "--steps", "5", "--train-samples", "1000",
        "--held-out-samples", "100");
    assertThat(older.exit()).as("an older demo's workdir, known by its export: " + older.err()).isZero();
  }

  @Test
  void severalFilesNoDemoWroteAreNamedWithPluralWording() throws IOException {
    Files.createDirectories(tmp.resolve("data")).resolve("heldout.jsonl").toFile().createNewFile();
    Files.createDirectories(tmp.resolve("ckpt"));

    Cli r = Cli.run("demo", "--workdir", tmp.toString(), "--steps", "5", "--train-samples", "1000",
        "--held-out-samples", "100");

    assertThat(r.err()).isEqualTo("recship demo: --workdir " + tmp + " holds data/heldout.jsonl and ckpt but no"
        + " .recship-demo file, so they may not be a demo's (a demo run leaves that file); the demo would overwrite"
        + " them: choose an empty or new --workdir, or delete them if they are an earlier demo's\n");
  }

  @Test
  void filesNoDemoWroteAreRefusedBeforeTrainingAndKept() throws IOException {
    Path mine = Files.createDirectories(tmp.resolve("data")).resolve("heldout.jsonl");
    Files.writeString(mine, "{\"my\": \"samples\"}\n");

    Cli r = Cli.run("demo", "--workdir", tmp.toString(), "--steps", "5", "--train-samples", "1000",
        "--held-out-samples", "100");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("recship demo: --workdir " + tmp + " holds data/heldout.jsonl but no .recship-demo"
        + " file, so it may not be a demo's (a demo run leaves that file); the demo would overwrite it: choose an empty"
        + " or new --workdir, or delete it if it is an earlier demo's\n");
    assertThat(r.out()).as("nothing trained").isEmpty();
    assertThat(mine).hasContent("{\"my\": \"samples\"}");
  }

  @Test
  void badSizesNameEachWrongOptionWithTheValueGivenAndTheMinimumAndExitTwo() {
    Cli steps = Cli.run("demo", "--workdir", tmp.toString(), "--steps", "0");
    assertThat(steps.exit()).isEqualTo(2);
    assertThat(steps.err()).startsWith("--steps 0 must be at least 1\n");

    Cli samples = Cli.run("demo", "--workdir", tmp.toString(), "--steps", "5", "--train-samples", "10",
        "--held-out-samples", "1");
    assertThat(samples.exit()).isEqualTo(2);
    assertThat(samples.err())
        .startsWith("--train-samples 10 must be at least the batch size 256; --held-out-samples 1 must be at least 2\n")
        .doesNotContain("Settings[", "batchSize", "reportEvery");
    assertThat(samples.out()).isEmpty();
  }

  @Test
  void workdirThatIsAFileIsOneLineWithTheFixAndExitTwo() throws IOException {
    Path file = Files.createFile(tmp.resolve("afile"));

    Cli r = Cli.run("demo", "--workdir", file.toString(), "--steps", "5", "--train-samples", "1000",
        "--held-out-samples", "100");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("recship demo: --workdir " + file + " is a file; choose a directory\n");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void workdirBelowAFileNamesTheFileInTheWay() throws IOException {
    Path file = Files.createFile(tmp.resolve("afile"));
    Path below = file.resolve("sub");

    Cli r = Cli.run("demo", "--workdir", below.toString(), "--steps", "5", "--train-samples", "1000",
        "--held-out-samples", "100");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("recship demo: --workdir " + below + ": " + file + " is a file; choose a directory\n");
  }

  @Test
  void exportFolderWithOtherFilesIsRefusedBeforeTrainingWithTheFixAndExitTwo() throws IOException {
    Path export = Files.createDirectories(tmp.resolve("export"));
    Path precious = Files.writeString(export.resolve("precious.txt"), "x\n");

    Cli r = Cli.run("demo", "--workdir", tmp.toString(), "--steps", "5", "--train-samples", "1000",
        "--held-out-samples", "100");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("recship demo: --workdir " + tmp + ": the demo exports to " + export
        + ": exportDir " + export + " is not empty and has no recship-manifest.json, so it is not a RecShip export")
        .contains("Empty or remove the folder")
        .endsWith("\n")
        .hasLineCount(1);
    assertThat(r.out()).as("nothing trained").isEmpty();
    assertThat(precious).hasContent("x");
  }

  @Test
  void previousExportHoldingAUserFileIsRefusedBeforeTrainingNamingTheFile() throws IOException {
    Path export = Files.createDirectories(tmp.resolve("export"));
    Files.writeString(export.resolve("recship-manifest.json"), "{\"format\": \"recship-export\", \"formatVersion\": 1,"
        + " \"modelName\": \"m\", \"createdAt\": \"2024-01-01T00:00:00Z\", \"shardCount\": 1, \"files\": []}\n");
    Path notes = Files.writeString(export.resolve("mynotes.txt"), "x\n");

    Cli r = Cli.run("demo", "--workdir", tmp.toString(), "--steps", "5", "--train-samples", "1000",
        "--held-out-samples", "100");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("recship demo: --workdir " + tmp + ": the demo exports to " + export
        + ": exportDir " + export.toAbsolutePath() + " holds a previous export and also 1 file that is not part of it"
        + " (recship-manifest.json does not list it): 'mynotes.txt' (checked before the export); it was left"
        + " untouched. overwrite(true) replaces a previous export by deleting its folder, so this would be deleted"
        + " too: move it out of " + export.toAbsolutePath() + ", or choose another --workdir\n");
    assertThat(r.out()).as("nothing trained").isEmpty();
    assertThat(notes).hasContent("x");
  }

  @Test
  void exportPathThatIsAFileIsRefusedBeforeTrainingWithExitTwo() throws IOException {
    Path export = Files.writeString(tmp.resolve("export"), "x\n");

    Cli r = Cli.run("demo", "--workdir", tmp.toString(), "--steps", "5", "--train-samples", "1000",
        "--held-out-samples", "100");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("recship demo: --workdir " + tmp + ": the demo exports to " + export
        + ": exportDir " + export + " exists and is a file; remove it or choose another folder\n");
    assertThat(r.out()).isEmpty();
  }
}
