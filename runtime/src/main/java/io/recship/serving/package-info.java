/**
 * Scoring an export folder in Java: {@link io.recship.serving.ExportedModel} verifies the
 * manifest, applies the FG to raw samples, looks up the exported tables and runs the TorchScript
 * dense graph.
 */
@org.jspecify.annotations.NullMarked
package io.recship.serving;
