package io.recship.torchscript;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sharing one loaded model across threads, and native memory over many forwards. */
class ScriptModelResourcesTest {
  static final int WIDTH = 64;
  static final int BATCH = 128;

  @TempDir Path dir;

  /** Two 64x64 layers; returns the logits and a flattened sigmoid. */
  static ScriptModuleSpec wideSpec() {
    return ScriptModuleSpec.builder("Wide")
        .parameter("w1", TensorData.ofFloats(new long[] {WIDTH, WIDTH}, scaled(WIDTH * WIDTH, 1)))
        .parameter("b1", TensorData.ofFloats(new long[] {WIDTH}, scaled(WIDTH, 2)))
        .parameter("w2", TensorData.ofFloats(new long[] {WIDTH, WIDTH}, scaled(WIDTH * WIDTH, 3)))
        .input("x")
        .statement("h = torch.relu(torch.linear(x, self.w1, self.b1))")
        .statement("logits = torch.matmul(h, self.w2.t())")
        .returns(List.of("logits", "torch.sigmoid(logits).reshape(-1)"))
        .build();
  }

  static float[] scaled(int n, long seed) {
    float[] f = ScriptModelTest.randomFloats(n, seed);
    for (int i = 0; i < n; i++) {
      f[i] /= (float) Math.sqrt(WIDTH);
    }
    return f;
  }

  @Test
  void oneModelServesFourThreadsWithTheSingleThreadedResults() throws Exception {
    Path archive = dir.resolve("wide.pt");
    TorchScriptWriter.write(wideSpec(), archive);
    int inputsCount = 8;
    List<float[]> inputs = new ArrayList<>();
    List<float[][]> expected = new ArrayList<>();
    try (ScriptModel reference = ScriptModel.load(archive);
        NDManager nd = NDManager.newBaseManager("PyTorch")) {
      for (int i = 0; i < inputsCount; i++) {
        float[] x = ScriptModelTest.randomFloats(BATCH * WIDTH, 1000 + i);
        NDList out = reference.forward(nd, nd.create(x, new Shape(BATCH, WIDTH)));
        inputs.add(x);
        expected.add(new float[][] {out.get(0).toFloatArray(), out.get(1).toFloatArray()});
      }
    }

    // A fresh model, so the threads also race through libtorch's first calls (profiling and
    // optimising the graph), not only the steady state.
    try (ScriptModel model = ScriptModel.load(archive)) {
      AtomicInteger inFlight = new AtomicInteger();
      AtomicInteger maxInFlight = new AtomicInteger();

      int threads = 4;
      int iterations = 250;
      Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int seed = t;
        Thread worker =
            new Thread(
                () -> {
                  try (NDManager mine = NDManager.newBaseManager("PyTorch")) {
                    start.await();
                    for (int i = 0; i < iterations; i++) {
                      int k = (seed * 31 + i * 7) % inputsCount;
                      try (NDManager call = mine.newSubManager()) {
                        NDArray x = call.create(inputs.get(k), new Shape(BATCH, WIDTH));
                        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        NDList out = model.forward(call, x);
                        inFlight.decrementAndGet();
                        assertThat(out.get(0).toFloatArray()).isEqualTo(expected.get(k)[0]);
                        assertThat(out.get(1).toFloatArray()).isEqualTo(expected.get(k)[1]);
                      }
                    }
                  } catch (Throwable e) {
                    failures.add(e);
                  }
                },
                "forward-" + t);
        workers.add(worker);
        worker.start();
      }
      start.countDown();
      for (Thread w : workers) {
        w.join();
      }
      assertThat(failures).isEmpty();
      assertThat(maxInFlight.get()).as("forwards that ran at the same time").isGreaterThan(1);
    }
  }

  @Test
  void thousandsOfForwardsDoNotGrowNativeMemory() throws IOException {
    Path archive = dir.resolve("wide.pt");
    TorchScriptWriter.write(wideSpec(), archive);
    try (ScriptModel model = ScriptModel.load(archive);
        NDManager nd = NDManager.newBaseManager("PyTorch")) {
      // Inputs are cloned from this one: DJL copies Java arrays into direct ByteBuffers that are
      // freed only after a GC, which would blur what this test measures (the forward itself).
      NDArray x = nd.create(ScriptModelTest.randomFloats(BATCH * WIDTH, 7), new Shape(BATCH, WIDTH));
      runForwards(model, nd, x, 500); // warm-up: graph executor plans, allocator caches
      long rssBefore = residentBytes();
      long heapBefore = committedHeap();

      runForwards(model, nd, x, 5_000);
      long rssAfter = residentBytes();
      long heapAfter = committedHeap();

      // A leaked input, hidden layer or output per call would be >= 32 KiB x 5,000 = 160 MiB.
      long nativeGrowth = (rssAfter - rssBefore) - Math.max(0, heapAfter - heapBefore);
      System.out.printf(
          "native memory growth over 5,000 forwards: %.1f MiB (RSS %+.1f MiB, heap %+.1f MiB)%n",
          nativeGrowth / 1048576.0,
          (rssAfter - rssBefore) / 1048576.0,
          (heapAfter - heapBefore) / 1048576.0);
      assertThat(nativeGrowth).as("native memory growth in bytes").isLessThan(64L << 20);
    }
  }

  private static void runForwards(ScriptModel model, NDManager nd, NDArray x, int n) {
    for (int i = 0; i < n; i++) {
      try (NDManager call = nd.newSubManager()) {
        // A fresh native input per call (clone, no Java buffer): a forward that kept its
        // arguments alive would leak it.
        NDArray input = x.duplicate(); // DJL attaches the clone to x's manager: move it
        input.attach(call);
        NDList out = model.forward(call, input);
        assertThat(out.get(1).getShape()).isEqualTo(new Shape((long) BATCH * WIDTH));
      }
    }
  }

  private static long committedHeap() {
    System.gc();
    return Runtime.getRuntime().totalMemory();
  }

  private static long residentBytes() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
      }
    }
    throw new IllegalStateException("no VmRSS in /proc/self/status (this test needs Linux)");
  }
}
