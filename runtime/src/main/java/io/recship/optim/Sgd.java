package io.recship.optim;

import ai.djl.ndarray.NDArray;
import io.recship.nn.Module;
import io.recship.nn.Parameter;
import java.util.List;
import java.util.Map;

/** Stochastic gradient descent with optional momentum and L2 weight decay, as {@code torch.optim.SGD}. */
public final class Sgd extends Optimizer {
  private final double momentum;
  private final double weightDecay;

  /** Parameters named by position ({@code "0"}, {@code "1"}, ...) in {@link #state()}. */
  public Sgd(List<Parameter> parameters, double lr, double momentum, double weightDecay) {
    super(parameters, lr);
    this.momentum = checkMomentum(momentum);
    this.weightDecay = weightDecay;
  }

  /** Parameters named by their keys (e.g. {@code module.namedParameters()}) in {@link #state()}. */
  public Sgd(Map<String, Parameter> parameters, double lr, double momentum, double weightDecay) {
    super(parameters, lr);
    this.momentum = checkMomentum(momentum);
    this.weightDecay = weightDecay;
  }

  private static double checkMomentum(double momentum) {
    if (momentum < 0) {
      throw new IllegalArgumentException("momentum must be >= 0, got " + momentum);
    }
    return momentum;
  }

  public static Sgd of(Module module, double lr) {
    return new Sgd(parametersOf(module), lr, 0, 0);
  }

  /** {@code momentum_buffer} (torch's name) with momentum, none without. */
  @Override
  public List<String> slotNames() {
    return momentum == 0 ? List.of() : List.of("momentum_buffer");
  }

  @Override
  void update(NDArray w, NDArray g, NDArray[] slots, long step, Temp temp) {
    if (weightDecay != 0) {
      g = temp.own(w.mul(weightDecay)).addi(g);
    }
    NDArray direction = g;
    if (momentum != 0) {
      NDArray buf = slots[0];
      if (step == 1) {
        buf.addi(g); // torch initialises the buffer with the first gradient
      } else {
        buf.muli(momentum).addi(g);
      }
      direction = buf;
    }
    w.subi(temp.own(direction.mul(learningRate())));
  }
}
