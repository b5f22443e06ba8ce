package io.recship.fg;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * RecIS parses only the fg.json features that mc.json uses ({@code _filter_fg}, reference §2):
 * a feature no block lists never reaches its parser, so its structural problems ({@code FG-*})
 * cannot fail a RecIS run. They become warnings here, so a shared production fg.json with
 * features other models use is not refused. RTP rules are left alone: the raw fg.json, unused
 * features included, ships to RTP.
 */
final class McScope {
  private static final String NOTE =
      " (mc.json does not use this feature, so RecIS skips it; it still ships in the exported fg.json)";

  private McScope() {}

  /** {@code fgFindings} with the errors of structural rules on unused features made warnings. */
  static List<Finding> downgradeUnused(List<Finding> fgFindings, FgIndex index, McConfig mc) {
    List<String> unused = unusedPointers(index, mc);
    if (unused.isEmpty()) {
      return fgFindings;
    }
    List<Finding> out = new ArrayList<>(fgFindings.size());
    for (Finding f : fgFindings) {
      out.add(f.isError() && f.ruleId().startsWith("FG-") && under(f.pointer(), unused)
          ? new Finding(f.ruleId(), Severity.WARNING, f.subject(), f.message() + NOTE, f.file(),
              f.pointer(), f.line(), f.column())
          : f);
    }
    return out;
  }

  /**
   * JSON pointers of the features and sequence groups RecIS drops: a plain feature no block
   * lists; a group neither named by a block nor listed by its bare name; a sub-feature whose
   * sequence no block is named after, or whose prefixed name no block uses. A feature without a name stays in scope: RecIS needs the name
   * to filter it.
   */
  private static List<String> unusedPointers(FgIndex index, McConfig mc) {
    Set<String> used = new HashSet<>();
    // MCParser.has_fea: a group is kept when a block is named after it or lists its bare name;
    // has_seq_fea: a sub-feature only when a block is named after its sequence
    Set<String> keptGroups = new HashSet<>(mc.blocks().keySet());
    mc.blocks().forEach((block, entries) -> {
      for (String e : entries) {
        used.add(index.resolve(block, e));
        keptGroups.add(e);
      }
    });
    List<String> unused = new ArrayList<>();
    for (FgIndex.Slot s : index.slots) {
      boolean kept = s.seq == null || mc.blocks().containsKey(s.seq.sequenceName());
      if (s.fullName != null && (!kept || !used.contains(s.fullName))) {
        unused.add(s.pointer);
      }
    }
    for (FgEntry e : index.fg.entries()) {
      if (e instanceof SequenceConfig seq && seq.sequenceName() != null
          && !keptGroups.contains(seq.sequenceName())) {
        unused.add(index.pointer(seq));
      }
    }
    // a pointer that fell back to the list itself would cover every feature
    unused.removeIf(p -> p.equals("/features"));
    return unused;
  }

  private static boolean under(String pointer, List<String> prefixes) {
    for (String p : prefixes) {
      if (pointer.equals(p) || pointer.startsWith(p + "/")) {
        return true;
      }
    }
    return false;
  }
}
