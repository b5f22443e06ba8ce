package io.recship.fg;

import static io.recship.fg.Fixtures.ctrFg;
import static io.recship.fg.Fixtures.ctrMc;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#readTree} streams with jackson-core instead of calling {@code ObjectMapper.readTree}
 * (an ObjectMapper's cold start dominated compile-time checks). These tests hold it to the
 * mapper it replaced: same node classes, key order and values, and for bad input the same message,
 * line and column.
 */
class JsonReadTreeTest {
  /** The mapper fg used to read with. */
  private static final JsonMapper ORACLE =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final String ALPHABET = "{}[]\":,0123456789-+.eE abcxyzAZ_\\/\n\tnul\u00e9\u0000\ufeff";

  @Test
  void buildsTheSameNodeTypesAsObjectMapperForNumbers() {
    String text = "{\"i\": 1, \"neg\": -2147483648, \"l\": 2147483648, \"big\": 92233720368547758070,"
        + " \"d\": 1.5, \"e\": 1e12, \"E\": 1E-3, \"z\": -0.0, \"nan\": NaN, \"inf\": -Infinity,"
        + " \"longdec\": 3.14159265358979323846264338327950288}";
    JsonNode tree = Json.readTree("fg.json", text);
    assertSameTree(tree, oracleTree(text));
    assertThat(tree.get("i").isInt()).isTrue();
    assertThat(tree.get("l").isLong()).isTrue();
    assertThat(tree.get("big").isBigInteger()).isTrue();
    assertThat(tree.get("e").isDouble()).isTrue();
  }

  @Test
  void keepsKeyOrderAndLetsTheLastDuplicateWinInTheFirstPosition() {
    String text = "{\"b\": 1, \"a\": {\"x\": [1, \"s\", null, true, false, {}, []]}, \"b\": \"two\", \"c\": 3}";
    JsonNode tree = Json.readTree("fg.json", text);
    assertSameTree(tree, oracleTree(text));
    assertThat(tree.fieldNames()).toIterable().containsExactly("b", "a", "c");
    assertThat(tree.get("b").asText()).isEqualTo("two");
  }

  @Test
  void recordsEachDuplicateKeyWithItsObjectAndTheFirstAndSecondPosition() {
    String text = "{\"b\": 1,\n \"a\": {\"x\": 1, \"x\": 2, \"x\": 3},\n \"b\": \"two\", \"c/d\": [{\"y\": 1,\n \"y\": 2}]}";
    Json.Tree tree = Json.read("fg.json", text);
    assertSameTree(tree.root(), oracleTree(text));
    // in the order of second occurrences; pointers escaped as RFC 6901 says
    assertThat(tree.duplicates()).containsExactly(
        new Json.Duplicate("/a", "x", 3, 2, 8, 2, 16),
        new Json.Duplicate("", "b", 2, 1, 2, 3, 2),
        new Json.Duplicate("/c~1d/0", "y", 2, 3, 23, 4, 2));
    assertThat(tree.duplicates().get(2).pointer()).isEqualTo("/c~1d/0/y");
  }

  @Test
  void aDuplicateInsideAValueALaterDuplicateReplacedIsGoneWithIt() {
    String text = "{\"a\": {\"x\": 1, \"x\": 2}, \"a\": {\"x\": 3}}";
    Json.Tree tree = Json.read("fg.json", text);
    assertSameTree(tree.root(), oracleTree(text));
    assertThat(tree.duplicates()).containsExactly(new Json.Duplicate("", "a", 2, 1, 2, 1, 25));
  }

  @Test
  void noDuplicatesNoRecordAndNoList() {
    Json.Tree tree = Json.read("fg.json", ctrFg().text());
    assertThat(tree.duplicates()).isEmpty();
    assertThat(tree.duplicates()).as("the shared empty list: nothing allocated").isSameAs(List.of());
    // the same key in different objects is no duplicate
    assertThat(Json.read("fg.json", "{\"a\": {\"x\": 1}, \"b\": {\"x\": 1}, \"c\": [{\"x\": 1}, {\"x\": 2}]}").duplicates()).isEmpty();
  }

  @Test
  void readsScalarRootsAndAnInputWithoutValueAsTheMapperDid() {
    for (String text : List.of("null", "1", "\"s\"", "[1,2]", "true", "\ufeff{}", "\ufeff", "/")) {
      assertSameOutcome(text);
    }
  }

  @Test
  void reportsMalformedJsonWithTheMappersMessageLineAndColumn() {
    for (String text : List.of(
        "{\"features\": [}", "{\"a\": 1}\n{\"b\": 2}", "{} x", "{}  ]", "[1 2]", "{\"a\" 1}",
        "{\"a\": tru}", "{\"a\": 01}", "{\"a\": \"unterminated", "{\"a\": 1,}", "{'a': 1}",
        "{\"a\": 1} // comment", "{\"a\": \"\u0001\"}", "{\"a\": 1", "[" .repeat(1001) + "]".repeat(1001),
        "{\"n\": " + "9".repeat(1001) + "}")) {
      assertSameOutcome(text);
    }
  }

  @Test
  void agreesWithTheMapperOnMutatedConfigs() {
    List<String> seeds = List.of(ctrFg().text(), ctrMc().text());
    for (int seed = 0; seed < 2000; seed++) {
      Random r = new Random(seed);
      StringBuilder sb = new StringBuilder(seeds.get(seed % 2));
      for (int n = 1 + r.nextInt(3); n > 0 && sb.length() > 0; n--) {
        int at = r.nextInt(sb.length());
        switch (r.nextInt(3)) {
          case 0 -> sb.deleteCharAt(at);
          case 1 -> sb.insert(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
          default -> sb.setCharAt(at, ALPHABET.charAt(r.nextInt(ALPHABET.length())));
        }
      }
      assertSameOutcome(sb.toString());
    }
  }

  private static void assertSameOutcome(String text) {
    JsonNode expected;
    try {
      expected = ORACLE.readTree(text);
    } catch (JsonProcessingException e) {
      FgConfigException actual = catchThrowableOfType(FgConfigException.class, () -> Json.readTree("fg.json", text));
      assertThat(actual).as("error for %s", text).isNotNull();
      int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
      int col = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
      assertThat(actual.line()).as("line for %s", text).isEqualTo(line);
      assertThat(actual.column()).as("column for %s", text).isEqualTo(col);
      String original = e.getOriginalMessage();
      int nl = original.indexOf('\n');
      String first = Json.withPlainLocations(nl < 0 ? original : original.substring(0, nl));
      assertThat(actual.getMessage()).as("message for %s", text)
          .contains(e instanceof StreamConstraintsException
              ? "is beyond what a config holds: " + first + ". An fg.json"
              : "malformed JSON: " + first + ". Fix")
          .doesNotContain("[Source:");
      return;
    }
    assertSameTree(Json.readTree("fg.json", text), expected);
  }

  private static JsonNode oracleTree(String text) {
    try {
      return ORACLE.readTree(text);
    } catch (JsonProcessingException e) {
      throw new AssertionError(e);
    }
  }

  /** Node classes and key order too: {@code JsonNode.equals} ignores object key order. */
  private static void assertSameTree(JsonNode actual, JsonNode expected) {
    assertThat(flatten(actual)).isEqualTo(flatten(expected));
  }

  private static List<String> flatten(JsonNode node) {
    List<String> out = new ArrayList<>();
    flatten(node, "", out);
    return out;
  }

  private static void flatten(JsonNode node, String ptr, List<String> out) {
    String value = node.isContainerNode() ? "" : node.isNumber() ? node.numberValue().toString() : node.asText();
    out.add(ptr + " " + node.getClass().getSimpleName() + " " + value);
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        flatten(e.getValue(), ptr + "/" + e.getKey(), out);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        flatten(node.get(i), ptr + "/" + i, out);
      }
    }
  }
}
