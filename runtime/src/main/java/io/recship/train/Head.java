package io.recship.train;

/**
 * One output of the model trained against one label column: its loss is {@code weight *
 * BCE(output, label)}, summed over the heads (RecIS: one {@code add_label} and one loss term per
 * task, e.g. ctr on {@code click}, cvr on {@code conversion}).
 *
 * @param name how reports name the head ({@code "ctr"}); unique within a trainer
 * @param label the dataset's label column it is fitted to
 * @param weight its factor in the summed loss; finite and {@code >= 0} (0 reports the head without
 *     training it)
 */
public record Head(String name, String label, double weight) {
  public Head {
    if (name.isBlank()) {
      throw new IllegalArgumentException("a head needs a name, got \"" + name + "\"");
    }
    if (label.isBlank()) {
      throw new IllegalArgumentException("head '" + name + "' needs the name of a label column, got \"" + label + "\"");
    }
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("head '" + name + "': loss weight must be finite and >= 0, got " + weight);
    }
  }
}
