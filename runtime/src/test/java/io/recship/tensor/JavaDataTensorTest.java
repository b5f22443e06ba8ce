package io.recship.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Tensors made from Java data are copies in libtorch's own memory: exactly as many values as the
 * shape holds, valid for a backward after the tensor is closed, and starting at a 64-byte boundary
 * as libtorch's own tensors do, whatever the JVM's direct-buffer alignment (16 bytes without
 * {@code -Dsun.nio.PageAlignDirectMemory}).
 */
class JavaDataTensorTest {
  /** Sizes in elements, odd ones included; a 16-byte-aligned buffer is 64-byte aligned 1 time in 4. */
  private static final int[] SIZES = {1, 2, 3, 5, 7, 16, 17, 24, 25, 100, 480, 1000, 4097};
  private static final int ROUNDS = 8;

  private TensorScope scope;

  @BeforeEach
  void open() {
    scope = TensorScope.open();
  }

  @AfterEach
  void close() {
    scope.close();
  }

  /**
   * Bytes from the previous 64-byte boundary to the tensor's data. For a contiguous CPU tensor,
   * {@code toByteBuffer(true)} is a view of libtorch's memory, not a copy (checked below).
   */
  static int misalignment(Tensor t) {
    ByteBuffer view = t.toNDArray().toByteBuffer(true);
    assertThat(view.isDirect()).as("toByteBuffer(true) of a CPU tensor is a direct view").isTrue();
    return view.alignmentOffset(0, 64);
  }

  /** Makes {@code ROUNDS} tensors of every size, all kept alive so none reuses another's memory. */
  private static void assertAllAligned(String what, IntFunction<Tensor> make) {
    List<Tensor> made = new ArrayList<>();
    List<String> misaligned = new ArrayList<>();
    for (int round = 0; round < ROUNDS; round++) {
      for (int n : SIZES) {
        Tensor t = make.apply(n);
        made.add(t);
        int off = misalignment(t);
        if (off != 0) {
          misaligned.add(n + " elements: +" + off);
        }
      }
    }
    assertThat(misaligned).as(what + ": tensors not at a 64-byte boundary, of " + made.size()).isEmpty();
  }

  @Test
  void floatTensorsFromJavaArraysStartAt64ByteBoundaries() {
    assertAllAligned("Tensor.of(float[])", n -> Tensor.of(new float[n], n));
  }

  @Test
  void floatMatricesFromRowsStartAt64ByteBoundaries() {
    assertAllAligned("Tensor.of(float[][])", n -> Tensor.of(new float[][] {new float[n], new float[n]}));
  }

  @Test
  void longTensorsFromJavaArraysStartAt64ByteBoundaries() {
    assertAllAligned("Tensor.of(long[])", n -> Tensor.of(new long[n], n));
  }

  @Test
  void boolTensorsFromJavaArraysStartAt64ByteBoundaries() {
    assertAllAligned("Tensor.of(boolean[])", n -> Tensor.of(new boolean[n], n));
  }

  @Test
  void scalarsStartAt64ByteBoundaries() {
    assertAllAligned("Tensor.scalar", n -> Tensor.scalar(n));
  }

  @Test
  void theAlignmentProbeReadsTheTensorsOwnMemory() {
    Tensor t = Tensor.of(new float[] {1, 2, 3}, 3);
    t.toNDArray().toByteBuffer(true).order(ByteOrder.nativeOrder()).putFloat(4, 42);
    assertThat(t.toFloatArray()).containsExactly(1, 42, 3);
  }

  @Test
  void valuesAndShapesSurviveTheCopy() {
    float[] f = {1.5f, -2, 3e-30f, Float.NaN, Float.NEGATIVE_INFINITY, 6};
    assertThat(Tensor.of(f, 2, 3).toFloatArray()).containsExactly(f);
    assertThat(Tensor.of(f, 2, 3).shape()).containsExactly(2, 3);
    long[] l = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE};
    assertThat(Tensor.of(l, 5).toLongArray()).containsExactly(l);
    assertThat(Tensor.of(l, 5).dtype()).isEqualTo(DType.INT64);
    boolean[] b = {true, false, false, true, true};
    assertThat(Tensor.of(b, 5, 1).toBooleanArray()).containsExactly(b);
    assertThat(Tensor.of(b, 5, 1).dtype()).isEqualTo(DType.BOOL);
    assertThat(Tensor.scalar(-7.25f).item()).isEqualTo(-7.25f);
    assertThat(Tensor.scalar(-7.25f).dims()).isZero();
    assertThat(Tensor.of(new float[0], 0, 3).shape()).containsExactly(0, 3);
  }

  @Test
  void dataShorterThanTheShapeIsRejectedInValues() {
    assertThatThrownBy(() -> Tensor.of(new float[] {1, 2}, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 3 values, got 2");
    assertThatThrownBy(() -> Tensor.of(new long[] {1}, 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 4 values, got 1");
  }

  @Test
  void dataLongerThanTheShapeIsRejectedNotTruncated() {
    assertThatThrownBy(() -> Tensor.of(new float[6], 2, 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 4 values, got 6")
        .hasMessageContaining("pass the shape of all the data");
    assertThatThrownBy(() -> Tensor.of(new long[3], 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 2 values, got 3");
    assertThatThrownBy(() -> Tensor.of(new boolean[2], 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs 1 values, got 2");
  }

  @Test
  void aNegativeDimensionIsRejectedByName() {
    assertThatThrownBy(() -> Tensor.of(new float[4], -1, 4))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("negative dimension");
  }

  /**
   * {@code w * x} saves {@code x} for {@code w}'s gradient. With {@code x} in a Java direct buffer,
   * closing it dropped the last reference to that buffer, and a GC freed memory the backward read.
   */
  @Test
  void aTensorClosedBeforeTheBackwardStillGivesItsValuesToTheGradient() throws InterruptedException {
    float[] x = {1, 2, 3, 4, 5, 6, 7, 8};
    Tensor w = Tensor.of(new float[] {1, 1, 1, 1, 1, 1, 1, 1}, 8);
    w.toNDArray().setRequiresGradient(true);
    try (Autograd tape = Autograd.record()) {
      Tensor input = Tensor.of(x, 8);
      Tensor loss = w.times(input).sum();
      input.close();
      FreedMemory.collectAndReuse(x.length * Float.BYTES);
      tape.backward(loss);
    }
    assertThat(Tensor.wrap(w.toNDArray().getGradient()).toFloatArray()).containsExactly(x);
  }
}
