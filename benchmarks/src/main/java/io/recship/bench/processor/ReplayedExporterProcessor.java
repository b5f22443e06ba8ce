package io.recship.bench.processor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * The bound for any RecShip processor, however fast: writes, for every {@code @RecModel}, the
 * exporter RecShip generated for it in an earlier compile, read verbatim from the folder named
 * by {@code -Arecship.bench.replay=DIR}; no checks, no JavaPoet. Its cost above {@link
 * EmptyExporterProcessor} is javac compiling RecShip's exporters; what the real processor adds
 * above it is the processor's own work.
 */
public final class ReplayedExporterProcessor extends EmptyExporterProcessor {
  static final String OPTION = "recship.bench.replay";

  @Override
  public Set<String> getSupportedOptions() {
    return Set.of(OPTION);
  }

  @Override
  String source(String pkg, String name) {
    String dir = processingEnv.getOptions().get(OPTION);
    if (dir == null) {
      throw new IllegalStateException("-A" + OPTION + "=DIR is required");
    }
    Path file = Path.of(dir).resolve(pkg.replace('.', '/')).resolve(name + ".java");
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("no recorded exporter " + file, e);
    }
  }
}
