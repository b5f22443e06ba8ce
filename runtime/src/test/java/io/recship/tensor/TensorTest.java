package io.recship.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TensorTest {
  private TensorScope scope;

  @BeforeEach
  void open() {
    scope = TensorScope.open();
  }

  @AfterEach
  void close() {
    scope.close();
  }

  @Test
  void arithmeticWithTensorsAndScalars() {
    Tensor a = Tensor.of(new float[] {1, 2, 3}, 3);
    Tensor b = Tensor.of(new float[] {4, 5, 6}, 3);
    assertThat(a.plus(b).toFloatArray()).containsExactly(5, 7, 9);
    assertThat(b.minus(a).toFloatArray()).containsExactly(3, 3, 3);
    assertThat(a.times(b).toFloatArray()).containsExactly(4, 10, 18);
    assertThat(b.div(a).toFloatArray()).containsExactly(4, 2.5f, 2);
    assertThat(a.plus(1).times(2.5).minus(1).div(2).toFloatArray()).containsExactly(2, 3.25f, 4.5f);
    assertThat(a.unaryMinus().toFloatArray()).containsExactly(-1, -2, -3);
    assertThat(a.rsub(10).toFloatArray()).containsExactly(9, 8, 7);
    assertThat(a.pow(2).toFloatArray()).containsExactly(1, 4, 9);
  }

  @Test
  void shapeOps() {
    Tensor x = Tensor.of(new float[] {0, 1, 2, 3, 4, 5}, 2, 3);
    assertThat(x.reshape(-1).shape()).containsExactly(6);
    assertThat(x.view(3, -1).shape()).containsExactly(3, 2);
    assertThat(x.transpose(0, 1).toFloatArray()).containsExactly(0, 3, 1, 4, 2, 5);
    assertThat(x.unsqueeze(1).shape()).containsExactly(2, 1, 3);
    assertThat(x.unsqueeze(-1).shape()).containsExactly(2, 3, 1);
    assertThat(x.unsqueeze(1).squeeze(1).shape()).containsExactly(2, 3);
    assertThat(x.narrow(1, 1, 2).toFloatArray()).containsExactly(1, 2, 4, 5);
    assertThat(x.narrow(-1, 0, 1).shape()).containsExactly(2, 1);
    assertThat(x.select(1, 2).toFloatArray()).containsExactly(2, 5);
    assertThat(Tensor.cat(-1, x, x).shape()).containsExactly(2, 6);
    assertThat(Tensor.cat(0, x, x).shape()).containsExactly(4, 3);
    assertThat(x.unsqueeze(0).flatten(0, 1).shape()).containsExactly(2, 3);
  }

  @Test
  void squeezeOfANonUnitDimensionIsRejected() {
    Tensor x = Tensor.zeros(2, 3);
    assertThatThrownBy(() -> x.squeeze(1)).hasMessageContaining("size 1");
  }

  @Test
  void reductionsOverDimsWithKeepdim() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    assertThat(x.sum(1, false).toFloatArray()).containsExactly(6, 15);
    assertThat(x.sum(new int[] {1}, true).shape()).containsExactly(2, 1);
    assertThat(x.mean(0, true).toFloatArray()).containsExactly(2.5f, 3.5f, 4.5f);
    assertThat(x.sum().item()).isEqualTo(21f);
    assertThat(x.mean().item()).isEqualTo(3.5f);
  }

  @Test
  void elementwiseFunctions() {
    Tensor x = Tensor.of(new float[] {-1, 0, 4}, 3);
    assertThat(x.relu().toFloatArray()).containsExactly(0, 0, 4);
    assertThat(x.sigmoid().toFloatArray()[1]).isEqualTo(0.5f);
    assertThat(x.tanh().toFloatArray()[0]).isCloseTo((float) Math.tanh(-1), within(1e-6f));
    assertThat(x.gelu().toFloatArray()[2]).isCloseTo(3.99987f, within(1e-4f));
    assertThat(x.exp().toFloatArray()[2]).isCloseTo((float) Math.exp(4), within(1e-3f));
    assertThat(x.abs().sqrt().toFloatArray()).containsExactly(1, 0, 2);
    assertThat(x.clamp(-0.5, 2).toFloatArray()).containsExactly(-0.5f, 0, 2);
    assertThat(x.plus(2).log().toFloatArray()[0]).isCloseTo(0f, within(1e-7f));
  }

  @Test
  void softmaxRowsSumToOne() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 1, 1, 1}, 2, 3);
    float[] s = x.softmax(-1).sum(-1, false).toFloatArray();
    assertThat(s[0]).isCloseTo(1f, within(1e-6f));
    assertThat(x.softmax(1).toFloatArray()[3]).isCloseTo(1f / 3, within(1e-6f));
    assertThat(x.logSoftmax(1).exp().toFloatArray()[2])
        .isCloseTo(x.softmax(1).toFloatArray()[2], within(1e-6f));
  }

  @Test
  void comparisonsMasksAndWhere() {
    Tensor x = Tensor.of(new float[] {1, 5, 3}, 3);
    Tensor y = Tensor.of(new float[] {2, 2, 3}, 3);
    assertThat(x.gt(y).toBooleanArray()).containsExactly(false, true, false);
    assertThat(x.ge(y).toBooleanArray()).containsExactly(false, true, true);
    assertThat(x.lt(3).toBooleanArray()).containsExactly(true, false, false);
    assertThat(x.le(3).toBooleanArray()).containsExactly(true, false, true);
    assertThat(x.eq(y).toBooleanArray()).containsExactly(false, false, true);
    assertThat(x.ne(3).toBooleanArray()).containsExactly(true, true, false);
    assertThat(x.maskedFill(x.gt(2), -1e9).toFloatArray()).containsExactly(1, -1e9f, -1e9f);
    assertThat(Tensor.where(x.gt(y), x, y).toFloatArray()).containsExactly(2, 5, 3);
    assertThat(x.gt(2).toType(DType.FLOAT32).toFloatArray()).containsExactly(0, 1, 1);
  }

  @Test
  void matmulBmmAndLinear() {
    Tensor a = Tensor.of(new float[] {1, 2, 3, 4}, 2, 2);
    assertThat(a.matmul(a).toFloatArray()).containsExactly(7, 10, 15, 22);
    Tensor b = a.unsqueeze(0);
    assertThat(b.bmm(b).shape()).containsExactly(1, 2, 2);
    Tensor w = Tensor.of(new float[] {1, 0, 0, 1, 1, 1}, 3, 2);
    Tensor bias = Tensor.of(new float[] {0, 0, 10}, 3);
    assertThat(a.linear(w, bias).toFloatArray()).containsExactly(1, 2, 13, 3, 4, 17);
    assertThat(a.linear(w, null).toFloatArray()).containsExactly(1, 2, 3, 3, 4, 7);
  }

  @Test
  void layerNormNormalisesTheLastDimension() {
    Tensor x = Tensor.of(new float[] {1, 2, 3, 4}, 1, 4);
    Tensor y = x.layerNorm(new long[] {4}, Tensor.ones(4), Tensor.zeros(4), 1e-5);
    assertThat(y.mean().item()).isCloseTo(0f, within(1e-6f));
    assertThat(y.toFloatArray()[3]).isCloseTo(1.3416f, within(1e-3f));
  }

  @Test
  void likeFactoriesFollowTheShape() {
    Tensor x = Tensor.zeros(2, 3);
    assertThat(x.onesLike().sum().item()).isEqualTo(6f);
    assertThat(x.fullLike(2.5).toFloatArray()).containsOnly(2.5f);
    assertThat(x.plus(1).zerosLike().sum().item()).isEqualTo(0f);
  }

  @Test
  void closingAScopeFreesItsTensorsButKeepMovesOneOut() {
    Tensor kept;
    Tensor dropped;
    try (TensorScope inner = TensorScope.open()) {
      dropped = Tensor.ones(3).times(2);
      kept = inner.keep(Tensor.ones(3).times(3));
    }
    assertThat(dropped.isClosed()).isTrue();
    assertThat(kept.isClosed()).isFalse();
    assertThat(kept.toFloatArray()).containsExactly(3, 3, 3);
    scope.close();
    assertThat(kept.isClosed()).isTrue();
  }

  @Test
  void scopesMustCloseInnermostFirst() {
    TensorScope inner = TensorScope.open();
    assertThatThrownBy(scope::close).hasMessageContaining("out of order");
    inner.close();
  }

  @Test
  void blocksAreSortedAndShareTheBatchSize() {
    Blocks b = Blocks.of(Map.of("user", Tensor.zeros(4, 2), "item", Tensor.zeros(4, 3), "ctx", Tensor.zeros(4, 5, 1)));
    assertThat(b.names()).containsExactly("ctx", "item", "user");
    assertThat(b.asMap().keySet()).containsExactly("ctx", "item", "user");
    assertThat(b.batchSize()).isEqualTo(4);
    assertThat(b.rows(1, 2).get("item").shape()).containsExactly(2, 3);
  }

  @Test
  void blocksRejectMismatchedBatchAndNameUnknownBlocks() {
    assertThatThrownBy(() -> Blocks.of(Map.of("a", Tensor.zeros(4, 2), "b", Tensor.zeros(5, 2))))
        .hasMessageContaining("block 'b' has batch size 5 but block 'a' has 4");
    Blocks b = Blocks.of("user", Tensor.zeros(2, 2));
    assertThatThrownBy(() -> b.get("item")).hasMessage("no block 'item'; blocks are [user]");
  }

  @Test
  void djlRunsOffline() {
    assertThat(System.getProperty("ai.djl.offline")).isEqualTo("true");
  }
}
