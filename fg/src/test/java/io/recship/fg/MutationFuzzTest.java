package io.recship.fg;

import static io.recship.fg.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever happens to a valid fg.json/mc.json text, the parser, the checker and
 * FeatureGenerator either succeed or throw {@link FgConfigException}; never another exception. Each
 * mutation kind runs a fixed number of seeded cases, so a failure names a reproducible seed.
 */
class MutationFuzzTest {
  private static final int CASES = 400;
  private static final String ALPHABET = "{}[]\":,0123456789-+.eE abcxyzAZ_\\/\n\tnul\u00e9\u0000";
  private static final Pattern TOKEN = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|-?\\d+(?:\\.\\d+)?|[{}\\[\\]:,]|true|false|null");

  private static final String FG = ctrFg().text();
  private static final String MC = ctrMc().text();

  private static String deleteChars(String s, Random r) {
    StringBuilder sb = new StringBuilder(s);
    for (int n = 1 + r.nextInt(3); n > 0 && sb.length() > 0; n--) {
      sb.deleteCharAt(r.nextInt(sb.length()));
    }
    return sb.toString();
  }

  private static String insertChars(String s, Random r) {
    StringBuilder sb = new StringBuilder(s);
    for (int n = 1 + r.nextInt(3); n > 0; n--) {
      sb.insert(r.nextInt(sb.length() + 1), ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  private static String replaceChars(String s, Random r) {
    StringBuilder sb = new StringBuilder(s);
    for (int n = 1 + r.nextInt(3); n > 0; n--) {
      sb.setCharAt(r.nextInt(sb.length()), ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  /** Swaps two JSON tokens: often still valid JSON, with values of the wrong type in known keys. */
  private static String swapTokens(String s, Random r) {
    List<int[]> spans = new ArrayList<>();
    Matcher m = TOKEN.matcher(s);
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
    }
    int[] a = spans.get(r.nextInt(spans.size()));
    int[] b = spans.get(r.nextInt(spans.size()));
    if (a[0] > b[0]) {
      int[] t = a;
      a = b;
      b = t;
    }
    if (a[0] == b[0] || a[1] > b[0]) {
      return s;
    }
    return s.substring(0, a[0]) + s.substring(b[0], b[1]) + s.substring(a[1], b[0]) + s.substring(a[0], a[1]) + s.substring(b[1]);
  }

  /** Replaces one token by another token from the file (keeps the JSON valid more often than swaps). */
  private static String copyToken(String s, Random r) {
    List<int[]> spans = new ArrayList<>();
    Matcher m = TOKEN.matcher(s);
    while (m.find()) {
      spans.add(new int[] {m.start(), m.end()});
    }
    int[] target = spans.get(r.nextInt(spans.size()));
    int[] source = spans.get(r.nextInt(spans.size()));
    return s.substring(0, target[0]) + s.substring(source[0], source[1]) + s.substring(target[1]);
  }

  private static String truncate(String s, Random r) {
    return s.substring(0, r.nextInt(s.length()));
  }

  private static void assertOnlyOwnException(String kind, BiFunction<String, Random, String> mutation) {
    int parsedOk = 0;
    for (int seed = 0; seed < CASES; seed++) {
      Random r = new Random(seed * 31L + kind.hashCode());
      boolean mutateMc = r.nextInt(4) == 0;
      String fg = mutateMc ? FG : mutation.apply(FG, r);
      String mc = mutateMc ? mutation.apply(MC, r) : MC;
      FgOptions options = new FgOptions(r.nextBoolean(), r.nextBoolean());
      try {
        List<Finding> findings = RuleChecker.check(new ConfigSource("fg.json", fg), new ConfigSource("mc.json", mc), options, RuleSet.rtpMainSearch());
        parsedOk++;
        for (Finding f : findings) {
          assertThat(f.message()).isNotBlank();
          assertThat(f.hasPosition()).as("finding %s has a line/column", f).isTrue();
        }
        if (!RuleChecker.hasErrors(findings)) {
          FeatureGenerator.load(new ConfigSource("fg.json", fg), new ConfigSource("mc.json", mc), options).blocks();
        }
        FgParser.parseFg(new ConfigSource("fg.json", fg), options);
        FgParser.parseMc(new ConfigSource("mc.json", mc), options);
      } catch (FgConfigException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      } catch (RuntimeException | AssertionError e) {
        fail("%s seed %d: %s on mutated %s:%n%s", kind, seed, e, mutateMc ? "mc.json" : "fg.json", mutateMc ? mc : fg, e);
      }
    }
    // the property would be vacuous if every mutant were rejected before the checker ran
    if (!kind.equals("truncate")) {
      assertThat(parsedOk).as("%s: mutants that reached the rule checker", kind).isGreaterThan(0);
    }
  }

  @Test
  void deletingCharactersOnlyEverRaisesFgConfigException() {
    assertOnlyOwnException("delete", MutationFuzzTest::deleteChars);
  }

  @Test
  void insertingCharactersOnlyEverRaisesFgConfigException() {
    assertOnlyOwnException("insert", MutationFuzzTest::insertChars);
  }

  @Test
  void replacingCharactersOnlyEverRaisesFgConfigException() {
    assertOnlyOwnException("replace", MutationFuzzTest::replaceChars);
  }

  @Test
  void swappingTokensOnlyEverRaisesFgConfigException() {
    assertOnlyOwnException("swap", MutationFuzzTest::swapTokens);
  }

  @Test
  void copyingTokensOnlyEverRaisesFgConfigException() {
    assertOnlyOwnException("copy", MutationFuzzTest::copyToken);
  }

  @Test
  void truncatingOnlyEverRaisesFgConfigException() {
    assertOnlyOwnException("truncate", MutationFuzzTest::truncate);
  }
}
