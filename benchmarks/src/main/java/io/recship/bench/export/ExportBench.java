package io.recship.bench.export;

import io.recship.checkpoint.SafetensorsWriter;
import io.recship.checkpoint.SparseCheckpointWriter;
import io.recship.checkpoint.TableSnapshot;
import io.recship.checkpoint.TensorEntry;
import io.recship.checkpoint.TensorSink;
import io.recship.checkpoint.TensorSpec;
import io.recship.data.Dataset;
import io.recship.data.Schema;
import io.recship.export.ExportPlan;
import io.recship.export.ExportManifest;
import io.recship.export.ExportResult;
import io.recship.export.ExportedFile;
import io.recship.export.Exporter;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgOptions;
import io.recship.nn.Mlp;
import io.recship.nn.Module;
import io.recship.nn.Parameter;
import io.recship.serving.ExportedModel;
import io.recship.sparse.SparseModel;
import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Export of a checkpoint with one large sparse table (size in MiB as the first argument, default
 * 2048) in copy mode and in filterSparseOpt mode, against {@code cp} of the same files; the peak
 * heap of each export; and {@code ExportedModel.score} throughput at batch 128 (on a small export,
 * so loading the table does not dominate). Run with {@code BENCH_JAVA_OPTS=-Xmx512m} to show the
 * export fits in 512 MB of heap.
 *
 * <p>The checkpoint is written as {@code ModelCheckpoint.save} writes it (the tables through
 * {@link SparseCheckpointWriter}, streamed from a procedural {@link TableSnapshot} because a 2 GB
 * {@code EmbeddingTable} does not fit in the 512 MB heap; the dense state through {@link
 * SafetensorsWriter}), so it has the digest sidecars a user's checkpoint has. The save is timed
 * with and without them: SHA-256 costs more CPU than copying, so the bench shows where that cost
 * went (the save, on a second thread) and what copy mode gains (no hashing at all).
 *
 * <pre>benchmarks/run io.recship.bench.export.ExportBench 2048 /path/with/space</pre>
 */
public final class ExportBench {
  static final int DIM = 16;

  static final String FG = """
      {"features": [
        {"feature_name": "user_id", "feature_type": "id_feature", "expression": "user:user_id",
         "value_type": "String", "gen_key_type": "hash", "hash_bucket_size": 100000000,
         "gen_val_type": "lookup", "embedding_dimension": 16},
        {"feature_name": "item_id", "feature_type": "id_feature", "expression": "item:item_id",
         "value_type": "String", "gen_key_type": "hash", "hash_bucket_size": 100000000,
         "gen_val_type": "lookup", "embedding_dimension": 16}
      ]}""";
  static final String MC = """
      {"user": ["user_id"], "item": ["item_id"]}""";

  /** Dense net of the bench: cat(user, item) -> MLP -> sigmoid. */
  static final class Dense extends Module {
    final Mlp tower = register("tower", Mlp.of(32, 64, 1));

    List<Tensor> forward(Blocks b) {
      return List.of(tower.forward(Tensor.cat(-1, b.get("user"), b.get("item"))).sigmoid());
    }
  }

  /** A procedural table with embedding and two Adam slots, streamed (no heap). */
  static TableSnapshot table(String name, long rows) {
    return new TableSnapshot() {
      public String sharedName() { return name; }
      public int dim() { return DIM; }
      public int size() { return (int) rows; }
      public List<String> slotNames() {
        return List.of("embedding", "sparse_adamw_exp_avg", "sparse_adamw_exp_avg_sq");
      }
      public void writeIds(TensorSink sink) throws IOException {
        for (long r = 0; r < rows; r++) {
          sink.putLong(r);
        }
      }
      public void writeSlot(String slot, TensorSink sink) throws IOException {
        float[] row = new float[DIM];
        for (long r = 0; r < rows; r++) {
          for (int c = 0; c < DIM; c++) {
            row[c] = ((r * 31 + c) % 1000) * 1e-4f;
          }
          sink.putFloats(row, 0, DIM);
        }
      }
    };
  }

