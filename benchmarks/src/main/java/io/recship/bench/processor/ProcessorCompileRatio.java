package io.recship.bench.processor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
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
 * Compiles N generated {@code @RecModel} models (model + dense net + fg/mc each) in-process with
 * javac, with and without the RecShip processor, and prints the time ratio (target: under 1.3x).
 *
 * <p>Run through {@code benchmarks/processor-ratio}, which passes the class path (runtime and
 * annotations) and the processor path. Each mode is warmed up, then the two modes alternate and the
 * medians are compared, so JIT warm-up and machine noise hit both alike. The processor run also
 * compiles the N exporters it generates: that is the cost a user sees.
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
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--classpath" -> classpath = args[++i];
        case "--processorpath" -> processorpath = args[++i];
        case "--models" -> models = Integer.parseInt(args[++i]);
        case "--warmups" -> warmups = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: --classpath CP --processorpath PP [--models 50] [--warmups 3] [--runs 7]");
      }
    }
    if (classpath == null || processorpath == null) {
      throw new IllegalArgumentException("--classpath and --processorpath are required");
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new IllegalStateException("no system Java compiler: run on a JDK, not a JRE");
    }
    Path work = Files.createTempDirectory("recship-processor-ratio");
    try {
      List<Path> sources = writeModels(work, models);
      List<String> plain = List.of("-proc:none", "-classpath", classpath);
      List<String> processed = List.of("-classpath", classpath, "-processorpath", processorpath,
          "-processor", PROCESSOR, "-Arecship.resources=" + work.resolve("resources"));

      int generated = compile(javac, work, sources, processed, true);
      if (generated != models) {
        throw new IllegalStateException("expected " + models + " exporters, got " + generated);
      }
      for (int i = 0; i < warmups; i++) {
        compile(javac, work, sources, plain, false);
        compile(javac, work, sources, processed, false);
      }
      long[] without = new long[runs];
      long[] with = new long[runs];
      for (int i = 0; i < runs; i++) {
        without[i] = timed(javac, work, sources, plain);
        with[i] = timed(javac, work, sources, processed);
      }
      double medianWithout = median(without) / 1e6;
      double medianWith = median(with) / 1e6;
      double ratio = medianWith / medianWithout;
      System.out.printf(Locale.ROOT, "models: %d (%d source files, %d generated exporters)%n",
          models, sources.size(), generated);
      System.out.printf(Locale.ROOT, "javac without processor: median %.0f ms  runs %s%n",
          medianWithout, millis(without));
      System.out.printf(Locale.ROOT, "javac with processor:    median %.0f ms  runs %s%n",
          medianWith, millis(with));
      System.out.printf(Locale.ROOT, "ratio with/without: %.2fx (target < 1.30x): %s%n",
          ratio, ratio < 1.3 ? "OK" : "ABOVE TARGET");
    } finally {
      deleteTree(work);
    }
  }

  private static long timed(JavaCompiler javac, Path work, List<Path> sources, List<String> options)
      throws IOException {
    long start = System.nanoTime();
    compile(javac, work, sources, options, false);
    return System.nanoTime() - start;
  }

  /** Compiles into a fresh output folder; returns how many exporters were generated. */
  private static int compile(JavaCompiler javac, Path work, List<Path> sources,
      List<String> options, boolean countGenerated) throws IOException {
    Path out = work.resolve("out");
    Path gen = work.resolve("gen");
    deleteTree(out);
    deleteTree(gen);
    Files.createDirectories(out);
    Files.createDirectories(gen);
    List<String> all = new ArrayList<>(options);
    all.addAll(List.of("-d", out.toString(), "-s", gen.toString(), "-implicit:none"));
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      boolean ok = javac.getTask(null, files, diagnostics, all, null,
          files.getJavaFileObjectsFromPaths(sources)).call();
      if (!ok) {
        throw new IllegalStateException("compilation failed: " + diagnostics.getDiagnostics());
      }
    }
    if (!countGenerated) {
      return -1;
    }
    try (Stream<Path> walk = Files.walk(gen)) {
      return (int) walk.filter(p -> p.toString().endsWith("Exporter.java")).count();
    }
  }

  /** Model {@code i}: its own fg/mc (8 features, 2 blocks), model class and dense net. */
  private static List<Path> writeModels(Path work, int count) throws IOException {
    List<Path> sources = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String pkg = "bench.m" + i;
      Path dir = work.resolve("src").resolve("bench").resolve("m" + i);
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
      write(model, "package " + pkg + ";\n\n"
          + "import io.recship.annotations.DenseArch;\n"
          + "import io.recship.annotations.RecModel;\n"
          + "import io.recship.annotations.SparseArch;\n"
          + "import io.recship.sparse.SparseModel;\n\n"
          + "@RecModel(fg = \"m" + i + "/fg.json\", mc = \"m" + i + "/mc.json\")\n"
          + "public class Model" + i + " {\n"
          + "  @SparseArch final SparseModel sparse;\n"
          + "  @DenseArch final Dense" + i + " dense;\n\n"
          + "  public Model" + i + "(SparseModel sparse, Dense" + i + " dense) {\n"
          + "    this.sparse = sparse;\n"
          + "    this.dense = dense;\n"
          + "  }\n"
          + "}\n");
      Path dense = dir.resolve("Dense" + i + ".java");
      write(dense, "package " + pkg + ";\n\n"
          + "import io.recship.annotations.ExportOutput;\n"
          + "import io.recship.nn.Module;\n"
          + "import io.recship.tensor.Blocks;\n"
          + "import io.recship.tensor.Tensor;\n\n"
          + "public final class Dense" + i + " extends Module {\n"
          + "  public record Out(Tensor ctr, Tensor cvr) {}\n\n"
          + "  @ExportOutput({\"ctr\", \"cvr\"})\n"
          + "  public Out forward(Blocks in) {\n"
          + "    Tensor user = in.get(\"user\");\n"
          + "    Tensor item = in.get(\"item\");\n"
          + "    return new Out(user.sigmoid(), item.sigmoid());\n"
          + "  }\n"
          + "}\n");
      sources.add(model);
      sources.add(dense);
    }
    return sources;
  }

  private static void write(Path file, String text) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write(text);
    }
  }

  private static double median(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  private static String millis(long[] nanos) {
    return Arrays.stream(nanos).mapToObj(n -> Long.toString(n / 1_000_000)).toList().toString();
  }

  private static void deleteTree(Path root) {
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
