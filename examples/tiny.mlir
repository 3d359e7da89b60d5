// A two-layer toy model whose weights are dense_resource blobs. The bytecode
// beside it (tiny.mlirbc) is `mlir-opt tiny.mlir --emit-bytecode`.
module {
  func.func @forward(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
    %w0 = arith.constant dense_resource<layer0.weight> : tensor<4x4xf32>
    %b0 = arith.constant dense_resource<layer0.bias> : tensor<4xf16>
    %h = arith.addf %x, %w0 : tensor<4x4xf32>
    %w1 = arith.constant dense_resource<layer1.weight> : tensor<4x4xf32>
    %y = arith.mulf %h, %w1 : tensor<4x4xf32>
    return %y : tensor<4x4xf32>
  }
}
{-#
  dialect_resources: {
    builtin: {
      layer0.weight: "0x040000000000803F000000400000404000008040000080BF000000C0000040C0000080C00000003F0000803E0000403F000000000000A0400000C0400000E04000000041",
      layer0.bias: "0x02000000003C0040004200C4",
      layer1.weight: "0x040000000000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F"
    }
  }
#-}
