package io.recship.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetTest {
  @TempDir Path dir;

  static final Schema SCHEMA = Schema.of(List.of(
          Column.of("user", ColumnType.STRING),
          Column.of("price", ColumnType.DOUBLE),
          Column.of("age", ColumnType.INTEGER),
          Column.of("tags", ColumnType.STRING),
          Column.sequence("seq", ColumnType.STRING)))
      .withLabels("click")
      .withIds("sid");

  private Path jsonl(String... lines) throws IOException {
    Path p = dir.resolve("d.jsonl");
    Files.write(p, List.of(lines));
    return p;
  }

  @Test
  void readsJsonLinesIntoTypedValues() throws IOException {
    Path p = jsonl(
        "{\"user\":\"u1\",\"price\":2.5,\"age\":30,\"tags\":[\"a\",\"b\"],\"seq\":[\"i1\",[\"i2\",\"i3\"]],\"click\":1,\"sid\":7}",
        "",
        "{\"user\":42,\"price\":\"3\",\"age\":\"31\",\"tags\":\"c\",\"seq\":[],\"click\":0,\"sid\":\"s8\"}");
    Dataset ds = Dataset.builder(SCHEMA).jsonLines(p).batchSize(10).build();
    Batch b = ds.first();
    assertThat(b.size()).isEqualTo(2);
    assertThat(b.value("user", 0)).isEqualTo("u1");
    assertThat(b.value("user", 1)).isEqualTo("42");
    assertThat(b.value("price", 1)).isEqualTo(3.0);
    assertThat(b.value("age", 0)).isEqualTo(30L);
    assertThat(b.value("tags", 0)).isEqualTo(List.of("a", "b"));
    assertThat(b.value("seq", 0)).isEqualTo(List.of("i1", List.of("i2", "i3")));
    assertThat(b.labels("click")).containsExactly(1f, 0f);
    assertThat(b.ids("sid")).containsExactly("7", "s8");
    assertThat(b.source(1)).isEqualTo(p + ":3");
  }

  @Test
  void badRowFailsWithFileLineAndColumnByDefault() throws IOException {
    Path p = jsonl(
        "{\"user\":\"u1\",\"price\":1,\"age\":3,\"tags\":[],\"seq\":[],\"click\":1,\"sid\":1}",
        "{\"user\":\"u2\",\"price\":\"cheap\",\"age\":3,\"tags\":[],\"seq\":[],\"click\":1,\"sid\":2}");
    Dataset ds = Dataset.builder(SCHEMA).jsonLines(p).build();
    assertThatThrownBy(ds::first)
        .isInstanceOfSatisfying(DataException.class, e -> {
          assertThat(e.line()).isEqualTo(2);
          assertThat(e.column()).isEqualTo("price");
        })
        .hasMessage(p + ":2: column 'price': 'cheap' is not a number");
  }

  @Test
  void missingColumnAndBadJsonAreReported() throws IOException {
    Path p = jsonl("{\"user\":\"u1\",\"age\":3,\"tags\":[],\"seq\":[],\"click\":1,\"sid\":1}");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(p).build().first())
        .hasMessage(p + ":1: column 'price': missing column");
    Path misspelt = jsonl("{\"user\":\"u1\",\"prize\":1,\"age\":3,\"tags\":[],\"seq\":[],\"click\":1,\"sid\":1}");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(misspelt).build().first())
        .hasMessage(misspelt + ":1: column 'price': missing column; the sample has a column 'prize' that nothing reads:"
            + " is it a misspelling of 'price'?");
    Path renamed = jsonl("{\"user\":\"u1\",\"cost\":1,\"age\":3,\"tags\":[],\"seq\":[],\"click\":1,\"sid\":1}");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(renamed).build().first())
        .hasMessage(renamed + ":1: column 'price': missing column; the sample's columns that no feature, label or id"
            + " reads: [cost] (is one of them misspelt?)");
    Path nullValue = jsonl("{\"user\":\"u1\",\"price\":null,\"age\":3,\"tags\":[],\"seq\":[],\"click\":1,\"sid\":1}");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(nullValue).build().first())
        .hasMessage(nullValue + ":1: column 'price': is null; give it a value");
    Path q = jsonl("{\"user\":");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(q).build().first())
        .hasMessageStartingWith(q + ":1:9: not valid JSON");
    Path r = jsonl("{\"user\":\"u1\",\"price\":1,\"age\":2.5,\"tags\":[],\"seq\":[],\"click\":1,\"sid\":1}");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(r).build().first())
        .hasMessageContaining("column 'age': expected integer, got number 2.5");
  }

  @Test
  void malformedJsonLineIsReportedAtLineAndColumnInPlainWordsWithoutJacksonsLocationText() throws IOException {
    // an unclosed array is where Jackson appends "(start marker at [Source: REDACTED ...])"
    Path p = jsonl("", "{\"user\":\"u1\",\"tags\":[\"a\",\"b\"");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(p).build().first())
        .isInstanceOfSatisfying(DataException.class, e -> assertThat(e.line()).isEqualTo(2))
        .hasMessage(p + ":2:29: not valid JSON: the line ends inside an array: ']' is missing");
    Path q = jsonl("{\"user\":{\"a\":1}");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(q).build().first())
        .hasMessage(q + ":1:16: not valid JSON: the line ends inside an object: '}' is missing"
            + " (each sample must be one whole object on one line)");
    Path r = jsonl("{user:\"u1\"}");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(r).build().first())
        .hasMessage(r + ":1:2: not valid JSON: unexpected 'u': expected a field name in double quotes");
    Path s = jsonl("{\"user\":u1}");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(s).build().first())
        .hasMessage(s + ":1:9: not valid JSON: 'u1' is not a JSON value (strings need double quotes)");
  }

  @Test
  void datasetWithoutABatchNamesItsFileAndTheSettingToChange() throws IOException {
    Path empty = jsonl();
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(empty).build().first())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("the dataset Dataset[" + empty + ", batchSize 256] produced no batch: it holds"
            + " no rows; check the file");
    Path one = jsonl("{\"user\":\"u1\",\"price\":1.5,\"age\":3,\"tags\":\"a\",\"seq\":[\"x\"],"
        + "\"click\":1,\"sid\":\"s1\"}");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(one).batchSize(4).dropLast(true)
            .build().first())
        .hasMessageContaining("holds fewer rows than the batch size 4 and dropLast drops a partial"
            + " batch; lower batchSize or turn dropLast off");
  }

  @Test
  void aFileRewrittenInPlaceWhileReadIsRefusedAtItsEnd() throws IOException {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      rows.add("{\"user\":\"u" + i + "\",\"price\":1,\"age\":2,\"tags\":\"a\",\"seq\":[],"
          + "\"click\":0,\"sid\":" + i + "}");
    }
    Path p = jsonl(rows.toArray(String[]::new));
    Dataset ds = Dataset.builder(SCHEMA).jsonLines(p).batchSize(10).build();
    try (Dataset.BatchIterator it = ds.iterator()) {
      it.next();
      Files.write(p, rows.subList(0, 300)); // same file, truncated and rewritten
      assertThatThrownBy(() -> {
        while (it.hasNext()) {
          it.next();
        }
      }).isInstanceOf(DataException.class)
          .hasMessageContaining(p + ":")
          .hasMessageContaining("the file was modified while it was read");
    }
    // a whole pass over the new file is fine
    long n = 0;
    for (Batch b : ds) {
      n += b.size();
    }
    assertThat(n).isEqualTo(300);
  }

  @Test
  void twoObjectsOnOneLineAreAnErrorNotASilentlyDroppedSample() throws IOException {
    Path p = jsonl("{\"user\":\"u1\"}{\"user\":\"u2\"}");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(p).build().first())
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith(p + ":1:")
        .hasMessageEndingWith("not valid JSON: more text after the sample's object; each sample is"
            + " one object on its own line");
  }

  @Test
  void unknownJacksonMessagesStillLoseTheirLocationAndFeatureNames() throws IOException {
    Path p = jsonl("{\"price\":NaN}");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(p).build().first())
        .hasMessage(p + ":1:13: not valid JSON: 'NaN' is not a JSON value (JSON has no NaN or Infinity)");
    Path q = jsonl("{\"age\":01}");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(q).build().first())
        .hasMessageStartingWith(q + ":1:")
        .hasMessageContaining("not valid JSON: invalid numeric value")
        .hasMessageNotContaining("Source")
        .hasMessageNotContaining("`");
  }

  @Test
  void missingFileIsNamedWithItsAbsolutePathAndNoLineNumber() {
    Path p = Path.of("no-such-dir-here", "nope.jsonl");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(p).build().first())
        .isInstanceOfSatisfying(DataException.class, e -> assertThat(e.line()).isZero())
        .hasMessage(p + ": no such file (absolute path " + p.toAbsolutePath() + "); check the path");
    Path c = Path.of("no-such-dir-here", "nope.csv");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).csv(c).build().first())
        .hasMessage(c + ": no such file (absolute path " + c.toAbsolutePath() + "); check the path");
  }

  @Test
  void aFolderGivenAsJsonLinesIsNamedAsSuch() {
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).jsonLines(dir).build().first())
        .hasMessage(dir + ": is a folder, not a data file; give a file");
  }

  @Test
  void skipPolicyCountsBadRows() throws IOException {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      String price = i % 3 == 0 ? "\"x\"" : "1";
      lines.add("{\"user\":\"u\",\"price\":" + price + ",\"age\":3,\"tags\":[],\"seq\":[],\"click\":1,\"sid\":" + i + "}");
    }
    Path p = jsonl(lines.toArray(String[]::new));
    Dataset ds = Dataset.builder(SCHEMA).jsonLines(p).batchSize(4).onBadRow(BadRowPolicy.SKIP).build();
    List<String> ids = new ArrayList<>();
    for (Batch b : ds) {
      ids.addAll(b.ids("sid"));
    }
    assertThat(ids).containsExactly("1", "2", "4", "5", "7", "8");
    assertThat(ds.skippedRows()).isEqualTo(4);
  }

  @Test
  void readsCsvWithConfigurableSeparators() throws IOException {
    Path p = dir.resolve("d.csv");
    Files.write(p, List.of(
        "sid,user,price,age,tags,seq,click",
        "1,u1,2.5,30,a|b,i1;i2|i3,1",
        "2,u2,3,31,,,0",
        "3,u3,oops,31,,,0"));
    Dataset ds = Dataset.builder(SCHEMA).csv(p).multiValueSeparator("|").sequenceSeparator(";").batchSize(2).build();
    Dataset.BatchIterator it = ds.iterator();
    Batch b = it.next();
    assertThat(b.value("tags", 0)).isEqualTo(List.of("a", "b"));
    assertThat(b.value("seq", 0)).isEqualTo(List.of("i1", List.of("i2", "i3")));
    assertThat(b.value("tags", 1)).isEqualTo(List.of());
    assertThat(b.value("seq", 1)).isEqualTo(List.of());
    assertThat(b.value("price", 1)).isEqualTo(3.0);
    assertThatThrownBy(it::next).hasMessage(p + ":4: column 'price': 'oops' is not a number");
    it.close();
    Path bad = dir.resolve("h.csv");
    Files.write(bad, List.of("sid,user", "1,u"));
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).csv(bad).build().first())
        .hasMessageContaining(bad + ":1: column 'price': missing column in the header");
  }

  @Test
  void brokenCsvQuoteIsReportedByLineWithoutJacksonsLocationText() throws IOException {
    Path p = dir.resolve("q.csv");
    Files.write(p, List.of("sid,user,price,age,tags,seq,click", "1,\"u1,2.5,30,a,b,1"));
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).csv(p).build().first())
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith(p + ":")
        .hasMessageContaining("unreadable CSV: ")
        .hasMessageNotContaining("Source")
        .hasMessageNotContaining("location");
  }

  @Test
  void aCsvFileAppendedToWhileReadIsRefusedAtItsEnd() throws IOException {
    List<String> rows = new ArrayList<>(List.of("sid,user,price,age,tags,seq,click"));
    for (int i = 0; i < 1000; i++) {
      rows.add(i + ",u" + i + ",1,2,a,,0");
    }
    Path p = dir.resolve("m.csv");
    Files.write(p, rows);
    Dataset ds = Dataset.builder(SCHEMA).csv(p).batchSize(10).build();
    try (Dataset.BatchIterator it = ds.iterator()) {
      it.next();
      // same file, grown: the pass would silently cover more rows than the one before
      Files.write(p, rows.subList(1, 101), java.nio.file.StandardOpenOption.APPEND);
      assertThatThrownBy(() -> {
        while (it.hasNext()) {
          it.next();
        }
      }).isInstanceOf(DataException.class)
          .hasMessageContaining("the file was modified while it was read");
    }
  }

  @Test
  void negativeShuffleBufferIsRefusedLikeABadBatchSize() {
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).shuffleBuffer(-3, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("shuffle buffer must be >= 0 rows (0 or 1: no shuffle), got -3");
    assertThatThrownBy(() -> Dataset.builder(SCHEMA).batchSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("batch size must be >= 1, got 0");
  }

  @Test
  void shuffleIsSeededAndBatchesCoverEveryRowOnce() {
    SyntheticCtr gen = SyntheticCtr.of(5);
    Dataset a = gen.dataset(0, 100).batchSize(16).shuffleBuffer(32, 9).build();
    Dataset b = gen.dataset(0, 100).batchSize(16).shuffleBuffer(32, 9).build();
    List<String> ia = ids(a, 0);
    assertThat(ia).isEqualTo(ids(b, 0));
    assertThat(ia).hasSize(100).doesNotHaveDuplicates();
    assertThat(ia).isNotEqualTo(ids(gen.dataset(0, 100).batchSize(16).build(), 0));
    assertThat(ids(a, 1)).isNotEqualTo(ia).containsExactlyInAnyOrderElementsOf(ia);
    try (Dataset.BatchIterator it = a.batches(0)) {
      assertThat(it.skip(2)).isEqualTo(2);
      assertThat(it.next().ids("sample_id")).isEqualTo(ia.subList(32, 48));
    }
  }

  @Test
  void syntheticDataRoundTripsThroughJsonLines() {
    SyntheticCtr gen = SyntheticCtr.of(3);
    Path p = dir.resolve("ctr.jsonl");
    gen.writeJsonLines(p, 10, 50);
    Dataset fromFile = Dataset.builder(SyntheticCtr.schema()).jsonLines(p).batchSize(50).build();
    Batch f = fromFile.first();
    Batch m = gen.dataset(10, 50).batchSize(50).build().first();
    for (int r = 0; r < 50; r++) {
      for (Column c : SyntheticCtr.schema().columns()) {
        assertThat(f.value(c.name(), r)).isEqualTo(m.value(c.name(), r));
      }
    }
    assertThat(f.labels("click")).containsExactly(m.labels("click"));
    float mean = 0;
    for (float l : gen.dataset(0, 4000).batchSize(4000).build().first().labels("click")) {
      mean += l / 4000;
    }
    assertThat(mean).isBetween(0.15f, 0.6f); // clicks are neither rare nor the norm
  }

  private static List<String> ids(Dataset ds, long epoch) {
    List<String> out = new ArrayList<>();
    try (Dataset.BatchIterator it = ds.batches(epoch)) {
      it.forEachRemaining(b -> out.addAll(b.ids("sample_id")));
    }
    return out;
  }

  // ---- sequences: one entry per step in every sub-feature ----

  /** A sequence 's' of two sub-features, as Schema.fromFg makes it. */
  static final Schema SEQ = Schema.of(List.of(
          Column.of("user", ColumnType.STRING),
          Column.sequence("s_item", ColumnType.STRING),
          Column.sequence("s_cat", ColumnType.STRING)))
      .withSequences(java.util.Map.of("s", List.of("s_item", "s_cat")))
      .withLabels("click");

  private static final String SEQ_MISMATCH = "sequence 's': its sub-features have different lengths ('s_item' has 2 steps,"
      + " 's_cat' has 1 step); give every sub-feature one entry per step of the sequence, since each is padded or truncated"
      + " on its own and the steps would fall out of line";

  @Test
  void sequenceSubFeaturesOfDifferentLengthsInOneRowAreABadRowNamingBoth() throws IOException {
    Path p = jsonl(
        "{\"user\":\"u1\",\"s_item\":[\"a\",\"b\"],\"s_cat\":[\"c1\",\"c2\"],\"click\":1}",
        "{\"user\":\"u2\",\"s_item\":[\"a\",\"b\"],\"s_cat\":[\"c1\"],\"click\":1}");
    assertThatThrownBy(() -> Dataset.builder(SEQ).jsonLines(p).build().first())
        .isInstanceOfSatisfying(DataException.class, e -> assertThat(e.line()).isEqualTo(2))
        .hasMessage(p + ":2: " + SEQ_MISMATCH);
  }

  @Test
  void sequenceLengthsAreCheckedInCsvAndInMemorySamplesToo() throws IOException {
    Path p = dir.resolve("s.csv");
    Files.write(p, List.of("user,s_item,s_cat,click", "u1,a;b,c1;c2,1", "u2,a;b,c1,0"));
    assertThatThrownBy(() -> Dataset.builder(SEQ).csv(p).build().first()).hasMessage(p + ":3: " + SEQ_MISMATCH);
    List<java.util.Map<String, Object>> samples = List.of(
        java.util.Map.of("user", "u1", "s_item", List.of("a"), "s_cat", List.of("c1"), "click", 1),
        java.util.Map.of("user", "u2", "s_item", List.of("a", "b"), "s_cat", List.of("c1"), "click", 1));
    assertThatThrownBy(() -> Batch.of(SEQ, samples)).hasMessage("sample 2 (index 1): " + SEQ_MISMATCH);
  }

  @Test
  void schemaFromFgGroupsSequenceSubFeatureColumns() {
    assertThat(SyntheticCtr.schema().sequences())
        .containsExactly(java.util.Map.entry("click_seq", List.of("click_seq_item_id", "click_seq_category")));
  }

  // ---- in-memory samples are named by number and index, not as a file line ----

  @Test
  void aBadInMemorySampleIsNamedByItsNumberAndListIndex() {
    Schema schema = Schema.of(List.of(Column.of("user", ColumnType.STRING), Column.of("age", ColumnType.INTEGER)));
    List<java.util.Map<String, Object>> samples = List.of(
        java.util.Map.of("user", "u1", "age", 30),
        java.util.Map.of("user", "u2"));
    assertThatThrownBy(() -> Batch.of(schema, samples))
        .isInstanceOfSatisfying(DataException.class, e -> assertThat(e.line()).isEqualTo(2))
        .hasMessage("sample 2 (index 1): column 'age': missing value");
    assertThatThrownBy(() -> Dataset.inMemory(schema, samples))
        .hasMessage("sample 2 (index 1): column 'age': missing value");
  }

  // ---- missing columns when scoring (no labels read) ----

  @Test
  void aMissingColumnWhenScoringDoesNotCallTheLabelColumnsMisspelt() throws IOException {
    Schema scoring = Schema.of(SCHEMA.columns());
    Path p = jsonl("{\"user\":\"u1\",\"age\":3,\"tags\":[],\"seq\":[],\"click\":1,\"conversion\":0}");
    assertThatThrownBy(() -> Dataset.builder(scoring).jsonLines(p).build().first())
        .hasMessage(p + ":1: column 'price': missing column");
    Path near = jsonl("{\"user\":\"u1\",\"prise\":1,\"age\":3,\"tags\":[],\"seq\":[],\"click\":1}");
    assertThatThrownBy(() -> Dataset.builder(scoring).jsonLines(near).build().first())
        .hasMessage(near + ":1: column 'price': missing column; the sample has a column 'prise' that nothing reads:"
            + " is it a misspelling of 'price'?");
  }

  // ---- skipped rows reported to a listener ----

  @Test
  void skippedRowsGoToTheListenerWithFileLineAndProblem() throws IOException {
    Path p = jsonl(
        "{\"user\":\"u\",\"price\":1,\"age\":3,\"tags\":[],\"seq\":[],\"click\":1,\"sid\":1}",
        "{\"user\":\"u\",\"price\":\"cheap\",\"age\":3,\"tags\":[],\"seq\":[],\"click\":1,\"sid\":2}",
        "{\"user\":",
        "{\"user\":\"u\",\"price\":2,\"age\":3,\"tags\":[],\"seq\":[],\"click\":1,\"sid\":4}");
    List<DataException> bad = new ArrayList<>();
    Dataset ds = Dataset.builder(SCHEMA).jsonLines(p).onBadRow(BadRowPolicy.SKIP, bad::add).build();
    assertThat(ds.first().ids("sid")).containsExactly("1", "4");
    assertThat(bad).extracting(DataException::line).containsExactly(2L, 3L);
    assertThat(bad.get(0).problem()).isEqualTo("column 'price': 'cheap' is not a number");
    assertThat(bad.get(1).problem()).startsWith("not valid JSON: ");
    assertThat(bad.get(1).charColumn()).isEqualTo(9);
    assertThat(ds.skippedRows()).isEqualTo(2);
  }
}
