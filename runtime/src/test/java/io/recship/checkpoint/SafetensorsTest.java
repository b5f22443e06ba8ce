package io.recship.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
  @TempDir Path dir;

  private static float[] floats(int n, float scale) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (i - n / 2f) * scale;
    }
    return a;
  }

  private Path sample() {
    Path f = dir.resolve("t.safetensors");
    SafetensorsWriter.write(
        f,
        List.of(
            TensorEntry.ofLongs("user.id/part_0_1", new long[] {3}, new long[] {7, -1, Long.MAX_VALUE}),
            TensorEntry.ofFloats("user.embedding/part_0_1", new long[] {3, 4}, floats(12, 0.25f)),
            TensorEntry.of("scalar", SafeDType.F64, new long[] {}, s -> s.putDouble(2.5))));
    return f;
  }

  @Test
  void roundTripsTensorsInHeaderOrder() {
    Path f = sample();
    try (SafetensorsReader r = SafetensorsReader.open(f)) {
      assertThat(r.keys()).containsExactly("user.id/part_0_1", "user.embedding/part_0_1", "scalar");
      assertThat(r.readLongs("user.id/part_0_1")).containsExactly(7, -1, Long.MAX_VALUE);
      assertThat(r.readFloats("user.embedding/part_0_1")).containsExactly(floats(12, 0.25f));
      assertThat(r.info("user.embedding/part_0_1").shape()).containsExactly(3, 4);
      assertThat(r.readDoubles("scalar")).containsExactly(2.5);
      assertThat(r.metadata()).isEmpty();
    }
  }

  @Test
  void headerIsCompactJsonPaddedWithSpacesLikeRecis() throws IOException {
    Path f = sample();
    byte[] bytes = Files.readAllBytes(f);
    long len = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    assertThat(len % 8).isZero();
    String header = new String(bytes, 8, (int) len, StandardCharsets.UTF_8);
    assertThat(header)
        .startsWith("{\"user.id/part_0_1\":{\"dtype\":\"I64\",\"shape\":[3],\"data_offsets\":[0,24]},");
    assertThat(header.strip()).endsWith("\"scalar\":{\"dtype\":\"F64\",\"shape\":[],\"data_offsets\":[72,80]}}");
    // RecIS pads with 8 - len % 8 spaces, so there is always at least one
    assertThat(header).endsWith(" ");
    assertThat(bytes.length).isEqualTo(8 + len + 80);
  }

  @Test
  void writesMetadataOnlyWhenGiven() {
    Path f = dir.resolve("m.safetensors");
    SafetensorsWriter.write(
        f, List.of(TensorEntry.ofFloats("w", new long[] {2}, new float[] {1, 2})), Map.of("step", "12"));
    try (SafetensorsReader r = SafetensorsReader.open(f)) {
      assertThat(r.metadata()).containsEntry("step", "12");
      assertThat(r.keys()).containsExactly("w");
    }
  }

  @Test
  void djlNdListDecodeReadsTheSameTensors() throws IOException {
    Path f = dir.resolve("djl.safetensors");
    float[] emb = floats(64 * 5, 0.001f);
    long[] ids = {11, 22, 33, 44, 55};
    SafetensorsWriter.write(
        f,
        List.of(
            TensorEntry.ofLongs("item.id/part_0_1", new long[] {5}, ids),
            TensorEntry.ofFloats("item.embedding/part_0_1", new long[] {5, 64}, emb)),
        Map.of("format", "pt"));
    try (NDManager m = NDManager.newBaseManager("PyTorch");
        SafetensorsReader r = SafetensorsReader.open(f)) {
      NDList list = NDList.decode(m, Files.readAllBytes(f));
      assertThat(list).hasSize(2);
      NDArray djlIds = list.get("item.id/part_0_1");
      NDArray djlEmb = list.get("item.embedding/part_0_1");
      assertThat(djlIds.getDataType()).isEqualTo(DataType.INT64);
      assertThat(djlIds.toLongArray()).containsExactly(r.readLongs("item.id/part_0_1"));
      assertThat(djlEmb.getShape().getShape()).containsExactly(r.info("item.embedding/part_0_1").shape());
      assertThat(djlEmb.toFloatArray()).containsExactly(r.readFloats("item.embedding/part_0_1"));
    }
  }

  @Test
  void streamsRowsInChunksOfWholeRows() {
    Path f = dir.resolve("big.safetensors");
    int rows = 20_000;
    int dim = 16;
    SafetensorsWriter.write(
        f,
        List.of(
            TensorEntry.of("t", SafeDType.F32, new long[] {rows, dim}, s -> {
              float[] row = new float[dim];
              for (int r = 0; r < rows; r++) {
                Arrays.fill(row, r);
                s.putFloats(row, 0, dim);
              }
            })));
    int[] seen = {0};
    try (SafetensorsReader r = SafetensorsReader.open(f)) {
      r.readRows("t", SafeDType.F32, dim, buf -> {
        assertThat(buf.remaining() % (dim * 4)).isZero();
        while (buf.hasRemaining()) {
          float v = buf.getFloat();
          assertThat(v).isEqualTo((float) (seen[0] / dim));
          seen[0]++;
        }
      });
    }
    assertThat(seen[0]).isEqualTo(rows * dim);
  }

  @Test
  void rejectsDataThatDoesNotMatchItsShape() {
    Path f = dir.resolve("bad.safetensors");
    assertThatThrownBy(
            () ->
                SafetensorsWriter.write(
                    f, List.of(TensorEntry.ofFloats("w", new long[] {3}, new float[] {1, 2}))))
        .hasMessageContaining("'w' wrote 8 bytes")
        .hasMessageContaining("needs 12");
    assertThat(f).doesNotExist();
    assertThat(dir.resolve("bad.safetensors.tmp")).doesNotExist();
  }

  @Test
  void missingFileNamesThePath() {
    Path f = dir.resolve("nope.safetensors");
    assertThatThrownBy(() -> SafetensorsReader.open(f))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining(f.toString())
        .hasMessageContaining("file not found");
  }

  @Test
  void truncatedDataIsReportedWithTheTensorThatIsCut() throws IOException {
    Path f = sample();
    byte[] bytes = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(bytes, bytes.length - 4));
    assertThatThrownBy(() -> SafetensorsReader.open(f))
        .isInstanceOfSatisfying(CheckpointException.class, e -> assertThat(e.key()).isEqualTo("scalar"))
        .hasMessageContaining("truncated")
        .hasMessageContaining("Fix:");
  }

  @Test
  void truncatedHeaderIsReported() throws IOException {
    Path f = sample();
    byte[] bytes = Files.readAllBytes(f);
    Files.write(f, Arrays.copyOf(bytes, 30));
    assertThatThrownBy(() -> SafetensorsReader.open(f)).hasMessageContaining("truncated");
    Files.write(f, Arrays.copyOf(bytes, 5));
    assertThatThrownBy(() -> SafetensorsReader.open(f)).hasMessageContaining("fewer than the 8-byte header");
  }

  @Test
  void badHeaderJsonIsReportedWithLocation() throws IOException {
    Path f = dir.resolve("j.safetensors");
    byte[] json = "{\"a\":{\"dtype\":\"F32\",,}}    ".getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json);
    Files.write(f, b.array());
    assertThatThrownBy(() -> SafetensorsReader.open(f))
        .isInstanceOf(CheckpointException.class)
        .hasMessageContaining("not valid JSON (line 1, column")
        .hasMessageNotContaining("REDACTED")
        .hasMessageNotContaining("StreamReadFeature");
  }

  @Test
  void unknownDtypeAndWrongOffsetsAreBadHeaders() throws IOException {
    Path f = dir.resolve("d.safetensors");
    writeRaw(f, "{\"a\":{\"dtype\":\"Q7\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4);
    assertThatThrownBy(() -> SafetensorsReader.open(f)).hasMessageContaining("unknown dtype \"Q7\"");
    writeRaw(f, "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 8);
    assertThatThrownBy(() -> SafetensorsReader.open(f)).hasMessageContaining("do not match dtype F32");
  }

  @Test
  void dtypeMismatchNamesStoredAndExpectedTypes() {
    Path f = sample();
    try (SafetensorsReader r = SafetensorsReader.open(f)) {
      assertThatThrownBy(() -> r.readFloats("user.id/part_0_1"))
          .isInstanceOf(CheckpointException.class)
          .hasMessageContaining("dtype mismatch: stored as I64 but F32 is expected")
          .hasMessageContaining("user.id/part_0_1");
      assertThatThrownBy(() -> r.info("nope")).hasMessageContaining("no such tensor");
    }
  }

  private static void writeRaw(Path f, String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(json.length).put(json);
    Files.write(f, b.array());
  }
}
