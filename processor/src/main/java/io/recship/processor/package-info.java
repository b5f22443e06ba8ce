/**
 * RecShip's annotation processor: compile-time FG and model checks for {@code @RecModel} types, and
 * the generated {@code <Model>Exporter}.
 *
 * <p>Flow, per model: {@link ModelValidator} checks everything and reports every problem at its
 * element and annotation value (FG/MC rules through {@link ConfigChecker}, which finds the resources
 * with {@link ConfigResources}); only a model without errors becomes a {@link ModelDescriptor}, which
 * {@link ExporterWriter} turns into source. Rule ids in messages follow the RecIS reference (§7):
 * {@code RTP-*}, {@code FG-*}, {@code MC-*} from the {@code fg} rule checker, and {@code EXP-ARGS},
 * {@code RTP-SEQSPLIT}, {@code DENSE-IN}, {@code DENSE-OUT}, {@code OUT-NAMES} for the model itself.
 */
@NullMarked
package io.recship.processor;

import org.jspecify.annotations.NullMarked;
