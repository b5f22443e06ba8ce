package io.recship.fg;

import static io.recship.fg.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;
import org.junit.jupiter.api.Test;

class FgParserTest {

  @Test
  void parsesPlainFeatureWithExplicitKeys() {
    FgConfig fg = FgParser.parseFg(fg(hashed("user_id", "\"hash_type\": \"murmur\", \"combiner\": \"sum\", \"shared_name\": \"uid\"")), FgOptions.DEFAULT);
    FeatureConfig f = (FeatureConfig) fg.entries().get(0);
    assertThat(f.featureName()).isEqualTo("user_id");
    assertThat(f.featureType()).isEqualTo("id_feature");
    assertThat(f.valueType()).isEqualTo("String");
    assertThat(f.genKeyType()).isEqualTo("hash");
    assertThat(f.genValType()).isEqualTo("lookup");
    assertThat(f.hashBucketSize()).isEqualTo(1000);
    assertThat(f.embeddingDimension()).isEqualTo(8);
    assertThat(f.hashType()).isEqualTo("murmur");
    assertThat(f.combiner()).isEqualTo("sum");
    assertThat(f.sharedName()).isEqualTo("uid");
  }

  @Test
  void appliesRecisDefaultsForOptionalKeys() {
    FgConfig fg = FgParser.parseFg(fg("{\"feature_name\": \"x\", \"feature_type\": \"id_feature\", \"value_type\": \"String\","
        + " \"gen_key_type\": \"hash\", \"gen_val_type\": \"lookup\"}"), FgOptions.DEFAULT);
    FeatureConfig f = (FeatureConfig) fg.entries().get(0);
    assertThat(f.hashBucketSize()).isZero();
    assertThat(f.hashType()).isEqualTo("farmhash");
    assertThat(f.combiner()).isEqualTo("mean");
    assertThat(f.valueDimension()).isEqualTo(1);
    assertThat(f.sharedName()).isEqualTo("x");
    assertThat(f.embeddingDimension()).isNull();
    assertThat(f.boundaries()).isNull();
    assertThat(f.compressStrategy()).isNull();
    assertThat(f.fromFeature()).isNull();
    assertThat(f.maskOut()).isEqualTo("0");
    assertThat(f.trainable()).isTrue();
  }

  @Test
  void parsesEveryFeatureKind() {
    ConfigSource src = fg(
        hashed("hashed"),
        "{\"feature_name\": \"bucketed\", \"feature_type\": \"raw_feature\", \"value_type\": \"Integer\", \"gen_key_type\": \"boundary\","
            + " \"boundaries\": \"0.0,2.0,3.0\", \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4}",
        raw("dense", "\"value_dimension\": 3"),
        "{\"feature_name\": \"raw_ids\", \"feature_type\": \"id_feature\", \"value_type\": \"Integer\", \"gen_key_type\": \"idle\","
            + " \"hash_bucket_size\": 500, \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4}",
        "{\"feature_name\": \"mh\", \"feature_type\": \"id_feature\", \"value_type\": \"String\", \"gen_key_type\": \"multihash\","
            + " \"hash_bucket_size\": 10, \"compress_strategy\": \"yx:50,50,50,50:concat:4\", \"gen_val_type\": \"multihash_lookup\", \"embedding_dimension\": 8}",
        "{\"feature_name\": \"masked\", \"feature_type\": \"raw_feature\", \"value_type\": \"Double\", \"gen_key_type\": \"mask\","
            + " \"mask_out\": \"1;2\", \"gen_val_type\": \"idle\"}",
        hashed("ev", "\"gen_key_type\": \"ev_hash\""),
        hashed("ev_mod", "\"gen_key_type\": \"ev_hash_mod\""),
        hashed("clone", "\"from_feature\": \"hashed\""),
        "{\"feature_name\": \"seq\", \"sequence_name\": \"seq\", \"sequence_length\": 5, \"features\": [" + hashed("a") + "]}");
    FgConfig fg = FgParser.parseFg(src, FgOptions.DEFAULT);
    assertThat(fg.entries()).hasSize(10);
    assertThat(fg.featureCount()).isEqualTo(10);
    FeatureConfig bucketed = (FeatureConfig) fg.entries().get(1);
    assertThat(bucketed.boundaries()).isEqualTo("0.0,2.0,3.0");
    assertThat(((FeatureConfig) fg.entries().get(2)).valueDimension()).isEqualTo(3);
    assertThat(((FeatureConfig) fg.entries().get(4)).compressStrategy()).isEqualTo("yx:50,50,50,50:concat:4");
    assertThat(((FeatureConfig) fg.entries().get(5)).maskOut()).isEqualTo("1;2");
    assertThat(((FeatureConfig) fg.entries().get(6)).genKeyType()).isEqualTo("ev_hash");
    assertThat(((FeatureConfig) fg.entries().get(8)).fromFeature()).isEqualTo("hashed");
    SequenceConfig seq = (SequenceConfig) fg.entries().get(9);
    assertThat(seq.sequenceName()).isEqualTo("seq");
    assertThat(seq.sequenceLength()).isEqualTo(5);
    assertThat(seq.features()).extracting(FeatureConfig::featureName).containsExactly("a");
    assertThat(seq.fullName(seq.features().get(0))).isEqualTo("seq_a");
  }

