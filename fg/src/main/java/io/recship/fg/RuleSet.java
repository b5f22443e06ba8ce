package io.recship.fg;

import java.util.EnumSet;
import java.util.Set;

/** Groups of rules the {@link RuleChecker} can run. */
public enum RuleSet {
  /** What RecIS itself refuses (ids {@code FG-*}, {@code MC-*}). */
  STRUCTURAL,
  /** Extra constraints of main-search RTP serving (ids {@code RTP-*}). */
  RTP_MAIN_SEARCH;

  /** Both sets: what a model delivered to main-search RTP must pass. */
  public static Set<RuleSet> rtpMainSearch() {
    return EnumSet.allOf(RuleSet.class);
  }

  /** Only what RecIS refuses. */
  public static Set<RuleSet> recis() {
    return EnumSet.of(STRUCTURAL);
  }
}
