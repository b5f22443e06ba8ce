package io.recship.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import io.recship.nn.Init;
import io.recship.nn.Mlp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NativeMemoryTest {
  /** Resident set size of this process in KiB, from /proc/self/status. */
  private static long rssKib() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status");
  }

  private static void forwardPasses(Mlp mlp, Tensor x, int n) {
    for (int i = 0; i < n; i++) {
      try (TensorScope step = TensorScope.open()) {
        Tensor y = mlp.forward(x).sigmoid().mean(0, false);
        if (y.numel() != 1) {
          throw new AssertionError("unexpected shape");
        }
      }
    }
  }

  @Test
  void tenThousandScopedForwardPassesDoNotGrowNativeMemory() throws IOException {
    Init.manualSeed(1);
    try (Mlp mlp = Mlp.of(64, 128, 64, 1); TensorScope outer = TensorScope.open()) {
      Tensor x = Tensor.ones(64, 64);
      forwardPasses(mlp, x, 1_000); // warm-up: allocator pools, JIT
      System.gc();
      long before = rssKib();
      forwardPasses(mlp, x, 10_000);
      System.gc();
      long grown = rssKib() - before;
      // Each pass makes ~7 intermediates totalling ~100 KiB; a leak would add ~1 GiB.
      assertThat(grown).as("RSS growth in KiB over 10,000 forward passes").isLessThan(64 * 1024);
    }
  }
}
