package io.recship.fg;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The rules of {@link RuleChecker}; one instance per run, every check O(features + mc entries). */
final class Rules {
  static final String FG_TYPE = "FG-TYPE";
  static final String FG_REQ = "FG-REQ";
  static final String FG_ENUM = "FG-ENUM";
  static final String FG_HASHTYPE_FARM = "FG-HASHTYPE-FARM";
  static final String FG_STRIDLE = "FG-STRIDLE";
  static final String FG_LOOKUPDIM = "FG-LOOKUPDIM";
  static final String FG_BOUND = "FG-BOUND";
  static final String FG_NAMES = "FG-NAMES";
  static final String FG_SHAREDHASH = "FG-SHAREDHASH";
  static final String FG_DUPKEY = "FG-DUPKEY";
  static final String FG_UNKNOWNKEY = "FG-UNKNOWNKEY";
  static final String MC_FORMAT = "MC-FORMAT";
  static final String MC_EMPTY = "MC-EMPTY";
  static final String MC_REF = "MC-REF";
  static final String MC_SHAPE = "MC-SHAPE";
  static final String MC_IDENT = "MC-IDENT";
  static final String MC_DUP = "MC-DUP";
  static final String RTP_HB0 = "RTP-HB0";
  static final String RTP_MH = "RTP-MH";
  static final String RTP_F32 = "RTP-F32";
  static final String RTP_FTYPE = "RTP-FTYPE";
  static final String RTP_VOCAB = "RTP-VOCAB";
  static final String RTP_FARM = "RTP-FARM";
  static final String RTP_SEQNAME = "RTP-SEQNAME";

  private static final Set<String> EMB_TYPES = Set.of("float", "fp16", "bf16", "int8");
  private static final Set<String> EMB_DEVICES = Set.of("cpu", "cuda");
  private static final Set<String> RTP_FEATURE_TYPES =
      Set.of("id_feature", "raw_feature", "combo_feature", "match_feature", "lookup_feature", "overlap_feature");
  private static final List<String> VOCAB_KEYS = List.of("vocab_dict", "vocab_list", "vocab_file");
  private static final Set<String> HB0_KEY_TYPES = Set.of("hash", "idle", "mask", "ev_hash_mod");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Set<String> RESERVED =
      Set.of("False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue",
          "def", "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
          "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
          "self", "torch");

  private final String fgFile;
  private final @Nullable String fgText;
  private final String mcFile;
  private final @Nullable String mcText;
  private final FgOptions options;
  private final boolean structural;
  private final boolean rtp;
  final List<Finding> fgFindings = new ArrayList<>();
  final List<Finding> mcFindings = new ArrayList<>();

  /** Where each fg.json entry is, as "line L, column C"; found on first use (see {@link #place}). */
  private @Nullable Map<String, JsonLocation> places;

  /**
   * Keys a message already called a typo of a missing key ({@link #typoHint}), as "pointer of the
   * object/key": FG-UNKNOWNKEY does not repeat them.
   */
  private final Set<String> namedTypos = new HashSet<>();

  /** Where each mc.json entry is; found on first use (see {@link #placeMc}). */
  private @Nullable Map<String, JsonLocation> mcPlaces;

  /**
   * @param fgText fg.json as checked, to place other entries named in messages; null for configs built in code
   * @param mcText mc.json as checked, likewise
   */
  Rules(String fgFile, @Nullable String fgText, String mcFile, @Nullable String mcText, FgOptions options, Set<RuleSet> sets) {
    this.fgFile = fgFile;
    this.fgText = fgText;
    this.mcFile = mcFile;
    this.mcText = mcText;
    this.options = options;
    this.structural = sets.contains(RuleSet.STRUCTURAL);
    this.rtp = sets.contains(RuleSet.RTP_MAIN_SEARCH);
  }

  private void fg(String rule, Severity sev, @Nullable String subject, String pointer, String message) {
    fgFindings.add(new Finding(rule, sev, subject, message, fgFile, pointer));
  }

  /** Messages do not start with "mc.json:": the finding's location names the file already. */
  private void mc(String rule, @Nullable String subject, String pointer, String message) {
    mc(rule, Severity.ERROR, subject, pointer, message);
  }

  private void mc(String rule, Severity sev, @Nullable String subject, String pointer, String message) {
    mcFindings.add(new Finding(rule, sev, subject, message, mcFile, pointer));
  }

  // ---- fg.json ---------------------------------------------------------------------------------

  /** Which features RecIS parses, as given to {@link #checkFg}; the findings are scoped by it. */
  McScope scope = McScope.ALL;

  /** @param scope which features RecIS parses: the others take no part in name checks */
  void checkFg(FgIndex index, boolean hasFeaturesKey, McScope scope) {
    this.scope = scope;
    if (structural && !hasFeaturesKey) {
      fg(FG_REQ, Severity.ERROR, null, "/features",
          "fg.json has no \"features\" list; RecIS reads only that key: add \"features\": [ ...feature objects... ]");
    }
    Map<String, FgIndex.Slot> seen = new HashMap<>();
    Map<String, FgIndex.Slot> sharedFirst = new HashMap<>();
    Set<String> hashWarned = new HashSet<>();
    Map<String, SequenceConfig> seqSeen = new HashMap<>();
    SequenceConfig currentSeq = null;
    for (FgIndex.Slot s : index.slots) {
      if (s.seq != null && s.seq != currentSeq) {
        currentSeq = s.seq;
        checkSequence(index, s.seq, seqSeen);
      }
      if (s.mistyped) {
        // FG-TYPE already reported; other checks would only echo it, but a misspelt key is news
        if (structural) {
          checkUnknownKeys(s.cfg.raw().keySet(), Keys.FEATURE_KEYS, Keys.RTP_FEATURE_KEYS, s.fullName, s.label, s.pointer);
        }
        continue;
      }
      if (structural) {
        checkFeature(s);
        if (!scope.isUnused(s)) {
          checkNames(index, s, seen, sharedFirst, hashWarned);
        }
      }
      if (rtp) {
        checkRtp(s);
      }
      if (structural) {
        checkUnknownKeys(s.cfg.raw().keySet(), Keys.FEATURE_KEYS, Keys.RTP_FEATURE_KEYS, s.fullName, s.label, s.pointer);
      }
    }
    // groups without sub-features have no slots
    for (FgEntry e : index.fg.entries()) {
      if (e instanceof SequenceConfig sc && sc.features().isEmpty()) {
        checkSequence(index, sc, seqSeen);
      }
    }
  }