  public static void main(String[] args) throws Exception {
    long mib = args.length > 0 ? Long.parseLong(args[0]) : 2048;
    Path work = Files.createTempDirectory(args.length > 1 ? Path.of(args[1]) : Path.of(System.getProperty("java.io.tmpdir")), "exportbench");
    try {
      run(mib, work);
    } finally {
      try (var s = Files.walk(work)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  static void run(long mib, Path work) throws Exception {
    Path fgJson = Files.writeString(work.resolve("fg.json"), FG);
    Path mcJson = Files.writeString(work.resolve("mc.json"), MC);
    FeatureGenerator fg = FeatureGenerator.load(fgJson, mcJson, FgOptions.DEFAULT);
    long bytesPerRow = 8 + 3L * DIM * 4;
    long rows = (mib << 20) / bytesPerRow;
    Path ckpt = work.resolve("ckpt");
    System.out.printf(Locale.ROOT, "writing a checkpoint: user_id %,d rows x %d (+2 Adam slots) = %d MiB%n", rows, DIM, mib);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Dense dense = new Dense();
    // alternate, best of 2 each: the page cache and writeback state is then alike for both
    double[] save = {Double.MAX_VALUE, Double.MAX_VALUE};
    double[] saveCpu = new double[2];
    for (int i = 0; i < 4; i++) {
      boolean digests = i % 2 == 1;
      Path dir = digests ? ckpt : work.resolve("ckpt-no-digests");
      deleteTree(dir);
      long c = os.getProcessCpuTime();
      long t = System.nanoTime();
      SparseCheckpointWriter.write(dir, List.of(table("user_id", rows), table("item_id", 1000)), List.<TensorSpec>of(), digests);
      writeDense(dir, dense, digests);
      double wall = (System.nanoTime() - t) / 1e9;
      int k = digests ? 1 : 0;
      if (wall < save[k]) {
        save[k] = wall;
        saveCpu[k] = (os.getProcessCpuTime() - c) / 1e9;
      }
    }
    deleteTree(work.resolve("ckpt-no-digests"));
    System.out.printf(Locale.ROOT, "checkpoint save without digests:    %.3f s (%.3f CPU-s)%n", save[0], saveCpu[0]);
    System.out.printf(Locale.ROOT,
        "checkpoint save with digests:       %.3f s (%.3f CPU-s): %.2fx the time, +%.3f CPU-s for SHA-256 on the second thread%n",
        save[1], saveCpu[1], save[1] / save[0], saveCpu[1] - saveCpu[0]);
    SparseModel sparse = SparseModel.fromFg(fg);
    Dataset ds = Dataset.inMemory(Schema.fromFg(fg), samples(256, 1)).batchSize(256).build();

    long tableBytes = 0;
    try (var s = Files.list(ckpt)) {
      // what copy mode exports: *.safetensors and *.json, not the dense state (nor sidecars, index)
      for (Path f : s.filter(p -> {
            String n = p.getFileName().toString();
            return (n.endsWith(".safetensors") || n.endsWith(".json")) && !n.equals("dense.safetensors");
          }).toList()) {
        tableBytes += Files.size(f);
      }
    }
    double shaCpu = sha256Throughput();
    System.out.printf(Locale.ROOT, "SHA-256 (MessageDigest, UseSHA256Intrinsics): %.0f MiB per CPU-second%n", shaCpu);

    // warm the page cache and measure cp of the files the copy mode exports
    double cp = Double.MAX_VALUE;
    double cpCpu = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      Path dst = work.resolve("cp" + i);
      Files.createDirectories(dst);
      long t = System.nanoTime();
      // bash's time: wall, user and sys seconds of cp
      Process p = new ProcessBuilder("bash", "-c", "TIMEFORMAT='%R %U %S'; time cp " + ckpt + "/*.safetensors " + ckpt + "/*.json " + dst + "/")
          .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
      String times = new String(p.getErrorStream().readAllBytes()).trim();
      if (p.waitFor() != 0) {
        throw new IllegalStateException("cp failed: " + times);
      }
      double wall = (System.nanoTime() - t) / 1e9;
      String[] rus = times.substring(times.lastIndexOf('\n') + 1).split(" ");
      if (wall < cp) {
        cp = wall;
        cpCpu = Double.parseDouble(rus[1]) + Double.parseDouble(rus[2]);
      }
      deleteTree(dst);
    }
    System.out.printf(Locale.ROOT, "cp of the checkpoint files:         %.3f s (%.3f CPU-s, %.0f MiB per CPU-second)%n", cp, cpCpu, (tableBytes >> 20) / cpCpu);
    // had copy mode to hash what it copies: SHA-256 of one file is sequential, so with a free
    // second core it needs at least the hash's CPU time, with one core the sum
    double hashCpu = (tableBytes >> 20) / shaCpu;
    System.out.printf(Locale.ROOT,
        "copy + SHA-256 at export would need: hash %.3f CPU-s vs cp %.3f CPU-s: >= %.2fx cp with two idle cores, >= %.2fx with one (copy mode reuses the save's digests instead)%n",
        hashCpu, cpCpu, Math.max(hashCpu, cpCpu) / cpCpu, (hashCpu + cpCpu) / cpCpu);

    for (boolean filter : new boolean[] {false, true}) {
      double best = Double.MAX_VALUE;
      double bestCpu = 0;
      long peak = 0;
      ExportResult last = null;
      for (int i = 0; i < 3; i++) {
        Path out = work.resolve("export-" + filter + "-" + i);
        resetPeaks();
        long c = os.getProcessCpuTime();
        long t = System.nanoTime();
        ExportResult r = Exporter.export(
            ExportPlan.builder("BenchModel", sparse, dense, dense::forward, List.of("score"))
                .dataset(ds).ckptDir(ckpt).exportDir(out).filterSparseOpt(filter).build());
        double wall = (System.nanoTime() - t) / 1e9;
        if (wall < best) {
          best = wall;
          bestCpu = (os.getProcessCpuTime() - c) / 1e9;
          last = r;
        }
        peak = Math.max(peak, peakHeap());
        if (i == 0) {
          ExportManifest.verify(out); // untimed: every listed digest, reused or not, is the file's
        }
        deleteTree(out);
      }
      double sparseStep = last.timings().get("export sparse").toNanos() / 1e9;
      double publish = last.timings().get("publish").toNanos() / 1e9;
      System.out.printf(Locale.ROOT,
          "export %-15s total %.3f s, %.3f CPU-s (sparse step %.3f s, manifest+publish %.3f s), ratio to cp %.2fx (target %s), peak heap %d MiB (target < 512)%n",
          filter ? "filterSparseOpt" : "copy", best, bestCpu, sparseStep, publish, best / cp, filter ? "<= 2x" : "<= 1.25x", peak >> 20);
      ExportResult measured = last;
      long hashedBytes = measured.files().stream()
          .filter(f -> !measured.reusedDigests().contains(f.path())).mapToLong(ExportedFile::size).sum();
      System.out.printf(Locale.ROOT, "  digests: %d of %d files from the checkpoint's sidecars; %d MiB hashed during the export%n",
          measured.reusedDigests().size(), measured.files().size(), hashedBytes >> 20);
      StringBuilder steps = new StringBuilder();
      last.timings().forEach((k, v) -> steps.append(String.format(Locale.ROOT, " %s %.3f s;", k, v.toNanos() / 1e9)));
      System.out.println("  steps:" + steps);
    }

    // scoring throughput at batch 128, on a small export
    Path small = work.resolve("small-ckpt");
    SparseCheckpointWriter.write(small, List.of(table("user_id", 100_000), table("item_id", 1000)), List.<TensorSpec>of());
    writeDense(small, dense, true);
    Path smallOut = work.resolve("small-export");
    Exporter.export(ExportPlan.builder("BenchModel", sparse, dense, dense::forward, List.of("score"))
        .dataset(ds).ckptDir(small).exportDir(smallOut).filterSparseOpt(true).build());
    try (ExportedModel m = ExportedModel.load(smallOut)) {
      List<Map<String, Object>> batch = samples(128, 7);
      for (int i = 0; i < 50; i++) {
        m.score(batch);
      }
      long n = 0;
      long t = System.nanoTime();
      while (System.nanoTime() - t < 5_000_000_000L) {
        m.score(batch);
        n++;
      }
      double s = (System.nanoTime() - t) / 1e9;
      System.out.printf(Locale.ROOT, "ExportedModel.score batch 128: %.0f batches/s, %.0f samples/s, %.2f ms/batch%n",
          n / s, n * 128 / s, 1000 * s / n);
    }
    dense.close();
  }

  /** MiB of SHA-256 per CPU-second of the hashing thread (CPU time, so other load does not count). */
  static double sha256Throughput() throws Exception {
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
    byte[] block = new byte[1 << 20];
    new Random(1).nextBytes(block);
    for (int i = 0; i < 1024; i++) {
      md.update(block); // warm up: C2 compiles the intrinsic stub call
    }
    double best = 0;
    for (int r = 0; r < 3; r++) {
      long c = threads.getCurrentThreadCpuTime();
      for (int i = 0; i < 512; i++) {
        md.update(block);
      }
      best = Math.max(best, 512 / ((threads.getCurrentThreadCpuTime() - c) / 1e9));
    }
    return best;
  }

  static void writeDense(Path ckpt, Dense dense, boolean digests) {
    List<TensorEntry> state = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : dense.namedParameters().entrySet()) {
      state.add(TensorEntry.ofFloats("dense." + e.getKey(), e.getValue().shape(), e.getValue().toFloatArray()));
    }
    SafetensorsWriter.write(ckpt.resolve("dense.safetensors"), state, Map.of(), digests);
  }

  static List<Map<String, Object>> samples(int n, long seed) {
    Random r = new Random(seed);
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> m = new HashMap<>();
      m.put("user_id", "u" + r.nextInt(1_000_000));
      m.put("item_id", "i" + r.nextInt(10_000));
      out.add(m);
    }
    return out;
  }

  static void resetPeaks() {
    System.gc();
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        p.resetPeakUsage();
      }
    }
  }

  /** Sum of the heap pools' peaks since the reset (an upper bound of the peak heap in use). */
  static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p)) {
      return;
    }
    try (var s = Files.walk(p)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}
