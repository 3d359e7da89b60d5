//===- OpDetailsTest.cpp - Locations, types, attributes, scopes of ops ----===//
//
// The expected strings are what `mlir-opt-22 --allow-unregistered-dialect
// --mlir-print-op-generic --mlir-print-debuginfo --mlir-print-local-scope`
// prints for the model below. Text models get them from MLIR's own printer
// (through the bridge plugin); bytecode decodes them in mlirscope
// (AttrTypeReader), and must print the same.
//
//===----------------------------------------------------------------------===//

#include "TestModels.h"

#include "mlirscope/Index/OpDetails.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

using namespace mlirscope;
using namespace mlirscope::testing;

namespace {

using Attrs = std::vector<std::pair<std::string, std::string>>;
using Strings = std::vector<std::string>;

const char *kModel = R"mlir(module {
  func.func @f(%arg0: tensor<4xf32>, %arg1: i32) -> tensor<4xf32> {
    "test.ints"() {a = true, c = 7 : i8, d = -3 : i16, h = 250 : ui8, i = 42 : index} : () -> () loc("ints"("file.py":3:7))
    "test.floats"() {a = 1.0 : f32, b = 0.1 : f32, g = 1.5 : f16, h = 2.5 : bf16} : () -> () loc(callsite("inner"("a.py":1:2) at callsite("outer"("b.py":3:4) at "c.py":5:6)))
    "test.misc"() {s = "quote\"x", r = @root::@leaf, t = i32, arr = [1 : i32, "s"], d = dense<[1, 2, 3]> : tensor<3xi32>, f = array<i64: 1, 2, 3>} : () -> () loc(fused["x.py":1:1, "y.py":2:2])
    %0 = "test.dense_resource"() {value = dense_resource<blob1> : tensor<4xf32>} : () -> tensor<4xf32> loc("model.layers.3.self_attn.q_proj")
    %1:3 = "test.mix"(%arg0, %arg1, %0) : (tensor<4xf32>, i32, tensor<4xf32>) -> (tensor<4xf32>, memref<4x?xf32>, vector<[4]x2xf16>) loc("jit(main)/layer_3/attn/dot_general"("m.py":9:1))
    "test.props"() <{p = 1 : i64, q = "prop"}> {r = 2 : i64} : () -> () loc(unknown)
    return %1#0 : tensor<4xf32>
  } loc("f_loc")
  func.func private @cfg(%c: i1, %x: i32) -> i32 {
    cf.cond_br %c, ^bb1(%x : i32), ^bb2
  ^bb1(%y: i32):
    cf.br ^bb2
  ^bb2:
    return %x : i32
  }
}
{-#
  dialect_resources: {
    builtin: {
      blob1: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
)mlir";

/// Ops in pre-order.
enum : uint32_t {
  kModule,
  kFunc,
  kInts,
  kFloats,
  kMisc,
  kDenseResource,
  kMix,
  kProps,
  kReturn,
  kCfgFunc,
  kCondBr,
  kBr,
  kCfgReturn,
  kNumOps
};

/// The details every format must agree on, as mlir-opt prints them.
/// `propertiesKept`: bytecode before version 5 has no properties, and MLIR
/// writes those of an unregistered op nowhere (mlir-opt
/// --emit-bytecode-version=4 drops `<{p, q}>` of test.props too).
void expectDetails(const ModelIndex &index, bool propertiesKept = true) {
  ASSERT_EQ(index.ops.size(), size_t(kNumOps));
  auto at = [&](uint32_t op) { return getOpDetails(index, op); };

  OpDetails d = at(kFunc);
  EXPECT_EQ(d.location, "\"f_loc\"");
  EXPECT_EQ(d.scope, Strings{"f_loc"});
  EXPECT_EQ(d.attributes,
            (Attrs{{"function_type", "(tensor<4xf32>, i32) -> tensor<4xf32>"},
                   {"sym_name", "\"f\""}}));

  d = at(kInts);
  EXPECT_EQ(d.location, "\"ints\"(\"file.py\":3:7)");
  EXPECT_EQ(d.scope, Strings{"ints"});
  EXPECT_TRUE(d.operandTypes.empty());
  EXPECT_TRUE(d.resultTypes.empty());
  EXPECT_EQ(d.attributes, (Attrs{{"a", "true"},
                                 {"c", "7 : i8"},
                                 {"d", "-3 : i16"},
                                 {"h", "250 : ui8"},
                                 {"i", "42 : index"}}));

  d = at(kFloats);
  EXPECT_EQ(d.location, "callsite(\"inner\"(\"a.py\":1:2) at "
                        "callsite(\"outer\"(\"b.py\":3:4) at \"c.py\":5:6))");
  EXPECT_EQ(d.scope, (Strings{"outer", "inner"}));
  EXPECT_EQ(d.attributes, (Attrs{{"a", "1.000000e+00 : f32"},
                                 {"b", "1.000000e-01 : f32"},
                                 {"g", "1.500000e+00 : f16"},
                                 {"h", "2.500000e+00 : bf16"}}));

  d = at(kMisc);
  EXPECT_EQ(d.location, "fused[\"x.py\":1:1, \"y.py\":2:2]");
  EXPECT_TRUE(d.scope.empty());
  // Sorted by name, as a DictionaryAttr keeps them.
  EXPECT_EQ(d.attributes, (Attrs{{"arr", "[1 : i32, \"s\"]"},
                                 {"d", "dense<[1, 2, 3]> : tensor<3xi32>"},
                                 {"f", "array<i64: 1, 2, 3>"},
                                 {"r", "@root::@leaf"},
                                 {"s", "\"quote\\22x\""},
                                 {"t", "i32"}}));

  d = at(kDenseResource);
  EXPECT_EQ(d.location, "\"model.layers.3.self_attn.q_proj\"");
  EXPECT_EQ(d.scope, (Strings{"model", "layers.3", "self_attn", "q_proj"}));
  EXPECT_EQ(d.resultTypes, Strings{"tensor<4xf32>"});
  EXPECT_EQ(d.attributes,
            (Attrs{{"value", "dense_resource<blob1> : tensor<4xf32>"}}));

  d = at(kMix);
  EXPECT_EQ(d.location, "\"jit(main)/layer_3/attn/dot_general\"(\"m.py\":9:1)");
  EXPECT_EQ(d.scope, (Strings{"jit(main)", "layer_3", "attn"}));
  EXPECT_EQ(d.operandTypes, (Strings{"tensor<4xf32>", "i32", "tensor<4xf32>"}));
  EXPECT_EQ(d.resultTypes,
            (Strings{"tensor<4xf32>", "memref<4x?xf32>", "vector<[4]x2xf16>"}));
  EXPECT_TRUE(d.attributes.empty());
  EXPECT_EQ(getOpScope(index, kMix), d.scope);

  d = at(kProps);
  EXPECT_EQ(d.location, "unknown");
  EXPECT_TRUE(d.scope.empty());
  if (propertiesKept) {
    EXPECT_EQ(d.attributes,
              (Attrs{{"p", "1 : i64"}, {"q", "\"prop\""}, {"r", "2 : i64"}}));
  } else {
    EXPECT_EQ(d.attributes, (Attrs{{"r", "2 : i64"}}));
  }

  d = at(kReturn);
  EXPECT_EQ(d.operandTypes, Strings{"tensor<4xf32>"});
  EXPECT_TRUE(d.resultTypes.empty());

  // Values: block arguments and results.
  const OpRecord &mix = index.ops[kMix];
  EXPECT_EQ(getValueType(index, index.operands[mix.firstOperand + 1]), "i32");
  EXPECT_EQ(getValueType(index, mix.firstResult + 2), "vector<[4]x2xf16>");
  EXPECT_EQ(getValueType(index, uint32_t(index.values.size())), "");

  // Successors: the blocks of @cfg's region.
  d = at(kCondBr);
  EXPECT_EQ(d.operandTypes, (Strings{"i1", "i32"}));
  ASSERT_EQ(d.successors.size(), 2u);
  EXPECT_NE(d.successors[0], d.successors[1]);
  for (uint32_t b : d.successors) {
    ASSERT_LT(b, index.blocks.size());
    EXPECT_EQ(index.blocks[b].owner, uint32_t(kCfgFunc));
  }
  EXPECT_EQ(index.blocks[d.successors[0]].numArguments, 1u);
  EXPECT_EQ(index.blocks[d.successors[1]].numArguments, 0u);
  d = at(kBr);
  EXPECT_EQ(d.successors, std::vector<uint32_t>{at(kCondBr).successors[1]});

  // Out of range: nothing.
  d = at(kNumOps);
  EXPECT_TRUE(d.location.empty());
  EXPECT_TRUE(d.attributes.empty());
}

} // namespace

TEST(OpDetailsTest, LocationScopeOfJaxPaths) {
  // Every segment but the last (the primitive) of the innermost name.
  EXPECT_EQ(locationScope({"jit(main)/transformer/layer_3/attn/dot_general"}),
            (Strings{"jit(main)", "transformer", "layer_3", "attn"}));
  // An outer path keeps its last segment.
  EXPECT_EQ(locationScope({"outer/call", "inner/op"}),
            (Strings{"outer", "call", "inner"}));
  EXPECT_EQ(locationScope({"add"}), Strings{"add"});
  EXPECT_TRUE(locationScope({"/dot_general"}).empty());
}

TEST(OpDetailsTest, LocationScopeOfPyTorchPaths) {
  // Numbers stay with the part before them.
  EXPECT_EQ(locationScope({"model.layers.3.self_attn.q_proj"}),
            (Strings{"model", "layers.3", "self_attn", "q_proj"}));
  EXPECT_EQ(locationScope({"layers.0.1.mlp"}), (Strings{"layers.0.1", "mlp"}));
  // A name with a space is no module path.
  EXPECT_EQ(locationScope({"see x.y"}), Strings{"see x.y"});
  // Call sites concatenate, outermost first; no names, no scope.
  EXPECT_EQ(locationScope({"outer", "model.mlp"}),
            (Strings{"outer", "model", "mlp"}));
  EXPECT_TRUE(locationScope({}).empty());
  EXPECT_TRUE(locationScope({""}).empty());
}

TEST(OpDetailsTest, TextAsMLIRPrintsIt) {
  auto index = indexText("details.mlir", kModel);
  ASSERT_TRUE(index);
  ASSERT_FALSE(index->opCountsApproximate);
  expectDetails(*index);
  // MLIR's own location of an op without one: the file's line and column.
  EXPECT_EQ(getOpDetails(*index, kReturn).location, "\"details.mlir\":9:5");
}

TEST(OpDetailsTest, BytecodeDecodesWhatMLIRPrints) {
  TempDir dir;
  // Version 5 put properties in their own section.
  for (int64_t version : {6, 5, 4, 1}) {
    SCOPED_TRACE("bytecode version " + std::to_string(version));
    auto index =
        bytecodeOf(dir, "v" + std::to_string(version), kModel, version);
    ASSERT_TRUE(index);
    EXPECT_EQ(index->bytecodeVersion, uint64_t(version));
    expectDetails(*index, /*propertiesKept=*/version >= 5);
    // The line and column of the text the bytecode was converted from (the
    // file name is the bridge's buffer name: see ConvertTest).
    std::string loc = getOpDetails(*index, kReturn).location;
    EXPECT_TRUE(llvm::StringRef(loc).ends_with("\":9:5")) << loc;
  }
}
