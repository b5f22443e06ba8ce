package io.recship.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.recship.checkpoint.CheckpointException;
import io.recship.checkpoint.RecisLayout;
import io.recship.checkpoint.SafetensorsReader;
import io.recship.checkpoint.TensorInfo;
import io.recship.export.ExportException;
import io.recship.export.ExportManifest;
import io.recship.fg.ConfigSource;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgConfigException;
import io.recship.fg.FgOptions;
import io.recship.torchscript.ScriptModel;
import io.recship.torchscript.TorchScriptException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * What {@code recship inspect} reports about an export folder: read from its files (never from
 * the model that wrote it), so it works on any folder a RecShip exporter produced.
 *
 * @param denseFolder the folder holding {@code output_info.json} (RecIS' {@code export_folder_name})
 * @param tablesFrom the file the table list was read from
 * @param unlisted what the folder holds that its manifest does not list (a folder ends in {@code
 *     /}): not part of the export; empty if the manifest cannot be read
 */
record ExportInspection(
    String dir,
    @Nullable String modelName,
    @Nullable String createdAt,
    String denseFolder,
    List<Output> outputs,
    List<Input> inputs,
    List<Table> tables,
    String tablesFrom,
    List<FileEntry> files,
    List<Check> checks,
    List<String> unlisted) {

  record Output(String name, String dtype, List<Long> shape) {}

  record Input(int idx, String name, String dtype, List<Long> shape) {}

  record Table(String name, long rows, long dim, String dtype) {}

  record FileEntry(String path, long size) {}

  /**
   * One check. {@code warning}: something to act on that does not fail the check (null if none).
   */
  record Check(String name, boolean ok, String detail, @Nullable String warning) {
    Check(String name, boolean ok, String detail) {
      this(name, ok, detail, null);
    }
  }

  /** An export folder that cannot be inspected at all (exit 2), as opposed to a failed check. */
  static final class UnreadableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnreadableException(String message) {
      super(message);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  boolean allChecksPassed() {
    return checks.stream().allMatch(Check::ok);
  }

  long totalBytes() {
    return files.stream().mapToLong(FileEntry::size).sum();
  }

  /**
   * Reads {@code dir} and runs the checks.
   *
   * @throws UnreadableException if {@code dir} is not an export folder or its dense JSON files do not parse
   */
  static ExportInspection of(Path dir) {
    String problem = FileProblems.exportDirProblem(dir);
    if (problem != null) {
      throw new UnreadableException(problem);
    }
    Path fx = denseFolder(dir);
    List<Output> outputs = new ArrayList<>();
    List<Input> inputs = new ArrayList<>();
    // a damaged graph description is a failed check, reported beside the manifest's verdict on it
    @Nullable String denseProblem = null;
    try {
      for (JsonNode n : readJson(fx.resolve("output_info.json")).path("OutputNodes")) {
        outputs.add(new Output(n.path("OutputNodeName").asText(), n.path("dtype").asText(), longs(n.path("shape"))));
      }
      JsonNode lite = readJson(fx.resolve("inputs_dict_lite.json"));
      for (JsonNode n : readJson(fx.resolve("params_order.json"))) {
        JsonNode info = lite.path(n.asText());
        inputs.add(new Input(info.path("idx").asInt(inputs.size()), n.asText(), info.path("dtype").asText("?"),
            longs(info.path("shape"))));
      }
    } catch (UnreadableException e) {
      denseProblem = e.getMessage();
    }

    List<Check> checks = new ArrayList<>();
    @Nullable String modelName = null;
    @Nullable String createdAt = null;
    List<FileEntry> files;
    List<String> unlisted = unlisted(dir);
    @Nullable String unlistedWarning = unlisted.isEmpty() ? null : unlistedWarning(dir, unlisted);
    try {
      ExportManifest m = ExportManifest.verify(dir);
      modelName = m.modelName();
      createdAt = m.createdAt();
      files = m.files().stream().map(f -> new FileEntry(f.path(), f.size())).toList();
      checks.add(new Check("manifest", true,
          m.files().size() + " files match " + ExportManifest.FILE_NAME + " (size and SHA-256)", unlistedWarning));
    } catch (ExportException e) {
      checks.add(new Check("manifest", false, e.getMessage(), unlistedWarning));
      files = listFiles(dir);
    }
    if (denseProblem != null) {
      checks.add(new Check("torchscript", false, denseProblem + ": the export is damaged, export it again (the"
          + " manifest check names what changed); the fg, sample and tables checks need this file and did not run"));
      return new ExportInspection(dir.toString(), modelName, createdAt, relative(dir, fx), outputs, inputs, List.of(),
          "(not read: the export is damaged)", files, checks, unlisted);
    }
    // loaded once for both checks that use it: a broken fg.json is reported once, by "fg"
    @Nullable FeatureGenerator fg;
    try {
      fg = FeatureGenerator.load(ConfigSource.read(dir.resolve("fg.json")),
          ConfigSource.read(fx.resolve("input_columns.json")), FgOptions.DEFAULT);
      checks.add(fgCheck(dir, fx, fg, inputs));
    } catch (FgConfigException | IllegalArgumentException | IllegalStateException e) {
      // unreadable JSON, or a config FeatureGenerator cannot resolve (e.g. a block naming an unknown feature)
      fg = null;
      checks.add(new Check("fg", false, e.getMessage()));
    }
    checks.addAll(torchScriptChecks(dir, fx, outputs, inputs));

    Path manifest = dir.resolve(RecisLayout.MANIFEST_JSON);
    List<Table> fromHeaders = tablesFromHeaders(dir);
    List<Table> tables;
    String tablesFrom;
    if (Files.isRegularFile(manifest)) {
      tables = tablesFromManifest(manifest);
      tablesFrom = RecisLayout.MANIFEST_JSON;
    } else {
      tables = fromHeaders;
      tablesFrom = "*.safetensors headers (no " + RecisLayout.MANIFEST_JSON + ")";
    }
    checks.add(TableCheck.of(fromHeaders, Files.isRegularFile(manifest) ? tables : null, fg));
    return new ExportInspection(dir.toString(), modelName, createdAt, relative(dir, fx), outputs, inputs, tables,
        tablesFrom, files, checks, unlisted);
  }

  /** What {@code dir} holds that its manifest does not list; empty if there is no readable manifest. */
  private static List<String> unlisted(Path dir) {
    try {
      return ExportManifest.read(dir).unlistedIn(dir);
    } catch (ExportException | IOException e) {
      return List.of(); // the manifest check reports an unreadable manifest or folder
    }
  }

  /** The manifest check's warning: named, and why it matters (an overwrite is refused). */
  private static String unlistedWarning(Path dir, List<String> unlisted) {
    boolean one = unlisted.size() == 1;
    return ExportManifest.countUnlisted(unlisted) + " not listed in " + ExportManifest.FILE_NAME + ": "
        + ExportManifest.nameUnlisted(unlisted) + "; " + (one ? "it is" : "they are") + " not part of the export,"
        + " and exporting again to this folder with overwrite(true) is refused while " + (one ? "it is" : "they are")
        + " in it: move " + (one ? "it" : "them") + " out of " + dir;
  }

  /** The FG gives every graph input the shape {@code inputs_dict_lite.json} records. */
  private static Check fgCheck(Path dir, Path fx, FeatureGenerator fg, List<Input> inputs) {
    Map<String, List<Long>> blockShapes = new TreeMap<>();
    fg.blocks().forEach(b -> blockShapes.put(b.name(), Arrays.stream(b.shape()).boxed().toList()));
    for (Input in : inputs) {
      List<Long> perRow = in.shape().isEmpty() ? List.of() : in.shape().subList(1, in.shape().size());
      if (!blockShapes.containsKey(in.name())) {
        return new Check("fg", false, "graph input '" + in.name() + "' is no block of " + relative(dir, fx)
            + "/input_columns.json (it has " + blockShapes.keySet() + ")");
      }
      if (!blockShapes.get(in.name()).equals(perRow)) {
        return new Check("fg", false, "graph input '" + in.name() + "': inputs_dict_lite.json gives rows of "
            + perRow + ", fg.json and input_columns.json give " + blockShapes.get(in.name()));
      }
    }
    return new Check("fg", true, "fg.json and " + relative(dir, fx) + "/input_columns.json load: "
        + fg.features().size() + " features in " + fg.blocks().size() + " blocks, shaped as the graph's inputs");
  }

  /**
   * "torchscript": the one archive loads in libtorch; "sample": run on the batch of {@code
   * inputs_dict.json} in {@code params_order.json} order, it gives {@code output_base.json}.
   */
  private static List<Check> torchScriptChecks(Path dir, Path fx, List<Output> outputs, List<Input> inputs) {
    List<Path> archives;
    try (Stream<Path> s = Files.list(fx)) {
      archives = s.filter(p -> p.getFileName().toString().endsWith(".pt")).sorted().toList();
    } catch (IOException e) {
      return List.of(new Check("torchscript", false, "cannot list " + fx + ": " + e));
    }
    if (archives.size() != 1) {
      return List.of(new Check("torchscript", false,
          relative(dir, fx) + " must hold exactly one TorchScript archive (*.pt), found " + archives.size()));
    }
    Path archive = archives.get(0);
    try (ScriptModel m = ScriptModel.load(archive)) {
      Check loads = new Check("torchscript", true, relative(dir, archive) + " loads in libtorch ("
          + m.parameterNames().size() + " parameters)");
      return List.of(loads, SampleCheck.of(dir, fx, archive, m, outputs, inputs));
    } catch (TorchScriptException e) {
      return List.of(new Check("torchscript", false,
          relative(dir, archive) + " does not load: " + libtorchSays(e)));
    }
  }

  /**
   * Where libtorch failed and its own message, for a check's detail. Built from the parts: the
   * exception's message holds libtorch's message twice (a summary line, then the full text).
   */
  static String libtorchSays(TorchScriptException e) {
    String at = e.codeFile() == null ? "" : "in " + e.codeFile() + " line " + e.line()
        + (e.sourceLine() == null ? "" : " (`" + e.sourceLine() + "`)") + ", ";
    return at + "libtorch says: " + e.reason().strip();
  }

  /** One row per table: the parts of a sharded table are summed. */
  private static List<Table> tablesFromManifest(Path file) {
    Map<String, Table> tables = new TreeMap<>();
    readJson(file).fields().forEachRemaining(e -> {
      JsonNode v = e.getValue();
      RecisLayout.Key key = RecisLayout.parseKey(e.getKey());
      if (key == null || !v.path("is_hashmap").asBoolean(false)) {
        return; // dense parameters are listed here too
      }
      List<Long> shape = longs(v.path("shape"));
      long rows = shape.isEmpty() ? 0 : shape.get(0);
      long dim = v.path("dimension").asLong(shape.size() > 1 ? shape.get(1) : 0);
      if (shape.size() > 1 && shape.get(1) != dim) {
        dim = -1; // "dimension" and the shape disagree: the tables check reports the entry
      }
      tables.merge(key.sharedName(), new Table(key.sharedName(), rows, dim, v.path("dtype").asText("?")),
          (a, b) -> new Table(a.name(), a.rows() + b.rows(), a.dim(), a.dtype()));
    });
    return List.copyOf(tables.values());
  }

  static List<Table> tablesFromHeaders(Path dir) {
    Map<String, Table> tables = new TreeMap<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).sorted().toList()) {
        for (TensorInfo t : SafetensorsReader.headerOf(f)) {
          RecisLayout.Key key = RecisLayout.parseKey(t.name());
          if (key == null || !key.slot().equals(RecisLayout.EMBEDDING_SLOT) || t.rank() != 2) {
            continue;
          }
          tables.merge(key.sharedName(), new Table(key.sharedName(), t.dim(0), t.dim(1), t.dtype().torchName()),
              (a, b) -> new Table(a.name(), a.rows() + b.rows(), a.dim(), a.dtype()));
        }
      }
    } catch (IOException | CheckpointException e) {
      throw new UnreadableException("cannot read the tables of " + dir + ": " + e.getMessage());
    }
    return List.copyOf(tables.values());
  }

  private static Path denseFolder(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> found = s.filter(p -> Files.isRegularFile(p.resolve("output_info.json"))).sorted().toList();
      if (found.size() != 1) {
        throw new UnreadableException(dir + " is not an export folder: it must hold exactly one dense folder with"
            + " output_info.json (found " + found.size() + "); give the exportDir of an export");
      }
      return found.get(0);
    } catch (IOException e) {
      throw new UnreadableException("cannot list " + dir + ": " + e);
    }
  }

  private static List<FileEntry> listFiles(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      List<FileEntry> out = new ArrayList<>();
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        out.add(new FileEntry(relative(dir, p), Files.size(p)));
      }
      return out;
    } catch (IOException e) {
      throw new UnreadableException("cannot list " + dir + ": " + e);
    }
  }

  static JsonNode readJson(Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      com.fasterxml.jackson.core.JsonLocation at = e.getLocation();
      String reason = String.valueOf(e.getOriginalMessage()).replaceAll("\\s*\\((start marker at|through reference chain).*", "")
          .replaceAll("\\s*\\[Source:.*", "").strip();
      reason = reason.isEmpty() ? "unreadable" : Character.toLowerCase(reason.charAt(0)) + reason.substring(1);
      throw new UnreadableException(file + (at == null || at.getLineNr() < 1 ? "" : ":" + at.getLineNr() + ":"
          + at.getColumnNr()) + ": not valid JSON: " + reason);
    } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
      throw new UnreadableException(file + " is missing");
    } catch (IOException e) {
      throw new UnreadableException("cannot read " + file + ": " + e);
    }
  }

  static List<Long> longs(JsonNode array) {
    List<Long> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asLong()));
    return out;
  }

  static String relative(Path dir, Path p) {
    return dir.relativize(p).toString().replace(p.getFileSystem().getSeparator(), "/");
  }
}
