package io.recship.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {
  @TempDir Path tmp;

  @Test
  void tinyDemoRunsEveryStepAndReportsParity() {
    Cli r = Cli.run("demo", "--workdir", tmp.toString(), "--steps", "20", "--train-samples", "2000",
        "--held-out-samples", "300");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("[1/6] data", "[2/6] train: 20 steps", "[3/6] checkpoint -> " + tmp.resolve("ckpt"),
            "[4/6] export", "fx_user_model/user_model.pt", "[5/6] score", "[6/6] parity")
        .containsPattern("step +20 \\(epoch \\d\\): loss [0-9.]+, ctr auc [0-9.]+, cvr auc [0-9.]+")
        .containsPattern("held-out AUC over 300 samples: ctr 0\\.\\d{4} \\(click\\), cvr 0\\.\\d{4} \\(conversion\\)")
        .containsPattern("parity OK: max abs diff \\S+ \\(ctr \\S+, cvr \\S+\\) over 300 samples, atol 1e-05")
        .contains("recship inspect " + tmp.resolve("export"))
        .contains("recship score " + tmp.resolve("export") + " --input " + tmp.resolve("data/heldout.jsonl"));
  }

  @Test
  void badSizesAreAnOptionErrorWithExitTwo() {
    Cli r = Cli.run("demo", "--workdir", tmp.toString(), "--steps", "0");
    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("steps >= 1");
  }
}
