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
import io.recship.serving.ExportedModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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
      "Exit codes: 0 scored, 2 the export or the input cannot be read (the message names the file and line)."
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

  @Option(names = "--output", paramLabel = "FILE", description = "Write the scores here instead of to standard output.")
  @Nullable Path output;

  @Option(names = "--id-column", paramLabel = "COLUMN", defaultValue = "sample_id",
      description = "The input column echoed as sample_id; without it in the input, the line number is used."
          + " Default: ${DEFAULT-VALUE}.")
  String idColumn = "sample_id";

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    if (batchSize < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--batch-size must be at least 1, got " + batchSize);
    }
    try (ExportedModel model = ExportedModel.load(dir)) {
      boolean hasIds = firstObjectHas(input, idColumn);
      Schema schema = Schema.fromFg(model.featureGenerator());
      Dataset samples = Dataset.builder(hasIds ? schema.withIds(idColumn) : schema)
          .jsonLines(input)
          .batchSize(batchSize)
          .build();
      long scored = 0;
      try (Writer sink = sink();
          JsonGenerator json = new JsonFactory().createGenerator(sink)) {
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
      if (output != null) {
        err.println("recship score: " + scored + " samples scored -> " + output);
        err.flush();
      }
      return RecShipCli.OK;
    } catch (ExportException | DataException e) {
      err.println("recship score: " + e.getMessage());
      err.flush();
      return RecShipCli.UNREADABLE;
    } catch (IOException | UncheckedIOException e) {
      err.println("recship score: " + e.getMessage());
      err.flush();
      return RecShipCli.UNREADABLE;
    }
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

  private Writer sink() throws IOException {
    if (output == null) {
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
    OutputStream os = Files.newOutputStream(output);
    return new java.io.OutputStreamWriter(os, StandardCharsets.UTF_8);
  }

  /** Whether the first JSON object of {@code file} has {@code column}; a bad first line is left to the reader. */
  private static boolean firstObjectHas(Path file, String column) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new DataException(file.toString(), 0, null, "file not found");
    }
    try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        try {
          JsonNode n = new ObjectMapper().readTree(line);
          return n != null && n.has(column);
        } catch (IOException e) {
          return false;
        }
      }
    }
    return false;
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
