package io.recship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ValidateCommandTest {
  private static final Path EXAMPLE = Path.of("../examples/java/src/main/resources/ctr");

  /** Runs the real command line in-process and captures what it prints. */
  record Run(int exit, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = RecShipCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  private static String resource(String name) {
    try {
      return Path.of(ValidateCommandTest.class.getResource("/validate/" + name).toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aMisspeltOptionIsReportedWithItsFixNotAsTheOptionItLeavesMissing() {
    Run r = run("validate", "--fgg", EXAMPLE.resolve("fg.json").toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).startsWith("Unknown options: '--fgg', '")
        .contains("Possible solutions: --fg")
        .doesNotContain("Missing required option");
  }

  @Test
  void exampleConfigValidatesWithNoFindingsAndExitZero() {
    String fg = EXAMPLE.resolve("fg.json").toString();
    String mc = EXAMPLE.resolve("mc.json").toString();
    Run r = run("validate", "--fg", fg, "--mc", mc);
    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(
        "ok: 0 errors, 0 warnings in " + fg + " + " + mc + " (target rtp-main-search)\n"
            + "blocks: user[28], item[25], click_seq[20, 24]\n");
    assertThat(r.err()).isEmpty();
  }

  @Test
  void emptyDataSaysNoDataWasChecked(@TempDir Path dir) throws IOException {
    Path empty = Files.writeString(dir.resolve("empty.jsonl"), "\n");
    Run r = run("validate", "--fg", EXAMPLE.resolve("fg.json").toString(), "--mc", EXAMPLE.resolve("mc.json").toString(),
        "--data", empty.toString());
    assertThat(r.exit()).isZero();
    assertThat(r.out()).endsWith("data: 0 rows read: the --data files hold no samples, so no data was checked\n");
  }

  /** The example's configs with gender at 10 buckets, and three samples: F, F, M. */
  private static Path[] collidingGenders(Path dir) throws IOException {
    Path fg = dir.resolve("fg.json");
    Files.writeString(fg, Files.readString(EXAMPLE.resolve("fg.json"))
        .replace("\"hash_bucket_size\": 100,", "\"hash_bucket_size\": 10,"));
    Path data = dir.resolve("train.jsonl");
    StringBuilder rows = new StringBuilder();
    for (String gender : List.of("F", "F", "M")) {
      rows.append("{\"user_id\": \"u1\", \"age\": 30, \"gender\": \"").append(gender)
          .append("\", \"item_id\": \"i1\", \"category\": \"c1\", \"price\": 2.0,"
              + " \"click_seq_item_id\": [\"i1\"], \"click_seq_category\": [\"c1\"]}\n");
    }
    Files.writeString(data, rows);
    return new Path[] {fg, EXAMPLE.resolve("mc.json"), data};
  }

  @Test
  void dataWhoseValuesShareABucketWarnsAtTheBucketSizeNamingBothRows(@TempDir Path dir) throws IOException {
    Path[] f = collidingGenders(dir);
    Run r = run("validate", "--fg", f[0].toString(), "--mc", f[1].toString(), "--data", f[2].toString());
    assertThat(r.exit()).isZero(); // a warning: the configs themselves are valid
    assertThat(r.out()).contains("warning[DATA-BUCKET] " + f[0] + ":30:27 feature 'gender': 'F' (" + f[2]
            + ":1) and 'M' (" + f[2] + ":3) share bucket 6 of hash_bucket_size 10")
        .contains("raise hash_bucket_size well above the 2 distinct values seen")
        .contains("0 errors, 1 warning")
        .contains("data: 3 rows read; distinct values per hashed feature: user_id 1, gender 2, item_id 1,"
            + " category 1, click_seq_item_id 1, click_seq_category 1; 1 pair sharing a bucket\n");
    Run capped = run("validate", "--fg", f[0].toString(), "--mc", f[1].toString(), "--data", f[2].toString(),
        "--data-rows", "2");
    assertThat(capped.out()).doesNotContain("DATA-BUCKET") // 'M' is in row 3
        .contains("data: 2 rows read (the --data-rows limit);");
    // the example's own fg (100 buckets) has no collision on the same data
    Run ok = run("validate", "--fg", EXAMPLE.resolve("fg.json").toString(), "--mc", f[1].toString(),
        "--data", f[2].toString());
    assertThat(ok.out()).doesNotContain("DATA-BUCKET").contains("0 errors, 0 warnings");
  }

  @Test
  void dataFindingsAreInTheJsonOutputWithPointerAndPosition(@TempDir Path dir) throws IOException {
    Path[] f = collidingGenders(dir);
    Run r = run("validate", "--fg", f[0].toString(), "--mc", f[1].toString(), "--data", f[2].toString(),
        "--format", "json");
    JsonNode finding = new ObjectMapper().readTree(r.out()).get(0);
    assertThat(finding.get("ruleId").asText()).isEqualTo("DATA-BUCKET");
    assertThat(finding.get("pointer").asText()).isEqualTo("/features/2/hash_bucket_size");
    assertThat(finding.get("line").asInt()).isEqualTo(30);
  }

  @Test
  void dataNeedsMcAndAMissingDataFileExitsTwoNamingIt(@TempDir Path dir) throws IOException {
    Path[] f = collidingGenders(dir);
    Run noMc = run("validate", "--fg", f[0].toString(), "--data", f[2].toString());
    assertThat(noMc.exit()).isEqualTo(2);
    assertThat(noMc.err()).contains("--data needs --mc");
    Path missing = dir.resolve("missing.jsonl");
    Run r = run("validate", "--fg", f[0].toString(), "--mc", f[1].toString(), "--data", missing.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("cannot read the --data samples").contains(missing.toString());
  }

  @Test
  void aMissingDataFileIsNamedWithItsAbsolutePathAndNoLineNumber(@TempDir Path dir) throws IOException {
    Path[] f = collidingGenders(dir);
    Path missing = Path.of("no-such-dir-here", "nope.jsonl");
    Run r = run("validate", "--fg", f[0].toString(), "--mc", f[1].toString(), "--data", missing.toString());
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("recship validate: cannot read the --data samples: " + missing
        + ": no such file (absolute path " + missing.toAbsolutePath() + "); check the path\n");
  }

  @Test
  void aMalformedDataLineIsADataRowErrorAtLineAndColumnWithoutJacksonsLocationText(@TempDir Path dir) throws IOException {
    Path[] f = collidingGenders(dir);
    List<String> rows = new ArrayList<>(Files.readAllLines(f[2]));
    rows.set(1, "{\"user_id\": \"u1\", \"click_seq_item_id\": [\"i1\"");
    Files.write(f[2], rows);
    Run r = run("validate", "--fg", f[0].toString(), "--mc", f[1].toString(), "--data", f[2].toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("error[DATA-ROW] " + f[2]
        + ":2:45 not valid JSON: the line ends inside an array: ']' is missing; training stops here by default: fix or drop the row\n");
    assertThat(r.err()).isEmpty();
  }

  /** The example's configs and {@code bad} rows whose price is not a number among three good ones. */
  private static Path[] withBadPrices(Path dir, int bad) throws IOException {
    Path[] f = collidingGenders(dir);
    List<String> rows = new ArrayList<>(Files.readAllLines(f[2]));
    for (int i = 0; i < bad; i++) {
      rows.add(1, rows.get(0).replace("\"price\": 2.0", "\"price\": \"cheap\""));
    }
    Files.write(f[2], rows);
    return new Path[] {EXAMPLE.resolve("fg.json"), f[1], f[2]};
  }

  @Test
  void badDataRowsAreCountedAndTheFirstTwentyListedWithFileLineAndReasonAndExitOne(@TempDir Path dir) throws IOException {
    Path[] f = withBadPrices(dir, 25);
    Run r = run("validate", "--fg", f[0].toString(), "--mc", f[1].toString(), "--data", f[2].toString());
    assertThat(r.exit()).isEqualTo(1);
    List<String> listed = r.out().lines().filter(l -> l.startsWith("error[DATA-ROW]")).toList();
    assertThat(listed).hasSize(20);
    assertThat(listed.get(0)).isEqualTo("error[DATA-ROW] " + f[2] + ":2 column 'price': 'cheap' is not a number;"
        + " training stops here by default: fix or drop the row");
    assertThat(listed.get(19)).startsWith("error[DATA-ROW] " + f[2] + ":21 ");
    assertThat(r.out()).contains("and 5 more bad --data rows (25 in all), not listed\n")
        .contains("data: 3 rows read, 25 bad rows skipped;");
  }

  @Test
  void badDataRowsAreDataRowErrorsInTheJsonOutputAndTheUnlistedCountGoesToStderr(@TempDir Path dir) throws IOException {
    Path[] f = withBadPrices(dir, 21);
    Run r = run("validate", "--fg", f[0].toString(), "--mc", f[1].toString(), "--data", f[2].toString(), "--format", "json");
    assertThat(r.exit()).isEqualTo(1);
    JsonNode all = new ObjectMapper().readTree(r.out());
    assertThat(all).hasSize(20);
    assertThat(all.get(0).get("ruleId").asText()).isEqualTo("DATA-ROW");
    assertThat(all.get(0).get("file").asText()).isEqualTo(f[2].toString());
    assertThat(all.get(0).get("line").asInt()).isEqualTo(2);
    assertThat(all.get(0).get("pointer").asText()).isEqualTo("/price");
    assertThat(r.err()).isEqualTo("recship validate: and 1 more bad --data row (21 in all), not listed\n");
  }

  @Test
  void dataRowWithSequenceSubFeaturesOfDifferentLengthsIsAnError(@TempDir Path dir) throws IOException {
    Path[] f = collidingGenders(dir);
    Files.writeString(f[2], Files.readString(f[2]).replaceFirst("\"click_seq_item_id\": \\[\"i1\"\\]",
        "\"click_seq_item_id\": [\"a\", \"b\"]"));
    Run r = run("validate", "--fg", EXAMPLE.resolve("fg.json").toString(), "--mc", f[1].toString(), "--data", f[2].toString());
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("error[DATA-ROW] " + f[2] + ":1 sequence 'click_seq': its sub-features have different"
        + " lengths ('click_seq_item_id' has 2 steps, 'click_seq_category' has 1 step)");
  }

  @Test
  void aMisspeltKeyIsAWarningWithTheKeyItMeansAndExitZero(@TempDir Path dir) throws IOException {
    Path fg = dir.resolve("fg.json");
    Files.writeString(fg, Files.readString(EXAMPLE.resolve("fg.json")).replaceFirst("\"shared_name\"", "\"shared_nmae\""));
    Run r = run("validate", "--fg", fg.toString(), "--target", "recis");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).containsPattern("warning\\[FG-UNKNOWNKEY\\] " + java.util.regex.Pattern.quote(fg.toString())
            + ":\\d+:\\d+ feature '\\w+': \"shared_nmae\" is not a key RecIS reads for a feature, so it has no effect:"
            + " did you mean \"shared_name\"\\? Rename it")
        .contains("ok: 0 errors, 1 warning");
  }

  @Test
  void lookupWithoutBucketSizeExitsOneNamingFeatureAndRule() {
    Run r = run("validate", "--fg", resource("fg-hb0.json"), "--mc", resource("mc.json"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).containsPattern("error\\[RTP-HB0\\] .*fg-hb0\\.json:4:5 feature 'user_id': hash_bucket_size is missing")
        .contains("1 error, 0 warnings")
        .doesNotContain("blocks:");
  }

  @Test
  void recisTargetDoesNotApplyRtpRules() {
    Run r = run("validate", "--fg", resource("fg-hb0.json"), "--mc", resource("mc.json"), "--target", "recis");
    assertThat(r.exit()).isZero();
    assertThat(r.out()).startsWith("ok: 0 errors").contains("(target recis)");
  }

  @Test
  void multihashFeatureExitsOneWithRtpMh() {
    Run r = run("validate", "--fg", resource("fg-multihash.json"), "--mc", resource("mc.json"));
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.out()).contains("error[RTP-MH]").contains("feature 'gender': multihash");
  }

  @Test
  void malformedJsonExitsTwoWithPosition() {
    Run r = run("validate", "--fg", resource("fg-malformed.json"), "--mc", resource("mc.json"));
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).containsPattern("fg-malformed\\.json:\\d+:\\d+: malformed JSON");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void missingFileExitsTwo() {
    Run r = run("validate", "--fg", "no/such/fg.json");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("no/such/fg.json: no such file");
  }

  @Test
  void jsonFormatPrintsAParseableArrayOfFindings() throws Exception {
    Run r = run("validate", "--fg", resource("fg-multihash.json"), "--mc", resource("mc.json"), "--format", "json");
    assertThat(r.exit()).isEqualTo(1);
    JsonNode arr = new ObjectMapper().readTree(r.out());
    assertThat(arr.isArray()).isTrue();
    assertThat(arr).hasSize(1);
    JsonNode f = arr.get(0);
    assertThat(f.get("ruleId").asText()).isEqualTo("RTP-MH");
    assertThat(f.get("severity").asText()).isEqualTo("error");
    assertThat(f.get("subject").asText()).isEqualTo("gender");
    assertThat(f.get("pointer").asText()).isEqualTo("/features/2/compress_strategy");
    assertThat(f.get("line").asInt()).isPositive();
    assertThat(f.get("file").asText()).endsWith("fg-multihash.json");
  }

  @Test
  void jsonFormatOfAValidConfigIsAnEmptyArray() throws Exception {
    Run r = run("validate", "--fg", EXAMPLE.resolve("fg.json").toString(), "--format", "JSON");
    assertThat(r.exit()).isZero();
    assertThat(new ObjectMapper().readTree(r.out())).isEmpty();
  }

  @Test
  void lowerCaseAndDevelModeReachTheChecker() {
    Run strict = run("validate", "--fg", resource("fg-hb0.json"), "--target", "recis", "--lower-case", "--devel-mode");
    assertThat(strict.exit()).isZero();
    assertThat(strict.out()).contains("in " + resource("fg-hb0.json") + " (target recis)");
  }

  @Test
  void unknownTargetIsAUsageErrorNamingTheChoices() {
    Run r = run("validate", "--fg", "x.json", "--target", "tpu");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("'tpu' is not a target; use rtp-main-search or recis");
  }

  @Test
  void helpAndVersionWork() {
    Run help = run("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("Usage: recship").contains("validate");
    Run vhelp = run("validate", "--help");
    assertThat(vhelp.out()).contains("--fg=FILE").contains("--target=TARGET").contains("Exit codes");
    Run version = run("--version");
    assertThat(version.exit()).isZero();
    assertThat(version.out()).matches("recship \\d+\\.\\d+\\.\\d+.*\\n");
  }

  @Test
  void noSubcommandPrintsUsageAndFails() {
    Run r = run();
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("Usage: recship").contains("a subcommand is required");
  }
}
