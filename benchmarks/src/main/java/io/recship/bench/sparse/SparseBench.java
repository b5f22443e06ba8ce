package io.recship.bench.sparse;

import io.recship.checkpoint.SparseCheckpointReader;
import io.recship.checkpoint.SparseCheckpointWriter;
import io.recship.data.Batch;
import io.recship.data.Column;
import io.recship.data.ColumnType;
import io.recship.data.Schema;
import io.recship.fg.ConfigSource;
import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgOptions;
import io.recship.sparse.EmbeddingTable;
import io.recship.sparse.IdHash;
import io.recship.sparse.SparseModel;
import io.recship.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Sparse throughput on a 1M-row, 64-dim table.
 *
 * <ol>
 *   <li>lookup + mean pooling of 5 ids per sample: the table alone (ids already hashed), and the
 *       whole {@code SparseModel.forward} path (farmhash, mod, lookup, pooling, block tensor);
 *   <li>checkpoint save (streamed RecIS layout) and load (streamed back into an empty table) in
 *       MB/s, against {@code Files.copy} of the same data file, with the ratios.
 * </ol>
 *
 * Run: {@code BENCH_JAVA_OPTS=-Xmx3g benchmarks/run io.recship.bench.sparse.SparseBench [rows] [dim]}
 */
public final class SparseBench {
  private static final int IDS_PER_SAMPLE = 5;

  private SparseBench() {}

  public static void main(String[] args) throws IOException {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    int dim = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    System.out.printf(Locale.ROOT, "SparseBench: %,d rows x %d dims (%.0f MB of float32)%n", rows, dim, rows * (double) dim * 4 / 1e6);

    FeatureGenerator fg = FeatureGenerator.load(
        new ConfigSource("bench-fg.json", """
            {"features": [{"feature_name": "tags", "feature_type": "id_feature", "value_type": "String",
              "gen_key_type": "hash", "hash_bucket_size": %d, "gen_val_type": "lookup",
              "embedding_dimension": %d, "combiner": "mean"}]}""".formatted(rows, dim)),
        new ConfigSource("bench-mc.json", "{\"b\": [\"tags\"]}"), FgOptions.DEFAULT);
    SparseModel model = SparseModel.fromFg(fg, 1L);
    EmbeddingTable table = model.table("tags");
    long t0 = System.nanoTime();
    for (long id = 0; id < rows; id++) {
      table.rowOf(id); // ids 0..rows-1 == every bucket of the mod
    }
    System.out.printf(Locale.ROOT, "fill: %,d rows in %.2f s%n", table.size(), secs(t0));

    tableLookup(table, rows, dim);
    modelForward(model, rows);
    checkpoint(table, rows, dim);
  }

  /** The table alone: find + pool rows into a block buffer. */
  private static void tableLookup(EmbeddingTable table, int rows, int dim) {
    int batch = 4096;
    SplittableRandom r = new SplittableRandom(7);
    long[] ids = new long[batch * IDS_PER_SAMPLE];
    float[] out = new float[batch * dim];
    float[] row = new float[dim];
    long looked = 0;
    double sink = 0;
    for (int pass = 0; pass < 2; pass++) { // pass 0 warms up
      long start = System.nanoTime();
      long n = 0;
      while (System.nanoTime() - start < 3_000_000_000L) {
        for (int i = 0; i < ids.length; i++) {
          ids[i] = r.nextInt(rows);
        }
        java.util.Arrays.fill(out, 0);
        for (int b = 0; b < batch; b++) {
          for (int k = 0; k < IDS_PER_SAMPLE; k++) {
            table.get(table.find(ids[b * IDS_PER_SAMPLE + k]), row, 0);
            for (int c = 0; c < dim; c++) {
              out[b * dim + c] += row[c] / IDS_PER_SAMPLE;
            }
          }
        }
        n += ids.length;
        sink += out[0];
      }
      if (pass == 1) {
        looked = n;
        System.out.printf(Locale.ROOT, "table lookup + mean pooling: %,.0f rows/s (%,.0f samples/s of %d ids)%n",
            n / secs(start), n / secs(start) / IDS_PER_SAMPLE, IDS_PER_SAMPLE);
      }
    }
    if (sink == 42 && looked < 0) {
      System.out.println();
    }
  }

