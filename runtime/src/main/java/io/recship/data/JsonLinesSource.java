package io.recship.data;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import io.recship.fg.Typos;
import org.jspecify.annotations.Nullable;

/** One JSON object per line; blank lines are ignored. */
final class JsonLinesSource implements RowSource {
  // without FAIL_ON_TRAILING_TOKENS, '{"a":1}{"b":2}' reads as the first object and the second
  // sample is lost without a word
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

  private final Path file;
  private final String name;
  private final RowParser parser;
  private final BufferedReader in;
  private final FileVersion version;
  private long line;

  JsonLinesSource(Path file, RowParser parser) {
    this.file = file;
    this.name = file.toString();
    this.parser = parser;
    try {
      if (Files.isDirectory(file)) {
        // opening a folder succeeds on Linux; only the first read fails, with a bare "Is a directory"
        throw new FileSystemException(file.toString(), null, "is a folder");
      }
      this.in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw DataException.unreadableFile(file, e);
    }
    this.version = FileVersion.of(file);
  }

  @Override
  public @Nullable Row next() {
    while (true) {
      String text;
      try {
        text = in.readLine();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file + " after line " + line, e);
      }
      if (text == null) {
        version.checkUnchanged(line);
        return null;
      }
      line++;
      if (text.isBlank()) {
        continue;
      }
      try {
        return parse(text);
      } catch (DataException e) {
        parser.bad(e);
      }
    }
  }

  /**
   * A hint for the missing column {@code missing}: a column of the sample that nothing reads and
   * whose name is a near miss, else, when the schema reads labels (training), every column nothing
   * reads, since a misspelt name shows up there. A schema without labels (scoring) says nothing
   * more: the sample's label columns are unread by design, and would look like suspects.
   */
  private String unread(JsonNode obj, String missing) {
    List<String> extra = new ArrayList<>();
    obj.fieldNames().forEachRemaining(f -> {
      if (parser.schema.column(f) == null && !parser.schema.labels().contains(f) && !parser.schema.ids().contains(f)) {
        extra.add(f);
      }
    });
    String near = Typos.uniqueNear(missing, extra);
    if (near != null) {
      return "; the sample has a column '" + near + "' that nothing reads: is it a misspelling of '" + missing + "'?";
    }
    return extra.isEmpty() || parser.schema.labels().isEmpty() ? ""
        : "; the sample's columns that no feature, label or id reads: " + extra + " (is one of them misspelt?)";
  }

  private Row parse(String text) {
    JsonNode obj;
    try {
      obj = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      // each line is parsed on its own, so Jackson's column is the column in this line
      JsonLocation at = e.getLocation();
      String reason = JsonSyntax.reason(e);
      throw at == null || at.getColumnNr() < 1
          ? new DataException(name, line, null, "not valid JSON: " + reason)
          : DataException.badJson(name, line, at.getColumnNr(), reason);
    }
    if (obj == null || !obj.isObject()) {
      throw new DataException(name, line, null, "each line must be a JSON object");
    }
    Object[] f = new Object[parser.columns.size()];
    for (int i = 0; i < f.length; i++) {
      Column c = parser.columns.get(i);
      JsonNode v = obj.get(c.name());
      if (v == null) {
        throw new DataException(name, line, c.name(), "missing column" + unread(obj, c.name()));
      }
      if (v.isNull()) {
        throw new DataException(name, line, c.name(), "is null; give it a value");
      }
      try {
        f[i] = Values.fromJson(v, c);
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
      JsonNode v = obj.get(l);
      if (v == null || v.isNull()) {
        throw new DataException(name, line, l, "missing label");
      }
      try {
        labels[i] = v.isNumber() ? v.floatValue() : (float) Values.parseDouble(v.asText());
      } catch (Values.Problem p) {
        throw new DataException(name, line, l, p.getMessage());
      }
    }
    String[] ids = new String[parser.schema.ids().size()];
    for (int i = 0; i < ids.length; i++) {
      String l = parser.schema.ids().get(i);
      JsonNode v = obj.get(l);
      if (v == null || v.isNull() || v.isContainerNode()) {
        throw new DataException(name, line, l, "missing or non-scalar sample id");
      }
      ids[i] = v.asText();
    }
    return new Row(f, labels, ids, name + ":" + line);
  }

  @Override
  public void close() {
    try {
      in.close();
    } catch (IOException ignored) {
      // read-only
    }
  }
}
