package io.recship.checkpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The heads a checkpoint's dense net was trained with, in the order of its outputs, as the dense
 * file's metadata records them ({@code trainer.head.<i>} = name, {@code trainer.head.<i>.label} =
 * label column). A resumed training checks that each output keeps its label, and an export that
 * each output it names was trained under that name: a forward returning its outputs in another
 * order than the heads were declared would otherwise deliver one head's scores under another's
 * name.
 */
public final class TrainedHeads {
  private static final String PREFIX = "trainer.head.";

  /** One head: the output at its position was fitted to {@code label} and reported as {@code name}. */
  public record Head(String name, String label) {}

  private TrainedHeads() {}

  /** Metadata entries for {@code heads}, in output order. */
  public static Map<String, String> metadata(List<Head> heads) {
    Map<String, String> meta = new LinkedHashMap<>();
    for (int i = 0; i < heads.size(); i++) {
      meta.put(PREFIX + i, heads.get(i).name());
      meta.put(PREFIX + i + ".label", heads.get(i).label());
    }
    return meta;
  }

  /** The heads recorded in {@code metadata}; empty for checkpoints saved without a trainer. */
  public static List<Head> read(Map<String, String> metadata) {
    List<Head> heads = new ArrayList<>();
    for (int i = 0; metadata.containsKey(PREFIX + i); i++) {
      heads.add(new Head(metadata.get(PREFIX + i), metadata.getOrDefault(PREFIX + i + ".label", "?")));
    }
    return heads;
  }

  /** {@code [ctr <- click, cvr <- conversion]}: names and labels, for messages. */
  public static String describe(List<Head> heads) {
    List<String> parts = new ArrayList<>();
    for (Head h : heads) {
      parts.add(h.name() + " <- " + h.label());
    }
    return parts.toString();
  }
}
