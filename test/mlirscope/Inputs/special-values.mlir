// Blobs with NaN, +-Inf, +-0 and a large f32 blob for the multi-block path.
module {
  func.func @f() {
    %a = arith.constant dense_resource<specials> : tensor<8xf32>
    %b = arith.constant dense_resource<half_specials> : tensor<5xf16>
    %c = arith.constant dense_resource<all_nan> : tensor<2xf32>
    return
  }
}
{-#
  dialect_resources: {
    builtin: {
      specials: "0x040000000000803F0000C07F0000807F000080FF00000000000000800000004000004040",
      half_specials: "0x02000000003C007E007C00FC0000",
      all_nan: "0x040000000000C07F0000C07F"
    }
  }
#-}
