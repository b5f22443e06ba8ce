package io.recship.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Ops with a number operand keep working when a GC falls between the forward and the backward.
 * The backward of {@code x * c}, {@code x / c} and {@code x ** c} reads {@code c} again; DJL's
 * number overloads put {@code c} in a direct buffer that is freed once collected.
 */
class ScalarOperandTest {
  private static float[] gradientAfterGc(java.util.function.UnaryOperator<Tensor> f, float... x)
      throws InterruptedException {
    try (TensorScope scope = TensorScope.open()) {
      Tensor in = Tensor.of(x, x.length);
      in.toNDArray().setRequiresGradient(true);
      try (Autograd tape = Autograd.record()) {
        Tensor loss = f.apply(in).sum();
        FreedMemory.collectAndReuse(Float.BYTES);
        tape.backward(loss);
      }
      return Tensor.wrap(in.toNDArray().getGradient()).toFloatArray();
    }
  }

  @Test
  void timesNumberBackwardAfterAGcUsesTheNumber() throws InterruptedException {
    assertThat(gradientAfterGc(x -> x.times(0.125), 1, 2, 3)).containsExactly(0.125f, 0.125f, 0.125f);
  }

  @Test
  void divNumberBackwardAfterAGcUsesTheNumber() throws InterruptedException {
    assertThat(gradientAfterGc(x -> x.div(4), 1, 2, 3)).containsExactly(0.25f, 0.25f, 0.25f);
  }

  @Test
  void powNumberBackwardAfterAGcUsesTheNumber() throws InterruptedException {
    assertThat(gradientAfterGc(x -> x.pow(2), 1, 2, 3)).containsExactly(2f, 4f, 6f);
  }

  @Test
  void numberOperandsKeepDjlsTypePromotion() {
    try (TensorScope scope = TensorScope.open()) {
      Tensor f = Tensor.of(new float[] {1, 2}, 2);
      assertThat(f.times(0.1).toFloatArray()).containsExactly(0.1f, 0.2f);
      assertThat(f.times(0.1).dtype()).isEqualTo(DType.FLOAT32);
      assertThat(f.div(3).toFloatArray()).containsExactly(1f / 3, 2f / 3);
      assertThat(f.plus(1).minus(0.5).toFloatArray()).containsExactly(1.5f, 2.5f);
      assertThat(f.rsub(10).toFloatArray()).containsExactly(9, 8);
      assertThat(f.pow(0.5).toFloatArray()).containsExactly(1f, (float) Math.sqrt(2));
      Tensor l = Tensor.of(new long[] {3, 4}, 2);
      assertThat(l.times(2).dtype()).isEqualTo(DType.INT64);
      assertThat(l.times(2).toLongArray()).containsExactly(6, 8);
      assertThat(l.plus(2L).toLongArray()).containsExactly(5, 6);
    }
  }
}