  private void checkSequence(FgIndex index, SequenceConfig seq, Map<String, SequenceConfig> seqSeen) {
    if (index.mistyped.contains(seq)) {
      return;
    }
    String ptr = index.pointer(seq);
    String name = seq.sequenceName();
    String label = "sequence group '" + name + "'";
    if (structural) {
      if (!seq.has(Keys.FEATURE_NAME)) {
        fg(FG_REQ, Severity.ERROR, name, ptr + "/feature_name",
            label + " is missing required key \"feature_name\"; RecIS reads it for every sequence group: "
                + typoHint(ptr, seq.raw().keySet(), Keys.FEATURE_NAME, "add \"feature_name\": \"" + name + "\""));
      }
      if (!seq.has(Keys.SEQUENCE_LENGTH)) {
        fg(FG_REQ, Severity.ERROR, name, ptr + "/sequence_length",
            label + " is missing required key \"sequence_length\"; " + typoHint(ptr, seq.raw().keySet(), Keys.SEQUENCE_LENGTH,
                "add the number of steps RecIS pads/truncates to, e.g. \"sequence_length\": 50"));
      } else if (seq.sequenceLength() <= 0) {
        fg(FG_REQ, Severity.ERROR, name, ptr + "/sequence_length",
            label + ": sequence_length must be a positive integer, got " + seq.get(Keys.SEQUENCE_LENGTH));
      }
      if (!seq.has(Keys.FEATURES)) {
        fg(FG_REQ, Severity.ERROR, name, ptr + "/features",
            label + " is missing its \"features\" list of sub-features; add \"features\": [ ... ]");
      } else if (seq.features().isEmpty()) {
        fg(FG_REQ, Severity.ERROR, name, ptr + "/features",
            label + " has an empty \"features\" list; add at least one sub-feature or remove the group");
      }
      if (name != null) {
        SequenceConfig prev = seqSeen.putIfAbsent(name, seq);
        if (prev != null && prev != seq) {
          fg(FG_NAMES, Severity.ERROR, name, ptr + "/sequence_name",
              label + " is defined twice (first at " + place(index, index.pointer(prev) + "/sequence_name")
                  + "); sequence names name mc blocks and must be unique" + afterLowercasing());
        }
      }
    }
    if (structural) {
      checkUnknownKeys(seq.raw().keySet(), Keys.SEQUENCE_KEYS, Keys.RTP_SEQUENCE_KEYS, name, label, ptr);
    }
    if (rtp && name != null) {
      String fname = seq.featureName();
      boolean cloned = seq.fromFeature() != null || seq.features().stream().anyMatch(f -> f.fromFeature() != null);
      if (fname != null && !fname.equals(name) && !cloned) {
        fg(RTP_SEQNAME, Severity.WARNING, name, ptr + "/feature_name",
            label + ": feature_name '" + fname + "' differs from sequence_name '" + name
                + "'; RTP expects them to be the same unless from_feature reads another sequence. Set \"feature_name\": \""
                + name + "\"");
      }
    }
  }

