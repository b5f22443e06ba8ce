package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportManifestTest {
  @TempDir Path tmp;

  private Path publish(String content) throws IOException {
    Path out = tmp.resolve("out");
    try (ExportPublisher p = ExportPublisher.open(out, 0, 1, false, "run")) {
      Files.writeString(p.staging().resolve("t.safetensors"), content);
      p.publish("m");
    }
    return out;
  }

  @Test
  void hashesFilesWithSha256() throws IOException {
    Path f = tmp.resolve("abc");
    Files.writeString(f, "abc");
    assertThat(ExportManifest.sha256(f))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void tamperedFileFailsVerificationNamingTheFile() throws IOException {
    Path out = publish("abcdef");
    Files.writeString(out.resolve("t.safetensors"), "abcdeX"); // same size, other bytes
    assertThatThrownBy(() -> ExportManifest.verify(out))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("'t.safetensors'")
        .hasMessageContaining("SHA-256")
        .hasMessageContaining("export again");
  }

  @Test
  void truncatedFileFailsVerificationOnItsSize() throws IOException {
    Path out = publish("abcdef");
    Files.writeString(out.resolve("t.safetensors"), "abc");
    assertThatThrownBy(() -> ExportManifest.verify(out))
        .hasMessageContaining("'t.safetensors'")
        .hasMessageContaining("size 3 bytes, manifest says 6");
  }

  @Test
  void folderWithoutManifestIsNotAnExport() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("half"));
    assertThatThrownBy(() -> ExportManifest.verify(dir))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("has no recship-manifest.json")
        .hasMessageContaining("not a complete RecShip export");
  }

  @Test
  void malformedManifestIsReportedWithItsPath() throws IOException {
    Path out = publish("x");
    Files.writeString(out.resolve(ExportManifest.FILE_NAME), "{\"format\": ");
    assertThatThrownBy(() -> ExportManifest.verify(out))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining(ExportManifest.FILE_NAME)
        .hasMessageContaining("is not a valid manifest");
  }
}
