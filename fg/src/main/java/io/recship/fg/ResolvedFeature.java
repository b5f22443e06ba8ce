package io.recship.fg;

import org.jspecify.annotations.Nullable;

/**
 * A feature as RecIS builds it from a structurally valid config: enums instead of strings,
 * defaults applied, full name and output shape. {@code ev_hash} reads as hash type EV_HASH with
 * bucket size 0, as RecIS R-new rewrites it.
 */
public final class ResolvedFeature {
  private final FeatureConfig config;
  private final String pointer;
  private final String name;
  private final @Nullable String sequenceName;
  private final int sequenceLength;
  private final ValueType valueType;
  private final GenKeyType genKeyType;
  private final GenValType genValType;
  private final HashType hashType;
  private final long hashBucketSize;
  private final double[] boundaries;
  private final Combiner combiner;
  private final int width;

  ResolvedFeature(
      FeatureConfig config, String pointer, String name, @Nullable String sequenceName, int sequenceLength) {
    this.config = config;
    this.pointer = pointer;
    this.name = name;
    this.sequenceName = sequenceName;
    this.sequenceLength = sequenceLength;
    this.valueType = require(ValueType.fromFgName(String.valueOf(config.valueType())), "value_type");
    this.genKeyType = require(GenKeyType.fromFgName(String.valueOf(config.genKeyType())), "gen_key_type");
    this.genValType = require(GenValType.fromFgName(String.valueOf(config.genValType())), "gen_val_type");
    boolean ev = genKeyType == GenKeyType.EV_HASH || genKeyType == GenKeyType.EV_HASH_MOD;
    this.hashType = ev ? HashType.EV_HASH : require(HashType.fromFgName(config.hashType()), "hash_type");
    this.hashBucketSize = genKeyType == GenKeyType.EV_HASH ? 0 : config.hashBucketSize();
    this.combiner = require(Combiner.fromFgName(config.combiner()), "combiner");
    String b = config.boundaries();
    if (genKeyType == GenKeyType.BOUNDARY && b != null) {
      String[] parts = b.split(",", -1);
      boundaries = new double[parts.length];
      for (int i = 0; i < parts.length; i++) {
        Double v = PyFloat.parse(parts[i]); // FG-BOUND refused anything else
        boundaries[i] = v == null ? Double.NaN : v;
      }
    } else {
      boundaries = new double[0];
    }
    this.width = Shapes.width(config);
  }

  private <T> T require(@Nullable T value, String key) {
    if (value == null) { // unreachable after the structural check; kept as a clear message
      throw new IllegalStateException("feature '" + name + "': invalid " + key);
    }
    return value;
  }

  /** The feature object as written in fg.json (short name for sequence sub-features). */
  public FeatureConfig config() {
    return config;
  }

  /**
   * JSON pointer (RFC 6901) of the feature object in fg.json, e.g. {@code /features/3} or {@code
   * /features/6/features/0} for a sequence sub-feature; for findings about it.
   */
  public String pointer() {
    return pointer;
  }

  /** Full name: {@code <sequence_name>_<feature_name>} for sequence sub-features. */
  public String name() {
    return name;
  }

  /** The dataset column RecIS reads: {@code from_feature}, else the full name. */
  public String ioName() {
    String from = config.fromFeature();
    return from != null ? from : name;
  }

  public @Nullable String sequenceName() {
    return sequenceName;
  }

  /** 0 if not a sequence sub-feature. */
  public int sequenceLength() {
    return sequenceLength;
  }

  public boolean isSequence() {
    return sequenceName != null;
  }

  public ValueType valueType() {
    return valueType;
  }

  public GenKeyType genKeyType() {
    return genKeyType;
  }

  public GenValType genValType() {
    return genValType;
  }

  public HashType hashType() {
    return hashType;
  }

  /** 0 means no Mod: the full 64-bit hash keys a dynamic hashtable. */
  public long hashBucketSize() {
    return hashBucketSize;
  }

  /** Bucketize boundaries (empty unless gen_key_type is boundary). */
  public double[] boundaries() {
    return boundaries.clone();
  }

  public Combiner combiner() {
    return combiner;
  }

  public int valueDimension() {
    return config.valueDimension();
  }

  /** 0 for features without an embedding. */
  public int embeddingDimension() {
    Integer d = config.embeddingDimension();
    return d == null ? 0 : d;
  }

  /** Embedding table name; defaults to the unprefixed feature name (RecIS R-new). */
  public String sharedName() {
    return String.valueOf(config.sharedName());
  }

  /** The multihash spec, if any. */
  public @Nullable String compressStrategy() {
    return config.compressStrategy();
  }

  /** True if the feature has an embedding (lookup or multihash_lookup). */
  public boolean isLookup() {
    return genValType != GenValType.IDLE;
  }

  /** Last dim of the output: embedding dim (times N for concat multihash) or value_dimension. */
  public int width() {
    return width;
  }

  /** Output shape without the batch dim: {@code [width]} or {@code [sequence_length, width]}. */
  public long[] shape() {
    return isSequence() ? new long[] {sequenceLength, width} : new long[] {width};
  }

  @Override
  public String toString() {
    return name + Shapes.format(shape());
  }
}
