package io.recship.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Batches of raw samples streamed from JSON Lines or CSV files (or held in memory). Every pass
 * ({@link #batches(long)}) re-reads the files; with a shuffle buffer the order depends only on
 * the seed and the epoch, so a run can be re-created exactly and resumed by {@link
 * BatchIterator#skip skipping} the batches already consumed.
 *
 * <pre>{@code
 * Dataset ds = Dataset.builder(Schema.fromFg(fg).withLabels("click").withIds("sample_id"))
 *     .jsonLines(path).batchSize(256).shuffleBuffer(10_000, 42).build();
 * for (Batch b : ds) { ... }
 * }</pre>
 */
public final class Dataset implements Iterable<Batch> {
  private final Schema schema;
  private final Function<RowParser, List<RowSource>> sources;
  private final int batchSize;
  private final int shuffleBuffer;
  private final long seed;
  private final boolean dropLast;
  private final BadRowPolicy policy;
  private final String origin;
  private final AtomicLong skipped = new AtomicLong();
  private final @Nullable Consumer<DataException> onSkip;

  private Dataset(Builder b) {
    this.schema = b.schema;
    this.sources = b.sources();
    this.batchSize = b.batchSize;
    this.shuffleBuffer = b.shuffleBuffer;
    this.seed = b.seed;
    this.dropLast = b.dropLast;
    this.policy = b.policy;
    this.origin = b.origin();
    this.onSkip = b.onSkip;
  }

  public static Builder builder(Schema schema) {
    return new Builder(schema);
  }

  /** In-memory samples (maps from column to value), e.g. from {@link SyntheticCtr}. */
  public static Builder inMemory(Schema schema, List<? extends Map<String, ?>> samples) {
    Builder b = new Builder(schema);
    b.memory = InMemoryRows.parse(schema, samples, DataException.MEMORY);
    return b;
  }

  public Schema schema() {
    return schema;
  }

  public int batchSize() {
    return batchSize;
  }

  /** Rows skipped as bad so far (policy {@link BadRowPolicy#SKIP}), over all passes. */
  public long skippedRows() {
    return skipped.get();
  }

  /** Epoch 0. */
  @Override
  public BatchIterator iterator() {
    return batches(0);
  }

  /** One pass over the data; the shuffle order is a function of (seed, epoch). */
  public BatchIterator batches(long epoch) {
    RowParser parser = new RowParser(schema, policy, skipped, onSkip);
    return new BatchIterator(sources.apply(parser), new Random(seed * 1_000_003L + epoch));
  }

  /** The first batch of epoch 0 (the exporter's trace batch). */
  public Batch first() {
    try (BatchIterator it = iterator()) {
      if (!it.hasNext()) {
        throw new IllegalStateException(noBatch());
      }
      return it.next();
    }
  }

  /** Why a pass yielded no batch, naming the data and the setting to change. */
  private String noBatch() {
    return "the dataset " + this + " produced no batch: "
        + (dropLast ? "it holds fewer rows than the batch size " + batchSize
            + " and dropLast drops a partial batch; lower batchSize or turn dropLast off"
            : "it holds no rows" + (skipped.get() > 0 ? " (" + skipped.get() + " bad rows skipped)" : "")
                + "; check the file");
  }

  /** Where the rows come from and how they are batched, for messages. */
  @Override
  public String toString() {
    return "Dataset[" + origin + ", batchSize " + batchSize + (dropLast ? ", dropLast" : "") + "]";
  }

  /** Iterates batches; close it if you stop early (it holds open files). */
  public final class BatchIterator implements Iterator<Batch>, AutoCloseable {
    private final List<RowSource> files;
    private final Random rng;
    private final List<Row> buffer = new ArrayList<>();
    private int fileIndex;
    private boolean drained;
    private @Nullable Batch next;
    private long produced;

    private BatchIterator(List<RowSource> files, Random rng) {
      this.files = files;
      this.rng = rng;
    }

    private @Nullable Row readRow() {
      while (fileIndex < files.size()) {
        Row r = files.get(fileIndex).next();
        if (r != null) {
          return r;
        }
        files.get(fileIndex).close();
        fileIndex++;
      }
      return null;
    }

    /** Next row after the shuffle buffer, or null at the end. */
    private @Nullable Row nextRow() {
      if (shuffleBuffer <= 1) {
        return readRow();
      }
      while (!drained && buffer.size() < shuffleBuffer) {
        Row r = readRow();
        if (r == null) {
          drained = true;
        } else {
          buffer.add(r);
        }
      }
      if (buffer.isEmpty()) {
        return null;
      }
      int i = rng.nextInt(buffer.size());
      Row out = buffer.get(i);
      Row last = buffer.remove(buffer.size() - 1);
      if (i < buffer.size()) {
        buffer.set(i, last);
      }
      return out;
    }

    @Override
    public boolean hasNext() {
      if (next == null) {
        List<Row> rows = new ArrayList<>(batchSize);
        Row r;
        while (rows.size() < batchSize && (r = nextRow()) != null) {
          rows.add(r);
        }
        if (!rows.isEmpty() && (rows.size() == batchSize || !dropLast)) {
          next = new Batch(schema, rows);
        } else {
          close();
        }
      }
      return next != null;
    }

    @Override
    public Batch next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Batch b = next;
      next = null;
      produced++;
      return b;
    }

    /** Skips {@code n} batches (to resume a run); returns how many were skipped. */
    public long skip(long n) {
      long done = 0;
      while (done < n && hasNext()) {
        next();
        done++;
      }
      return done;
    }

    /** Batches returned so far. */
    public long position() {
      return produced;
    }

    @Override
    public void close() {
      for (int i = fileIndex; i < files.size(); i++) {
        files.get(i).close();
      }
      fileIndex = files.size();
    }
  }

  /** Options of a dataset; {@link #build()} makes it. */
  public static final class Builder {
    private final Schema schema;
    private final List<Path> jsonLines = new ArrayList<>();
    private final List<Path> csv = new ArrayList<>();
    private @Nullable List<Row> memory;
    private int batchSize = 256;
    private int shuffleBuffer;
    private long seed;
    private boolean dropLast;
    private BadRowPolicy policy = BadRowPolicy.FAIL;
    private @Nullable Consumer<DataException> onSkip;
    private String multiValueSeparator = "\u001d";
    private String sequenceSeparator = ";";
    private char csvDelimiter = ',';

    private Builder(Schema schema) {
      this.schema = schema;
    }

    public Builder jsonLines(Path... files) {
      jsonLines.addAll(List.of(files));
      return this;
    }

    public Builder csv(Path... files) {
      csv.addAll(List.of(files));
      return this;
    }

    public Builder batchSize(int batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
      }
      this.batchSize = batchSize;
      return this;
    }

    /** Shuffles through a buffer of {@code rows} samples with generator seed {@code seed} (0 or 1 rows: no shuffle). */
    public Builder shuffleBuffer(int rows, long seed) {
      if (rows < 0) {
        throw new IllegalArgumentException("shuffle buffer must be >= 0 rows (0 or 1: no shuffle), got " + rows);
      }
      this.shuffleBuffer = rows;
      this.seed = seed;
      return this;
    }

    /** Drop a last batch smaller than the batch size. */
    public Builder dropLast(boolean dropLast) {
      this.dropLast = dropLast;
      return this;
    }

    public Builder onBadRow(BadRowPolicy policy) {
      this.policy = policy;
      return this;
    }

    /**
     * Skips bad rows ({@link BadRowPolicy#SKIP}) and hands each to {@code listener}, which reports
     * it (file, line, reason), instead of logging the first few: for tools that list bad rows.
     */
    public Builder onBadRow(BadRowPolicy policy, Consumer<DataException> listener) {
      this.policy = policy;
      this.onSkip = listener;
      return this;
    }

    /** Separator of values inside one CSV cell; default {@code \u001d} (RTP's {@code multi_val_sep}). */
    public Builder multiValueSeparator(String sep) {
      this.multiValueSeparator = sep;
      return this;
    }

    /** Separator of the steps of a sequence in one CSV cell; default {@code ;} (RTP's {@code sequence_delim}). */
    public Builder sequenceSeparator(String sep) {
      this.sequenceSeparator = sep;
      return this;
    }

    public Builder csvDelimiter(char delimiter) {
      this.csvDelimiter = delimiter;
      return this;
    }

    public Dataset build() {
      if (memory == null && jsonLines.isEmpty() && csv.isEmpty()) {
        throw new IllegalStateException("a dataset needs files: call jsonLines(...) or csv(...)");
      }
      if (multiValueSeparator.isEmpty() || sequenceSeparator.isEmpty() || multiValueSeparator.equals(sequenceSeparator)) {
        throw new IllegalStateException("multi-value and sequence separators must be non-empty and different");
      }
      return new Dataset(this);
    }

    private String origin() {
      List<String> parts = new ArrayList<>();
      if (memory != null) {
        parts.add(memory.size() + " in-memory samples");
      }
      jsonLines.forEach(p -> parts.add(p.toString()));
      csv.forEach(p -> parts.add(p.toString()));
      return parts.isEmpty() ? "no sources" : String.join(", ", parts);
    }

    private Function<RowParser, List<RowSource>> sources() {
      List<Row> mem = memory;
      List<Path> jl = List.copyOf(jsonLines);
      List<Path> cs = List.copyOf(csv);
      String ms = multiValueSeparator;
      String ss = sequenceSeparator;
      char d = csvDelimiter;
      return parser -> {
        List<RowSource> out = new ArrayList<>();
        if (mem != null) {
          Iterator<Row> it = mem.iterator();
          out.add(new RowSource() {
            @Override
            public @Nullable Row next() {
              return it.hasNext() ? it.next() : null;
            }

            @Override
            public void close() {}
          });
        }
        // files open lazily, one at a time
        for (Path p : jl) {
          out.add(new LazySource(() -> new JsonLinesSource(p, parser)));
        }
        for (Path p : cs) {
          out.add(new LazySource(() -> new CsvSource(p, parser, d, ms, ss)));
        }
        return out;
      };
    }
  }

  /** Opens its file on first read, so a pass over many files holds one open at a time. */
  private static final class LazySource implements RowSource {
    private final java.util.function.Supplier<RowSource> open;
    private @Nullable RowSource source;
    private boolean closed;

    LazySource(java.util.function.Supplier<RowSource> open) {
      this.open = open;
    }

    @Override
    public @Nullable Row next() {
      if (closed) {
        return null;
      }
      if (source == null) {
        source = open.get();
      }
      return source.next();
    }

    @Override
    public void close() {
      closed = true;
      if (source != null) {
        source.close();
      }
    }
  }
}
