package io.recship.nn;

import io.recship.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Layers applied in order, registered as children {@code "0"}, {@code "1"}, ... */
public final class Sequential extends Layer {
  private final List<Layer> layers;

  private Sequential(List<Layer> layers) {
    List<Layer> registered = new ArrayList<>(layers.size());
    for (int i = 0; i < layers.size(); i++) {
      registered.add(register(Integer.toString(i), layers.get(i)));
    }
    this.layers = List.copyOf(registered);
  }

  public static Sequential of(Layer... layers) {
    return new Sequential(List.of(layers));
  }

  public static Sequential of(List<? extends Layer> layers) {
    return new Sequential(List.copyOf(layers));
  }

  @Override
  public Tensor forward(Tensor x) {
    Tensor h = x;
    for (Layer l : layers) {
      h = l.forward(h);
    }
    return h;
  }

  public List<Layer> layers() {
    return layers;
  }
}
