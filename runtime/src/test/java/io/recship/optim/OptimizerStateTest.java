package io.recship.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recship.nn.Mlp;
import io.recship.nn.Module;
import io.recship.nn.Parameter;
import io.recship.tensor.Autograd;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class OptimizerStateTest {
  private static final int IN = 6;

  private static Mlp mlp(long seed, long hidden) {
    return Mlp.builder(IN, hidden, 1).random(new Random(seed)).build();
  }

  /** One step of a squared loss on a batch fixed by {@code batch}. */
  private static void trainStep(Mlp m, Optimizer opt, int batch) {
    Random r = new Random(1000 + batch);
    float[] x = new float[16 * IN];
    float[] y = new float[16];
    for (int i = 0; i < x.length; i++) {
      x[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < y.length; i++) {
      y[i] = r.nextBoolean() ? 1 : 0;
    }
    opt.zeroGrad();
    try (TensorScope s = TensorScope.open()) {
      try (Autograd tape = Autograd.record()) {
        Tensor d = m.forward(Tensor.of(x, 16, IN)).minus(Tensor.of(y, 16, 1));
        tape.backward(d.times(d).mean());
      }
    }
    opt.step();
  }

  private static List<float[]> weights(Module m) {
    List<float[]> w = new ArrayList<>();
    m.namedParameters().values().forEach(p -> w.add(p.toFloatArray()));
    return w;
  }

  static Stream<Arguments> optimizers() {
    return Stream.of(
        Arguments.of("Adam", (Function<Mlp, Optimizer>) m -> Adam.of(m, 0.01)),
        Arguments.of("AdamW", (Function<Mlp, Optimizer>) m -> AdamW.of(m, 0.01)),
        Arguments.of("Sgd+momentum", (Function<Mlp, Optimizer>) m -> new Sgd(m.namedParameters(), 0.05, 0.9, 1e-3)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optimizers")
  void stateRoundTripsExactlyAndTheLoadedOptimizerContinuesIdentically(String name, Function<Mlp, Optimizer> make) {
    try (Mlp a = mlp(3, 8); Optimizer optA = make.apply(a); Mlp b = mlp(4, 8); Optimizer optB = make.apply(b);
        Mlp c = mlp(4, 8); Optimizer fresh = make.apply(c)) {
      for (int i = 0; i < 5; i++) {
        trainStep(a, optA, i);
      }
      OptimizerState saved = optA.state();
      assertThat(saved.steps()).isEqualTo(5);
      assertThat(saved.slots()).hasSize(4 * optA.slotNames().size());
      assertThat(saved.slots()).allSatisfy(s -> assertThat(s.values()).isNotEqualTo(new float[s.values().length]));

      // b and c: a's weights; only b gets a's optimizer state
      for (Mlp m : List.of(b, c)) {
        a.namedParameters().forEach((n, p) -> m.namedParameters().get(n).set(p.toFloatArray()));
      }
      optB.loadState(saved);
      assertThat(optB.state()).isEqualTo(saved);

      for (int i = 5; i < 8; i++) {
        trainStep(a, optA, i);
        trainStep(b, optB, i);
        trainStep(c, fresh, i);
      }
      assertThat(weights(b)).zipSatisfy(weights(a), (wb, wa) -> assertThat(wb).containsExactly(wa));
      assertThat(optB.state()).isEqualTo(optA.state());
      // the state matters: without it the same weights and batches go elsewhere
      assertThat(weights(c).get(0)).isNotEqualTo(weights(a).get(0));
    }
  }

  @Test
  void slotsAreKeyedByStateDictNameAndSlot() {
    try (Mlp m = mlp(1, 4); Adam adam = Adam.of(m, 0.01); Sgd sgd = new Sgd(m.parameters(), 0.1, 0.9, 0);
        Sgd plain = Sgd.of(m, 0.1)) {
      assertThat(adam.state().byKey().keySet()).containsExactly(
          "0.weight.exp_avg", "0.weight.exp_avg_sq", "0.bias.exp_avg", "0.bias.exp_avg_sq",
          "1.weight.exp_avg", "1.weight.exp_avg_sq", "1.bias.exp_avg", "1.bias.exp_avg_sq");
      // built from a list: named by position, as torch's state_dict does
      assertThat(sgd.state().byKey().keySet())
          .containsExactly("0.momentum_buffer", "1.momentum_buffer", "2.momentum_buffer", "3.momentum_buffer");
      assertThat(plain.state().slots()).isEmpty();
      OptimizerState.Slot w = adam.state().byKey().get("0.weight.exp_avg");
      assertThat(w.parameter()).isEqualTo("0.weight");
      assertThat(w.name()).isEqualTo("exp_avg");
      assertThat(w.shape()).containsExactly(4, IN);
      assertThat(w.values()).hasSize(4 * IN).containsOnly(0f); // before any step: what it would start from
      assertThat(adam.state().optimizer()).isEqualTo("Adam");
      assertThat(adam.state().learningRate()).isEqualTo(0.01);
    }
  }

  @Test
  void loadingRestoresStepCountAndLearningRate() {
    try (Mlp a = mlp(1, 4); Adam optA = Adam.of(a, 0.01); Mlp b = mlp(1, 4); Adam optB = Adam.of(b, 0.5)) {
      trainStep(a, optA, 0);
      trainStep(a, optA, 1);
      optA.setLearningRate(0.003); // as a schedule would
      optB.loadState(optA.state());
      assertThat(optB.steps()).isEqualTo(2);
      assertThat(optB.learningRate()).isEqualTo(0.003);
    }
  }

  @Test
  void stateForAnotherShapeIsRefusedNamingParameterAndBothShapes() {
    try (Mlp small = mlp(1, 4); Adam saved = Adam.of(small, 0.01); Mlp wide = mlp(1, 5); Adam target = Adam.of(wide, 0.01)) {
      trainStep(small, saved, 0);
      trainStep(wide, target, 0);
      OptimizerState before = target.state();
      assertThatThrownBy(() -> target.loadState(saved.state()))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("optimizer state '0.weight.exp_avg' has shape [4, 6] but parameter '0.weight' has shape [5, 6];"
              + " load state saved for a model of the same architecture");
      assertThat(target.state()).isEqualTo(before); // nothing changed
    }
  }

  @Test
  void stateOfAnotherOptimizerClassIsRefused() {
    try (Mlp m = mlp(1, 4); Adam adam = Adam.of(m, 0.01); AdamW adamW = AdamW.of(m, 0.01)) {
      assertThatThrownBy(() -> adam.loadState(adamW.state()))
          .hasMessageStartingWith("optimizer state was saved by AdamW but this optimizer is Adam; load it into a AdamW");
    }
  }

  @Test
  void missingAndUnknownSlotsAreRefused() {
    try (Mlp m = mlp(1, 4); Adam adam = Adam.of(m, 0.01)) {
      OptimizerState full = adam.state();
      List<OptimizerState.Slot> fewer = full.slots().stream().filter(s -> !s.key().equals("1.bias.exp_avg_sq")).toList();
      assertThatThrownBy(() -> adam.loadState(new OptimizerState("Adam", 3, 0.01, fewer)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("optimizer state has no '1.bias.exp_avg_sq' for parameter '1.bias' [1]");
      List<OptimizerState.Slot> more = new ArrayList<>(full.slots());
      more.add(new OptimizerState.Slot("2.weight", "exp_avg", new long[] {1}, new float[] {0}));
      assertThatThrownBy(() -> adam.loadState(new OptimizerState("Adam", 3, 0.01, more)))
          .hasMessageContaining("optimizer state has [2.weight.exp_avg], which no parameter of this Adam has");
      assertThat(adam.steps()).isZero();
    }
  }

  @Test
  void slotValuesMustFitTheirShape() {
    assertThatThrownBy(() -> new OptimizerState.Slot("w", "exp_avg", new long[] {2, 3}, new float[5]))
        .hasMessage("slot w.exp_avg: shape [2, 3] needs 6 values, got 5");
  }

  @Test
  void namedConstructorsKeepTheGivenNames() {
    try (Mlp m = mlp(1, 4)) {
      Map<String, Parameter> named = Map.of("head", m.namedParameters().get("1.bias"));
      try (AdamW w = new AdamW(named, 0.01, 0.9, 0.999, 1e-8, 0.01)) {
        assertThat(w.state().byKey().keySet()).containsExactly("head.exp_avg", "head.exp_avg_sq");
      }
    }
  }
}
