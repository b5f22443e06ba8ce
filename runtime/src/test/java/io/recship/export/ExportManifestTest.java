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
  void malformedManifestIsReportedWithFileLineColumnAndAPlainReason() throws IOException {
    Path out = publish("x");
    Path file = out.resolve(ExportManifest.FILE_NAME);
    Files.writeString(file, "{\"format\": ");
    assertThatThrownBy(() -> ExportManifest.verify(out))
        .isInstanceOf(ExportException.class)
        .hasMessage("load export: " + file + ":1:12: not valid JSON: the file ends inside an object: '}' is missing;"
            + " it is not a valid manifest: export again");
    Files.writeString(file, "{\"format\": \"recship-export\", \"files\": 3}");
    assertThatThrownBy(() -> ExportManifest.verify(out))
        .hasMessageStartingWith("load export: " + file + ":1:")
        .hasMessageNotContaining("Source")
        .hasMessageEndingWith("; it is not a valid manifest: export again");
  }

  @Test
  void aCheckpointOrTheDenseFolderGivenForAnExportIsNamedAsSuch() throws IOException {
    Path ckpt = Files.createDirectories(tmp.resolve("ckpt"));
    Files.writeString(ckpt.resolve("dense.safetensors"), "");
    Files.writeString(ckpt.resolve("index"), "");
    assertThatThrownBy(() -> ExportManifest.verify(ckpt))
        .hasMessageStartingWith("load export: " + ckpt + " is a training checkpoint (dense.safetensors, index), not an"
            + " export: export it with the generated exporter");
    Path out = publish("x");
    Path fx = Files.createDirectories(out.resolve("fx_user_model"));
    Files.writeString(fx.resolve("output_info.json"), "{}");
    assertThatThrownBy(() -> ExportManifest.verify(fx))
        .hasMessage("load export: " + fx + " is the dense folder inside an export (it holds output_info.json), not the"
            + " export folder: give its parent " + out.toAbsolutePath().normalize() + ", which holds "
            + ExportManifest.FILE_NAME);
  }

  @Test
  void theDenseFolderAndArchiveAreTheOnesTheManifestListsWhateverElseIsThere() {
    ExportManifest m = new ExportManifest(ExportManifest.FORMAT, 1, "m", "now", 1, java.util.List.of(
        new ExportedFile("fg.json", 1, "a"),
        new ExportedFile("fx_user_model/output_info.json", 1, "b"),
        new ExportedFile("fx_user_model/user_model.pt", 1, "c"),
        new ExportedFile("fx_user_model/sub/other.pt", 1, "d")));
    assertThat(m.denseFolder()).isEqualTo("fx_user_model");
    assertThat(m.archive()).isEqualTo("fx_user_model/user_model.pt");

    ExportManifest none = new ExportManifest(ExportManifest.FORMAT, 1, "m", "now", 1,
        java.util.List.of(new ExportedFile("fg.json", 1, "a")));
    assertThatThrownBy(none::denseFolder)
        .hasMessage("load export: recship-manifest.json lists no dense folders with output_info.json, an export has"
            + " exactly one: the export is incomplete or the manifest was edited; export again");
  }
}
