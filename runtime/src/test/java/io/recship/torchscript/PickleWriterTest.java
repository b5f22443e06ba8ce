package io.recship.torchscript;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PickleWriterTest {
  private static byte[] pickled(long v) {
    return new PickleWriter().integer(v).stop();
  }

  @Test
  void encodesIntegersWithTheSmallestOpcode() {
    assertThat(pickled(5)).containsExactly(0x80, 2, 'K', 5, '.');
    assertThat(pickled(300)).containsExactly(0x80, 2, 'M', 0x2c, 0x01, '.');
    assertThat(pickled(-1)).containsExactly(0x80, 2, 'J', 0xff, 0xff, 0xff, 0xff, '.');
    assertThat(pickled(70000)).containsExactly(0x80, 2, 'J', 0x70, 0x11, 0x01, 0x00, '.');
    assertThat(pickled(1L << 33))
        .containsExactly(0x80, 2, 0x8a, 8, 0, 0, 0, 0, 2, 0, 0, 0, '.');
  }

  @Test
  void encodesStringsAsUtf8AndFloatsBigEndian() {
    assertThat(new PickleWriter().string("é").stop())
        .containsExactly(0x80, 2, 'X', 2, 0, 0, 0, 0xc3, 0xa9, '.');
    assertThat(new PickleWriter().floating(1.0).stop())
        .containsExactly(0x80, 2, 'G', 0x3f, 0xf0, 0, 0, 0, 0, 0, 0, '.');
  }

  @Test
  void writesModuleObjectWithTrainingFalseAndTensorPersistentIds() {
    ScriptModuleSpec spec =
        ScriptModuleSpec.builder("a.M")
            .parameter("w", TensorData.ofFloats(new long[] {2, 3}, new float[6]))
            .buffer("k", TensorData.ofLongs(new long[] {4}, new long[4]))
            .input("x")
            .returns("x")
            .build();
    java.util.List<TensorData> storages = new java.util.ArrayList<>();
    String pkl =
        new String(
            TorchScriptWriter.dataPkl(spec, storages), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertThat(pkl)
        .startsWith("\u0080\u0002c__torch__.a\nM\n)\u0081}(")
        .contains("ctorch\nFloatStorage\n", "ctorch\nLongStorage\n")
        .contains("X\u0008\u0000\u0000\u0000training\u0089u" + "b.");
    assertThat(storages).hasSize(2);
  }
}
