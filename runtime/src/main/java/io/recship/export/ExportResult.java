package io.recship.export;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * What an export wrote.
 *
 * @param exportDir the published folder (for a shard rank whose peers are still running: where
 *     it will appear)
 * @param published false only for a shard rank that finished before its peers; the last rank to
 *     finish publishes the whole folder
 * @param files every file this call wrote or published, relative to {@code exportDir}, with size
 *     and SHA-256 (the manifest's list)
 * @param timings wall time per step, in step order ({@code prepare}, {@code export sparse},
 *     {@code export dense}, {@code export meta}, {@code publish})
 * @param maxAbsDiff per output name: the largest absolute difference between the reloaded
 *     TorchScript graph and the eager forward over the validation batches (empty on ranks other
 *     than 0, which do not export the dense graph)
 * @param reusedDigests the paths of {@code files} (this rank's) whose SHA-256 was taken from the
 *     checkpoint's digest sidecars, recorded when the checkpoint was written, instead of being
 *     computed during this export; sorted. Empty for a filtered export (its files are new) and
 *     for checkpoints without sidecars (RecIS writes none)
 */
public record ExportResult(
    Path exportDir,
    boolean published,
    List<ExportedFile> files,
    Map<String, Duration> timings,
    Map<String, Double> maxAbsDiff,
    List<String> reusedDigests) {

  public ExportResult {
    files = List.copyOf(files);
    reusedDigests = List.copyOf(reusedDigests);
    timings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(timings));
    maxAbsDiff = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(maxAbsDiff));
  }

  /** Total bytes of {@link #files()}. */
  public long totalBytes() {
    return files.stream().mapToLong(ExportedFile::size).sum();
  }

  /** A log line's worth: the folder, file count and size, parity; {@link #files()} lists the files. */
  @Override
  public String toString() {
    return "ExportResult[" + exportDir + (published ? "" : " (not yet published)") + ", " + files.size() + " files, "
        + totalBytes() + " bytes, max abs diff " + maxAbsDiff + ", timings " + timings + "]";
  }
}
