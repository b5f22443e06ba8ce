package io.recship.example.kotlin

import io.recship.annotations.DenseArch
import io.recship.annotations.RecModel
import io.recship.annotations.SparseArch
import io.recship.fg.FeatureGenerator
import io.recship.sparse.SparseModel

/**
 * A CTR model in Kotlin. The archs are plain Kotlin properties: kapt sees each as a private field
 * plus a public getter, and the generated [CtrModelExporter] reads them through the getters.
 */
@RecModel(fg = "ctr/fg.json", mc = "ctr/mc.json")
class CtrModel(fg: FeatureGenerator) {
    @SparseArch val sparse: SparseModel = SparseModel.fromFg(fg)
    @DenseArch val dense = CtrDense(fg)
}
