package io.recship.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recship.tensor.Autograd;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ModuleTest {
  static final class Tower extends Module {
    final Mlp tower = register("tower", Mlp.of(4, 8, 1));
    final LayerNorm norm = register("norm", new LayerNorm(4));
  }

  @Test
  void stateDictNamesJoinRegistrationNamesWithDots() {
    try (Tower m = new Tower()) {
      assertThat(m.namedParameters().keySet())
          .containsExactly("tower.0.weight", "tower.0.bias", "tower.1.weight", "tower.1.bias", "norm.weight", "norm.bias");
      assertThat(m.namedParameters().get("tower.0.weight").shape()).containsExactly(8, 4);
      assertThat(m.parameterCount()).isEqualTo(8 * 4 + 8 + 8 + 1 + 4 + 4);
    }
  }

  @Test
  void linearInitIsKaimingUniformWithinOneOverSqrtFanIn() {
    try (Linear l = new Linear(64, 256, true, new Random(1))) {
      float[] w = l.weight().toFloatArray();
      double bound = 1 / Math.sqrt(64);
      double max = 0;
      double sumSq = 0;
      for (float v : w) {
        max = Math.max(max, Math.abs(v));
        sumSq += v * v;
      }
      assertThat(max).isLessThanOrEqualTo(bound).isGreaterThan(bound * 0.95);
      // uniform(-b, b) has variance b^2 / 3
      assertThat(sumSq / w.length).isBetween(bound * bound / 3 * 0.9, bound * bound / 3 * 1.1);
      for (float v : l.bias().toFloatArray()) {
        assertThat(Math.abs(v)).isLessThanOrEqualTo((float) bound);
      }
    }
  }

  @Test
  void seedingMakesInitReproducible() {
    Init.manualSeed(7);
    float[] first;
    try (Linear a = Linear.of(3, 2)) {
      first = a.weight().toFloatArray();
    }
    Init.manualSeed(7);
    try (Linear b = Linear.of(3, 2)) {
      assertThat(b.weight().toFloatArray()).containsExactly(first);
    }
  }

  @Test
  void evalReachesChildrenAndDropoutIsIdentityInEval() {
    try (Mlp m = Mlp.builder(4, 4, 4).dropout(0.5).build(); TensorScope s = TensorScope.open()) {
      m.eval();
      assertThat(m.children().values()).allSatisfy(c -> assertThat(c.isTraining()).isFalse());
      Tensor x = Tensor.ones(16, 4);
      assertThat(m.forward(x).toFloatArray()).containsExactly(m.forward(x).toFloatArray());
      Dropout d = new Dropout(0.5);
      assertThat(d.eval()).isSameAs(d);
      assertThat(d.forward(x)).isSameAs(x);
      d.train();
      float[] dropped = d.forward(Tensor.ones(1000)).toFloatArray();
      assertThat(dropped).contains(0f, 2f);
    }
  }

  @Test
  void invokeIsForward() {
    try (Sequential s = Sequential.of(new Linear(2, 3, true, new Random(3)), new LayerNorm(3));
        TensorScope scope = TensorScope.open()) {
      Tensor x = Tensor.of(new float[] {1, 2}, 1, 2);
      assertThat(s.invoke(x).toFloatArray()).containsExactly(s.forward(x).toFloatArray());
      assertThat(s.namedParameters().keySet()).containsExactly("0.weight", "0.bias", "1.weight", "1.bias");
    }
  }

  @Test
  void zeroGradClearsGradientsAfterBackward() {
    try (Mlp m = Mlp.of(3, 4, 1); TensorScope s = TensorScope.open()) {
      assertThat(m.hasNonZeroGrad()).isFalse();
      try (Autograd tape = Autograd.record()) {
        tape.backward(m.forward(Tensor.ones(5, 3)).sum());
      }
      assertThat(m.nonZeroGradNames()).contains("0.weight", "1.weight", "1.bias");
      Tensor g = m.linears().get(1).bias().grad();
      assertThat(g).isNotNull();
      assertThat(g.item()).isEqualTo(5f); // d(sum of 5 rows)/d(bias) = 5
      m.zeroGrad();
      assertThat(m.hasNonZeroGrad()).isFalse();
      assertThat(m.linears().get(0).weight().grad().toFloatArray()).containsOnly(0f);
    }
  }

  @Test
  void closingAModuleFreesItsParameters() {
    Mlp m = Mlp.of(2, 2);
    Tensor w = m.linears().get(0).weight().value();
    m.close();
    assertThat(w.isClosed()).isTrue();
  }

  @Test
  void linearNamesTheExpectedWidthOnBadInput() {
    try (Linear l = Linear.of(3, 2); TensorScope s = TensorScope.open()) {
      assertThatThrownBy(() -> l.forward(Tensor.zeros(2, 4)))
          .hasMessageContaining("Linear(3 -> 2) got input of shape [2, 4]");
    }
  }

  @Test
  void duplicateAndDottedNamesAreRejected() {
    class Bad extends Module {
      void add(String n) {
        register(n, Linear.of(1, 1));
      }
    }
    try (Bad b = new Bad()) {
      b.add("x");
      assertThatThrownBy(() -> b.add("x")).hasMessageContaining("already registered");
      assertThatThrownBy(() -> b.add("a.b")).hasMessageContaining("no '.'");
    }
  }
}
