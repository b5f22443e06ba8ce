package io.recship.example.kotlin

import io.recship.data.Dataset
import io.recship.data.Schema
import io.recship.export.ExportException
import io.recship.export.ExportPlan
import io.recship.fg.FeatureGenerator
import io.recship.fg.FgOptions
import org.assertj.core.api.Assertions.assertThat
import org.assertj.core.api.Assertions.assertThatThrownBy
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path

class CtrModelExporterTest {
    @TempDir
    lateinit var tmp: Path

    private fun resource(name: String): Path =
        Path.of(requireNotNull(javaClass.getResource("/$name")) { "missing test resource $name" }.toURI())

    private fun load(options: FgOptions = FgOptions.DEFAULT) =
        FeatureGenerator.load(resource("ctr/fg.json"), resource("ctr/mc.json"), options)

    private val fg = load()

    @Test
    fun `generated exporter carries the declared outputs and configs`() {
        assertThat(CtrModelExporter.OUTPUT_NAMES).containsExactly("ctr")
        assertThat(CtrModelExporter.OUTPUT_CTR).isEqualTo("ctr")
        assertThat(CtrModelExporter.FG_RESOURCE).isEqualTo("ctr/fg.json")
        assertThat(CtrModelExporter.MC_RESOURCE).isEqualTo("ctr/mc.json")
        assertThat(CtrModelExporter.TARGET).isEqualTo("RTP_MAIN_SEARCH")
        assertThat(CtrModelExporter.LOWER_CASE).isFalse()
        assertThat(CtrModelExporter.CONFIG.featureGenerator().features().map { it.name() })
            .isEqualTo(fg.features().map { it.name() })
    }

    @Test
    fun `builder is the runtime plan builder with the model's declaration filled in`() {
        CtrModel(fg).dense.use {
            val builder: ExportPlan.Builder = CtrModelExporter.builder(CtrModel(fg))
            val plan = builder.dataset(Dataset.inMemory(Schema.fromFg(fg), listOf()).build())
                .ckptDir(tmp.resolve("ckpt"))
                .exportDir(tmp.resolve("out"))
                .build()
            assertThat(plan.modelName()).isEqualTo(CtrModel::class.java.name)
            assertThat(plan.outputNames()).containsExactly("ctr")
            val declared = requireNotNull(plan.declaredConfig())
            assertThat(declared.anchor()).isEqualTo(CtrModel::class.java)
            assertThat(declared.exporter()).isEqualTo("CtrModelExporter")
            assertThat(declared.fgResource()).isEqualTo("ctr/fg.json")
            assertThat(declared.lowerCase()).isFalse()
        }
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
                .isInstanceOf(ExportException::class.java)
                .hasMessage("plan: CtrModelExporter: set dataset(Dataset), ckptDir(Path), exportDir(Path) before export()")
        }
    }

    @Test
    fun `export names only the settings still missing`() {
        val model = CtrModel(fg)
        model.dense.use {
            val builder = CtrModelExporter.builder(model).ckptDir(Path.of("ckpt"))
            assertThatThrownBy { builder.export() }
                .isInstanceOf(ExportException::class.java)
                .hasMessage("plan: CtrModelExporter: set dataset(Dataset), exportDir(Path) before export()")
        }
    }

    @Test
    fun `export refuses a model whose FeatureGenerator lowercases unlike its RecModel`() {
        val lowered = load(FgOptions.DEFAULT.withLowerCase(true))
        val model = CtrModel(lowered)
        model.dense.use {
            val builder = CtrModelExporter.builder(model)
                .dataset(Dataset.inMemory(Schema.fromFg(lowered), listOf()).build())
                .ckptDir(tmp.resolve("ckpt"))
                .exportDir(tmp.resolve("out"))
            assertThatThrownBy { builder.export() }
                .isInstanceOf(ExportException::class.java)
                .hasMessageContaining("@RecModel on io.recship.example.kotlin.CtrModel declares lowerCase = false")
                .hasMessageContaining("loaded with lowerCase = true")
            assertThat(tmp.resolve("out")).doesNotExist()
        }
    }
}