  private void checkFeature(FgIndex.Slot s) {
    FeatureConfig f = s.cfg;
    String subj = s.fullName;
    String ptr = s.pointer;
    for (String key : Keys.REQUIRED_ORDER) {
      if (!f.has(key)) {
        fg(FG_REQ, Severity.ERROR, subj, ptr + "/" + key,
            s.label + " is missing required key \"" + key + "\"; " + typoHint(ptr, f.raw().keySet(), key, requiredHint(key)));
      }
    }
    String valueType = f.valueType();
    if (valueType != null && ValueType.fromFgName(valueType) == null) {
      fg(FG_ENUM, Severity.ERROR, subj, ptr + "/value_type",
          s.label + ": unsupported value_type '" + valueType + "' (allowed: string, double, integer; any case)");
    }
    String key = f.genKeyType();
    if (key != null && GenKeyType.fromFgName(key) == null) {
      String hint = key.equals("mod")
          ? "; RecIS does not accept 'mod' (TorchEasyRec writes it for RTP): use \"hash\" with a hash_bucket_size"
          : caseHint(key, GenKeyType.fromFgName(key.toLowerCase(Locale.ROOT)) != null);
      fg(FG_ENUM, Severity.ERROR, subj, ptr + "/gen_key_type",
          s.label + ": unsupported gen_key_type '" + key
              + "' (allowed: idle, boundary, hash, multihash, mask, ev_hash, ev_hash_mod)" + hint);
    }
    String val = f.genValType();
    if (val != null && GenValType.fromFgName(val) == null) {
      fg(FG_ENUM, Severity.ERROR, subj, ptr + "/gen_val_type",
          s.label + ": unsupported gen_val_type '" + val + "' (allowed: idle, lookup, multihash_lookup)"
              + caseHint(val, GenValType.fromFgName(val.toLowerCase(Locale.ROOT)) != null));
    }
    if (f.has(Keys.HASH_TYPE)) {
      String ht = f.hashType();
      if (ht.equals("farm")) {
        fg(FG_HASHTYPE_FARM, Severity.ERROR, subj, ptr + "/hash_type",
            s.label + ": hash_type 'farm' is not accepted by RecIS (KeyError, although its docs mention it); use 'farmhash'");
      } else if (HashType.fromFgName(ht) == null) {
        fg(FG_ENUM, Severity.ERROR, subj, ptr + "/hash_type",
            s.label + ": unsupported hash_type '" + ht + "' (allowed: farmhash, murmur, ev_hash)");
      }
    }
    if (f.has(Keys.COMBINER) && Combiner.fromFgName(f.combiner()) == null) {
      fg(FG_ENUM, Severity.ERROR, subj, ptr + "/combiner",
          s.label + ": unsupported combiner '" + f.combiner() + "' (allowed: mean, sum"
              + (f.combiner().equals("tile") ? "; 'tile' needs combiner_kwargs, which fg.json cannot pass)" : ")"));
    }
    String embType = f.embType();
    if (embType != null && !EMB_TYPES.contains(embType)) {
      fg(FG_ENUM, Severity.ERROR, subj, ptr + "/emb_type",
          s.label + ": unsupported emb_type '" + embType + "' (allowed: float, fp16, bf16, int8)");
    }
    String embDevice = f.embDevice();
    if (embDevice != null && !EMB_DEVICES.contains(embDevice)) {
      fg(FG_ENUM, Severity.ERROR, subj, ptr + "/emb_device",
          s.label + ": unsupported emb_device '" + embDevice + "' (allowed: cpu, cuda)");
    }
    String cs = f.compressStrategy();
    if (cs != null) {
      try {
        CompressStrategy.parse(cs);
      } catch (IllegalArgumentException e) {
        fg(FG_ENUM, Severity.ERROR, subj, ptr + "/compress_strategy",
            s.label + ": compress_strategy '" + cs + "' " + e.getMessage()
                + "; write \"<yx|mh>:<bucket>,<bucket>,...:<concat|mean|sum>:<n>\", e.g. \"yx:50,50,50,50:concat:4\"");
      }
    } else if (GenValType.MULTIHASH_LOOKUP.fgName().equals(val)) {
      fg(FG_ENUM, Severity.ERROR, subj, ptr + "/compress_strategy",
          s.label + ": gen_val_type multihash_lookup needs a compress_strategy such as \"yx:50,50,50,50:concat:4\"");
    }
    if (valueType != null && valueType.equalsIgnoreCase("string") && ("idle".equals(key) || "mask".equals(key))) {
      String msg = s.label + ": String value_type cannot use gen_key_type=" + key
          + " (RecIS raises NotImplementedError); use gen_key_type \"hash\" with a hash_bucket_size";
      fg(FG_STRIDLE, options.develMode() ? Severity.WARNING : Severity.ERROR, subj, ptr + "/gen_key_type",
          options.develMode() ? msg + " (tolerated in devel mode, values may be wrong)" : msg);
    }
    if (GenValType.LOOKUP.fgName().equals(val) || GenValType.MULTIHASH_LOOKUP.fgName().equals(val)) {
      Integer dim = f.embeddingDimension();
      if (dim == null || dim <= 0) {
        String got = dim == null ? "" : " (got " + dim + ")";
        String hint = f.has("embedding_dim") ? "; the key is \"embedding_dimension\", RecIS ignores \"embedding_dim\""
            + named(ptr, "embedding_dim")
            : dim == null ? "; " + typoHint(ptr, f.raw().keySet(), Keys.EMBEDDING_DIMENSION, "add e.g. \"embedding_dimension\": 16")
            : "; add e.g. \"embedding_dimension\": 16";
        fg(FG_LOOKUPDIM, Severity.ERROR, subj, ptr + "/embedding_dimension",
            s.label + ": gen_val_type=" + val + " requires a positive integer embedding_dimension" + got + hint);
      }
    }
    // RecIS splits and float()s boundaries on every feature it keeps, not only boundary ones
    if (GenKeyType.BOUNDARY.fgName().equals(key) || (f.get(Keys.BOUNDARIES) != null && !f.get(Keys.BOUNDARIES).isNull())) {
      checkBoundaries(s);
    }
  }

  private void checkBoundaries(FgIndex.Slot s) {
    FeatureConfig f = s.cfg;
    String ptr = s.pointer + "/boundaries";
    JsonNode b = f.get(Keys.BOUNDARIES);
    String fix = "; write them as one comma-separated string such as \"0.0,2.0,3.0\"";
    if (b == null || b.isNull()) {
      fg(FG_BOUND, Severity.ERROR, s.fullName, ptr, s.label + ": gen_key_type=boundary requires boundaries" + fix);
      return;
    }
    if (!b.isTextual()) {
      String suggestion = fix;
      if (b.isArray()) {
        StringBuilder joined = new StringBuilder();
        for (JsonNode x : b) {
          joined.append(joined.length() == 0 ? "" : ",").append(x.asText());
        }
        suggestion = "; RecIS splits a string on ',' so a JSON array fails: write \"boundaries\": \"" + joined + "\"";
      }
      fg(FG_BOUND, Severity.ERROR, s.fullName, ptr,
          s.label + ": boundaries must be a comma-separated string of numbers, but is " + Keys.describe(b) + suggestion);
      return;
    }
    String[] parts = b.textValue().split(",", -1);
    Double prev = null;
    boolean ascending = true;
    for (String part : parts) {
      Double v = PyFloat.parse(part);
      if (v == null) {
        fg(FG_BOUND, Severity.ERROR, s.fullName, ptr,
            s.label + ": boundaries must be a comma-separated string of numbers, but '" + part
                + "' is not a number to Python's float()" + fix);
        return;
      }
      ascending &= prev == null || v > prev;
      prev = v;
    }
    if (!ascending) {
      fg(FG_BOUND, Severity.WARNING, s.fullName, ptr,
          s.label + ": boundaries '" + b.textValue() + "' are not strictly ascending; bucketize expects sorted boundaries");
    }
  }

