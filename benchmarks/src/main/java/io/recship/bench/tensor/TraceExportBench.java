package io.recship.bench.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.recship.nn.Init;
import io.recship.nn.Mlp;
import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import io.recship.tensor.TensorScope;
import io.recship.torchscript.ScriptModel;
import io.recship.trace.Trace;
import io.recship.trace.TracedModule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Export cost and serving speed of a traced dense net (~1M parameters):
 *
 * <ol>
 *   <li>trace + write + DJL load + validate (two batch sizes), median of several runs;
 *   <li>steady-state forward of the loaded TorchScript vs the eager {@code Module} on the same
 *       batch, at batch 128 and batch 1 (target: TorchScript no slower than eager, ratio <= 1).
 * </ol>
 *
 * Run: {@code benchmarks/run io.recship.bench.tensor.TraceExportBench [iterations]}.
 */
public final class TraceExportBench {
  private TraceExportBench() {}

  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
    Init.manualSeed(42);
    Path dir = Files.createTempDirectory("trace-export-bench");
    try (Mlp mlp = Mlp.of(512, 1024, 512, 1); TensorScope scope = TensorScope.open()) {
      mlp.eval();
      System.out.printf("MLP 512-1024-512-1: %,d parameters%n", mlp.parameterCount());
      Blocks batch128 = blocks(1, 128);
      Blocks batch7 = blocks(2, 7);
      Path archive = dir.resolve("mlp.pt");

      long[] exportNanos = new long[5];
      for (int i = 0; i < exportNanos.length; i++) {
        long t0 = System.nanoTime();
        try (TracedModule t = Trace.trace("Tower", batch128, mlp, in -> List.of(mlp.forward(in.get("x"))))) {
          t.writeTo(archive);
          t.validate(archive, batch7);
        }
        exportNanos[i] = System.nanoTime() - t0;
      }
      Arrays.sort(exportNanos);
      System.out.printf("trace + write + load + validate: median %.1f ms (min %.1f, max %.1f), archive %,d bytes%n",
          exportNanos[2] / 1e6, exportNanos[0] / 1e6, exportNanos[4] / 1e6, Files.size(archive));

      try (ScriptModel model = ScriptModel.load(archive); NDManager results = NDManager.newBaseManager("PyTorch")) {
        for (int batch : new int[] {128, 1}) {
          Blocks in = blocks(3, batch);
          Tensor x = in.get("x");
          NDArray xs = x.toNDArray();
          Runnable eager = () -> {
            try (TensorScope step = TensorScope.open()) {
              mlp.forward(x);
            }
          };
          Runnable script = () -> {
            NDList out = model.forward(results, xs);
            out.close();
          };
          // warm up both (libtorch's profiling executor optimises the graph after a few runs)
          time(eager, iterations / 4);
          time(script, iterations / 4);
          double eagerBest = Double.MAX_VALUE;
          double scriptBest = Double.MAX_VALUE;
          for (int round = 0; round < 3; round++) { // interleaved rounds: fair on a shared machine
            eagerBest = Math.min(eagerBest, time(eager, iterations));
            scriptBest = Math.min(scriptBest, time(script, iterations));
          }
          System.out.printf("batch %3d: eager %.1f us/forward, TorchScript %.1f us/forward, ratio TorchScript/eager %.2f%n",
              batch, eagerBest, scriptBest, scriptBest / eagerBest);
        }
      }
    } finally {
      try (var files = Files.list(dir)) {
        for (Path p : (Iterable<Path>) files::iterator) {
          Files.delete(p);
        }
      }
      Files.delete(dir);
    }
  }

  /** Microseconds per call. */
  private static double time(Runnable r, int n) {
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      r.run();
    }
    return (System.nanoTime() - t0) / 1e3 / n;
  }

  private static Blocks blocks(long seed, int batch) {
    Random r = new Random(seed);
    float[] v = new float[batch * 512];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) r.nextGaussian();
    }
    return Blocks.of("x", Tensor.of(v, batch, 512));
  }
}
