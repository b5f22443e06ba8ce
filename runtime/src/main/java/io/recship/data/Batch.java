package io.recship.data;

import java.util.List;
import java.util.Map;
import java.util.HashMap;
import org.jspecify.annotations.Nullable;

/**
 * A batch of raw samples. A feature value is a {@code String}, {@code Double} or {@code Long}
 * (one value), a {@code List} of those (multi-value; may be empty), or for a sequence column a
 * {@code List} of steps, each one value or a list of values.
 */
public final class Batch {
  private final Schema schema;
  private final List<Row> rows;
  private final Map<String, Integer> featureIndex = new HashMap<>();

  Batch(Schema schema, List<Row> rows) {
    this.schema = schema;
    this.rows = List.copyOf(rows);
    List<Column> cols = schema.columns();
    for (int i = 0; i < cols.size(); i++) {
      featureIndex.put(cols.get(i).name(), i);
    }
  }

  /** A batch of already-normalised samples (tests, generated data): maps from column to value. */
  public static Batch of(Schema schema, List<? extends Map<String, ?>> samples) {
    return new Batch(schema, InMemoryRows.parse(schema, samples, DataException.MEMORY));
  }

  public Schema schema() {
    return schema;
  }

  public int size() {
    return rows.size();
  }

  /** The value of feature column {@code column} in sample {@code row}. */
  public Object value(String column, int row) {
    Integer i = featureIndex.get(column);
    if (i == null) {
      throw new IllegalArgumentException("no column '" + column + "' in " + schema);
    }
    return rows.get(row).features()[i];
  }

  public boolean hasColumn(String column) {
    return featureIndex.containsKey(column);
  }

  /** All values of label {@code name}. */
  public float[] labels(String name) {
    int i = index(schema.labels(), name, "label");
    float[] out = new float[rows.size()];
    for (int r = 0; r < out.length; r++) {
      out[r] = rows.get(r).labels()[i];
    }
    return out;
  }

  /** All values of sample-id column {@code name}. */
  public List<String> ids(String name) {
    int i = index(schema.ids(), name, "id");
    return rows.stream().map(r -> r.ids()[i]).toList();
  }

  /** {@code file:line} of sample {@code row}. */
  public String source(int row) {
    return rows.get(row).source();
  }

  private static int index(List<String> names, String name, String what) {
    int i = names.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("no " + what + " column '" + name + "' (have " + names + ")");
    }
    return i;
  }

  /** Samples {@code [from, to)} as a new batch. */
  public Batch slice(int from, int to) {
    return new Batch(schema, rows.subList(from, to));
  }

  @Nullable Row rowAt(int r) {
    return rows.get(r);
  }
}
