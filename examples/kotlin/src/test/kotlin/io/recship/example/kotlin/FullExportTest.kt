package io.recship.example.kotlin

import io.recship.data.Batch
import io.recship.data.Dataset
import io.recship.data.Schema
import io.recship.data.SyntheticCtr
import io.recship.serving.ExportedModel
import io.recship.tensor.TensorScope
import io.recship.train.Trainer
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path
import kotlin.math.abs

/**
 * The whole delivery from Kotlin: train a few steps, save a checkpoint, export through the
 * generated [CtrModelExporter], load the export and score it like serving would.
 */
class FullExportTest {
    @TempDir
    lateinit var tmp: Path


    @Test
    fun `exported model scores what the trained model computes`() {
        val fg = CtrModelExporter.CONFIG.featureGenerator()
        // SyntheticCtr's samples carry user_id, age, item_id and price (and more, unused here).
        val schema = Schema.fromFg(fg).withLabels(SyntheticCtr.LABEL)
        val data = SyntheticCtr.of(11)
        val train = Dataset.inMemory(schema, data.samples(0, 2_000)).batchSize(64).build()
        val heldOut = data.samples(2_000, 300) // some ids never seen in training: zero rows
        val ckpt = tmp.resolve("ckpt")
        val out = tmp.resolve("export")

        val model = CtrModel(fg)
        model.dense.use {
            val trainer = Trainer.builder(model.sparse, model.dense)
                .label(SyntheticCtr.LABEL)
                .build { model.dense.forward(it) }
            trainer.train(train, 20)
            trainer.save(ckpt)

            val result = CtrModelExporter.builder(model)
                .dataset(train)
                .ckptDir(ckpt)
                .exportDir(out)
                .denseOptimizer(trainer.denseOptimizer())
                .filterSparseOpt(true)
                .export()
            assertThat(result.exportDir()).isEqualTo(out)
            assertThat(out.resolve("fx_user_model").resolve("user_model.pt")).isRegularFile()

            val served = ExportedModel.load(out).use { exported ->
                assertThat(exported.outputNames()).containsExactlyElementsOf(CtrModelExporter.OUTPUT_NAMES)
                exported.score(heldOut).getValue(CtrModelExporter.OUTPUT_CTR)
            }

            model.sparse.eval()
            model.dense.eval()
            val eager = TensorScope.open().use {
                val blocks = model.sparse.forward(Batch.of(schema, heldOut)).blocks()
                model.dense.forward(blocks).toFloatArray()
            }

            assertThat(served).hasSize(heldOut.size)
            assertThat(eager).hasSize(heldOut.size)
            val maxDiff = served.indices.maxOf { abs(served[it] - eager[it]).toDouble() }
            assertThat(maxDiff).isLessThanOrEqualTo(1e-5)
            // not a trivial pass: the trained model does not score every sample alike
            assertThat(served.distinct().size).isGreaterThan(10)
        }
    }
}
