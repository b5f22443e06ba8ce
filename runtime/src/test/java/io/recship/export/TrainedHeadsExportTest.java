package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.recship.checkpoint.SafetensorsWriter;
import io.recship.checkpoint.SparseCheckpointWriter;
import io.recship.checkpoint.TensorEntry;
import io.recship.checkpoint.TensorSpec;
import io.recship.checkpoint.TrainedHeads;
import io.recship.checkpoint.TrainedHeads.Head;
import io.recship.data.Batch;
import io.recship.data.Dataset;
import io.recship.data.Schema;
import io.recship.nn.Parameter;
import io.recship.sparse.SparseModel;
import io.recship.tensor.TensorScope;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export compares the heads a checkpoint records (in output order) with the
 * {@code @ExportOutput} names: a head named after another output means a swapped training forward.
 */
class TrainedHeadsExportTest {
  @TempDir Path tmp;
  private SparseModel sparse;
  private TinyModel dense;
  private Path ckpt;

  private static List<Map<String, Object>> samples(int n) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(Map.of("user_id", "u" + i % 30, "gender", i % 2 == 0 ? "f" : "m", "item_id", "i" + i % 17));
    }
    return out;
  }

  @BeforeEach
  void sparseTables() {
    sparse = SparseModel.fromFg(TinyModel.fg());
    dense = new TinyModel();
    try (TensorScope s = TensorScope.open()) {
      sparse.forward(Batch.of(Schema.fromFg(TinyModel.fg()), samples(100)));
    }
    ckpt = tmp.resolve("ckpt");
    SparseCheckpointWriter.write(ckpt, new ArrayList<>(sparse.tables().values()), List.<TensorSpec>of());
  }

  @AfterEach
  void close() {
    dense.close();
  }

  private void denseFileRecording(Head... heads) {
    List<TensorEntry> state = new ArrayList<>();
    for (Map.Entry<String, Parameter> e : dense.namedParameters().entrySet()) {
      state.add(TensorEntry.ofFloats(e.getKey(), e.getValue().shape(), e.getValue().toFloatArray()));
    }
    SafetensorsWriter.write(ckpt.resolve("dense.safetensors"), state, TrainedHeads.metadata(List.of(heads)));
  }

  private ExportPlan.Builder plan(Path out) {
    Dataset ds = Dataset.inMemory(Schema.fromFg(TinyModel.fg()), samples(64)).batchSize(64).build();
    return ExportPlan.builder("TinyModel", sparse, dense, new DenseOutputs(List.of("ctr", "cvr"), dense::forward))
        .dataset(ds)
        .ckptDir(ckpt)
        .exportDir(out);
  }

  @Test
  void aCheckpointWhoseHeadsWereTrainedInAnotherOrderThanTheOutputsIsRefusedBeforeWritingAnything() {
    denseFileRecording(new Head("cvr", "conversion"), new Head("ctr", "click"));
    Path out = tmp.resolve("export");

    assertThatThrownBy(() -> plan(out).export())
        .isInstanceOf(ExportException.class)
        .hasMessageContaining("output 'ctr' (output 0 of @ExportOutput [ctr, cvr]) was trained as head 'cvr'"
            + " on label 'conversion'")
        .hasMessageContaining("[cvr <- conversion, ctr <- click]")
        .hasMessageContaining("buildHeads(<Model>Exporter.outputs(model))");
    assertThat(Files.exists(out.resolve("fx_user_model"))).isFalse();
  }

  @Test
  void headsNamedAsTheOutputsInTheirOrderExport() {
    denseFileRecording(new Head("ctr", "click"), new Head("cvr", "conversion"));
    ExportResult r = plan(tmp.resolve("export")).export();
    assertThat(r.maxAbsDiff()).containsOnlyKeys("ctr", "cvr");
  }

  @Test
  void headsNamedAfterTheirLabelsCannotBeComparedAndExport() {
    denseFileRecording(new Head("click", "click"), new Head("conversion", "conversion"));
    ExportResult r = plan(tmp.resolve("export")).export();
    assertThat(r.maxAbsDiff()).containsOnlyKeys("ctr", "cvr");
  }
}
