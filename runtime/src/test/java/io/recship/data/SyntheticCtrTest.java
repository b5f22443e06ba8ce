package io.recship.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.recship.sparse.BucketCollisions;
import org.junit.jupiter.api.Test;

class SyntheticCtrTest {

  /**
   * A bucket count too small for the data passes every FG rule and silently merges ids (the
   * bundled fg once gave gender 10 buckets, where "F" and "M" share one).
   */
  @Test
  void noTwoValuesOfAHashedFeatureShareABucketInTheBundledFg() {
    BucketCollisions c = BucketCollisions.check(
        SyntheticCtr.featureGenerator(), SyntheticCtr.of(7).samples(0, 20_000));
    assertThat(c.collisions()).isEmpty();
    assertThat(c.distinctValues()).containsOnly(entry("user_id", 500), entry("gender", 2),
        entry("item_id", 500), entry("category", 10), entry("click_seq_item_id", 500),
        entry("click_seq_category", 10));
  }
}