  private void checkNames(FgIndex index, FgIndex.Slot s, Map<String, FgIndex.Slot> seen, Map<String, FgIndex.Slot> sharedFirst,
      Set<String> hashWarned) {
    if (s.fullName == null) {
      return;
    }
    FgIndex.Slot prev = seen.putIfAbsent(s.fullName, s);
    if (prev != null) {
      fg(FG_NAMES, Severity.ERROR, s.fullName, s.pointer + "/feature_name",
          s.label + " is defined twice (first at " + place(index, prev.pointer + "/feature_name") + ")" + afterLowercasing()
              + "; full names (sequence_name + \"_\" + feature_name for sub-features) must be unique: rename one");
    }
    String val = s.cfg.genValType();
    if (!GenValType.LOOKUP.fgName().equals(val) && !GenValType.MULTIHASH_LOOKUP.fgName().equals(val)) {
      return;
    }
    String shared = s.cfg.sharedName();
    if (shared == null) {
      return;
    }
    boolean explicit = setsSharedName(s.cfg);
    if (prev != null && !explicit) {
      // its table is named after its name, so a clash there only repeats the duplicate name
      return;
    }
    FgIndex.Slot first = sharedFirst.putIfAbsent(shared, s);
    if (first == null) {
      return;
    }
    String diff = embeddingDiff(first, s);
    if (diff != null) {
      boolean firstExplicit = setsSharedName(first.cfg);
      String why = explicit && firstExplicit
          ? "both set shared_name '" + shared + "'"
          : sharing(first, firstExplicit, shared) + ", and " + sharing(s, explicit, shared);
      String firstAt = first.pointer + (firstExplicit ? "/shared_name" : "/feature_name");
      fg(FG_NAMES, Severity.ERROR, s.fullName, s.pointer + (explicit ? "/shared_name" : "/feature_name"),
          s.label + " shares embedding table '" + shared + "' with " + first.label + " (at " + place(index, firstAt)
              + ") but has " + diff + " (" + why + "); features sharing a table must agree on embedding_dimension,"
              + " emb_type, emb_device and filter_hook: make them agree, or give one of them a different shared_name");
    }
    // RecIS accepts this, but one raw id then lands in different rows of the one table: advice, once per table
    IdDiff hash = idDiff(first.cfg, s.cfg);
    if (hash != null && hashWarned.add(shared)) {
      fg(FG_SHAREDHASH, Severity.WARNING, s.fullName, s.pointer + "/" + hash.key(),
          "features '" + first.fullName + "' (" + hash.first() + ") and '" + s.fullName + "' (" + hash.later() + ") share table '"
              + shared + "' but " + hash.how() + " in each; give them the same " + hash.key());
    }
  }

  /** A key on which two features sharing a table turn values into rows differently, each side as "key value". */
  private record IdDiff(String key, String first, String later, String how) {}

  /**
   * How {@code b} turns values into row ids unlike {@code a}, following RecIS' id chain (reference
   * §1.2: {@code hash} is Hash(hash_type) then Mod(hash_bucket_size) if &gt; 0, {@code ev_hash_mod}
   * fixes the hash, {@code ev_hash} the hash and size 0, {@code idle} keeps ids as they are); null
   * when alike, or when a value another rule refuses (or multihash, whose tables are named apart)
   * makes the comparison moot.
   */
  private static @Nullable IdDiff idDiff(FeatureConfig a, FeatureConfig b) {
    GenKeyType ka = GenKeyType.fromFgName(String.valueOf(a.genKeyType()));
    GenKeyType kb = GenKeyType.fromFgName(String.valueOf(b.genKeyType()));
    if (ka == null || kb == null || isMultihash(a, ka) || isMultihash(b, kb)) {
      return null;
    }
    String values = "turn values into ids differently, so one value gets different rows";
    if (ka != kb) {
      return new IdDiff(Keys.GEN_KEY_TYPE, "gen_key_type '" + a.genKeyType() + "'", "gen_key_type '" + b.genKeyType() + "'", values);
    }
    String ids = "hash ids differently, so one id gets different rows";
    if (ka == GenKeyType.HASH && HashType.fromFgName(a.hashType()) != null && HashType.fromFgName(b.hashType()) != null
        && !a.hashType().equals(b.hashType())) {
      return new IdDiff(Keys.HASH_TYPE, hashTypeOf(a), hashTypeOf(b), ids);
    }
    if ((ka == GenKeyType.HASH || ka == GenKeyType.EV_HASH_MOD)
        && Math.max(0, a.hashBucketSize()) != Math.max(0, b.hashBucketSize())) {
      return new IdDiff(Keys.HASH_BUCKET_SIZE, bucketsOf(a), bucketsOf(b), ids);
    }
    if (ka == GenKeyType.BOUNDARY) {
      double[] ba = parseBoundaries(a.boundaries());
      double[] bb = parseBoundaries(b.boundaries());
      if (ba != null && bb != null && !Arrays.equals(ba, bb)) {
        return new IdDiff(Keys.BOUNDARIES, "boundaries '" + a.boundaries() + "'", "boundaries '" + b.boundaries() + "'",
            "bucketize values differently, so one value gets different rows");
      }
    }
    return null;
  }

