package io.recship.train;

import io.recship.checkpoint.CheckpointException;
import io.recship.checkpoint.RecisLayout;
import io.recship.checkpoint.SafeDType;
import io.recship.checkpoint.SafetensorsReader;
import io.recship.checkpoint.SafetensorsWriter;
import io.recship.checkpoint.SparseCheckpointReader;
import io.recship.checkpoint.SparseCheckpointWriter;
import io.recship.checkpoint.TensorData;
import io.recship.checkpoint.TensorEntry;
import io.recship.checkpoint.TensorInfo;
import io.recship.checkpoint.TensorSpec;
import io.recship.nn.Module;
import io.recship.nn.Parameter;
import io.recship.sparse.EmbeddingTable;
import io.recship.sparse.SparseModel;
import io.recship.sparse.SparseOptimizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole model in one directory: the sparse tables (with the sparse optimizer's per-row slots)
 * in RecIS' layout, and {@value RecisLayout#DENSE_FILE} with the dense parameters (named as in
 * {@code Module.namedParameters()}), the sparse optimizer's scalar state and the data position in
 * its {@code __metadata__}.
 *
 * <p>Loading checks everything before it changes anything: a missing or truncated file, a
 * parameter or table the model has and the checkpoint lacks, a dimension or shape that differs
 * from the FG/module, or a dtype other than float32 each give one {@link CheckpointException}
 * naming the file, the key and the fix. Keys the model does not know are logged as warnings.
 *
 * <p>Dense optimizer state (Adam moments) is not saved: {@code io.recship.optim.Optimizer} exposes
 * none yet, so a resumed Adam restarts its moments; SGD without momentum resumes exactly.
 */
