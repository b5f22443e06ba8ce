package io.recship.fg;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which fg.json entries RecIS parses: only those mc.json uses ({@code _filter_fg}, reference §2,
 * {@code MCParser.has_fea} / {@code has_seq_fea}). A feature it drops never reaches its parser, so
 * its structural problems ({@code FG-*}) cannot fail a RecIS run: they become warnings, and it
 * takes no part in name and {@code shared_name} checks. A shared production fg.json with features
 * other models use is then not refused. RTP rules are left alone: the raw fg.json, unused features
 * included, ships to RTP.
 */
final class McScope {
  /** Without a readable mc.json every entry counts as used. */
  static final McScope ALL = new McScope(Set.of(), Set.of());

  private static final String NOTE =
      " (mc.json does not use this feature, so RecIS skips it; it still ships in the exported fg.json)";

  private final Set<String> unusedFeatures;
  private final Set<String> unusedGroups;

  private McScope(Set<String> unusedFeatures, Set<String> unusedGroups) {
    this.unusedFeatures = unusedFeatures;
    this.unusedGroups = unusedGroups;
  }

  /**
   * What RecIS drops, by JSON pointer. {@code has_fea(name)}: a block lists the name (entries of
   * a block named after a sequence count with the sequence prefix) or a block is named after it.
   * A group is kept when {@code has_fea(sequence_name)}; a sub-feature when its group is kept, a
   * block is named after the sequence, and its prefixed name is listed. A plain feature is kept
   * when {@code has_fea(feature_name)}: a name that is not a string matches nothing, but a missing
   * one stays in scope, since RecIS fails reading it.
   */
  static McScope of(FgIndex index, McConfig mc) {
    Set<String> listed = new HashSet<>();
    Set<String> sequenceBlocks = new HashSet<>();
    mc.blocks().forEach((block, entries) -> {
      if (index.sequences.containsKey(block)) {
        sequenceBlocks.add(block);
      }
      for (String e : entries) {
        listed.add(index.resolve(block, e));
      }
    });
    Set<String> unusedFeatures = new HashSet<>();
    for (FgIndex.Slot s : index.slots) {
      if (s.seq == null) {
        boolean nameGiven = s.cfg.has(Keys.FEATURE_NAME);
        if (s.fullName != null ? !listed.contains(s.fullName) : nameGiven) {
          unusedFeatures.add(s.pointer);
        }
      } else if (s.fullName != null) {
        String seq = s.seq.sequenceName();
        boolean kept = sequenceBlocks.contains(seq) && listed.contains(s.fullName);
        if (!kept) {
          unusedFeatures.add(s.pointer);
        }
      }
    }
    Set<String> unusedGroups = new HashSet<>();
    for (FgEntry e : index.fg.entries()) {
      if (e instanceof SequenceConfig seq && seq.sequenceName() != null
          && !listed.contains(seq.sequenceName()) && !sequenceBlocks.contains(seq.sequenceName())) {
        unusedGroups.add(index.pointer(seq));
      }
    }
    // a pointer that fell back to the list itself would cover every feature
    unusedFeatures.remove("/features");
    unusedGroups.remove("/features");
    return new McScope(unusedFeatures, unusedGroups);
  }

  /** True if RecIS drops this feature before parsing it. */
  boolean isUnused(FgIndex.Slot slot) {
    return unusedFeatures.contains(slot.pointer);
  }

  /** {@code fgFindings} with the errors of structural rules on dropped entries made warnings. */
  List<Finding> downgrade(List<Finding> fgFindings) {
    if (unusedFeatures.isEmpty() && unusedGroups.isEmpty()) {
      return fgFindings;
    }
    List<Finding> out = new ArrayList<>(fgFindings.size());
    for (Finding f : fgFindings) {
      out.add(f.isError() && f.ruleId().startsWith("FG-") && dropped(f.pointer())
          ? new Finding(f.ruleId(), Severity.WARNING, f.subject(), f.message() + NOTE, f.file(),
              f.pointer(), f.line(), f.column())
          : f);
    }
    return out;
  }

  private boolean dropped(String pointer) {
    for (String p : unusedFeatures) {
      if (pointer.equals(p) || pointer.startsWith(p + "/")) {
        return true;
      }
    }
    for (String g : unusedGroups) {
      // RecIS reads every group's sequence_name and feature_name before filtering (_build_mc)
      boolean readAnyway = pointer.equals(g + "/" + Keys.FEATURE_NAME) || pointer.equals(g + "/" + Keys.SEQUENCE_NAME);
      if (!readAnyway && (pointer.equals(g) || pointer.startsWith(g + "/"))) {
        return true;
      }
    }
    return false;
  }
}
