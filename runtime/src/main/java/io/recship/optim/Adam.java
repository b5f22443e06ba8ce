package io.recship.optim;

import ai.djl.ndarray.NDArray;
import io.recship.nn.Module;
import io.recship.nn.Parameter;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba) with bias correction, as {@code torch.optim.Adam}; {@code weightDecay}
 * adds an L2 term to the gradient (use {@link AdamW} for decoupled decay).
 */
public class Adam extends Optimizer {
  private static final List<String> SLOTS = List.of("exp_avg", "exp_avg_sq");
  private final double beta1;
  private final double beta2;
  private final double eps;
  private final double weightDecay;

  /** Parameters named by position ({@code "0"}, {@code "1"}, ...) in {@link #state()}. */
  public Adam(List<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay) {
    super(parameters, lr);
    checkBetas(beta1, beta2);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
  }

  /** Parameters named by their keys (e.g. {@code module.namedParameters()}) in {@link #state()}. */
  public Adam(Map<String, Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay) {
    super(parameters, lr);
    checkBetas(beta1, beta2);
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.eps = eps;
    this.weightDecay = weightDecay;
  }

  private static void checkBetas(double beta1, double beta2) {
    if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) {
      throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
    }
  }

  /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, no weight decay. */
  public static Adam of(Module module, double lr) {
    return new Adam(parametersOf(module), lr, 0.9, 0.999, 1e-8, 0);
  }

  /** torch's names for the first and second moment. */
  @Override
  public final List<String> slotNames() {
    return SLOTS;
  }

  double decoupledDecay() {
    return 0;
  }

  @Override
  void update(NDArray w, NDArray g, NDArray[] slots, long step, Temp temp) {
    double lr = learningRate();
    if (weightDecay != 0) {
      g = temp.own(w.mul(weightDecay)).addi(g);
    }
    double decay = decoupledDecay();
    if (decay != 0) {
      w.subi(temp.own(w.mul(lr * decay)));
    }
    NDArray m = slots[0];
    NDArray v = slots[1];
    m.muli(beta1).addi(g.mul(1 - beta1));
    v.muli(beta2).addi(g.square().muli(1 - beta2));
    double bc1 = 1 - Math.pow(beta1, step);
    double bc2 = 1 - Math.pow(beta2, step);
    NDArray denom = temp.own(v.div(bc2)).sqrt().addi(eps);
    NDArray update = temp.own(m.mul(lr / bc1)).divi(denom);
    w.subi(update);
  }

  double weightDecay() {
    return weightDecay;
  }
}