  private static boolean isMultihash(FeatureConfig f, GenKeyType key) {
    return key == GenKeyType.MULTIHASH || GenValType.MULTIHASH_LOOKUP.fgName().equals(f.genValType()) || f.has(Keys.COMPRESS_STRATEGY);
  }

  private static String hashTypeOf(FeatureConfig f) {
    return (f.has(Keys.HASH_TYPE) ? "" : "default ") + "hash_type '" + f.hashType() + "'";
  }

  private static String bucketsOf(FeatureConfig f) {
    return f.has(Keys.HASH_BUCKET_SIZE) ? "hash_bucket_size " + f.hashBucketSize() : "no hash_bucket_size";
  }

  /** The numbers of a boundaries string; null when absent or not numbers (FG-BOUND reports that). */
  private static double @Nullable [] parseBoundaries(@Nullable String text) {
    if (text == null) {
      return null;
    }
    String[] parts = text.split(",", -1);
    double[] out = new double[parts.length];
    for (int i = 0; i < parts.length; i++) {
      Double v = PyFloat.parse(parts[i]);
      if (v == null) {
        return null;
      }
      out[i] = v;
    }
    return out;
  }

  private static boolean setsSharedName(FeatureConfig f) {
    return Raw.text(f.raw(), Keys.SHARED_NAME) != null;
  }

  /** Why {@code s} uses table {@code shared}; without shared_name RecIS names the table after the feature. */
  private static String sharing(FgIndex.Slot s, boolean explicit, String shared) {
    return explicit
        ? s.label + " sets shared_name '" + shared + "'"
        : s.label + " has no shared_name, so its table is named after its feature_name '" + shared + "'";
  }

  /** What RecIS' coalesced_info compares, with defaults applied, as "X where feature 'a' has Y"; null when equal. */
  private static @Nullable String embeddingDiff(FgIndex.Slot first, FgIndex.Slot s) {
    FeatureConfig a = first.cfg;
    FeatureConfig b = s.cfg;
    String where = " where " + first.label + " has ";
    if (!Objects.equals(a.embeddingDimension(), b.embeddingDimension())) {
      return (b.embeddingDimension() == null ? "no embedding_dimension" : "embedding_dimension " + b.embeddingDimension())
          + where + (a.embeddingDimension() == null ? "none" : a.embeddingDimension());
    }
    String ta = Objects.requireNonNullElse(a.embType(), "float");
    String tb = Objects.requireNonNullElse(b.embType(), "float");
    if (!ta.equals(tb)) {
      return "emb_type '" + tb + "'" + where + "'" + ta + "'";
    }
    String da = Objects.requireNonNullElse(a.embDevice(), "cuda");
    String db = Objects.requireNonNullElse(b.embDevice(), "cuda");
    if (!da.equals(db)) {
      return "emb_device '" + db + "'" + where + "'" + da + "'";
    }
    if (!Objects.equals(a.get(Keys.FILTER_HOOK), b.get(Keys.FILTER_HOOK))) {
      return "a different filter_hook from " + first.label;
    }
    return null;
  }

