package io.recship.export;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A dense model's forward with its outputs named, in the order it returns them: what a generated
 * exporter's {@code outputs(model)} gives, from the {@code @ExportOutput} names and the
 * {@code @ExportOutput} method. Training with it ({@code Trainer.Builder.buildHeads(DenseOutputs)})
 * matches each head to the output of its name, so the scores exported under a name are the ones
 * trained under it.
 *
 * @param names the outputs' names, unique, in {@code forward}'s order
 * @param forward calls the {@code @ExportOutput} method; one tensor per name
 */
public record DenseOutputs(List<String> names, DenseForward forward) {
  public DenseOutputs {
    names = List.copyOf(names);
    Objects.requireNonNull(forward, "forward");
    if (names.isEmpty()) {
      throw new IllegalArgumentException("a dense forward needs at least one named output");
    }
    Set<String> seen = new HashSet<>();
    for (String name : names) {
      if (!seen.add(name)) {
        throw new IllegalArgumentException("output name '" + name + "' appears twice in " + names);
      }
    }
  }
}
