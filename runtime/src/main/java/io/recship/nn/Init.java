package io.recship.nn;

import io.recship.tensor.Tensor;
import java.util.Random;

/**
 * Parameter initialisation matching PyTorch's defaults, drawn from a seedable Java RNG (the
 * numbers differ from torch's generator; the distributions are the same).
 */
public final class Init {
  private Init() {}

  private static Random shared = new Random();

  /** Reseeds the RNG layers use when no {@link Random} is passed, like {@code torch.manual_seed}. */
  public static synchronized void manualSeed(long seed) {
    shared = new Random(seed);
  }

  /** The shared RNG layer constructors draw from by default. */
  public static synchronized Random random() {
    return shared;
  }

  /** Uniform values in [low, high) with the given shape (float32, owned by the current scope). */
  public static Tensor uniform(Random rng, double low, double high, long... shape) {
    long n = 1;
    for (long s : shape) {
      n *= s;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("parameter too large: " + n + " values");
    }
    float[] v = new float[(int) n];
    synchronized (rng) {
      for (int i = 0; i < v.length; i++) {
        v[i] = (float) (low + (high - low) * rng.nextDouble());
      }
    }
    return Tensor.of(v, shape);
  }

  /**
   * PyTorch's {@code kaiming_uniform_(w, a=sqrt(5))}, the default for {@code nn.Linear} weights:
   * gain sqrt(2 / (1 + a^2)) = sqrt(1/3), bound gain * sqrt(3 / fanIn) = 1 / sqrt(fanIn).
   */
  public static Tensor kaimingUniform(Random rng, long fanIn, long... shape) {
    double bound = 1.0 / Math.sqrt(fanIn);
    return uniform(rng, -bound, bound, shape);
  }

  /** PyTorch's {@code nn.Linear} bias default: uniform(-1/sqrt(fanIn), 1/sqrt(fanIn)). */
  public static Tensor linearBias(Random rng, long fanIn, long out) {
    double bound = fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0;
    return uniform(rng, -bound, bound, out);
  }
}
