package io.recship.export;

import io.recship.fg.FeatureGenerator;
import io.recship.tensor.Blocks;
import io.recship.tensor.DType;
import io.recship.tensor.Tensor;
import io.recship.trace.Trace;
import io.recship.trace.TraceException;
import io.recship.trace.TraceValidationException;
import io.recship.trace.TracedModule;
import io.recship.trace.ValidationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 3, export dense (rank 0): trace batch from the sparse output, trace, TorchScript archive,
 * validation through libtorch, and the JSON files RecIS' FX tool writes.
 */
final class DenseExport {
  /** RecIS' {@code cut_off_batch_size}. */
  static final int CUT_OFF_BATCH_SIZE = 128;

  private static final Logger log = LoggerFactory.getLogger(DenseExport.class);

  private DenseExport() {}

  /**
   * R-BATCH: every block has the same leading size and at least 2 rows (a 1-row trace batch
   * cannot show that the batch dimension stays dynamic); returns the blocks cut to 128 rows.
   */
  static Blocks traceBatch(Map<String, Tensor> blocks) {
    if (blocks.isEmpty()) {
      throw new ExportException(
          ExportException.Step.EXPORT_DENSE,
          "the sparse model produced no blocks; check that mc.json lists at least one block");
    }
    long batch = -1;
    String first = null;
    for (Map.Entry<String, Tensor> e : new java.util.TreeMap<>(blocks).entrySet()) {
      long[] shape = e.getValue().shape();
      long n = shape.length == 0 ? -1 : shape[0];
      if (batch < 0) {
        batch = n;
        first = e.getKey();
      } else if (n != batch) {
        throw new ExportException(
            ExportException.Step.EXPORT_DENSE,
            "all dense inputs must have the same batch size: block '" + e.getKey() + "' has " + n
                + " rows but block '" + first + "' has " + batch
                + "; every block must come from the same samples (check the sparse model's block"
                + " builder)");
      }
    }
    if (batch < 2) {
      throw new ExportException(
          ExportException.Step.EXPORT_DENSE,
          "tracing batch must have at least 2 rows for a dynamic batch dimension, but the first"
              + " dataset batch has " + batch + "; use a dataset whose first batch has 2 or more"
              + " samples");
    }
    Blocks all = Blocks.of(blocks);
    return batch > CUT_OFF_BATCH_SIZE ? all.rows(0, CUT_OFF_BATCH_SIZE) : all;
  }

