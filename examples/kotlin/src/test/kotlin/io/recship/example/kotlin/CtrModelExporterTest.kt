package io.recship.example.kotlin

import io.recship.fg.FeatureGenerator
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.junit.jupiter.api.Test
import java.nio.file.Path

class CtrModelExporterTest {
    private fun resource(name: String): Path =
        Path.of(requireNotNull(javaClass.getResource("/$name")) { "missing test resource $name" }.toURI())

    private val fg = FeatureGenerator.load(resource("ctr/fg.json"), resource("ctr/mc.json"))

    @Test
    fun `generated exporter carries the declared outputs and configs`() {
        assertThat(CtrModelExporter.OUTPUT_NAMES).containsExactly("ctr")
        assertThat(CtrModelExporter.OUTPUT_CTR).isEqualTo("ctr")
        assertThat(CtrModelExporter.FG_RESOURCE).isEqualTo("ctr/fg.json")
        assertThat(CtrModelExporter.MC_RESOURCE).isEqualTo("ctr/mc.json")
        assertThat(CtrModelExporter.TARGET).isEqualTo("RTP_MAIN_SEARCH")
    }

    @Test
    fun `export without the required settings names every missing setter`() {
        val model = CtrModel(fg)
        model.dense.use {
            val builder = CtrModelExporter.builder(model)
                .exportFolderName("fx_user_model")
                .filterSparseOpt(true)
                .denseOptimizer(null)
            assertThatThrownBy { builder.export() }
                .isInstanceOf(IllegalStateException::class.java)
                .hasMessage(
                    "CtrModelExporter: set dataset(Dataset), ckptDir(Path), exportDir(Path)" +
                        " on CtrModelExporter.builder(model) before export()",
                )
        }
    }

    @Test
    fun `export names only the settings still missing`() {
        val model = CtrModel(fg)
        model.dense.use {
            val builder = CtrModelExporter.builder(model).ckptDir(Path.of("ckpt"))
            assertThatThrownBy { builder.export() }
                .hasMessageContaining("set dataset(Dataset), exportDir(Path) on")
        }
    }
}
