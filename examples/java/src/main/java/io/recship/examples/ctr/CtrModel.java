package io.recship.examples.ctr;

import io.recship.annotations.DenseArch;
import io.recship.annotations.RecModel;
import io.recship.annotations.SparseArch;
import io.recship.fg.FeatureGenerator;
import io.recship.sparse.SparseModel;

/**
 * A CTR/CVR model as a user writes it. At compile time RecShip's processor checks {@code
 * ctr/fg.json} and {@code ctr/mc.json} against the main-search RTP rules and this class's shape,
 * then generates {@code CtrModelExporter}:
 *
 * <pre>{@code
 * CtrModel model = new CtrModel(CtrModel.featureGenerator(), 7);
 * ... train, save a checkpoint ...
 * CtrModelExporter.builder(model).dataset(data).ckptDir(ckpt).exportDir(out).export();
 * }</pre>
 */
@RecModel(fg = "ctr/fg.json", mc = "ctr/mc.json")
public final class CtrModel implements AutoCloseable {
  @SparseArch final SparseModel sparse;
  @DenseArch final CtrDense dense;

  /** Sparse tables and dense parameters drawn from {@code seed}. */
  public CtrModel(FeatureGenerator fg, long seed) {
    this.sparse = SparseModel.fromFg(fg, seed); // one flat map of blocks, as RTP needs
    this.dense = new CtrDense(fg, seed);
  }

  /** The FG and MC that {@code @RecModel} names, read from the classpath as it declares them. */
  public static FeatureGenerator featureGenerator() {
    return CtrModelExporter.CONFIG.featureGenerator();
  }

  public SparseModel sparse() {
    return sparse;
  }

  public CtrDense dense() {
    return dense;
  }

  @Override
  public void close() {
    dense.close();
  }
}