  /**
   * Where another fg.json entry is, for a message about this one: "line 3, column 5", or the JSON
   * pointer for configs built in code, which have no lines. The first call finds every entry's
   * keys in one pass over the text, so configs without such messages pay nothing.
   */
  private String place(FgIndex index, String pointer) {
    if (fgText == null) {
      return pointer;
    }
    if (places == null) {
      Set<String> wanted = new HashSet<>();
      for (String p : index.pointers.values()) {
        wanted.add(p + "/" + Keys.FEATURE_NAME);
        wanted.add(p + "/" + Keys.SEQUENCE_NAME);
        wanted.add(p + "/" + Keys.SHARED_NAME);
      }
      wanted.add(pointer);
      places = Locator.positions(fgText, wanted);
    }
    JsonLocation loc = places.get(pointer);
    return loc == null ? pointer : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  /**
   * {@code fix}, or a "did you mean" when a key RecIS does not read is a typo of the missing
   * {@code key} (RecIS ignores unknown keys, so the typo itself gets no message of its own).
   */
  private String typoHint(String objectPointer, Set<String> present, String key, String fix) {
    for (String k : present) {
      if (!Keys.FEATURE_KEYS.contains(k) && !Keys.SEQUENCE_KEYS.contains(k) && Typos.nearKey(k, key)) {
        return "\"" + k + "\" is not a key RecIS reads: did you mean \"" + key + "\"? Rename it" + named(objectPointer, k);
      }
    }
    return fix;
  }

  /** Notes that a message named {@code key} of the object at {@code objectPointer} as a typo; returns "". */
  private String named(String objectPointer, String key) {
    namedTypos.add(objectPointer + "/" + Json.escape(key));
    return "";
  }

  /**
   * FG-UNKNOWNKEY: a key RecIS does not read for this kind of object (a feature or a sequence
   * group) has no effect, so a misspelt key silently falls back to RecIS' default (a misspelt
   * hash_bucket_size means a dynamic hashtable). A warning, not an error: RecIS itself ignores such
   * keys, and files carry keys for other tools; RTP FG's own keys ({@link Keys#RTP_FEATURE_KEYS})
   * are expected and not reported. Keys another message already called a typo are not repeated.
   */
  private void checkUnknownKeys(Set<String> present, Set<String> known, Set<String> rtpKeys, @Nullable String subject,
      String label, String objectPointer) {
    for (String k : present) {
      if (known.contains(k) || rtpKeys.contains(k.toLowerCase(Locale.ROOT))
          || (rtp && VOCAB_KEYS.contains(k))) { // RTP-VOCAB, an error, says more
        continue;
      }
      String ptr = objectPointer + "/" + Json.escape(k);
      if (namedTypos.contains(ptr)) {
        continue;
      }
      boolean group = known == Keys.SEQUENCE_KEYS;
      Set<String> other = group ? Keys.FEATURE_KEYS : Keys.SEQUENCE_KEYS;
      String near = Keys.closest(k, known);
      String fix;
      if (other.contains(k)) { // the right key on the wrong object
        fix = group ? ": RecIS reads it only on the sub-features, so move it into each sub-feature that needs it"
            : ": RecIS reads it only on a sequence group (the object with \"sequence_name\"), so move it there";
      } else if (near != null) {
        fix = ": did you mean \"" + near + "\"? " + (present.contains(near) ? "\"" + near + "\" is set too: delete this one" : "Rename it");
      } else {
        fix = ": remove it, or ignore this warning if another tool reads it";
      }
      fg(FG_UNKNOWNKEY, Severity.WARNING, subject, ptr,
          label + ": \"" + k + "\" is not a key RecIS reads for " + (group ? "a sequence group" : "a feature")
              + ", so it has no effect" + fix);
    }
  }

  private String afterLowercasing() {
    return options.lowerCase() ? " (names compared after lowercasing, as lower_case=True does)" : "";
  }

  private static String requiredHint(String key) {
    return switch (key) {
      case Keys.FEATURE_NAME -> "add \"feature_name\": \"<column name>\"";
      case Keys.FEATURE_TYPE -> "add \"feature_type\": \"id_feature\" (sparse ids) or \"raw_feature\" (dense values)";
      case Keys.VALUE_TYPE -> "add \"value_type\": \"String\", \"Double\" or \"Integer\"";
      case Keys.GEN_KEY_TYPE -> "add \"gen_key_type\": \"hash\", \"boundary\" or \"idle\"";
      default -> "add \"gen_val_type\": \"lookup\" (embedding) or \"idle\" (raw value)";
    };
  }

  private String caseHint(String value, boolean lowerWouldWork) {
    return lowerWouldWork
        // shown by the CLI and the annotation processor alike, so name both switches
        ? "; RecIS compares it case-sensitively: write '" + value.toLowerCase(Locale.ROOT) + "', or, if you build_fg(lower_case=True),"
            + " turn lower_case on here too (CLI --lower-case, @RecModel(lowerCase = true))"
        : "";
  }

  private void checkRtp(FgIndex.Slot s) {
    FeatureConfig f = s.cfg;
    String subj = s.fullName;
    String key = f.genKeyType();
    String val = f.genValType();
    boolean multihash = GenKeyType.MULTIHASH.fgName().equals(key)
        || GenValType.MULTIHASH_LOOKUP.fgName().equals(val) || f.has(Keys.COMPRESS_STRATEGY);
    if (multihash) {
      String at = f.has(Keys.COMPRESS_STRATEGY) ? "/compress_strategy" : GenKeyType.MULTIHASH.fgName().equals(key) ? "/gen_key_type" : "/gen_val_type";
      fg(RTP_MH, Severity.ERROR, subj, s.pointer + at,
          s.label + ": multihash (compress_strategy/gen_key_type=multihash) is not supported by main-search RTP;"
              + " use gen_key_type \"hash\" with one hash_bucket_size and gen_val_type \"lookup\", without compress_strategy");
    } else if (GenKeyType.EV_HASH.fgName().equals(key)) {
      fg(RTP_HB0, Severity.ERROR, subj, s.pointer + "/gen_key_type",
          s.label + ": gen_key_type ev_hash always uses hash_bucket_size 0 (dynamic hashtable); main-search RTP requires"
              + " hash_bucket_size > 0: use \"ev_hash_mod\" or \"hash\" with a hash_bucket_size");
    } else if (GenValType.LOOKUP.fgName().equals(val) && key != null && HB0_KEY_TYPES.contains(key) && f.hashBucketSize() <= 0) {
      // only 0 (or absent) means a dynamic hashtable in RecIS; a negative count is just wrong
      String what = !f.has(Keys.HASH_BUCKET_SIZE) ? "hash_bucket_size is missing, so RecIS uses 0 (dynamic hashtable)"
          : f.hashBucketSize() < 0
              ? "hash_bucket_size " + f.hashBucketSize() + " is invalid: it is a number of buckets and cannot be negative"
          : "hash_bucket_size is 0 (dynamic hashtable)";
      String fix = !f.has(Keys.HASH_BUCKET_SIZE)
          ? typoHint(s.pointer, f.raw().keySet(), Keys.HASH_BUCKET_SIZE, bucketFix(s, key)) : bucketFix(s, key);
      fg(RTP_HB0, Severity.ERROR, subj, s.pointer + "/hash_bucket_size",
          s.label + ": " + what + "; main-search RTP requires hash_bucket_size > 0: " + fix);
    }
    String embType = f.embType();
    if (embType != null && !embType.equals("float")) {
      fg(RTP_F32, Severity.WARNING, subj, s.pointer + "/emb_type",
          s.label + ": emb_type '" + embType + "': RTP sparse weights are expected to be float32; remove emb_type or set \"float\"");
    }
    String ft = f.featureType();
    if (ft != null && !RTP_FEATURE_TYPES.contains(ft)) {
      fg(RTP_FTYPE, Severity.WARNING, subj, s.pointer + "/feature_type",
          s.label + ": feature_type '" + ft + "' is not an RTP FG type (id_feature, raw_feature, combo_feature,"
              + " match_feature, lookup_feature, overlap_feature)");
    }
    for (String vocab : VOCAB_KEYS) {
      if (f.has(vocab)) {
        fg(RTP_VOCAB, Severity.ERROR, subj, s.pointer + "/" + vocab,
            s.label + ": " + vocab + " is not supported when exporting to RTP (RecIS ignores it in training, so online"
                + " ids would not match); remove it and hash the raw value with hash_bucket_size");
      }
    }
    if (f.has(Keys.HASH_TYPE) && !f.hashType().equals(HashType.FARMHASH.fgName()) && !f.hashType().equals("farm")) {
      fg(RTP_FARM, Severity.WARNING, subj, s.pointer + "/hash_type",
          s.label + ": hash_type '" + f.hashType() + "': RTP online hashing is farmhash; use \"farmhash\" so offline and online ids agree");
    }
  }

  /**
   * RTP-HB0's fix, in terms of the feature: no fixed number fits every feature (a million buckets
   * for a gender is as wrong as ten for a user id), so it says what to count.
   */
  private static String bucketFix(FgIndex.Slot s, String genKeyType) {
    String whose = s.fullName != null ? "'" + s.fullName + "'" : "the feature";
    return GenKeyType.HASH.fgName().equals(genKeyType) || GenKeyType.EV_HASH_MOD.fgName().equals(genKeyType)
        ? "set \"hash_bucket_size\" to the number of distinct values " + whose
            + " can take, or a few times that to keep hash collisions rare"
        : "set \"hash_bucket_size\" above the largest id " + whose + " can take"
            + (GenKeyType.IDLE.fgName().equals(genKeyType) ? " (gen_key_type idle uses the ids as they are)" : "");
  }

  // ---- mc.json ---------------------------------------------------------------------------------

  /**
   * @param topLevelMalformed the parser already reported that mc.json is not an object, so an
   *     empty block map says nothing more
   * @param fgUnread fg.json has no feature list to read (already reported), so every reference
   *     would be unknown: references are not checked, as when fg.json is not JSON at all
   */
  void checkMc(FgIndex index, McConfig mc, Set<String> malformedBlocks, boolean topLevelMalformed, boolean fgUnread) {
    if (!structural) {
      return;
    }
    if (mc.blocks().isEmpty() && !topLevelMalformed) {
      mc(MC_EMPTY, null, "", "mc.json declares no blocks, so the dense net would get no inputs;"
          + " map each block name to its features, like {\"user\": [\"user_id\"]}");
    }
    Map<String, String> shortToFull = null; // built on first miss only
    int unknownRefs = 0;
    // RecIS keeps a sequence sub-feature only when a block is named after its sequence
    // (MCParser.has_seq_fea), wherever the sub-feature itself is listed
    Set<String> keptGroups = mc.blocks().keySet();
    Map<String, Integer> listed = new HashMap<>(); // one block's entries, for MC-DUP
    for (Map.Entry<String, List<String>> e : mc.blocks().entrySet()) {
      String block = e.getKey();
      String ptr = "/" + Json.escape(block);
      if (!IDENTIFIER.matcher(block).matches() || RESERVED.contains(block)) {
        mc(MC_IDENT, block, ptr,
            "block name '" + block + "' is not usable as an exported graph input name; block names become"
                + " Python parameter names: use letters, digits and '_', not starting with a digit, and not a Python keyword,"
                + " 'self' or 'torch'");
      }
      List<String> entries = e.getValue();
      if (entries.isEmpty()) {
        if (!malformedBlocks.contains(block)) {
          mc(MC_EMPTY, block, ptr, "block '" + block + "' has no features; list at least one feature or remove the block");
        }
        continue;
      }
      // a malformed block's entries lost their JSON indices (MC-FORMAT comes first)
      if (!malformedBlocks.contains(block)) {
        checkRepeats(index, mc, block, entries, listed, fgUnread);
      }
      if (fgUnread) {
        continue;
      }
      boolean seqBlock = index.sequences.containsKey(block);
      long[] blockShape = null;
      String firstName = null;
      for (int i = 0; i < entries.size(); i++) {
        String entry = entries.get(i);
        String full = index.resolve(block, entry);
        FgIndex.Slot slot = index.byName.get(full);
        if (slot == null) {
          if (shortToFull == null) {
            shortToFull = new HashMap<>();
            for (FgIndex.Slot x : index.slots) {
              if (x.seq != null && x.cfg.featureName() != null && x.fullName != null) {
                shortToFull.putIfAbsent(x.cfg.featureName(), x.fullName);
              }
            }
          }
          mc(MC_REF, block, ptr + "/" + i,
              "block '" + block + "' references unknown feature '" + full + "'"
                  + refHint(index, block, entry, seqBlock, shortToFull, unknownRefs++ < TYPO_HINTS));
          continue;
        }
        if (slot.mistyped) {
          continue;
        }
        if (slot.seq != null && !keptGroups.contains(slot.seq.sequenceName())) {
          String seq = slot.seq.sequenceName();
          mc(MC_REF, block, ptr + "/" + i,
              "block '" + block + "' uses '" + full + "' of sequence group '" + seq + "', but no block is"
                  + " named '" + seq + "', so RecIS drops the group and fails with \"feature name: " + full
                  + " not used in mc\"; add a block \"" + seq + "\" with the sub-features the sequence tower reads");
          continue;
        }
        long[] shape = slot.shape();
        if (blockShape == null) {
          blockShape = shape;
          firstName = full;
        } else if (!sameMiddle(blockShape, shape)) {
          mc(MC_SHAPE, block, ptr + "/" + i,
              "block '" + block + "': '" + full + "' shape " + Shapes.format(shape)
                  + " cannot be concatenated with block shape " + Shapes.format(blockShape) + " (from '" + firstName
                  + "'); features in one block need the same rank and sequence length: put sequence features in a block named after their sequence");
        }
      }
    }
  }

  /**
   * MC-DUP: RecIS concatenates every entry of a block (BlockBuilder.block_concat), so a feature
   * listed twice is in the block twice, and the block is wider than meant.
   */
  private void checkRepeats(FgIndex index, McConfig mc, String block, List<String> entries, Map<String, Integer> listed,
      boolean fgUnread) {
    listed.clear();
    Set<String> reported = null;
    for (int i = 0; i < entries.size(); i++) {
      String entry = entries.get(i);
      Integer first = listed.putIfAbsent(entry, i);
      if (first == null || (reported != null && reported.contains(entry))) {
        continue;
      }
      if (reported == null) {
        reported = new HashSet<>();
      }
      reported.add(entry);
      int count = java.util.Collections.frequency(entries, entry);
      String ptr = "/" + Json.escape(block);
      FgIndex.Slot slot = fgUnread ? null : index.byName.get(index.resolve(block, entry));
      String width = slot == null || slot.mistyped ? "" : ", which makes it " + (long) slot.width() * (count - 1) + " wider";
      mc(MC_DUP, Severity.WARNING, block, ptr + "/" + i,
          "block '" + block + "' lists '" + entry + "' " + FgParser.times(count) + " (first at " + placeMc(mc, ptr + "/" + first)
              + ")" + afterLowercasing() + "; RecIS concatenates every entry, so the block gets '" + entry + "' "
              + FgParser.times(count) + width + ": " + (count == 2 ? "remove one" : "keep one"));
    }
  }

  /** Like {@link #place} for an mc.json entry; the first call finds every entry in one pass. */
  private String placeMc(McConfig mc, String pointer) {
    if (mcText == null) {
      return pointer;
    }
    if (mcPlaces == null) {
      Set<String> wanted = new HashSet<>();
      mc.blocks().forEach((block, entries) -> {
        for (int i = 0; i < entries.size(); i++) {
          wanted.add("/" + Json.escape(block) + "/" + i);
        }
      });
      wanted.add(pointer);
      mcPlaces = Locator.positions(mcText, wanted);
    }
    JsonLocation loc = mcPlaces.get(pointer);
    return loc == null ? pointer : "line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  /**
   * "Did you mean" hints compare a miss with every feature name; past this many misses the mc.json
   * likely belongs to another fg.json, and the hints would make the check O(misses x features).
   */
  private static final int TYPO_HINTS = 50;

  private static String refHint(
      FgIndex index, String block, String entry, boolean seqBlock, Map<String, String> shortToFull, boolean suggest) {
    if (seqBlock) {
      if (index.byName.containsKey(entry) && entry.startsWith(block + "_")) {
        return "; block '" + block + "' is named after a sequence, so RecIS adds the prefix itself: write '"
            + entry.substring(block.length() + 1) + "'";
      }
      SequenceConfig seq = index.sequences.get(block);
      String near = null;
      if (suggest) {
        List<String> subs = new ArrayList<>();
        for (FeatureConfig f : seq.features()) {
          if (f.featureName() != null) {
            subs.add(f.featureName());
          }
        }
        near = Typos.uniqueNear(entry, subs);
      }
      return (near == null ? "; entries" : "; did you mean '" + near + "'? Entries")
          + " of a block named after sequence '" + block + "' are short names of its sub-features (" + subNames(seq) + ")";
    }
    if (index.sequences.containsKey(entry)) {
      return "; '" + entry + "' is a sequence group: name a block '" + entry + "' to use its sub-features, or list full names such as '"
          + entry + "_<sub-feature>'";
    }
    String full = shortToFull.get(entry);
    if (full != null) {
      return "; did you mean the sequence sub-feature '" + full + "'? Outside a sequence block, sub-features need their '<sequence>_' prefix";
    }
    String near = suggest ? Typos.uniqueNear(entry, index.byName.keySet()) : null;
    return near != null
        ? "; did you mean '" + near + "'? If not, define it in fg.json"
        : "; define it in fg.json or fix the name (names are case-sensitive)";
  }

  private static String subNames(SequenceConfig seq) {
    StringBuilder sb = new StringBuilder();
    int n = 0;
    for (FeatureConfig f : seq.features()) {
      if (n++ == 10) {
        return sb.append(", ...").toString();
      }
      sb.append(n == 1 ? "" : ", ").append(f.featureName());
    }
    return sb.toString();
  }

  private static boolean sameMiddle(long[] a, long[] b) {
    if (a.length != b.length) {
      return false;
    }
    for (int i = 0; i < a.length - 1; i++) {
      if (a[i] != b[i]) {
        return false;
      }
    }
    return true;
  }
}
