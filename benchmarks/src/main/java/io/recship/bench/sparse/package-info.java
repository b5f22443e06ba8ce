/** Sparse arch and checkpoint throughput: lookup + pooling rows/s, checkpoint MB/s against a file copy. */
@NullMarked
package io.recship.bench.sparse;

import org.jspecify.annotations.NullMarked;
