package io.recship.fg;

import static io.recship.fg.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class RuleCheckerTest {

  private static final ConfigSource ONE_BLOCK_X = mc("{\"b\": [\"x\"]}");

  private static List<Finding> only(String rule, List<Finding> findings) {
    return findings.stream().filter(f -> f.ruleId().equals(rule)).toList();
  }

  private static Finding single(String rule, List<Finding> findings) {
    List<Finding> hits = only(rule, findings);
    assertThat(hits).as("findings %s", findings).hasSize(1);
    return hits.get(0);
  }

  @Test
  void exampleCtrConfigHasNoFindingsAtAll() {
    assertThat(check(ctrFg(), ctrMc())).isEmpty();
  }

  // ---- RTP-HB0 ----

  @Test
  void rejectsLookupFeatureWithZeroBucketSize() {
    Finding f = single("RTP-HB0", check(fg(hashed("user_id", "\"hash_bucket_size\": 0"))));
    assertThat(f.severity()).isEqualTo(Severity.ERROR);
    assertThat(f.subject()).isEqualTo("user_id");
    assertThat(f.pointer()).isEqualTo("/features/0/hash_bucket_size");
    assertThat(f.message()).startsWith("feature 'user_id': hash_bucket_size is 0 (dynamic hashtable); main-search RTP requires hash_bucket_size > 0");
    assertThat(f.line()).isEqualTo(2);
    assertThat(f.column()).isPositive();
  }

  @Test
  void rejectsLookupFeatureWithMissingBucketSizePointingAtTheFeature() {
    String feature = "{\"feature_name\": \"x\", \"feature_type\": \"id_feature\", \"value_type\": \"Integer\", \"gen_key_type\": \"idle\","
        + " \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4}";
    Finding f = single("RTP-HB0", check(fg(feature)));
    assertThat(f.message()).contains("hash_bucket_size is missing, so RecIS uses 0 (dynamic hashtable); main-search RTP requires hash_bucket_size > 0");
    assertThat(f.line()).isEqualTo(2);
    assertThat(f.column()).isEqualTo(1);
  }

  @Test
  void aNegativeBucketSizeIsInvalidNotADynamicHashtable() {
    Finding f = single("RTP-HB0", check(fg(hashed("user_id", "\"hash_bucket_size\": -5"))));
    assertThat(f.message()).isEqualTo("feature 'user_id': hash_bucket_size -5 is invalid: it is a number of buckets and cannot be"
        + " negative; main-search RTP requires hash_bucket_size > 0: set \"hash_bucket_size\" to the number of distinct values"
        + " 'user_id' can take, or a few times that to keep hash collisions rare");
  }

  @Test
  void bucketSizeFixNamesTheFeatureInsteadOfAFixedNumber() {
    Finding f = single("RTP-HB0", check(fg(hashed("gender", "\"hash_bucket_size\": 0"))));
    assertThat(f.message()).endsWith("set \"hash_bucket_size\" to the number of distinct values 'gender' can take,"
        + " or a few times that to keep hash collisions rare").doesNotContain("1000000");
  }

  @Test
  void bucketSizeFixForIdleIdsAsksForMoreThanTheLargestId() {
    String feature = "{\"feature_name\": \"shop_id\", \"feature_type\": \"id_feature\", \"value_type\": \"Integer\","
        + " \"gen_key_type\": \"idle\", \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4}";
    assertThat(single("RTP-HB0", check(fg(feature))).message())
        .endsWith("set \"hash_bucket_size\" above the largest id 'shop_id' can take (gen_key_type idle uses the ids as they are)");
  }

  @Test
  void missingBucketSizeNextToAMisspeltOneSaysDidYouMean() {
    String feature = "{\"feature_name\": \"item_id\", \"feature_type\": \"id_feature\", \"value_type\": \"String\","
        + " \"gen_key_type\": \"hash\", \"hash_bucket_sise\": 100, \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4}";
    List<Finding> all = check(fg(feature));
    assertThat(single("RTP-HB0", all).message()).endsWith(
        "\"hash_bucket_sise\" is not a key RecIS reads: did you mean \"hash_bucket_size\"? Rename it");
    assertThat(only("FG-UNKNOWNKEY", all)).as("the error names the typo already").isEmpty();
  }

  @Test
  void rejectsEvHashEvenWithABucketSize() {
    assertThat(single("RTP-HB0", check(fg(hashed("x", "\"gen_key_type\": \"ev_hash\"")))).message()).contains("ev_hash");
  }

  @Test
  void acceptsBoundaryLookupAndIdlePassthroughWithoutBucketSize() {
    String boundary = "{\"feature_name\": \"age\", \"feature_type\": \"raw_feature\", \"value_type\": \"Integer\", \"gen_key_type\": \"boundary\","
        + " \"boundaries\": \"1,2,3\", \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4}";
    assertThat(check(fg(boundary, raw("price", ""), hashed("ok")))).isEmpty();
  }

  @Test
  void rtpRulesAreSkippedForTheRecisTarget() {
    assertThat(RuleChecker.check(fg(hashed("x", "\"hash_bucket_size\": 0")), null, FgOptions.DEFAULT, RuleSet.recis())).isEmpty();
  }

  // ---- scope: RecIS parses only the features mc.json uses ----

  /** A feature other models of a shared fg.json use: wrong for RecIS, but never parsed by it. */
  private static final String LEGACY_MOD = "{\"feature_name\": \"legacy_cate\", \"feature_type\": \"id_feature\","
      + " \"value_type\": \"String\", \"gen_key_type\": \"mod\", \"hash_bucket_size\": 100,"
      + " \"gen_val_type\": \"lookup\", \"embedding_dimension\": 8}";
  private static final String LEGACY_NO_KEY_TYPE = "{\"feature_name\": \"legacy_bucket\", \"feature_type\": \"id_feature\","
      + " \"value_type\": \"String\", \"gen_val_type\": \"lookup\", \"hash_bucket_size\": 100, \"embedding_dimension\": 8}";

  @Test
  void structuralProblemsOfFeaturesMcDoesNotUseOnlyWarn() {
    List<Finding> findings = RuleChecker.check(fg(hashed("x"), LEGACY_MOD, LEGACY_NO_KEY_TYPE), ONE_BLOCK_X,
        FgOptions.DEFAULT, RuleSet.recis());
    assertThat(findings).as("findings %s", findings).noneMatch(Finding::isError);
    Finding mod = single("FG-ENUM", findings);
    assertThat(mod.subject()).isEqualTo("legacy_cate");
    assertThat(mod.severity()).isEqualTo(Severity.WARNING);
    assertThat(mod.message()).contains("unsupported gen_key_type 'mod'",
        "mc.json does not use this feature, so RecIS skips it; it still ships in the exported fg.json");
    assertThat(mod.line()).isEqualTo(3);
    assertThat(single("FG-REQ", findings).subject()).isEqualTo("legacy_bucket");
  }

  @Test
  void structuralProblemsOfFeaturesMcUsesStayErrors() {
    List<Finding> findings = RuleChecker.check(fg(hashed("x"), LEGACY_MOD),
        mc("{\"b\": [\"x\", \"legacy_cate\"]}"), FgOptions.DEFAULT, RuleSet.recis());
    assertThat(single("FG-ENUM", findings).severity()).isEqualTo(Severity.ERROR);
  }

  @Test
  void rtpRulesStillCheckFeaturesMcDoesNotUseSinceTheWholeFgShips() {
    List<Finding> findings = check(fg(hashed("x"), hashed("unused", "\"hash_bucket_size\": 0")), ONE_BLOCK_X);
    Finding hb0 = single("RTP-HB0", findings);
    assertThat(hb0.subject()).isEqualTo("unused");
    assertThat(hb0.severity()).isEqualTo(Severity.ERROR);
  }

  @Test
  void aSequenceGroupNoBlockUsesOnlyWarns() {
    String seq = "{\"sequence_name\": \"click_seq\", \"feature_name\": \"click_seq\", \"sequence_length\": 0,"
        + " \"features\": [" + LEGACY_MOD + "]}";
    List<Finding> findings = RuleChecker.check(fg(hashed("x"), seq), ONE_BLOCK_X, FgOptions.DEFAULT, RuleSet.recis());
    assertThat(findings).as("findings %s", findings).isNotEmpty().noneMatch(Finding::isError);
    assertThat(ids(findings)).contains("FG-REQ", "FG-ENUM");
  }

  @Test
  void anUnusedSequenceGroupStillNeedsItsNamesSinceRecisReadsThemBeforeFiltering() {
    String noName = "{\"sequence_name\": \"s\", \"sequence_length\": 5, \"features\": [" + hashed("x") + "]}";
    Finding f = single("FG-REQ", RuleChecker.check(fg(hashed("x"), noName), ONE_BLOCK_X, FgOptions.DEFAULT, RuleSet.recis()));
    assertThat(f.severity()).isEqualTo(Severity.ERROR);
    assertThat(f.pointer()).isEqualTo("/features/1/feature_name");
  }

  @Test
  void aGroupIsKeptOnlyByItsBareNameOrItsBlockNotByAPrefixedEntry() {
    // block "s" lists 'x', which means s_x: group 'x' is not used, so its missing length only warns
    String s = "{\"feature_name\": \"s\", \"sequence_name\": \"s\", \"sequence_length\": 5, \"features\": [" + hashed("x") + "]}";
    String x = "{\"feature_name\": \"x\", \"sequence_name\": \"x\", \"features\": [" + hashed("z") + "]}";
    List<Finding> findings = RuleChecker.check(fg(hashed("a"), s, x), mc("{\"u\": [\"a\"], \"s\": [\"x\"]}"),
        FgOptions.DEFAULT, RuleSet.recis());
    assertThat(findings).as("findings %s", findings).noneMatch(Finding::isError);
    assertThat(single("FG-REQ", findings).subject()).isEqualTo("x");
  }

  @Test
  void anUnusedFeatureTakesNoPartInSharedNameChecks() {
    List<Finding> findings = RuleChecker.check(
        fg(hashed("b", "\"shared_name\": \"t\", \"embedding_dimension\": 16"), hashed("a", "\"shared_name\": \"t\"")),
        mc("{\"u\": [\"a\"]}"), FgOptions.DEFAULT, RuleSet.recis());
    assertThat(findings).as("findings %s", findings).isEmpty();
  }

  @Test
  void anUnusedFeatureWhoseNameIsNotAStringOnlyWarns() {
    String numbered = "{\"feature_name\": 5, \"feature_type\": \"id_feature\", \"value_type\": \"String\","
        + " \"gen_key_type\": \"hash\", \"hash_bucket_size\": 10, \"gen_val_type\": \"lookup\", \"embedding_dimension\": 8}";
    List<Finding> findings = RuleChecker.check(fg(hashed("x"), numbered), ONE_BLOCK_X, FgOptions.DEFAULT, RuleSet.recis());
    assertThat(findings).as("findings %s", findings).isNotEmpty().noneMatch(Finding::isError);
  }

  @Test
  void featureGeneratorLoadsAnFgWithBrokenFeaturesMcDoesNotUse() {
    FeatureGenerator gen = FeatureGenerator.load(fg(hashed("x"), LEGACY_MOD, LEGACY_NO_KEY_TYPE), ONE_BLOCK_X,
        FgOptions.DEFAULT);
    assertThat(gen.features()).extracting(ResolvedFeature::name).containsExactly("x");
  }

  // ---- RTP-MH ----

  @Test
  void rejectsMultihashInEachOfItsThreeForms() {
    String full = hashed("a", "\"gen_key_type\": \"multihash\", \"gen_val_type\": \"multihash_lookup\", \"compress_strategy\": \"yx:50,50,50,50:concat:4\"");
    String keyOnly = hashed("b", "\"gen_key_type\": \"multihash\"");
    String strategyOnly = hashed("c", "\"compress_strategy\": \"yx:50,50:concat:4\"");
    List<Finding> mh = only("RTP-MH", check(fg(full, keyOnly, strategyOnly)));
    assertThat(mh).extracting(Finding::subject).containsExactly("a", "b", "c");
    assertThat(mh.get(0).message()).isEqualTo("feature 'a': multihash (compress_strategy/gen_key_type=multihash) is not supported by main-search RTP;"
        + " use gen_key_type \"hash\" with one hash_bucket_size and gen_val_type \"lookup\", without compress_strategy");
    assertThat(mh.get(1).pointer()).isEqualTo("/features/1/gen_key_type");
  }

  @Test
  void plainHashLookupIsNotMultihash() {
    assertThat(only("RTP-MH", check(fg(hashed("a"))))).isEmpty();
  }

  // ---- advisory RTP rules ----

  @Test
  void warnsOnNonFloat32Tables() {
    Finding f = single("RTP-F32", check(fg(hashed("x", "\"emb_type\": \"fp16\""))));
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(check(fg(hashed("x", "\"emb_type\": \"float\"")))).isEmpty();
  }

  @Test
  void warnsOnFeatureTypeOutsideTheRtpWhitelist() {
    Finding f = single("RTP-FTYPE", check(fg(hashed("x", "\"feature_type\": \"text_normalizer\""))));
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.message()).contains("'text_normalizer'");
    assertThat(check(fg(hashed("x", "\"feature_type\": \"combo_feature\"")))).isEmpty();
  }

  @Test
  void rejectsVocabKeys() {
    List<Finding> all = check(fg(hashed("x", "\"vocab_list\": [\"a\"], \"vocab_file\": \"v.txt\"")));
    assertThat(only("RTP-VOCAB", all)).extracting(Finding::pointer).containsExactly("/features/0/vocab_list", "/features/0/vocab_file");
    assertThat(only("RTP-VOCAB", all)).allMatch(Finding::isError);
    assertThat(only("FG-UNKNOWNKEY", all)).as("RTP-VOCAB says more").isEmpty();
    assertThat(only("RTP-VOCAB", check(fg(hashed("x", "\"vocabulary_note\": \"fine\""))))).isEmpty();
  }

  @Test
  void warnsOnMurmurHash() {
    Finding f = single("RTP-FARM", check(fg(hashed("x", "\"hash_type\": \"murmur\""))));
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(check(fg(hashed("x", "\"hash_type\": \"farmhash\"")))).isEmpty();
  }

  @Test
  void warnsWhenSequenceFeatureNameDiffersFromSequenceName() {
    String seq = "{\"feature_name\": \"clicks\", \"sequence_name\": \"click_seq\", \"sequence_length\": 5, \"features\": [" + hashed("a") + "]}";
    Finding f = single("RTP-SEQNAME", check(fg(seq)));
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.pointer()).isEqualTo("/features/0/feature_name");
    String cloned = "{\"feature_name\": \"clicks\", \"sequence_name\": \"click_seq\", \"sequence_length\": 5, \"features\": [" + hashed("a", "\"from_feature\": \"clicks_a\"") + "]}";
    assertThat(check(fg(cloned))).isEmpty();
  }

  // ---- FG-REQ ----

  @Test
  void reportsEachMissingRequiredKeyWithItsPointer() {
    List<Finding> req = only("FG-REQ", check(fg("{\"feature_name\": \"x\", \"feature_type\": \"id_feature\"}")));
    assertThat(req).extracting(Finding::pointer)
        .containsExactly("/features/0/value_type", "/features/0/gen_key_type", "/features/0/gen_val_type");
    assertThat(req.get(0).message()).isEqualTo("feature 'x' is missing required key \"value_type\"; add \"value_type\": \"String\", \"Double\" or \"Integer\"");
  }

  @Test
  void aMissingRequiredKeySuggestsTheMisspeltKeyPresent() {
    String f = "{\"feature_name\": \"x\", \"featur_typ\": \"id_feature\", \"value_type\": \"String\", \"gen_key_type\": \"hash\","
        + " \"hash_bucket_size\": 10, \"gen_val_type\": \"lookup\", \"embedding_dimension\": 8}";
    assertThat(single("FG-REQ", check(fg(f))).message()).isEqualTo("feature 'x' is missing required key \"feature_type\";"
        + " \"featur_typ\" is not a key RecIS reads: did you mean \"feature_type\"? Rename it");
  }

  @Test
  void namesAnUnnamedFeatureByIndex() {
    Finding f = only("FG-REQ", check(fg(hashed("a"), "{\"feature_type\": \"id_feature\"}"))).get(0);
    assertThat(f.message()).startsWith("feature #1 is missing required key \"feature_name\"");
    assertThat(f.subject()).isNull();
  }

  @Test
  void requiresSequenceGroupKeys() {
    String seq = "{\"sequence_name\": \"s\", \"sequence_length\": 0, \"features\": []}";
    List<Finding> req = only("FG-REQ", check(fg(seq)));
    assertThat(req).extracting(Finding::pointer)
        .containsExactly("/features/0/feature_name", "/features/0/sequence_length", "/features/0/features");
  }

  @Test
  void requiresTheFeaturesList() {
    Finding f = single("FG-REQ", check(new ConfigSource("fg.json", "{\"reserves\": []}")));
    assertThat(f.pointer()).isEqualTo("/features");
  }

  // ---- FG-ENUM ----

  @Test
  void rejectsUnsupportedEnumValues() {
    List<Finding> e = only("FG-ENUM", check(fg(
        hashed("a", "\"value_type\": \"float\""),
        hashed("b", "\"gen_key_type\": \"mod\""),
        hashed("c", "\"gen_val_type\": \"Lookup\""),
        hashed("d", "\"combiner\": \"tile\""),
        hashed("e", "\"emb_type\": \"fp8\", \"emb_device\": \"tpu\""),
        hashed("f", "\"hash_type\": \"xxhash\""),
        hashed("g", "\"compress_strategy\": \"yx:50,50,50,50,concat,4\""))));
    assertThat(e).extracting(Finding::subject).containsExactly("a", "b", "c", "d", "e", "e", "f", "g");
    assertThat(e.get(1).message()).contains("RecIS does not accept 'mod'");
    assertThat(e.get(2).message()).contains("case-sensitively: write 'lookup'");
    assertThat(e.get(3).message()).contains("'tile' needs combiner_kwargs");
    assertThat(e.get(7).message()).contains("has 2 ':'-separated fields, needs 4");
  }

  @Test
  void theCaseHintNamesTheLowerCaseSwitchOfTheCliAndOfTheProcessorAlike() {
    // the CLI and the annotation processor show the same text
    Finding f = single("FG-ENUM", check(fg(hashed("x", "\"gen_val_type\": \"lookUp\""))));
    assertThat(f.message()).endsWith("RecIS compares it case-sensitively: write 'lookup', or, if you build_fg(lower_case=True),"
        + " turn lower_case on here too (CLI --lower-case, @RecModel(lowerCase = true))");
  }

  @Test
  void valueTypeIsCaseInsensitiveAndNewGenKeyTypesAreAccepted() {
    assertThat(only("FG-ENUM", check(fg(
        hashed("a", "\"value_type\": \"STRING\""),
        hashed("b", "\"gen_key_type\": \"ev_hash_mod\""),
        raw("c", "\"gen_key_type\": \"mask\""))))).isEmpty();
  }

  // ---- FG-HASHTYPE-FARM ----

  @Test
  void rejectsHashTypeFarm() {
    Finding f = single("FG-HASHTYPE-FARM", check(fg(hashed("x", "\"hash_type\": \"farm\""))));
    assertThat(f.message()).isEqualTo("feature 'x': hash_type 'farm' is not accepted by RecIS (KeyError, although its docs mention it); use 'farmhash'");
    assertThat(only("FG-HASHTYPE-FARM", check(fg(hashed("x", "\"hash_type\": \"farmhash\""))))).isEmpty();
  }

  // ---- FG-STRIDLE ----

  @Test
  void rejectsStringWithIdleKeyUnlessDevelMode() {
    ConfigSource src = fg(hashed("x", "\"gen_key_type\": \"idle\""));
    assertThat(single("FG-STRIDLE", check(src)).severity()).isEqualTo(Severity.ERROR);
    List<Finding> devel = RuleChecker.check(src, null, new FgOptions(false, true), RuleSet.recis());
    assertThat(single("FG-STRIDLE", devel).severity()).isEqualTo(Severity.WARNING);
    assertThat(only("FG-STRIDLE", check(fg(hashed("x", "\"value_type\": \"Integer\", \"gen_key_type\": \"idle\""))))).isEmpty();
  }

  // ---- FG-LOOKUPDIM ----

  @Test
  void rejectsLookupWithoutEmbeddingDimensionAndSpotsEmbeddingDim() {
    String f = "{\"feature_name\": \"x\", \"feature_type\": \"id_feature\", \"value_type\": \"String\", \"gen_key_type\": \"hash\","
        + " \"hash_bucket_size\": 10, \"gen_val_type\": \"lookup\", \"embedding_dim\": 8}";
    Finding hit = single("FG-LOOKUPDIM", check(fg(f)));
    assertThat(hit.message()).contains("the key is \"embedding_dimension\"");
    assertThat(single("FG-LOOKUPDIM", check(fg(hashed("y", "\"embedding_dimension\": 0")))).message()).contains("(got 0)");
    assertThat(only("FG-LOOKUPDIM", check(fg(hashed("z"))))).isEmpty();
  }

  @Test
  void lookupWithoutEmbeddingDimensionSuggestsAMisspeltKey() {
    Finding f = single("FG-LOOKUPDIM", check(fg(hashed("x", "\"embedding_dimension\": null, \"embeding_dimension\": 4"))));
    assertThat(f.message()).isEqualTo("feature 'x': gen_val_type=lookup requires a positive integer embedding_dimension;"
        + " \"embeding_dimension\" is not a key RecIS reads: did you mean \"embedding_dimension\"? Rename it");
  }

  // ---- FG-BOUND ----

  private static String bucketed(String boundaries) {
    return "{\"feature_name\": \"age\", \"feature_type\": \"raw_feature\", \"value_type\": \"Integer\", \"gen_key_type\": \"boundary\","
        + (boundaries == null ? "" : " \"boundaries\": " + boundaries + ",") + " \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4}";
  }

  @Test
  void rejectsBoundariesGivenAsArraySuggestingTheString() {
    Finding f = single("FG-BOUND", check(fg(bucketed("[0.0, 2.0, 3.0]"))));
    assertThat(f.isError()).isTrue();
    assertThat(f.message()).contains("write \"boundaries\": \"0.0,2.0,3.0\"");
  }

  @Test
  void rejectsMissingOrNonNumericBoundariesAndWarnsWhenUnsorted() {
    assertThat(single("FG-BOUND", check(fg(bucketed(null)))).message()).contains("requires boundaries");
    assertThat(single("FG-BOUND", check(fg(bucketed("\"1,x,3\"")))).message()).contains("'x' is not a number");
    Finding unsorted = single("FG-BOUND", check(fg(bucketed("\"3,2,1\""))));
    assertThat(unsorted.severity()).isEqualTo(Severity.WARNING);
    assertThat(check(fg(bucketed("\" 1, 2.5 ,3e2\"")))).isEmpty();
  }

  @Test
  void boundariesAreParsedWithPythonFloatSyntax() {
    for (String javaOnly : List.of("\"1d,2f\"", "\"0x1p3,16\"")) {
      assertThat(single("FG-BOUND", check(fg(bucketed(javaOnly)))).message()).as(javaOnly)
          .contains("is not a number to Python's float()");
    }
    assertThat(check(fg(bucketed("\"-inf,1_0,20, 3e1 \"")))).isEmpty();
  }

  @Test
  void boundariesOnAnyFeatureMustParseSinceRecisSplitsThemForEveryKeptFeature() {
    Finding onRaw = single("FG-BOUND", check(fg(raw("price", "\"boundaries\": [0.0, 2.0]"))));
    assertThat(onRaw.isError()).isTrue();
    assertThat(onRaw.subject()).isEqualTo("price");
    assertThat(single("FG-BOUND", check(fg(hashed("age", "\"boundaries\": \"young,old\"")))).message())
        .contains("'young' is not a number");
    assertThat(check(fg(hashed("age", "\"boundaries\": \"1,2\"")))).isEmpty();
  }

  @Test
  void aSequenceSubFeatureInAPlainBlockNeedsABlockNamedAfterItsSequence() {
    String seq = "{\"feature_name\": \"s\", \"sequence_name\": \"s\", \"sequence_length\": 3, \"features\": [" + hashed("a") + "]}";
    Finding f = single("MC-REF", check(fg(hashed("x"), seq), mc("{\"b\": [\"x\"], \"raw_a\": [\"s_a\"]}")));
    assertThat(f.subject()).isEqualTo("raw_a");
    assertThat(f.pointer()).isEqualTo("/raw_a/0");
    assertThat(f.message()).startsWith("block 'raw_a' uses 's_a' of sequence group 's', but no block is named 's'")
        .contains("feature name: s_a not used in mc");
    // with the sequence's own block, RecIS keeps the group and the plain block may reuse it
    assertThat(check(fg(hashed("x"), seq), mc("{\"b\": [\"x\"], \"s\": [\"a\"], \"raw_a\": [\"s_a\"]}"))).isEmpty();
  }

  // ---- FG-NAMES ----

  @Test
  void rejectsDuplicateFullNamesIncludingSequencePrefixCollisions() {
    String seq = "{\"feature_name\": \"s\", \"sequence_name\": \"s\", \"sequence_length\": 3, \"features\": [" + hashed("a") + "]}";
    List<Finding> names = only("FG-NAMES", check(fg(hashed("x"), hashed("x"), hashed("s_a"), seq)));
    assertThat(names).extracting(Finding::subject).containsExactly("x", "s_a");
    assertThat(names.get(0).message()).contains("defined twice (first at line 2, column 18)");
  }

  @Test
  void rejectsSharedNameWithConflictingEmbeddingConfig() {
    Finding f = single("FG-NAMES", check(fg(hashed("a", "\"shared_name\": \"t\""), hashed("b", "\"shared_name\": \"t\", \"embedding_dimension\": 16"))));
    assertThat(f.message()).startsWith("feature 'b' shares embedding table 't' with feature 'a' (at line 2, column ")
        .contains(") but has embedding_dimension 16 where feature 'a' has 8 (both set shared_name 't'); features sharing a table must agree on");
    assertThat(check(fg(hashed("a", "\"shared_name\": \"t\""), hashed("b", "\"shared_name\": \"t\", \"emb_type\": \"float\"")))).isEmpty();
  }

  @Test
  void aDuplicateNameWithoutSharedNameIsReportedOnceWithTheFirstPosition() {
    // the copy shares the table named after 'uid' with a different dimension: that is the duplicate, not a second error
    List<Finding> names = only("FG-NAMES", check(fg(hashed("a"), hashed("uid"), hashed("uid", "\"embedding_dimension\": 4"))));
    assertThat(names).as("findings %s", names).hasSize(1);
    assertThat(names.get(0).message()).startsWith("feature 'uid' is defined twice (first at line 3, column 18);");
    assertThat(names.get(0).location()).isEqualTo("fg.json:4:18");
  }

  @Test
  void aSharedTableClashExplainsAFeatureWithoutSharedNameUsesItsOwnName() {
    Finding f = single("FG-NAMES", check(fg(hashed("a", "\"shared_name\": \"uid\""), hashed("uid", "\"embedding_dimension\": 4"))));
    assertThat(f.message()).isEqualTo("feature 'uid' shares embedding table 'uid' with feature 'a' (at line 2, column 194) but has"
        + " embedding_dimension 4 where feature 'a' has 8 (feature 'a' sets shared_name 'uid', and feature 'uid' has no"
        + " shared_name, so its table is named after its feature_name 'uid'); features sharing a table must agree on"
        + " embedding_dimension, emb_type, emb_device and filter_hook: make them agree, or give one of them a different shared_name");
    assertThat(f.pointer()).isEqualTo("/features/1/feature_name");
  }

  @Test
  void configsBuiltInCodeNameTheOtherFeatureByPointerSinceTheyHaveNoLines() {
    FgConfig fg = FgConfig.builder()
        .feature("uid", f -> f.idFeature().stringValue().hash(10).lookup(8))
        .feature("uid", f -> f.idFeature().stringValue().hash(10).lookup(4))
        .build();
    Finding f = single("FG-NAMES", RuleChecker.check(fg, null, FgOptions.DEFAULT, RuleSet.recis()));
    assertThat(f.message()).contains("defined twice (first at /features/0/feature_name)");
  }

  @Test
  void namesThatCollideAfterLowercasingAreDuplicates() {
    ConfigSource src = fg(hashed("UserId"), hashed("userid"));
    assertThat(check(src)).isEmpty();
    List<Finding> lowered = RuleChecker.check(src, null, new FgOptions(true, false), RuleSet.recis());
    assertThat(single("FG-NAMES", lowered).message()).contains("after lowercasing");
  }

  // ---- FG-SHAREDHASH ----

  /** A hashed String id feature written out in full (no duplicate keys), so positions are unambiguous. */
  private static String idFeature(String name, String hashing) {
    return "{\"feature_name\": \"" + name + "\", \"feature_type\": \"id_feature\", \"value_type\": \"String\","
        + " \"gen_key_type\": \"hash\"" + (hashing.isEmpty() ? "" : ", " + hashing)
        + ", \"gen_val_type\": \"lookup\", \"embedding_dimension\": 8, \"shared_name\": \"vid\"}";
  }

  private static String watchSeq(String... subFeatures) {
    return "{\"feature_name\": \"watch_seq\", \"sequence_name\": \"watch_seq\", \"sequence_length\": 50, \"features\": ["
        + String.join(", ", subFeatures) + "]}";
  }

  @Test
  void warnsWhenASequenceSubFeatureSharesATableWithAPlainFeatureButHashesIntoOtherBuckets() {
    String seq = watchSeq(idFeature("vid", "\"hash_bucket_size\": 1000000"));
    ConfigSource src = fg(idFeature("vid", "\"hash_bucket_size\": 200000"), seq);
    List<Finding> findings = check(src);
    Finding f = single("FG-SHAREDHASH", findings);
    assertThat(findings).as("findings %s", findings).containsExactly(f);
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.subject()).isEqualTo("watch_seq_vid");
    assertThat(f.message()).isEqualTo("features 'vid' (hash_bucket_size 200000) and 'watch_seq_vid' (hash_bucket_size 1000000)"
        + " share table 'vid' but hash ids differently, so one id gets different rows in each; give them the same hash_bucket_size");
    assertThat(f.pointer()).isEqualTo("/features/1/features/0/hash_bucket_size");
    assertThat(f.location()).isEqualTo("fg.json:3:" + (seq.indexOf("1000000") + 1));
    // RecIS itself accepts it: advisory for the RECIS target too
    assertThat(RuleChecker.check(src, null, FgOptions.DEFAULT, RuleSet.recis())).containsExactly(f);
  }

  @Test
  void warnsOncePerTableAtTheFirstFeatureThatHashesUnlikeTheTablesFirst() {
    List<Finding> hits = only("FG-SHAREDHASH", check(fg(idFeature("vid", "\"hash_bucket_size\": 200000"),
        watchSeq(idFeature("vid", "\"hash_bucket_size\": 200000"), idFeature("vid2", "\"hash_bucket_size\": 1000000"),
            idFeature("vid3", "\"hash_bucket_size\": 300000")))));
    assertThat(hits).extracting(Finding::subject).containsExactly("watch_seq_vid2");
  }

  @Test
  void warnsWhenFeaturesSharingATableUseDifferentHashTypes() {
    Finding f = single("FG-SHAREDHASH", check(fg(hashed("a", "\"shared_name\": \"t\""),
        hashed("b", "\"shared_name\": \"t\", \"hash_type\": \"murmur\""))));
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.message()).isEqualTo("features 'a' (default hash_type 'farmhash') and 'b' (hash_type 'murmur') share table 't'"
        + " but hash ids differently, so one id gets different rows in each; give them the same hash_type");
    assertThat(f.pointer()).isEqualTo("/features/1/hash_type");
  }

  @Test
  void warnsWhenOneFeatureOfASharedTableHasABucketSizeAndTheOtherIsDynamic() {
    Finding f = single("FG-SHAREDHASH", check(fg(idFeature("vid", "\"hash_bucket_size\": 200000"), idFeature("vid_clicked", ""))));
    assertThat(f.message()).startsWith("features 'vid' (hash_bucket_size 200000) and 'vid_clicked' (no hash_bucket_size) share table 'vid'");
    assertThat(f.location()).as("a missing key is placed at its feature").isEqualTo("fg.json:3:1");
    // no hash_bucket_size and 0 are the same dynamic hashtable
    assertThat(only("FG-SHAREDHASH", check(fg(idFeature("vid", "\"hash_bucket_size\": 0"), idFeature("vid_clicked", ""))))).isEmpty();
  }

  private static String ageBuckets(String name, String boundaries) {
    return "{\"feature_name\": \"" + name + "\", \"feature_type\": \"raw_feature\", \"value_type\": \"Integer\","
        + " \"gen_key_type\": \"boundary\", \"boundaries\": \"" + boundaries + "\", \"gen_val_type\": \"lookup\","
        + " \"embedding_dimension\": 4, \"shared_name\": \"age\"}";
  }

  @Test
  void warnsWhenFeaturesSharingATableTurnValuesIntoIdsDifferently() {
    String idle = "{\"feature_name\": \"a\", \"feature_type\": \"id_feature\", \"value_type\": \"Integer\", \"gen_key_type\": \"idle\","
        + " \"hash_bucket_size\": 1000, \"gen_val_type\": \"lookup\", \"embedding_dimension\": 8, \"shared_name\": \"t\"}";
    Finding f = single("FG-SHAREDHASH", check(fg(idle, hashed("b", "\"shared_name\": \"t\""))));
    assertThat(f.message()).isEqualTo("features 'a' (gen_key_type 'idle') and 'b' (gen_key_type 'hash') share table 't' but turn"
        + " values into ids differently, so one value gets different rows in each; give them the same gen_key_type");
    Finding b = single("FG-SHAREDHASH", check(fg(ageBuckets("age", "18,25,30"), ageBuckets("viewer_age", "18,30"))));
    assertThat(b.message()).isEqualTo("features 'age' (boundaries '18,25,30') and 'viewer_age' (boundaries '18,30') share table 'age'"
        + " but bucketize values differently, so one value gets different rows in each; give them the same boundaries");
    assertThat(check(fg(ageBuckets("age", "18,25,30"), ageBuckets("viewer_age", "18.0, 25,3e1"))))
        .as("the same numbers written differently").isEmpty();
  }

  @Test
  void featuresHashingAlikeOrNotSharingATableDoNotWarn() {
    assertThat(check(fg(idFeature("vid", "\"hash_bucket_size\": 200000"),
        watchSeq(idFeature("vid", "\"hash_bucket_size\": 200000, \"hash_type\": \"farmhash\""))))).isEmpty();
    assertThat(check(fg(hashed("a", "\"hash_bucket_size\": 10"), hashed("b", "\"hash_bucket_size\": 20, \"hash_type\": \"murmur\""),
        hashed("c", "\"hash_bucket_size\": 30, \"shared_name\": \"c2\"")))).noneMatch(f -> f.ruleId().equals("FG-SHAREDHASH"));
  }

  @Test
  void aFeatureMcDoesNotUseTakesNoPartInSharedHashChecks() {
    List<Finding> findings = RuleChecker.check(fg(hashed("b", "\"shared_name\": \"t\", \"hash_bucket_size\": 7"),
        hashed("a", "\"shared_name\": \"t\"")), mc("{\"u\": [\"a\"]}"), FgOptions.DEFAULT, RuleSet.recis());
    assertThat(findings).as("findings %s", findings).isEmpty();
  }

  // ---- MC rules ----

  @Test
  void rejectsMalformedMcEntriesWithPointer() {
    List<Finding> all = check(fg(hashed("x")), mc("{\"b\": [\"x\", 3, {\"name\": \"y\"}], \"c\": \"x\"}"));
    assertThat(only("MC-FORMAT", all)).extracting(Finding::pointer).containsExactly("/b/1", "/b/2", "/c");
    assertThat(only("MC-FORMAT", all).get(0).file()).isEqualTo("mc.json");
    assertThat(only("MC-FORMAT", all).get(0).line()).isEqualTo(1);
    assertThat(only("MC-EMPTY", all)).isEmpty();
  }

  @Test
  void rejectsMcTopLevelThatIsNotAnObject() {
    List<Finding> all = check(fg(hashed("x")), mc("[\"x\"]"));
    assertThat(single("MC-FORMAT", all).pointer()).isEmpty();
    assertThat(only("MC-EMPTY", all)).isEmpty();
  }

  @Test
  void rejectsMcWithNoBlocks() {
    Finding f = single("MC-EMPTY", check(fg(hashed("x")), mc("{}")));
    assertThat(f.pointer()).isEmpty();
    assertThat(f.line()).isEqualTo(1);
    assertThat(f.message()).startsWith("mc.json declares no blocks");
  }

  @Test
  void rejectsEmptyBlock() {
    Finding f = single("MC-EMPTY", check(fg(hashed("x")), mc("{\"b\": [\"x\"], \"empty\": []}")));
    assertThat(f.message()).isEqualTo("block 'empty' has no features; list at least one feature or remove the block");
  }

  @Test
  void rejectsUnknownReferencesWithHints() {
    String seq = "{\"feature_name\": \"s\", \"sequence_name\": \"s\", \"sequence_length\": 3, \"features\": [" + hashed("a") + "]}";
    List<Finding> refs = only("MC-REF", check(fg(hashed("x"), seq), mc("{\"b\": [\"x\", \"y\", \"a\", \"s\"], \"s\": [\"s_a\", \"q\"]}")));
    assertThat(refs).extracting(Finding::pointer).containsExactly("/b/1", "/b/2", "/b/3", "/s/0", "/s/1");
    assertThat(refs.get(0).message()).isEqualTo("block 'b' references unknown feature 'y'; define it in fg.json or fix the name (names are case-sensitive)");
    assertThat(refs.get(1).message()).contains("did you mean the sequence sub-feature 's_a'");
    assertThat(refs.get(2).message()).contains("'s' is a sequence group");
    assertThat(refs.get(3).message()).contains("RecIS adds the prefix itself: write 'a'");
    assertThat(refs.get(4).message()).contains("unknown feature 's_q'").contains("short names of its sub-features (a)");
  }

  @Test
  void anUnknownReferenceSuggestsTheNearestFeatureUnlessTwoAreEquallyNear() {
    String seq = "{\"feature_name\": \"s\", \"sequence_name\": \"s\", \"sequence_length\": 3, \"features\": [" + hashed("item_id") + "]}";
    List<Finding> refs = only("MC-REF", check(fg(hashed("user_age"), hashed("user_id"), hashed("item_a"), hashed("item_b"), seq),
        mc("{\"b\": [\"user_ag\", \"user_age\", \"user_id\", \"item_c\", \"item_a\", \"item_b\"], \"s\": [\"itme_id\"]}")));
    assertThat(refs).extracting(Finding::pointer).containsExactly("/b/0", "/b/3", "/s/0");
    assertThat(refs.get(0).message()).isEqualTo("block 'b' references unknown feature 'user_ag'; did you mean 'user_age'? If not, define it in fg.json");
    assertThat(refs.get(1).message()).as("item_a and item_b are equally near: no guess")
        .isEqualTo("block 'b' references unknown feature 'item_c'; define it in fg.json or fix the name (names are case-sensitive)");
    assertThat(refs.get(2).message()).isEqualTo("block 's' references unknown feature 's_itme_id'; did you mean 'item_id'?"
        + " Entries of a block named after sequence 's' are short names of its sub-features (item_id)");
  }

  @Test
  void mcMessagesNameTheFileOnlyInTheirLocation() {
    List<Finding> all = check(fg(hashed("x")), mc("{\"b\": [\"y\"], \"c\": 3}"));
    assertThat(all).extracting(Finding::ruleId).containsExactly("MC-FORMAT", "MC-REF");
    assertThat(all).allSatisfy(f -> assertThat(f.format()).containsOnlyOnce("mc.json"));
    assertThat(single("MC-REF", all).format()).startsWith("error[MC-REF] mc.json:1:8 block 'b' references unknown feature 'y'");
  }

  @Test
  void anFgWithoutAFeatureListGetsNoCascadeOfUnknownReferences() {
    // as when fg.json is not JSON at all: its own error explains why no name resolves
    for (String unreadable : List.of("[]", "{\"features\": {}}", "{\"reserves\": []}")) {
      List<Finding> all = check(new ConfigSource("fg.json", unreadable), mc("{\"b\": [\"x\", \"y\"], \"1st\": [\"x\"]}"));
      assertThat(all).as(unreadable + ": %s", all).extracting(Finding::ruleId).containsExactly(
          unreadable.startsWith("{\"r") ? "FG-REQ" : "FG-TYPE", "MC-IDENT");
    }
  }

  @Test
  void rejectsMixingSequenceAndPlainFeaturesInOneBlock() {
    String seq = "{\"feature_name\": \"s\", \"sequence_name\": \"s\", \"sequence_length\": 3, \"features\": [" + hashed("a") + "]}";
    Finding f = single("MC-SHAPE", check(fg(hashed("x"), seq), mc("{\"b\": [\"x\", \"s_a\"], \"s\": [\"a\"]}")));
    assertThat(f.message()).startsWith("block 'b': 's_a' shape [3, 8] cannot be concatenated with block shape [8] (from 'x')");
    assertThat(f.pointer()).isEqualTo("/b/1");
    assertThat(only("MC-SHAPE", check(fg(hashed("x"), raw("y", "\"value_dimension\": 5")), mc("{\"b\": [\"x\", \"y\"]}")))).isEmpty();
  }

  @Test
  void rejectsBlockNamesThatAreNotPythonIdentifiers() {
    List<Finding> ident = only("MC-IDENT", check(fg(hashed("x")), mc("{\"1st\": [\"x\"], \"class\": [\"x\"], \"self\": [\"x\"], \"user-block\": [\"x\"], \"ok_1\": [\"x\"]}")));
    assertThat(ident).extracting(Finding::subject).containsExactly("1st", "class", "self", "user-block");
  }

  // ---- duplicate keys: the parser sees what the tree (and RecIS) silently drops ----

  /** The example mc.json with its "item" block misnamed "user": RecIS keeps only the second "user". */
  private static ConfigSource userTwice() {
    return mc(ctrMc().text().replace("\"item\":", "\"user\":"));
  }

  @Test
  void aBlockDefinedTwiceIsAnErrorAtItsSecondDefinition() {
    List<Finding> all = check(ctrFg(), userTwice());
    Finding f = single("MC-FORMAT", all);
    assertThat(f.format()).isEqualTo("error[MC-FORMAT] mc.json:3:3 block 'user' is defined twice (first at line 2, column 3);"
        + " RecIS keeps only the last definition, so 'user_id', 'age', 'gender', listed only in the first, are lost:"
        + " rename one of the blocks, or merge them into one");
    assertThat(f.subject()).isEqualTo("user");
    assertThat(f.pointer()).isEqualTo("/user");
    // the first block's features are unused now, so nothing else is wrong: that is why it went unnoticed
    assertThat(all).as("findings %s", all).containsExactly(f);
  }

  @Test
  void aBlockDefinedThreeTimesNamesTheFirstAndTheFeaturesOnlyAnEarlierOneLists() {
    Finding f = single("MC-FORMAT", check(fg(hashed("x"), hashed("y")), mc("{\"b\": [\"x\"],\n\"b\": [\"x\"],\n\"b\": [\"y\"]}")));
    assertThat(f.format()).isEqualTo("error[MC-FORMAT] mc.json:2:1 block 'b' is defined 3 times (first at line 1, column 2);"
        + " RecIS keeps only the last definition, so 'x', listed only in an earlier one, is lost: rename one of the"
        + " blocks, or merge them into one");
  }

  @Test
  void aBlockRepeatedWithNothingTheLastDefinitionLacksOnlyWarns() {
    List<Finding> all = check(fg(hashed("x"), hashed("y")), mc("{\"b\": [\"x\"],\n\"b\": [\"x\", \"y\"]}"));
    Finding f = single("MC-DUP", all);
    assertThat(f.format()).isEqualTo("warning[MC-DUP] mc.json:2:1 block 'b' is defined twice (first at line 1, column 2);"
        + " RecIS keeps only the last definition, which lists every entry of the other: delete the other");
    assertThat(all).as("findings %s", all).containsExactly(f);
  }

  @Test
  void aFeatureListedTwiceInABlockWarnsThatRecisConcatenatesItTwice() {
    ConfigSource twice = mc(ctrMc().text().replace("\"gender\"]", "\"gender\", \"age\"]"));
    List<Finding> all = check(ctrFg(), twice);
    Finding f = single("MC-DUP", all);
    assertThat(all).as("findings %s", all).containsExactly(f);
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.subject()).isEqualTo("user");
    assertThat(f.pointer()).isEqualTo("/user/3");
    assertThat(f.format()).isEqualTo("warning[MC-DUP] mc.json:2:40 block 'user' lists 'age' twice (first at line 2, column 23);"
        + " RecIS concatenates every entry, so the block gets 'age' twice, which makes it 8 wider: remove one");
  }

  @Test
  void aSequenceSubFeatureListedThreeTimesIsReportedOnceWithTheWidthItAdds() {
    ConfigSource thrice = mc(ctrMc().text().replace("\"category\"]\n}", "\"item_id\", \"category\", \"item_id\"]\n}"));
    Finding f = single("MC-DUP", check(ctrFg(), thrice));
    assertThat(f.pointer()).isEqualTo("/click_seq/1");
    assertThat(f.message()).isEqualTo("block 'click_seq' lists 'item_id' 3 times (first at line 4, column 17); RecIS"
        + " concatenates every entry, so the block gets 'item_id' 3 times, which makes it 32 wider: keep one");
  }

  @Test
  void aColumnNameRepeatedInADictEntryWarns() {
    Finding f = single("MC-DUP", check(fg(hashed("x"), hashed("y")), mc("{\"b\": [{\"column_name\": \"x\",\n \"column_name\": \"y\"}]}")));
    assertThat(f.format()).isEqualTo("warning[MC-DUP] mc.json:2:2 block 'b' entry #0: key 'column_name' appears twice"
        + " (first at line 1, column 9); RecIS uses the last value (\"y\"): keep one");
  }

  /** The example fg.json with a second "hash_bucket_size" in feature 'user_id' (line 10). */
  private static ConfigSource bucketsTwice() {
    return new ConfigSource("fg.json", ctrFg().text().replaceFirst(
        "\"hash_bucket_size\": 1000000,", "\"hash_bucket_size\": 1000000,\n      \"hash_bucket_size\": 0,"));
  }

  @Test
  void aKeyWrittenTwiceInAFeatureWarnsAtItsSecondOccurrenceNamingTheFirst() {
    List<Finding> all = check(bucketsTwice(), ctrMc());
    Finding f = single("FG-DUPKEY", all);
    assertThat(f.format()).isEqualTo("warning[FG-DUPKEY] fg.json:11:7 feature 'user_id': key 'hash_bucket_size' appears twice"
        + " (first at line 10, column 7); RecIS uses the last value (0): keep one");
    assertThat(f.subject()).isEqualTo("user_id");
    assertThat(f.pointer()).isEqualTo("/features/0/hash_bucket_size");
    // the value RecIS uses is the one the rules check, and the error points at it
    assertThat(single("RTP-HB0", all).location()).isEqualTo("fg.json:11:27");
    assertThat(ids(all)).containsExactly("FG-DUPKEY", "RTP-HB0");
  }

  @Test
  void keysWrittenTwiceInSequenceGroupsSubFeaturesAndTheTopLevelWarn() {
    String sub = "{\"feature_name\": \"a\", \"feature_type\": \"id_feature\", \"value_type\": \"String\", \"gen_key_type\": \"hash\","
        + " \"hash_bucket_size\": 10, \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4, \"embedding_dimension\": 8}";
    String seq = "{\"feature_name\": \"s\", \"sequence_name\": \"s\", \"sequence_length\": 3,\n\"sequence_length\": 5, \"features\": ["
        + sub + "]}";
    ConfigSource src = new ConfigSource("fg.json",
        "{\"reserves\": [\"a\"],\n\"features\": [" + seq + "],\n\"reserves\": {\"k\": 1, \"k\": \"v\"}}");
    List<Finding> dups = only("FG-DUPKEY", check(src, mc("{\"s\": [\"a\"]}")));
    assertThat(dups).extracting(Finding::format).containsExactly(
        "warning[FG-DUPKEY] fg.json:3:1 sequence group 's': key 'sequence_length' appears twice (first at line 2, column 58);"
            + " RecIS uses the last value (5): keep one",
        "warning[FG-DUPKEY] fg.json:3:212 feature 's_a': key 'embedding_dimension' appears twice (first at line 3, column 186);"
            + " RecIS uses the last value (8): keep one",
        "warning[FG-DUPKEY] fg.json:4:1 key 'reserves' at the top level appears twice (first at line 1, column 2);"
            + " RecIS uses the last value (an object): keep one",
        "warning[FG-DUPKEY] fg.json:4:22 key 'k' of \"reserves\" appears twice (first at line 4, column 14);"
            + " RecIS uses the last value (\"v\"): keep one");
    assertThat(dups).extracting(Finding::subject).containsExactly("s", "s_a", null, null);
  }

  @Test
  void aSecondFeaturesListSaysTheFeaturesOfTheFirstAreLost() {
    ConfigSource src = new ConfigSource("fg.json", "{\"features\": [" + hashed("x") + "],\n \"features\": [" + hashed("y") + "]}");
    List<Finding> all = check(src, mc("{\"b\": [\"y\"]}"));
    assertThat(single("FG-DUPKEY", all).format()).isEqualTo("warning[FG-DUPKEY] fg.json:2:2 key 'features' at the top level appears"
        + " twice (first at line 1, column 2); RecIS uses the last value (a list of 1 entry), so the features listed"
        + " before it are lost: merge the lists into one");
    // a key repeated inside the list that was replaced is gone with it: nothing to report there
    ConfigSource inside = new ConfigSource("fg.json", "{\"features\": [" + hashed("x", "\"p\": 1") .replace("}", ", \"p\": 2}")
        + "],\n \"features\": [" + hashed("y") + "]}");
    assertThat(only("FG-DUPKEY", check(inside, mc("{\"b\": [\"y\"]}")))).extracting(Finding::pointer).containsExactly("/features");
  }

  @Test
  void findingsInsideARepeatedKeyPointIntoItsLastValueWhichIsTheOneRecisReads() {
    String noBuckets = "{\"feature_name\": \"x\", \"feature_type\": \"id_feature\", \"value_type\": \"Integer\","
        + " \"gen_key_type\": \"idle\", \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4}";
    ConfigSource src = new ConfigSource("fg.json", "{\"features\": [" + hashed("x") + "],\n \"features\": [\n" + noBuckets + "]}");
    // the missing key is placed at its feature in the second list, not at the first list's hash_bucket_size
    assertThat(single("RTP-HB0", check(src)).location()).isEqualTo("fg.json:3:1");
  }

  @Test
  void keysThatCollideAfterLowercasingAreDuplicatesWithLowerCase() {
    ConfigSource src = fg(hashed("x", "\"Hash_Bucket_Size\": 5"));
    assertThat(only("FG-DUPKEY", check(src))).isEmpty();
    Finding f = single("FG-DUPKEY", RuleChecker.check(src, null, new FgOptions(true, false), RuleSet.recis()));
    assertThat(f.message()).isEqualTo("feature 'x': key 'hash_bucket_size' appears twice (first at line 2, column 101)"
        + " (keys compared after lowercasing, as lower_case=True does); RecIS uses the last value (5): keep one");
  }

  @Test
  void noDuplicatesNoFinding() {
    // the same key in different objects, and the same feature in different blocks, are not duplicates
    String seq = "{\"feature_name\": \"s\", \"sequence_name\": \"s\", \"sequence_length\": 3, \"features\": [" + hashed("x") + "]}";
    List<Finding> all = check(fg(hashed("x"), hashed("y"), seq), mc("{\"b\": [\"x\", \"y\"], \"c\": [\"x\"], \"s\": [\"x\"]}"));
    assertThat(all).isEmpty();
    assertThat(check(ctrFg(), ctrMc())).isEmpty();
  }

  // ---- FG-TYPE and checks on configs built in code ----

  @Test
  void reportsWrongJsonTypesAsFindingsWithPosition() {
    List<Finding> all = check(new ConfigSource("fg.json", "{\"features\": [\n  " + hashed("x", "\"hash_bucket_size\": \"abc\"") + "\n]}"));
    Finding f = single("FG-TYPE", all);
    assertThat(f.message()).isEqualTo("feature 'x': \"hash_bucket_size\" must be an integer, but is the string \"abc\"; write it like \"hash_bucket_size\": 100000");
    assertThat(f.pointer()).isEqualTo("/features/0/hash_bucket_size");
    assertThat(f.line()).isEqualTo(2);
    assertThat(f.column()).isGreaterThan(100);
    assertThat(all).as("other rules wait for the type fix").hasSize(1);
  }

  @Test
  void checksBuilderConfigsWithPointersButNoLines() {
    FgConfig fg = FgConfig.builder().feature("a", f -> f.idFeature().stringValue().hash(0).lookup(4)).build();
    Finding f = single("RTP-HB0", RuleChecker.check(fg, null, FgOptions.DEFAULT, RuleSet.rtpMainSearch()));
    assertThat(f.file()).isEqualTo("FgConfig.builder()");
    assertThat(f.pointer()).isEqualTo("/features/0/hash_bucket_size");
    assertThat(f.hasPosition()).isFalse();
    assertThat(f.location()).isEqualTo("FgConfig.builder()#/features/0/hash_bucket_size");
  }

  @Test
  void formatsFindingsForPeople() {
    Finding f = single("RTP-HB0", check(fg(hashed("user_id", "\"hash_bucket_size\": 0"))));
    assertThat(f.format()).matches("error\\[RTP-HB0\\] fg\\.json:2:\\d+ feature 'user_id': hash_bucket_size is 0 .*");
  }

  // ---- FG-UNKNOWNKEY ----

  private static List<Finding> recis(ConfigSource fg) {
    return RuleChecker.check(fg, null, FgOptions.DEFAULT, RuleSet.recis());
  }

  @Test
  void warnsAboutAMisspeltKeyNoRuleNeedsWithTheKeyItMeans() {
    Finding f = single("FG-UNKNOWNKEY", recis(fg(hashed("user_id", "\"shared_nmae\": \"category\""))));
    assertThat(f.severity()).isEqualTo(Severity.WARNING);
    assertThat(f.subject()).isEqualTo("user_id");
    assertThat(f.pointer()).isEqualTo("/features/0/shared_nmae");
    assertThat(f.format()).startsWith("warning[FG-UNKNOWNKEY] fg.json:2:");
    assertThat(f.message()).isEqualTo("feature 'user_id': \"shared_nmae\" is not a key RecIS reads for a feature, so it has no"
        + " effect: did you mean \"shared_name\"? Rename it");
  }

  @Test
  void warnsAboutAMisspeltBucketSizeForTheRecisTarget() {
    String feature = "{\"feature_name\": \"item_id\", \"feature_type\": \"id_feature\", \"value_type\": \"String\","
        + " \"gen_key_type\": \"hash\", \"hash_bucket_sise\": 100, \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4}";
    Finding f = single("FG-UNKNOWNKEY", recis(fg(feature)));
    assertThat(f.message()).contains("\"hash_bucket_sise\"", "did you mean \"hash_bucket_size\"?");
    assertThat(RuleChecker.hasErrors(recis(fg(feature)))).isFalse();
  }

  @Test
  void suggestsAKeyWithAnotherEndingOrCutShort() {
    assertThat(single("FG-UNKNOWNKEY", recis(fg(raw("price", "\"boundary\": \"1,2\"")))).message())
        .contains("did you mean \"boundaries\"? Rename it");
    assertThat(single("FG-UNKNOWNKEY", recis(fg(raw("price", "\"value_dim\": 2")))).message())
        .contains("did you mean \"value_dimension\"? Rename it");
  }

  @Test
  void aMisspeltKeyBesideTheRightOneSaysDeleteIt() {
    String bucketed = "\"gen_key_type\": \"boundary\", \"gen_val_type\": \"lookup\", \"embedding_dimension\": 4,"
        + " \"boundaries\": \"1,2,3\", \"boundary\": \"1,2\"";
    assertThat(single("FG-UNKNOWNKEY", recis(fg(raw("price", bucketed)))).message())
        .endsWith("did you mean \"boundaries\"? \"boundaries\" is set too: delete this one");
  }

  @Test
  void anUnknownKeyFarFromAnyKnownOneGetsNoGuess() {
    assertThat(single("FG-UNKNOWNKEY", recis(fg(hashed("user_id", "\"x_team_note\": \"hi\"")))).message())
        .isEqualTo("feature 'user_id': \"x_team_note\" is not a key RecIS reads for a feature, so it has no effect: remove it,"
            + " or ignore this warning if another tool reads it");
  }

  @Test
  void rtpFgKeysAndKnownKeysAreNotReported() {
    String seq = "{\"feature_name\": \"s\", \"sequence_name\": \"s\", \"sequence_length\": 5, \"sequence_table\": \"item\","
        + " \"sequence_delim\": \";\", \"features\": [" + hashed("a", "\"expression\": \"item:a\"") + "]}";
    String all = hashed("b", "\"expression\": \"user:b\", \"need_prefix\": false, \"needDiscrete\": true, \"group\": \"user\","
        + " \"hash_type\": \"farmhash\", \"combiner\": \"mean\", \"trainable\": true, \"shared_name\": \"b\"");
    assertThat(recis(fg(seq, all, raw("c", "\"boundaries\": \"1,2\", \"value_dimension\": 1")))).isEmpty();
  }

  @Test
  void warnsAboutSequenceGroupKeysAndKeysOnTheWrongObject() {
    String seq = "{\"feature_name\": \"s\", \"sequence_name\": \"s\", \"sequence_lenght\": 5, \"hash_bucket_size\": 10,"
        + " \"features\": [" + hashed("a", "\"sequence_length\": 5") + "]}";
    List<Finding> all = recis(fg(seq));
    // the missing sequence_length error names the typo, so the warning does not repeat it
    assertThat(single("FG-REQ", all).message()).contains("did you mean \"sequence_length\"");
    List<Finding> unknown = only("FG-UNKNOWNKEY", all);
    assertThat(unknown).extracting(Finding::pointer).containsExactly("/features/0/hash_bucket_size", "/features/0/features/0/sequence_length");
    assertThat(unknown.get(0).message()).isEqualTo("sequence group 's': \"hash_bucket_size\" is not a key RecIS reads for a"
        + " sequence group, so it has no effect: RecIS reads it only on the sub-features, so move it into each sub-feature that needs it");
    assertThat(unknown.get(1).message()).startsWith("feature 's_a': \"sequence_length\" is not a key RecIS reads for a feature");
  }

  @Test
  void misspeltKeysOfAMistypedFeatureAreStillReported() {
    List<Finding> all = recis(fg(hashed("u", "\"hash_bucket_size\": \"abc\", \"combinr\": \"sum\"")));
    assertThat(single("FG-TYPE", all).isError()).isTrue();
    assertThat(single("FG-UNKNOWNKEY", all).message()).contains("did you mean \"combiner\"?");
  }

  @Test
  void featureConfigCountsBoundariesAsAKeyRecisReads() {
    FgConfig parsed = FgParser.parseFg(fg(raw("c", "\"boundaries\": \"1,2\", \"expression\": \"item:c\"")), FgOptions.DEFAULT);
    assertThat(parsed.entries().get(0).unknownKeys()).containsOnlyKeys("expression");
  }
}
