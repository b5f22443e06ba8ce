/**
 * Annotations a user puts on a recommendation model so that RecShip's annotation processor
 * ({@code recship-processor}) can check it at compile time and generate its typed exporter.
 *
 * <pre>{@code
 * @RecModel(fg = "ctr/fg.json", mc = "ctr/mc.json")
 * public class CtrModel {
 *     @SparseArch final SparseModel sparse;
 *     @DenseArch final CtrDense dense;
 *     ...
 * }
 * }</pre>
 *
 * <p>All annotations have {@link java.lang.annotation.RetentionPolicy#CLASS CLASS} retention: they
 * are kept in class files so that the processor still sees them on types compiled earlier (a dense
 * network in a library jar, a model in another module), but they are invisible to reflection, which
 * RecShip never uses at export time. This module has no dependencies, so it can sit on any compile
 * classpath, including a Kotlin one through kapt.
 */
package io.recship.annotations;
