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
    this(seed, 17);
  }

  /** With a user block {@code userWidth} wide, as a dense net sized from a changed FG would be. */
  CtrDense(long seed, int userWidth) {
    tower = register("tower", Mlp.builder(16 + userWidth + 16, 32, 1).random(new Random(seed)).build());
  }

  Tensor forward(Blocks in) {
    Tensor seq = in.get("click_seq").mean(1, false);
    return tower.forward(Tensor.cat(-1, in.get("user"), in.get("item"), seq)).sigmoid();
  }
}
