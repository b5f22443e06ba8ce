package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recship.fg.FeatureGenerator;
import io.recship.fg.FgConfigException;
import io.recship.fg.FgOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class DeclaredConfigCheckTest {
  private static final String FG = "io/recship/export/fg.json";
  private static final String MC = "io/recship/export/mc.json";
  private static final Path DIR = Path.of("src/test/resources/io/recship/export");

  private static FeatureGenerator loaded(boolean lowerCase) {
    return FeatureGenerator.load(DIR.resolve("fg.json"), DIR.resolve("mc.json"),
        FgOptions.DEFAULT.withLowerCase(lowerCase));
  }

  private static DeclaredConfig declared(String fg, boolean lowerCase) {
    return new DeclaredConfig(TinyModel.class, "TinyModelExporter", fg, MC, "RTP_MAIN_SEARCH",
        lowerCase);
  }

  private static FeatureGenerator loadedStale() {
    return FeatureGenerator.load(DIR.resolve("stale/fg.json"), DIR.resolve("stale/mc.json"),
        FgOptions.DEFAULT);
  }

  private static DeclaredConfig declaredStale(String target) {
    return new DeclaredConfig(TinyModel.class, "TinyModelExporter",
        "io/recship/export/stale/fg.json", "io/recship/export/stale/mc.json", target, false);
  }

  @Test
  void acceptsTheDeclaredFgWithTheDeclaredLowerCase() {
    assertThatCode(() -> DeclaredConfigCheck.check("TinyModel", declared(FG, false), loaded(false)))
        .doesNotThrowAnyException();
    assertThatCode(() -> DeclaredConfigCheck.check("TinyModel", declared(FG, true), loaded(true)))
        .doesNotThrowAnyException();
  }

  @Test
  void theDeclaredFeatureGeneratorIsReadFromTheClasspathAndPassesTheCheck() {
    for (boolean lowerCase : new boolean[] {false, true}) {
      FeatureGenerator fg = declared(FG, lowerCase).featureGenerator();
      assertThat(fg.options().lowerCase()).isEqualTo(lowerCase);
      assertThat(fg.features()).hasSameSizeAs(loaded(lowerCase).features());
      assertThatCode(() -> DeclaredConfigCheck.check("TinyModel", declared(FG, lowerCase), fg))
          .doesNotThrowAnyException();
    }
    assertThatThrownBy(() -> declared("io/recship/export/nope.json", false).featureGenerator())
        .isInstanceOf(FgConfigException.class)
        .hasMessageContaining("io/recship/export/nope.json")
        .hasMessageContaining("is not on the classpath");
  }

  @Test
  void refusesFeatureGeneratorLoadedWithoutTheDeclaredLowerCase() {
    assertThatThrownBy(() ->
            DeclaredConfigCheck.check("TinyModel", declared(FG, true), loaded(false)))
        .isInstanceOf(ExportException.class)
        .hasMessageStartingWith("prepare: @RecModel on io.recship.export.TinyModel declares"
            + " lowerCase = true")
        .hasMessageContaining("loaded with lowerCase = false")
        .hasMessageContaining("FgOptions.DEFAULT.withLowerCase(true)");
  }

  @Test
  void refusesLowerCasedFeatureGeneratorWhenTheModelDeclaresNone() {
    assertThatThrownBy(() ->
            DeclaredConfigCheck.check("TinyModel", declared(FG, false), loaded(true)))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("declares lowerCase = false")
        .hasMessageContaining("FgOptions.DEFAULT.withLowerCase(false)");
  }

  @Test
  void refusesAnotherFgThanDeclared() {
    assertThatThrownBy(() -> DeclaredConfigCheck.check("TinyModel",
            declared("io/recship/serving/other-fg.json", false), loaded(false)))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("was built from another FG")
        .hasMessageContaining("other-fg.json");
  }

  @Test
  void noDeclarationNoCheck() {
    assertThatCode(() -> DeclaredConfigCheck.check("TinyModel", null, loaded(true)))
        .doesNotThrowAnyException();
  }

  @Test
  void refusesConfigsThatBreakTheTargetRulesAsACompilerSkippedSinceTheyChanged() {
    // stale/fg.json sets hash_bucket_size 0 (a RecIS dynamic table), which RTP forbids; javac would
    // have failed on it, so the exporter was compiled against an earlier config
    assertThatThrownBy(() -> DeclaredConfigCheck.check("TinyModel",
            declaredStale("RTP_MAIN_SEARCH"), loadedStale()))
        .isInstanceOf(ExportException.class)
        .hasMessageStartingWith("prepare: the configs named by @RecModel on"
            + " io.recship.export.TinyModel break the RTP_MAIN_SEARCH rules (1 error)")
        .hasMessageContaining("Maven without clean")
        .hasMessageContaining("[RTP-HB0] io/recship/export/stale/fg.json:7:74: feature 'gender'");
  }

  @Test
  void theSameConfigsPassWhenTheDeclaredTargetAllowsThem() {
    assertThatCode(() -> DeclaredConfigCheck.check("TinyModel", declaredStale("RECIS"),
            loadedStale()))
        .doesNotThrowAnyException();
  }

  @Test
  void refusesAnotherMcThanDeclared() {
    DeclaredConfig otherMc = new DeclaredConfig(TinyModel.class, "TinyModelExporter", FG,
        "io/recship/export/other-mc.json", "RTP_MAIN_SEARCH", false);
    assertThatThrownBy(() -> DeclaredConfigCheck.check("TinyModel", otherMc, loaded(false)))
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("was built from another MC")
        .hasMessageContaining("other-mc.json");
  }
}
