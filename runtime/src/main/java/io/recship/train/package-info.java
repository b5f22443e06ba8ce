/**
 * The training loop: sparse and dense forward, BCE per head (their weighted sum is the loss),
 * backward, optimizer steps, loss and AUC per head; checkpoints that resume exactly.
 */
@NullMarked
package io.recship.train;

import org.jspecify.annotations.NullMarked;
