package io.recship.optim;

import static org.assertj.core.api.Assertions.assertThat;

import io.recship.nn.Init;
import io.recship.nn.Mlp;
import io.recship.tensor.Autograd;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TrainingTest {
  private static final int N = 256;
  private static final int D = 8;

  /** Labels are 1 where a fixed hyperplane puts the point on its positive side. */
  private static float[][] separableTask(long seed) {
    Random r = new Random(seed);
    float[] x = new float[N * D];
    float[] y = new float[N];
    float[] w = {1, -2, 0.5f, 1.5f, -1, 0.3f, 2, -0.7f};
    for (int i = 0; i < N; i++) {
      double dot = 0;
      for (int j = 0; j < D; j++) {
        x[i * D + j] = (float) (r.nextDouble() * 2 - 1);
        dot += w[j] * x[i * D + j];
      }
      y[i] = dot > 0 ? 1 : 0;
    }
    return new float[][] {x, y};
  }

  private static Tensor bceWithLogits(Tensor logits, Tensor y) {
    Tensor p = logits.sigmoid().clamp(1e-6, 1 - 1e-6);
    return y.times(p.log()).plus(y.rsub(1).times(p.rsub(1).log())).mean().unaryMinus();
  }

  private static float accuracy(Mlp m, Tensor x, Tensor y) {
    try (TensorScope s = TensorScope.open()) {
      return m.forward(x).gt(0).toType(io.recship.tensor.DType.FLOAT32).eq(y).toType(io.recship.tensor.DType.FLOAT32).mean().item();
    }
  }

  private float[] train(Function<Mlp, Optimizer> optimizer, int steps) {
    Init.manualSeed(11);
    float[][] data = separableTask(5);
    try (Mlp mlp = Mlp.of(D, 16, 1);
        Optimizer opt = optimizer.apply(mlp);
        TensorScope outer = TensorScope.open()) {
      Tensor x = Tensor.of(data[0], N, D);
      Tensor y = Tensor.of(data[1], N, 1);
      float accBefore = accuracy(mlp, x, y);
      float firstLoss = 0;
      float lastLoss = 0;
      for (int step = 0; step < steps; step++) {
        try (TensorScope s = TensorScope.open(); Autograd tape = Autograd.record()) {
          Tensor loss = bceWithLogits(mlp.forward(x), y);
          tape.backward(loss);
          if (step == 0) {
            firstLoss = loss.item();
          }
          lastLoss = loss.item();
        }
        opt.step();
        opt.zeroGrad();
        assertThat(mlp.hasNonZeroGrad()).isFalse();
      }
      return new float[] {firstLoss, lastLoss, accBefore, accuracy(mlp, x, y)};
    }
  }

  @Test
  void mlpLearnsASeparableTaskWithAdam() {
    float[] r = train(m -> Adam.of(m, 0.05), 150);
    assertThat(r[1]).isLessThan(r[0] * 0.4f);
    assertThat(r[3]).isGreaterThan(0.95f).isGreaterThan(r[2]);
  }

  @Test
  void adamWAndSgdAlsoReduceTheLoss() {
    float[] w = train(m -> AdamW.of(m, 0.05), 60);
    assertThat(w[1]).isLessThan(w[0] * 0.6f);
    float[] s = train(m -> new Sgd(m.parameters(), 0.5, 0.9, 0), 60);
    assertThat(s[1]).isLessThan(s[0] * 0.6f);
  }
}
