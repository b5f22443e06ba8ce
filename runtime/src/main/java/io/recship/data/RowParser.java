package io.recship.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Shared bad-row handling of the readers. */
final class RowParser {
  private static final Logger LOG = LoggerFactory.getLogger(Dataset.class);
  private static final int WARN_LIMIT = 10;

  final Schema schema;
  final List<Column> columns;
  final BadRowPolicy policy;
  final AtomicLong skipped;
  final Sequences sequences;
  private final @Nullable Consumer<DataException> onSkip;

  RowParser(Schema schema, BadRowPolicy policy, AtomicLong skipped, @Nullable Consumer<DataException> onSkip) {
    this.schema = schema;
    this.columns = schema.columns();
    this.policy = policy;
    this.skipped = skipped;
    this.sequences = new Sequences(schema);
    this.onSkip = onSkip;
  }

  /** Fails, or counts and reports (to the listener if one was given, else the log), by policy. */
  void bad(DataException e) {
    if (policy == BadRowPolicy.FAIL) {
      throw e;
    }
    long n = skipped.incrementAndGet();
    if (onSkip != null) {
      onSkip.accept(e);
    } else if (n <= WARN_LIMIT) {
      LOG.warn("skipping bad row {}{}", e.getMessage(), n == WARN_LIMIT ? " (further skips are only counted)" : "");
    }
  }

  /**
   * The sub-features of one sequence give one entry per step, so a row must give them equally
   * many steps; RecIS pads or truncates each to sequence_length on its own, so a shorter one would
   * pair step i of one sub-feature with step i+1 of another without a word.
   */
  static final class Sequences {
    private final List<String> names = new ArrayList<>();
    private final List<int[]> indexes = new ArrayList<>();
    private final List<Column> columns;

    Sequences(Schema schema) {
      this.columns = schema.columns();
      for (Map.Entry<String, List<String>> e : schema.sequences().entrySet()) {
        if (e.getValue().size() < 2) {
          continue;
        }
        int[] idx = new int[e.getValue().size()];
        for (int i = 0; i < idx.length; i++) {
          idx[i] = columns.indexOf(schema.column(e.getValue().get(i)));
        }
        names.add(e.getKey());
        indexes.add(idx);
      }
    }

    /** Null if every sequence's sub-features have as many steps, else what differs and the fix. */
    @Nullable String misaligned(Object[] features) {
      for (int s = 0; s < names.size(); s++) {
        int[] idx = indexes.get(s);
        int first = -1;
        boolean differ = false;
        for (int i : idx) {
          if (features[i] instanceof List<?> steps) {
            if (first < 0) {
              first = steps.size();
            } else if (steps.size() != first) {
              differ = true;
            }
          }
        }
        if (differ) {
          StringBuilder lengths = new StringBuilder();
          for (int i : idx) {
            if (features[i] instanceof List<?> steps) {
              lengths.append(lengths.length() == 0 ? "" : ", ").append('\'').append(columns.get(i).name()).append("' has ")
                  .append(steps.size()).append(steps.size() == 1 ? " step" : " steps");
            }
          }
          return "sequence '" + names.get(s) + "': its sub-features have different lengths (" + lengths
              + "); give every sub-feature one entry per step of the sequence, since each is padded or truncated on its own"
              + " and the steps would fall out of line";
        }
      }
      return null;
    }
  }
}