  /** Traces, writes and validates; returns the max abs diff per output name. */
  static Map<String, Double> export(
      ExportJob plan, Blocks sparseOutput, FeatureGenerator fg, Path staging) {
    Blocks trace = traceBatch(sparseOutput.asMap());
    Blocks other = validationBatch(sparseOutput, trace.batchSize());
    Path folder = staging.resolve(plan.exportFolderName());
    Path archive = folder.resolve(plan.exportModelName() + ".pt");
    String className = className(plan.modelName());
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw io(folder, e);
    }
    try (TracedModule t =
        Trace.trace(className, trace, plan.dense(), plan.outputNames(), checkedForward(plan))) {
      log.info(
          "export dense: traced {} ops on {} rows, inputs {}{}, outputs {}",
          t.graph().nodes().size(),
          trace.batchSize(),
          t.inputNames(),
          t.droppedInputs().isEmpty() ? "" : " (no output uses " + t.droppedInputs() + ": dropped)",
          t.outputNames());
      requireFinite(t.traceInputs().asMap(), "block");
      Map<String, Tensor> outputs = new LinkedHashMap<>();
      for (int i = 0; i < plan.outputNames().size() && i < t.eagerOutputs().size(); i++) {
        outputs.put(plan.outputNames().get(i), t.eagerOutputs().get(i));
      }
      requireFinite(outputs, "output");
      try {
        t.writeTo(archive);
        // RecIS writes output_info.json before comparing, so a failed validation still shows it
        DenseFiles.writeOutputInfo(folder, plan.outputNames(), t.eagerOutputs());
        DenseFiles.writeInputs(folder, t.traceInputs().asMap());
        DenseFiles.writeOutputBase(folder, plan.outputNames(), t.eagerOutputs());
        DenseFiles.writeInputColumns(folder, fg.mcConfig().blocks());
        DenseFiles.writeGraph(folder, t.graphText());
      } catch (IOException e) {
        throw io(folder, e);
      }
      ValidationReport report;
      try {
        report = t.validate(archive, other);
      } catch (TraceValidationException e) {
        throw new ExportException(
            ExportException.Step.EXPORT_DENSE,
            "export_fx_output is not equal to user_model_output! " + e.getMessage(),
            e);
      }
      Map<String, Double> diff = new LinkedHashMap<>();
      for (String name : plan.outputNames()) {
        diff.put(name, 0.0);
      }
      for (ValidationReport.Check c : report.checks()) {
        diff.merge(c.output(), c.maxAbsDiff(), Math::max);
      }
      log.info(
          "export dense: {} validated through libtorch at batch sizes {} and {}; max abs diff {}",
          archive.getFileName(),
          trace.batchSize(),
          other.batchSize(),
          diff);
      return diff;
    } catch (TraceException e) {
      throw new ExportException(
          ExportException.Step.EXPORT_DENSE,
          "cannot trace the @ExportOutput method of " + plan.modelName() + ": " + e.getMessage(),
          e);
    }
  }

  /**
   * The sample files and the archive check need finite numbers: JSON has none for NaN and
   * infinity, and RecIS' {@code allclose} fails on them.
   */
  private static void requireFinite(Map<String, Tensor> tensors, String what) {
    for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
      if (e.getValue().dtype() != DType.FLOAT32) {
        continue;
      }
      float[] v = e.getValue().toFloatArray();
      long width = v.length / Math.max(1, e.getValue().size(0));
      for (int i = 0; i < v.length; i++) {
        if (!Float.isFinite(v[i])) {
          throw new ExportException(
              ExportException.Step.EXPORT_DENSE,
              what + " '" + e.getKey() + "' of the trace batch holds " + v[i] + " in row " + i / Math.max(1, width)
                  + " (the first batch of the export dataset); the sample files cannot hold it and the"
                  + " export check cannot compare it. Check that row's raw values (a number beyond"
                  + " float32, ~3.4e38, becomes infinity), or the dense weights");
        }
      }
    }
  }

  /** R-OUTTYPE/R-OUTCOUNT: the forward's outputs match the declared names. */
  private static java.util.function.Function<Blocks, List<Tensor>> checkedForward(ExportJob plan) {
    return b -> {
      List<Tensor> out = plan.forward().apply(b);
      if (out == null || out.isEmpty()) {
        throw new ExportException(
            ExportException.Step.EXPORT_DENSE,
            "user_model_output must be torch.Tensor or tuple of torch.Tensor: the @ExportOutput"
                + " method of " + plan.modelName() + " returned no tensors");
      }
      if (out.size() != plan.outputNames().size()) {
        throw new ExportException(
            ExportException.Step.EXPORT_DENSE,
            (out.size() == 1
                    ? "model only have one output, however you set multi output_nodes_name"
                    : "output_nodes_name must be the same length as real user_model_output")
                + ": the @ExportOutput method returned " + out.size() + " tensors but names "
                + plan.outputNames() + " were declared; name every returned tensor");
      }
      for (int i = 0; i < out.size(); i++) {
        if (out.get(i) == null) {
          // a Kotlin `Tensor?` component or a Java field left unset: name it before tracing
          throw new ExportException(
              ExportException.Step.EXPORT_DENSE,
              "output '" + plan.outputNames().get(i) + "' (#" + (i + 1) + " of " + out.size()
                  + ") of the @ExportOutput method of " + plan.modelName() + " is null; every"
                  + " output must be a tensor (in Kotlin, declare it Tensor, not Tensor?)");
        }
      }
      return new ArrayList<>(out);
    };
  }

  /**
   * A batch of another size than the trace batch, so a batch size baked into the graph shows: the
   * whole first batch when it is larger than 128 rows (capped at 512), else one row fewer.
   */
  private static Blocks validationBatch(Blocks full, long traceRows) {
    long n = full.batchSize();
    if (n > traceRows) {
      return full.rows(0, Math.min(n, 4L * CUT_OFF_BATCH_SIZE));
    }
    return full.rows(0, traceRows - 1);
  }

  static String className(String modelName) {
    String simple = modelName.substring(modelName.lastIndexOf('.') + 1);
    StringBuilder b = new StringBuilder();
    for (char c : simple.toCharArray()) {
      b.append(Character.isLetterOrDigit(c) || c == '_' ? c : '_');
    }
    if (b.length() == 0 || !Character.isLetter(b.charAt(0))) {
      b.insert(0, "Model_");
    }
    return b.toString();
  }

  private static ExportException io(Path folder, IOException e) {
    return new ExportException(
        ExportException.Step.EXPORT_DENSE,
        "cannot write the dense files into " + folder + " (" + e + "); check disk space",
        e);
  }
}
