package io.recship.example.kotlin

import io.recship.data.Batch
import io.recship.data.Dataset
import io.recship.data.Schema
import io.recship.data.SyntheticCtr
import io.recship.tensor.TensorScope
import org.assertj.core.api.Assertions.assertThat
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path

class TwoHeadModelExporterTest {
    @TempDir
    lateinit var tmp: Path


    private val fg = TwoHeadModelExporter.CONFIG.featureGenerator()

    @Test
    fun `a data class of two tensors exports two named outputs in component order`() {
        assertThat(TwoHeadModelExporter.OUTPUT_NAMES).containsExactly("ctr", "cvr")
        val model = TwoHeadModel(fg)
        model.dense.use {
            val plan = TwoHeadModelExporter.builder(model)
                .dataset(Dataset.inMemory(Schema.fromFg(fg), listOf()).build())
                .ckptDir(tmp.resolve("ckpt"))
                .exportDir(tmp.resolve("out"))
                .build()
            TensorScope.open().use {
                val blocks = model.sparse.forward(Batch.of(Schema.fromFg(fg), SyntheticCtr.of(3).samples(0, 4))).blocks()
                val outputs = plan.forward().apply(blocks)
                val direct = model.dense.forward(blocks)
                assertThat(outputs).hasSize(2)
                assertThat(outputs[0].shape()).containsExactly(4L, 1L)
                assertThat(outputs[0].toFloatArray()).containsExactly(*direct.ctr.toFloatArray())
                assertThat(outputs[1].toFloatArray()).containsExactly(*direct.cvr.toFloatArray())
            }
        }
    }
}
