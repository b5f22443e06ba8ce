package io.recship.fg;

import java.util.Collection;
import org.jspecify.annotations.Nullable;

/**
 * "Did you mean ...?" for misspelt keys and names: edit distance with a small bound. Public for
 * the other modules' messages (a data column named like a missing one), so all guess alike.
 */
public final class Typos {
  /** Two edits catch a dropped, doubled or swapped letter or two, without guessing wildly. */
  static final int MAX_EDITS = 2;

  private Typos() {}

  /**
   * The candidate nearest {@code word} (see {@link #near}); null if none is near, or if several are
   * equally near, where a guess would as likely mislead.
   */
  public static @Nullable String uniqueNear(String word, Collection<String> candidates) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    boolean tie = false;
    for (String c : candidates) {
      if (c.equals(word) || !near(word, c)) {
        continue;
      }
      int d = distance(word, c);
      if (d < bestDistance) {
        best = c;
        bestDistance = d;
        tie = false;
      } else if (d == bestDistance && !c.equals(best)) {
        tie = true;
      }
    }
    return tie ? null : best;
  }

  /**
   * Like {@link #uniqueNear}, for fg.json keys: also a key cut short or with another ending, which
   * edit distance misses ({@code "embedding_dim"}, {@code "value_dim"}, {@code "boundary"} for
   * {@code "boundaries"}), when the two share a long prefix ({@link #nearKey}).
   */
  static @Nullable String uniqueNearKey(String word, Collection<String> candidates) {
    String near = uniqueNear(word, candidates);
    if (near != null) {
      return near;
    }
    String best = null;
    for (String c : candidates) {
      if (!c.equals(word) && sharesStem(word, c)) {
        if (best != null) {
          return null; // "feature" could be feature_name or feature_type
        }
        best = c;
      }
    }
    return best;
  }

  /** {@link #near}, or {@code word} and {@code key} share a long prefix: see {@link #uniqueNearKey}. */
  static boolean nearKey(String word, String key) {
    return near(word, key) || sharesStem(word, key);
  }

  /**
   * The two share a prefix of at least 6 characters that leaves at most 2 characters of the
   * shorter one: "boundar|y" and "boundar|ies", "embedding_dim|" and "embedding_dim|ension".
   */
  private static boolean sharesStem(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int p = 0;
    while (p < n && a.charAt(p) == b.charAt(p)) {
      p++;
    }
    return p >= 6 && p >= n - 2;
  }

  /**
   * True if {@code word} becomes {@code b} in at most {@link #MAX_EDITS} edits, and in no more than
   * a third of its length: else any short name is "near" any other ('y' would suggest 'x').
   */
  static boolean near(String word, String b) {
    int max = Math.min(MAX_EDITS, word.length() / 3);
    return Math.abs(word.length() - b.length()) <= max && distance(word, b) <= max;
  }

  /**
   * Optimal string alignment distance: insertions, deletions, substitutions and swaps of adjacent
   * characters each count 1 (a swap is the commonest typo, and plain Levenshtein counts it 2).
   */
  static int distance(String a, String b) {
    int n = a.length();
    int m = b.length();
    int[] prev2 = new int[m + 1];
    int[] prev = new int[m + 1];
    int[] cur = new int[m + 1];
    for (int j = 0; j <= m; j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= n; i++) {
      cur[0] = i;
      for (int j = 1; j <= m; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int d = Math.min(Math.min(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d = Math.min(d, prev2[j - 2] + 1);
        }
        cur[j] = d;
      }
      int[] t = prev2;
      prev2 = prev;
      prev = cur;
      cur = t;
    }
    return prev[m];
  }
}
