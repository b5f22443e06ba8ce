package io.recship.annotations;

/**
 * Where a {@link RecModel} is delivered; it selects the FG rule sets the processor applies.
 */
public enum Target {
  /**
   * Alibaba main-search RTP serving through RecIS native delivery. Applies the structural rules
   * (what RecIS itself would refuse) plus the main-search rules: {@code RTP-HB0} (lookup features
   * need {@code hash_bucket_size > 0}), {@code RTP-MH} (no multihash) and the advisory {@code
   * RTP-*} warnings. ({@code RTP-SEQSPLIT}, no {@code @SparseArch(splitSeq = true)}, applies to
   * every target: the export feeds the dense net one flat map of blocks.)
   */
  RTP_MAIN_SEARCH,

  /**
   * Plain RecIS: only the structural rules ({@code FG-*}, {@code MC-*}), and {@code RTP-SEQSPLIT}.
   */
  RECIS
}
