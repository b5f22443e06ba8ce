package io.recship.train;

import io.recship.nn.Mlp;
import io.recship.nn.Module;
import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import java.util.List;
import java.util.Random;

/** A two-task dense net for the synthetic CTR blocks: a shared layer, then a ctr and a cvr tower. */
final class TwoTowerDense extends Module {
  private final Mlp shared;
  private final Mlp ctrTower;
  private final Mlp cvrTower;

  TwoTowerDense(long seed) {
    Random rng = new Random(seed);
    shared = register("shared", Mlp.builder(16 + 17 + 16, 32).activateLast(true).random(rng).build());
    ctrTower = register("ctr_tower", Mlp.builder(32, 16, 1).random(rng).build());
    cvrTower = register("cvr_tower", Mlp.builder(32, 16, 1).random(rng).build());
  }

  /** ctr, cvr. */
  List<Tensor> forward(Blocks in) {
    Tensor h = hidden(in);
    return List.of(ctrTower.forward(h).sigmoid(), cvrTower.forward(h).sigmoid());
  }

  /** The ctr head alone (the cvr tower takes no part). */
  Tensor ctr(Blocks in) {
    return ctrTower.forward(hidden(in)).sigmoid();
  }

  private Tensor hidden(Blocks in) {
    Tensor seq = in.get("click_seq").mean(1, false);
    return shared.forward(Tensor.cat(-1, in.get("user"), in.get("item"), seq));
  }
}
