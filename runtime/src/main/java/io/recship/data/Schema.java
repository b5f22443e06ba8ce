package io.recship.data;

import io.recship.fg.FeatureGenerator;
import io.recship.fg.ResolvedFeature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The columns a dataset reads: feature columns (named by the FG's io names), label columns (read
 * as float, RecIS' {@code add_label}) and sample-id columns (read as text, RecIS' {@code
 * add_id}). Immutable; the {@code with...} methods return a new schema.
 */
public final class Schema {
  private final Map<String, Column> features;
  private final List<String> labels;
  private final List<String> ids;
  private final Map<String, List<String>> sequences;

  private Schema(Map<String, Column> features, List<String> labels, List<String> ids, Map<String, List<String>> sequences) {
    this.features = features;
    this.labels = labels;
    this.ids = ids;
    this.sequences = sequences;
  }

  public static Schema of(List<Column> columns) {
    Map<String, Column> m = new LinkedHashMap<>();
    for (Column c : columns) {
      Column prev = m.put(c.name(), c);
      if (prev != null && !prev.equals(c)) {
        throw new IllegalArgumentException("column '" + c.name() + "' declared twice differently: " + prev + " and " + c);
      }
    }
    return new Schema(m, List.of(), List.of(), Map.of());
  }

  /**
   * The columns {@code fg} reads: one per distinct io name of the features MC uses (several
   * features may read one column through {@code from_feature}).
   */
  public static Schema fromFg(FeatureGenerator fg) {
    List<Column> cols = new ArrayList<>();
    Map<String, Column> seen = new LinkedHashMap<>();
    Map<String, List<String>> sequences = new LinkedHashMap<>();
    for (ResolvedFeature f : fg.features()) {
      ColumnType t = switch (f.valueType()) {
        case STRING -> ColumnType.STRING;
        case DOUBLE -> ColumnType.DOUBLE;
        case INTEGER -> ColumnType.INTEGER;
      };
      Column c = new Column(f.ioName(), t, f.isSequence());
      if (f.sequenceName() != null) {
        List<String> group = sequences.computeIfAbsent(f.sequenceName(), k -> new ArrayList<>());
        if (!group.contains(c.name())) {
          group.add(c.name());
        }
      }
      Column prev = seen.putIfAbsent(c.name(), c);
      if (prev == null) {
        cols.add(c);
      } else if (!prev.equals(c)) {
        throw new IllegalArgumentException(
            "features read column '" + c.name() + "' as both " + prev + " and " + c + "; give them consistent value_type");
      }
    }
    return of(cols).withSequences(sequences);
  }

  /**
   * This schema with sequence groups: each sequence name maps to its sub-features' columns, which
   * hold one step per sequence step, so every row must give them equally many steps (a row that
   * does not is bad: padded or truncated one by one, its steps would fall out of line).
   */
  public Schema withSequences(Map<String, List<String>> groups) {
    Map<String, List<String>> m = new LinkedHashMap<>(sequences);
    groups.forEach((name, cols) -> {
      for (String c : cols) {
        Column col = features.get(c);
        if (col == null || !col.sequence()) {
          throw new IllegalArgumentException("sequence '" + name + "': '" + c + "' is not a sequence column of " + this);
        }
      }
      m.put(name, List.copyOf(cols));
    });
    return new Schema(features, labels, ids, java.util.Collections.unmodifiableMap(m));
  }

  /** Sequence name to its sub-features' columns (empty unless built by {@link #fromFg} or {@link #withSequences}). */
  public Map<String, List<String>> sequences() {
    return sequences;
  }

  /** This schema plus label columns (float, default 0 when missing is not allowed: a missing label is a bad row). */
  public Schema withLabels(String... names) {
    List<String> l = new ArrayList<>(labels);
    l.addAll(List.of(names));
    return new Schema(features, List.copyOf(l), ids, sequences);
  }

  /** This schema plus sample-id columns (read as text). */
  public Schema withIds(String... names) {
    List<String> l = new ArrayList<>(ids);
    l.addAll(List.of(names));
    return new Schema(features, labels, List.copyOf(l), sequences);
  }

  public List<Column> columns() {
    return List.copyOf(features.values());
  }

  public @Nullable Column column(String name) {
    return features.get(name);
  }

  public List<String> labels() {
    return labels;
  }

  public List<String> ids() {
    return ids;
  }

  @Override
  public String toString() {
    return "Schema" + features.values() + " labels=" + labels + " ids=" + ids;
  }
}
