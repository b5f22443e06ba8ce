package io.recship.examples.ctr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recship.export.ExportedFile;
import io.recship.fg.FeatureGenerator;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The example end to end at small scale: train, checkpoint, generated exporter, scoring the export. */
class CtrPipelineTest {
  @TempDir Path tmp;

  @Test
  void exportScoresEqualTheTrainingSideForwardAndBeatChanceOnHeldOutData() {
    List<String> log = new ArrayList<>();
    CtrPipeline.Settings s = CtrPipeline.Settings.defaults(tmp).withSteps(200).withSamples(20_000, 2_000);
    CtrPipeline.Result r = CtrPipeline.run(s, log::add);
    log.forEach(System.out::println);

    assertThat(r.maxAbsDiff()).containsOnlyKeys("ctr", "cvr");
    assertThat(r.maxAbsDiff().values()).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(CtrPipeline.PARITY_ATOL));
    assertThat(r.parityOk()).isTrue();
    // measured with seed 7 at this size: ctr 0.708, cvr 0.777 (the data's Bayes-optimal ctr AUC is 0.85)
    assertThat(r.heldOutAuc().get("ctr")).isGreaterThan(0.64);
    assertThat(r.heldOutAuc().get("cvr")).isGreaterThan(0.68);
    assertThat(r.exportFiles()).extracting(ExportedFile::path).contains(
        "fg.json", "fx_user_model/user_model.pt", "fx_user_model/output_info.json",
        "model-000000-of-000001.safetensors", "torch_rank_weights_embs_table_multi_shard.json");
    assertThat(r.heldOutFile()).isRegularFile();
    assertThat(log).anyMatch(l -> l.contains("parity OK"));
  }

  @Test
  void settingsRefuseBadValuesNamingEachAsGivenWithItsMinimum() {
    CtrPipeline.Settings s = CtrPipeline.Settings.defaults(tmp);
    assertThatThrownBy(() -> s.withSteps(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("steps 0 must be at least 1");
    assertThatThrownBy(() -> s.withSamples(10, 1))
        .hasMessage("trainSamples 10 must be at least batchSize 256; heldOutSamples 1 must be at least 2");
    assertThatThrownBy(() -> new CtrPipeline.Settings(tmp, 5, 7, 1, 100, 10, 0, 1e-3, 1e-2))
        .hasMessage("batchSize 1 must be at least 2; reportEvery 0 must be at least 1");
  }

  @Test
  void runningAgainInTheSameWorkdirReplacesTheEarlierRun() {
    CtrPipeline.Settings s = CtrPipeline.Settings.defaults(tmp).withSteps(5).withSamples(1_000, 200);
    CtrPipeline.run(s, line -> {});
    CtrPipeline.Result again = CtrPipeline.run(s.withSeed(8), line -> {});
    assertThat(again.parityOk()).isTrue();
    assertThat(again.exportDir()).isDirectory();
  }

  @Test
  void parityCheckSeesAModelThatIsNotTheExportedOne() {
    CtrPipeline.Result r = CtrPipeline.run(
        CtrPipeline.Settings.defaults(tmp).withSteps(5).withSamples(1_000, 200), line -> {});
    FeatureGenerator fg = CtrModel.featureGenerator();
    List<Map<String, Object>> heldOut = CtrData.of(7).samples(1_000, 200);
    Map<String, float[]> served = CtrPipeline.scoreExport(r.exportDir(), heldOut);
    try (CtrModel other = new CtrModel(fg, 8)) {
      Map<String, float[]> eager = CtrPipeline.trainingSideForward(other, fg, heldOut);
      assertThat(CtrPipeline.maxAbsDiff(served.get("ctr"), eager.get("ctr"))).isGreaterThan(CtrPipeline.PARITY_ATOL);
    }
  }
}
