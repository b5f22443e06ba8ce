package io.recship.export;

import io.recship.checkpoint.CheckpointException;
import io.recship.checkpoint.RecisLayout;
import io.recship.checkpoint.SafeDType;
import io.recship.checkpoint.SafetensorsReader;
import io.recship.checkpoint.TensorInfo;
import io.recship.checkpoint.TrainedHeads;
import io.recship.nn.Module;
import io.recship.nn.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 1, prepare: loads the checkpoint's dense state into the dense module. As RecIS strips the
 * {@code "<dense_model_name>."} prefix and loads with {@code strict=False}, a key matches a
 * parameter by its state-dict name with or without one leading module prefix; missing keys are
 * logged, a shape mismatch is an error.
 */
final class DenseState {
  private static final Logger log = LoggerFactory.getLogger(DenseState.class);

  private DenseState() {}

  /**
   * Returns the state-dict names that had no value in the checkpoint. Refuses a checkpoint whose
   * trainer fitted an output to a head named after another output ({@link TrainedHeads}).
   */
  static List<String> load(Path ckptDir, Module dense, List<String> outputNames) {
    Path file = ckptDir.resolve(RecisLayout.DENSE_FILE);
    if (!Files.isRegularFile(file)) {
      throw new ExportException(
          ExportException.Step.PREPARE,
          "checkpoint '" + ckptDir + "' has no " + RecisLayout.DENSE_FILE
              + " (the dense state, RecIS' model.pt); save the checkpoint with the dense model,"
              + " or point ckptDir at the folder the training saved to");
    }
    List<String> missing = new ArrayList<>();
    try (SafetensorsReader r = SafetensorsReader.open(file)) {
      checkHeads(file, TrainedHeads.read(r.metadata()), outputNames);
      for (Map.Entry<String, Parameter> e : dense.namedParameters().entrySet()) {
        String key = find(r, e.getKey());
        if (key == null) {
          missing.add(e.getKey());
          continue;
        }
        TensorInfo info = r.info(key, SafeDType.F32);
        if (!Arrays.equals(info.shape(), e.getValue().shape())) {
          throw new ExportException(
              ExportException.Step.PREPARE,
              "dense parameter '" + e.getKey() + "' has shape " + Arrays.toString(e.getValue().shape())
                  + " but " + file + " holds " + key + " with shape " + Arrays.toString(info.shape())
                  + "; the checkpoint was saved from another dense architecture: export with the"
                  + " model that was trained");
        }
        e.getValue().set(r.readFloats(key));
      }
    } catch (CheckpointException e) {
      throw new ExportException(
          ExportException.Step.PREPARE, "cannot load the dense state: " + e.getMessage(), e);
    }
    if (!missing.isEmpty()) {
      log.warn("missing dense keys in {} (kept their current values): {}", file, missing);
    }
    return missing;
  }

  private static String find(SafetensorsReader r, String name) {
    if (r.contains(name)) {
      return name;
    }
    for (String k : r.keys()) {
      int dot = k.indexOf('.');
      if (dot > 0 && k.substring(dot + 1).equals(name)) {
        return k;
      }
    }
    return null;
  }

  /**
   * Output i is exported as {@code outputNames[i]}; it was trained as head {@code trained[i]}. A
   * head named after another output means the training forward returned the outputs in another
   * order than the heads were declared, and this export would deliver that head's scores under
   * the wrong name. Heads named otherwise (after a label, say) cannot be compared and pass.
   */
  private static void checkHeads(Path file, List<TrainedHeads.Head> trained, List<String> outputNames) {
    if (trained.size() != outputNames.size()) {
      return; // saved without a trainer, or a trainer of another model: the parameters' check speaks
    }
    for (int i = 0; i < trained.size(); i++) {
      TrainedHeads.Head head = trained.get(i);
      if (!head.name().equals(outputNames.get(i)) && outputNames.contains(head.name())) {
        throw new ExportException(
            ExportException.Step.PREPARE,
            "output '" + outputNames.get(i) + "' (output " + i + " of @ExportOutput " + outputNames
                + ") was trained as head '" + head.name() + "' on label '" + head.label() + "': " + file
                + " records the heads, in output order, as " + TrainedHeads.describe(trained)
                + ". The training forward returned the outputs in another order than the heads were"
                + " declared, so this export would deliver '" + head.name() + "' scores as '"
                + outputNames.get(i) + "'. Train with buildHeads(<Model>Exporter.outputs(model)), which"
                + " matches heads to outputs by name, and export the new checkpoint");
      }
    }
  }
}
