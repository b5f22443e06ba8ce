package io.recship.fg;

import static io.recship.fg.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BadInputTest {

  @Test
  void malformedJsonNamesFileLineAndColumn() {
    ConfigSource src = new ConfigSource("fg.json", "{\"features\": [\n  {\"feature_name\": \"x\",,}\n]}");
    assertThatThrownBy(() -> FgParser.parseFg(src, FgOptions.DEFAULT))
        .isInstanceOfSatisfying(FgConfigException.class, e -> {
          assertThat(e.getMessage()).startsWith("fg.json:2:").contains("malformed JSON").contains("Fix the JSON syntax");
          assertThat(e.line()).isEqualTo(2);
          assertThat(e.column()).isPositive();
          assertThat(e.file()).isEqualTo("fg.json");
        });
  }

  @Test
  void anUnclosedObjectIsReportedWithoutJacksonsSourceLocationText() {
    assertThatThrownBy(() -> FgParser.parseFg(new ConfigSource("shop/fg.json", "{\"features\": [\n"),
            FgOptions.DEFAULT))
        .isInstanceOf(FgConfigException.class)
        .hasMessageContaining("malformed JSON: Unexpected end-of-input: expected close marker for Array"
            + " (start marker at line 1, column 14)")
        .hasMessageNotContaining("[Source:")
        .hasMessageNotContaining("StreamReadFeature");
  }

  @Test
  void absurdNestingIsNamedAsSuchWithoutASyntaxHint() {
    String deep = "{\"features\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertThatThrownBy(() -> FgParser.parseFg(new ConfigSource("fg.json", deep), FgOptions.DEFAULT))
        .isInstanceOf(FgConfigException.class)
        .hasMessageStartingWith("fg.json: is beyond what a config holds: Document nesting depth")
        .hasMessageContaining("check that this file is the config")
        .hasMessageNotContaining("missing comma");
  }

  @Test
  void checkerThrowsOnlyTheProjectExceptionForMalformedJson() {
    assertThatThrownBy(() -> check(new ConfigSource("fg.json", "{\"features\": [")))
        .isInstanceOf(FgConfigException.class)
        .hasMessageStartingWith("fg.json:1:");
    assertThatThrownBy(() -> check(fg(hashed("x")), mc("{\"b\": [\"x\"] trailing")))
        .isInstanceOf(FgConfigException.class)
        .hasMessageStartingWith("mc.json:1:");
  }

  @Test
  void emptyAndTrailingDataAreRejected() {
    assertThatThrownBy(() -> FgParser.parseFg(new ConfigSource("fg.json", "  "), FgOptions.DEFAULT))
        .isInstanceOf(FgConfigException.class).hasMessageContaining("the file is empty");
    assertThatThrownBy(() -> FgParser.parseFg(new ConfigSource("fg.json", "{\"features\": []} {}"), FgOptions.DEFAULT))
        .isInstanceOf(FgConfigException.class).hasMessageContaining("malformed JSON");
  }

  @Test
  void wrongTypeForAKeyNamesFileLinePointerAndFix() {
    ConfigSource src = new ConfigSource("fg.json", "{\"features\": [\n" + hashed("user_id", "\"hash_bucket_size\": \"abc\"") + "\n]}");
    assertThatThrownBy(() -> FgParser.parseFg(src, FgOptions.DEFAULT))
        .isInstanceOfSatisfying(FgConfigException.class, e -> {
          assertThat(e.getMessage()).startsWith("fg.json is not a usable fg.json: fg.json:2:")
              .contains("[FG-TYPE] feature 'user_id': \"hash_bucket_size\" must be an integer, but is the string \"abc\"")
              .contains("write it like \"hash_bucket_size\": 100000");
          assertThat(e.pointer()).isEqualTo("/features/0/hash_bucket_size");
          assertThat(e.line()).isEqualTo(2);
        });
  }

  @Test
  void aTopLevelArrayNamesTheFileOnce() {
    Finding f = check(new ConfigSource("/tmp/x/arr.json", "[1]")).get(0);
    assertThat(f.format()).isEqualTo("error[FG-TYPE] /tmp/x/arr.json:1:1 the top level is an array but must be a JSON object"
        + " like {\"features\": [...]}");
    assertThat(check(new ConfigSource("fg.json", "{\"features\": 3}")).get(0).format()).containsOnlyOnce("fg.json")
        .contains("\"features\" is the number 3 but must be a list of feature objects");
    assertThat(check(fg("1")).get(0).format()).containsOnlyOnce("fg.json").contains("fg.json:2:1 features entry #0 is the number 1");
    assertThat(check(fg(hashed("x")), mc("[]")).get(0).format())
        .startsWith("error[MC-FORMAT] mc.json:1:1 the top level is an array but must be an object");
  }

  @Test
  void otherWrongTypesAreExplained() {
    assertThatThrownBy(() -> FgParser.parseFg(new ConfigSource("fg.json", "[]"), FgOptions.DEFAULT))
        .hasMessageContaining("the top level is an array but must be a JSON object");
    assertThatThrownBy(() -> FgParser.parseFg(new ConfigSource("fg.json", "{\"features\": {}}"), FgOptions.DEFAULT))
        .hasMessageContaining("\"features\" is an object but must be a list");
    assertThatThrownBy(() -> FgParser.parseFg(fg("\"user_id\""), FgOptions.DEFAULT))
        .hasMessageContaining("features entry #0 is the string \"user_id\" but must be a feature object");
    assertThatThrownBy(() -> FgParser.parseFg(fg(hashed("x", "\"embedding_dimension\": 1.5")), FgOptions.DEFAULT))
        .hasMessageContaining("\"embedding_dimension\" must be an integer, but is the number 1.5");
    assertThatThrownBy(() -> FgParser.parseFg(fg(hashed("x", "\"embedding_dimension\": 99999999999")), FgOptions.DEFAULT))
        .hasMessageContaining("out of range");
    assertThatThrownBy(() -> FgParser.parseFg(fg(hashed("x", "\"feature_name\": null")), FgOptions.DEFAULT))
        .hasMessageContaining("\"feature_name\" must be a string, but is null");
    assertThatThrownBy(() -> FgParser.parseMc(mc("{\"b\": [1]}"), FgOptions.DEFAULT))
        .isInstanceOf(FgConfigException.class).hasMessageContaining("mc.json:1:").hasMessageContaining("entry #0 must be a string");
  }

  @Test
  void aBlockDefinedTwiceMakesTheMcUnusableNamingBothDefinitions() {
    ConfigSource userTwice = mc(ctrMc().text().replace("\"item\":", "\"user\":"));
    assertThatThrownBy(() -> FgParser.parseMc(userTwice, FgOptions.DEFAULT))
        .isInstanceOfSatisfying(FgConfigException.class, e -> {
          assertThat(e.getMessage()).isEqualTo("mc.json is not a usable mc.json: mc.json:3:3 [MC-FORMAT] block 'user' is"
              + " defined twice (first at line 2, column 3); RecIS keeps only the last definition, so 'user_id', 'age',"
              + " 'gender', listed only in the first, are lost: rename one of the blocks, or merge them into one");
          assertThat(e.pointer()).isEqualTo("/user");
          assertThat(e.line()).isEqualTo(3);
          assertThat(e.column()).isEqualTo(3);
        });
    // refused when loading, not later as "no mc block 'item'" from the model's code
    assertThatThrownBy(() -> FeatureGenerator.load(ctrFg(), userTwice, FgOptions.DEFAULT))
        .isInstanceOf(FgConfigException.class)
        .hasMessageContaining("mc.json:3:3 [MC-FORMAT] block 'user' is defined twice");
  }

  @Test
  void aKeyWrittenTwiceOnlyWarnsSoParsingKeepsTheLastValueAsRecisDoes() {
    ConfigSource twice = fg(hashed("x").replace("}", ", \"hash_bucket_size\": 7}"));
    FeatureConfig f = (FeatureConfig) FgParser.parseFg(twice, FgOptions.DEFAULT).entries().get(0);
    assertThat(f.hashBucketSize()).isEqualTo(7L);
    assertThat(f.raw().keySet()).as("in the first key's place").containsSubsequence("hash_bucket_size", "gen_val_type");
    FeatureGenerator g = FeatureGenerator.load(twice, mc("{\"b\": [\"x\", \"x\"]}"), FgOptions.DEFAULT);
    assertThat(g.blockDim("b")).as("RecIS concatenates a feature listed twice twice").isEqualTo(16);
  }

  @Test
  void nullForAKeyWhoseDefaultIsNoneMeansAbsent() {
    FgConfig fg = FgParser.parseFg(fg(hashed("x", "\"shared_name\": null, \"compress_strategy\": null")), FgOptions.DEFAULT);
    FeatureConfig f = (FeatureConfig) fg.entries().get(0);
    assertThat(f.sharedName()).isEqualTo("x");
    assertThat(f.compressStrategy()).isNull();
  }

  @Test
  void missingFileNamesThePathAndSaysWhatToCheck(@TempDir Path dir) {
    Path missing = dir.resolve("nope/fg.json");
    assertThatThrownBy(() -> ConfigSource.read(missing))
        .isInstanceOfSatisfying(FgConfigException.class, e -> {
          assertThat(e.getMessage()).startsWith(missing + ": no such file").contains("check the path");
          assertThat(e.file()).isEqualTo(missing.toString());
        });
    assertThatThrownBy(() -> FeatureGenerator.load(missing, missing)).isInstanceOf(FgConfigException.class);
  }

  @Test
  void directoryAndNonUtf8AreRefusedClearly(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> ConfigSource.read(dir)).isInstanceOf(FgConfigException.class).hasMessageContaining("is a directory");
    Path latin1 = dir.resolve("fg.json");
    Files.write(latin1, "{\"features\": [\"caf\u00e9\"]}".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> ConfigSource.read(latin1)).isInstanceOf(FgConfigException.class).hasMessageContaining("not UTF-8");
  }

  @Test
  void byteOrderMarkIsSkipped(@TempDir Path dir) throws Exception {
    Path p = dir.resolve("mc.json");
    Files.writeString(p, "\uFEFF{\"b\": [\"x\"]}");
    assertThat(FgParser.parseMc(ConfigSource.read(p), FgOptions.DEFAULT).get("b")).containsExactly("x");
  }

  @Test
  void classpathResourceIsReadAsUtf8WithoutItsByteOrderMark(@TempDir Path dir) throws Exception {
    Path fg = dir.resolve("ctr/fg.json");
    Files.createDirectories(fg.getParent());
    Files.write(fg, "\uFEFF{\"features\": []}".getBytes(StandardCharsets.UTF_8));
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      ConfigSource source = ConfigSource.resource(loader, "/ctr/fg.json");

      assertThat(source.fileName()).isEqualTo("/ctr/fg.json");
      assertThat(source.text()).isEqualTo("{\"features\": []}");
    }
  }

  @Test
  void missingClasspathResourceSaysWhereToPutIt(@TempDir Path dir) throws Exception {
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      assertThatThrownBy(() -> ConfigSource.resource(loader, "ctr/mc.json"))
          .isInstanceOfSatisfying(FgConfigException.class, e -> {
            assertThat(e.getMessage()).isEqualTo(
                "ctr/mc.json: is not on the classpath; put it under src/main/resources/ctr/mc.json");
            assertThat(e.file()).isEqualTo("ctr/mc.json");
          });
    }
  }

  @Test
  void bytesThatAreNotUtf8AreRefusedNotReplaced() {
    byte[] latin1 = "{\"a\": [\"caf\u00e9\"]}".getBytes(StandardCharsets.ISO_8859_1);

    assertThatThrownBy(() -> ConfigSource.decode("ctr/mc.json", latin1))
        .isInstanceOf(FgConfigException.class)
        .hasMessage("ctr/mc.json: is not UTF-8 text; save it as UTF-8 JSON");
  }
}
