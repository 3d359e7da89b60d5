// A crash reproducer as MLIR's pass manager writes one (--mlir-pass-pipeline-
// crash-reproducer): the IR, and in an external resource group the pipeline
// and the flags it ran with, which `mlir-opt --run-reproducer` reads back.
func.func @add_zero(%a: i32) -> i32 {
  %zero = arith.constant 0 : i32
  %sum = arith.addi %a, %zero : i32
  return %sum : i32
}

{-#
  external_resources: {
    mlir_reproducer: {
      pipeline: "builtin.module(func.func(canonicalize{max-iterations=3 test-convergence=false}))",
      disable_threading: true,
      verify_each: true
    }
  }
#-}
