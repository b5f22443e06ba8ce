/** The training loop: sparse and dense forward, BCE loss, backward, optimizer steps, AUC. */
@NullMarked
package io.recship.train;

import org.jspecify.annotations.NullMarked;
