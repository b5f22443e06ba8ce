package io.recship.optim;

import io.recship.nn.Module;
import io.recship.nn.Parameter;
import java.util.List;
import java.util.Map;

/** Adam with decoupled weight decay ({@code w -= lr * decay * w}), as {@code torch.optim.AdamW}. */
public final class AdamW extends Adam {
  private final double decay;

  /** Parameters named by position ({@code "0"}, {@code "1"}, ...) in {@link #state()}. */
  public AdamW(List<Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay) {
    super(parameters, lr, beta1, beta2, eps, 0);
    this.decay = weightDecay;
  }

  /** Parameters named by their keys (e.g. {@code module.namedParameters()}) in {@link #state()}. */
  public AdamW(Map<String, Parameter> parameters, double lr, double beta1, double beta2, double eps, double weightDecay) {
    super(parameters, lr, beta1, beta2, eps, 0);
    this.decay = weightDecay;
  }

  /** PyTorch's defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
  public static AdamW of(Module module, double lr) {
    return new AdamW(parametersOf(module), lr, 0.9, 0.999, 1e-8, 0.01);
  }

  @Override
  double decoupledDecay() {
    return decay;
  }
}
