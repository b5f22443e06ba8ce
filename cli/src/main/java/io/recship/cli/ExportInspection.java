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
import io.recship.json.JsonProblems;
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
   * {@code skipped}: the check did not run, since a file it needs failed another check; {@code
   * detail} says which (a skipped check is not {@code ok}, nor counted as failed).
   */
  record Check(String name, boolean ok, String detail, @Nullable String warning, boolean skipped) {
    Check(String name, boolean ok, String detail, @Nullable String warning) {
      this(name, ok, detail, warning, false);
    }

    Check(String name, boolean ok, String detail) {
      this(name, ok, detail, null, false);
    }

    static Check skipped(String name, String reason) {
      return new Check(name, false, reason, null, true);
    }

    boolean failed() {
      return !ok && !skipped;
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
   * Reads {@code dir} and runs the checks. A file of the export that is missing or does not parse
   * fails the check that needs it (exit 1); only a folder that is no export is unreadable (exit 2).
   *
   * @throws UnreadableException if {@code dir} is not an export folder (no dense folder can be told)
   */
  static ExportInspection of(Path dir) {
    String problem = FileProblems.exportDirProblem(dir);
    if (problem != null) {
      throw new UnreadableException(problem);
    }
    // the manifest, when it can be read, decides what belongs to the export; without it, what is there
    @Nullable ExportManifest listing = listing(dir);
    Path fx = denseFolder(dir, listing);
    List<Output> outputs = new ArrayList<>();
    List<Input> inputs = new ArrayList<>();
    // a damaged graph description fails the sample check (which ties these files together), beside
    // the manifest's verdict on it; the checks that do not need it still run
    @Nullable String denseProblem = null;
    try {
      for (JsonNode n : readJson(dir, fx.resolve(ExportManifest.OUTPUT_INFO)).path("OutputNodes")) {
        outputs.add(new Output(n.path("OutputNodeName").asText(), n.path("dtype").asText(), longs(n.path("shape"))));
      }
      JsonNode lite = readJson(dir, fx.resolve("inputs_dict_lite.json"));
      for (JsonNode n : readJson(dir, fx.resolve("params_order.json"))) {
        JsonNode info = lite.path(n.asText());
        inputs.add(new Input(info.path("idx").asInt(inputs.size()), n.asText(), info.path("dtype").asText("?"),
            longs(info.path("shape"))));
      }
    } catch (UnreadableException e) {
      denseProblem = e.getMessage();
      outputs.clear();
      inputs.clear();
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
      checks.add(new Check("manifest", false, e.detail(), unlistedWarning));
      files = listFiles(dir);
    }
    // loaded once for both checks that use it: a broken fg.json is reported once, by "fg"
    @Nullable FeatureGenerator fg = null;
    @Nullable String fgMissing = missing(dir, dir.resolve("fg.json"), fx.resolve("input_columns.json"));
    if (fgMissing != null) {
      checks.add(new Check("fg", false, fgMissing));
    } else {
      try {
        fg = FeatureGenerator.load(ConfigSource.read(dir.resolve("fg.json")),
            ConfigSource.read(fx.resolve("input_columns.json")), FgOptions.DEFAULT);
        checks.add(fgCheck(dir, fx, fg, inputs, denseProblem));
      } catch (FgConfigException | IllegalArgumentException | IllegalStateException e) {
        // unreadable JSON, or a config FeatureGenerator cannot resolve (e.g. a block naming an unknown feature)
        fg = null;
        checks.add(new Check("fg", false, e.getMessage()));
      }
    }
    checks.addAll(torchScriptChecks(dir, fx, listing, outputs, inputs, denseProblem));

    Path manifest = dir.resolve(RecisLayout.MANIFEST_JSON);
    List<Table> tables = List.of();
    String tablesFrom;
    try {
      List<Table> fromHeaders = tablesFromHeaders(dir);
      if (Files.isRegularFile(manifest)) {
        tables = tablesFromManifest(dir, manifest);
        tablesFrom = RecisLayout.MANIFEST_JSON;
      } else {
        tables = fromHeaders;
        tablesFrom = "*.safetensors headers (no " + RecisLayout.MANIFEST_JSON + ")";
      }
      checks.add(TableCheck.of(fromHeaders, Files.isRegularFile(manifest) ? tables : null, fg));
    } catch (UnreadableException e) {
      tablesFrom = "(not read: " + e.getMessage() + ")";
      checks.add(new Check("tables", false, e.getMessage()));
    }
    return new ExportInspection(dir.toString(), modelName, createdAt, relative(dir, fx), outputs, inputs, tables,
        tablesFrom, files, checks, unlisted);
  }

  /** The manifest of {@code dir} if it can be read (its files are not checked here), else null. */
  private static @Nullable ExportManifest listing(Path dir) {
    try {
      return ExportManifest.read(dir);
    } catch (ExportException e) {
      return null; // the manifest check reports why
    }
  }

  /**
   * What a check says about files of the export that are not there, or null if all are: the
   * user's path was right (the folder is an export), so the fix is the file, not the path.
   */
  static @Nullable String missing(Path dir, Path... files) {
    List<String> gone = new ArrayList<>();
    for (Path f : files) {
      if (!Files.isRegularFile(f)) {
        gone.add(relative(dir, f));
      }
    }
    if (gone.isEmpty()) {
      return null;
    }
    return String.join(" and ", gone) + (gone.size() == 1 ? " is" : " are") + " missing from the export " + dir
        + ": restore " + (gone.size() == 1 ? "it" : "them") + " or export again";
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
  private static Check fgCheck(Path dir, Path fx, FeatureGenerator fg, List<Input> inputs,
      @Nullable String denseProblem) {
    if (denseProblem != null) {
      // said, so that "ok" is not read as "the graph's inputs agree too"
      return new Check("fg", true, "fg.json and " + relative(dir, fx) + "/input_columns.json load: "
          + fg.features().size() + " features in " + fg.blocks().size() + " blocks; not compared with the graph's"
          + " inputs, whose description does not read (see the sample check)");
    }
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
   * "torchscript": the export's archive loads in libtorch; "sample": run on the batch of {@code
   * inputs_dict.json} in {@code params_order.json} order, it gives {@code output_base.json}. The
   * archive is the one the manifest lists; without a readable manifest, the one {@code *.pt} of
   * the dense folder.
   */
  private static List<Check> torchScriptChecks(Path dir, Path fx, @Nullable ExportManifest listing,
      List<Output> outputs, List<Input> inputs, @Nullable String denseProblem) {
    Path archive;
    try {
      archive = archive(dir, fx, listing);
    } catch (UnreadableException e) {
      return List.of(new Check("torchscript", false, e.getMessage()), skippedSample(denseProblem));
    }
    @Nullable String gone = missing(dir, archive);
    if (gone != null) {
      return List.of(new Check("torchscript", false, gone), skippedSample(denseProblem));
    }
    try (ScriptModel m = ScriptModel.load(archive)) {
      Check loads = new Check("torchscript", true, relative(dir, archive) + " loads in libtorch ("
          + m.parameterNames().size() + " parameters)");
      Check sample = denseProblem != null ? sampleFails(denseProblem)
          : SampleCheck.of(dir, fx, archive, m, outputs, inputs);
      return List.of(loads, sample);
    } catch (TorchScriptException e) {
      return List.of(new Check("torchscript", false,
          relative(dir, archive) + " does not load: " + libtorchSays(e)), skippedSample(denseProblem));
    }
  }

  /** The sample check when the archive cannot run: a damaged graph description is still a failure. */
  private static Check skippedSample(@Nullable String denseProblem) {
    return denseProblem != null ? sampleFails(denseProblem)
        : Check.skipped("sample", "not run: it needs the archive, which failed the torchscript check");
  }

  private static Check sampleFails(String denseProblem) {
    return new Check("sample", false, denseProblem + "; the archive's scores cannot be checked without the graph's"
        + " description (output_info.json, inputs_dict_lite.json, params_order.json)");
  }

  /** The archive: the one the manifest lists, else the only {@code *.pt} in {@code fx}. */
  private static Path archive(Path dir, Path fx, @Nullable ExportManifest listing) {
    if (listing != null) {
      try {
        return dir.resolve(listing.archive());
      } catch (ExportException e) {
        throw new UnreadableException(e.detail());
      }
    }
    List<Path> archives;
    try (Stream<Path> s = Files.list(fx)) {
      archives = s.filter(p -> p.getFileName().toString().endsWith(".pt")).sorted().toList();
    } catch (IOException e) {
      throw new UnreadableException("cannot list " + fx + ": " + FileProblems.describe(e));
    }
    if (archives.size() != 1) {
      throw new UnreadableException(relative(dir, fx) + " holds " + archives.size() + " TorchScript archives (*.pt)"
          + (archives.isEmpty() ? "" : ": " + archives.stream().map(p -> relative(dir, p)).toList())
          + ", and without a readable " + ExportManifest.FILE_NAME + " nothing says which is the export's; an"
          + " export has exactly one: " + (archives.isEmpty() ? "export again" : "move the others out, or export again"));
    }
    return archives.get(0);
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
  private static List<Table> tablesFromManifest(Path dir, Path file) {
    Map<String, Table> tables = new TreeMap<>();
    readJson(dir, file).fields().forEachRemaining(e -> {
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
      throw new UnreadableException("cannot read the tables of " + dir + ": "
          + (e instanceof IOException io ? FileProblems.describe(io) : e.getMessage()));
    }
    return List.copyOf(tables.values());
  }

  /**
   * The dense folder (RecIS' {@code export_folder_name}): the one the manifest lists; without a
   * readable manifest (or one that lists none), the one folder holding {@code output_info.json}.
   *
   * @throws UnreadableException if that does not single out one folder: {@code dir} is no export
   */
  private static Path denseFolder(Path dir, @Nullable ExportManifest listing) {
    boolean hasManifest = Files.exists(dir.resolve(ExportManifest.FILE_NAME));
    if (listing != null) {
      try {
        return dir.resolve(listing.denseFolder());
      } catch (ExportException e) {
        // a hand-edited manifest: the manifest check reports the files; find the folder as without one
      }
    }
    @Nullable String other = hasManifest ? null : ExportManifest.notAnExport(dir);
    if (other != null) {
      throw new UnreadableException(other);
    }
    List<Path> found;
    try (Stream<Path> s = Files.list(dir)) {
      found = s.filter(p -> Files.isRegularFile(p.resolve(ExportManifest.OUTPUT_INFO))).sorted().toList();
    } catch (IOException e) {
      throw new UnreadableException("cannot list " + dir + ": " + FileProblems.describe(e));
    }
    if (found.size() == 1) {
      return found.get(0);
    }
    if (found.isEmpty()) {
      throw new UnreadableException(dir + " is not an export folder: it has "
          + (hasManifest ? "a " + ExportManifest.FILE_NAME + " that cannot be read" : "no " + ExportManifest.FILE_NAME)
          + " and no dense folder with " + ExportManifest.OUTPUT_INFO + "; give the exportDir of an export");
    }
    throw new UnreadableException(dir + " holds " + found.size() + " folders with " + ExportManifest.OUTPUT_INFO
        + " (" + String.join(", ", found.stream().map(p -> relative(dir, p)).toList()) + ") and "
        + (hasManifest ? "its " + ExportManifest.FILE_NAME + " cannot be read, so nothing says"
            : "no " + ExportManifest.FILE_NAME + " to say")
        + " which is the export's dense folder; an export has exactly one: move the others out of " + dir
        + ", or export again");
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

  /**
   * Reads a JSON file of the export {@code dir}.
   *
   * @throws UnreadableException naming the file: missing (with the fix: the file, not the path
   *     the user gave), or not parsing (with line, column and a plain reason)
   */
  static JsonNode readJson(Path dir, Path file) {
    try {
      return JSON.readTree(file.toFile());
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      throw new UnreadableException(JsonProblems.describe(file, e) + "; restore it or export again");
    } catch (java.nio.file.NoSuchFileException | java.io.FileNotFoundException e) {
      throw new UnreadableException(java.util.Objects.requireNonNull(missing(dir, file)));
    } catch (IOException e) {
      throw new UnreadableException("cannot read " + file + ": " + FileProblems.describe(e));
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
