package io.recship.data;

import static org.assertj.core.api.Assertions.assertThat;

import io.recship.fg.GenKeyType;
import io.recship.fg.ResolvedFeature;
import io.recship.sparse.IdHash;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class SyntheticCtrTest {

  /**
   * A bucket count too small for the data passes every FG rule and silently merges ids (the
   * bundled fg once gave gender 10 buckets, where "F" and "M" share one).
   */
  @Test
  void noTwoValuesOfAHashedFeatureShareABucketInTheBundledFg() {
    List<Map<String, Object>> samples = SyntheticCtr.of(7).samples(0, 20_000);
    List<String> checked = new ArrayList<>();
    for (ResolvedFeature f : SyntheticCtr.featureGenerator().features()) {
      if (f.genKeyType() != GenKeyType.HASH) {
        continue;
      }
      Set<String> values = new TreeSet<>();
      for (Map<String, Object> sample : samples) {
        Object v = sample.get(f.ioName());
        if (v instanceof List<?> list) {
          list.forEach(x -> values.add((String) x));
        } else {
          values.add((String) v);
        }
      }
      Map<Long, String> byBucket = new HashMap<>();
      for (String v : values) {
        String other = byBucket.put(IdHash.mod(IdHash.farmhash(v), f.hashBucketSize()), v);
        assertThat(other)
            .as("%s: '%s' and '%s' share a bucket of %d", f.name(), other, v, f.hashBucketSize())
            .isNull();
      }
      checked.add(f.name() + " " + values.size());
    }
    assertThat(checked).containsExactlyInAnyOrder("user_id 500", "gender 2", "item_id 500",
        "category 10", "click_seq_item_id 500", "click_seq_category 10");
  }
}
