package io.recship.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.recship.checkpoint.RecisLayout;
import io.recship.lock.LockFile;
import io.recship.tensor.TensorScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A checkpoint that does not hold what the FG looks up, or lacks a metadata file the delivery
 * needs, fails the export in prepare, in copy mode as in filter mode, and publishes nothing.
 */
class CheckpointCheckTest {
  private static final String DATA = "model-000000-of-000001.safetensors";

  @TempDir Path tmp;
  TinyModel model;
  Path ckpt;
  Path out;

  @BeforeEach
  void setUp() {
    model = new TinyModel();
    ckpt = tmp.resolve("ckpt");
    out = tmp.resolve("export");
    model.writeCheckpoint(ckpt, 0.01f); // tables user_id [20, 4], gender [3, 2], item_id [20, 4]
  }

  @AfterEach
  void tearDown() {
    model.close();
  }

  ExportJob job(Path ckptDir, boolean filter) {
    return new ExportJob("io.recship.export.TinyModel", TinyModel.fg(), false, () -> TinyModel.blocks(7, 10),
        model, model::forward, List.of("ctr", "cvr"), ckptDir, out, null, "fx_user_model", "user_model",
        filter, 0, 1, false, null);
  }

  /** Runs the export of {@code ckptDir} and returns its failure; checks nothing was published. */
  private ExportException failure(Path ckptDir, boolean filter) throws IOException {
    Throwable t;
    try (TensorScope s = TensorScope.open()) {
      t = org.assertj.core.api.Assertions.catchThrowable(() -> ExportRun.run(job(ckptDir, filter)));
    }
    assertThat(t).as("filter %s", filter).isInstanceOf(ExportException.class);
    ExportException e = (ExportException) t;
    assertThat(e.step()).isEqualTo(ExportException.Step.PREPARE);
    assertThat(out).doesNotExist();
    try (Stream<Path> s = Files.list(tmp)) {
      assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("recship-tmp"));
    }
    return e;
  }

  /** A complete checkpoint of the given tables, with TinyModel's dense state. */
  private Path checkpointOf(String name, io.recship.checkpoint.TableSnapshot... tables) throws IOException {
    Path dir = tmp.resolve(name);
    TestCheckpoints.write(dir, tables);
    Files.copy(ckpt.resolve(RecisLayout.DENSE_FILE), dir.resolve(RecisLayout.DENSE_FILE));
    return dir;
  }

  @ParameterizedTest(name = "filterSparseOpt {0}")
  @ValueSource(booleans = {false, true})
  void aCheckpointASaveIsWritingIsRefusedNamingTheSaveAndExportsOnceItEnds(boolean filter) throws Exception {
    try (LockFile saving = LockFile.tryAcquire(ckpt.resolve(RecisLayout.SAVE_LOCK_FILE), true)) {
      assertThat(failure(ckpt, filter))
          .hasMessageContaining("a save is writing to checkpoint " + ckpt + " right now (")
          .hasMessageContaining("nothing was exported: wait for that save to finish, then export");
    }
    try (TensorScope s = TensorScope.open()) {
      ExportRun.run(job(ckpt, filter));
    }
    assertThat(out.resolve("fx_user_model")).isDirectory();
  }

  @ParameterizedTest(name = "filterSparseOpt {0}")
  @ValueSource(booleans = {false, true})
  void aTableTheFgLooksUpMissingFromTheCheckpointIsNamedWithItsFeature(boolean filter) throws IOException {
    Path noGender = checkpointOf("ck_nogender",
        TestCheckpoints.table("user_id", 20, 4), TestCheckpoints.table("item_id", 20, 4));
    assertThat(failure(noGender, filter))
        .hasMessageStartingWith("prepare: checkpoint " + noGender + " has no table 'gender', which the FG"
            + " looks up for feature 'gender': no gender.id/part_* or gender.embedding/part_* tensor in its"
            + " index or data files [" + DATA + "] (it has tables [item_id, user_id]); export from the"
            + " checkpoint this FG was trained with: check that ckptDir is the checkpoint folder the"
            + " training saved this model to, or save the checkpoint again from training");
  }

  @Test
  void aDataFileThatLostATableTheIndexListsIsNamedWithTheTableAndFeature() throws IOException {
    CheckpointEdits.dropTable(ckpt.resolve(DATA), "gender");
    assertThat(failure(ckpt, false))
        .hasMessageContaining("checkpoint " + ckpt + " is inconsistent (table 'gender', looked up by"
            + " feature 'gender'): " + ckpt.resolve(DATA) + ": tensor 'gender.")
        .hasMessageContaining("listed in index but not in this file")
        .hasMessageContaining("Fix: copy the whole checkpoint directory from one save, or save it again.");
  }

  @ParameterizedTest(name = "filterSparseOpt {0}")
  @ValueSource(booleans = {false, true})
  void aTableShapeEditedInTheHeaderIsNamedWithTheFileTensorAndFeature(boolean filter) throws IOException {
    // same byte size, so the file itself is a valid safetensors file
    CheckpointEdits.editShape(ckpt.resolve(DATA), "gender.embedding/part_0_1", "[3,2]", "[1,6]");
    assertThat(failure(ckpt, filter))
        .hasMessage("prepare: checkpoint " + ckpt + " is inconsistent (table 'gender', looked up by feature"
            + " 'gender'): " + ckpt.resolve(DATA) + ": tensor 'gender.embedding/part_0_1': slot shape [1, 6]"
            + " does not match 3 ids (expected [3, dim]). Fix: re-save the checkpoint.");
  }

  @Test
  void aTableWhoseDimDiffersFromTheFgIsNamedWithTheFileTensorAndFeature() throws IOException {
    Path wide = checkpointOf("ck_wide", TestCheckpoints.table("user_id", 20, 4),
        TestCheckpoints.table("gender", 3, 4), TestCheckpoints.table("item_id", 20, 4));
    assertThat(failure(wide, false))
        .hasMessage("prepare: checkpoint " + wide + ": table 'gender' has dim 4 but the FG gives it"
            + " embedding_dimension 2 (feature 'gender'; tensor 'gender.embedding/part_0_1' in "
            + wide.resolve(DATA) + "); export with the fg.json the checkpoint was trained with, or, if this"
            + " is that fg.json, the checkpoint is damaged: check that ckptDir is the checkpoint folder the"
            + " training saved this model to, or save the checkpoint again from training");
  }

  @Test
  void aTableWithoutItsIdTensorIsRefused() throws IOException {
    CheckpointEdits.dropKeys(ckpt.resolve(DATA), "gender.id/");
    ObjectMapper json = new ObjectMapper();
    ObjectNode index = (ObjectNode) json.readTree(ckpt.resolve(RecisLayout.INDEX).toFile());
    ((ObjectNode) index.get("block_index")).remove("gender.id/part_0_1");
    json.writeValue(ckpt.resolve(RecisLayout.INDEX).toFile(), index);
    assertThat(failure(ckpt, false))
        .hasMessageContaining("is inconsistent (table 'gender', looked up by feature 'gender')")
        .hasMessageContaining("table 'gender' part 0 has slots [embedding, sparse_adamw_exp_avg,"
            + " sparse_adamw_exp_avg_sq] but no id tensor");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"index", "tensorkey.json", "torch_rank_weights_embs_table_multi_shard.json"})
  void aMissingMetadataFileIsNamedInBothModes(String name) throws IOException {
    Files.delete(ckpt.resolve(name));
    for (boolean filter : new boolean[] {false, true}) {
      assertThat(failure(ckpt, filter))
          .hasMessageStartingWith("prepare: checkpoint file " + ckpt.resolve(name) + " is missing (")
          .hasMessageEndingWith("); a finished checkpoint save writes index, tensorkey.json,"
              + " torch_rank_weights_embs_table_multi_shard.json beside its *.safetensors files: check that"
              + " ckptDir is the checkpoint folder the training saved this model to, or save the checkpoint"
              + " again from training");
    }
  }

  @Test
  void aMetadataFileThatIsNotJsonIsNamed() throws IOException {
    Files.writeString(ckpt.resolve(RecisLayout.MANIFEST_JSON), "[{\"name\": ");
    assertThat(failure(ckpt, false))
        .hasMessageStartingWith("prepare: checkpoint file " + ckpt.resolve(RecisLayout.MANIFEST_JSON)
            + " is not valid JSON (")
        .hasMessageEndingWith("); save the checkpoint again");
  }

  @Test
  void aDataFileTheIndexDoesNotListIsRefused() throws IOException {
    Files.copy(ckpt.resolve(DATA), ckpt.resolve("model-000001-of-000002.safetensors"));
    assertThat(failure(ckpt, false))
        .hasMessageContaining("checkpoint " + ckpt + ": data file(s) [model-000001-of-000002.safetensors]"
            + " are not listed in its index (which lists [" + DATA + "])");
  }

  @Test
  void aGoodCheckpointStillExportsInCopyModeByteForByte() throws IOException {
    ExportResult r;
    try (TensorScope s = TensorScope.open()) {
      r = ExportRun.run(job(ckpt, false));
    }
    assertThat(r.published()).isTrue();
    List<String> copied;
    try (Stream<Path> s = Files.list(ckpt)) {
      copied = s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".safetensors") || n.endsWith(".json"))
          .filter(n -> !n.equals(RecisLayout.DENSE_FILE)).sorted().toList();
    }
    assertThat(copied).containsExactly(DATA, RecisLayout.TENSOR_KEY_JSON, RecisLayout.MANIFEST_JSON);
    for (String f : copied) {
      assertThat(out.resolve(f)).hasSameBinaryContentAs(ckpt.resolve(f));
    }
    ExportManifest.verify(out);
  }
}
