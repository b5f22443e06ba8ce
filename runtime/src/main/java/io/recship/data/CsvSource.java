package io.recship.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * CSV with a header row (Jackson's CSV module). Multi-values inside a cell are split on the
 * multi-value separator; sequence cells are split into steps on the sequence separator first.
 */
final class CsvSource implements RowSource {
  private static final CsvMapper MAPPER = new CsvMapper();

  private final String name;
  private final RowParser parser;
  private final String multiSep;
  private final String seqSep;
  private final MappingIterator<String[]> it;
  private final FileVersion version;
  private final Map<String, Integer> header = new HashMap<>();

  CsvSource(Path file, RowParser parser, char delimiter, String multiSep, String seqSep) {
    this.name = file.toString();
    this.parser = parser;
    this.multiSep = multiSep;
    this.seqSep = seqSep;
    try {
      if (!Files.exists(file)) {
        throw new NoSuchFileException(file.toString());
      }
      CsvSchema schema = CsvSchema.emptySchema().withColumnSeparator(delimiter);
      this.it = MAPPER.readerFor(String[].class)
          .with(CsvParser.Feature.WRAP_AS_ARRAY)
          .with(schema)
          .readValues(file.toFile());
      this.version = FileVersion.of(file);
      if (!it.hasNext()) {
        throw new DataException(name, 1, null, "empty file: a CSV dataset needs a header row");
      }
      String[] h = it.next();
      for (int i = 0; i < h.length; i++) {
        header.put(h[i].trim(), i);
      }
      for (Column c : parser.columns) {
        need(c.name());
      }
      parser.schema.labels().forEach(this::need);
      parser.schema.ids().forEach(this::need);
    } catch (NoSuchFileException e) {
      throw DataException.unreadableFile(file, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open " + file, e);
    }
  }

  private void need(String column) {
    if (!header.containsKey(column)) {
      throw new DataException(name, 1, column, "missing column in the header " + header.keySet());
    }
  }

  @Override
  public @Nullable Row next() {
    while (true) {
      String[] cells;
      long line;
      try {
        // after the previous row the reader stands at the start of the next line
        line = it.getCurrentLocation().getLineNr();
        if (!it.hasNextValue()) {
          version.checkUnchanged(line);
          return null;
        }
        cells = it.nextValue();
      } catch (IOException | RuntimeException e) {
        // Jackson's message ends with its own location text; the line number says where
        String reason = e instanceof JsonProcessingException j ? JsonSyntax.withoutLocation(j) : e.getMessage();
        DataException d = new DataException(name, it.getCurrentLocation().getLineNr(), null, "unreadable CSV: " + reason);
        if (parser.policy == BadRowPolicy.FAIL) {
          throw d;
        }
        parser.bad(d);
        return null; // the parser cannot resync after a broken quote
      }
      if (cells.length == 1 && cells[0].isEmpty()) {
        continue;
      }
      try {
        return parse(cells, line);
      } catch (DataException e) {
        parser.bad(e);
      }
    }
  }

  private String cell(String[] cells, String column, long line) {
    int i = header.get(column);
    if (i >= cells.length) {
      throw new DataException(name, line, column, "missing column (row has " + cells.length + " cells)");
    }
    return cells[i];
  }

  private Row parse(String[] cells, long line) {
    Object[] f = new Object[parser.columns.size()];
    for (int i = 0; i < f.length; i++) {
      Column c = parser.columns.get(i);
      try {
        f[i] = Values.fromText(cell(cells, c.name(), line), c, multiSep, seqSep);
      } catch (Values.Problem p) {
        throw new DataException(name, line, c.name(), p.getMessage());
      }
    }
    String misaligned = parser.sequences.misaligned(f);
    if (misaligned != null) {
      throw new DataException(name, line, null, misaligned);
    }
    float[] labels = new float[parser.schema.labels().size()];
    for (int i = 0; i < labels.length; i++) {
      String l = parser.schema.labels().get(i);
      try {
        labels[i] = (float) Values.parseDouble(cell(cells, l, line));
      } catch (Values.Problem p) {
        throw new DataException(name, line, l, p.getMessage());
      }
    }
    String[] ids = new String[parser.schema.ids().size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = cell(cells, parser.schema.ids().get(i), line);
    }
    return new Row(f, labels, ids, name + ":" + line);
  }

  @Override
  public void close() {
    try {
      it.close();
    } catch (IOException ignored) {
      // read-only
    }
  }
}
