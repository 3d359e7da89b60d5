// Three modules in one file, as compiler tests write them: `mlir-opt
// --split-input-file` (and `mlirscope inspect --summary`) reads each chunk
// on its own, with its own resources.

// CHECK-LABEL: @embed
// CHECK: dense_resource<embed.weight> (a comment, not a reference)
func.func @embed() -> tensor<2x4xf32> {
  %0 = arith.constant dense_resource<embed.weight> : tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}
{-#
  dialect_resources: {
    builtin: {
      embed.weight: "0x040000000000803F000000400000404000008040000080BF000000C0000040C0000080C0"
    }
  }
#-}

// -----

// The same key in another chunk is another resource; this chunk's second
// metadata block adds a bias and replaces the first block's weight.
func.func @proj(%x: tensor<2xf32>) -> tensor<2xf32> {
  %w = arith.constant dense_resource<embed.weight> : tensor<2xf32>
  %b = arith.constant dense_resource<proj.bias> : tensor<2xf32>
  %0 = arith.mulf %x, %w : tensor<2xf32>
  %1 = arith.addf %0, %b : tensor<2xf32>
  return %1 : tensor<2xf32>
}
{-#
  dialect_resources: {
    builtin: {
      embed.weight: "0x0400000000000000"
    }
  }
#-}
{-#
  dialect_resources: {
    builtin: {
      embed.weight: "0x040000000000803F00000040",
      proj.bias: "0x04000000CDCCCC3DCDCC4C3E"
    }
  }
#-}

// -----

// Printed with --mlir-elide-resource-strings-if-larger: no weights, by design.
// The last use names a key this chunk has no entry for.
func.func @head() -> (tensor<4xf16>, tensor<4xf16>) {
  %0 = arith.constant dense_resource<__elided__> : tensor<4xf16>
  %1 = arith.constant dense_resource<head.weight> : tensor<4xf16>
  return %0, %1 : tensor<4xf16>, tensor<4xf16>
}
