package io.recship.bench.torchscript;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.recship.torchscript.ScriptModel;
import io.recship.torchscript.ScriptModuleSpec;
import io.recship.torchscript.TensorData;
import io.recship.torchscript.TorchScriptWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Writes, loads and runs a ~1M-parameter MLP archive and prints the measured times: archive
 * write, DJL load + compile, and steady-state forward at batch 128.
 *
 * <p>Run: {@code benchmarks/run io.recship.bench.torchscript.ArchiveRoundTrip [repeats]}
 */
public final class ArchiveRoundTrip {
  private static final int IN = 512;
  private static final int HIDDEN = 1024;
  private static final int BATCH = 128;

  private ArchiveRoundTrip() {}

  public static void main(String[] args) throws Exception {
    int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    ScriptModuleSpec spec = mlp();
    long params = spec.parameters().values().stream().mapToLong(TensorData::numel).sum();
    Path dir = Files.createTempDirectory("ts-bench");
    Path archive = dir.resolve("mlp.pt");

    double[] write = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      TorchScriptWriter.write(spec, archive);
      write[i] = (System.nanoTime() - t0) / 1e6;
    }
    double[] load = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long t0 = System.nanoTime();
      try (ScriptModel m = ScriptModel.load(archive)) {
        load[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    double[] forward = new double[repeats * 10];
    try (ScriptModel model = ScriptModel.load(archive);
        NDManager nd = NDManager.newBaseManager("PyTorch")) {
      NDArray x = nd.randomNormal(new Shape(BATCH, IN));
      for (int i = 0; i < 50; i++) { // warm-up: libtorch profiles then optimises the graph
        try (NDManager call = nd.newSubManager()) {
          model.forward(call, x);
        }
      }
      for (int i = 0; i < forward.length; i++) {
        try (NDManager call = nd.newSubManager()) {
          long t0 = System.nanoTime();
          model.forward(call, x);
          forward[i] = (System.nanoTime() - t0) / 1e6;
        }
      }
    }
    System.out.printf("MLP %d -> %d -> %d -> 1: %,d parameters, archive %,d bytes%n",
        IN, HIDDEN, IN, params, Files.size(archive));
    System.out.printf("write        median %8.2f ms  (%.0f MB/s)%n",
        median(write), Files.size(archive) / 1e3 / median(write));
    System.out.printf("load+compile median %8.2f ms%n", median(load));
    System.out.printf("forward b=%d median %8.3f ms%n", BATCH, median(forward));
    Files.deleteIfExists(archive);
    Files.deleteIfExists(dir);
  }

  private static ScriptModuleSpec mlp() {
    Random r = new Random(1);
    return ScriptModuleSpec.builder("bench.Mlp")
        .parameter("w1", TensorData.ofFloats(new long[] {HIDDEN, IN}, gaussian(r, HIDDEN * IN)))
        .parameter("b1", TensorData.ofFloats(new long[] {HIDDEN}, gaussian(r, HIDDEN)))
        .parameter("w2", TensorData.ofFloats(new long[] {IN, HIDDEN}, gaussian(r, IN * HIDDEN)))
        .parameter("b2", TensorData.ofFloats(new long[] {IN}, gaussian(r, IN)))
        .parameter("w3", TensorData.ofFloats(new long[] {1, IN}, gaussian(r, IN)))
        .input("x")
        .statement("h = torch.relu(torch.linear(x, self.w1, self.b1))")
        .statement("h2 = torch.relu(torch.linear(h, self.w2, self.b2))")
        .returns("torch.sigmoid(torch.matmul(h2, self.w3.t())).reshape(-1)")
        .build();
  }

  private static float[] gaussian(Random r, int n) {
    float[] f = new float[n];
    for (int i = 0; i < n; i++) {
      f[i] = (float) (r.nextGaussian() * 0.03);
    }
    return f;
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
