package io.recship.fg;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** fg.json flattened to features with full names, pointers and shapes; built once, O(n). */
final class FgIndex {
  /** One plain feature or sequence sub-feature. */
  static final class Slot {
    final FeatureConfig cfg;
    final @Nullable SequenceConfig seq;
    final String pointer;
    final @Nullable String fullName;
    final String label; // "feature 'user_id'" or "feature #3"
    final boolean mistyped;

    Slot(FeatureConfig cfg, @Nullable SequenceConfig seq, String pointer, @Nullable String fullName, String label, boolean mistyped) {
      this.cfg = cfg;
      this.seq = seq;
      this.pointer = pointer;
      this.fullName = fullName;
      this.label = label;
      this.mistyped = mistyped;
    }

    int sequenceLength() {
      return seq == null ? 0 : seq.sequenceLength();
    }

    int width() {
      return Shapes.width(cfg);
    }

    long[] shape() {
      int w = width();
      return seq == null ? new long[] {w} : new long[] {seq.sequenceLength(), w};
    }
  }

  final FgConfig fg;
  final List<Slot> slots = new ArrayList<>();
  final Map<String, Slot> byName = new HashMap<>();
  final Map<String, SequenceConfig> sequences = new LinkedHashMap<>();
  final Map<Object, String> pointers;
  final Set<Object> mistyped;

  FgIndex(FgConfig fg, Map<Object, String> pointers, Set<Object> mistyped) {
    this.fg = fg;
    this.pointers = pointers;
    this.mistyped = mistyped;
    for (FgEntry e : fg.entries()) {
      if (e instanceof FeatureConfig f) {
        add(f, null);
      } else if (e instanceof SequenceConfig s) {
        String name = s.sequenceName();
        if (name != null) {
          sequences.putIfAbsent(name, s);
        }
        s.features().forEach(f -> add(f, s));
      }
    }
  }

  /** Pointers for a config built in code: the same scheme the parser uses. */
  static Map<Object, String> pointersOf(FgConfig fg) {
    Map<Object, String> out = new IdentityHashMap<>();
    List<FgEntry> entries = fg.entries();
    for (int i = 0; i < entries.size(); i++) {
      out.put(entries.get(i), "/features/" + i);
      if (entries.get(i) instanceof SequenceConfig s) {
        for (int j = 0; j < s.features().size(); j++) {
          out.put(s.features().get(j), "/features/" + i + "/features/" + j);
        }
      }
    }
    return out;
  }

  private void add(FeatureConfig f, @Nullable SequenceConfig seq) {
    String ptr = pointers.getOrDefault(f, "/features");
    String name = f.featureName();
    String seqName = seq == null ? null : seq.sequenceName();
    String full = name == null ? null : seq == null ? name : seqName + "_" + name;
    String label = full != null
        ? "feature '" + full + "'"
        : "feature #" + ptr.substring(ptr.lastIndexOf('/') + 1) + (seq != null ? " of sequence '" + seqName + "'" : "");
    Slot slot = new Slot(f, seq, ptr, full, label, mistyped.contains(f));
    slots.add(slot);
    if (full != null) {
      byName.putIfAbsent(full, slot);
    }
  }

  String pointer(Object entry) {
    return pointers.getOrDefault(entry, "/features");
  }

  /** The full feature name an mc entry of {@code block} refers to. */
  String resolve(String block, String entry) {
    return sequences.containsKey(block) ? block + "_" + entry : entry;
  }
}
