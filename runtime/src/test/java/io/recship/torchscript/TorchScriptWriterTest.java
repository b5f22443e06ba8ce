package io.recship.torchscript;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TorchScriptWriterTest {
  @TempDir Path dir;

  static ScriptModuleSpec spec(float firstWeight) {
    return ScriptModuleSpec.builder("pkg.Dense")
        .parameter("w", TensorData.ofFloats(new long[] {2, 3}, firstWeight, 2, 3, 4, 5, 6))
        .parameter("b", TensorData.ofFloats(new long[] {2}, 0.5f, -0.5f))
        .buffer("odd", TensorData.ofBytes(ScalarType.BYTE, new long[] {5}, new byte[] {1, 2, 3, 4, 5}))
        .input("x")
        .statement("h = torch.linear(x, self.w, self.b)")
        .returns("h")
        .build();
  }

  /** A local file header as found by walking the archive from the start. */
  record Local(String name, int method, int flags, long dataOffset, byte[] data) {}

  /** Walks local headers directly, independent of java.util.zip's reader. */
  static Map<String, Local> localEntries(byte[] zip) {
    ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
    Map<String, Local> entries = new LinkedHashMap<>();
    int pos = 0;
    while (b.getInt(pos) == 0x04034b50) {
      int flags = b.getShort(pos + 6) & 0xffff;
      int method = b.getShort(pos + 8) & 0xffff;
      int size = b.getInt(pos + 18);
      int nameLen = b.getShort(pos + 26) & 0xffff;
      int extraLen = b.getShort(pos + 28) & 0xffff;
      String name = new String(zip, pos + 30, nameLen, StandardCharsets.UTF_8);
      int data = pos + 30 + nameLen + extraLen;
      byte[] content = java.util.Arrays.copyOfRange(zip, data, data + size);
      entries.put(name, new Local(name, method, flags, data, content));
      pos = data + size;
    }
    assertThat(b.getInt(pos)).as("central directory follows the last entry").isEqualTo(0x02014b50);
    return entries;
  }

  @Test
  void archiveHasTheTorchLayoutUnderOneTopFolderNamedAfterTheFile() throws IOException {
    Path out = dir.resolve("user-model.v2.pt");
    TorchScriptWriter.write(spec(1), out);
    Map<String, Local> entries = localEntries(Files.readAllBytes(out));

    assertThat(entries.keySet())
        .containsExactly(
            "user_model_v2/data.pkl",
            "user_model_v2/code/__torch__/pkg.py",
            "user_model_v2/data/0",
            "user_model_v2/data/1",
            "user_model_v2/data/2",
            "user_model_v2/constants.pkl",
            "user_model_v2/version");
    assertThat(entries.get("user_model_v2/version").data()).asString().isEqualTo("10\n");
    assertThat(entries.get("user_model_v2/constants.pkl").data())
        .containsExactly(0x80, 0x02, 0x29, 0x2e);
    assertThat(entries.get("user_model_v2/code/__torch__/pkg.py").data())
        .asString(StandardCharsets.UTF_8)
        .isEqualTo(spec(1).source());
    ByteBuffer w = ByteBuffer.wrap(entries.get("user_model_v2/data/0").data()).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(w.getFloat(0)).isEqualTo(1f);
    assertThat(w.getFloat(20)).isEqualTo(6f);
    assertThat(entries.get("user_model_v2/data/2").data()).containsExactly(1, 2, 3, 4, 5);
  }

  @Test
  void archiveGetsTheFolderDefaultPermissionsNotOwnerOnly() throws IOException {
    Path out = dir.resolve("user_model.pt");
    TorchScriptWriter.write(spec(1), out);
    Path plain = Files.createFile(dir.resolve("plain.json")); // what every other export file gets
    assertThat(Files.getPosixFilePermissions(out)).isEqualTo(Files.getPosixFilePermissions(plain));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsOnly("user_model.pt", "plain.json");
    }
  }

  @Test
  void everyEntryIsStoredWithDataAlignedTo64Bytes() {
    Map<String, Local> entries = localEntries(TorchScriptWriter.toBytes(spec(1)));
    assertThat(entries).hasSize(7);
    for (Local e : entries.values()) {
      assertThat(e.method()).as(e.name() + " method").isEqualTo(ZipEntry.STORED);
      assertThat(e.flags() & 0x8).as(e.name() + " has no data descriptor").isZero();
      assertThat(e.dataOffset() % 64).as(e.name() + " data offset").isZero();
    }
  }

  @Test
  void javaZipReaderAgreesWithCrcAndSizes() throws IOException {
    byte[] bytes = TorchScriptWriter.toBytes(spec(1));
    int count = 0;
    try (ZipInputStream zin = new ZipInputStream(new ByteArrayInputStream(bytes))) {
      for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
        byte[] content = zin.readAllBytes(); // ZipInputStream checks the CRC at the end
        assertThat(e.getName()).startsWith("archive/");
        assertThat((long) content.length).isEqualTo(e.getSize());
        count++;
      }
    }
    assertThat(count).isEqualTo(7);
  }

  @Test
  void sameSpecGivesByteIdenticalArchives() throws IOException {
    byte[] first = TorchScriptWriter.toBytes(spec(1));
    assertThat(TorchScriptWriter.toBytes(spec(1))).isEqualTo(first);

    Path a = dir.resolve("model.pt");
    TorchScriptWriter.write(spec(1), a);
    byte[] fileBytes = Files.readAllBytes(a);
    TorchScriptWriter.write(spec(1), a); // overwrite in place
    assertThat(Files.readAllBytes(a)).isEqualTo(fileBytes);
    assertThat(TorchScriptWriter.toBytes(spec(1), "model")).isEqualTo(fileBytes);
    assertThat(Files.list(dir)).containsExactly(a); // no temporary file left behind
  }

  @Test
  void differentWeightsGiveDifferentBytes() {
    assertThat(TorchScriptWriter.toBytes(spec(1.5f)))
        .isNotEqualTo(TorchScriptWriter.toBytes(spec(1)));
  }

  @Test
  void topFolderNameIsSanitized() {
    assertThat(TorchScriptWriter.archiveName("my model.pt")).isEqualTo("my_model");
    assertThat(TorchScriptWriter.archiveName("model")).isEqualTo("model");
    assertThat(TorchScriptWriter.archiveName(".pt")).isEqualTo("_pt");
    assertThat(TorchScriptWriter.sanitize("")).isEqualTo("archive");
  }

  @Test
  void stridesAreRowMajorLikeTorch() {
    assertThat(TorchScriptWriter.contiguousStrides(new long[] {2, 3, 4})).containsExactly(12, 4, 1);
    assertThat(TorchScriptWriter.contiguousStrides(new long[] {2, 0, 3})).containsExactly(3, 3, 1);
    assertThat(TorchScriptWriter.contiguousStrides(new long[0])).isEmpty();
  }
}
