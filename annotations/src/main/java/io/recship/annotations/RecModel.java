package io.recship.annotations;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;

/**
 * Marks a recommendation model: a class with exactly one {@link SparseArch} member (the embedding
 * side built from the FG config) and exactly one {@link DenseArch} member (the dense network).
 *
 * <p>At compile time the processor reads the {@link #fg()} and {@link #mc()} resources and runs the
 * FG rule checker for the {@link #target()}: rule errors (for example {@code RTP-HB0},
 * {@code RTP-MH}, {@code FG-REQ}, {@code MC-REF}) fail the build at this annotation, advisory rules
 * are warnings. It then checks the model's members ({@link SparseArch}, {@link DenseArch},
 * {@link ExportOutput}) and generates {@code <Model>Exporter} in the same package, whose
 * {@code builder(model)...export()} delivers the model without reflection.
 *
 * <p>The resources are looked up, in order, in the class output, the source path, the directories
 * of the {@code -Arecship.resources=DIR} processor option, and finally {@code src/main/resources}
 * of the module being compiled (kapt runs before Maven copies resources).
 *
 * <p>Put it on a top-level or nested class (or record), not on a local or anonymous class: javac
 * does not show those to annotation processors, so no exporter would be generated and nothing
 * would be checked, without a word. Nor on a Kotlin {@code object}: the exporter reads the archs
 * of the model instance passed to it.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@java.lang.annotation.Target(ElementType.TYPE)
public @interface RecModel {

  /** Classpath resource name of the RecIS {@code fg.json}, for example {@code "ctr/fg.json"}. */
  String fg();

  /** Classpath resource name of the model-config {@code mc.json} (block name to features). */
  String mc();

  /** Where the model is delivered; selects the rule sets. Defaults to main-search RTP. */
  Target target() default Target.RTP_MAIN_SEARCH;

  /**
   * RecIS' {@code lower_case}: lower-case the whole fg and mc text before parsing (names that
   * collide after lower-casing are an {@code FG-NAMES} error).
   */
  boolean lowerCase() default false;
}
