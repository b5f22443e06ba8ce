package io.recship.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import io.recship.tensor.DType;
import io.recship.tensor.Tensor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The JSON files RecIS' FX tool writes next to the dense graph (recis-reference §4.3), with its
 * schemas: {@code output_info.json} (indent 4), {@code inputs_dict_lite.json}, {@code
 * inputs_dict.json} (plus the trace batch's values), {@code params_order.json} and {@code
 * input_columns.json}; and {@code output_base.json}, the eager outputs on that batch, in place of
 * RecIS' pickled {@code output_base.pkl}.
 */
final class DenseFiles {
  static final String OUTPUT_INFO = "output_info.json";
  static final String INPUTS_DICT_LITE = "inputs_dict_lite.json";
  static final String INPUTS_DICT = "inputs_dict.json";
  static final String PARAMS_ORDER = "params_order.json";
  static final String INPUT_COLUMNS = "input_columns.json";
  static final String OUTPUT_BASE = "output_base.json";
  static final String GRAPH = "graph.txt";

  private static final JsonFactory JSON = new JsonFactory();

  private DenseFiles() {}

  /** {@code {"OutputNodes": [{"OutputNodeName", "dtype", "shape"}]}}, indent 4 as in RecIS. */
  static void writeOutputInfo(Path dir, List<String> names, List<Tensor> outputs)
      throws IOException {
    try (JsonGenerator g = open(dir.resolve(OUTPUT_INFO))) {
      // Python's json.dump(indent=4): "key": value, every array element on its own line
      DefaultPrettyPrinter pp =
          new DefaultPrettyPrinter()
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
              .withObjectIndenter(new DefaultIndenter("    ", "\n"))
              .withArrayIndenter(new DefaultIndenter("    ", "\n"));
      g.setPrettyPrinter(pp);
      g.writeStartObject();
      g.writeArrayFieldStart("OutputNodes");
      for (int i = 0; i < outputs.size(); i++) {
        g.writeStartObject();
        g.writeStringField("OutputNodeName", names.get(i));
        g.writeStringField("dtype", outputs.get(i).dtype().torchName());
        writeShape(g, outputs.get(i).shape());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  /**
   * {@code inputs_dict_lite.json}, {@code inputs_dict.json} and {@code params_order.json} for the
   * trace batch, whose map iterates in sorted name order (the graph's argument order).
   */
  static void writeInputs(Path dir, Map<String, Tensor> sortedInputs) throws IOException {
    try (JsonGenerator lite = open(dir.resolve(INPUTS_DICT_LITE));
        JsonGenerator full = open(dir.resolve(INPUTS_DICT));
        JsonGenerator order = open(dir.resolve(PARAMS_ORDER))) {
      lite.writeStartObject();
      full.writeStartObject();
      order.writeStartArray();
      int idx = 0;
      for (Map.Entry<String, Tensor> e : sortedInputs.entrySet()) {
        Tensor t = e.getValue();
        for (JsonGenerator g : List.of(lite, full)) {
          g.writeObjectFieldStart(e.getKey());
          g.writeNumberField("idx", idx);
          writeShape(g, t.shape());
          g.writeStringField("dtype", t.dtype().torchName());
        }
        full.writeFieldName("values");
        writeValues(full, t);
        lite.writeEndObject();
        full.writeEndObject();
        order.writeString(e.getKey());
        idx++;
      }
      lite.writeEndObject();
      full.writeEndObject();
      order.writeEndArray();
    }
  }

  /**
   * {@code output_base.json}: {@code {<output>: {"shape", "dtype", "values"}}} in output order,
   * the eager forward on the batch of {@code inputs_dict.json}, so the scores of those rows can be
   * checked wherever the graph is served.
   */
  static void writeOutputBase(Path dir, List<String> names, List<Tensor> outputs)
      throws IOException {
    try (JsonGenerator g = open(dir.resolve(OUTPUT_BASE))) {
      g.writeStartObject();
      for (int i = 0; i < outputs.size(); i++) {
        Tensor t = outputs.get(i);
        g.writeObjectFieldStart(names.get(i));
        writeShape(g, t.shape());
        g.writeStringField("dtype", t.dtype().torchName());
        g.writeFieldName("values");
        writeValues(g, t);
        g.writeEndObject();
      }
      g.writeEndObject();
    }
  }

  /** {@code input_columns.json}: block name to its feature names, in mc order. */
  static void writeInputColumns(Path dir, Map<String, List<String>> columns) throws IOException {
    try (JsonGenerator g = open(dir.resolve(INPUT_COLUMNS))) {
      g.writeStartObject();
      for (Map.Entry<String, List<String>> e : columns.entrySet()) {
        g.writeArrayFieldStart(e.getKey());
        for (String c : e.getValue()) {
          g.writeString(c);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
  }

  static void writeGraph(Path dir, String text) throws IOException {
    Files.writeString(dir.resolve(GRAPH), text, StandardCharsets.UTF_8);
  }

  private static JsonGenerator open(Path file) throws IOException {
    return JSON.createGenerator(file.toFile(), JsonEncoding.UTF8);
  }

  private static void writeShape(JsonGenerator g, long[] shape) throws IOException {
    g.writeArrayFieldStart("shape");
    for (long d : shape) {
      g.writeNumber(d);
    }
    g.writeEndArray();
  }

  /** {@code tensor.tolist()}: nested arrays, one level per dimension. */
  private static void writeValues(JsonGenerator g, Tensor t) throws IOException {
    long[] shape = t.shape();
    DType dtype = t.dtype();
    if (dtype == DType.INT64 || dtype == DType.INT32 || dtype == DType.INT8 || dtype == DType.UINT8) {
      long[] v = t.toType(DType.INT64).toLongArray();
      writeNested(g, shape, 0, new int[] {0}, i -> g.writeNumber(v[i]));
    } else if (dtype == DType.BOOL) {
      boolean[] v = t.toBooleanArray();
      writeNested(g, shape, 0, new int[] {0}, i -> g.writeBoolean(v[i]));
    } else {
      float[] v = dtype == DType.FLOAT32 ? t.toFloatArray() : t.toType(DType.FLOAT32).toFloatArray();
      writeNested(g, shape, 0, new int[] {0}, i -> g.writeNumber(v[i]));
    }
  }

  private interface ElementWriter {
    void write(int flatIndex) throws IOException;
  }

  private static void writeNested(
      JsonGenerator g, long[] shape, int dim, int[] cursor, ElementWriter w) throws IOException {
    if (dim == shape.length) {
      w.write(cursor[0]++);
      return;
    }
    g.writeStartArray();
    for (long i = 0; i < shape[dim]; i++) {
      writeNested(g, shape, dim + 1, cursor, w);
    }
    g.writeEndArray();
  }
}
