package io.recship.nn;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ParameterTest {
  /**
   * {@code set} (how checkpoints load dense weights) writes into the parameter's own memory, which
   * libtorch allocated 64-byte aligned, rather than swapping in a 16-byte-aligned Java buffer.
   */
  @Test
  void setCopiesIntoTheParametersOwnAlignedMemory() {
    List<Parameter> params = new ArrayList<>();
    List<String> misaligned = new ArrayList<>();
    try (TensorScope scope = TensorScope.open()) {
      for (int i = 0; i < 32; i++) {
        int n = 1 + 7 * i;
        Parameter p = Parameter.of(Tensor.zeros(n));
        params.add(p);
        NDArray nd = p.value().toNDArray();
        // a view that shares the parameter's memory as it was before set
        try (NDArray before = nd.reshape(n)) {
          float[] values = new float[n];
          for (int k = 0; k < n; k++) {
            values[k] = k + 0.5f * i;
          }
          p.set(values);
          assertThat(p.toFloatArray()).containsExactly(values);
          assertThat(before.toFloatArray()).as("the memory the parameter had before set").containsExactly(values);
        }
        int off = nd.toByteBuffer(true).alignmentOffset(0, 64);
        if (off != 0) {
          misaligned.add(n + " values: +" + off);
        }
      }
      assertThat(misaligned).as("parameters not at a 64-byte boundary after set").isEmpty();
    } finally {
      params.forEach(Parameter::close);
    }
  }

  @Test
  void setOnATwoDimensionalParameterKeepsShapeAndGradient() {
    try (TensorScope scope = TensorScope.open();
        Parameter p = Parameter.of(Tensor.zeros(2, 3))) {
      p.set(new float[] {1, 2, 3, 4, 5, 6});
      assertThat(p.shape()).containsExactly(2, 3);
      assertThat(p.value().toNDArray().hasGradient()).isTrue();
      assertThat(p.toFloatArray()).containsExactly(1, 2, 3, 4, 5, 6);
    }
  }
}
