package io.recship.torchscript;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class TensorDataTest {
  @Test
  void storesFloatsLittleEndianRowMajor() {
    TensorData t = TensorData.ofFloats(new long[] {2, 2}, 1f, 2f, 3f, -0.5f);
    ByteBuffer b = t.littleEndianData();
    assertThat(b.order()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    assertThat(b.getInt(0)).isEqualTo(Float.floatToIntBits(1f));
    assertThat(b.getFloat(12)).isEqualTo(-0.5f);
    assertThat(t.numel()).isEqualTo(4);
    assertThat(t.byteSize()).isEqualTo(16);
  }

  @Test
  void rejectsDataThatDoesNotMatchTheShape() {
    assertThatThrownBy(() -> TensorData.ofFloats(new long[] {2, 3}, 1f, 2f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FLOAT with shape [2, 3] needs 24 bytes but the buffer has 8");
    assertThatThrownBy(() -> TensorData.ofFloats(new long[] {-1}, 1f))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative dimension");
  }

  @Test
  void isImmutable() {
    long[] shape = {2};
    byte[] raw = {1, 0, 0, 0, 2, 0, 0, 0};
    TensorData t = TensorData.ofBytes(ScalarType.INT, shape, raw);
    shape[0] = 99;
    raw[0] = 7;
    t.shape()[0] = 42;
    t.littleEndianData().position(4);
    assertThat(t.shape()).containsExactly(2);
    assertThat(t.littleEndianData().getInt()).isEqualTo(1);
    assertThat(t.littleEndianData().isReadOnly()).isTrue();
    assertThat(t).isEqualTo(TensorData.ofInts(new long[] {2}, 1, 2));
  }

  @Test
  void copiesADjlArrayThatMayBeClosedAfterwards() {
    TensorData t;
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      NDArray a = m.create(new long[] {5, -6, 7, 8, 9, 10}, new Shape(2, 3));
      t = TensorData.of(a);
    }
    assertThat(t).isEqualTo(TensorData.ofLongs(new long[] {2, 3}, 5, -6, 7, 8, 9, 10));
  }

  @Test
  void rejectsDjlTypesTorchCannotStore() {
    assertThatThrownBy(() -> ScalarType.of(ai.djl.ndarray.types.DataType.STRING))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("DJL data type string cannot be stored");
  }
}
