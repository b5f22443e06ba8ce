package io.recship.cli;

import io.recship.checkpoint.CheckpointException;
import io.recship.examples.ctr.CtrModel;
import io.recship.examples.ctr.CtrPipeline;
import io.recship.export.ExportException;
import io.recship.export.ExportManifest;
import io.recship.export.Exporter;
import io.recship.lock.LockFile;
import io.recship.train.Metrics;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code recship demo}: the Java example's whole path ({@link CtrPipeline}) with built-in
 * defaults: synthetic data, training, checkpoint, the generated exporter, scoring the export and
 * the parity check against the training-side forward.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Train the example CTR/CVR model (target attention over a click sequence) on synthetic data, save a checkpoint,"
          + " export it with the generated CtrModelExporter, load the export, score held-out samples with it and"
          + " check that its scores equal the training-side forward.",
      "Exit codes: 0 done and parity holds, 1 the loaded export's scores differ from the training-side forward,"
          + " 2 bad options, the workdir cannot be written or another demo is using it, or the checkpoint or"
          + " the export fails, the export's own traced-vs-eager check included (the message says why)."
    })
final class DemoCommand implements Callable<Integer> {
  private static final CtrPipeline.Settings DEFAULTS = CtrPipeline.Settings.defaults(Path.of("."));
  /** Where {@link CtrPipeline#run} exports, in the workdir. */
  private static final String EXPORT_DIR = "export";
  /** Left in a workdir the demo used, so that the next run may replace the demo's own files there. */
  static final String MARKER = ".recship-demo";
  /**
   * Locked by a running demo for its whole run ({@link LockFile}): a second demo on the same
   * workdir is refused before it writes anything, instead of replacing the first one's data/,
   * ckpt/ and export/ under it.
   */
  static final String LOCK = ".recship-demo.lock";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--workdir", paramLabel = "DIR",
      description = "Where data/, ckpt/ and export/ go. An earlier demo's are replaced (it leaves a .recship-demo file);"
          + " other files there are never overwritten. One demo at a time per workdir: a second one is refused."
          + " Default: <tmp>/recship-demo.")
  Path workdir = Path.of(System.getProperty("java.io.tmpdir"), "recship-demo");

  /** Held from {@link #prepareWorkdir} to the end of {@link #call}. */
  private @Nullable LockFile workdirLock;

  @Option(names = "--steps", paramLabel = "N", description = "Training steps. Default: ${DEFAULT-VALUE}.")
  int steps = DEFAULTS.steps();

  @Option(names = "--seed", paramLabel = "S", description = "Seed of the data and of the initial weights. Default: ${DEFAULT-VALUE}.")
  long seed = DEFAULTS.seed();

  @Option(names = "--train-samples", paramLabel = "N", description = "Training samples. Default: ${DEFAULT-VALUE}.")
  int trainSamples = DEFAULTS.trainSamples();

  @Option(names = "--held-out-samples", paramLabel = "N",
      description = "Held-out samples, scored with the export. Default: ${DEFAULT-VALUE}.")
  int heldOutSamples = DEFAULTS.heldOutSamples();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    CtrPipeline.Settings settings;
    List<String> wrong = wrongOptions();
    if (!wrong.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), String.join("; ", wrong));
    }
    try {
      settings = CtrPipeline.Settings.defaults(workdir).withSteps(steps).withSeed(seed)
          .withSamples(trainSamples, heldOutSamples);
    } catch (IllegalArgumentException e) { // a rule of Settings this command does not know yet
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
    try {
      String workdirProblem = prepareWorkdir();
      if (workdirProblem != null) {
        err.println("recship demo: " + workdirProblem);
        err.flush();
        return RecShipCli.UNREADABLE;
      }
      return run(settings, out, err);
    } finally {
      if (workdirLock != null) {
        workdirLock.close();
        workdirLock = null;
      }
    }
  }

  /** The pipeline, in a workdir this demo holds. */
  private int run(CtrPipeline.Settings settings, PrintWriter out, PrintWriter err) {
    out.println("recship demo: the Java example io.recship.examples.ctr.CtrModel, end to end, in "
        + settings.workdir().toAbsolutePath());
    out.flush();
    long start = System.nanoTime();
    CtrPipeline.Result r;
    try {
      r = CtrPipeline.run(settings, line -> {
        out.println(line);
        out.flush();
      });
    } catch (UncheckedIOException e) { // e.g. the disk filled up: the cause says what, not a stack trace
      err.println("recship demo: " + e.getMessage() + ": " + FileProblems.describe(e.getCause()));
      err.flush();
      return RecShipCli.UNREADABLE;
    } catch (ExportException e) { // its message names the step, the file and the fix; as score, exit 2
      err.println("recship demo: " + inDemoTerms(e.getMessage()));
      err.flush();
      return RecShipCli.UNREADABLE;
    } catch (CheckpointException e) { // e.g. a program of the user's saving into the same ckpt/: the message says what
      err.println("recship demo: checkpoint: " + e.getMessage());
      err.flush();
      return RecShipCli.UNREADABLE;
    }
    Duration total = Duration.ofNanos(System.nanoTime() - start);
    out.println();
    out.printf(Locale.ROOT, "done in %.1f s (%s)%n", total.toMillis() / 1000.0, timings(r.timings()));
    out.printf(Locale.ROOT, "  export:       %s%n", r.exportDir());
    out.printf(Locale.ROOT, "  held-out AUC: ctr %s, cvr %s%n", Metrics.formatAuc(r.heldOutAuc().get("ctr")),
        Metrics.formatAuc(r.heldOutAuc().get("cvr")));
    out.printf(Locale.ROOT, "  parity:       %s, max abs diff %s over %d held-out samples (atol %.0e)%n",
        r.parityOk() ? "OK" : "FAILED", CtrPipeline.formatDiff(r.maxAbsDiffOverall()), r.heldOutSamples(),
        CtrPipeline.PARITY_ATOL);
    out.println("next:");
    String recship = launcher();
    out.println("  " + recship + " inspect " + r.exportDir());
    out.println("  " + recship + " score " + r.exportDir() + " --input " + r.heldOutFile());
    out.flush();
    return r.parityOk() ? RecShipCli.OK : RecShipCli.FINDINGS;
  }

  /** Each option whose value Settings would refuse, in the option's own terms (Settings knows its fields only). */
  private List<String> wrongOptions() {
    List<String> wrong = new ArrayList<>();
    if (steps < 1) {
      wrong.add("--steps " + steps + " must be at least 1");
    }
    if (trainSamples < DEFAULTS.batchSize()) {
      wrong.add("--train-samples " + trainSamples + " must be at least the batch size " + DEFAULTS.batchSize());
    }
    if (heldOutSamples < CtrPipeline.Settings.MIN_HELD_OUT_SAMPLES) {
      wrong.add("--held-out-samples " + heldOutSamples + " must be at least " + CtrPipeline.Settings.MIN_HELD_OUT_SAMPLES);
    }
    return wrong;
  }

  /**
   * Creates the workdir, or says why it cannot be used (also when its export/ cannot be replaced):
   * checked before training so that a bad --workdir costs no time, and worded here because Java
   * names only the path ("Not a directory").
   */
  private @Nullable String prepareWorkdir() {
    if (Files.exists(workdir) && !Files.isDirectory(workdir)) {
      return "--workdir " + workdir + " is a file; choose a directory";
    }
    Path inTheWay = FileProblems.fileInTheWay(workdir);
    if (inTheWay != null) {
      return "--workdir " + workdir + ": " + inTheWay + " is a file; choose a directory";
    }
    try {
      Files.createDirectories(workdir);
    } catch (IOException e) {
      return "--workdir " + workdir + " cannot be created: " + FileProblems.describe(e);
    }
    String foreign = foreignFiles();
    if (foreign != null) {
      return foreign;
    }
    // before the checks below and any write: they must see the workdir no other demo is changing
    String busy = lockWorkdir();
    if (busy != null) {
      return busy;
    }
    String exportProblem = exportDirProblem(workdir.resolve(EXPORT_DIR));
    if (exportProblem != null) {
      return exportProblem;
    }
    try {
      Files.writeString(workdir.resolve(MARKER), "Written by recship demo: the next demo run in this folder replaces"
          + " its data/heldout.jsonl, ckpt/ and export/.\n");
      return null;
    } catch (IOException e) {
      return "--workdir " + workdir + " is not writable: " + FileProblems.describe(e);
    }
  }

  /**
   * The demo's own paths that exist in a workdir no demo has used (no {@link #MARKER}): the demo
   * would overwrite them, and they may be the user's. Null when there are none.
   */
  private @Nullable String foreignFiles() {
    if (Files.exists(workdir.resolve(MARKER)) || earlierDemoExport()) {
      return null;
    }
    List<String> found = new ArrayList<>();
    for (String own : List.of("data/heldout.jsonl", "ckpt")) {
      if (Files.exists(workdir.resolve(own))) {
        found.add(own);
      }
    }
    boolean one = found.size() == 1;
    String they = one ? "it" : "they";
    String them = one ? "it" : "them";
    return found.isEmpty() ? null : "--workdir " + workdir + " holds " + String.join(" and ", found) + " but no "
        + MARKER + " file, so " + they + " may not be a demo's (a demo run leaves that file); the demo would"
        + " overwrite " + them + ": choose an empty or new --workdir, or delete " + them + " if " + they
        + (one ? " is" : " are") + " an earlier demo's";
  }

  /** Takes {@link #LOCK}, or says which demo holds it. */
  private @Nullable String lockWorkdir() {
    Path file = workdir.resolve(LOCK);
    try {
      workdirLock = LockFile.tryAcquire(file, true);
      return null;
    } catch (LockFile.Held e) {
      String holder = e.holder().isEmpty() ? (e.inThisJvm() ? "another thread of this JVM" : "another process")
          : e.holder();
      return "--workdir " + workdir + " is in use by another recship demo (" + holder + "; lock file " + file
          + "), which would lose its data/, ckpt/ and export/ to this one: wait for it to finish, or choose"
          + " another --workdir (the lock is released when that demo ends)";
    } catch (IOException e) {
      return "--workdir " + workdir + ": cannot lock " + file + ": " + FileProblems.describe(e);
    }
  }

  /**
   * An export message in the demo's terms: its user picks the folder with --workdir, not with
   * the Java API's exportDir.
   */
  static String inDemoTerms(String exportMessage) {
    return exportMessage
        .replace("export to another exportDir", "choose another --workdir")
        .replace("choose another exportDir", "choose another --workdir");
  }

  /**
   * The command that runs this CLI, as the user can type it: the repository's launcher
   * ({@code ./recship} when run from its folder, else its path) when this is the jar (or classes)
   * it builds, {@code java -jar <jar>} for a jar elsewhere.
   */
  static String launcher() {
    Path codeSource;
    try {
      codeSource = Path.of(DemoCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException | RuntimeException e) { // no code source, or not a file
      codeSource = null;
    }
    return launcher(codeSource, Path.of(""));
  }

  static String launcher(@Nullable Path codeSource, Path cwd) {
    if (codeSource == null) {
      return "recship";
    }
    Path source = codeSource.toAbsolutePath().normalize();
    // <root>/cli/target/recship-cli.jar, or <root>/cli/target/classes
    Path target = source.getParent();
    Path module = target == null ? null : target.getParent();
    Path root = module == null ? null : module.getParent();
    if (root != null && target.getFileName().toString().equals("target")
        && module.getFileName().toString().equals("cli")) {
      Path script = root.resolve("recship");
      if (Files.isRegularFile(script) && Files.isExecutable(script)) {
        return root.equals(cwd.toAbsolutePath().normalize()) ? "./recship" : script.toString();
      }
    }
    if (Files.isRegularFile(source) && source.getFileName().toString().endsWith(".jar")) {
      return "java -jar " + source;
    }
    return "recship";
  }

  /** A demo from before the marker existed left an export of the demo's model: its workdir is a demo's. */
  private boolean earlierDemoExport() {
    try {
      return CtrModel.class.getName().equals(ExportManifest.read(workdir.resolve(EXPORT_DIR)).modelName());
    } catch (ExportException e) {
      return false;
    }
  }

  /**
   * Why the export would refuse {@code exportDir}, or null: the demo exports with overwrite(true),
   * which replaces only an earlier export, and the runtime would say so only after training.
   */
  private @Nullable String exportDirProblem(Path exportDir) {
    try {
      Exporter.checkExportDir(exportDir, true);
      return null;
    } catch (ExportException e) {
      return "--workdir " + workdir + ": the demo exports to " + exportDir + ": " + inDemoTerms(e.detail());
    }
  }

  private static String timings(Map<String, Duration> timings) {
    StringBuilder b = new StringBuilder();
    timings.forEach((step, d) -> b.append(b.length() == 0 ? "" : ", ")
        .append(step).append(' ').append(String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0)));
    return b.toString();
  }
}
