package io.recship.export;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Step 2, export sparse: which checkpoint files a rank owns, and copy mode. */
final class SparseExport {
  private static final Logger log = LoggerFactory.getLogger(SparseExport.class);

  private SparseExport() {}

  /**
   * The files RecIS copies: every {@code *safetensors} and {@code *json} of the checkpoint folder
   * (not {@code index}, not the dense state). Sorted by name so every rank sees the same order.
   */
  static List<Path> checkpointFiles(Path ckptDir) {
    if (!Files.isDirectory(ckptDir)) {
      throw new ExportException(
          ExportException.Step.EXPORT_SPARSE,
          "checkpoint folder " + ckptDir + " does not exist; pass the ckptDir the training saved to");
    }
    try (Stream<Path> s = Files.list(ckptDir)) {
      List<Path> files =
          s.filter(Files::isRegularFile)
              .filter(
                  p -> {
                    String n = p.getFileName().toString();
                    return n.endsWith("safetensors") || n.endsWith("json");
                  })
              .sorted()
              .toList();
      if (files.stream().noneMatch(p -> p.getFileName().toString().endsWith("safetensors"))) {
        throw new ExportException(
            ExportException.Step.EXPORT_SPARSE,
            "checkpoint folder "
                + ckptDir
                + " has no *.safetensors file (expected model-000000-of-00000N.safetensors);"
                + " save the sparse tables there before exporting");
      }
      return files;
    } catch (IOException e) {
      throw new ExportException(
          ExportException.Step.EXPORT_SPARSE, "cannot list checkpoint folder " + ckptDir + " (" + e + ")",
          e);
    }
  }

  /** RecIS' round-robin split: file {@code i} belongs to rank {@code i % count}. */
  static List<Path> ownedBy(List<Path> files, int rank, int count) {
    List<Path> mine = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      if (i % count == rank) {
        mine.add(files.get(i));
      }
    }
    return mine;
  }

  /** Copy mode: the owned files, byte for byte, flat into {@code target}. */
  static long copy(List<Path> files, Path target) {
    long bytes = 0;
    for (Path f : files) {
      Path out = target.resolve(f.getFileName().toString());
      try {
        Transfers.copy(f, out);
        bytes += Files.size(out);
      } catch (IOException e) {
        throw new ExportException(
            ExportException.Step.EXPORT_SPARSE,
            "cannot copy checkpoint file " + f + " (" + e + "); check that it is readable and that"
                + " the export folder's disk has space",
            e);
      }
      log.debug("copied {}", f.getFileName());
    }
    return bytes;
  }
}
