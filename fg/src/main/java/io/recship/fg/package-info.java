/**
 * RecIS feature-generator configuration: the {@code fg.json} / {@code mc.json} model, parser,
 * writer, builder DSL, the resolved {@link io.recship.fg.FeatureGenerator} view and the
 * {@link io.recship.fg.RuleChecker}.
 *
 * <p>Formats follow RecIS (R-new where versions differ): see {@code recis-reference.md} §1–2.
 */
@org.jspecify.annotations.NullMarked
package io.recship.fg;
