package io.recship.sparse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SparseOptimizerTest {
  private static EmbeddingTable table() {
    EmbeddingTable t = new EmbeddingTable("t", 2, 3);
    for (long id = 0; id < 10; id++) {
      t.rowOf(id);
    }
    return t;
  }

  @Test
  void adamTouchesOnlyRowsInTheBatch() {
    EmbeddingTable t = table();
    float[][] before = new float[10][];
    for (int id = 0; id < 10; id++) {
      before[id] = t.lookup(id);
    }
    SparseGradients g = new SparseGradients();
    g.add(t, t.find(3), new float[] {1f, -2f}, 0, 1f);
    g.add(t, t.find(7), new float[] {0.5f, 0.5f}, 0, 1f);
    g.add(t, t.find(3), new float[] {1f, 0f}, 0, 0.5f); // summed into row 3
    assertThat(g.gradient(t, 3)).containsExactly(1.5f, -2f);
    SparseAdam adam = SparseAdam.of(0.1);
    adam.step(g);
    for (int id = 0; id < 10; id++) {
      if (id == 3 || id == 7) {
        assertThat(t.lookup(id)).isNotEqualTo(before[id]);
      } else {
        assertThat(t.lookup(id)).as("row %d", id).containsExactly(before[id]);
        assertThat(t.slotValues(SparseAdam.EXP_AVG, id)).containsExactly(0f, 0f);
      }
    }
    // first Adam step moves each coordinate by lr * sign(g) (bias-corrected m/sqrt(v) = +-1)
    assertThat(t.lookup(3)[0]).isCloseTo(before[3][0] - 0.1f, within(1e-5f));
    assertThat(t.lookup(3)[1]).isCloseTo(before[3][1] + 0.1f, within(1e-5f));
    assertThat(t.slotValues(SparseAdam.EXP_AVG, 3)[0]).isCloseTo(0.15f, within(1e-6f));
    assertThat(t.slotValues(SparseAdam.EXP_AVG, 3)[1]).isCloseTo(-0.2f, within(1e-6f));
    assertThat(t.optimizerSlots()).containsExactly(SparseAdam.EXP_AVG, SparseAdam.EXP_AVG_SQ);
    assertThat(adam.scalarState()).containsEntry("sparse_adam_step", 1.0);
  }

  @Test
  void adagradAccumulatesSquaresPerRow() {
    EmbeddingTable t = table();
    float w0 = t.lookup(4)[0];
    SparseAdagrad ada = SparseAdagrad.of(0.5);
    for (int step = 0; step < 2; step++) {
      SparseGradients g = new SparseGradients();
      g.add(t, t.find(4), new float[] {2f, 0f}, 0, 1f);
      ada.step(g);
    }
    assertThat(t.slotValues(SparseAdagrad.STATE_SUM, 4)).containsExactly(8f, 0f);
    // w - 0.5 * 2/sqrt(4) - 0.5 * 2/sqrt(8)
    assertThat(t.lookup(4)[0]).isCloseTo((float) (w0 - 0.5 - 0.5 * 2 / Math.sqrt(8)), within(1e-6f));
    assertThat(t.slotValues(SparseAdagrad.STATE_SUM, 5)).containsExactly(0f, 0f);
    assertThat(ada.steps()).isEqualTo(2);
  }
}
