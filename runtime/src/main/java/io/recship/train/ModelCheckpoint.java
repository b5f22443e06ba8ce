package io.recship.train;

import com.google.common.io.MoreFiles;
import com.google.common.io.RecursiveDeleteOption;
import io.recship.checkpoint.CheckpointException;
import io.recship.checkpoint.DigestSidecar;
import io.recship.checkpoint.RecisLayout;
import io.recship.checkpoint.SafeDType;
import io.recship.checkpoint.SafetensorsReader;
import io.recship.checkpoint.SafetensorsWriter;
import io.recship.checkpoint.SparseCheckpointReader;
import io.recship.checkpoint.SparseCheckpointWriter;
import io.recship.checkpoint.TensorEntry;
import io.recship.checkpoint.TensorInfo;
import io.recship.checkpoint.TensorSource;
import io.recship.checkpoint.TensorSpec;
import io.recship.checkpoint.TrainedHeads;
import io.recship.fg.ResolvedFeature;
import io.recship.lock.LockFile;
import io.recship.nn.Module;
import io.recship.nn.Parameter;
import io.recship.optim.Optimizer;
import io.recship.optim.OptimizerState;
import io.recship.sparse.EmbeddingTable;
import io.recship.sparse.SparseModel;
import io.recship.sparse.SparseOptimizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole model in one directory: the sparse tables (with the sparse optimizer's per-row slots)
 * in RecIS' layout, and {@value RecisLayout#DENSE_FILE} with the dense parameters (named as in
 * {@code Module.namedParameters()}), the sparse optimizer's scalar state and learning rate and the
 * data position in its {@code __metadata__}. Both optimizers resume with their saved learning
 * rates, as PyTorch's {@code load_state_dict} does; a rate that differs is logged.
 *
 * <p>Loading checks everything before it changes anything: a missing or truncated file, a
 * parameter or table the model has and the checkpoint lacks, a dimension or shape that differs
 * from the FG/module, or a dtype other than float32 each give one {@link CheckpointException}
 * naming the file, the key and the fix. Keys the model does not know are logged as warnings.
 * The metadata also records how each lookup feature turns values into rows ({@code fg.<feature>}:
 * input, key type, hash, hash_bucket_size, boundaries, table); a feature whose recipe changed
 * since the save is refused, since its rows would now hold other values' embeddings.
 *
 * <p>When a dense {@link Optimizer} is given, its state goes into the same {@value
 * RecisLayout#DENSE_FILE}: each slot as tensor {@code dense_optimizer.<parameter>.<slot>} (e.g.
 * {@code dense_optimizer.tower.0.weight.exp_avg}, named by the module's state-dict names however
 * the optimizer was built), its class, step count and learning rate in the metadata ({@code
 * dense_optimizer}, {@code dense_optimizer.step}, {@code dense_optimizer.lr}). Not a sibling file:
 * RecIS' export copies every {@code *safetensors} of the folder as sparse state, while the dense
 * file is skipped there and its loader matches parameters by name, so the extra keys are inert.
 * Loading it back is checked like the parameters (missing slot, shape, dtype, another optimizer
 * class: errors; slots of parameters the module lacks: warnings); a checkpoint saved without it
 * loads with a warning and the optimizer starts fresh. With the dense and the sparse optimizer
 * state restored, a resumed run repeats the loss sequence of an uninterrupted one.
 *
 * <p>A save writes every file into {@code .recship-saving/} inside the checkpoint folder and moves
 * them in only when all are written, so a save that dies while writing (a full disk, a killed
 * job) leaves the previous checkpoint whole; the next save clears the leftovers. A save holds an
 * OS lock on the folder ({@value #LOCK_FILE}) from start to end: a second save to the same folder,
 * from another thread or process, fails at once and leaves the first one's files alone, and a load
 * while a save is live fails rather than read half the new files. Exports and RecIS' loaders read
 * only the folder's own files. Files of the folder that are not the checkpoint's stay.
 *
 * <p>Every {@code *.safetensors} file is hashed while it is written and gets a {@code
 * <file>.sha256} sidecar ({@link io.recship.checkpoint.DigestSidecar}): a copy-mode export lists
 * the tables in its manifest with those digests instead of hashing gigabytes again. Loading does
 * not need them.
 */
public final class ModelCheckpoint {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCheckpoint.class);
  static final String FORMAT = "recship-checkpoint-1";
  private static final String SPARSE_OPT_PREFIX = "sparse_optimizer.";
  /** The sparse optimizer's learning rate, restored on load as the dense optimizer's is. */
  private static final String SPARSE_OPT_LR = SPARSE_OPT_PREFIX + "lr";
  /** A table file of RecIS' layout, or its digest sidecar. */
  private static final Pattern TABLE_FILE =
      Pattern.compile("model-\\d+-of-\\d+\\.safetensors(\\.sha256)?");
  /** Metadata prefix of each lookup feature's id recipe. */
  private static final String FG_PREFIX = "fg.";
  /** Prefix of the dense optimizer's tensors and metadata in {@value RecisLayout#DENSE_FILE}. */
  static final String DENSE_OPT = "dense_optimizer";
  private static final String DENSE_OPT_PREFIX = DENSE_OPT + ".";
  /**
   * Where a save writes before swapping its files in. A hidden folder: an export copies only the
   * checkpoint folder's own files, and RecIS' loaders ignore folders.
   */
  static final String STAGING = ".recship-saving";
  /**
   * The lock a save holds on its folder ({@link LockFile}): a second save fails at once instead of
   * deleting the first one's staging folder, and a load refuses while a save is live. Hidden and not
   * {@code *safetensors}/{@code *json}, so exports and RecIS' loaders skip it; it names its holder
   * while held and is empty otherwise, and stays (deleting it would let two saves lock two files).
   */
  static final String LOCK_FILE = RecisLayout.SAVE_LOCK_FILE;

  private ModelCheckpoint() {}

  /** {@link #save(Path, SparseModel, Module, SparseOptimizer, Optimizer, TrainState)} without dense optimizer state. */
  public static void save(Path dir, SparseModel sparse, Module dense, @Nullable SparseOptimizer optimizer, TrainState state) {
    save(dir, sparse, dense, optimizer, null, state);
  }

  /**
   * Writes the tables with {@code optimizer}'s per-row slots and scalar state, the dense
   * parameters, {@code denseOptimizer}'s state (skipped when null) and the data position.
   */
  public static void save(Path dir, SparseModel sparse, Module dense, @Nullable SparseOptimizer optimizer,
      @Nullable Optimizer denseOptimizer, TrainState state) {
    save(dir, sparse, dense, optimizer, denseOptimizer, state, List.of());
  }

  /** As the public save, recording the trainer's heads in output order ({@link TrainedHeads}). */
  static void save(Path dir, SparseModel sparse, Module dense, @Nullable SparseOptimizer optimizer,
      @Nullable Optimizer denseOptimizer, TrainState state, List<TrainedHeads.Head> heads) {
    // snapshot before touching the disk: a misconfigured optimizer must not leave half a checkpoint
    OptimizerState denseOptState = denseOptimizer == null ? null : denseOptimizer.state()
        .withParameterNames(moduleNames(denseOptimizer, dense));
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
      denseEntries.add(new TensorEntry(spec, sink -> TensorSource.ofFloats(p.toFloatArray()).writeTo(sink)));
    }
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("format", FORMAT);
    meta.put("trainer.step", Long.toString(state.step));
    meta.put("trainer.epoch", Integer.toString(state.epoch));
    meta.put("trainer.batch", Long.toString(state.batch));
    meta.putAll(TrainedHeads.metadata(heads));
    for (ResolvedFeature f : sparse.featureGenerator().features()) {
      if (f.isLookup()) {
        meta.put(FG_PREFIX + f.name(), idRecipe(f));
      }
    }
    if (optimizer != null) {
      meta.put("sparse_optimizer", optimizer.getClass().getSimpleName());
      meta.put(SPARSE_OPT_LR, Double.toString(optimizer.learningRate()));
      optimizer.scalarState().forEach((k, v) -> meta.put(SPARSE_OPT_PREFIX + k, Double.toString(v)));
    }
    if (denseOptState != null) {
      meta.put(DENSE_OPT, denseOptState.optimizer());
      meta.put(DENSE_OPT_PREFIX + "step", Long.toString(denseOptState.steps()));
      meta.put(DENSE_OPT_PREFIX + "lr", Double.toString(denseOptState.learningRate()));
      for (OptimizerState.Slot slot : denseOptState.slots()) {
        denseEntries.add(new TensorEntry(new TensorSpec(DENSE_OPT_PREFIX + slot.key(), SafeDType.F32, slot.shape()),
            sink -> TensorSource.ofFloats(slot.values()).writeTo(sink)));
      }
    }
    // Everything is written into a staging folder first, so a save that dies while writing
    // (minutes for large tables) leaves the previous checkpoint whole. Only then are the files
    // swapped in, the dense file removed first and put back last: a save that dies in that short
    // window leaves no dense file, which load() refuses, rather than new tables beside old weights.
    // The folder is locked for the whole save: a staging folder found under the lock is a crashed
    // save's, never another live save's.
    Path staging = dir.resolve(STAGING);
    try (LockFile ignored = lockForSave(dir)) {
      try {
        if (Files.exists(staging, LinkOption.NOFOLLOW_LINKS)) {
          MoreFiles.deleteRecursively(staging, RecursiveDeleteOption.ALLOW_INSECURE);
        }
        Files.createDirectories(staging);
      } catch (IOException e) {
        throw new CheckpointException(staging, null, "cannot remove an earlier interrupted save's files: " + e,
            "check permissions, or delete the folder.", e);
      }
      SparseCheckpointWriter.write(staging, new ArrayList<>(sparse.tables().values()), denseMeta);
      SafetensorsWriter.write(staging.resolve(RecisLayout.DENSE_FILE), denseEntries, meta);
      commit(dir, staging);
    }
  }

  /** Takes the checkpoint folder's save lock, or fails at once naming the save that holds it. */
  private static LockFile lockForSave(Path dir) {
    Path file = dir.resolve(LOCK_FILE);
    try {
      return LockFile.tryAcquire(file, true);
    } catch (LockFile.Held e) {
      String holder = e.holder().isEmpty() ? (e.inThisJvm() ? "another thread of this JVM" : "another process")
          : e.holder();
      throw new CheckpointException(dir, null, "another save is writing to this checkpoint folder (" + holder
              + "; lock file " + file + "); nothing was written, and that save's files are untouched.",
          "wait for that save to finish, or save to another folder; the lock is released when its process ends.");
    } catch (IOException e) {
      throw new CheckpointException(file, null, "cannot create or lock the checkpoint folder's lock file: " + e
          + ".", "check that the folder is writable (and, on a network file system, that it supports file locks).", e);
    }
  }

  /** Swaps the staged files in for the previous checkpoint's; user files in {@code dir} stay. */
  private static void commit(Path dir, Path staging) {
    Path denseFile = dir.resolve(RecisLayout.DENSE_FILE);
    try {
      Files.deleteIfExists(denseFile);
      Files.deleteIfExists(DigestSidecar.sidecarOf(denseFile));
      // table files of an earlier save with another file count would stay beside the new ones,
      // and an export copies every *.safetensors of the folder
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          if (TABLE_FILE.matcher(f.getFileName().toString()).matches()) {
            Files.delete(f);
          }
        }
      }
      List<Path> staged;
      try (Stream<Path> files = Files.list(staging)) {
        staged = files.sorted().toList();
      }
      Path stagedDense = staging.resolve(RecisLayout.DENSE_FILE);
      for (Path f : staged) {
        if (!f.equals(stagedDense)) {
          move(f, dir);
        }
      }
      move(stagedDense, dir);
      Files.delete(staging);
    } catch (IOException e) {
      throw new CheckpointException(dir, null, "cannot move the new checkpoint's files in from " + staging
              + ": " + e + "; the previous checkpoint is no longer whole.",
          "fix the cause and save again; the new files are complete in " + staging + ".", e);
    }
  }

  /** Output i keeps its label: names may change between runs, what each output learns may not. */
  private static void checkHeads(Path denseFile, List<TrainedHeads.Head> saved, List<TrainedHeads.Head> now) {
    if (saved.isEmpty() || now.isEmpty()) {
      return; // saved without a trainer, or loaded without one: nothing to compare
    }
    boolean same = saved.size() == now.size();
    for (int i = 0; same && i < saved.size(); i++) {
      same = saved.get(i).label().equals(now.get(i).label());
    }
    if (!same) {
      throw new CheckpointException(denseFile, "trainer.head.*", "the checkpoint's outputs were trained, in order, as "
              + TrainedHeads.describe(saved) + ", but this trainer's heads are " + TrainedHeads.describe(now)
              + "; resuming would fit an output to another label.",
          "declare the heads as the checkpoint was trained (or, with buildHeads(DenseOutputs), name each head after"
              + " its output), or start a new training.");
    }
  }

  private static void move(Path file, Path dir) throws IOException {
    Files.move(file, dir.resolve(file.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING,
        StandardCopyOption.ATOMIC_MOVE);
  }

  /** {@link #load(Path, SparseModel, Module, SparseOptimizer, Optimizer)} leaving any dense optimizer alone. */
  public static TrainState load(Path dir, SparseModel sparse, Module dense, @Nullable SparseOptimizer optimizer) {
    return load(dir, sparse, dense, optimizer, null);
  }

  /**
   * Restores {@code sparse}, {@code dense}, {@code optimizer} and {@code denseOptimizer} (each
   * optimizer skipped when null) from {@code dir}; returns the saved data position.
   */
  public static TrainState load(Path dir, SparseModel sparse, Module dense, @Nullable SparseOptimizer optimizer,
      @Nullable Optimizer denseOptimizer) {
    return load(dir, sparse, dense, optimizer, denseOptimizer, List.of());
  }

  /**
   * As the public load; when {@code heads} is not empty and the checkpoint recorded its trainer's
   * heads, each output must keep its label column (a resumed run would otherwise fit an output
   * trained for one label to another).
   */
  static TrainState load(Path dir, SparseModel sparse, Module dense, @Nullable SparseOptimizer optimizer,
      @Nullable Optimizer denseOptimizer, List<TrainedHeads.Head> heads) {
    Path denseFile = dir.resolve(RecisLayout.DENSE_FILE);
    if (!Files.isDirectory(dir)) {
      throw new CheckpointException(dir, null, "checkpoint directory not found.", "check the path given to load.");
    }
    String saver = LockFile.liveHolder(dir.resolve(LOCK_FILE));
    if (saver != null) {
      // mid-save, the folder may hold half the new files; after it, it holds the new checkpoint
      throw new CheckpointException(dir, null, "a save is writing to this checkpoint folder right now (" + saver
              + "; lock file " + dir.resolve(LOCK_FILE) + "); nothing was loaded.",
          "wait for that save to finish, then load.");
    }
    if (!Files.isRegularFile(denseFile)) {
      Path staged = dir.resolve(STAGING);
      if (Files.isRegularFile(staged.resolve(RecisLayout.DENSE_FILE))) {
        throw new CheckpointException(denseFile, null, "missing: a save stopped while moving its files in;"
                + " the new checkpoint is complete in " + staged + ".",
            "move every file of " + staged + " into " + dir + " (replacing), or save again.");
      }
      throw new CheckpointException(denseFile, null, "missing: a RecShip checkpoint keeps the dense parameters here.",
          "point at a directory written by Trainer.save / ModelCheckpoint.save, or save again.");
    }
    try (SafetensorsReader denseIn = SafetensorsReader.open(denseFile);
        SparseCheckpointReader sparseIn = SparseCheckpointReader.open(dir)) {
      // 1. check everything, the FG first: a changed fg.json also changes the dense input sizes, and
      // it is the cause to name
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
      for (ResolvedFeature f : sparse.featureGenerator().features()) {
        String saved = denseIn.metadata().get(FG_PREFIX + f.name());
        // checkpoints from before this record carry none: nothing to compare
        if (f.isLookup() && saved != null && !saved.equals(idRecipe(f))) {
          throw new CheckpointException(denseFile, FG_PREFIX + f.name(), "feature '" + f.name()
                  + "' maps values to rows differently than when the checkpoint was saved: saved "
                  + saved + ", the FG now gives " + idRecipe(f) + "; its rows would hold other"
                  + " values' embeddings.",
              "load with the fg.json the checkpoint was trained with, or train a new model for the"
                  + " changed FG.");
        }
      }
      checkHeads(denseFile, TrainedHeads.read(denseIn.metadata()), heads);
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
      DenseOptimizerPlan denseOpt = denseOptimizer == null ? null : checkDenseOptimizer(denseIn, dense, denseOptimizer);
      for (String k : denseIn.keys()) {
        if (!params.containsKey(k) && !k.startsWith(DENSE_OPT_PREFIX)) {
          LOG.warn("{}: ignoring tensor '{}': the dense module has no such parameter", denseFile, k);
        }
      }
      Map<String, Double> optState = new LinkedHashMap<>();
      denseIn.metadata().forEach((k, v) -> {
        if (k.startsWith(SPARSE_OPT_PREFIX) && !k.equals(SPARSE_OPT_LR)) {
          optState.put(k.substring(SPARSE_OPT_PREFIX.length()), Double.parseDouble(v));
        }
      });
      // checkpoints from before the rate was saved carry none: the optimizer keeps its own
      String savedSparseLr = denseIn.metadata().get(SPARSE_OPT_LR);
      double sparseLr = savedSparseLr == null ? Double.NaN : Double.parseDouble(savedSparseLr);
      if (savedSparseLr != null && !(sparseLr > 0)) {
        throw new CheckpointException(denseFile, SPARSE_OPT_LR, "bad sparse learning rate " + savedSparseLr
            + " (need lr > 0).", "re-save the checkpoint.");
      }
      if (optimizer != null && !optState.isEmpty()
          && !optState.keySet().containsAll(optimizer.scalarState().keySet())) {
        // checked here, not when loading it: by then the weights would already be replaced
        throw new CheckpointException(denseFile, null, "the sparse optimizer state was saved by "
                + denseIn.metadata().getOrDefault("sparse_optimizer", "another optimizer") + " " + optState.keySet()
                + ", not by " + optimizer.getClass().getSimpleName() + " " + optimizer.scalarState().keySet()
                + "; nothing was loaded.",
            "resume with the sparse optimizer the checkpoint was saved with ("
                + denseIn.metadata().get("sparse_optimizer") + ").");
      }
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
          if (savedSparseLr != null && optimizer.learningRate() != sparseLr) {
            // as for the dense optimizer: restored like PyTorch's load_state_dict, said aloud
            LOG.warn("{}: {} resumes with the saved learning rate {} instead of its {}; call"
                    + " setLearningRate after load() to change it", denseFile,
                optimizer.getClass().getSimpleName(), sparseLr, optimizer.learningRate());
            optimizer.setLearningRate(sparseLr);
          }
        }
      }
      if (denseOpt != null) {
        denseOpt.load(denseIn);
      }
      return new TrainState(
          Long.parseLong(denseIn.metadata().getOrDefault("trainer.step", "0")),
          Integer.parseInt(denseIn.metadata().getOrDefault("trainer.epoch", "0")),
          Long.parseLong(denseIn.metadata().getOrDefault("trainer.batch", "0")));
    } catch (NumberFormatException e) {
      throw new CheckpointException(denseFile, null, "bad trainer metadata: " + e.getMessage() + ".", "re-save the checkpoint.", e);
    }
  }

  /** How a lookup feature turns a raw value into a table row: what must not change across a resume. */
  private static String idRecipe(ResolvedFeature f) {
    return "input=" + f.ioName() + " key=" + f.genKeyType() + " hash=" + f.hashType()
        + " hash_bucket_size=" + f.hashBucketSize()
        + (f.boundaries().length == 0 ? "" : " boundaries=" + Arrays.toString(f.boundaries()))
        + " table=" + f.sharedName();
  }

  /** The optimizer's parameter names mapped to the module's state-dict names (by identity). */
  private static Map<String, String> moduleNames(Optimizer optimizer, Module dense) {
    Map<Parameter, String> byIdentity = new IdentityHashMap<>();
    dense.namedParameters().forEach((n, p) -> byIdentity.put(p, n));
    Map<String, String> names = new LinkedHashMap<>();
    optimizer.namedParameters().forEach((n, p) -> {
      String moduleName = byIdentity.get(p);
      if (moduleName == null) {
        throw new IllegalArgumentException("the dense optimizer updates parameter '" + n + "' " + Arrays.toString(p.shape())
            + ", which is not in the dense module " + dense.getClass().getSimpleName()
            + "; build the optimizer from the module that is checkpointed (e.g. Adam.of(dense, lr))");
      }
      names.put(n, moduleName);
    });
    return names;
  }

  /**
   * Checks the dense optimizer's saved state against {@code optimizer} without changing anything;
   * returns how to load it, or null (after a warning) when the checkpoint has none.
   */
  private static @Nullable DenseOptimizerPlan checkDenseOptimizer(SafetensorsReader in, Module dense, Optimizer optimizer) {
    Path file = in.file();
    Map<String, String> meta = in.metadata();
    String type = optimizer.getClass().getSimpleName();
    String savedType = meta.get(DENSE_OPT);
    if (savedType == null) {
      LOG.warn("{}: no dense optimizer state saved; {} starts fresh (step 0, zero slots)", file, type);
      return null;
    }
    if (!savedType.equals(type)) {
      throw new CheckpointException(file, null, "the dense optimizer state was saved by " + savedType + " but the dense optimizer is "
          + type + ".", "resume with a " + savedType + " (Trainer.Builder.denseOptimizer), or load without dense optimizer state.");
    }
    long steps;
    double lr;
    try {
      steps = Long.parseLong(meta.getOrDefault(DENSE_OPT_PREFIX + "step", "missing"));
      lr = Double.parseDouble(meta.getOrDefault(DENSE_OPT_PREFIX + "lr", "missing"));
    } catch (NumberFormatException e) {
      throw new CheckpointException(file, null, "bad dense optimizer metadata " + DENSE_OPT_PREFIX + "step / "
          + DENSE_OPT_PREFIX + "lr (" + e.getMessage() + ").", "re-save the checkpoint.", e);
    }
    if (steps < 0 || !(lr > 0)) {
      throw new CheckpointException(file, null, "bad dense optimizer metadata: step " + steps + ", lr " + lr
          + " (need step >= 0, lr > 0).", "re-save the checkpoint.");
    }
    Map<String, String> names = moduleNames(optimizer, dense);
    Set<String> expected = new HashSet<>();
    List<SlotKey> slots = new ArrayList<>();
    for (Map.Entry<String, String> e : names.entrySet()) {
      Parameter p = optimizer.namedParameters().get(e.getKey());
      for (String slot : optimizer.slotNames()) {
        String key = DENSE_OPT_PREFIX + e.getValue() + "." + slot;
        expected.add(key);
        if (!in.contains(key)) {
          throw new CheckpointException(file, key, "the dense optimizer (" + type + ") keeps '" + slot + "' for parameter '"
              + e.getValue() + "' but the checkpoint has no such tensor.",
              "resume with the optimizer settings and module the checkpoint was saved with, or load without dense optimizer state.");
        }
        TensorInfo info = in.info(key, SafeDType.F32);
        if (!Arrays.equals(info.shape(), p.shape())) {
          throw new CheckpointException(file, key, "optimizer slot '" + slot + "' of parameter '" + e.getValue() + "' has shape "
              + Arrays.toString(info.shape()) + " in the checkpoint but the parameter has shape " + Arrays.toString(p.shape()) + ".",
              "build the dense module with the sizes it was trained with.");
        }
        slots.add(new SlotKey(e.getKey(), slot, key));
      }
    }
    for (String k : in.keys()) {
      if (k.startsWith(DENSE_OPT_PREFIX) && !expected.contains(k)) {
        LOG.warn("{}: ignoring dense optimizer tensor '{}': {} keeps {} for {}", file, k, type, optimizer.slotNames(),
            names.values());
      }
    }
    return new DenseOptimizerPlan(optimizer, steps, lr, slots);
  }

  /** Slot {@code slot} of the optimizer's parameter {@code parameter}, stored as tensor {@code key}. */
  private record SlotKey(String parameter, String slot, String key) {}

  /** A dense optimizer state that passed the checks; {@link #load} reads and applies it. */
  private record DenseOptimizerPlan(Optimizer optimizer, long steps, double lr, List<SlotKey> slots) {
    void load(SafetensorsReader in) {
      List<OptimizerState.Slot> values = new ArrayList<>();
      for (SlotKey s : slots) {
        values.add(new OptimizerState.Slot(s.parameter(), s.slot(), in.info(s.key()).shape(), in.readFloats(s.key())));
      }
      if (optimizer.learningRate() != lr) {
        // restored as PyTorch's load_state_dict does; said aloud because a resume with a new rate
        // is a common intent
        LOG.warn("{}: {} resumes with the saved learning rate {} instead of its {}; call"
                + " setLearningRate after load() to change it", in.file(),
            optimizer.getClass().getSimpleName(), lr, optimizer.learningRate());
      }
      try {
        optimizer.loadState(new OptimizerState(optimizer.getClass().getSimpleName(), steps, lr, values));
      } catch (IllegalArgumentException e) {
        throw new CheckpointException(in.file(), null, e.getMessage() + ".", "re-save the checkpoint.", e);
      }
    }
  }
}
