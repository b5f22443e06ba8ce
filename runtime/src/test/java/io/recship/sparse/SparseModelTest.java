package io.recship.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.recship.data.Batch;
import io.recship.data.Schema;
import io.recship.data.SyntheticCtr;
import io.recship.fg.BlockSpec;
import io.recship.fg.ConfigSource;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgOptions;
import io.recship.tensor.Autograd;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparseModelTest {
  static final String FG = """
      {"features": [
        {"feature_name": "uid", "feature_type": "id_feature", "value_type": "String", "gen_key_type": "hash",
         "hash_bucket_size": 0, "gen_val_type": "lookup", "embedding_dimension": 4},
        {"feature_name": "uid_m", "feature_type": "id_feature", "value_type": "String", "gen_key_type": "hash",
         "hash_type": "murmur", "hash_bucket_size": 100, "gen_val_type": "lookup", "embedding_dimension": 4,
         "from_feature": "uid"},
        {"feature_name": "tags", "feature_type": "id_feature", "value_type": "String", "gen_key_type": "hash",
         "hash_bucket_size": 1000, "gen_val_type": "lookup", "embedding_dimension": 3, "combiner": "sum",
         "shared_name": "tag"},
        {"feature_name": "tags_mean", "feature_type": "id_feature", "value_type": "String", "gen_key_type": "hash",
         "hash_bucket_size": 1000, "gen_val_type": "lookup", "embedding_dimension": 3, "combiner": "mean",
         "shared_name": "tag", "from_feature": "tags"},
        {"feature_name": "age", "feature_type": "raw_feature", "value_type": "Integer", "gen_key_type": "boundary",
         "boundaries": "18,25,30", "gen_val_type": "lookup", "embedding_dimension": 2},
        {"feature_name": "price", "feature_type": "raw_feature", "value_type": "Double", "gen_key_type": "idle",
         "gen_val_type": "idle", "value_dimension": 2},
        {"feature_name": "seq", "sequence_name": "seq", "sequence_length": 3, "features": [
          {"feature_name": "item", "feature_type": "id_feature", "value_type": "String", "gen_key_type": "hash",
           "hash_bucket_size": 50, "gen_val_type": "lookup", "embedding_dimension": 2, "shared_name": "item"},
          {"feature_name": "w", "feature_type": "raw_feature", "value_type": "Double", "gen_key_type": "idle",
           "gen_val_type": "idle"}]}
      ]}""";
  static final String MC = """
      {"u": ["uid", "uid_m", "age", "price"], "t": ["tags", "tags_mean"], "seq": ["item", "w"]}""";

  static FeatureGenerator fg() {
    return FeatureGenerator.load(new ConfigSource("fg.json", FG), new ConfigSource("mc.json", MC), FgOptions.DEFAULT);
  }

  static Batch batch() {
    return Batch.of(Schema.fromFg(fg()).withLabels("click").withIds("sid"), batchRows());
  }

  static List<Map<String, ?>> batchRows() {
    Map<String, Object> a = new LinkedHashMap<>();
    a.put("uid", "alice");
    a.put("tags", List.of("x", "y"));
    a.put("age", 25L);
    a.put("price", List.of(1.5, 2.5, 9.0)); // longer than value_dimension: first 2 kept
    a.put("seq_item", List.of("i1", "i2", "i3", "i4", "i5")); // truncated to 3
    a.put("seq_w", List.of(0.1, 0.2, 0.3, 0.4, 0.5));
    a.put("click", 1.0);
    a.put("sid", "s1");
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("uid", "bob");
    b.put("tags", List.of()); // no values: zero vector
    b.put("age", 17L);
    b.put("price", 3.0); // shorter: zero-padded
    b.put("seq_item", List.of("i2")); // padded to 3
    b.put("seq_w", List.of(0.7));
    b.put("click", 0.0);
    b.put("sid", "s2");
    return List.of(a, b);
  }

  @Test
  void blockShapesEqualTheFgLibrarysPrediction() {
    FeatureGenerator fg = SyntheticCtr.featureGenerator();
    SparseModel model = SparseModel.fromFg(fg);
    Batch batch = SyntheticCtr.of(1).dataset(0, 7).build().first();
    try (TensorScope s = TensorScope.open()) {
      SparseOutput out = model.forward(batch);
      assertThat(out.blocks().names()).containsExactlyInAnyOrder(fg.blocks().stream().map(BlockSpec::name).toArray(String[]::new));
      for (BlockSpec b : fg.blocks()) {
        long[] expected = new long[b.shape().length + 1];
        expected[0] = 7;
        System.arraycopy(b.shape(), 0, expected, 1, b.shape().length);
        assertThat(out.blocks().get(b.name()).shape()).as(b.name()).containsExactly(expected);
      }
      assertThat(out.label("click").shape()).containsExactly(7, 1);
      assertThat(out.sampleIds().get("sample_id")).hasSize(7).first().isEqualTo("s0");
    }
    assertThat(model.tables().keySet()).containsExactly("age", "category", "gender", "item_id", "user_id");
  }

  private static Map<String, float[]> blocksOf(SparseModel model) {
    Batch batch = SyntheticCtr.of(1).dataset(0, 7).build().first();
    Map<String, float[]> out = new java.util.TreeMap<>();
    try (TensorScope s = TensorScope.open()) {
      model.forward(batch).blocks().asMap().forEach((name, t) -> out.put(name, t.toFloatArray()));
    }
    return out;
  }

  @Test
  void theSeedOverloadIsTheFlatBlockModelWithThatSeedsInitialRows() {
    FeatureGenerator fg = SyntheticCtr.featureGenerator();
    Map<String, float[]> seeded = blocksOf(SparseModel.fromFg(fg, 5L));
    Map<String, float[]> spelledOut = blocksOf(SparseModel.fromFg(fg, false, 5L));
    assertThat(seeded.keySet()).isEqualTo(spelledOut.keySet());
    seeded.forEach((name, values) -> assertThat(values).as(name).isEqualTo(spelledOut.get(name)));
    assertThat(blocksOf(SparseModel.fromFg(fg, 6L)).get("user")).isNotEqualTo(seeded.get("user"));
  }

  @Test
  void idChainUsesFarmhashMurmurModBucketizeAndFullHashWithoutBuckets() {
    SparseModel model = SparseModel.fromFg(fg());
    try (TensorScope s = TensorScope.open()) {
      model.forward(batch());
    }
    // hash_bucket_size 0: the full 64-bit fingerprint keys the table
    assertThat(model.table("uid").find(IdHash.farmhash("alice"))).isGreaterThanOrEqualTo(0);
    assertThat(model.table("uid_m").find(IdHash.mod(IdHash.murmur("alice"), 100))).isGreaterThanOrEqualTo(0);
    assertThat(model.table("tag").find(IdHash.mod(IdHash.farmhash("y"), 1000))).isGreaterThanOrEqualTo(0);
    // boundaries 18,25,30: 25 -> bucket 2 (right), 17 -> bucket 0
    assertThat(model.table("age").find(2)).isGreaterThanOrEqualTo(0);
    assertThat(model.table("age").find(0)).isGreaterThanOrEqualTo(0);
    assertThat(model.table("age").size()).isEqualTo(2);
    // five sequence values but only three steps kept (i4, i5 never looked up); i2 shared
    assertThat(model.table("item").size()).isEqualTo(3);
    assertThat(model.table("item").find(IdHash.mod(IdHash.farmhash("i4"), 50))).isEqualTo(-1);
  }

  @Test
  void poolsMultiValuesBySumAndMeanAndPassesRawValues() {
    SparseModel model = SparseModel.fromFg(fg());
    try (TensorScope s = TensorScope.open()) {
      SparseOutput out = model.forward(batch());
      float[] t = out.blocks().get("t").toFloatArray(); // [2, 6]: tags (sum) then tags_mean
      float[] x = model.table("tag").lookup(IdHash.mod(IdHash.farmhash("x"), 1000));
      float[] y = model.table("tag").lookup(IdHash.mod(IdHash.farmhash("y"), 1000));
      for (int c = 0; c < 3; c++) {
        assertThat(t[c]).isCloseTo(x[c] + y[c], within(1e-12f));
        assertThat(t[3 + c]).isCloseTo((x[c] + y[c]) / 2, within(1e-12f));
        assertThat(t[6 + c]).isZero();
        assertThat(t[9 + c]).isZero();
      }
      float[] u = out.blocks().get("u").toFloatArray(); // uid 4 + uid_m 4 + age 2 + price 2 = 12
      assertThat(u).hasSize(24);
      assertThat(new float[] {u[10], u[11], u[22], u[23]}).containsExactly(1.5f, 2.5f, 3.0f, 0f);
    }
  }

  @Test
  void sequencesAreTruncatedOnTheRightAndZeroPadded() {
    SparseModel model = SparseModel.fromFg(fg());
    try (TensorScope s = TensorScope.open()) {
      SparseOutput out = model.forward(batch());
      Tensor seq = out.blocks().get("seq");
      assertThat(seq.shape()).containsExactly(2, 3, 3);
      float[] v = seq.toFloatArray();
      float[] i1 = model.table("item").lookup(IdHash.mod(IdHash.farmhash("i1"), 50));
      float[] i3 = model.table("item").lookup(IdHash.mod(IdHash.farmhash("i3"), 50));
      assertThat(new float[] {v[0], v[1], v[2]}).containsExactly(i1[0], i1[1], 0.1f);
      assertThat(new float[] {v[6], v[7], v[8]}).containsExactly(i3[0], i3[1], 0.3f);
      // sample 2: one step, then two zero steps
      assertThat(v[11]).isEqualTo(0.7f);
      for (int i = 12; i < 18; i++) {
        assertThat(v[i]).isZero();
      }
    }
  }

  @Test
  void aSequenceSubFeatureListedByFullNameInAnotherBlockKeepsItsSteps() {
    // RecIS lets another block list sequence sub-features by full name, as long as a block is
    // named after the sequence (MCParser.has_seq_fea)
    FeatureGenerator byFullName = FeatureGenerator.load(new ConfigSource("fg.json", FG),
        new ConfigSource("mc.json", """
            {"u": ["uid", "uid_m", "age", "price"], "t": ["tags", "tags_mean"],
             "seq": ["item", "w"], "hist": ["seq_item", "seq_w"]}"""),
        FgOptions.DEFAULT);
    SparseModel named = SparseModel.fromFg(fg());
    SparseModel other = SparseModel.fromFg(byFullName);
    try (TensorScope s = TensorScope.open()) {
      Tensor expected = named.forward(batch()).blocks().get("seq");
      Tensor hist = other.forward(Batch.of(Schema.fromFg(byFullName).withLabels("click").withIds("sid"),
          batchRows())).blocks().get("hist");
      assertThat(hist.shape()).containsExactly(2, 3, 3);
      assertThat(hist.toFloatArray()).containsExactly(expected.toFloatArray());
    }
  }

  @Test
  void splitSeqReturnsSequenceBlocksApartAndRefusesFlatUse() {
    SparseModel model = SparseModel.fromFg(fg(), true);
    try (TensorScope s = TensorScope.open()) {
      SparseOutput out = model.forward(batch());
      assertThat(out.isSplit()).isTrue();
      assertThat(out.blocks().names()).containsExactly("t", "u");
      assertThat(out.sequenceBlocks()).containsOnlyKeys("seq");
      assertThatThrownBy(() -> out.flatBlocks("the RTP exporter"))
          .hasMessageContaining("the RTP exporter needs one flat dict")
          .hasMessageContaining("SparseModel.fromFg(fg)");
      SparseOutput flat = SparseModel.fromFg(fg()).forward(batch());
      assertThat(flat.flatBlocks("x").names()).containsExactly("seq", "t", "u");
      assertThatThrownBy(flat::sequenceBlocks).hasMessageContaining("not split");
    }
  }

  @Test
  void gradientsScatterToRowsRespectingMeanAndSequenceSteps() {
    SparseModel model = SparseModel.fromFg(fg());
    try (TensorScope s = TensorScope.open()) {
      SparseOutput out;
      try (Autograd tape = Autograd.record()) {
        out = model.forward(batch());
        // loss = sum(t * w) + sum(seq * 2): d loss / d t = w, d loss / d seq = 2
        float[] w = new float[12];
        for (int i = 0; i < 12; i++) {
          w[i] = i + 1;
        }
        Tensor loss = out.blocks().get("t").times(Tensor.of(w, 2, 6)).sum()
            .plus(out.blocks().get("seq").times(2f).sum());
        tape.backward(loss);
      }
      SparseGradients g = model.gradients(out);
      EmbeddingTable tag = model.table("tag");
      long x = IdHash.mod(IdHash.farmhash("x"), 1000);
      // x gets w[0..3) from the sum pooling and w[3..6)/2 from the mean pooling of sample 0
      assertThat(g.gradient(tag, x)).containsExactly(1 + 4 / 2f, 2 + 5 / 2f, 3 + 6 / 2f);
      EmbeddingTable item = model.table("item");
      // i2 is step 1 of sample 0 and step 0 of sample 1: two positions, 2 each
      assertThat(g.gradient(item, IdHash.mod(IdHash.farmhash("i2"), 50))).containsExactly(4f, 4f);
      assertThat(g.gradient(item, IdHash.mod(IdHash.farmhash("i1"), 50))).containsExactly(2f, 2f);
      // block u was not in the loss: its rows were used by the batch but get a zero gradient
      assertThat(g.gradient(model.table("uid"), IdHash.farmhash("alice"))).containsOnly(0f);
    }
  }

  @Test
  void evalModeLeavesTablesAloneAndGivesZerosForUnseenIds() {
    SparseModel model = SparseModel.fromFg(fg()).eval();
    try (TensorScope s = TensorScope.open()) {
      SparseOutput out = model.forward(batch());
      assertThat(model.table("uid").size()).isZero();
      assertThat(out.blocks().get("t").toFloatArray()).containsOnly(0f);
    }
  }

  @Test
  void missingColumnNamesFeatureAndColumn() {
    SparseModel model = SparseModel.fromFg(fg());
    Schema partial = Schema.of(List.of(io.recship.data.Column.of("uid", io.recship.data.ColumnType.STRING)));
    Batch b = Batch.of(partial, List.of(Map.of("uid", "a")));
    try (TensorScope s = TensorScope.open()) {
      assertThatThrownBy(() -> model.forward(b))
          .hasMessageContaining("feature 'age' reads column 'age'")
          .hasMessageContaining("Schema.fromFg");
    }
  }
}
