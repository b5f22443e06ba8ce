package io.recship.data;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
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

  RowParser(Schema schema, BadRowPolicy policy, AtomicLong skipped) {
    this.schema = schema;
    this.columns = schema.columns();
    this.policy = policy;
    this.skipped = skipped;
  }

  /** Fails or counts and logs, by policy. */
  void bad(DataException e) {
    if (policy == BadRowPolicy.FAIL) {
      throw e;
    }
    long n = skipped.incrementAndGet();
    if (n <= WARN_LIMIT) {
      LOG.warn("skipping bad row {}{}", e.getMessage(), n == WARN_LIMIT ? " (further skips are only counted)" : "");
    }
  }
}