  /** SparseModel.forward: farmhash of the strings, mod, lookup, pooling, block tensor. */
  private static void modelForward(SparseModel model, int rows) {
    model.eval();
    Schema schema = Schema.of(List.of(Column.of("tags", ColumnType.STRING)));
    SplittableRandom r = new SplittableRandom(3);
    List<Batch> batches = new ArrayList<>();
    for (int k = 0; k < 8; k++) {
      List<Map<String, ?>> samples = new ArrayList<>();
      for (int b = 0; b < 1024; b++) {
        List<String> tags = new ArrayList<>();
        for (int i = 0; i < IDS_PER_SAMPLE; i++) {
          tags.add("tag" + r.nextInt(rows * 4));
        }
        samples.add(Map.of("tags", tags));
      }
      batches.add(Batch.of(schema, samples));
    }
    for (int pass = 0; pass < 2; pass++) {
      long start = System.nanoTime();
      long n = 0;
      int i = 0;
      while (System.nanoTime() - start < 3_000_000_000L) {
        try (TensorScope s = TensorScope.open()) {
          model.forward(batches.get(i++ % batches.size()));
        }
        n += 1024L * IDS_PER_SAMPLE;
      }
      if (pass == 1) {
        System.out.printf(Locale.ROOT, "SparseModel.forward (farmhash + mod + lookup + pooling + tensor): %,.0f rows/s%n", n / secs(start));
      }
    }
    IdHash.farmhash("keep"); // the hash class is part of the measured path
  }

  private static void checkpoint(EmbeddingTable table, int rows, int dim) throws IOException {
    Path dir = Files.createTempDirectory("sparsebench");
    try {
      Path ckpt = dir.resolve("ckpt");
      long start = System.nanoTime();
      SparseCheckpointWriter.write(ckpt, List.of(table), List.of());
      double save = secs(start);
      Path data = ckpt.resolve("model-000000-of-000001.safetensors");
      double mb = Files.size(data) / 1e6;

      start = System.nanoTime();
      Files.copy(data, dir.resolve("copy.safetensors"), StandardCopyOption.REPLACE_EXISTING);
      double copy = secs(start);
      // the writer fsyncs before its atomic rename; a fair copy does too
      start = System.nanoTime();
      try (java.nio.channels.FileChannel in = java.nio.channels.FileChannel.open(data);
          java.nio.channels.FileChannel out = java.nio.channels.FileChannel.open(dir.resolve("copy2.safetensors"),
              java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
        long pos = 0;
        while (pos < in.size()) {
          pos += in.transferTo(pos, in.size() - pos, out);
        }
        out.force(false);
      }
      double copySync = secs(start);

      EmbeddingTable loaded = new EmbeddingTable(table.sharedName(), dim, 0);
      start = System.nanoTime();
      try (SparseCheckpointReader r = SparseCheckpointReader.open(ckpt)) {
        loaded.reserve(Math.toIntExact(r.size(table.sharedName())));
        r.readSlot(table.sharedName(), "embedding", loaded::put);
      }
      double load = secs(start);
      if (loaded.size() != table.size()) {
        throw new IllegalStateException("loaded " + loaded.size() + " rows, saved " + table.size());
      }
      System.out.printf(Locale.ROOT, "checkpoint data file: %.1f MB%n", mb);
      System.out.printf(Locale.ROOT, "save  %.2f s = %,.0f MB/s%n", save, mb / save);
      System.out.printf(Locale.ROOT, "load  %.2f s = %,.0f MB/s%n", load, mb / load);
      System.out.printf(Locale.ROOT, "copy  %.2f s = %,.0f MB/s (Files.copy of the same file)%n", copy, mb / copy);
      System.out.printf(Locale.ROOT, "copy+fsync %.2f s = %,.0f MB/s%n", copySync, mb / copySync);
      System.out.printf(Locale.ROOT, "ratio save/copy %.2f, save/(copy+fsync) %.2f, load/copy %.2f%n",
          copy / save, copySync / save, copy / load);
    } finally {
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double secs(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
