package io.recship.examples.ctr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.recship.data.Batch;
import io.recship.fg.FeatureGenerator;
import io.recship.sparse.BucketCollisions;
import io.recship.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CtrDataTest {
  @Test
  void conversionsOnlyFollowClicksAndSampleKIsTheSameInAnyRange() {
    CtrData data = CtrData.of(11);
    List<Map<String, Object>> all = data.samples(0, 4_000);
    long clicks = all.stream().filter(m -> (double) m.get(CtrData.CLICK) == 1.0).count();
    long conversions = all.stream().filter(m -> (double) m.get(CtrData.CONVERSION) == 1.0).count();
    assertThat(all).allSatisfy(m -> {
      if ((double) m.get(CtrData.CONVERSION) == 1.0) {
        assertThat(m.get(CtrData.CLICK)).isEqualTo(1.0);
      }
    });
    assertThat(conversions).isBetween(clicks / 10, clicks * 6 / 10);
    assertThat(data.samples(1_234, 3)).isEqualTo(all.subList(1_234, 1_237));
  }

  @Test
  void everyGenderGetsItsOwnEmbeddingRow() {
    FeatureGenerator fg = CtrModel.featureGenerator();
    List<Map<String, Object>> samples = CtrData.of(1).samples(0, 200);
    assertThat(samples).extracting(m -> m.get("gender")).containsOnly("F", "M");
    try (CtrModel model = new CtrModel(fg, 1); TensorScope scope = TensorScope.open()) {
      model.sparse.forward(Batch.of(CtrData.schema(fg), new ArrayList<>(samples)));
      assertThat(model.sparse.table("gender").size()).isEqualTo(2);
    }
  }

  /** A bucket count too small for the data passes every FG rule and silently merges ids; not in the example. */
  @Test
  void noTwoValuesOfAHashedFeatureShareABucket() {
    BucketCollisions c =
        BucketCollisions.check(CtrModel.featureGenerator(), CtrData.of(7).samples(0, 20_000));
    assertThat(c.collisions()).isEmpty();
    // every hashed feature, with all its values: 2 genders, 10 categories, 500 users and items
    assertThat(c.distinctValues()).containsOnly(entry("user_id", 500), entry("gender", 2),
        entry("item_id", 500), entry("category", 10), entry("click_seq_item_id", 500),
        entry("click_seq_category", 10));
  }
}
