package io.recship.torchscript;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.jspecify.annotations.Nullable;

/**
 * A TorchScript archive loaded into libtorch through DJL's PyTorch engine (CPU), ready to run
 * {@code forward}.
 *
 * <p><b>Threads.</b> One {@code ScriptModel} may be shared by any number of threads calling
 * {@link #forward} at once, without synchronisation around libtorch: each call only creates its
 * own native values (argument and result {@code IValue}s) and closes them before returning; it
 * never touches shared mutable Java state. libtorch itself runs a loaded {@code
 * torch::jit::Module}'s {@code forward} concurrently (its graph executor guards its plan cache
 * with a mutex; grad mode is thread-local), provided nobody mutates the module meanwhile. This
 * class never does: the archive's {@code training} flag is already {@code False}, so unlike DJL's
 * {@code PtSymbolBlock.forward(ParameterStore, NDList, boolean)} it does not flip the module to
 * eval mode on first use, and it calls libtorch with autograd off. The concurrency test runs one
 * model from 4 threads and compares every output with the single-threaded result. {@link
 * #close()} waits for running forwards (a read-write lock) and later calls fail with an {@link
 * IllegalStateException} instead of touching freed native memory.
 *
 * <p>Input array names are ignored. (DJL's {@code NDList} forward routes inputs by name: a name
 * containing {@code '.'} or starting with {@code module_method:} would silently change the call.)
 *
 * <p><b>Memory.</b> Everything a forward allocates natively is freed when it returns, except the
 * outputs, which belong to the caller's manager. A test runs 5,000 forwards and checks that the
 * process RSS stays flat; leaking one argument or the result per call grows it by > 200 MB. Note
 * that DJL's {@code NDManager.create(float[])} backs an array with a direct {@code ByteBuffer}
 * that is only freed after a GC, so RSS-based leak tests should not create inputs from Java
 * arrays in the measured loop.
 */
public final class ScriptModel implements AutoCloseable {
  private final Path archive;
  private final NDManager manager;
  private final PtSymbolBlock block;
  private final List<String> parameterNames;
  private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
  private boolean closed;

  private ScriptModel(Path archive, NDManager manager, PtSymbolBlock block, List<String> names) {
    this.archive = archive;
    this.manager = manager;
    this.block = block;
    this.parameterNames = names;
  }

  /**
   * Loads and compiles an archive.
   *
   * @throws TorchScriptException if libtorch rejects it (compile error, bad pickle, missing
   *     record), with the code line and source text when libtorch names a line
   * @throws IllegalArgumentException if the file does not exist
   */
  public static ScriptModel load(Path archive) {
    if (!Files.isRegularFile(archive)) {
      throw new IllegalArgumentException(
          "TorchScript archive " + archive + " does not exist or is not a file; write it first");
    }
    NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch");
    try {
      PtSymbolBlock block =
          JniUtils.loadModule(
              (PtNDManager) manager, archive, true, new String[0], new String[0], false);
      List<String> names = new ArrayList<>();
      try (NDManager scratch = manager.newSubManager()) {
        for (NDArray p : JniUtils.moduleGetParams(block, (PtNDManager) scratch)) {
          names.add(p.getName());
        }
      }
      return new ScriptModel(archive, manager, block, List.copyOf(names));
    } catch (EngineException e) {
      manager.close();
      throw LibtorchErrors.translate("load", archive, e);
    } catch (RuntimeException | Error e) {
      manager.close();
      throw e;
    }
  }

  /** The archive this model was loaded from. */
  public Path archive() {
    return archive;
  }

  /** Names of the module's parameters ({@code __parameters__}), in declaration order. */
  public List<String> parameterNames() {
    return parameterNames;
  }

  /**
   * Runs {@code forward(inputs...)} without autograd. Inputs may come from any manager or
   * engine; outputs are attached to {@code resultManager} and come in declared order (one
   * element for a {@code Tensor} result, n for a {@code Tuple} of n).
   *
   * @throws TorchScriptException if libtorch fails running the graph (wrong argument count or
   *     shapes, ...), naming the code line when libtorch does
   */
  public NDList forward(NDManager resultManager, List<NDArray> inputs) {
    lifecycle.readLock().lock();
    try {
      if (closed) {
        throw new IllegalStateException("ScriptModel for " + archive + " is closed");
      }
      return forwardOpen(resultManager, inputs);
    } finally {
      lifecycle.readLock().unlock();
    }
  }

  /** {@link #forward(NDManager, List)} with varargs inputs. */
  public NDList forward(NDManager resultManager, NDArray... inputs) {
    return forward(resultManager, List.of(inputs));
  }

  private NDList forwardOpen(NDManager resultManager, List<NDArray> inputs) {
    // Holds copies of foreign-engine inputs and, for a non-PyTorch result manager, the raw
    // outputs; closed before returning so nothing but the outputs outlives the call.
    @Nullable NDManager scratch = null;
    @Nullable IValue[] args = new IValue[inputs.size()];
    try {
      for (int i = 0; i < args.length; i++) {
        NDArray in = inputs.get(i);
        PtNDArray pt;
        if (in instanceof PtNDArray p) {
          pt = p;
        } else {
          if (scratch == null) {
            scratch = manager.newSubManager();
          }
          pt = (PtNDArray) scratch.from(in);
        }
        args[i] = IValue.from(pt);
      }
      PtNDManager target;
      if (resultManager instanceof PtNDManager p) {
        target = p;
      } else {
        if (scratch == null) {
          scratch = manager.newSubManager();
        }
        target = (PtNDManager) scratch;
      }
      NDList outputs;
      try (IValue result = block.forward(args)) {
        outputs = result.toNDList(target);
      }
      if (target != resultManager) {
        NDList copied = new NDList(outputs.size());
        for (NDArray o : outputs) {
          copied.add(resultManager.from(o));
        }
        outputs = copied;
      }
      return outputs;
    } catch (EngineException e) {
      throw LibtorchErrors.translate("forward", archive, e);
    } finally {
      for (IValue a : args) {
        if (a != null) {
          a.close();
        }
      }
      if (scratch != null) {
        scratch.close();
      }
    }
  }

  /** Frees the native module; waits for forwards in progress. Idempotent. */
  @Override
  public void close() {
    lifecycle.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        manager.close();
      }
    } finally {
      lifecycle.writeLock().unlock();
    }
  }

  @Override
  public String toString() {
    return "ScriptModel[" + archive + "]";
  }
}
