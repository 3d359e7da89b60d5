// Globals bound by name to the entries of iree-parameters/irpa/mixed.irpa, written
// by `iree-create-parameters --data=key0=4xf32=100.1 --data=key1=5xi8=101
// --splat=key2=i8=102 --splat=key3=4096x1024xi64=103`, bound to scope "m"; key2 is
// used by nothing, "m"::"absent" is in no archive, scope "other" is never bound.
util.global private @k0 = #stream.parameter.named<"m"::"key0"> : tensor<4xf32>
util.global private @k1 = #stream.parameter.named<"m"::"key1"> : tensor<5xi8>
util.global private @k3 = #stream.parameter.named<"m"::"key3"> : tensor<4096x1024xi64>
util.global private @absent = #stream.parameter.named<"m"::"absent"> : tensor<2xf32>
util.global private @elsewhere = #stream.parameter.named<"other"::"w"> : tensor<3xf32>
