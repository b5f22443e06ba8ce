package io.recship.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * Marks the forward method of a {@link DenseArch} type that is exported, and names its outputs
 * (RecIS' {@code export_outputs}, written to {@code output_info.json}).
 *
 * <p>The method is non-private and takes one {@code io.recship.tensor.Blocks} (or a
 * {@code Map<String, Tensor>}) of MC blocks ({@code DENSE-IN}). It returns either one
 * {@code Tensor}, or a record whose components are all {@code Tensor}s, in output order
 * ({@code DENSE-OUT}):
 *
 * <pre>{@code
 * record CtrCvr(Tensor ctr, Tensor cvr) {}
 *
 * @ExportOutput({"ctr", "cvr"})
 * public CtrCvr forward(Blocks in) { ... }
 * }</pre>
 *
 * <p>There is one name per returned tensor ({@code OUT-NAMES}); names are unique, non-empty Java
 * identifiers.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@java.lang.annotation.Target(ElementType.METHOD)
public @interface ExportOutput {

  /** The output names, one per returned tensor, in order. */
  String[] value();
}