public final class ModelCheckpoint {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCheckpoint.class);
  static final String FORMAT = "recship-checkpoint-1";
  private static final String SPARSE_OPT_PREFIX = "sparse_optimizer.";

  private ModelCheckpoint() {}

  public static void save(Path dir, SparseModel sparse, Module dense, @Nullable SparseOptimizer optimizer, TrainState state) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new CheckpointException(dir, null, "cannot create the checkpoint directory: " + e, "check permissions.", e);
    }
    List<TensorEntry> denseEntries = new ArrayList<>();
    List<TensorSpec> denseMeta = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : dense.namedParameters().entrySet()) {
      Parameter p = e.getValue();
      TensorSpec spec = new TensorSpec(e.getKey(), SafeDType.F32, p.shape());
      denseMeta.add(spec);
      denseEntries.add(new TensorEntry(spec, sink -> TensorData.ofFloats(p.toFloatArray()).writeTo(sink)));
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", FORMAT);
    meta.put("trainer.step", Long.toString(state.step));
    meta.put("trainer.epoch", Integer.toString(state.epoch));
    meta.put("trainer.batch", Long.toString(state.batch));
    if (optimizer != null) {
      meta.put("sparse_optimizer", optimizer.getClass().getSimpleName());
      optimizer.scalarState().forEach((k, v) -> meta.put(SPARSE_OPT_PREFIX + k, Double.toString(v)));
    }
    SparseCheckpointWriter.write(dir, new ArrayList<>(sparse.tables().values()), denseMeta);
    SafetensorsWriter.write(dir.resolve(RecisLayout.DENSE_FILE), denseEntries, meta);
  }

  /** Restores {@code sparse}, {@code dense} and {@code optimizer} from {@code dir}; returns the saved data position. */
  public static TrainState load(Path dir, SparseModel sparse, Module dense, @Nullable SparseOptimizer optimizer) {
    Path denseFile = dir.resolve(RecisLayout.DENSE_FILE);
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException(dir, null, "checkpoint directory not found.", "check the path given to load.");
    }
    if (!Files.isRegularFile(denseFile)) {
      throw new CheckpointException(denseFile, null, "missing: a RecShip checkpoint keeps the dense parameters here.",
          "point at a directory written by Trainer.save / ModelCheckpoint.save, or finish the interrupted save.");
    }
    try (SafetensorsReader denseIn = SafetensorsReader.open(denseFile);
        SparseCheckpointReader sparseIn = SparseCheckpointReader.open(dir)) {
      // 1. check everything
      Map<String, Parameter> params = dense.namedParameters();
      for (Map.Entry<String, Parameter> e : params.entrySet()) {
        if (!denseIn.contains(e.getKey())) {
          throw new CheckpointException(denseFile, e.getKey(), "the dense module has this parameter but the checkpoint does not.",
              "load into the module class the checkpoint was saved from (parameter names must match).");
        }
        TensorInfo info = denseIn.info(e.getKey(), SafeDType.F32);
        if (!Arrays.equals(info.shape(), e.getValue().shape())) {
          throw new CheckpointException(denseFile, e.getKey(), "shape " + Arrays.toString(info.shape())
              + " in the checkpoint but " + Arrays.toString(e.getValue().shape()) + " in the module.",
              "build the dense module with the sizes it was trained with.");
        }
      }
      for (String k : denseIn.keys()) {
        if (!params.containsKey(k)) {
          LOG.warn("{}: ignoring tensor '{}': the dense module has no such parameter", denseFile, k);
        }
      }
      for (EmbeddingTable t : sparse.tables().values()) {
        String name = t.sharedName();
        if (!sparseIn.hasTable(name)) {
          throw new CheckpointException(dir, RecisLayout.tensorKey(name, RecisLayout.EMBEDDING_SLOT, 0, 1),
              "the FG has table '" + name + "' but the checkpoint does not (it has " + sparseIn.tables() + ").",
              "load with the fg.json the checkpoint was trained with, or check the feature's shared_name.");
        }
        if (sparseIn.dim(name) != t.dim()) {
          throw new CheckpointException(sparseIn.fileOf(name), sparseIn.keyOf(name, RecisLayout.EMBEDDING_SLOT),
              "table '" + name + "' has dim " + sparseIn.dim(name) + " in the checkpoint but the FG gives embedding_dimension "
                  + t.dim() + ".",
              "load with the fg.json the checkpoint was trained with, or train a new model for the changed FG.");
        }
      }
      Set<String> known = new HashSet<>(sparse.tables().keySet());
      for (String name : sparseIn.tables()) {
        if (!known.contains(name)) {
          LOG.warn("{}: ignoring table '{}': the FG has no feature with this shared_name", dir, name);
        }
      }
      for (String k : sparseIn.unknownKeys()) {
        LOG.warn("{}: ignoring key '{}': not a hashtable key <shared_name>.<slot>/part_i_n", dir, k);
      }
      Map<String, Double> optState = new LinkedHashMap<>();
      denseIn.metadata().forEach((k, v) -> {
        if (k.startsWith(SPARSE_OPT_PREFIX)) {
          optState.put(k.substring(SPARSE_OPT_PREFIX.length()), Double.parseDouble(v));
        }
      });
      // 2. load
      for (Map.Entry<String, Parameter> e : params.entrySet()) {
        e.getValue().set(denseIn.readFloats(e.getKey()));
      }
      for (EmbeddingTable t : sparse.tables().values()) {
        String name = t.sharedName();
        t.clear();
        t.reserve(Math.toIntExact(sparseIn.size(name)));
        sparseIn.readSlot(name, RecisLayout.EMBEDDING_SLOT, t::put);
        if (optimizer != null) {
          for (String slot : optimizer.slotNames()) {
            if (sparseIn.slots(name).contains(slot)) {
              sparseIn.readSlot(name, slot, (id, row) -> t.putSlot(slot, id, row));
            } else {
              LOG.warn("{}: table '{}' has no optimizer slot '{}'; it starts from zero", dir, name, slot);
            }
          }
        }
      }
      if (optimizer != null) {
        if (optState.isEmpty()) {
          LOG.warn("{}: no sparse optimizer state saved; {} starts at step 0", denseFile, optimizer.getClass().getSimpleName());
        } else {
          try {
            optimizer.loadScalarState(optState);
          } catch (IllegalArgumentException e) {
            throw new CheckpointException(denseFile, null, e.getMessage() + ".",
                "resume with the sparse optimizer the checkpoint was saved with (" + denseIn.metadata().get("sparse_optimizer") + ").");
          }
        }
      }
      return new TrainState(
          Long.parseLong(denseIn.metadata().getOrDefault("trainer.step", "0")),
          Integer.parseInt(denseIn.metadata().getOrDefault("trainer.epoch", "0")),
          Long.parseLong(denseIn.metadata().getOrDefault("trainer.batch", "0")));
    } catch (NumberFormatException e) {
      throw new CheckpointException(denseFile, null, "bad trainer metadata: " + e.getMessage() + ".", "re-save the checkpoint.", e);
    }
  }

}
