package io.recship.examples.ctr;

import io.recship.annotations.ExportOutput;
import io.recship.fg.BlockSpec;
import io.recship.fg.FeatureGenerator;
import io.recship.nn.Linear;
import io.recship.nn.Mlp;
import io.recship.nn.Module;
import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import java.util.List;
import java.util.Random;

/**
 * The dense net of {@link CtrModel}: target attention of the candidate item over the user's click
 * sequence, a shared MLP and one tower per task.
 *
 * <p>Blocks (from {@code ctr/mc.json}): {@code user} {@code [B, 28]}, {@code item} {@code [B, 25]}
 * (item and category embeddings, then the raw price), {@code click_seq} {@code [B, 20, 24]} (item
 * and category embeddings per step; steps past the end of a sequence are all zeros).
 */
public final class CtrDense extends Module {
  /** The two exported scores, in {@code @ExportOutput} order; each {@code [B, 1]}. */
  public record CtrCvr(Tensor ctr, Tensor cvr) {
    /** ctr, cvr: the order of the export's outputs and of the trainer's heads. */
    public List<Tensor> toList() {
      return List.of(ctr, cvr);
    }
  }

  private static final String USER = "user";
  private static final String ITEM = "item";
  private static final String SEQUENCE = "click_seq";
  private static final String PRICE = "price";
  /** Masked attention scores: far below any real score, yet finite, so an all-padding row stays NaN-free. */
  private static final double MASKED = -1e9;

  private final long itemEmbedding;
  private final double scale;
  private final Linear query;
  private final Mlp shared;
  private final Mlp ctrTower;
  private final Mlp cvrTower;

  /** Sizes from the FG's blocks; parameters drawn from {@code seed}. */
  public CtrDense(FeatureGenerator fg, long seed) {
    BlockSpec item = fg.block(ITEM);
    BlockSpec seq = fg.block(SEQUENCE);
    // the price is read raw and scaled here, so the item block must end with it
    List<String> itemFeatures = item.featureNames();
    if (!itemFeatures.get(itemFeatures.size() - 1).equals(PRICE) || fg.feature(PRICE).width() != 1) {
      throw new IllegalArgumentException(
          "CtrDense expects the item block to end with the one-wide raw feature 'price', but mc.json gives "
              + itemFeatures + "; move price last in the item block");
    }
    this.itemEmbedding = item.dim() - 1L;
    long seqDim = seq.dim();
    long userDim = fg.blockDim(USER);
    this.scale = 1 / Math.sqrt(seqDim);
    Random rng = new Random(seed);
    this.query = register("query", new Linear(itemEmbedding, seqDim, true, rng));
    long in = userDim + itemEmbedding + 1 + 2 * seqDim;
    this.shared = register("shared", Mlp.builder(in, 128, 64).activateLast(true).random(rng).build());
    this.ctrTower = register("ctr_tower", Mlp.builder(64, 32, 1).random(rng).build());
    this.cvrTower = register("cvr_tower", Mlp.builder(64, 32, 1).random(rng).build());
  }

  /** The exported forward: RecIS' {@code dense_model(block_features)}. Traceable: no batch size is baked in. */
  @ExportOutput({"ctr", "cvr"})
  public CtrCvr forward(Blocks in) {
    Tensor user = in.get(USER);
    Tensor item = in.get(ITEM);
    Tensor seq = in.get(SEQUENCE);
    Tensor itemEmb = item.narrow(-1, 0, itemEmbedding);
    // prices span two orders of magnitude: log1p keeps the input near the embeddings' scale
    Tensor logPrice = item.narrow(-1, itemEmbedding, 1).relu().plus(1).log();

    // target attention: the candidate item asks which clicked items are like it
    Tensor q = query.forward(itemEmb).unsqueeze(1);                          // [B, 1, D]
    Tensor scores = q.bmm(seq.transpose(1, 2)).times(scale);               // [B, 1, L]
    Tensor padding = seq.abs().sum(-1, false).eq(0).unsqueeze(1);          // [B, 1, L]: all-zero steps
    Tensor weights = scores.maskedFill(padding, MASKED).softmax(-1);
    Tensor interest = weights.bmm(seq).squeeze(1);                          // [B, D]

    Tensor h = shared.forward(Tensor.cat(-1, user, itemEmb, logPrice, interest, itemEmb.times(interest)));
    return new CtrCvr(ctrTower.forward(h).sigmoid(), cvrTower.forward(h).sigmoid());
  }
}
