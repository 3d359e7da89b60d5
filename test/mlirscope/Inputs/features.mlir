// Covers what the bytecode indexer must handle: resources of many element
// types, a builtin and an external resource group, nested and isolated
// regions, block arguments, successors and unregistered ops.
module {
  func.func @main(%arg0: tensor<2x2xf32>, %cond: i1) -> tensor<2x2xf32> {
    %c0 = arith.constant dense_resource<w_f32> : tensor<2x2xf32>
    %c1 = arith.constant dense_resource<w_f16> : tensor<3xf16>
    %c2 = arith.constant dense_resource<w_bf16> : tensor<2xbf16>
    %c3 = arith.constant dense_resource<w_i1> : tensor<4xi1>
    %c4 = arith.constant dense_resource<w_i8> : tensor<2x3xi8>
    %c5 = arith.constant dense_resource<w_i64> : tensor<2xi64>
    %c6 = arith.constant dense_resource<w_c64> : tensor<2xcomplex<f32>>
    %sum = arith.addf %arg0, %c0 : tensor<2x2xf32>
    %r = scf.if %cond -> (tensor<2x2xf32>) {
      %inner = arith.mulf %sum, %c0 : tensor<2x2xf32>
      scf.yield %inner : tensor<2x2xf32>
    } else {
      scf.yield %sum : tensor<2x2xf32>
    }
    %u = "mydialect.custom"(%r) ({
    ^bb0(%a: tensor<2x2xf32>):
      "mydialect.yield"(%a) : (tensor<2x2xf32>) -> ()
    }) {note = "kept as is"} : (tensor<2x2xf32>) -> tensor<2x2xf32>
    cf.br ^exit(%u : tensor<2x2xf32>)
  ^exit(%out: tensor<2x2xf32>):
    return %out : tensor<2x2xf32>
  }
  func.func private @helper(%x: i64) -> i64 {
    %one = arith.constant 1 : i64
    %y = arith.addi %x, %one : i64
    return %y : i64
  }
}
{-#
  dialect_resources: {
    builtin: {
      w_f32: "0x040000000000803F000000400000404000008040",
      w_f16: "0x02000000003C00400042",
      w_bf16: "0x02000000803F0040",
      w_i1: "0x0100000001000101",
      w_i8: "0x01000000010203FCFDFE",
      w_i64: "0x0800000001000000000000000200000000000000",
      w_c64: "0x040000000000803F00000040000040400000803F",
      w_unused: "0x0400000000000000"
    }
  },
  external_resources: {
    my_tool: {
      config: "fast",
      enabled: true,
      table: "0x0400000001000000"
    }
  }
#-}
