package io.recship.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recship.checkpoint.DigestSidecar;
import io.recship.checkpoint.RecisLayout;
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
  private static final ObjectMapper JSON = new ObjectMapper();

  private SparseExport() {}

  /**
   * The files RecIS copies: every {@code *safetensors} and {@code *json} of the checkpoint folder
   * (not {@code index}, not the dense state {@value RecisLayout#DENSE_FILE}). Sorted by name so every rank sees the same order.
   */
  static List<Path> checkpointFiles(Path ckptDir) {
    if (!Files.isDirectory(ckptDir)) {
      throw new ExportException(
          ExportException.Step.EXPORT_SPARSE,
          "checkpoint folder " + ckptDir + (Files.exists(ckptDir) ? " is a file, not a folder"
              : " does not exist") + "; pass the ckptDir the training saved to");
    }
    try (Stream<Path> s = Files.list(ckptDir)) {
      List<Path> files =
          s.filter(Files::isRegularFile)
              .filter(
                  p -> {
                    String n = p.getFileName().toString();
                    // the dense state is the checkpoint's model.pt: it travels in the graph
                    return (n.endsWith("safetensors") || n.endsWith("json"))
                        && !n.equals(RecisLayout.DENSE_FILE);
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

  /** The RecIS table manifests a filtered export rewrites (rank 0 writes them). */
  static final List<String> TABLE_MANIFESTS =
      List.of("index", "tensorkey.json", "torch_rank_weights_embs_table_multi_shard.json");

  /**
   * Filter mode: each owned safetensors file rewritten with only {@code id} and {@code
   * embedding}; returns bytes written. JSON files are not copied here (see {@link
   * #writeFilteredManifests}).
   */
  static long filter(List<Path> files, Path target, FileHashes hashes) {
    long bytes = 0;
    for (Path f : files) {
      if (!f.getFileName().toString().endsWith("safetensors")) {
        continue;
      }
      try (StagedFile out = hashes.create(target.resolve(f.getFileName().toString()))) {
        bytes += TableFilter.filter(f, out);
      } catch (IOException e) {
        throw new ExportException(
            ExportException.Step.EXPORT_SPARSE,
            "cannot write the filtered copy of " + f + " (" + e + "); check disk space",
            e);
      } catch (io.recship.checkpoint.CheckpointException e) {
        throw corrupt(f, e);
      }
    }
    return bytes;
  }

  /**
   * Rewrites {@code index}, {@code tensorkey.json} and the RTP table manifest without the entries
   * of dropped slots, as RecIS' Saver writes them for a filtered export. The checkpoint has all
   * three ({@link CheckpointCheck} refuses one without them); none is invented.
   */
  static void writeFilteredManifests(Path ckptDir, Path target) {
    for (String name : TABLE_MANIFESTS) {
      Path src = ckptDir.resolve(name);
      if (!Files.isRegularFile(src)) {
        continue;
      }
      JsonNode root = readManifest(src, ExportException.Step.EXPORT_SPARSE);
      JsonNode filtered =
          switch (name) {
            case "index" -> filterIndex(root);
            case "tensorkey.json" -> filterKeys(root);
            default -> filterTableManifest(root);
          };
      Path to = target.resolve(name);
      try {
        JSON.writeValue(to.toFile(), filtered);
      } catch (IOException e) {
        throw new ExportException(
            ExportException.Step.EXPORT_SPARSE,
            "cannot write " + to + " (" + e + "); check the export folder's disk space", e);
      }
    }
  }

  /** One of {@link #TABLE_MANIFESTS}, parsed; not JSON is a damaged checkpoint. */
  static JsonNode readManifest(Path src, ExportException.Step step) {
    try {
      JsonNode root = JSON.readTree(src.toFile());
      if (root == null || root.isMissingNode()) {
        throw new ExportException(
            step, "checkpoint file " + src + " is empty; save the checkpoint again");
      }
      return root;
    } catch (IOException e) {
      throw new ExportException(
          step,
          "checkpoint file " + src + " is not valid JSON (" + e.getMessage() + "); save the"
              + " checkpoint again",
          e);
    }
  }

  private static JsonNode filterIndex(JsonNode root) {
    if (root instanceof ObjectNode o && o.get("block_index") instanceof ObjectNode blocks) {
      ObjectNode copy = o.deepCopy();
      copy.set("block_index", filterKeys(blocks));
      return copy;
    }
    return root;
  }

  private static JsonNode filterKeys(JsonNode root) {
    if (!(root instanceof ObjectNode o)) {
      return root;
    }
    ObjectNode out = JSON.createObjectNode();
    o.fields()
        .forEachRemaining(
            e -> {
              if (TableFilter.kept(e.getKey())) {
                out.set(e.getKey(), e.getValue());
              }
            });
    return out;
  }

  /** Keeps hashmap (table) entries; dense entries belong to {@code tensors}, which RecIS drops. */
  private static JsonNode filterTableManifest(JsonNode root) {
    if (root instanceof ArrayNode a) {
      ArrayNode out = JSON.createArrayNode();
      a.forEach(
          n -> {
            if (n.path("is_hashmap").asBoolean(false)) {
              out.add(n);
            }
          });
      return out;
    }
    if (root instanceof ObjectNode o) {
      ObjectNode out = JSON.createObjectNode();
      o.fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().path("is_hashmap").asBoolean(false)) {
                  out.set(e.getKey(), e.getValue());
                }
              });
      return out;
    }
    return root;
  }

  /**
   * Reads every owned safetensors header (offsets checked against file sizes), so a truncated or
   * corrupt checkpoint fails before anything is written, naming the file.
   */
  static void validate(List<Path> files) {
    for (Path f : files) {
      if (f.getFileName().toString().endsWith("safetensors")) {
        try {
          io.recship.checkpoint.SafetensorsReader.headerOf(f);
        } catch (io.recship.checkpoint.CheckpointException e) {
          throw corrupt(f, e);
        }
      }
    }
  }

  /** The checkpoint reader's message names the file, the tensor and the fix already: keep it whole. */
  private static ExportException corrupt(Path f, io.recship.checkpoint.CheckpointException e) {
    String detail = e.file() != null ? e.getMessage() : f + ": " + e.getMessage();
    return new ExportException(
        ExportException.Step.PREPARE, "checkpoint file is unreadable: " + detail, e);
  }

  /**
   * Copy mode: the owned files, byte for byte, flat into {@code target}. A file with a current
   * digest sidecar (written by the checkpoint writer, size and modification time unchanged since)
   * keeps that digest and is only copied; any other (RecIS checkpoints have no sidecars, JSON
   * files, a file modified after the save) is hashed by {@code hashes} while it is copied.
   */
  static long copy(List<Path> files, Path target, FileHashes hashes) {
    long bytes = 0;
    for (Path f : files) {
      Path to = target.resolve(f.getFileName().toString());
      DigestSidecar.Recorded recorded = DigestSidecar.readIfCurrent(f);
      try (StagedFile out = recorded != null ? hashes.createUnhashed(to) : hashes.create(to)) {
        Transfers.copy(f, out);
        out.finish();
        if (recorded != null) {
          hashes.adopt(out, f, recorded);
        }
        bytes += out.size();
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
