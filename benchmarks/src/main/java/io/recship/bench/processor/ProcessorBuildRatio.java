package io.recship.bench.processor;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The user's view of {@link ProcessorCompileRatio}: {@code mvn clean compile} of one Maven module
 * holding the same N models, with the RecShip processor, with the empty-file processor (javac's
 * floor), with RecShip's own exporters written back verbatim by {@link ReplayedExporterProcessor}
 * (the bound for a RecShip processor that cost nothing), and with {@code -proc:none}. Each run is a new Maven process, as on a developer's
 * command line or in CI, so the wall time includes what a build always pays (Maven starting,
 * cleaning, copying resources) and javac runs cold.
 *
 * <p>The module depends on the RecShip jars and their dependencies as files (system scope), so
 * nothing is installed into the local repository; the processor path is given to javac
 * directly, which is what {@code annotationProcessorPaths} resolves to.
 */
public final class ProcessorBuildRatio {
  private static final String PROCESSOR = "io.recship.processor.RecModelProcessor";
  private static final String GENERATED = "target/generated-sources/annotations";

  private ProcessorBuildRatio() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    String classpath = null;
    String processorpath = null;
    int models = 50;
    int warmups = 1;
    int runs = 9;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--classpath" -> classpath = args[++i];
        case "--processorpath" -> processorpath = args[++i];
        case "--models" -> models = Integer.parseInt(args[++i]);
        case "--warmups" -> warmups = Integer.parseInt(args[++i]);
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]
            + "; usage: --classpath JARS --processorpath PP [--models 50] [--warmups 1]"
            + " [--runs 9]");
      }
    }
    if (classpath == null || processorpath == null) {
      throw new IllegalArgumentException("--classpath and --processorpath are required");
    }
    Path work = Files.createTempDirectory("recship-processor-build-ratio");
    try {
      ProcessorCompileRatio.writeModels(work, models, models);
      Files.writeString(work.resolve("pom.xml"), pom(classpath), StandardCharsets.UTF_8);
      List<String> without = List.of("-Dmaven.compiler.proc=none",
          "-Dbench.processorpath=" + processorpath, "-Dbench.processor=" + PROCESSOR);
      List<String> floor = List.of("-Dbench.processorpath=" + ProcessorCompileRatio.ownCodeSource(),
          "-Dbench.processor=" + EmptyExporterProcessor.class.getName());
      List<String> with = List.of("-Dbench.processorpath=" + processorpath,
          "-Dbench.processor=" + PROCESSOR);

      build(work, with);
      long generated = countExporters(work);
      if (generated != models) {
        throw new IllegalStateException("expected " + models + " exporters, got " + generated);
      }
      Path recorded = work.resolve("recorded-exporters");
      ProcessorCompileRatio.copyTree(work.resolve(GENERATED), recorded);
      List<String> replayed = List.of(
          "-Dbench.processorpath=" + ProcessorCompileRatio.ownCodeSource(),
          "-Dbench.processor=" + ReplayedExporterProcessor.class.getName(),
          "-Dbench.extraArg=-A" + ReplayedExporterProcessor.OPTION + "=" + recorded);
      for (int i = 0; i < warmups; i++) {
        build(work, without);
        build(work, floor);
        build(work, replayed);
        build(work, with);
      }
      long[] withoutTimes = new long[runs];
      long[] floorTimes = new long[runs];
      long[] replayedTimes = new long[runs];
      long[] withTimes = new long[runs];
      List<List<String>> modes = List.of(without, floor, replayed, with);
      long[][] times = {withoutTimes, floorTimes, replayedTimes, withTimes};
      for (int i = 0; i < runs; i++) {
        // each round starts with the next mode, so no mode always runs first or after another
        for (int k = 0; k < modes.size(); k++) {
          int mode = (i + k) % modes.size();
          times[mode][i] = build(work, modes.get(mode));
        }
      }
      double w0 = ProcessorCompileRatio.median(withoutTimes) / 1e6;
      double f = ProcessorCompileRatio.median(floorTimes) / 1e6;
      double r = ProcessorCompileRatio.median(replayedTimes) / 1e6;
      double w1 = ProcessorCompileRatio.median(withTimes) / 1e6;
      System.out.printf(Locale.ROOT, "models: %d; `mvn -o -q clean compile` of one module, a new"
          + " Maven process per build%n", models);
      System.out.printf(Locale.ROOT, "build without processor (-proc:none):  median %5.0f ms  runs %s%n",
          w0, ProcessorCompileRatio.millis(withoutTimes));
      System.out.printf(Locale.ROOT, "build with an empty-file processor:    median %5.0f ms  runs %s"
          + "  (%.2fx)%n", f, ProcessorCompileRatio.millis(floorTimes), f / w0);
      System.out.printf(Locale.ROOT, "build with RecShip's exporters replayed: median %5.0f ms  runs"
          + " %s  (%.2fx; no checks, no JavaPoet: any RecShip processor's bound)%n",
          r, ProcessorCompileRatio.millis(replayedTimes), r / w0);
      System.out.printf(Locale.ROOT, "build with the RecShip processor:      median %5.0f ms  runs %s"
          + "  (%.2fx)%n", w1, ProcessorCompileRatio.millis(withTimes), w1 / w0);
      System.out.printf(Locale.ROOT, "  per @RecModel: javac's own %.1f ms, compiling the exporter"
          + " %.1f ms, the processor's own work %.1f ms%n",
          (f - w0) / models, (r - f) / models, (w1 - r) / models);
      // Each round builds every mode back to back, so a round's ratios share the machine's state
      // of the moment: on a shared machine their median drifts less than a ratio of medians.
      double[] withRatios = ratios(withTimes, withoutTimes);
      double[] replayedRatios = ratios(replayedTimes, withoutTimes);
      double[] floorRatios = ratios(floorTimes, withoutTimes);
      System.out.printf(Locale.ROOT, "per-round ratios (each round builds every mode once):"
              + " RecShip median %.2fx %s, replayed %.2fx, floor %.2fx%n",
          median(withRatios), ratioList(withRatios), median(replayedRatios), median(floorRatios));
      System.out.printf(Locale.ROOT, "build ratio with/without: %.2fx, per-round median %.2fx"
              + " (target < 1.30x): %s; floor (empty-file processor) %.2fx, RecShip's share above"
              + " it %.2fx%n",
          w1 / w0, median(withRatios), verdict(w1 / w0, median(withRatios)), f / w0,
          (w1 - f) / w0);
      System.out.printf(Locale.ROOT, "bound with these exporters, for a processor that cost"
          + " nothing: %.2fx, per-round median %.2fx%n", r / w0, median(replayedRatios));
    } finally {
      ProcessorCompileRatio.deleteTree(work);
    }
  }

  private static double[] ratios(long[] times, long[] baseline) {
    double[] ratios = new double[times.length];
    for (int i = 0; i < times.length; i++) {
      ratios[i] = (double) times[i] / baseline[i];
    }
    return ratios;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  private static String ratioList(double[] ratios) {
    double[] sorted = ratios.clone();
    Arrays.sort(sorted);
    return Arrays.stream(sorted).mapToObj(r -> String.format(Locale.ROOT, "%.2f", r)).toList()
        .toString();
  }

  /** Both estimates must agree before the target counts as met. */
  private static String verdict(double ratioOfMedians, double medianRatio) {
    if (ratioOfMedians < 1.3 && medianRatio < 1.3) {
      return "OK";
    }
    return ratioOfMedians < 1.3 || medianRatio < 1.3 ? "AT THE TARGET (the estimates disagree)"
        : "ABOVE TARGET";
  }

  /** One {@code mvn clean compile}; its wall time in nanoseconds. */
  private static long build(Path project, List<String> properties)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("mvn", "-o", "-q", "-B", "-ntp",
        "-Dai.djl.offline=true"));
    command.addAll(properties);
    command.addAll(List.of("clean", "compile"));
    ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile())
        .redirectErrorStream(true);
    builder.environment().put("DJL_OFFLINE", "true");
    long start = System.nanoTime();
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    long elapsed = System.nanoTime() - start;
    if (exit != 0) {
      throw new IllegalStateException("mvn " + properties + " failed (exit " + exit + "):\n"
          + output);
    }
    return elapsed;
  }

  private static long countExporters(Path project) throws IOException {
    Path generated = project.resolve(GENERATED);
    try (Stream<Path> walk = Files.walk(generated)) {
      return walk.filter(p -> p.toString().endsWith("Exporter.java")).count();
    }
  }

  /**
   * The module's pom: sources and resources where {@link ProcessorCompileRatio#writeModels}
   * writes them, every class path jar as a file dependency, the processor path from properties.
   * Plugin versions are the ones the RecShip build itself uses, so they resolve offline.
   */
  private static String pom(String classpath) {
    StringBuilder dependencies = new StringBuilder();
    int n = 0;
    for (String jar : classpath.split(File.pathSeparator)) {
      if (jar.isBlank()) {
        continue;
      }
      if (!jar.endsWith(".jar")) {
        throw new IllegalArgumentException("--classpath must list jars, not " + jar);
      }
      dependencies.append(String.format(Locale.ROOT, """
              <dependency>
                <groupId>bench.classpath</groupId>
                <artifactId>jar%d</artifactId>
                <version>1</version>
                <scope>system</scope>
                <systemPath>%s</systemPath>
              </dependency>
          """, n++, jar));
    }
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <project xmlns="http://maven.apache.org/POM/4.0.0">
          <modelVersion>4.0.0</modelVersion>
          <groupId>bench</groupId>
          <artifactId>processor-build-ratio</artifactId>
          <version>1</version>
          <properties>
            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
            <maven.compiler.release>17</maven.compiler.release>
            <!-- javac's default: a no-op unless a mode sets another argument -->
            <bench.extraArg>-implicit:class</bench.extraArg>
          </properties>
          <dependencies>
        %s  </dependencies>
          <build>
            <sourceDirectory>src</sourceDirectory>
            <resources>
              <resource><directory>resources</directory></resource>
            </resources>
            <plugins>
              <plugin>
                <artifactId>maven-clean-plugin</artifactId>
                <version>3.5.0</version>
              </plugin>
              <plugin>
                <artifactId>maven-resources-plugin</artifactId>
                <version>3.3.1</version>
              </plugin>
              <plugin>
                <artifactId>maven-compiler-plugin</artifactId>
                <version>3.13.0</version>
                <configuration>
                  <compilerArgs>
                    <arg>-processorpath</arg>
                    <arg>${bench.processorpath}</arg>
                    <arg>-processor</arg>
                    <arg>${bench.processor}</arg>
                    <arg>${bench.extraArg}</arg>
                  </compilerArgs>
                </configuration>
              </plugin>
            </plugins>
          </build>
        </project>
        """.formatted(dependencies);
  }
}
