/** Datasets of raw samples: JSON Lines and CSV readers, batching, shuffling, synthetic CTR data. */
@NullMarked
package io.recship.data;

import org.jspecify.annotations.NullMarked;
