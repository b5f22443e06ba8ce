package io.recship.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import io.recship.cli.ExportInspection.Check;
import io.recship.cli.ExportInspection.Input;
import io.recship.cli.ExportInspection.Output;
import io.recship.torchscript.ScriptModel;
import io.recship.torchscript.TorchScriptException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * The "sample" check of {@code recship inspect}: the archive, run on the batch of {@code
 * inputs_dict.json} in {@code params_order.json} order, gives the outputs of {@code
 * output_base.json}, as many and in the order {@code output_info.json} names them. One run ties
 * the dense files together: a reordered input list, an output the graph does not return, or a
 * sample from another model all fail it.
 */
final class SampleCheck {
  /** torch.allclose-style tolerances; the archive ran on this batch at export time. */
  private static final double ATOL = 1e-5;
  private static final double RTOL = 1e-5;

  private SampleCheck() {}

  static Check of(Path dir, Path fx, Path archive, ScriptModel model, List<Output> outputs, List<Input> inputs) {
    Path basePath = fx.resolve("output_base.json");
    String name = ExportInspection.relative(dir, archive);
    JsonNode given;
    JsonNode base;
    try {
      given = ExportInspection.readJson(dir, fx.resolve("inputs_dict.json"));
      base = ExportInspection.readJson(dir, basePath);
    } catch (ExportInspection.UnreadableException e) {
      return fail(e.getMessage() + "; the archive's scores cannot be checked without it");
    }
    try (NDManager m = NDManager.newBaseManager("PyTorch")) {
      List<NDArray> args = new ArrayList<>();
      long rows = -1;
      for (int pos = 0; pos < inputs.size(); pos++) {
        Input in = inputs.get(pos);
        if (in.idx() != pos) {
          return fail("inputs_dict_lite.json gives input '" + in.name() + "' idx " + in.idx() + ", but it is argument "
              + pos + " in params_order.json");
        }
        JsonNode node = given.path(in.name());
        if (!node.has("values")) {
          return fail("inputs_dict.json has no values for input '" + in.name() + "' of params_order.json");
        }
        float[] values = floats(node.get("values"));
        List<Long> declared = ExportInspection.longs(node.path("shape"));
        long[] shape = declared.stream().mapToLong(Long::longValue).toArray();
        if (!declared.equals(in.shape())) {
          return fail("input '" + in.name() + "': inputs_dict.json says shape " + declared
              + ", inputs_dict_lite.json " + in.shape());
        }
        if (new Shape(shape).size() != values.length) {
          return fail("inputs_dict.json: input '" + in.name() + "' has " + values.length + " values for shape "
              + declared);
        }
        rows = shape.length == 0 ? 1 : shape[0];
        NDArray arg = m.create(values, new Shape(shape));
        // blocks are float32 in RecIS; anything else goes in with the dtype the file names
        if (node.path("dtype").asText().equals("torch.int64")) {
          arg = arg.toType(DataType.INT64, false);
        }
        args.add(arg);
      }
      NDList got;
      try {
        got = model.forward(m, args);
      } catch (TorchScriptException e) {
        return fail(name + " cannot run on inputs_dict.json in params_order.json order: "
            + ExportInspection.libtorchSays(e));
      } catch (RuntimeException e) {
        return fail(name + " cannot run on inputs_dict.json in params_order.json order: " + e.getMessage());
      }
      if (got.size() != outputs.size()) {
        return fail(name + " returns " + got.size() + " outputs, output_info.json lists " + outputs.size());
      }
      List<String> baseNames = new ArrayList<>();
      base.fieldNames().forEachRemaining(baseNames::add);
      List<String> infoNames = outputs.stream().map(Output::name).toList();
      if (!baseNames.equals(infoNames)) {
        return fail("output_base.json has outputs " + baseNames + ", output_info.json " + infoNames);
      }
      double maxDiff = 0;
      for (int k = 0; k < got.size(); k++) {
        String out = infoNames.get(k);
        List<Long> shape = new ArrayList<>();
        for (long d : got.get(k).getShape().getShape()) {
          shape.add(d);
        }
        JsonNode expectedNode = base.get(out);
        if (!shape.equals(ExportInspection.longs(expectedNode.path("shape")))
            || !shape.equals(outputs.get(k).shape())) {
          return fail(String.format(Locale.ROOT, "output '%s': %s gives shape %s, output_base.json says %s,"
              + " output_info.json %s", out, name, shape, ExportInspection.longs(expectedNode.path("shape")),
              outputs.get(k).shape()));
        }
        if (!outputs.get(k).dtype().equals(torchName(got.get(k))) || !expectedNode.path("dtype").asText().equals(torchName(got.get(k)))) {
          return fail(String.format(Locale.ROOT, "output '%s': %s gives %s, output_info.json says %s,"
              + " output_base.json %s", out, name, torchName(got.get(k)), outputs.get(k).dtype(),
              expectedNode.path("dtype").asText()));
        }
        float[] actual = got.get(k).toType(DataType.FLOAT32, false).toFloatArray();
        float[] expected = floats(expectedNode.path("values"));
        if (actual.length != expected.length) {
          return fail(name + " gives " + actual.length + " values for output '" + out
              + "', output_base.json has " + expected.length);
        }
        for (int i = 0; i < actual.length; i++) {
          double diff = Math.abs(actual[i] - expected[i]);
          // written so that NaN on either side fails: a sample of NaNs checks nothing
          if (!(diff <= ATOL + RTOL * Math.abs(expected[i]))) {
            return fail(String.format(Locale.ROOT, "output '%s' value %d: %s gives %s, output_base.json has %s",
                infoNames.get(k), i, name, actual[i], expected[i]));
          }
          maxDiff = Math.max(maxDiff, diff);
        }
      }
      return new Check("sample", true, String.format(Locale.ROOT,
          "%s on inputs_dict.json (%d rows) gives output_base.json (%d output%s, max abs diff %.1e)",
          name, rows, got.size(), got.size() == 1 ? "" : "s", maxDiff));
    }
  }

  /** PyTorch's dtype name, as the export's JSON files write it. */
  private static String torchName(NDArray a) {
    return switch (a.getDataType()) {
      case FLOAT32 -> "torch.float32";
      case FLOAT64 -> "torch.float64";
      case FLOAT16 -> "torch.float16";
      case INT64 -> "torch.int64";
      case INT32 -> "torch.int32";
      case BOOLEAN -> "torch.bool";
      default -> "torch." + a.getDataType().name().toLowerCase(Locale.ROOT);
    };
  }

  private static Check fail(String detail) {
    return new Check("sample", false, detail);
  }

  /** Nested JSON arrays of numbers ({@code tensor.tolist()}), flattened row-major. */
  private static float[] floats(JsonNode nested) {
    List<JsonNode> leaves = new ArrayList<>();
    collect(nested, leaves);
    float[] out = new float[leaves.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = (float) leaves.get(i).asDouble();
    }
    return out;
  }

  private static void collect(JsonNode n, List<JsonNode> leaves) {
    if (n.isArray()) {
      for (Iterator<JsonNode> it = n.elements(); it.hasNext(); ) {
        collect(it.next(), leaves);
      }
    } else {
      leaves.add(n);
    }
  }
}
