package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.recship.tensor.TensorScope;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A child JVM exports and is killed with SIGKILL while its staging folder holds a big table and
 * the dense step is running; nothing partial may be published, and a retry must succeed.
 */
class KillDuringExportTest {
  @TempDir Path tmp;

  /** Child: exports ckptDir to exportDir, pausing forever once the sparse files are staged. */
  public static void main(String[] args) throws Exception {
    Path ckpt = Path.of(args[0]);
    Path out = Path.of(args[1]);
    boolean overwrite = Boolean.parseBoolean(args[2]);
    try (TinyModel model = new TinyModel(); TensorScope s = TensorScope.open()) {
      ExportRun.run(new ExportJob("TinyModel", TinyModel.fg(), false,
          () -> {
            System.out.println("STAGED");
            System.out.flush();
            try {
              Thread.sleep(600_000);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            return TinyModel.blocks(1, 4);
          },
          model, model::forward, List.of("ctr", "cvr"), ckpt, out, null, "fx_user_model",
          "user_model", false, 0, 1, overwrite, null));
    }
  }

  private Process startChild(Path ckpt, Path out, boolean overwrite) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Dai.djl.offline=true", "-Drecship.noProgressBar=true",
            "-cp", System.getProperty("java.class.path"), KillDuringExportTest.class.getName(),
            ckpt.toString(), out.toString(), Boolean.toString(overwrite))
        .redirectErrorStream(true)
        .start();
  }

  /** Waits for the child to reach the paused dense step, then SIGKILLs it. */
  private void killWhenStaged(Process p) throws Exception {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      StringBuilder seen = new StringBuilder();
      while ((line = r.readLine()) != null && !line.equals("STAGED")) {
        seen.append(line).append('\n');
      }
      assertThat(line).as("child output:\n%s", seen).isEqualTo("STAGED");
      p.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no finally blocks
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
  }

  private long stagedBytes() throws IOException {
    try (Stream<Path> s = Files.walk(tmp)) {
      return s.filter(p -> p.toString().contains(".recship-tmp-") && Files.isRegularFile(p))
          .mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void killedExportPublishesNothingAndARetrySucceeds() throws Exception {
    Path ckpt = tmp.resolve("ckpt");
    Path out = tmp.resolve("export");
    try (TinyModel model = new TinyModel()) {
      model.writeCheckpoint(tmp.resolve("small"), 0f);
      // a table of ~24 MiB (with its Adam slots) so the staging folder holds real data
      TestCheckpoints.write(ckpt, TestCheckpoints.table("user_id", 500_000, 4),
          TestCheckpoints.table("gender", 3, 2), TestCheckpoints.table("item_id", 20, 4));
      Files.move(tmp.resolve("small/dense.safetensors"), ckpt.resolve("dense.safetensors"));
    }
    Process p = startChild(ckpt, out, false);
    killWhenStaged(p);
    assertThat(stagedBytes()).as("the killed run had staged its tables").isGreaterThan(20L << 20);
    assertThat(out).doesNotExist();

    // retry in this JVM: the lock died with the child, the stale staging folder is removed
    try (TinyModel model = new TinyModel(); TensorScope s = TensorScope.open()) {
      ExportRun.run(new ExportJob("TinyModel", TinyModel.fg(), false, () -> TinyModel.blocks(1, 4),
          model, model::forward, List.of("ctr", "cvr"), ckpt, out, null, "fx_user_model",
          "user_model", false, 0, 1, false, null));
    }
    ExportManifest.verify(out);
    assertThat(stagedBytes()).isZero();

    // an overwrite killed mid-way leaves the previous export intact
    String before = Files.readString(out.resolve(ExportManifest.FILE_NAME));
    Process p2 = startChild(ckpt, out, true);
    killWhenStaged(p2);
    assertThat(out.resolve(ExportManifest.FILE_NAME)).hasContent(before);
    ExportManifest.verify(out);
  }
}
