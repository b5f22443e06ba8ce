package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileHashesTest {
  @TempDir Path tmp;

  /** Two full copy chunks and a partial one, so the hash follows several transferTo calls. */
  private static final int MULTI_CHUNK = (int) (2 * Transfers.CHUNK + 12345);

  private static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static String sha256(byte[] bytes) {
    return HexFormat.of().formatHex(ExportManifest.newDigest().digest(bytes));
  }

  @Test
  void hashTakenWhileCopyingIsTheHashOfTheCopy() throws IOException {
    byte[] bytes = random(MULTI_CHUNK, 1);
    Path src = Files.write(tmp.resolve("model-000000-of-000001.safetensors"), bytes);
    Path target = Files.createDirectories(tmp.resolve("staging"));
    try (FileHashes hashes = new FileHashes()) {
      SparseExport.copy(List.of(src), target, hashes);
      ExportedFile f = hashes.describe(target, target.resolve(src.getFileName()));
      assertThat(f)
          .isEqualTo(new ExportedFile(src.getFileName().toString(), bytes.length, sha256(bytes)));
    }
    assertThat(target.resolve(src.getFileName())).hasBinaryContent(bytes);
  }

  @Test
  void mappingIsAvailableSoHashingNeedsNoCopyIntoABuffer() {
    assertThat(Unmapper.AVAILABLE).isTrue();
  }

  @Test
  void hashFollowsManySmallAppendsWhenMapped() throws IOException {
    hashFollowsManySmallAppends(new FileHashes(true));
  }

  @Test
  void hashFollowsManySmallAppendsAcrossReadBuffersWhenRead() throws IOException {
    hashFollowsManySmallAppends(new FileHashes(false));
  }

  private void hashFollowsManySmallAppends(FileHashes fileHashes) throws IOException {
    Path file = tmp.resolve("appended.bin");
    MessageDigest expected = ExportManifest.newDigest();
    long size = 0;
    try (FileHashes hashes = fileHashes) {
      try (StagedFile out = hashes.create(file)) {
        Random r = new Random(2);
        while (size < 3L * FileHashes.READ_BUFFER) {
          byte[] piece = random(1 + r.nextInt(20_000), r.nextLong());
          expected.update(piece);
          out.write(ByteBuffer.wrap(piece));
          size += piece.length;
        }
        out.finish();
      }
      assertThat(hashes.describe(tmp, file))
          .isEqualTo(
              new ExportedFile(
                  "appended.bin", size, HexFormat.of().formatHex(expected.digest())));
    }
    assertThat(ExportManifest.sha256(file)).isEqualTo(sha256(Files.readAllBytes(file)));
  }

  @Test
  void fileRewrittenWithAnotherSizeAfterItWasHashedIsHashedAgain() throws IOException {
    Path file = tmp.resolve("t.json");
    try (FileHashes hashes = new FileHashes()) {
      try (StagedFile out = hashes.create(file)) {
        out.write(ByteBuffer.wrap("abc".getBytes()));
        out.finish();
      }
      Files.writeString(file, "abcdef");
      assertThat(hashes.describe(tmp, file))
          .isEqualTo(new ExportedFile("t.json", 6, sha256("abcdef".getBytes())));
    }
  }

  @Test
  void fileWhoseModificationTimeChangedAfterItWasHashedIsHashedAgain() throws IOException {
    Path file = tmp.resolve("t.bin");
    try (FileHashes hashes = new FileHashes()) {
      try (StagedFile out = hashes.create(file)) {
        out.write(ByteBuffer.wrap("abc".getBytes()));
        out.finish();
      }
      // same size, other bytes: only the modification time tells
      Files.writeString(file, "xyz");
      Files.setLastModifiedTime(file, FileTime.fromMillis(1_000_000));
      assertThat(hashes.describe(tmp, file).sha256()).isEqualTo(sha256("xyz".getBytes()));
    }
  }

  @Test
  void fileClosedWithoutFinishingIsHashedFromDiskNotFromItsPartialHash() throws IOException {
    Path file = tmp.resolve("partial.bin");
    try (FileHashes hashes = new FileHashes()) {
      try (StagedFile out = hashes.create(file)) {
        out.write(ByteBuffer.wrap("abc".getBytes()));
        // the writer fails here: no finish()
      }
      assertThat(hashes.describe(tmp, file))
          .isEqualTo(new ExportedFile("partial.bin", 3, sha256("abc".getBytes())));
    }
  }

  @Test
  void stagedFileRefusesToOverwriteAnExistingFile() throws IOException {
    Path file = Files.writeString(tmp.resolve("taken.bin"), "x");
    assertThatThrownBy(() -> StagedFile.create(file))
        .isInstanceOf(java.nio.file.FileAlreadyExistsException.class);
  }

  @Test
  void manifestOfACopiedExportVerifiesAndACorruptedByteInTheCopyIsCaught() throws IOException {
    byte[] bytes = random(MULTI_CHUNK, 3);
    Path src = Files.write(tmp.resolve("model-000000-of-000001.safetensors"), bytes);
    Path out = tmp.resolve("out");
    try (ExportPublisher p = ExportPublisher.open(out, 0, 1, false, "run")) {
      SparseExport.copy(List.of(src), p.staging(), p.hashes());
      p.publish("m");
    }
    ExportManifest m = ExportManifest.verify(out);
    assertThat(m.files())
        .containsExactly(
            new ExportedFile("model-000000-of-000001.safetensors", bytes.length, sha256(bytes)));

    int mid = bytes.length / 2;
    try (FileChannel ch =
        FileChannel.open(out.resolve(src.getFileName()), StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {(byte) (bytes[mid] ^ 1)}), mid);
    }
    assertThatThrownBy(() -> ExportManifest.verify(out))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("'model-000000-of-000001.safetensors'")
        .hasMessageContaining("SHA-256");
  }

  @Test
  void manifestOfAFilteredExportDescribesTheFilteredBytesOnDisk() throws IOException {
    Path ckpt = Files.createDirectories(tmp.resolve("ckpt"));
    TestCheckpoints.write(
        ckpt, TestCheckpoints.table("user", 5000, 64), TestCheckpoints.table("item", 30, 8));
    Path out = tmp.resolve("out");
    try (ExportPublisher p = ExportPublisher.open(out, 0, 1, false, "run")) {
      SparseExport.filter(SparseExport.checkpointFiles(ckpt), p.staging(), p.hashes());
      p.publish("m");
    }
    ExportManifest m = ExportManifest.verify(out);
    assertThat(m.files()).isNotEmpty();
    for (ExportedFile f : m.files()) {
      byte[] onDisk = Files.readAllBytes(out.resolve(f.path()));
      assertThat(f.size()).isEqualTo(onDisk.length);
      assertThat(f.sha256()).isEqualTo(sha256(onDisk));
      assertThat(onDisk.length)
          .isLessThan((int) Files.size(ckpt.resolve(f.path()))); // the slots were dropped
    }
  }
}
