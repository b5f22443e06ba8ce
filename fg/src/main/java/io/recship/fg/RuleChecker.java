package io.recship.fg;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks fg.json and mc.json against what RecIS accepts ({@link RuleSet#STRUCTURAL}) and what
 * main-search RTP serving accepts ({@link RuleSet#RTP_MAIN_SEARCH}); ids and messages follow
 * recis-reference §7. Every rule violation is a {@link Finding}; findings come in document order,
 * fg.json first.
 *
 * <table>
 *   <caption>Rules</caption>
 *   <tr><th>id</th><th>set</th><th>severity</th><th>what</th></tr>
 *   <tr><td>FG-TYPE</td><td>structural</td><td>error</td><td>a known key has the wrong JSON type (e.g. {@code "hash_bucket_size": "abc"}); the feature's other checks wait until it is fixed</td></tr>
 *   <tr><td>FG-REQ</td><td>structural</td><td>error</td><td>missing feature_name, feature_type, value_type, gen_key_type, gen_val_type; sequence groups: feature_name, sequence_length &gt; 0, non-empty features</td></tr>
 *   <tr><td>FG-ENUM</td><td>structural</td><td>error</td><td>value_type, gen_key_type, gen_val_type, hash_type, combiner, emb_type, emb_device, compress_strategy syntax</td></tr>
 *   <tr><td>FG-HASHTYPE-FARM</td><td>structural</td><td>error</td><td>{@code hash_type: "farm"}</td></tr>
 *   <tr><td>FG-STRIDLE</td><td>structural</td><td>error (warning in devel mode)</td><td>String with gen_key_type idle or mask</td></tr>
 *   <tr><td>FG-LOOKUPDIM</td><td>structural</td><td>error</td><td>lookup without a positive embedding_dimension</td></tr>
 *   <tr><td>FG-BOUND</td><td>structural</td><td>error (warning: not ascending)</td><td>boundary without a comma string of numbers</td></tr>
 *   <tr><td>FG-NAMES</td><td>structural</td><td>error</td><td>duplicate full names or sequence names; shared_name with conflicting embedding config</td></tr>
 *   <tr><td>FG-SHAREDHASH</td><td>structural</td><td>warning</td><td>features sharing a table turn values into ids differently
 *       (gen_key_type, hash_type, hash_bucket_size, boundaries): RecIS accepts it, but one id gets other rows; once per table</td></tr>
 *   <tr><td>FG-DUPKEY</td><td>structural</td><td>warning</td><td>a key written twice in one object (a feature, a sequence group,
 *       the top level): RecIS, like Python's json, keeps the last value; reported at the second occurrence with the first's line and column</td></tr>
 *   <tr><td>FG-UNKNOWNKEY</td><td>structural</td><td>warning</td><td>a key RecIS does not read for that object (a feature or a
 *       sequence group), usually misspelt (RecIS then uses the default: a misspelt hash_bucket_size means a dynamic hashtable);
 *       names the nearest key RecIS reads, if one is close. RTP FG's own keys (expression, sequence_delim, ...) are not reported</td></tr>
 *   <tr><td>MC-FORMAT, MC-EMPTY, MC-REF, MC-SHAPE, MC-IDENT</td><td>structural</td><td>error</td><td>mc.json shape and references;
 *       MC-FORMAT includes a block name written twice whose earlier definition lists a feature the last lacks,
 *       since RecIS keeps only the last block of that name</td></tr>
 *   <tr><td>MC-DUP</td><td>structural</td><td>warning</td><td>a block lists one feature twice (RecIS concatenates it twice, so the
 *       block is wider), a block written twice whose last definition keeps every entry, or a {@code
 *       {"column_name": ...}} entry repeating a key</td></tr>
 *   <tr><td>RTP-HB0</td><td>rtp</td><td>error</td><td>lookup with hashed/raw ids and hash_bucket_size 0; any ev_hash</td></tr>
 *   <tr><td>RTP-MH</td><td>rtp</td><td>error</td><td>multihash</td></tr>
 *   <tr><td>RTP-VOCAB</td><td>rtp</td><td>error</td><td>vocab_dict / vocab_list / vocab_file: an error, as in §7 and TorchEasyRec's ValueError,
 *       because RecIS ignores the vocabulary while training, so online ids would silently differ</td></tr>
 *   <tr><td>RTP-F32, RTP-FTYPE, RTP-FARM, RTP-SEQNAME</td><td>rtp</td><td>warning</td><td>advisory (RTP behaviour unconfirmed)</td></tr>
 * </table>
 *
 * <p>RTP rules check every fg.json feature, used in mc or not: RecIS exports the raw fg.json, so
 * online RTP generates all of them. Structural rules ({@code FG-*}) are errors only for the
 * features mc.json uses, which are all RecIS parses; on the others they warn.
 */
public final class RuleChecker {
  private RuleChecker() {}

  /**
   * Checks files. Throws {@link FgConfigException} only when a file is not JSON at all (syntax
   * error, empty); everything else, wrong JSON types included, is a finding with line and column.
   *
   * @param mc null to check fg.json alone (no MC-* rules)
   */
  public static List<Finding> check(ConfigSource fg, @Nullable ConfigSource mc, FgOptions options, Set<RuleSet> sets) {
    FgParser.ParsedFg pf = FgParser.readFg(fg, options);
    FgParser.ParsedMc pm = mc == null ? null : FgParser.readMc(mc, options);
    Rules rules = run(pf, pm, options, sets);
    List<Finding> out = new ArrayList<>(Locator.locate(pf.text(), fgFindings(pf, pm, rules)));
    if (pm != null) {
      out.addAll(Locator.locate(pm.text(), mcFindings(pm, rules)));
    }
    return List.copyOf(out);
  }

  /**
   * Checks configs built in code (or parsed earlier). Findings carry JSON pointers but no line
   * numbers. With {@code options.lowerCase()} the configs are lowercased first, as RecIS would.
   */
  public static List<Finding> check(FgConfig fg, @Nullable McConfig mc, FgOptions options, Set<RuleSet> sets) {
    FgConfig f = options.lowerCase() ? Lowering.lower(fg) : fg;
    McConfig m = mc == null ? null : options.lowerCase() ? Lowering.lower(mc) : mc;
    Rules rules = new Rules(f.sourceName(), null, m == null ? "mc.json" : m.sourceName(), null, options, sets);
    FgIndex index = new FgIndex(f, FgIndex.pointersOf(f), Collections.newSetFromMap(new IdentityHashMap<>()));
    McScope scope = m == null ? McScope.ALL : McScope.of(index, m);
    rules.checkFg(index, true, scope);
    if (m != null) {
      rules.checkMc(index, m, Set.of(), false, false);
    }
    List<Finding> out = new ArrayList<>(rules.scope.downgrade(rules.fgFindings));
    out.addAll(rules.mcFindings);
    return List.copyOf(out);
  }

  /**
   * Adds line and column to findings about {@code source} from their JSON pointers: for findings a
   * tool makes itself (say, from data) that should point into the config like the rules' do.
   * Findings about other files are returned as they are.
   */
  public static List<Finding> locate(ConfigSource source, List<Finding> findings) {
    List<Finding> mine = new ArrayList<>();
    for (Finding f : findings) {
      if (f.file().equals(source.fileName())) {
        mine.add(f);
      }
    }
    List<Finding> located = Locator.locate(source.text(), mine);
    List<Finding> out = new ArrayList<>(findings.size());
    int next = 0;
    for (Finding f : findings) {
      out.add(f.file().equals(source.fileName()) ? located.get(next++) : f);
    }
    return List.copyOf(out);
  }

  /** True if any finding is an error. */
  public static boolean hasErrors(List<Finding> findings) {
    for (Finding f : findings) {
      if (f.isError()) {
        return true;
      }
    }
    return false;
  }

  static Rules run(FgParser.ParsedFg pf, FgParser.@Nullable ParsedMc pm, FgOptions options, Set<RuleSet> sets) {
    Rules rules = new Rules(pf.config().sourceName(), pf.text(), pm == null ? "mc.json" : pm.config().sourceName(),
        pm == null ? null : pm.text(), options, sets);
    FgIndex index = new FgIndex(pf.config(), pf.pointers(), pf.mistyped());
    // a top level that is not an object has no "features" key by nature: FG-TYPE says it all
    rules.checkFg(index, pf.hasFeaturesKey() || topLevelMalformed(pf.problems()), scope(index, pm));
    if (pm != null) {
      rules.checkMc(index, pm.config(), pm.malformedBlocks(), topLevelMalformed(pm), !pf.featureListRead());
    }
    return rules;
  }

  private static McScope scope(FgIndex index, FgParser.@Nullable ParsedMc pm) {
    return pm == null || topLevelMalformed(pm) ? McScope.ALL : McScope.of(index, pm.config());
  }

  /**
   * fg.json's findings, the parser's and the rules': with a readable mc.json, structural errors on
   * features it does not use are warnings ({@link McScope}).
   */
  static List<Finding> fgFindings(FgParser.ParsedFg pf, FgParser.@Nullable ParsedMc pm, Rules rules) {
    List<Finding> all = new ArrayList<>(pf.problems());
    all.addAll(pf.warnings());
    all.addAll(rules.fgFindings);
    return rules.scope.downgrade(all);
  }

  /** mc.json's findings, the parser's and the rules'. */
  static List<Finding> mcFindings(FgParser.ParsedMc pm, Rules rules) {
    List<Finding> all = new ArrayList<>(pm.problems());
    all.addAll(pm.warnings());
    all.addAll(rules.mcFindings);
    return all;
  }

  private static boolean topLevelMalformed(FgParser.ParsedMc pm) {
    return topLevelMalformed(pm.problems());
  }

  /** The parser found the top level is not an object (its only finding at the root). */
  private static boolean topLevelMalformed(List<Finding> parserProblems) {
    for (Finding f : parserProblems) {
      if (f.pointer().isEmpty()) {
        return true;
      }
    }
    return false;
  }
}
