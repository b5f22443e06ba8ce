package io.recship.train;

import io.recship.nn.Mlp;
import io.recship.nn.Module;
import io.recship.tensor.Blocks;
import io.recship.tensor.Tensor;
import java.util.Random;

/** The synthetic CTR model's dense part: user, item and the mean of the click sequence into an MLP. */
final class CtrDense extends Module {
  private final Mlp tower;

  CtrDense(long seed) {
    tower = register("tower", Mlp.builder(16 + 17 + 16, 32, 1).random(new Random(seed)).build());
  }

  Tensor forward(Blocks in) {
    Tensor seq = in.get("click_seq").mean(1, false);
    return tower.forward(Tensor.cat(-1, in.get("user"), in.get("item"), seq)).sigmoid();
  }
}
