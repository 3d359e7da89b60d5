// Inline weights in the three spellings MLIR prints: hex (dense<"0x...">, what
// MLIR writes for larger constants), a literal list and a splat. Builtin ops
// only, so that mlir-opt parses the file before and after an edit.
func.func @weights() -> (tensor<2x2xf32>, tensor<3xi16>, tensor<4xf32>) {
  %hex = arith.constant dense<"0x0000803F00000040000040400000C0BF"> : tensor<2x2xf32>
  %list = arith.constant dense<[7, -8, 9]> : tensor<3xi16>
  %splat = arith.constant dense<2.500000e-01> : tensor<4xf32>
  return %hex, %list, %splat : tensor<2x2xf32>, tensor<3xi16>, tensor<4xf32>
}
