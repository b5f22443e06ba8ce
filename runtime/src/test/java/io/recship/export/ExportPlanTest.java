package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recship.data.Dataset;
import io.recship.data.Schema;
import io.recship.sparse.SparseModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The builder a generated exporter returns: its messages and its {@code export()}. */
class ExportPlanTest {
  @TempDir Path tmp;
  TinyModel dense;
  SparseModel sparse;

  @BeforeEach
  void setUp() {
    dense = new TinyModel();
    sparse = SparseModel.fromFg(TinyModel.fg());
  }

  @AfterEach
  void tearDown() {
    dense.close();
  }

  /** What a generated {@code TinyModelExporter.builder(model)} returns. */
  private ExportPlan.Builder generated() {
    return ExportPlan.builder("io.recship.export.TinyModel", sparse, dense, dense::forward,
            List.of("ctr", "cvr"))
        .declaredConfig(new DeclaredConfig(TinyModel.class, "TinyModelExporter",
            "io/recship/export/fg.json", "io/recship/export/mc.json", "RTP_MAIN_SEARCH", false))
        .environment(Map.of());
  }

  @Test
  void generatedExporterNamesEveryMissingSetterInOneLine() {
    assertThatThrownBy(() -> generated().exportFolderName("fx_user_model").export())
        .isInstanceOf(ExportException.class)
        .hasMessage("plan: TinyModelExporter: set dataset(Dataset), ckptDir(Path), exportDir(Path)"
            + " before export()");
  }

  @Test
  void modelWhoseArchWasNeverAssignedFailsAtTheBuilderNamingTheArch() {
    assertThatThrownBy(() -> ExportPlan.builder("io.recship.export.TinyModel", null, dense,
            dense::forward, List.of("ctr", "cvr")))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("io.recship.export.TinyModel: the @SparseArch is null; assign it"
            + " (SparseModel.fromFg(fg)) before exporting");
    assertThatThrownBy(() -> ExportPlan.builder("io.recship.export.TinyModel", sparse, null,
            dense::forward, List.of("ctr", "cvr")))
        .isInstanceOf(NullPointerException.class)
        .hasMessageStartingWith("io.recship.export.TinyModel: the @DenseArch is null");
  }

  @Test
  void generatedExporterNamesOnlyTheSettersStillMissing() {
    assertThatThrownBy(() -> generated().ckptDir(tmp.resolve("ckpt")).export())
        .isInstanceOf(ExportException.class)
        .hasMessage("plan: TinyModelExporter: set dataset(Dataset), exportDir(Path) before export()");
  }

  @Test
  void generatedExporterListsOtherProblemsAfterTheMissingSetters() {
    assertThatThrownBy(() -> generated().exportModelName("../x").shardRank(2).shardCount(2).build())
        .isInstanceOf(ExportException.class)
        .hasMessageStartingWith("plan: TinyModelExporter: the export plan for model"
            + " 'io.recship.export.TinyModel' is invalid:\n"
            + "  - set dataset(Dataset), ckptDir(Path), exportDir(Path) before export()\n")
        .hasMessageContaining("exportModelName '../x' is not a plain file name")
        .hasMessageContaining("shardRank is 2 but shardCount is 2");
  }

  @Test
  void handBuiltPlanKeepsItsPerParameterMessages() {
    assertThatThrownBy(() -> ExportPlan.builder("TinyModel", sparse, dense, dense::forward,
                List.of("ctr"))
            .declaredConfig(TinyModel.class, "io/recship/export/fg.json",
                "io/recship/export/mc.json", "RTP_MAIN_SEARCH")
            .environment(Map.of())
            .build())
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("the export plan for model 'TinyModel' is invalid")
        .hasMessageContaining("dataset is required: pass .dataset(d)")
        .hasMessageNotContaining("before export()");
  }

  @Test
  void settersOfTheGeneratedBuilderReachThePlan() {
    Path ckpt = tmp.resolve("ckpt");
    Path out = tmp.resolve("out");
    Dataset data = Dataset.inMemory(Schema.fromFg(TinyModel.fg()), List.of()).build();
    ExportPlan plan = generated()
        .dataset(data).ckptDir(ckpt).exportDir(out)
        .exportFolderName("graph").exportModelName("m").filterSparseOpt(true)
        .shardRank(1).shardCount(3).overwrite(true)
        .build();

    assertThat(plan.dataset()).isSameAs(data);
    assertThat(plan.ckptDir()).isEqualTo(ckpt);
    assertThat(plan.exportDir()).isEqualTo(out);
    assertThat(plan.exportFolderName()).isEqualTo("graph");
    assertThat(plan.exportModelName()).isEqualTo("m");
    assertThat(plan.filterSparseOpt()).isTrue();
    assertThat(plan.shardRank()).isEqualTo(1);
    assertThat(plan.shardCount()).isEqualTo(3);
    assertThat(plan.overwrite()).isTrue();
    assertThat(plan.declaredConfig()).isNotNull();
    assertThat(plan.declaredConfig().exporter()).isEqualTo("TinyModelExporter");
  }
}
