package io.recship.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * Marks the sparse architecture of a {@link RecModel}: a member whose type is
 * {@code io.recship.sparse.SparseModel} (RecIS' {@code RecISModel.from_fg(fg)}).
 *
 * <p>Put it on a field, on a getter, or on a Kotlin property ({@code @SparseArch val sparse = ...}
 * annotates the private backing field; the processor then reads the property through its
 * {@code getSparse()} getter). The generated exporter reads the member directly, so it must be
 * reachable from the model's package: a non-private field, or a non-private getter. Exactly one per
 * model.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@java.lang.annotation.Target({ElementType.FIELD, ElementType.METHOD})
public @interface SparseArch {

  /**
   * Whether the sparse model was built with RecIS' {@code split_seq = true} (sequence blocks
   * handed to the dense model separately). The export feeds the dense net one flat map of blocks,
   * so {@code true} is an {@code RTP-SEQSPLIT} error for every {@link Target}.
   */
  boolean splitSeq() default false;
}
