// References without a scope, as IREE binds them from `--parameters=FILE`: the
// tensors of iree-parameters/gguf/multiple.gguf and safetensors/multiple.safetensors
// (both hold tensor0, tensor1 and tensor2).
util.global private @t0 = #stream.parameter.named<"tensor0"> : tensor<2x2xf32>
util.global private @t2 = #flow.parameter.named<"tensor2"> : tensor<4x3xf32>
