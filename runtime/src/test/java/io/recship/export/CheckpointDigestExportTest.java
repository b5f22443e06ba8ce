package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recship.checkpoint.DigestSidecar;
import io.recship.checkpoint.SparseCheckpointWriter;
import io.recship.checkpoint.TensorSpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Copy mode lists a checkpoint file with the SHA-256 its writer recorded, and only when current. */
class CheckpointDigestExportTest {
  private static final String DATA = "model-000000-of-000001.safetensors";

  @TempDir Path tmp;

  private static String sha256(Path file) throws IOException {
    return HexFormat.of().formatHex(ExportManifest.newDigest().digest(Files.readAllBytes(file)));
  }

  /** A checkpoint of several MiB (several copy chunks would be hashed without the sidecar). */
  private Path checkpoint(boolean digests) {
    Path ckpt = tmp.resolve("ckpt");
    SparseCheckpointWriter.write(
        ckpt,
        List.of(TestCheckpoints.table("user", 40_000, 16), TestCheckpoints.table("item", 30, 8)),
        List.<TensorSpec>of(),
        digests);
    return ckpt;
  }

  /** Copy mode into a published export {@code out}; returns the digests reused. */
  private static List<String> export(Path ckpt, Path out) {
    try (ExportPublisher p = ExportPublisher.open(out, 0, 1, false, "run")) {
      SparseExport.copy(SparseExport.checkpointFiles(ckpt), p.staging(), p.hashes());
      p.publish("m");
      return p.hashes().reusedDigests();
    }
  }

  private static ExportedFile entry(ExportManifest m, String path) {
    return m.files().stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow();
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void copyModeReusesTheWritersDigestAndTheManifestVerifies() throws IOException {
    Path ckpt = checkpoint(true);
    Path out = tmp.resolve("out");
    assertThat(export(ckpt, out)).containsExactly(DATA);

    ExportManifest m = ExportManifest.verify(out);
    assertThat(entry(m, DATA).sha256()).isEqualTo(sha256(ckpt.resolve(DATA)));
    assertThat(out.resolve(DATA)).hasSameBinaryContentAs(ckpt.resolve(DATA));
  }

  @Test
  void sidecarsStayInTheCheckpointAndAreNotShippedToRtp() throws IOException {
    Path ckpt = checkpoint(true);
    assertThat(names(ckpt)).contains(DATA + DigestSidecar.SUFFIX);
    Path out = tmp.resolve("out");
    export(ckpt, out);
    assertThat(names(out))
        .containsExactly(
            DATA,
            ExportManifest.FILE_NAME,
            "tensorkey.json",
            "torch_rank_weights_embs_table_multi_shard.json");
  }

  @Test
  void theManifestTakesTheSidecarsDigestAsIsAndVerifyCatchesALyingOne() throws IOException {
    Path ckpt = checkpoint(true);
    Path sidecar = DigestSidecar.sidecarOf(ckpt.resolve(DATA));
    List<String> lines = Files.readAllLines(sidecar);
    String lie = "0".repeat(64);
    // size and time still match, so nothing but a full verification can tell
    Files.write(sidecar, List.of(lines.get(0), lie + "  " + DATA));

    Path out = tmp.resolve("out");
    assertThat(export(ckpt, out)).containsExactly(DATA);
    assertThat(entry(ExportManifest.read(out), DATA).sha256()).isEqualTo(lie);
    assertThatThrownBy(() -> ExportManifest.verify(out))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("'" + DATA + "'")
        .hasMessageContaining("manifest says " + lie);
  }

  @Test
  void fileModifiedAfterTheSaveIsHashedDuringTheCopyNotTakenFromItsStaleSidecar()
      throws IOException {
    Path ckpt = checkpoint(true);
    Path data = ckpt.resolve(DATA);
    String saved = sha256(data);
    long mid = Files.size(data) / 2;
    try (FileChannel ch = FileChannel.open(data, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      ch.read(b, mid);
      b.put(0, (byte) (b.get(0) ^ 1));
      ch.write(b.rewind(), mid);
    }
    Files.setLastModifiedTime(
        data, FileTime.fromMillis(Files.getLastModifiedTime(data).toMillis() + 2000));

    Path out = tmp.resolve("out");
    assertThat(export(ckpt, out)).isEmpty();
    ExportManifest m = ExportManifest.verify(out);
    assertThat(entry(m, DATA).sha256()).isEqualTo(sha256(data)).isNotEqualTo(saved);
  }

  @Test
  void checkpointWithoutSidecarsAsRecisWritesItExportsWithCorrectDigests() throws IOException {
    Path ckpt = checkpoint(false);
    assertThat(names(ckpt)).noneMatch(n -> n.endsWith(DigestSidecar.SUFFIX));
    Path out = tmp.resolve("out");
    assertThat(export(ckpt, out)).isEmpty();
    ExportManifest m = ExportManifest.verify(out);
    for (ExportedFile f : m.files()) {
      assertThat(f.sha256()).as(f.path()).isEqualTo(sha256(ckpt.resolve(f.path())));
    }
  }

  @Test
  void sourceChangedDuringTheCopyIsNotAdoptedAndTheCopyIsHashed() throws IOException {
    Path ckpt = checkpoint(true);
    Path data = ckpt.resolve(DATA);
    DigestSidecar.Recorded recorded = DigestSidecar.readIfCurrent(data);
    assertThat(recorded).isNotNull();
    Path target = Files.createDirectories(tmp.resolve("staging"));
    try (FileHashes hashes = new FileHashes()) {
      try (StagedFile out = hashes.createUnhashed(target.resolve(DATA))) {
        Transfers.copy(data, out);
        out.finish();
        // a writer touched the source meanwhile
        Files.setLastModifiedTime(
            data, FileTime.fromMillis(Files.getLastModifiedTime(data).toMillis() + 2000));
        assertThat(hashes.adopt(out, data, recorded)).isFalse();
      }
      assertThat(hashes.describe(target, target.resolve(DATA)).sha256())
          .isEqualTo(sha256(target.resolve(DATA)));
      assertThat(hashes.reusedDigests()).isEmpty();
    }
  }

  @Test
  void copyChangedAfterItWasAdoptedIsHashedAgain() throws IOException {
    Path ckpt = checkpoint(true);
    Path data = ckpt.resolve(DATA);
    Path target = Files.createDirectories(tmp.resolve("staging"));
    try (FileHashes hashes = new FileHashes()) {
      try (StagedFile out = hashes.createUnhashed(target.resolve(DATA))) {
        Transfers.copy(data, out);
        out.finish();
        assertThat(hashes.adopt(out, data, DigestSidecar.readIfCurrent(data))).isTrue();
      }
      Files.writeString(target.resolve(DATA), "rewritten");
      assertThat(hashes.describe(target, target.resolve(DATA)))
          .isEqualTo(new ExportedFile(DATA, 9, sha256(target.resolve(DATA))));
      assertThat(hashes.reusedDigests()).isEmpty();
    }
  }
}
