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

  private Schema(Map<String, Column> features, List<String> labels, List<String> ids) {
    this.features = features;
    this.labels = labels;
    this.ids = ids;
  }

  public static Schema of(List<Column> columns) {
    Map<String, Column> m = new LinkedHashMap<>();
    for (Column c : columns) {
      Column prev = m.put(c.name(), c);
      if (prev != null && !prev.equals(c)) {
        throw new IllegalArgumentException("column '" + c.name() + "' declared twice differently: " + prev + " and " + c);
      }
    }
    return new Schema(m, List.of(), List.of());
  }

  /**
   * The columns {@code fg} reads: one per distinct io name of the features MC uses (several
   * features may read one column through {@code from_feature}).
   */
  public static Schema fromFg(FeatureGenerator fg) {
    List<Column> cols = new ArrayList<>();
    Map<String, Column> seen = new LinkedHashMap<>();
    for (ResolvedFeature f : fg.features()) {
      ColumnType t = switch (f.valueType()) {
        case STRING -> ColumnType.STRING;
        case DOUBLE -> ColumnType.DOUBLE;
        case INTEGER -> ColumnType.INTEGER;
      };
      Column c = new Column(f.ioName(), t, f.isSequence());
      Column prev = seen.putIfAbsent(c.name(), c);
      if (prev == null) {
        cols.add(c);
      } else if (!prev.equals(c)) {
        throw new IllegalArgumentException(
            "features read column '" + c.name() + "' as both " + prev + " and " + c + "; give them consistent value_type");
      }
    }
    return of(cols);
  }

  /** This schema plus label columns (float, default 0 when missing is not allowed: a missing label is a bad row). */
  public Schema withLabels(String... names) {
    List<String> l = new ArrayList<>(labels);
    l.addAll(List.of(names));
    return new Schema(features, List.copyOf(l), ids);
  }

  /** This schema plus sample-id columns (read as text). */
  public Schema withIds(String... names) {
    List<String> l = new ArrayList<>(ids);
    l.addAll(List.of(names));
    return new Schema(features, labels, List.copyOf(l));
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
