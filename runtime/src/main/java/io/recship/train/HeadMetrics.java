package io.recship.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** Mean BCE (unweighted) and ROC AUC of one head against its label. */
public record HeadMetrics(double loss, double auc) {
  /** Immutable, in head order. */
  static Map<String, HeadMetrics> copy(Map<String, HeadMetrics> heads) {
    if (heads.isEmpty()) {
      throw new IllegalArgumentException("metrics need at least one head");
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>(heads));
  }

  static HeadMetrics of(Map<String, HeadMetrics> heads, String head) {
    HeadMetrics m = heads.get(head);
    if (m == null) {
      throw new IllegalArgumentException("no head '" + head + "'; the heads are " + heads.keySet());
    }
    return m;
  }

  /** The only head's metrics; with several heads the caller must say which. */
  static HeadMetrics only(Map<String, HeadMetrics> heads, String what) {
    if (heads.size() != 1) {
      throw new IllegalStateException(heads.size() + " heads " + heads.keySet() + " have an " + what
          + " each; ask for one by name, e.g. " + what + "(\"" + heads.keySet().iterator().next() + "\")");
    }
    return heads.values().iterator().next();
  }
}
