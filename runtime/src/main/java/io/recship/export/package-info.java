/**
 * The export pipeline: turns a trained model and its checkpoint into the RecIS/RTP delivery
 * folder (sparse tables, a TorchScript dense graph and its JSON descriptions, {@code fg.json}),
 * built in a staging folder and published by an atomic rename.
 *
 * <p>Entry point: {@link io.recship.export.Exporter#export(ExportPlan)}.
 */
@org.jspecify.annotations.NullMarked
package io.recship.export;