  @Test
  void keepsUnknownFeatureAndTopLevelKeysVerbatim() {
    ConfigSource src = new ConfigSource("fg.json",
        "{\"reserves\": [\"request_id\"], \"features\": [" + hashed("u", "\"expression\": \"user:u\", \"need_prefix\": false") + "],"
            + " \"multi_val_sep\": \"|\"}");
    FgConfig fg = FgParser.parseFg(src, FgOptions.DEFAULT);
    FeatureConfig f = (FeatureConfig) fg.entries().get(0);
    assertThat(f.unknownKeys()).containsOnlyKeys("expression", "need_prefix");
    assertThat(f.get("expression")).isEqualTo(new TextNode("user:u"));
    assertThat(fg.extraKeys()).containsOnlyKeys("reserves", "multi_val_sep");
    assertThat(FgWriter.write(fg)).containsSubsequence("\"reserves\"", "\"features\"", "\"expression\": \"user:u\"", "\"multi_val_sep\"");
  }

  @Test
  void lowerCaseOptionLowercasesKeysAndValuesLikeJsonDumpsLower() {
    ConfigSource src = new ConfigSource("fg.json",
        "{\"Features\": [], \"features\": [{\"Feature_Name\": \"UserId\", \"feature_type\": \"ID_Feature\", \"value_type\": \"String\","
            + " \"gen_key_type\": \"HASH\", \"hash_bucket_size\": 10, \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4, \"expression\": \"User:Ünïcode\"}]}");
    FgConfig fg = FgParser.parseFg(src, new FgOptions(true, false));
    FeatureConfig f = (FeatureConfig) fg.entries().get(0);
    assertThat(f.featureName()).isEqualTo("userid");
    assertThat(f.featureType()).isEqualTo("id_feature");
    assertThat(f.genKeyType()).isEqualTo("hash");
    // json.dumps escapes non-ASCII before .lower(), so only ASCII letters change
    assertThat(f.get("expression").textValue()).isEqualTo("user:Ünïcode");
  }

  @Test
  void withoutLowerCaseKeysStayCaseSensitive() {
    ConfigSource src = fg(hashed("UserId", "\"gen_key_type\": \"HASH\""));
    FeatureConfig f = (FeatureConfig) FgParser.parseFg(src, FgOptions.DEFAULT).entries().get(0);
    assertThat(f.featureName()).isEqualTo("UserId");
    assertThat(f.genKeyType()).isEqualTo("HASH");
  }

  @Test
  void toleratesMissingRequiredKeysSoTheCheckerCanReportThem() {
    FgConfig fg = FgParser.parseFg(fg("{\"feature_name\": \"x\"}"), FgOptions.DEFAULT);
    FeatureConfig f = (FeatureConfig) fg.entries().get(0);
    assertThat(f.valueType()).isNull();
    assertThat(f.genValType()).isNull();
  }

  @Test
  void parsesMcListMode() {
    McConfig mc = FgParser.parseMc(mc("{\"user\": [\"a\", \"b\"], \"item\": [\"c\"]}"), FgOptions.DEFAULT);
    assertThat(mc.mode()).isEqualTo(McConfig.Mode.LIST);
    assertThat(mc.blockNames()).containsExactly("user", "item");
    assertThat(mc.get("user")).containsExactly("a", "b");
  }

  @Test
  void parsesMcDictModeKeepingOnlyColumnName() {
    McConfig mc = FgParser.parseMc(mc("{\"user\": [{\"column_name\": \"a\", \"comment\": \"dropped\"}, {\"column_name\": \"b\"}]}"), FgOptions.DEFAULT);
    assertThat(mc.mode()).isEqualTo(McConfig.Mode.DICT);
    assertThat(mc.get("user")).containsExactly("a", "b");
    assertThat(FgWriter.write(mc)).contains("\"column_name\": \"a\"").doesNotContain("dropped");
  }

  @Test
  void mcLowerCaseLowercasesBlockNames() {
    McConfig mc = FgParser.parseMc(mc("{\"Multimodal_block\": [\"A\"]}"), new FgOptions(true, false));
    assertThat(mc.blocks()).containsOnlyKeys("multimodal_block");
    assertThat(mc.get("multimodal_block")).isEqualTo(List.of("a"));
  }

  @Test
  void parsesTheExampleCtrConfig() {
    FgConfig fg = FgParser.parseFg(ctrFg(), FgOptions.DEFAULT);
    assertThat(fg.entries()).hasSize(7);
    assertThat(fg.featureCount()).isEqualTo(8);
    assertThat(fg.extraKeys()).containsOnlyKeys("reserves");
    SequenceConfig seq = (SequenceConfig) fg.entries().get(6);
    assertThat(seq.unknownKeys()).containsOnlyKeys("sequence_table", "sequence_delim");
  }
}
