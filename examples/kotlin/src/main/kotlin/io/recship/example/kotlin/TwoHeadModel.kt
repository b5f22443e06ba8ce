package io.recship.example.kotlin

import io.recship.annotations.DenseArch
import io.recship.annotations.ExportOutput
import io.recship.annotations.RecModel
import io.recship.annotations.SparseArch
import io.recship.fg.FeatureGenerator
import io.recship.nn.Mlp
import io.recship.nn.Module
import io.recship.sparse.SparseModel
import io.recship.tensor.Blocks
import io.recship.tensor.Tensor

/** Two scores as a Kotlin data class: the exporter reads them through `component1()`, `component2()`. */
data class CtrCvr(val ctr: Tensor, val cvr: Tensor)

/** A CTR and a CVR head over the same user and item blocks. */
class TwoHeadDense(fg: FeatureGenerator) : Module() {
    private val width = (fg.blockDim("user") + fg.blockDim("item")).toLong()
    private val ctrHead = register("ctr_head", Mlp.of(width, 16, 1))
    private val cvrHead = register("cvr_head", Mlp.of(width, 8, 1))

    @ExportOutput("ctr", "cvr")
    fun forward(blocks: Blocks): CtrCvr {
        val x = Tensor.cat(-1, blocks["user"], blocks["item"])
        return CtrCvr(ctrHead(x).sigmoid(), cvrHead(x).sigmoid())
    }
}

/**
 * The same FG as [CtrModel], with two exported outputs. The sparse arch is a lazy property; Kotlin
 * wants a use-site target there: `@delegate:` (the annotation lands on the `sparse$delegate`
 * field) or `@get:`. Either way the exporter reads it through `getSparse()`. The dense arch is
 * `internal`: its JVM getter is `getDense$<module>()`, which the exporter, generated into this
 * module, calls.
 */
@RecModel(fg = "ctr/fg.json", mc = "ctr/mc.json")
class TwoHeadModel(fg: FeatureGenerator) {
    @delegate:SparseArch val sparse: SparseModel by lazy { SparseModel.fromFg(fg) }
    @DenseArch internal val dense = TwoHeadDense(fg)
}
