package io.recship.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Normalises in-memory samples (maps) into rows with the same checks as the file readers. */
final class InMemoryRows {
  private InMemoryRows() {}

  /**
   * @param source how rows name where they came from ({@code source:N}); problems name the sample
   *     by its number and list index instead, since there is no file line to point at
   */
  static List<Row> parse(Schema schema, List<? extends Map<String, ?>> samples, String source) {
    List<Column> cols = schema.columns();
    RowParser.Sequences sequences = new RowParser.Sequences(schema);
    List<Row> rows = new ArrayList<>(samples.size());
    int line = 0;
    for (Map<String, ?> s : samples) {
      line++;
      Object[] f = new Object[cols.size()];
      for (int i = 0; i < f.length; i++) {
        Column c = cols.get(i);
        Object v = s.get(c.name());
        if (v == null) {
          throw DataException.inSample(line, c.name(), "missing value");
        }
        f[i] = v;
      }
      String misaligned = sequences.misaligned(f);
      if (misaligned != null) {
        throw DataException.inSample(line, null, misaligned);
      }
      float[] labels = new float[schema.labels().size()];
      for (int i = 0; i < labels.length; i++) {
        Object v = s.get(schema.labels().get(i));
        if (!(v instanceof Number n)) {
          throw DataException.inSample(line, schema.labels().get(i), "label must be a number, got " + v);
        }
        labels[i] = n.floatValue();
      }
      String[] ids = new String[schema.ids().size()];
      for (int i = 0; i < ids.length; i++) {
        Object v = s.get(schema.ids().get(i));
        if (v == null) {
          throw DataException.inSample(line, schema.ids().get(i), "missing sample id");
        }
        ids[i] = String.valueOf(v);
      }
      // "sample 2 (index 1)", not "memory:2", which reads like a line of a file named memory
      rows.add(new Row(f, labels, ids,
          source.equals(DataException.MEMORY) ? DataException.sampleName(line) : source + ":" + line));
    }
    return rows;
  }
}
