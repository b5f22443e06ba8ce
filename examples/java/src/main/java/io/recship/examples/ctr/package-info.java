/**
 * The Java CTR example: a model as a user writes it ({@link io.recship.examples.ctr.CtrModel},
 * {@link io.recship.examples.ctr.CtrDense}), synthetic click and conversion data ({@link
 * io.recship.examples.ctr.CtrData}) and the whole path from training to scoring the export
 * ({@link io.recship.examples.ctr.CtrPipeline}), which {@code recship demo} runs.
 */
@NullMarked
package io.recship.examples.ctr;

import org.jspecify.annotations.NullMarked;
