/**
 * Dense modules: {@link io.recship.nn.Module} (named parameters, children, state-dict names,
 * train/eval), the one-tensor {@link io.recship.nn.Layer}s {@code Linear}, {@code Mlp}, {@code
 * LayerNorm}, {@code Dropout}, {@code Sequential}, and PyTorch-default initialisation ({@link
 * io.recship.nn.Init}).
 */
@NullMarked
package io.recship.nn;

import org.jspecify.annotations.NullMarked;
