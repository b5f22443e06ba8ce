/**
 * Folder locks: an OS file lock on a small file, shared by the exporter, checkpoint saves and the
 * demo, so that two writers of one folder fail fast instead of deleting each other's files.
 */
@NullMarked
package io.recship.lock;

import org.jspecify.annotations.NullMarked;
