package io.recship.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recship.examples.ctr.CtrPipeline;
import io.recship.serving.ExportedModel;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code recship inspect} and {@code recship score} on a small export of the Java example made here. */
class ExportCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path shared;
  @TempDir Path tmp;
  static CtrPipeline.Result demo;

  @BeforeAll
  static void exportTheExample() {
    demo = CtrPipeline.run(CtrPipeline.Settings.defaults(shared).withSteps(5).withSamples(1_000, 300), line -> {});
  }

  @Test
  void inspectListsOutputsInputsTablesFilesAndPassingChecks() {
    Cli r = Cli.run("inspect", demo.exportDir().toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .containsPattern("model io\\.recship\\.examples\\.ctr\\.CtrModel, exported ")
        .containsPattern("(?m)^  ctr  torch\\.float32  \\[128, 1\\]$")
        .containsPattern("(?m)^  cvr  torch\\.float32  \\[128, 1\\]$")
        .containsPattern("(?m)^  0  click_seq  torch\\.float32  \\[128, 20, 24\\]$")
        .containsPattern("(?m)^  1  item       torch\\.float32  \\[128, 25\\]$")
        .containsPattern("(?m)^  2  user       torch\\.float32  \\[128, 28\\]$")
        .containsPattern("(?m)^  item_id +[0-9,]+ rows x 16 +float32$")
        .contains("tables (torch_rank_weights_embs_table_multi_shard.json):")
        .containsPattern("(?m)^  fx_user_model/user_model\\.pt +[0-9,]+$")
        .containsPattern("(?m)^  ok       manifest     1\\d files match recship-manifest\\.json")
        .containsPattern("(?m)^  ok       torchscript  fx_user_model/user_model\\.pt loads in libtorch")
        .containsPattern("(?m)^  ok       fg ")
        .containsPattern("(?m)^  ok       sample       fx_user_model/user_model\\.pt on inputs_dict\\.json \\(128 rows\\)"
            + " gives output_base\\.json \\(2 outputs, max abs diff ")
        .containsPattern("(?m)^  ok       tables       5 tables agree across the \\*\\.safetensors headers,"
            + " torch_rank_weights_embs_table_multi_shard\\.json and fg\\.json \\(rows, dim\\)$")
        .endsWith("ok: all 5 checks passed\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void inspectJsonHasTheSameFacts() throws IOException {
    Cli r = Cli.run("inspect", demo.exportDir().toString(), "--format", "json");
    assertThat(r.exit()).isZero();
    JsonNode j = JSON.readTree(r.out());
    assertThat(j.path("outputs").findValuesAsText("name")).containsExactly("ctr", "cvr");
    assertThat(j.path("inputs").findValuesAsText("name")).containsExactly("click_seq", "item", "user");
    assertThat(j.path("tables").findValuesAsText("name")).containsExactly("age", "category", "gender", "item_id", "user_id");
    JsonNode item = j.path("tables").get(3);
    assertThat(item.path("dim").asInt()).isEqualTo(16);
    assertThat(item.path("rows").asLong()).isPositive();
    assertThat(j.path("files").findValuesAsText("path")).contains("fg.json", "fx_user_model/user_model.pt");
    assertThat(j.path("checks").findValuesAsText("name"))
        .containsExactly("manifest", "fg", "torchscript", "sample", "tables");
    assertThat(j.path("checks").findValues("ok")).allSatisfy(ok -> assertThat(ok.asBoolean()).isTrue());
    assertThat(j.path("checks").findValues("warning")).hasSize(5).allSatisfy(w -> assertThat(w.isNull()).isTrue());
    assertThat(j.path("unlisted").isArray()).isTrue();
    assertThat(j.path("unlisted")).isEmpty();
  }

  @Test
  void inspectWarnsAboutFilesTheManifestDoesNotListNamingThemWithoutFailing() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Files.writeString(copy.resolve("mynotes.txt"), "mine\n");
    Files.createDirectories(copy.resolve("fx_user_model/old"));
    Files.writeString(copy.resolve("fx_user_model/old/user_model.pt"), "the model before\n");

    Cli r = Cli.run("inspect", copy.toString());

    assertThat(r.exit()).as(r.err()).isZero(); // the listed files are intact
    String warning = "1 file and 1 folder not listed in recship-manifest.json: 'fx_user_model/old/', 'mynotes.txt';"
        + " they are not part of the export, and exporting again to this folder with overwrite(true) is refused"
        + " while they are in it: move them out of " + copy;
    assertThat(r.out())
        .containsPattern("(?m)^  WARN     manifest     1\\d files match recship-manifest\\.json \\(size and SHA-256\\)$")
        .contains("\n" + " ".repeat(24) + "warning: " + warning + "\n")
        .containsPattern("(?m)^  ok       tables ")
        .endsWith("ok: all 5 checks passed, 1 warning (manifest)\n");

    JsonNode j = JSON.readTree(Cli.run("inspect", copy.toString(), "--format", "json").out());
    JsonNode manifest = j.path("checks").get(0);
    assertThat(manifest.path("name").asText()).isEqualTo("manifest");
    assertThat(manifest.path("ok").asBoolean()).isTrue();
    assertThat(manifest.path("warning").asText()).isEqualTo(warning);
    assertThat(JSON.convertValue(j.path("unlisted"), List.class)).containsExactly("fx_user_model/old/", "mynotes.txt");
    assertThat(j.path("files").findValuesAsText("path")).doesNotContain("mynotes.txt");
  }

  @Test
  void inspectOfATamperedExportFailsTheManifestCheckNamingTheFileAndExitsOne() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Path table = copy.resolve("model-000000-of-000001.safetensors");
    byte[] b = Files.readAllBytes(table);
    b[b.length - 1] ^= 0x01;
    Files.write(table, b);

    Cli r = Cli.run("inspect", copy.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .containsPattern("(?m)^  FAILED   manifest     .*file 'model-000000-of-000001\\.safetensors' .*SHA-256")
        .containsPattern("(?m)^  ok       torchscript")
        .endsWith("FAILED: 1 of 5 checks (manifest)\n");
  }

  @Test
  void inspectOfADamagedGraphDescriptionFailsChecksNamingFileAndPositionInsteadOfGivingUp() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Path info = copy.resolve("fx_user_model/output_info.json");
    Files.writeString(info, "{\"OutputNodes\": [");

    Cli r = Cli.run("inspect", copy.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .containsPattern("(?m)^  FAILED   manifest     .*fx_user_model/output_info\\.json")
        .contains("  FAILED   sample       " + info + ":1:18: not valid JSON: the file ends inside an array: ']' is"
            + " missing; restore it or export again; the archive's scores cannot be checked without the graph's"
            + " description")
        .containsPattern("(?m)^  ok       torchscript ")
        .containsPattern("(?m)^  ok       tables ")
        .doesNotContain("[Source:");

    Path copy2 = copyOf(demo.exportDir(), "copy2");
    Files.delete(copy2.resolve("fx_user_model/params_order.json"));
    Cli missing = Cli.run("inspect", copy2.toString());
    assertThat(missing.exit()).isEqualTo(1);
    assertThat(missing.out()).contains("fx_user_model/params_order.json is missing from the export " + copy2
        + ": restore it or export again");
  }

  @Test
  void inspectExitsOneAsItsHelpSaysWhenAJsonFileOfTheExportDoesNotParseOrIsMissing() throws IOException {
    assertThat(Cli.run("inspect", "--help").out().replaceAll("\\s+", " "))
        .contains("1 a check failed (also for a file of the export that is missing, changed or does not parse: the"
            + " check names it)")
        .doesNotContain("or its JSON files do not parse");
    Path copy = copyOf(demo.exportDir());
    Files.writeString(copy.resolve("fx_user_model/params_order.json"), "{\n");
    Cli r = Cli.run("inspect", copy.toString());
    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.out()).containsPattern("(?m)^  FAILED   sample       " + Pattern.quote(
        copy.resolve("fx_user_model/params_order.json") + ":2:1: not valid JSON: the file ends inside an object"));
    // the sample check's own files too: a failed check, not "cannot inspect"
    Files.delete(copy.resolve("fx_user_model/inputs_dict.json"));
    Files.writeString(copy.resolve("fx_user_model/params_order.json"),
        Files.readString(demo.exportDir().resolve("fx_user_model/params_order.json")));
    Cli gone = Cli.run("inspect", copy.toString());
    assertThat(gone.exit()).as(gone.err()).isEqualTo(1);
    assertThat(gone.out()).contains("  FAILED   sample       fx_user_model/inputs_dict.json is missing from the export "
        + copy + ": restore it or export again");
  }

  @Test
  void inspectOfAnExportMissingAListedOutputInfoNamesTheMissingFileAndExitsOne() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Files.delete(copy.resolve("fx_user_model/output_info.json"));

    Cli r = Cli.run("inspect", copy.toString());

    assertThat(r.exit()).as(r.err()).isEqualTo(1);
    assertThat(r.err()).isEmpty();
    assertThat(r.out())
        .contains("  FAILED   manifest     file 'fx_user_model/output_info.json' listed in recship-manifest.json is"
            + " missing from " + copy)
        .contains("  FAILED   sample       fx_user_model/output_info.json is missing from the export " + copy
            + ": restore it or export again")
        .doesNotContain("not an export folder");
  }

  @Test
  void theManifestDecidesTheArchiveSoAnUnlistedBackupPtIsOnlyAWarningForInspectAndScore() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Files.copy(copy.resolve("fx_user_model/user_model.pt"), copy.resolve("fx_user_model/user_model_backup.pt"));

    Cli r = Cli.run("inspect", copy.toString());
    assertThat(r.exit()).as(r.out()).isZero();
    assertThat(r.out())
        .contains("warning: 1 file not listed in recship-manifest.json: 'fx_user_model/user_model_backup.pt'")
        .containsPattern("(?m)^  ok       torchscript  fx_user_model/user_model\\.pt loads in libtorch")
        .endsWith("ok: all 5 checks passed, 1 warning (manifest)\n");

    Cli s = Cli.run("score", copy.toString(), "--input", demo.heldOutFile().toString());
    assertThat(s.exit()).as(s.err()).isZero();
    assertThat(s.out().lines()).hasSize(Files.readAllLines(demo.heldOutFile()).size());
    assertThat(s.err()).isEqualTo("recship score: warning: 1 file in " + copy + " not listed in recship-manifest.json:"
        + " 'fx_user_model/user_model_backup.pt'; it is not part of the export and was not read\n");
  }

  @Test
  void theManifestDecidesTheDenseFolderSoALeftoverFolderWithOutputInfoIsOnlyAWarning() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Path old = Files.createDirectories(copy.resolve("fx_user_model_old"));
    Files.copy(copy.resolve("fx_user_model/output_info.json"), old.resolve("output_info.json"));

    Cli r = Cli.run("inspect", copy.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("outputs (fx_user_model/output_info.json):")
        .contains("warning: 1 folder not listed in recship-manifest.json: 'fx_user_model_old/'");

    Cli s = Cli.run("score", copy.toString(), "--input", demo.heldOutFile().toString());
    assertThat(s.exit()).as(s.err()).isZero();
    assertThat(s.err()).contains("warning: 1 folder in " + copy + " not listed in recship-manifest.json:"
        + " 'fx_user_model_old/'");
  }

  @Test
  void inspectWithoutAManifestNamesTheDenseFoldersItFound() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Files.delete(copy.resolve("recship-manifest.json"));
    Path old = Files.createDirectories(copy.resolve("fx_user_model_old"));
    Files.copy(copy.resolve("fx_user_model/output_info.json"), old.resolve("output_info.json"));

    Cli r = Cli.run("inspect", copy.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("recship inspect: " + copy + " holds 2 folders with output_info.json (fx_user_model,"
        + " fx_user_model_old) and no recship-manifest.json to say which is the export's dense folder; an export has"
        + " exactly one: move the others out of " + copy + ", or export again\n");
  }

  @Test
  void inspectOfACheckpointFolderSaysItIsACheckpointToExportFirst() {
    Cli r = Cli.run("inspect", demo.ckptDir().toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("recship inspect: " + demo.ckptDir() + " is a training checkpoint"
        + " (dense.safetensors, index), not an export: export it with the generated exporter");
  }

  @Test
  void inspectAndScoreOfTheDenseFolderInsideAnExportSayToGiveItsParent() {
    Path fx = demo.exportDir().resolve("fx_user_model");
    String says = fx + " is the dense folder inside an export (it holds output_info.json), not the export folder:"
        + " give its parent " + demo.exportDir().toAbsolutePath().normalize() + ", which holds recship-manifest.json\n";
    Cli i = Cli.run("inspect", fx.toString());
    assertThat(i.exit()).isEqualTo(2);
    assertThat(i.err()).isEqualTo("recship inspect: " + says);
    Cli s = Cli.run("score", fx.toString(), "--input", demo.heldOutFile().toString());
    assertThat(s.exit()).isEqualTo(2);
    assertThat(s.err()).isEqualTo("recship score: " + says);
  }

  @Test
  void inspectAdvisesRestoringAMissingFileOfTheExportRatherThanCheckingThePath() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Files.delete(copy.resolve("fg.json"));

    Cli r = Cli.run("inspect", copy.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .contains("  FAILED   fg           fg.json is missing from the export " + copy + ": restore it or export again")
        .doesNotContain("check the path");
  }

  @Test
  void inspectShowsTheSampleCheckAsSkippedWhenTheArchiveDoesNotLoad() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Files.writeString(copy.resolve("fx_user_model/user_model.pt"), "not an archive");

    Cli r = Cli.run("inspect", copy.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .contains("\n  SKIPPED  sample       not run: it needs the archive, which failed the torchscript check\n")
        .endsWith("FAILED: 2 of 5 checks (manifest, torchscript), 1 skipped (sample)\n");
    JsonNode j = JSON.readTree(Cli.run("inspect", copy.toString(), "--format", "json").out());
    JsonNode sample = j.path("checks").get(3);
    assertThat(sample.path("name").asText()).isEqualTo("sample");
    assertThat(sample.path("skipped").asBoolean()).isTrue();
    assertThat(sample.path("ok").asBoolean()).isFalse();
  }

  @Test
  void aCorruptManifestIsNamedWithLineColumnAndAPlainReasonWithoutJacksonInternals() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Path manifest = copy.resolve("recship-manifest.json");
    Files.writeString(manifest, "{\"format\": ");
    String says = manifest + ":1:12: not valid JSON: the file ends inside an object: '}' is missing; it is not a"
        + " valid manifest: export again";

    Cli i = Cli.run("inspect", copy.toString());
    assertThat(i.exit()).isEqualTo(1);
    assertThat(i.out()).contains("  FAILED   manifest     " + says + "\n").doesNotContain("Source").doesNotContain("marker");
    Cli s = Cli.run("score", copy.toString(), "--input", demo.heldOutFile().toString());
    assertThat(s.exit()).isEqualTo(2);
    assertThat(s.err()).isEqualTo("recship score: " + says + "\n");
  }

  @Test
  void inspectMessagesDoNotStartWithTheLoadersStepName() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Files.writeString(copy.resolve("fg.json"), " ", StandardOpenOption.APPEND);

    Cli i = Cli.run("inspect", copy.toString());
    assertThat(i.out()).contains("  FAILED   manifest     file 'fg.json' in " + copy).doesNotContain("load export:");
  }

  @Test
  void inspectFailsTheSampleCheckWhenTheInputOrderIsWrong() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Files.writeString(copy.resolve("fx_user_model/params_order.json"), "[\"user\", \"item\", \"click_seq\"]");

    Cli r = Cli.run("inspect", copy.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out())
        .containsPattern("(?m)^  FAILED   sample       inputs_dict_lite\\.json gives input 'user' idx 2, but it is"
            + " argument 0 in params_order\\.json$")
        .containsPattern("(?m)^  ok       tables ");

    // with idx rewritten to match, the archive itself refuses the inputs in that order
    Path lite = copy.resolve("fx_user_model/inputs_dict_lite.json");
    Files.writeString(lite, Files.readString(lite).replace("\"idx\":0", "\"idx\":X").replace("\"idx\":2", "\"idx\":0")
        .replace("\"idx\":X", "\"idx\":2"));
    assertThat(Cli.run("inspect", copy.toString()).out())
        .containsPattern("(?m)^  FAILED   sample       fx_user_model/user_model\\.pt cannot run on inputs_dict\\.json in"
            + " params_order\\.json order: ")
        // libtorch's traceback once, under the check, not again at column 0
        .containsOnlyOnce("Traceback of TorchScript")
        .containsPattern("(?m)^ {24}Traceback of TorchScript");
  }

  @Test
  void inspectFailsTheSampleCheckOnNanScoresAndOnAnIdxThatIsNotTheArgumentPosition() throws IOException {
    Path nan = copyOf(demo.exportDir());
    Path base = nan.resolve("fx_user_model/output_base.json");
    // a quoted "NaN" stays valid JSON, and Jackson reads it as the number
    Files.writeString(base, Files.readString(base).replaceAll("\\[\\[[-0-9.eE]+\\]", "[[\"NaN\"]"));
    assertThat(Cli.run("inspect", nan.toString()).out())
        .containsPattern("(?m)^  FAILED   sample       output 'ctr' value 0: .* output_base\\.json has NaN$");

    Path idx = copyOf(demo.exportDir(), "idx");
    Path lite = idx.resolve("fx_user_model/inputs_dict_lite.json");
    Files.writeString(lite, Files.readString(lite).replace("\"idx\":0", "\"idx\":9"));
    assertThat(Cli.run("inspect", idx.toString()).out()).containsPattern(
        "(?m)^  FAILED   sample       inputs_dict_lite\\.json gives input 'click_seq' idx 9, but it is argument 0");
  }

  @Test
  void inspectFailsTheFgCheckWhenInputColumnsGiveABlockAnotherShapeThanTheGraphInput() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Path columns = copy.resolve("fx_user_model/input_columns.json");
    JsonNode c = JSON.readTree(columns.toFile());
    ObjectNode swapped = JSON.createObjectNode();
    c.fields().forEachRemaining(e -> swapped.set(
        e.getKey().equals("user") ? "item" : e.getKey().equals("item") ? "user" : e.getKey(), e.getValue()));
    JSON.writeValue(columns.toFile(), swapped);

    assertThat(Cli.run("inspect", copy.toString()).out()).containsPattern(
        "(?m)^  FAILED   fg           graph input '(item|user)': inputs_dict_lite\\.json gives rows of \\[\\d+\\],"
            + " fg\\.json and input_columns\\.json give \\[\\d+\\]$");
  }

  @Test
  void inspectFailsTheSampleCheckWhenOutputInfoListsAnOutputTheGraphDoesNotReturn() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Path info = copy.resolve("fx_user_model/output_info.json");
    Files.writeString(info, Files.readString(info).replace("\"OutputNodes\": [",
        "\"OutputNodes\": [{\"OutputNodeName\": \"extra\", \"dtype\": \"torch.float32\", \"shape\": [128, 1]},"));

    Cli r = Cli.run("inspect", copy.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).containsPattern(
        "(?m)^  FAILED   sample       fx_user_model/user_model\\.pt returns 2 outputs, output_info\\.json lists 3$");
  }

  @Test
  void inspectFailsTheTablesCheckWhenTheRtpManifestDisagreesWithTheTableFiles() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Path manifest = copy.resolve("torch_rank_weights_embs_table_multi_shard.json");
    JsonNode m = JSON.readTree(manifest.toFile());
    String key = "user_id.embedding/part_0_1";
    assertThat(m.has(key)).as("manifest keys %s", m.fieldNames()).isTrue();
    ObjectNode entry = (ObjectNode) m.get(key);
    entry.put("dimension", 32);
    ((ArrayNode) entry.get("shape")).set(1, 32);
    JSON.writeValue(manifest.toFile(), m);

    Cli r = Cli.run("inspect", copy.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).containsPattern("(?m)^  FAILED   tables       table 'user_id': torch_rank_weights_embs_table_multi_shard"
        + "\\.json says \\d+ rows x 32, the \\*\\.safetensors files hold \\d+ x 16; export again from the checkpoint \\(if the export"
            + " refuses it, the checkpoint itself has the problem and its message says which\\)$");
  }

  @Test
  void inspectReportsAMalformedFgJsonOnceAndTheTablesCheckSaysItLeftFgJsonOut() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Files.writeString(copy.resolve("fg.json"), "x\n", StandardOpenOption.APPEND);

    Cli r = Cli.run("inspect", copy.toString());

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out().lines().filter(l -> l.contains("malformed JSON")))
        .singleElement().asString().startsWith("  FAILED   fg           " + copy.resolve("fg.json") + ":");
    assertThat(r.out())
        .containsPattern("(?m)^  ok       tables       5 tables agree across .*\\(rows, dim\\); not compared with"
            + " fg\\.json, which does not load \\(see the fg check\\)$")
        .endsWith("FAILED: 2 of 5 checks (manifest, fg)\n");
  }

  @Test
  void inspectOfATruncatedArchivePrintsLibtorchsMessageOnceIndentedUnderItsCheck() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Path archive = copy.resolve("fx_user_model/user_model.pt");
    try (FileChannel c = FileChannel.open(archive, StandardOpenOption.WRITE)) {
      c.truncate(5000);
    }

    Cli r = Cli.run("inspect", copy.toString());

    assertThat(r.exit()).isEqualTo(1);
    String checks = r.out().substring(r.out().indexOf("\nchecks:\n") + "\nchecks:\n".length(),
        r.out().indexOf("\n\nFAILED: "));
    assertThat(checks).containsPattern("(?m)^  FAILED   torchscript  fx_user_model/user_model\\.pt does not load:"
        + " libtorch says: \\S");
    assertThat(checks).doesNotContain("full libtorch message below");
    assertThat(checks.lines()).as("every line of a check's detail is indented under it")
        .allSatisfy(l -> assertThat(l).startsWith("  "));
    String reason = checks.substring(checks.indexOf("libtorch says: ") + "libtorch says: ".length()).lines()
        .findFirst().orElseThrow();
    assertThat(checks.split(Pattern.quote(reason), -1)).as("libtorch's message once").hasSize(2);
  }

  @Test
  void inspectOfAFolderThatIsNoExportExitsTwo() {
    Cli r = Cli.run("inspect", tmp.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("is not an export folder").contains("output_info.json");
  }

  @Test
  void inspectOfAMissingFolderSaysItDoesNotExistAndExitsTwo() {
    Path missing = tmp.resolve("missing");
    Cli r = Cli.run("inspect", missing.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("recship inspect: " + missing + ": no such folder (absolute path " + missing
        + "); give the export folder (the exportDir of an export)\n");
  }

  @Test
  void scorePrintsOneJsonLinePerSampleWithTheScoresOfExportedModel() throws IOException {
    Cli r = Cli.run("score", demo.exportDir().toString(), "--input", demo.heldOutFile().toString(), "--batch-size", "64");

    assertThat(r.exit()).as(r.err()).isZero();
    List<String> lines = r.out().lines().toList();
    List<Map<String, Object>> samples = readJsonLines(demo.heldOutFile());
    assertThat(lines).hasSize(samples.size());
    Map<String, float[]> expected;
    try (ExportedModel m = ExportedModel.load(demo.exportDir())) {
      expected = m.score(samples);
    }
    for (int i = 0; i < lines.size(); i++) {
      JsonNode j = JSON.readTree(lines.get(i));
      assertThat(j.path("sample_id").asText()).isEqualTo(samples.get(i).get("sample_id"));
      assertThat(j.path("ctr").floatValue()).isCloseTo(expected.get("ctr")[i], within(0f));
      assertThat(j.path("cvr").floatValue()).isCloseTo(expected.get("cvr")[i], within(0f));
    }
  }

  @Test
  void scoreWritesToOutputFileAndNumbersLinesWithoutAnIdColumn() throws IOException {
    Path in = tmp.resolve("no-ids.jsonl");
    List<String> src = Files.readAllLines(demo.heldOutFile()).subList(0, 3);
    List<String> noIds = new ArrayList<>();
    for (String l : src) {
      noIds.add(l.replaceAll(",?\"sample_id\":\"s\\d+\"", ""));
    }
    noIds.add(1, ""); // blank lines are skipped but still counted
    Files.write(in, noIds);
    Path out = tmp.resolve("scores.jsonl");

    Cli r = Cli.run("score", demo.exportDir().toString(), "--input", in.toString(), "--output", out.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("3 samples scored -> " + out);
    List<String> lines = Files.readAllLines(out);
    assertThat(lines).hasSize(3);
    assertThat(lines).extracting(l -> JSON.readTree(l).path("sample_id").asLong()).containsExactly(1L, 3L, 4L);
  }

  @Test
  void scoreRefusesAnOutputThatIsItsOwnInputAndLeavesTheInputIntact() throws IOException {
    Path in = tmp.resolve("samples.jsonl");
    Files.write(in, Files.readAllLines(demo.heldOutFile()).subList(0, 5));
    byte[] before = Files.readAllBytes(in);

    Cli r = Cli.run("score", demo.exportDir().toString(), "--input", in.toString(), "--output",
        tmp.resolve(".").resolve("samples.jsonl").toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("is the --input file: scoring would overwrite the samples it reads;"
        + " choose another --output path");
    assertThat(Files.readAllBytes(in)).isEqualTo(before);
  }

  @Test
  void scoreKeepsThePermissionsOfTheOutputItReplacesAndWritesThroughALink() throws IOException {
    Path in = tmp.resolve("samples.jsonl");
    Files.write(in, Files.readAllLines(demo.heldOutFile()).subList(0, 3));
    Path out = Files.writeString(tmp.resolve("scores.jsonl"), "old\n");
    Set<PosixFilePermission> groupReadable = PosixFilePermissions.fromString("rw-r-----");
    Files.setPosixFilePermissions(out, groupReadable);

    Cli r = Cli.run("score", demo.exportDir().toString(), "--input", in.toString(), "--output", out.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readAllLines(out)).hasSize(3);
    assertThat(Files.getPosixFilePermissions(out)).isEqualTo(groupReadable);

    Path real = Files.writeString(tmp.resolve("real.jsonl"), "old\n");
    Path link = Files.createSymbolicLink(tmp.resolve("link.jsonl"), real);
    Cli viaLink = Cli.run("score", demo.exportDir().toString(), "--input", in.toString(), "--output", link.toString());

    assertThat(viaLink.exit()).as(viaLink.err()).isZero();
    assertThat(link).isSymbolicLink();
    assertThat(Files.readAllLines(real)).hasSize(3);
  }

  @Test
  void aScoreThatFailsHalfwayLeavesAnEarlierOutputAsItWasAndNoPartialFile() throws IOException {
    Path in = tmp.resolve("late-error.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(demo.heldOutFile()).subList(0, 300));
    lines.set(289, lines.get(289).replaceFirst("\"age\":\\d+", "\"age\":\"x\""));
    Files.write(in, lines);
    Path out = tmp.resolve("scores.jsonl");
    Files.writeString(out, "yesterday's scores\n");

    Cli r = Cli.run("score", demo.exportDir().toString(), "--input", in.toString(), "--output", out.toString(),
        "--batch-size", "64");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(in + ":290").contains("'age'")
        .endsWith("; --output " + out + " was left as it was\n");
    assertThat(Files.readString(out)).isEqualTo("yesterday's scores\n");
    try (var files = Files.list(tmp)) {
      assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("late-error.jsonl", "scores.jsonl");
    }

    Path fresh = tmp.resolve("new/scores.jsonl");
    Cli none = Cli.run("score", demo.exportDir().toString(), "--input", in.toString(), "--output", fresh.toString(),
        "--batch-size", "64");
    assertThat(none.err()).endsWith("; no --output file was written\n");
    assertThat(fresh).doesNotExist();
  }

  @Test
  void scoreOfAnInputWithAMissingColumnExitsTwoNamingFileLineAndColumn() throws IOException {
    Path in = tmp.resolve("bad.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(demo.heldOutFile()).subList(0, 2));
    lines.set(1, lines.get(1).replaceAll("\"price\":[0-9.]+,", ""));
    Files.write(in, lines);

    Cli r = Cli.run("score", demo.exportDir().toString(), "--input", in.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(in + ":2").contains("price");
  }

  @Test
  void scoreOfAMissingExportFolderSaysItDoesNotExist() {
    Path missing = tmp.resolve("nope");
    Cli r = Cli.run("score", missing.toString(), "--input", demo.heldOutFile().toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("recship score: " + missing + ": no such folder (absolute path " + missing
        + "); give the export folder (the exportDir of an export)\n");
  }

  @Test
  void scoreCreatesTheMissingParentFoldersOfOutputAsTheExporterDoes() {
    Path out = tmp.resolve("missing-dir/deeper/s.jsonl");
    Cli r = Cli.run("score", demo.exportDir().toString(), "--input", demo.heldOutFile().toString(),
        "--output", out.toString());
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).isEqualTo("recship score: 300 samples scored -> " + out + "\n");
    assertThat(out).isRegularFile().content().hasLineCount(300);
  }

  @Test
  void scoreToAnOutputThatCannotBeAFileSaysWhyAndExitsTwo() throws IOException {
    Path file = Files.createFile(tmp.resolve("afile"));
    Path below = file.resolve("s.jsonl");
    Cli underFile = Cli.run("score", demo.exportDir().toString(), "--input", demo.heldOutFile().toString(),
        "--output", below.toString());
    assertThat(underFile.exit()).isEqualTo(2);
    assertThat(underFile.err())
        .isEqualTo("recship score: --output " + below + ": " + file + " is a file, not a folder; choose another path\n");

    Cli folder = Cli.run("score", demo.exportDir().toString(), "--input", demo.heldOutFile().toString(),
        "--output", tmp.toString());
    assertThat(folder.exit()).isEqualTo(2);
    assertThat(folder.err()).isEqualTo("recship score: --output " + tmp + " is a folder; give a file path\n");
  }

  @Test
  void scoreOfAMissingInputNamesItsAbsolutePathWithoutALineNumber() {
    Path missing = Path.of("no-such-dir-here", "nope.jsonl");
    Cli r = Cli.run("score", demo.exportDir().toString(), "--input", missing.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("recship score: " + missing + ": no such file (absolute path "
        + missing.toAbsolutePath() + "); check the path\n");
  }

  @Test
  void scoreOfAMalformedLineNamesFileLineAndColumnInPlainWords() throws IOException {
    Path in = tmp.resolve("malformed.jsonl");
    List<String> lines = new ArrayList<>(Files.readAllLines(demo.heldOutFile()).subList(0, 2));
    lines.set(1, "{\"user_id\": \"u1\", \"click_seq_item_id\": [\"i1\"");
    Files.write(in, lines);

    Cli r = Cli.run("score", demo.exportDir().toString(), "--input", in.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("recship score: " + in + ":2:45: not valid JSON: the line ends inside an array:"
        + " ']' is missing\n");
  }

  @Test
  void scoreOfACsvInputSaysItReadsJsonLinesAndThatCsvIsForTrainingDatasets() throws IOException {
    Path in = tmp.resolve("samples.csv");
    Files.writeString(in, "user_id,item_id\nu1,i1\n");

    Cli r = Cli.run("score", demo.exportDir().toString(), "--input", in.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("recship score: " + in + ":1:1: not valid JSON: 'user_id' is not a JSON value (strings"
        + " need double quotes); score reads JSON Lines (one JSON object per line, columns as in training), which " + in
        + " is not: CSV is read only as a training dataset (Dataset.builder(schema).csv(...)); convert the samples to"
        + " JSON Lines\n");
  }

  @Test
  void scoreMessagesDoNotStartWithTheLoadersStepName() throws IOException {
    Path copy = copyOf(demo.exportDir());
    Files.writeString(copy.resolve("fg.json"), " ", StandardOpenOption.APPEND);

    Cli s = Cli.run("score", copy.toString(), "--input", demo.heldOutFile().toString());
    assertThat(s.exit()).isEqualTo(2);
    assertThat(s.err()).startsWith("recship score: file 'fg.json' in " + copy + " does not match recship-manifest.json");
  }

  @Test
  void scoreWarnsOnceWhenANamedIdColumnIsNotInTheFirstSampleButNotForTheDefault() throws IOException {
    Cli r = Cli.run("score", demo.exportDir().toString(), "--input", demo.heldOutFile().toString(),
        "--id-column", "sampleid");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.err()).isEqualTo("recship score: warning: --id-column sampleid is not in the first sample ("
        + demo.heldOutFile() + ":1, columns: user_id, age, gender, item_id, category, price, click_seq_item_id,"
        + " click_seq_category, click, sample_id, conversion); sample_id is the line number\n");
    assertThat(r.out().lines()).hasSize(300).first().asString().startsWith("{\"sample_id\":1,");

    // without --id-column, input without ids is the documented line-number case: nothing to warn about
    Path in = tmp.resolve("no-ids.jsonl");
    Files.write(in, List.of(Files.readAllLines(demo.heldOutFile()).get(0).replaceAll(",?\"sample_id\":\"s\\d+\"", "")));
    Cli quiet = Cli.run("score", demo.exportDir().toString(), "--input", in.toString());
    assertThat(quiet.exit()).as(quiet.err()).isZero();
    assertThat(quiet.err()).isEmpty();
  }

  @Test
  void scoreOfAnInputWithoutSamplesSaysSoOnStandardErrorAndExitsZero() throws IOException {
    Path empty = Files.createFile(tmp.resolve("empty.jsonl"));
    Path blank = Files.writeString(tmp.resolve("blank.jsonl"), "\n  \n");

    Cli r = Cli.run("score", demo.exportDir().toString(), "--input", empty.toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).isEqualTo("recship score: --input " + empty + " holds 0 samples (it is empty or has only"
        + " blank lines); nothing was scored\n");

    Path out = tmp.resolve("scores.jsonl");
    Cli toFile = Cli.run("score", demo.exportDir().toString(), "--input", blank.toString(), "--output", out.toString());
    assertThat(toFile.exit()).as(toFile.err()).isZero();
    assertThat(toFile.err()).isEqualTo("recship score: --input " + blank + " holds 0 samples (it is empty or has only"
        + " blank lines); nothing was scored, " + out + " is empty\n");
    assertThat(out).isEmptyFile();
  }

  @Test
  void scoreOfAFolderThatIsNoExportExitsTwo() {
    Cli r = Cli.run("score", tmp.toString(), "--input", demo.heldOutFile().toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("recship-manifest.json");
  }

  @Test
  void scoreOfACheckpointFolderSaysItIsACheckpointToExportFirst() {
    Cli r = Cli.run("score", demo.ckptDir().toString(), "--input", demo.heldOutFile().toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains(demo.ckptDir() + " is a training checkpoint (dense.safetensors, index), not an export:"
        + " export it with the generated exporter");
  }

  private static List<Map<String, Object>> readJsonLines(Path file) throws IOException {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String l : Files.readAllLines(file)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> m = JSON.readValue(l, Map.class);
      out.add(m);
    }
    return out;
  }

  private Path copyOf(Path dir) throws IOException {
    return copyOf(dir, "copy");
  }

  private Path copyOf(Path dir, String name) throws IOException {
    Path target = tmp.resolve(name);
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        Path t = target.resolve(dir.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(t);
        } else {
          Files.copy(p, t, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return target;
  }
}
