package io.recship.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.recship.data.Batch;
import io.recship.data.Dataset;
import io.recship.data.Schema;
import io.recship.fg.ConfigSource;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgOptions;
import io.recship.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BucketCollisionsTest {
  private static FeatureGenerator fg(int genderBuckets) {
    String fg = """
        {"features": [
          {"feature_name": "gender", "feature_type": "id_feature", "value_type": "String",
           "gen_key_type": "hash", "hash_bucket_size": %d, "gen_val_type": "lookup",
           "embedding_dimension": 4},
          {"feature_name": "age", "feature_type": "raw_feature", "value_type": "Integer",
           "gen_key_type": "boundary", "boundaries": "18,30", "gen_val_type": "lookup",
           "embedding_dimension": 4},
          {"feature_name": "clicks", "sequence_name": "clicks", "sequence_length": 5,
           "sequence_delim": ";", "features": [
             {"feature_name": "item", "feature_type": "id_feature", "value_type": "String",
              "gen_key_type": "hash", "hash_bucket_size": 1000000, "gen_val_type": "lookup",
              "embedding_dimension": 4}]}
        ]}
        """.formatted(genderBuckets);
    String mc = "{\"user\": [\"gender\", \"age\"], \"clicks\": [\"item\"]}";
    return FeatureGenerator.load(new ConfigSource("fg.json", fg), new ConfigSource("mc.json", mc),
        FgOptions.DEFAULT);
  }

  private static final List<Map<String, Object>> SAMPLES = List.of(
      Map.of("gender", "F", "age", 20, "clicks_item", List.of("i1", "i2")),
      Map.of("gender", "M", "age", 40, "clicks_item", List.of("i2", List.of("i3", "i4"))),
      Map.of("gender", "F", "age", 50, "clicks_item", List.of()));

  @Test
  void farmhashPutsFAndMInOneOfTenBucketsAndTheCheckSaysWhereEachFirstAppears() {
    BucketCollisions c = BucketCollisions.check(fg(10), SAMPLES);
    long bucket = IdHash.mod(IdHash.farmhash("F"), 10);
    assertThat(IdHash.mod(IdHash.farmhash("M"), 10)).isEqualTo(bucket);
    assertThat(c.collisions()).containsExactly(
        new BucketCollisions.Collision("gender", 10, bucket, "F", "sample 1 (index 0)", "M", "sample 2 (index 1)"));
    assertThat(c.collisions().get(0))
        .hasToString("gender: 'F' (sample 1 (index 0)) and 'M' (sample 2 (index 1)) share bucket 6 of 10");
  }

  @Test
  void readsAtMostMaxRows() {
    Dataset data = Dataset.inMemory(Schema.fromFg(fg(10)), SAMPLES).batchSize(2).build();
    BucketCollisions firstRow = BucketCollisions.check(fg(10), data, 1);
    assertThat(firstRow.rowsRead()).isEqualTo(1);
    assertThat(firstRow.distinctValues()).containsEntry("gender", 1); // 'M' is in row 2
    assertThat(firstRow.collisions()).isEmpty();
    assertThat(BucketCollisions.check(fg(10), data, 2).collisions()).hasSize(1);
    assertThat(BucketCollisions.check(fg(10), data).rowsRead()).isEqualTo(3);
  }

  @Test
  void itHashesAsTheSparseModelDoes() {
    FeatureGenerator g = fg(10);
    SparseModel sparse = SparseModel.fromFg(g);
    try (TensorScope scope = TensorScope.open()) {
      sparse.forward(Batch.of(Schema.fromFg(g), new ArrayList<>(SAMPLES))); // training mode: adds rows
    }
    BucketCollisions c = BucketCollisions.check(g, SAMPLES);
    // two genders, one collision: one embedding row, as training made
    assertThat(c.distinctValues()).containsEntry("gender", 2);
    assertThat(sparse.table("gender").size()).isEqualTo(2 - c.collisions().size());
  }

  @Test
  void enoughBucketsGiveNoCollisionAndCountEveryHashedValueIncludingSequenceSteps() {
    BucketCollisions c = BucketCollisions.check(fg(100), SAMPLES);
    assertThat(c.collisions()).isEmpty();
    // age is bucketized, not hashed: not checked; the sequence's nested multi-values count
    assertThat(c.distinctValues()).containsOnly(entry("gender", 2), entry("clicks_item", 4));
  }

  @Test
  void aNumberAndItsDecimalTextAreOneValueAsTheSparseModelHashesThem() {
    String fg = """
        {"features": [{"feature_name": "shop", "feature_type": "id_feature",
          "value_type": "String", "gen_key_type": "hash", "hash_bucket_size": 7,
          "gen_val_type": "lookup", "embedding_dimension": 4}]}
        """;
    FeatureGenerator g = FeatureGenerator.load(new ConfigSource("fg.json", fg),
        new ConfigSource("mc.json", "{\"b\": [\"shop\"]}"), FgOptions.DEFAULT);
    BucketCollisions c = BucketCollisions.check(g, List.of(Map.of("shop", 3.0), Map.of("shop", "3")));
    assertThat(c.distinctValues()).containsOnly(entry("shop", 1));
    assertThat(c.collisions()).isEmpty();
  }
}
