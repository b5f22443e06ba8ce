package io.recship.fg;

import static io.recship.fg.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

class FgWriterTest {

  private static FgConfig reparse(FgConfig fg) {
    return FgParser.parseFg(new ConfigSource("written.json", FgWriter.write(fg)), FgOptions.DEFAULT);
  }

  @Test
  void exampleFgRoundTripsThroughTheWriter() {
    FgConfig fg = FgParser.parseFg(ctrFg(), FgOptions.DEFAULT);
    String written = FgWriter.write(fg);
    assertThat(reparse(fg)).isEqualTo(fg);
    assertThat(FgWriter.write(reparse(fg))).isEqualTo(written);
  }

  @Test
  void writtenFgKeepsKeyOrderAndUnknownKeys() {
    FgConfig fg = FgParser.parseFg(ctrFg(), FgOptions.DEFAULT);
    assertThat(FgWriter.write(fg))
        .startsWith("{\n  \"reserves\": [")
        .containsSubsequence("\"feature_name\": \"user_id\"", "\"feature_type\": \"id_feature\"", "\"expression\": \"user:user_id\"",
            "\"sequence_table\": \"item\"", "\"sequence_delim\": \";\"");
  }

  @Test
  void mcRoundTripsInBothModes() {
    McConfig list = FgParser.parseMc(ctrMc(), FgOptions.DEFAULT);
    assertThat(FgParser.parseMc(new ConfigSource("m", FgWriter.write(list)), FgOptions.DEFAULT)).isEqualTo(list);
    McConfig dict = FgParser.parseMc(mc("{\"u\": [{\"column_name\": \"a\"}]}"), FgOptions.DEFAULT);
    assertThat(FgParser.parseMc(new ConfigSource("m", FgWriter.write(dict)), FgOptions.DEFAULT)).isEqualTo(dict);
    assertThat(dict).isNotEqualTo(McConfig.builder().block("u", "a").build());
  }

  @Test
  void builderBuildsTheSameConfigAsTheExampleFile() {
    FgConfig built = FgConfig.builder()
        .extraKey("reserves", JsonNodeFactory.instance.arrayNode().add("request_id").add("user_id").add("item_id").add("label"))
        .feature("user_id", f -> f.idFeature().set("expression", "user:user_id").stringValue().hash(1_000_000).lookup(16))
        .feature("age", f -> f.rawFeature().set("expression", "user:age").integerValue()
            .genKeyType(GenKeyType.BOUNDARY).boundariesText("18,25,30,35,40,50,60").lookup(8))
        .feature("gender", f -> f.idFeature().set("expression", "user:gender").stringValue().hash(10).lookup(4))
        .feature("item_id", f -> f.idFeature().set("expression", "item:item_id").stringValue().hash(1_000_000).lookup(16).sharedName("item_id"))
        .feature("category", f -> f.idFeature().set("expression", "item:category").stringValue().hash(10_000).lookup(8).sharedName("category"))
        .feature("price", f -> f.rawFeature().set("expression", "item:price").doubleValue().passthrough().valueDimension(1))
        .sequence("click_seq", 20, s -> s.set("sequence_table", "item").set("sequence_delim", ";")
            .feature("item_id", f -> f.idFeature().set("expression", "item:item_id").stringValue().hash(1_000_000).lookup(16).sharedName("item_id"))
            .feature("category", f -> f.idFeature().set("expression", "item:category").stringValue().hash(10_000).lookup(8).sharedName("category")))
        .build();
    FgConfig parsed = FgParser.parseFg(ctrFg(), FgOptions.DEFAULT);
    assertThat(built).isEqualTo(parsed);
    assertThat(reparse(built)).isEqualTo(built);
    McConfig mc = McConfig.builder().block("user", "user_id", "age", "gender").block("item", "item_id", "category", "price")
        .block("click_seq", "item_id", "category").build();
    assertThat(mc).isEqualTo(FgParser.parseMc(ctrMc(), FgOptions.DEFAULT));
    assertThat(FeatureGenerator.of(built, mc, FgOptions.DEFAULT).blockDim("user")).isEqualTo(28);
  }

  @Test
  void builderBoundariesWriteRecisCommaString() {
    FeatureConfig f = FeatureConfig.of("age", b -> b.rawFeature().integerValue().boundaries(18, 25.5).lookup(4));
    assertThat(f.boundaries()).isEqualTo("18.0,25.5");
    assertThat(f.genKeyType()).isEqualTo("boundary");
  }

  @Test
  void toBuilderDerivesAChangedCopyAndLeavesTheOriginal() {
    FeatureConfig f = FeatureConfig.of("x", b -> b.idFeature().stringValue().hash(10).lookup(4));
    FeatureConfig g = f.toBuilder().hashBucketSize(20).toConfig();
    assertThat(f.hashBucketSize()).isEqualTo(10);
    assertThat(g.hashBucketSize()).isEqualTo(20);
  }

  @Test
  void configObjectsAreImmutable() {
    FgConfig fg = FgParser.parseFg(ctrFg(), FgOptions.DEFAULT);
    FeatureConfig f = (FeatureConfig) fg.entries().get(0);
    assertThatThrownBy(() -> fg.entries().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> f.unknownKeys().clear()).isInstanceOf(UnsupportedOperationException.class);
    ((com.fasterxml.jackson.databind.node.ArrayNode) fg.extraKeys().get("reserves")).removeAll();
    assertThat(fg.extraKeys().get("reserves")).hasSize(4);
  }

  @Test
  void sequenceBuilderRefusesFeaturesAsAPlainKey() {
    assertThatThrownBy(() -> FgConfig.builder().sequence("s", 3, s -> s.setJson("features", JsonNodeFactory.instance.arrayNode())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("feature(name, spec)");
  }
}
