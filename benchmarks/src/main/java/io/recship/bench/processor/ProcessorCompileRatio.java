package io.recship.bench.processor;

import com.sun.source.util.JavacTask;
import com.sun.source.util.TaskEvent;
import com.sun.source.util.TaskListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * Compiles N {@code @RecModel} models (model class + dense net + fg/mc each) with javac, with and
 * without the RecShip processor, and prints the time ratio (target: under 1.3x).
 *
 * <p>What a Maven build does, as closely as one process can: javac runs in-process
 * (maven-compiler-plugin's default), the processor comes from its own processor path (Maven's
 * {@code annotationProcessorPaths}: the processor and its runtime dependencies only), and javac
 * makes a fresh class loader for it on every compile, so the processor, fg, Jackson and JavaPoet
 * start cold each time while javac itself is warm, as in the middle of a reactor build. A third
 * run uses {@link EmptyExporterProcessor}, which writes an empty class per model: javac's own cost
 * of generated files, the floor for any processor that generates one file per model. With
 * {@code --fresh-jvm} every compile runs in a new {@code javac} process instead: a one-module
 * build where javac is cold too. {@link ProcessorBuildRatio} times the whole {@code mvn clean
 * compile} instead: the build a user waits for.
 *
 * <p>Each model is user code of a realistic size: the model class builds its archs from the
 * FeatureGenerator, the dense net has two towers, a layer norm, a shared MLP and two heads, and a
 * forward of about fifteen lines. The processor run also compiles the N exporters it generates:
 * that is the cost a user sees. Each mode is warmed up, then the modes alternate and the medians
 * are compared, so machine noise hits them alike.
 */
public final class ProcessorCompileRatio {
  private static final String PROCESSOR = "io.recship.processor.RecModelProcessor";

  private ProcessorCompileRatio() {}

