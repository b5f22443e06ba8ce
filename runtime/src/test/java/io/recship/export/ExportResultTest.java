package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExportResultTest {
  @Test
  void toStringSummarisesTheExportWithoutListingEveryFileAndDigest() {
    String sha = "ab".repeat(32);
    ExportResult r = new ExportResult(Path.of("/exports/ctr"), true,
        List.of(new ExportedFile("fg.json", 100, sha), new ExportedFile("fx_user_model/user_model.pt", 900, sha)),
        Map.of("publish", Duration.ofMillis(12)), Map.of("ctr", 0.0), List.of());

    assertThat(r.toString()).isEqualTo(
        "ExportResult[/exports/ctr, 2 files, 1000 bytes, max abs diff {ctr=0.0}, timings {publish=PT0.012S}]");
  }
}
