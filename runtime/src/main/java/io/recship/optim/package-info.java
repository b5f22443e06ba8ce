/** Optimizers for dense {@link io.recship.nn.Parameter}s: {@code Adam}, {@code AdamW}, {@code Sgd}. */
@NullMarked
package io.recship.optim;

import org.jspecify.annotations.NullMarked;
