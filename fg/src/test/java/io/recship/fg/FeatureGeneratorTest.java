package io.recship.fg;

import static io.recship.fg.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FeatureGeneratorTest {

  private static FeatureGenerator ctr() {
    return FeatureGenerator.load(ctrFg(), ctrMc(), FgOptions.DEFAULT);
  }

  @Test
  void computesBlockShapesLikeShapeManager() {
    FeatureGenerator g = ctr();
    assertThat(g.blocks()).extracting(BlockSpec::name).containsExactly("user", "item", "click_seq");
    assertThat(g.blockDim("user")).isEqualTo(16 + 8 + 4);
    assertThat(g.block("item").shape()).containsExactly(16 + 8 + 1);
    assertThat(g.block("click_seq").shape()).containsExactly(20, 16 + 8);
    assertThat(g.block("click_seq").isSequence()).isTrue();
    assertThat(g.block("user").isSequence()).isFalse();
  }

  @Test
  void prefixesSequenceBlockEntriesWithTheSequenceName() {
    FeatureGenerator g = ctr();
    assertThat(g.block("click_seq").featureNames()).containsExactly("click_seq_item_id", "click_seq_category");
    ResolvedFeature f = g.feature("click_seq_item_id");
    assertThat(f.sequenceName()).isEqualTo("click_seq");
    assertThat(f.sequenceLength()).isEqualTo(20);
    assertThat(f.shape()).containsExactly(20, 16);
    assertThat(f.sharedName()).isEqualTo("item_id");
    assertThat(f.ioName()).isEqualTo("click_seq_item_id");
  }

  @Test
  void eachFeatureKnowsItsJsonPointerInFgJsonForFindingsAboutIt() {
    FeatureGenerator g = ctr();
    assertThat(g.feature("gender").pointer()).isEqualTo("/features/2");
    assertThat(g.feature("click_seq_category").pointer()).isEqualTo("/features/6/features/1");
    // a tool's own finding, placed like the rules' findings
    Finding f = new Finding("DATA-BUCKET", Severity.WARNING, "gender", "too few buckets",
        ctrFg().fileName(), g.feature("gender").pointer() + "/hash_bucket_size");
    Finding other = new Finding("X", Severity.WARNING, null, "elsewhere", "data.jsonl", "");
    assertThat(RuleChecker.locate(ctrFg(), java.util.List.of(f, other)))
        .extracting(Finding::location)
        .containsExactly(ctrFg().fileName() + ":30:27", "data.jsonl#"); // at the value, as rules place theirs
  }

  @Test
  void resolvesEnumsAndDefaults() {
    FeatureGenerator g = ctr();
    ResolvedFeature age = g.feature("age");
    assertThat(age.valueType()).isEqualTo(ValueType.INTEGER);
    assertThat(age.genKeyType()).isEqualTo(GenKeyType.BOUNDARY);
    assertThat(age.boundaries()).containsExactly(18, 25, 30, 35, 40, 50, 60);
    assertThat(age.hashType()).isEqualTo(HashType.FARMHASH);
    assertThat(age.combiner()).isEqualTo(Combiner.MEAN);
    ResolvedFeature price = g.feature("price");
    assertThat(price.isLookup()).isFalse();
    assertThat(price.width()).isEqualTo(1);
    assertThat(price.embeddingDimension()).isZero();
    assertThat(g.feature("user_id").hashBucketSize()).isEqualTo(1_000_000);
  }

  @Test
  void keepsOnlyFeaturesMcUsesInFgOrder() {
    ConfigSource fgSrc = fg(hashed("a"), hashed("unused"), hashed("b"),
        "{\"feature_name\": \"s\", \"sequence_name\": \"s\", \"sequence_length\": 3, \"features\": [" + hashed("x") + ", " + hashed("y") + "]}",
        "{\"feature_name\": \"t\", \"sequence_name\": \"t\", \"sequence_length\": 3, \"features\": [" + hashed("z") + "]}");
    FeatureGenerator g = FeatureGenerator.load(fgSrc, mc("{\"m\": [\"b\", \"a\"], \"s\": [\"y\"]}"), FgOptions.DEFAULT);
    assertThat(g.features()).extracting(ResolvedFeature::name).containsExactly("a", "b", "s_y");
    assertThat(g.block("m").featureNames()).containsExactly("b", "a");
  }

  @Test
  void nonSequenceBlockMayListPrefixedSubFeatureOfAKeptSequence() {
    ConfigSource fgSrc = fg("{\"feature_name\": \"s\", \"sequence_name\": \"s\", \"sequence_length\": 4, \"features\": [" + raw("p", "\"value_dimension\": 2") + "]}");
    // RecIS keeps the group because block "s" is named after it (reference §2, fg filtering)
    FeatureGenerator g = FeatureGenerator.load(fgSrc, mc("{\"s\": [\"p\"], \"raw_s\": [\"s_p\"]}"), FgOptions.DEFAULT);
    assertThat(g.block("raw_s").shape()).containsExactly(4, 2);
    assertThat(g.block("raw_s").isSequence()).isFalse();
  }

  @Test
  void multihashConcatWidthIsDimTimesBucketCount() {
    ConfigSource fgSrc = fg("{\"feature_name\": \"mh\", \"feature_type\": \"id_feature\", \"value_type\": \"String\", \"gen_key_type\": \"multihash\","
        + " \"hash_bucket_size\": 10, \"compress_strategy\": \"yx:50,50,50:concat:1\", \"gen_val_type\": \"multihash_lookup\", \"embedding_dimension\": 8}");
    FeatureGenerator g = FeatureGenerator.load(fgSrc, mc("{\"b\": [\"mh\"]}"), FgOptions.DEFAULT);
    assertThat(g.blockDim("b")).isEqualTo(24);
    assertThat(g.feature("mh").genValType()).isEqualTo(GenValType.MULTIHASH_LOOKUP);
  }

  @Test
  void evHashResolvesToEvHashTypeWithBucketForcedToZero() {
    ConfigSource fgSrc = fg(hashed("e", "\"gen_key_type\": \"ev_hash\""), hashed("m", "\"gen_key_type\": \"ev_hash_mod\""));
    FeatureGenerator g = FeatureGenerator.load(fgSrc, mc("{\"b\": [\"e\", \"m\"]}"), FgOptions.DEFAULT);
    assertThat(g.feature("e").hashType()).isEqualTo(HashType.EV_HASH);
    assertThat(g.feature("e").hashBucketSize()).isZero();
    assertThat(g.feature("m").hashBucketSize()).isEqualTo(1000);
  }

  @Test
  void fromFeatureSetsTheIoColumn() {
    FeatureGenerator g = FeatureGenerator.load(fg(hashed("a"), hashed("a_clone", "\"from_feature\": \"a\"")), mc("{\"b\": [\"a\", \"a_clone\"]}"), FgOptions.DEFAULT);
    assertThat(g.feature("a_clone").ioName()).isEqualTo("a");
  }

  @Test
  void refusesStructurallyInvalidConfigListingEveryError() {
    ConfigSource bad = fg("{\"feature_name\": \"x\", \"feature_type\": \"id_feature\", \"value_type\": \"String\", \"gen_key_type\": \"hash\", \"gen_val_type\": \"lookup\"}");
    assertThatThrownBy(() -> FeatureGenerator.load(bad, mc("{\"b\": [\"x\", \"nope\"]}"), FgOptions.DEFAULT))
        .isInstanceOfSatisfying(FgConfigException.class, e -> {
          assertThat(e.findings()).extracting(Finding::ruleId).contains("FG-LOOKUPDIM", "MC-REF");
          assertThat(e.getMessage()).contains("would be refused by RecIS", "FG-LOOKUPDIM", "feature 'x'", "MC-REF", "'nope'");
          assertThat(e.file()).isEqualTo("fg.json");
          assertThat(e.line()).isPositive();
        });
  }

  @Test
  void ofRefusesInvalidBuilderConfig() {
    FgConfig fg = FgConfig.builder().feature("x", f -> f.idFeature().stringValue().hash(10)).build();
    McConfig mc = McConfig.builder().block("b", "x").build();
    assertThatThrownBy(() -> FeatureGenerator.of(fg, mc, FgOptions.DEFAULT))
        .isInstanceOf(FgConfigException.class)
        .hasMessageContaining("FG-REQ")
        .hasMessageContaining("gen_val_type");
  }

  @Test
  void ofLowercasesBuilderConfigWhenAsked() {
    FgConfig fg = FgConfig.builder().feature("UserId", f -> f.idFeature().stringValue().hash(10).lookup(4)).build();
    McConfig mc = McConfig.builder().block("User", "UserId").build();
    FeatureGenerator g = FeatureGenerator.of(fg, mc, new FgOptions(true, false));
    assertThat(g.blockDim("user")).isEqualTo(4);
    assertThat(g.feature("userid").name()).isEqualTo("userid");
  }

  @Test
  void loadsFromFilesAndNamesUnknownBlocks(@TempDir Path dir) throws Exception {
    Path fgPath = dir.resolve("fg.json");
    Path mcPath = dir.resolve("mc.json");
    Files.writeString(fgPath, ctrFg().text());
    Files.writeString(mcPath, ctrMc().text());
    FeatureGenerator g = FeatureGenerator.load(fgPath, mcPath);
    assertThat(g.features()).hasSize(8);
    assertThatThrownBy(() -> g.blockDim("usr")).hasMessageContaining("no mc block 'usr'").hasMessageContaining("user, item, click_seq");
  }
}
