// Op details (locations, types, attributes, successors) of one model, read
// by MLIR as text and decoded by mlirscope from bytecode at every version.
#loc_meta = loc("meta")
module attributes {test.module_attr = "top"} {
  func.func @attrs(%arg0: tensor<4xf32> loc("arg0"), %arg1: i32) -> tensor<4xf32> {
    "test.ints"() {a = true, b = false, c = 7 : i8, d = -3 : i16, e = 65537 : i32, f = -9223372036854775807 : i64, g = 5 : si8, h = 250 : ui8, i = 42 : index, j = 170141183460469231731687303715884105727 : i128} : () -> () loc("ints"("file.py":3:7))
    "test.floats"() {a = 1.0 : f32, b = 0.1 : f32, c = 3.14159274 : f32, d = 1.0e-3 : f64, e = 0x7FC00000 : f32, f = 0x7F800000 : f32, g = 1.5 : f16, h = 2.5 : bf16, i = -0.0 : f64, j = 65504.0 : f16} : () -> () loc(callsite("inner"("a.py":1:2) at callsite("outer"("b.py":3:4) at "c.py":5:6)))
    "test.strings"() {a = "plain", b = "quote\"back\\slash\ttab\n", c = "sym with space", d = @flat, e = @root::@nested::@leaf, f = @"quoted sym", g, h = i32, i = tensor<?x4xf32>, j = "typed" : i64} : () -> () loc(fused["x.py":1:1, "y.py":2:2])
    "test.aggregates"() {a = [1 : i32, [2, "s"], {k = unit}], b = {nested = {x = 1.0 : f64}}, c = [], d = {}} : () -> () loc(fused<#loc_meta>["z.py":7:8])
    "test.dense"() {a = dense<[1, 2, 3]> : tensor<3xi32>, b = dense<1.5> : tensor<8xf32>, c = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>, d = dense<[true, false, true]> : tensor<3xi1>, e = dense<true> : tensor<16xi1>, f = array<i64: 1, 2, 3>, g = array<i32>, h = array<i1: true, false>, i = array<f32: 1.0, 2.5>, j = dense<[1, 0, 255]> : tensor<3xui8>} : () -> () loc("dense"("d.py":9:1 to 9:20))
    "test.ranges"() : () -> () loc("r.py":4:5 to :9)
    "test.ranges"() : () -> () loc("r.py":4:5 to 6:7)
    "test.types"() : () -> (memref<4x?xf32>, memref<8xi8, 1>, memref<*xf32>, vector<4xf32>, vector<[4]x2xf16>, tuple<i32, f32>, complex<f64>, tensor<*xbf16>, none, index, i1, si64, ui1, (i32) -> (i64, f32), f80, f128, tensor<2xf8E4M3FN>) loc("types")
    "test.props"() <{p = 1 : i64, q = "prop"}> {r = 2 : i64} : () -> () loc(unknown)
    %0 = "test.dense_resource"() {value = dense_resource<blob1> : tensor<4xf32>} : () -> tensor<4xf32>
    return %0 : tensor<4xf32> loc("ret"("f.py":1:1))
  } loc("attrs_func")
  func.func private @cfg(%c: i1, %x: i32) -> i32 {
    cf.cond_br %c, ^bb1(%x : i32), ^bb2
  ^bb1(%y: i32):
    cf.br ^bb3(%y : i32)
  ^bb2:
    %k = arith.constant 5 : i32
    cf.br ^bb3(%k : i32)
  ^bb3(%z: i32):
    return %z : i32
  }
}
{-#
  dialect_resources: {
    builtin: {
      blob1: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
