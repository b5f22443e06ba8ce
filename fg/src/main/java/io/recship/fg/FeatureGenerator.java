package io.recship.fg;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The resolved view RecIS' {@code build_fg} produces: fg.json filtered by mc.json (recis-reference
 * §2), features with full names and shapes, and mc blocks with their shapes, e.g. {@code
 * blockDim("user")} for the first dense layer. Creating one runs the {@link RuleSet#STRUCTURAL}
 * rules and refuses a config RecIS would refuse with an {@link FgConfigException} listing every
 * error; warnings are accepted.
 */
public final class FeatureGenerator {
  private final FgConfig fg;
  private final McConfig mc;
  private final FgOptions options;
  private final List<ResolvedFeature> features;
  private final Map<String, ResolvedFeature> byName;
  private final Map<String, BlockSpec> blocks;

  private FeatureGenerator(FgConfig fg, McConfig mc, FgOptions options, FgIndex index) {
    this.fg = fg;
    this.mc = mc;
    this.options = options;
    Set<String> used = new HashSet<>();
    mc.blocks().forEach((block, entries) -> entries.forEach(e -> used.add(index.resolve(block, e))));
    List<ResolvedFeature> list = new ArrayList<>();
    Map<String, ResolvedFeature> map = new HashMap<>();
    for (FgIndex.Slot s : index.slots) {
      if (s.fullName != null && used.contains(s.fullName)) {
        String seqName = s.seq == null ? null : s.seq.sequenceName();
        ResolvedFeature r = new ResolvedFeature(s.cfg, s.pointer, s.fullName, seqName, s.sequenceLength());
        list.add(r);
        map.put(r.name(), r);
      }
    }
    this.features = List.copyOf(list);
    this.byName = map;
    Map<String, BlockSpec> bs = new LinkedHashMap<>();
    mc.blocks().forEach((block, entries) -> {
      List<String> names = entries.stream().map(e -> index.resolve(block, e)).toList();
      long[] first = map.get(names.get(0)).shape();
      long[] shape = first.clone();
      long sum = 0;
      for (String n : names) {
        sum += map.get(n).width();
      }
      shape[shape.length - 1] = sum;
      bs.put(block, new BlockSpec(block, names, index.sequences.containsKey(block), shape));
    });
    this.blocks = bs;
  }

  /** Reads, checks and resolves fg.json and mc.json with default options. */
  public static FeatureGenerator load(Path fgJson, Path mcJson) {
    return load(fgJson, mcJson, FgOptions.DEFAULT);
  }

  public static FeatureGenerator load(Path fgJson, Path mcJson, FgOptions options) {
    return load(ConfigSource.read(fgJson), ConfigSource.read(mcJson), options);
  }

  /** Like {@link #load(Path, Path, FgOptions)} for text already read (e.g. classpath resources). */
  public static FeatureGenerator load(ConfigSource fgJson, ConfigSource mcJson, FgOptions options) {
    FgParser.ParsedFg pf = FgParser.readFg(fgJson, options);
    FgParser.ParsedMc pm = FgParser.readMc(mcJson, options);
    Rules rules = RuleChecker.run(pf, pm, options, RuleSet.recis());
    List<Finding> fgAll = RuleChecker.fgFindings(pf, pm, rules);
    List<Finding> mcAll = RuleChecker.mcFindings(pm, rules);
    if (RuleChecker.hasErrors(fgAll) || RuleChecker.hasErrors(mcAll)) {
      List<Finding> all = new ArrayList<>(Locator.locate(pf.text(), fgAll));
      all.addAll(Locator.locate(pm.text(), mcAll));
      throw refused(fgJson.fileName(), mcJson.fileName(), all);
    }
    return new FeatureGenerator(pf.config(), pm.config(), options,
        new FgIndex(pf.config(), pf.pointers(), pf.mistyped()));
  }

  /** Resolves configs built in code or parsed earlier; lowercases them first if the options say so. */
  public static FeatureGenerator of(FgConfig fg, McConfig mc, FgOptions options) {
    FgConfig f = options.lowerCase() ? Lowering.lower(fg) : fg;
    McConfig m = options.lowerCase() ? Lowering.lower(mc) : mc;
    List<Finding> findings = RuleChecker.check(f, m, options.withLowerCase(false), RuleSet.recis());
    if (RuleChecker.hasErrors(findings)) {
      throw refused(f.sourceName(), m.sourceName(), findings);
    }
    return new FeatureGenerator(f, m, options, new FgIndex(f, FgIndex.pointersOf(f), Set.of()));
  }

  private static FgConfigException refused(String fgName, String mcName, List<Finding> findings) {
    return FgConfigException.fromFindings(fgName + " + " + mcName + " would be refused by RecIS", findings);
  }

  public FgConfig fgConfig() {
    return fg;
  }

  public McConfig mcConfig() {
    return mc;
  }

  public FgOptions options() {
    return options;
  }

  /** The features mc uses, full names, in fg order (what RecIS keeps after filtering). */
  public List<ResolvedFeature> features() {
    return features;
  }

  /** A used feature by full name; throws with the known names if there is none. */
  public ResolvedFeature feature(String fullName) {
    ResolvedFeature f = byName.get(fullName);
    if (f == null) {
      throw new IllegalArgumentException("no feature '" + fullName + "' in the mc-filtered fg; used features: "
          + features.stream().map(ResolvedFeature::name).collect(Collectors.joining(", ")));
    }
    return f;
  }

  /** Blocks in mc order. */
  public List<BlockSpec> blocks() {
    return List.copyOf(blocks.values());
  }

  /** A block by name; throws with the known names if there is none. */
  public BlockSpec block(String name) {
    BlockSpec b = blocks.get(name);
    if (b == null) {
      throw new IllegalArgumentException("no mc block '" + name + "'; blocks: " + String.join(", ", blocks.keySet()));
    }
    return b;
  }

  /** The block's last dim, e.g. the input width of a dense tower fed with {@code blocks["user"]}. */
  public int blockDim(String name) {
    return block(name).dim();
  }

  @Override
  public String toString() {
    return "FeatureGenerator[" + features.size() + " features, blocks " + blocks.values() + "]";
  }
}
