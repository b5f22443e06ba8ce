package io.recship.example.kotlin

import io.recship.annotations.ExportOutput
import io.recship.fg.FeatureGenerator
import io.recship.nn.Mlp
import io.recship.nn.Module
import io.recship.tensor.Blocks
import io.recship.tensor.Tensor

/** The dense net: the user and item blocks side by side through a small MLP. */
class CtrDense(fg: FeatureGenerator) : Module() {
    private val tower = register("tower", Mlp.of((fg.blockDim("user") + fg.blockDim("item")).toLong(), 16, 1))

    /** `blocks["user"]` is `Blocks.get` and `tower(x)` is `Layer.invoke`: Java methods Kotlin reads as operators. */
    @ExportOutput("ctr")
    fun forward(blocks: Blocks): Tensor = tower(Tensor.cat(-1, blocks["user"], blocks["item"])).sigmoid()
}