  public static void main(String[] args) throws IOException {
    String classpath = null;
    String processorpath = null;
    int models = 50;
    int warmups = 3;
    int runs = 7;
    int packages = 0;
    boolean freshJvm = false;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--classpath" -> classpath = args[++i];
        case "--processorpath" -> processorpath = args[++i];
        case "--models" -> models = Integer.parseInt(args[++i]);
        case "--warmups" -> warmups = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--packages" -> packages = Integer.parseInt(args[++i]);
        case "--fresh-jvm" -> freshJvm = true;
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: --classpath CP --processorpath PP [--models 50] [--packages N]"
            + " [--warmups 3] [--runs 7] [--fresh-jvm]");
      }
    }
    if (classpath == null || processorpath == null) {
      throw new IllegalArgumentException("--classpath and --processorpath are required");
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Compile compile = freshJvm ? ProcessorCompileRatio::forked : ProcessorCompileRatio::inProcess;
    if (javac == null) {
      throw new IllegalStateException("no system Java compiler: run on a JDK, not a JRE");
    }
    Path work = Files.createTempDirectory("recship-processor-ratio");
    try {
      List<Path> sources = writeModels(work, models, packages <= 0 ? models : packages);
      List<String> plain = List.of("-proc:none", "-classpath", classpath);
      // the fg/mc resources are found in the class output, as in a Maven build
      List<String> processed = List.of("-classpath", classpath, "-processorpath", processorpath,
          "-processor", PROCESSOR);
      List<String> floor = List.of("-classpath", classpath, "-processorpath", ownCodeSource(),
          "-processor", EmptyExporterProcessor.class.getName());

      compile(compile, javac, work, sources, processed);
      int generated = exporters(work).size();
      if (generated != models) {
        throw new IllegalStateException("expected " + models + " exporters, got " + generated);
      }
      // The exporters as source, to split the processor run's cost: compiling the generated code
      // (models + exporters without the processor) versus the processor's own work.
      List<Path> withExporters = new ArrayList<>(sources);
      withExporters.addAll(keepCopies(exporters(work), work.resolve("pregenerated")));
      long exporterLines = lines(exporters(work));
      for (int i = 0; i < warmups; i++) {
        compile(compile, javac, work, sources, plain);
        compile(compile, javac, work, sources, floor);
        compile(compile, javac, work, withExporters, plain);
        compile(compile, javac, work, sources, processed);
      }
      long[] without = new long[runs];
      long[] empty = new long[runs];
      long[] exportersOnly = new long[runs];
      long[] with = new long[runs];
      long[] emptyRound = new long[runs];
      long[] withRound = new long[runs];
      for (int i = 0; i < runs; i++) {
        without[i] = compile(compile, javac, work, sources, plain).wallNanos();
        Timing e = compile(compile, javac, work, sources, floor);
        empty[i] = e.wallNanos();
        emptyRound[i] = e.firstRoundCpuNanos();
        exportersOnly[i] = compile(compile, javac, work, withExporters, plain).wallNanos();
        Timing w = compile(compile, javac, work, sources, processed);
        with[i] = w.wallNanos();
        withRound[i] = w.firstRoundCpuNanos();
      }
      double medianWithout = median(without) / 1e6;
      double medianEmpty = median(empty) / 1e6;
      double medianExporters = median(exportersOnly) / 1e6;
      double medianWith = median(with) / 1e6;
      double ratio = medianWith / medianWithout;
      System.out.printf(Locale.ROOT, "models: %d in %d packages (%d source files, %d lines; %d"
              + " generated exporters, %d lines); javac %s%n",
          models, packages <= 0 ? models : Math.min(packages, models), sources.size(),
          lines(sources), generated, exporterLines,
          freshJvm ? "in a fresh JVM per compile" : "in-process, fresh processor class loader");
      System.out.printf(Locale.ROOT, "javac without processor:           median %5.0f ms  runs %s%n",
          medianWithout, millis(without));
      System.out.printf(Locale.ROOT, "javac with an empty-file processor: median %5.0f ms  runs %s"
              + "  (%.2fx)%n",
          medianEmpty, millis(empty), medianEmpty / medianWithout);
      System.out.printf(Locale.ROOT, "javac with the RecShip processor:  median %5.0f ms  runs %s"
              + "  (%.2fx)%n",
          medianWith, millis(with), ratio);
      System.out.printf(Locale.ROOT, "  of the %.0f ms added: %.0f ms is javac's own cost of one"
              + " generated file per model (the empty-file processor: Filer, extra rounds, compiling"
              + " the new classes), %.0f ms is RecShip's (checks, JavaPoet, larger exporters)%n",
          medianWith - medianWithout, medianEmpty - medianWithout, medianWith - medianEmpty);
      System.out.printf(Locale.ROOT, "  per @RecModel: javac's own %.1f ms, RecShip's %.1f ms%n",
          (medianEmpty - medianWithout) / models, (medianWith - medianEmpty) / models);
      System.out.printf(Locale.ROOT, "  compiling the %d exporters as plain sources adds %.0f ms"
              + " (models + exporters without a processor: median %.0f ms)%n",
          generated, medianExporters - medianWithout, medianExporters);
      if (!freshJvm) {
        // steadier than wall time on a shared machine: only this thread's CPU, only the round
        // where the processor checks and generates (no other compile phases, no JIT threads)
        double roundEmpty = median(emptyRound) / 1e6;
        double roundWith = median(withRound) / 1e6;
        System.out.printf(Locale.ROOT, "  first processing round, javac thread CPU: empty-file"
                + " processor median %.0f ms, RecShip median %.0f ms (RecShip's checks and"
                + " generation: %.0f ms)%n",
            roundEmpty, roundWith, roundWith - roundEmpty);
      }
      System.out.printf(Locale.ROOT, "ratio with/without: %.2fx (target < 1.30x): %s;"
              + " floor (empty-file processor) %.2fx, RecShip's share above it %.2fx%n",
          ratio, ratio < 1.3 ? "OK" : "ABOVE TARGET", medianEmpty / medianWithout,
          (medianWith - medianEmpty) / medianWithout);
    } finally {
      deleteTree(work);
    }
  }

  /** Where this benchmark's classes are: the empty-file processor's processor path. */
  static String ownCodeSource() {
    try {
      return Path.of(ProcessorCompileRatio.class.getProtectionDomain().getCodeSource().getLocation()
          .toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the benchmark's classes", e);
    }
  }

  /** One javac run. */
  private interface Compile {
    Outcome run(JavaCompiler javac, List<String> options, List<Path> sources,
        DiagnosticCollector<JavaFileObject> diagnostics) throws IOException;
  }

  /**
   * Whether javac succeeded, and the CPU its thread spent in the first annotation-processing
   * round (-1 when not measured: no processor, or javac in another process).
   */
  private record Outcome(boolean ok, long firstRoundCpuNanos) {}

  /** A timed compile: wall time, and {@link Outcome#firstRoundCpuNanos}. */
  private record Timing(long wallNanos, long firstRoundCpuNanos) {}

  /**
   * Compiles into a fresh output folder holding the fg/mc resources, as Maven's
   * process-resources leaves them in target/classes before javac runs; times javac only, not
   * preparing the folders.
   */
  private static Timing compile(Compile compile, JavaCompiler javac, Path work, List<Path> sources,
      List<String> options) throws IOException {
    Path out = work.resolve("out");
    Path gen = work.resolve("gen");
    deleteTree(out);
    deleteTree(gen);
    copyTree(work.resolve("resources"), out);
    Files.createDirectories(gen);
    List<String> all = new ArrayList<>(options);
    all.addAll(List.of("-d", out.toString(), "-s", gen.toString(), "-implicit:none"));
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    long start = System.nanoTime();
    Outcome outcome = compile.run(javac, all, sources, diagnostics);
    long elapsed = System.nanoTime() - start;
    if (!outcome.ok()) {
      throw new IllegalStateException("compilation failed: " + diagnostics.getDiagnostics());
    }
    return new Timing(elapsed, outcome.firstRoundCpuNanos());
  }

  static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : (Iterable<Path>) walk::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  /** maven-compiler-plugin's default: javax.tools in this JVM. */
  private static Outcome inProcess(JavaCompiler javac, List<String> options, List<Path> sources,
      DiagnosticCollector<JavaFileObject> diagnostics) throws IOException {
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      JavacTask task = (JavacTask) javac.getTask(null, files, diagnostics, options, null,
          files.getJavaFileObjectsFromPaths(sources));
      FirstRoundCpu round = new FirstRoundCpu();
      task.addTaskListener(round);
      boolean ok = task.call();
      return new Outcome(ok, round.cpuNanos);
    }
  }

  /** The CPU time of javac's thread (this one, in-process) in the first processing round. */
  private static final class FirstRoundCpu implements TaskListener {
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private long startedAt = -1;
    long cpuNanos = -1;

    @Override
    public void started(TaskEvent e) {
      if (e.getKind() == TaskEvent.Kind.ANNOTATION_PROCESSING_ROUND && startedAt < 0) {
        startedAt = threads.getCurrentThreadCpuTime();
      }
    }

    @Override
    public void finished(TaskEvent e) {
      if (e.getKind() == TaskEvent.Kind.ANNOTATION_PROCESSING_ROUND && cpuNanos < 0) {
        cpuNanos = threads.getCurrentThreadCpuTime() - startedAt;
      }
    }
  }

  /** A one-module build: the JDK's javac launcher, a new JVM per compile. */
  private static Outcome forked(JavaCompiler javac, List<String> options, List<Path> sources,
      DiagnosticCollector<JavaFileObject> diagnostics) throws IOException {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
        "-J-Dai.djl.offline=true"));
    command.addAll(options);
    sources.forEach(p -> command.add(p.toString()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      int exit = process.waitFor();
      if (exit != 0) {
        System.err.println(output);
      }
      return new Outcome(exit == 0, -1);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while javac ran", e);
    }
  }

  /** Copies generated sources out of the output folder that every compile wipes. */
  private static List<Path> keepCopies(List<Path> files, Path dir) throws IOException {
    List<Path> copies = new ArrayList<>();
    for (Path f : files) {
      // javac wants a public class in a file of its own name: one folder per copy
      Path copy = dir.resolve(Integer.toString(copies.size())).resolve(f.getFileName());
      Files.createDirectories(copy.getParent());
      copies.add(Files.copy(f, copy));
    }
    return copies;
  }

  private static List<Path> exporters(Path work) throws IOException {
    Path gen = work.resolve("gen");
    if (!Files.exists(gen)) {
      return List.of();
    }
    try (Stream<Path> walk = Files.walk(gen)) {
      return walk.filter(p -> p.toString().endsWith("Exporter.java")).toList();
    }
  }

  private static long lines(List<Path> files) throws IOException {
    long n = 0;
    for (Path f : files) {
      try (Stream<String> lines = Files.lines(f)) {
        n += lines.count();
      }
    }
    return n;
  }

  /**
   * Model {@code i}: its own fg/mc (8 features, 2 blocks), model class and dense net, in package
   * {@code bench.p<i % packages>}. javac's Filer cost per generated file grows with the number of
   * packages (each new package is looked up in every JDK module), so the layout is a parameter.
   */
  static List<Path> writeModels(Path work, int count, int packages) throws IOException {
    List<Path> sources = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String pkg = "p" + i % packages;
      Path dir = work.resolve("src").resolve("bench").resolve(pkg);
      Files.createDirectories(dir);
      Path res = work.resolve("resources").resolve("m" + i);
      Files.createDirectories(res);
      StringBuilder fg = new StringBuilder("{\"features\": [\n");
      List<String> user = new ArrayList<>();
      List<String> item = new ArrayList<>();
      for (int f = 0; f < 8; f++) {
        String name = (f < 4 ? "user_f" : "item_f") + f + "_m" + i;
        (f < 4 ? user : item).add("\"" + name + "\"");
        fg.append(String.format(Locale.ROOT, "  {\"feature_name\": \"%s\", \"feature_type\":"
            + " \"id_feature\", \"value_type\": \"String\", \"gen_key_type\": \"hash\","
            + " \"hash_bucket_size\": %d, \"gen_val_type\": \"lookup\","
            + " \"embedding_dimension\": %d}%s%n", name, 1000 * (f + 1) + i, 4 + f % 3 * 4,
            f == 7 ? "" : ","));
      }
      fg.append("]}\n");
      Files.writeString(res.resolve("fg.json"), fg);
      Files.writeString(res.resolve("mc.json"), "{\"user\": " + user + ", \"item\": " + item + "}\n");

      Path model = dir.resolve("Model" + i + ".java");
      write(model, MODEL_TEMPLATE.replace("$P", pkg).replace("$I", Integer.toString(i)));
      Path dense = dir.resolve("Dense" + i + ".java");
      write(dense, DENSE_TEMPLATE.replace("$P", pkg).replace("$I", Integer.toString(i)));
      sources.add(model);
      sources.add(dense);
    }
    return sources;
  }

  /**
   * A model class: archs built from the FG, configs read from the classpath. Its resource helper
   * predates {@code ConfigSource.resource}; it is kept so that ratios stay comparable across runs.
   */
  private static final String MODEL_TEMPLATE = """
      package bench.$P;

      import io.recship.annotations.DenseArch;
      import io.recship.annotations.RecModel;
      import io.recship.annotations.SparseArch;
      import io.recship.fg.ConfigSource;
      import io.recship.fg.FeatureGenerator;
      import io.recship.fg.FgOptions;
      import io.recship.sparse.SparseModel;
      import java.io.IOException;
      import java.io.InputStream;
      import java.io.UncheckedIOException;
      import java.nio.charset.StandardCharsets;

      /** Model $I: user and item towers over its own FG. */
      @RecModel(fg = "m$I/fg.json", mc = "m$I/mc.json")
      public final class Model$I implements AutoCloseable {
        @SparseArch final SparseModel sparse;
        @DenseArch final Dense$I dense;

        public Model$I(FeatureGenerator fg, long seed) {
          this.sparse = SparseModel.fromFg(fg, false, seed);
          this.dense = new Dense$I(fg, seed);
        }

        /** The FG and MC that {@code @RecModel} names, read from the classpath. */
        public static FeatureGenerator featureGenerator() {
          return FeatureGenerator.load(resource("m$I/fg.json"), resource("m$I/mc.json"),
              FgOptions.DEFAULT);
        }

        @Override
        public void close() {
          dense.close();
        }

        private static ConfigSource resource(String name) {
          try (InputStream in = Model$I.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
              throw new IllegalStateException("resource " + name + " is not on the classpath");
            }
            return new ConfigSource(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
          } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
          }
        }
      }
      """;

  /** A dense net of a few layers with a forward of about fifteen lines. */
  private static final String DENSE_TEMPLATE = """
      package bench.$P;

      import io.recship.annotations.ExportOutput;
      import io.recship.fg.FeatureGenerator;
      import io.recship.nn.LayerNorm;
      import io.recship.nn.Linear;
      import io.recship.nn.Mlp;
      import io.recship.nn.Module;
      import io.recship.tensor.Blocks;
      import io.recship.tensor.Tensor;
      import java.util.Random;

      /** Two towers, a shared MLP over their outputs and product, and one head per task. */
      public final class Dense$I extends Module {
        /** The exported scores, each [B, 1]. */
        public record Scores(Tensor ctr, Tensor cvr) {}

        private static final long TOWER = 32;

        private final Linear userTower;
        private final Linear itemTower;
        private final LayerNorm norm;
        private final Mlp shared;
        private final Linear ctrHead;
        private final Linear cvrHead;

        public Dense$I(FeatureGenerator fg, long seed) {
          Random rng = new Random(seed);
          this.userTower = register("user_tower", new Linear(fg.blockDim("user"), TOWER, true, rng));
          this.itemTower = register("item_tower", new Linear(fg.blockDim("item"), TOWER, true, rng));
          this.norm = register("norm", new LayerNorm(3 * TOWER));
          this.shared = register("shared",
              Mlp.builder(3 * TOWER, 64, 32).activateLast(true).random(rng).build());
          this.ctrHead = register("ctr_head", new Linear(32, 1, true, rng));
          this.cvrHead = register("cvr_head", new Linear(32, 1, true, rng));
        }

        @ExportOutput({"ctr", "cvr"})
        public Scores forward(Blocks in) {
          Tensor user = userTower.forward(in.get("user")).relu();
          Tensor item = itemTower.forward(in.get("item")).relu();
          // the product lets the shared MLP see user x item interactions directly
          Tensor cross = user.times(item);
          Tensor x = norm.forward(Tensor.cat(-1, user, item, cross));
          Tensor h = shared.forward(x);
          Tensor ctrLogit = ctrHead.forward(h);
          Tensor cvrLogit = cvrHead.forward(h);
          Tensor ctr = ctrLogit.sigmoid();
          // a conversion follows a click: the cvr head also sees the ctr logit
          Tensor cvr = cvrLogit.plus(ctrLogit.times(0.5)).sigmoid();
          return new Scores(ctr, cvr);
        }
      }
      """;

  private static void write(Path file, String text) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(text);
    }
  }

  static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  static String millis(long[] nanos) {
    return Arrays.stream(nanos).mapToObj(n -> Long.toString(n / 1_000_000)).toList().toString();
  }

  static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
