// A weight used only by an op that accepts any type (w), and one used by an
// arith op whose operand types are fixed (b).
module {
  func.func @f() {
    %w = arith.constant dense_resource<w> : tensor<2x2xf32>
    %b = arith.constant dense_resource<b> : tensor<2xf32>
    "mydialect.use"(%w, %b) : (tensor<2x2xf32>, tensor<2xf32>) -> ()
    %s = arith.addf %b, %b : tensor<2xf32>
    return
  }
}
{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F000000400000404000008040",
      b: "0x040000000000803F00000040"
    }
  }
#-}
