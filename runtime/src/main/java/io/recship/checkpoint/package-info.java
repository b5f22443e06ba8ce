/** Checkpoints: a streaming safetensors writer and reader, and RecIS' sparse checkpoint layout. */
@NullMarked
package io.recship.checkpoint;

import org.jspecify.annotations.NullMarked;
