package io.recship.sparse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EmbeddingTableTest {
  @Test
  void growsAcrossChunksKeepingEveryRow() {
    EmbeddingTable t = new EmbeddingTable("user", 3, 7);
    int n = FloatRows.CHUNK_ROWS * 2 + 17;
    for (long id = 0; id < n; id++) {
      t.put(id * 31, new float[] {id, -id, id + 0.5f});
    }
    assertThat(t.size()).isEqualTo(n);
    assertThat(t.embeddingRows().chunkCount()).isEqualTo(3);
    for (long id : new long[] {0, 4095, 4096, 8192, n - 1}) {
      assertThat(t.lookup(id * 31)).containsExactly(id, -id, id + 0.5f);
      assertThat(t.id(t.find(id * 31))).isEqualTo(id * 31);
    }
    assertThat(t.find(5)).isEqualTo(-1);
    assertThat(t.lookup(5)).isNull();
  }

  @Test
  void newRowsAreUniformWithinRecisBoundAndSeeded() {
    EmbeddingTable a = new EmbeddingTable("item", 8, 42);
    EmbeddingTable b = new EmbeddingTable("item", 8, 42);
    EmbeddingTable c = new EmbeddingTable("item", 8, 43);
    float min = Float.MAX_VALUE;
    float max = -Float.MAX_VALUE;
    for (long id = 100; id < 600; id++) {
      a.rowOf(id);
      b.rowOf(id);
      c.rowOf(id);
      for (float v : a.lookup(id)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    assertThat(min).isGreaterThanOrEqualTo(-2e-5f).isLessThan(-1.5e-5f);
    assertThat(max).isLessThanOrEqualTo(2e-5f).isGreaterThan(1.5e-5f);
    assertThat(a.lookup(321)).containsExactly(b.lookup(321));
    assertThat(a.lookup(321)).isNotEqualTo(c.lookup(321));
    // a known id keeps its row and values
    float[] before = a.lookup(100);
    assertThat(a.rowOf(100)).isZero();
    assertThat(a.lookup(100)).containsExactly(before);
  }

  @Test
  void slotsFollowRowsAddedLater() {
    EmbeddingTable t = new EmbeddingTable("x", 2, 1);
    t.rowOf(1);
    t.putSlot("s", 1, new float[] {3, 4});
    t.rowOf(2);
    assertThat(t.slotValues("s", 1)).containsExactly(3, 4);
    assertThat(t.slotValues("s", 2)).containsExactly(0, 0);
    assertThat(t.slotNames()).containsExactly("embedding", "s");
  }

  @Test
  void initialRowDependsOnIdNotOnArrivalOrder() {
    EmbeddingTable a = new EmbeddingTable("t", 4, 5);
    EmbeddingTable b = new EmbeddingTable("t", 4, 5);
    a.rowOf(1);
    a.rowOf(2);
    b.rowOf(2);
    b.rowOf(1);
    assertThat(a.lookup(1)).containsExactly(b.lookup(1));
    assertThat(a.lookup(2)).containsExactly(b.lookup(2));
    assertThat(a.lookup(1)).isNotEqualTo(a.lookup(2));
  }
}
