package io.recship.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DigestSidecarTest {
  @TempDir Path dir;

  private static final String DATA = "model-000000-of-000001.safetensors";

  /** Rows enough for several sink buffers, so the hashing thread takes over more than once. */
  private static final int ROWS = 3 * ChannelSink.BUFFER_BYTES / (4 * 8) + 17;

  static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  private static SparseCheckpointTest.Table bigTable() {
    long[] ids = new long[ROWS];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i * 7L;
    }
    return new SparseCheckpointTest.Table(
        "user_id", 8, ids, List.of("embedding", "sparse_adam_exp_avg", "sparse_adam_exp_avg_sq"));
  }

  private static void writeBig(Path dir) {
    SparseCheckpointWriter.write(dir, List.of(bigTable()), List.of());
  }

  @Test
  void digestTheWriterRecordsIsTheSha256OfTheFileOnDisk() throws Exception {
    writeBig(dir);
    Path data = dir.resolve(DATA);
    assertThat(Files.size(data)).isGreaterThan(3L * ChannelSink.BUFFER_BYTES);

    DigestSidecar.Recorded r = DigestSidecar.readIfCurrent(data);
    assertThat(r).isNotNull();
    assertThat(r.sha256()).isEqualTo(sha256(data));
    BasicFileAttributes attrs = Files.readAttributes(data, BasicFileAttributes.class);
    assertThat(r.size()).isEqualTo(attrs.size());
    assertThat(r.modifiedNanos()).isEqualTo(attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS));
  }

  @Test
  void fileSmallerThanOneBufferIsHashedToo() throws Exception {
    Path f = dir.resolve("dense.safetensors");
    SafetensorsWriter.write(
        f, List.of(TensorEntry.ofFloats("w", new long[] {3}, new float[] {1, 2, 3})), Map.of("k", "v"));
    assertThat(DigestSidecar.readIfCurrent(f)).extracting(DigestSidecar.Recorded::sha256)
        .isEqualTo(sha256(f));
  }

  @Test
  void sidecarIsInSha256sumFormatAfterAStatsComment() throws Exception {
    writeBig(dir);
    Path data = dir.resolve(DATA);
    List<String> lines = Files.readAllLines(DigestSidecar.sidecarOf(data));
    assertThat(DigestSidecar.sidecarOf(data).getFileName()).hasToString(DATA + ".sha256");
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0))
        .startsWith("# recship-digest size=" + Files.size(data) + " modified-ns=");
    assertThat(lines.get(1)).isEqualTo(sha256(data) + "  " + DATA);
  }

  @Test
  void writerWithoutDigestsLeavesNoSidecarAsRecisDoes() throws IOException {
    SparseCheckpointWriter.write(dir, List.of(bigTable()), List.of(), false);
    assertThat(DigestSidecar.sidecarOf(dir.resolve(DATA))).doesNotExist();
    assertThat(DigestSidecar.readIfCurrent(dir.resolve(DATA))).isNull();
  }

  @Test
  void savingAgainReplacesTheSidecarWithTheNewFilesDigest() throws Exception {
    writeBig(dir);
    String first = DigestSidecar.readIfCurrent(dir.resolve(DATA)).sha256();
    SparseCheckpointWriter.write(
        dir, List.of(new SparseCheckpointTest.Table("user_id", 8, new long[] {1, 2}, List.of("embedding"))),
        List.of());
    DigestSidecar.Recorded second = DigestSidecar.readIfCurrent(dir.resolve(DATA));
    assertThat(second).isNotNull();
    assertThat(second.sha256()).isNotEqualTo(first).isEqualTo(sha256(dir.resolve(DATA)));
  }

  @Test
  void savingAgainWithoutDigestsRemovesTheOldSidecar() throws IOException {
    writeBig(dir);
    SparseCheckpointWriter.write(dir, List.of(bigTable()), List.of(), false);
    assertThat(DigestSidecar.sidecarOf(dir.resolve(DATA))).doesNotExist();
  }

  @Test
  void fileModifiedAfterTheSaveIsNotTrusted() throws IOException {
    writeBig(dir);
    Path data = dir.resolve(DATA);
    // same size, one byte flipped: only the modification time tells
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, 1000);
      b.put(0, (byte) (b.get(0) ^ 1));
      ch.write(b.rewind(), 1000);
    }
    Files.setLastModifiedTime(
        data, FileTime.fromMillis(Files.getLastModifiedTime(data).toMillis() + 2000));
    assertThat(DigestSidecar.readIfCurrent(data)).isNull();
  }

  @Test
  void fileWithAnotherSizeThanRecordedIsNotTrusted() throws IOException {
    writeBig(dir);
    Path data = dir.resolve(DATA);
    FileTime mtime = Files.getLastModifiedTime(data);
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.WRITE)) {
      ch.truncate(Files.size(data) - 8);
    }
    Files.setLastModifiedTime(data, mtime); // even with the recorded time restored
    assertThat(DigestSidecar.readIfCurrent(data)).isNull();
  }

  @Test
  void malformedSidecarOrOneNamingAnotherFileIsIgnored() throws Exception {
    writeBig(dir);
    Path data = dir.resolve(DATA);
    Path sidecar = DigestSidecar.sidecarOf(data);
    List<String> good = Files.readAllLines(sidecar);

    Files.write(sidecar, List.of(good.get(0), good.get(1).replace(DATA, "model-000001-of-000002.safetensors")));
    assertThat(DigestSidecar.readIfCurrent(data)).isNull();

    Files.write(sidecar, List.of(good.get(1))); // plain sha256sum output: no size and time to check
    assertThat(DigestSidecar.readIfCurrent(data)).isNull();

    Files.write(sidecar, List.of(good.get(0), "not-hex  " + DATA));
    assertThat(DigestSidecar.readIfCurrent(data)).isNull();

    Files.write(sidecar, good);
    assertThat(DigestSidecar.readIfCurrent(data)).isNotNull();
  }
}
