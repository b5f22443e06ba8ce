package io.recship.example.kotlin.broken

import io.recship.annotations.DenseArch
import io.recship.annotations.RecModel
import io.recship.annotations.SparseArch
import io.recship.example.kotlin.CtrDense
import io.recship.fg.FeatureGenerator
import io.recship.sparse.SparseModel

// Deliberately broken (profile broken-kotlin-demo): broken/fg.json gives user_id
// hash_bucket_size 0, which main-search RTP refuses (RTP-HB0). kapt reports it on the next line.
@RecModel(fg = "broken/fg.json", mc = "broken/mc.json")
class BrokenModel(fg: FeatureGenerator) {
    @SparseArch val sparse: SparseModel = SparseModel.fromFg(fg)
    @DenseArch val dense = CtrDense(fg)
}
