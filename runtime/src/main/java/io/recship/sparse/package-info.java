/** The sparse arch built from an FG: id transforms, embedding tables, pooling, blocks, sparse optimizers. */
@NullMarked
package io.recship.sparse;

import org.jspecify.annotations.NullMarked;
