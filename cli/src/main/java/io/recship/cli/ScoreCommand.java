package io.recship.cli;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recship.data.Batch;
import io.recship.data.DataException;
import io.recship.data.Dataset;
import io.recship.data.Schema;
import io.recship.export.ExportException;
import io.recship.export.ExportManifest;
import io.recship.serving.ExportedModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code recship score DIR --input samples.jsonl}: scores raw samples with an export, as RTP would. */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
      "Score raw samples (JSON Lines: one object per line, columns as in training) with an export folder:"
          + " the FG turns them into ids, the exported tables give the embeddings (unknown ids give zeros),"
          + " the TorchScript graph gives the outputs.",
      "Prints one JSON object per sample: {\"sample_id\": ..., \"<output>\": score, ...}.",
      "An input without samples prints nothing to standard output and says so on standard error.",
      "Exit codes: 0 scored (also 0 samples), 2 the export or the input cannot be read or --output cannot be written"
          + " (the message names the file, and the line where there is one)."
    })
final class ScoreCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Parameters(index = "0", paramLabel = "DIR", description = "The export folder (the exporter's exportDir).")
  Path dir;

  @Option(names = "--input", required = true, paramLabel = "FILE", description = "Samples as JSON Lines.")
  Path input;

  @Option(names = "--batch-size", paramLabel = "N", defaultValue = "256",
      description = "Samples per TorchScript call. Default: ${DEFAULT-VALUE}.")
  int batchSize = 256;

  @Option(names = "--output", paramLabel = "FILE",
      description = "Write the scores here instead of to standard output. Missing parent folders are created,"
          + " as the exporter creates its exportDir's. The file appears only when every sample is scored: a"
          + " failed run leaves an existing file as it was. It may not be the --input file.")
  @Nullable Path output;

  @Option(names = "--id-column", paramLabel = "COLUMN", defaultValue = "sample_id",
      description = "The input column echoed as sample_id; without it in the input, the line number is used."
          + " If you name a COLUMN the first sample lacks, one warning on standard error lists the columns it has"
          + " and line numbers are used. Default: ${DEFAULT-VALUE}.")
  String idColumn = "sample_id";

  /**
   * The first non-blank line of the input and its keys; {@code object} false when that line is
   * no JSON object (then {@code columns} is empty: the reader reports the line with its position),
   * {@code otherFormat} true when it does not even start like one (a CSV header, say).
   */
  private record FirstSample(long line, List<String> columns, boolean object, boolean otherFormat) {}

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (batchSize < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--batch-size must be at least 1, got " + batchSize);
    }
    // what can be checked without libtorch first: a typo in a path should not wait for the model to load
    String dirProblem = FileProblems.exportDirProblem(dir);
    if (dirProblem != null) {
      return fail(dirProblem);
    }
    if (output != null && sameFile(input, output)) {
      return fail("--output " + output + " is the --input file: scoring would overwrite the samples it reads;"
          + " choose another --output path");
    }
    @Nullable FirstSample first;
    try {
      first = firstSample(input);
    } catch (DataException e) {
      return fail(e.getMessage());
    }
    boolean hasIds = first != null && first.columns().contains(idColumn);
    if (!hasIds && first != null && first.object() && spec.commandLine().getParseResult().hasMatchedOption("--id-column")) {
      err.println("recship score: warning: --id-column " + idColumn + " is not in the first sample (" + input + ":"
          + first.line() + ", columns: " + String.join(", ", first.columns()) + "); sample_id is the line number");
      err.flush();
    }
    boolean outputExisted = output != null && Files.exists(output);
    try (ExportedModel model = ExportedModel.load(dir)) {
      warnUnlisted(err);
      Schema schema = Schema.fromFg(model.featureGenerator());
      Dataset samples = Dataset.builder(hasIds ? schema.withIds(idColumn) : schema)
          .jsonLines(input)
          .batchSize(batchSize)
          .build();
      // --output is written beside itself and moved into place only when every sample is scored, so a
      // failure halfway never leaves a truncated file or destroys an earlier one. Only a plain file (or
      // none yet) is staged: a link, or a device such as /dev/stdout, is written directly, since a
      // rename would replace the link or device instead of writing through it.
      @Nullable Path staged;
      Writer sink;
      try {
        boolean plain = output != null
            && (Files.notExists(output, LinkOption.NOFOLLOW_LINKS) || Files.isRegularFile(output, LinkOption.NOFOLLOW_LINKS));
        staged = plain ? stage(output) : null;
        sink = output == null ? stdout()
            : Files.newBufferedWriter(staged != null ? staged : output, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return fail(outputProblem(e));
      }
      long scored = 0;
      try {
        try (sink; JsonGenerator json = new JsonFactory().createGenerator(sink)) {
          json.setRootValueSeparator(null);
          for (Batch batch : samples) {
            Map<String, float[]> scores = model.score(batch);
            List<String> ids = hasIds ? batch.ids(idColumn) : null;
            for (int i = 0; i < batch.size(); i++) {
              json.writeStartObject();
              if (ids != null) {
                json.writeStringField("sample_id", ids.get(i));
              } else {
                json.writeNumberField("sample_id", lineOf(batch.source(i)));
              }
              for (Map.Entry<String, float[]> e : scores.entrySet()) {
                writeScore(json, e.getKey(), e.getValue(), i, batch.size());
              }
              json.writeEndObject();
              json.writeRaw('\n');
            }
            scored += batch.size();
          }
        }
        if (staged != null) {
          moveIntoPlace(staged, output);
        }
      } catch (IOException e) {
        return fail("cannot write the scores" + (output == null ? "" : " to --output " + output) + ": "
            + FileProblems.describe(e) + outputNote(outputExisted));
      } finally {
        if (staged != null) {
          deleteQuietly(staged); // already moved on success; a failed run leaves nothing behind
        }
      }
      if (scored == 0) { // no output at all would look like a silent failure
        err.println("recship score: --input " + input + " holds 0 samples (it is empty or has only blank lines);"
            + " nothing was scored" + (output == null ? "" : ", " + output + " is empty"));
        err.flush();
      } else if (output != null) {
        err.println("recship score: " + scored + " samples scored -> " + output);
        err.flush();
      }
      return RecShipCli.OK;
    } catch (ExportException e) {
      return fail(e.detail()); // the step ("load export") says nothing a user of score can act on
    } catch (DataException e) {
      return fail(e.getMessage() + notJsonLines(e, first) + outputNote(outputExisted));
    } catch (UncheckedIOException e) {
      return fail(e.getMessage() + ": " + FileProblems.describe(e.getCause()) + outputNote(outputExisted));
    }
  }

  /**
   * When the input's first sample is no JSON object, the input is most likely another format (a
   * CSV file): say which one score reads.
   */
  private String notJsonLines(DataException e, @Nullable FirstSample first) {
    if (first == null || !first.otherFormat() || e.line() != first.line()) {
      return "";
    }
    return "; score reads JSON Lines (one JSON object per line, columns as in training), which " + input
        + " is not: CSV is read only as a training dataset (Dataset.builder(schema).csv(...)); convert the samples"
        + " to JSON Lines";
  }

  /**
   * Files in the export folder its manifest does not list are not part of the export and not
   * read: a warning, as {@code recship inspect} gives, not a failure.
   */
  private void warnUnlisted(PrintWriter err) {
    List<String> unlisted;
    try {
      unlisted = ExportManifest.read(dir).unlistedIn(dir);
    } catch (ExportException | IOException e) {
      return; // the export loaded, so its manifest reads; a folder that cannot be listed was read already
    }
    if (!unlisted.isEmpty()) {
      boolean one = unlisted.size() == 1;
      err.println("recship score: warning: " + ExportManifest.countUnlisted(unlisted) + " in " + dir + " not listed in "
          + ExportManifest.FILE_NAME + ": " + ExportManifest.nameUnlisted(unlisted) + "; " + (one ? "it is" : "they are")
          + " not part of the export and " + (one ? "was" : "were") + " not read");
      err.flush();
    }
  }

  /** After a failed run: what became of --output (nothing, since scores are staged). */
  private String outputNote(boolean existed) {
    if (output == null) {
      return "";
    }
    return existed ? "; --output " + output + " was left as it was" : "; no --output file was written";
  }

  private static boolean sameFile(Path a, Path b) {
    try {
      return Files.exists(a) && Files.exists(b) ? Files.isSameFile(a, b)
          : a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
    } catch (IOException e) {
      return false; // unreadable: the input's own check reports it
    }
  }

  private int fail(String message) {
    PrintWriter err = spec.commandLine().getErr();
    err.println("recship score: " + message);
    err.flush();
    return RecShipCli.UNREADABLE;
  }

  /** Why the --output file cannot be opened, with the fix. */
  private String outputProblem(IOException e) {
    if (Files.isDirectory(output)) {
      return "--output " + output + " is a folder; give a file path";
    }
    Path inTheWay = FileProblems.fileInTheWay(output);
    if (inTheWay != null) {
      return "--output " + output + ": " + inTheWay + " is a file, not a folder; choose another path";
    }
    return "--output " + output + " cannot be written: " + FileProblems.describe(e);
  }

  /** One value per sample for a {@code [B, 1]} output, an array for a wider one. */
  private static void writeScore(JsonGenerator json, String name, float[] values, int row, int rows) throws IOException {
    int width = values.length / rows;
    if (width == 1) {
      json.writeNumberField(name, values[row]);
      return;
    }
    json.writeArrayFieldStart(name);
    for (int c = 0; c < width; c++) {
      json.writeNumber(values[row * width + c]);
    }
    json.writeEndArray();
  }

  private Writer stdout() {
    PrintWriter out = spec.commandLine().getOut();
    return new Writer() { // keep stdout open: the command line owns it
      @Override
      public void write(char[] c, int off, int len) {
        out.write(c, off, len);
      }

      @Override
      public void flush() {
        out.flush();
      }

      @Override
      public void close() {
        out.flush();
      }
    };
  }

  /**
   * A new hidden file beside {@code target} (same folder, so the final move is a rename), with the
   * permissions {@code target} has, or the ones a new file gets (createTempFile would give 0600).
   */
  private static Path stage(Path target) throws IOException {
    Path parent = target.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Path staged = target.toAbsolutePath().resolveSibling(
        "." + target.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".partial");
    Files.newOutputStream(staged, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
    if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.setPosixFilePermissions(staged, Files.getPosixFilePermissions(target));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the new file keeps the default permissions
      }
    }
    return staged;
  }

  private static void moveIntoPlace(Path staged, Path target) throws IOException {
    try {
      Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(staged, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // a hidden .partial file left beside --output is harmless; the run's own outcome is what matters
    }
  }

  /**
   * The first sample's columns, or null when the input has none.
   *
   * @throws DataException if the file cannot be read at all
   */
  private static @Nullable FirstSample firstSample(Path file) {
    try {
      if (Files.isDirectory(file)) {
        throw new FileSystemException(file.toString(), null, "is a folder");
      }
      try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        long line = 0;
        for (String text = r.readLine(); text != null; text = r.readLine()) {
          line++;
          if (text.isBlank()) {
            continue;
          }
          JsonNode n;
          try {
            n = new ObjectMapper().readTree(text);
          } catch (IOException e) {
            n = null;
          }
          if (n == null || !n.isObject()) {
            String start = text.strip();
            return new FirstSample(line, List.of(), false, !start.startsWith("{") && !start.startsWith("\uFEFF{"));
          }
          List<String> columns = new ArrayList<>();
          n.fieldNames().forEachRemaining(columns::add);
          return new FirstSample(line, columns, true, false);
        }
      }
    } catch (IOException e) {
      throw DataException.unreadableFile(file, e);
    }
    return null;
  }

  /** The line number of a {@code file:line} source. */
  private static long lineOf(String source) {
    int colon = source.lastIndexOf(':');
    try {
      return Long.parseLong(source.substring(colon + 1));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
