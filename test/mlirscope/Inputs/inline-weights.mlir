module {
  memref.global "private" constant @table : memref<4xf32> = dense<[1.0, 2.5, -3.0, 4.0]>
  func.func @main() -> (tensor<2x2xf32>, tensor<300xi32>, tensor<8xi1>, tensor<1000xf32>) {
    %0 = arith.constant dense<"0x0000803F000000400000404000008040"> : tensor<2x2xf32>
    %1 = arith.constant dense<7> : tensor<300xi32>
    %2 = arith.constant dense<[true, false, true, true, false, false, false, true]> : tensor<8xi1>
    %3 = arith.constant dense<"0x0000803F"> : tensor<1000xf32>
    return %0, %1, %2, %3 : tensor<2x2xf32>, tensor<300xi32>, tensor<8xi1>, tensor<1000xf32>
  }
}
