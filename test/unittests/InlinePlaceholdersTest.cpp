//===- InlinePlaceholdersTest.cpp - Inline weights as placeholders --------===//

#include "TestModels.h"

#include "mlirscope/Edit/InlinePlaceholders.h"
#include "mlirscope/Text/MLIRBridge.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace mlirscope;
using namespace mlirscope::testing;

namespace {

std::string hexOf(const std::vector<uint8_t> &bytes) {
  static const char digits[] = "0123456789ABCDEF";
  std::string s = "0x";
  for (uint8_t b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 0xf];
  }
  return s;
}

/// 32x32 f32 (4 KiB) and 16x16 i32 (1 KiB) inline weights, a 4xf32 one
/// below the threshold and, with `blob`, a dense_resource blob `a` whose
/// handle comes before the placeholders'.
std::string inlineModel(bool blob) {
  std::vector<float> big(32 * 32);
  for (size_t i = 0; i < big.size(); ++i)
    big[i] = float(i % 97) * 0.5f - 20.0f;
  std::vector<uint8_t> table(16 * 16 * 4);
  for (size_t i = 0; i < table.size(); ++i)
    table[i] = uint8_t(i * 13 + 1);
  std::string s =
      "memref.global \"private\" constant @table : memref<16x16xi32> = "
      "dense<\"" +
      hexOf(table) +
      "\">\n"
      "func.func @main() -> (tensor<32x32xf32>, tensor<4xf32>" +
      std::string(blob ? ", tensor<4xf32>" : "") +
      ") {\n"
      "  %0 = arith.constant dense<\"" +
      hexOf(f32Bytes(big)) +
      "\"> : tensor<32x32xf32>\n"
      "  %1 = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>\n";
  if (blob)
    s += "  %2 = arith.constant dense_resource<a> : tensor<4xf32>\n"
         "  return %0, %1, %2 : tensor<32x32xf32>, tensor<4xf32>, "
         "tensor<4xf32>\n}\n"
         "{-#\n  dialect_resources: {\n    builtin: {\n      a: \"" +
         blobHex(f32Bytes({1, 2, 3, 4})) + "\"\n    }\n  }\n#-}\n";
  else
    s += "  return %0, %1 : tensor<32x32xf32>, tensor<4xf32>\n}\n";
  return s;
}

/// The stored bytes of weight `name`.
std::string weightBytes(const ModelIndex &index, llvm::StringRef name) {
  const Weight *w = index.findWeight(name);
  if (!w)
    return "<no weight " + name.str() + ">";
  return std::string(reinterpret_cast<const char *>(index.file->memory()) +
                         w->offset,
                     size_t(w->size));
}

std::string printed(const std::string &path) {
  std::string why, text;
  const MLIRBridge *bridge = getMLIRBridge(why);
  EXPECT_TRUE(bridge) << why;
  if (!bridge)
    return "";
  std::string bytes = readFile(path);
  EXPECT_TRUE(bridge->bytecodeToText(
      reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size(), text, why))
      << why;
  return text;
}

const char *const kBig = "@main/arith.constant#0";

} // namespace

TEST(InlinePlaceholdersTest, KeysNameWeights) {
  EXPECT_EQ(placeholderWeightName("inline:@table"), llvm::StringRef("@table"));
  EXPECT_FALSE(placeholderWeightName("inline:"));
  EXPECT_FALSE(placeholderWeightName("blob0"));
}

// Out and back at every version: the placeholders are dense_resource
// references of the weights' types, the large weights are gone from the
// view, and the way back gives the same weights, which MLIR prints as it
// prints the original.
TEST(InlinePlaceholdersTest, OutAndBackAtEveryVersion) {
  TempDir dir;
  for (int64_t version = 0; version <= 6; ++version) {
    SCOPED_TRACE("version " + std::to_string(version));
    std::string name = "v" + std::to_string(version);
    auto source = bytecodeOf(dir, name, inlineModel(false), version);
    ASSERT_TRUE(source);
    RewritePlan plan;
    auto placeholders = planInlinePlaceholders(*source, 1024, plan);
    ASSERT_TRUE(bool(placeholders)) << toString(placeholders.takeError());
    ASSERT_EQ(placeholders->size(), 2u);
    std::vector<std::string> keys;
    for (const InlinePlaceholder &p : *placeholders)
      keys.push_back(p.key);
    EXPECT_EQ(keys, (std::vector<std::string>{"inline:@table",
                                              std::string("inline:") + kBig}));

    std::string view = dir.path(name + ".view.mlirbc");
    ASSERT_FALSE(bool(rewriteBytecode(*source, view, plan)));
    auto viewIndex = indexPath(view);
    ASSERT_TRUE(viewIndex);
    // Only the small weight is still inline; the others are references.
    for (const Weight &w : viewIndex->weights)
      EXPECT_LT(w.size, 1024u) << w.name;
    std::vector<std::string> refs;
    for (const ResourceReference &r : viewIndex->references)
      refs.push_back(r.key + " " + (r.type ? r.type->text : "?"));
    std::sort(refs.begin(), refs.end());
    EXPECT_EQ(refs, (std::vector<std::string>{
                        std::string("inline:") + kBig + " tensor<32x32xf32>",
                        "inline:@table tensor<16x16xi32>"}));
    EXPECT_LT(viewIndex->fileSize(), source->fileSize() - 5000);
    std::string text = printed(view);
    EXPECT_NE(text.find("dense_resource<\"inline:@table\">"), std::string::npos)
        << text;

    llvm::StringSet<> restored;
    RewritePlan back;
    ASSERT_FALSE(bool(planRestoreInline(*viewIndex, *source, back, restored)));
    EXPECT_EQ(restored.size(), 2u);
    std::string out = dir.path(name + ".back.mlirbc");
    ASSERT_FALSE(bool(rewriteBytecode(*viewIndex, out, back)));
    auto outIndex = indexPath(out);
    ASSERT_TRUE(outIndex);
    for (const char *w : {kBig, "@table"}) {
      EXPECT_EQ(weightBytes(*outIndex, w), weightBytes(*source, w)) << w;
      EXPECT_EQ(outIndex->findWeight(w)->type->text,
                source->findWeight(w)->type->text);
    }
    EXPECT_EQ(printed(out), printed(source->file->getName()));
  }
}

// New declarations go in a builtin group after the existing ones: the
// blob's handle keeps its number, and a saved view's declarations are used
// again rather than declared twice (MLIR would rename the second `key_1`).
TEST(InlinePlaceholdersTest, ExistingHandlesKeepTheirNumbers) {
  TempDir dir;
  auto source = bytecodeOf(dir, "blob", inlineModel(true));
  ASSERT_TRUE(source);
  RewritePlan plan;
  auto placeholders = planInlinePlaceholders(*source, 1024, plan);
  ASSERT_TRUE(bool(placeholders)) << toString(placeholders.takeError());
  EXPECT_EQ(countResourceHandles(source->layout), 1u);
  std::string view = dir.path("blob.view.mlirbc");
  ASSERT_FALSE(bool(rewriteBytecode(*source, view, plan)));
  auto viewIndex = indexPath(view);
  ASSERT_TRUE(viewIndex);
  EXPECT_EQ(resourceHandleKeys(viewIndex->layout),
            (std::vector<std::string>{"a", "inline:@table",
                                      std::string("inline:") + kBig}));
  const Resource *a = viewIndex->findResource("a");
  ASSERT_TRUE(a);
  EXPECT_EQ(blobBytes(*viewIndex, *a),
            blobBytes(*source, *source->findResource("a")));
  EXPECT_EQ(a->numReferences, 1u);

  // Back, then out again: the declarations left in the saved model are the
  // placeholders' again, none added.
  llvm::StringSet<> restored;
  RewritePlan back;
  ASSERT_FALSE(bool(planRestoreInline(*viewIndex, *source, back, restored)));
  std::string saved = dir.path("blob.saved.mlirbc");
  ASSERT_FALSE(bool(rewriteBytecode(*viewIndex, saved, back)));
  auto savedIndex = indexPath(saved);
  ASSERT_TRUE(savedIndex);
  RewritePlan again;
  auto second = planInlinePlaceholders(*savedIndex, 1024, again);
  ASSERT_TRUE(bool(second)) << toString(second.takeError());
  EXPECT_EQ(second->size(), 2u);
  EXPECT_TRUE(again.newBuiltinDeclarations.empty());
  std::string view2 = dir.path("blob.view2.mlirbc");
  ASSERT_FALSE(bool(rewriteBytecode(*savedIndex, view2, again)));
  auto view2Index = indexPath(view2);
  ASSERT_TRUE(view2Index);
  std::vector<std::string> refs;
  for (const ResourceReference &r : view2Index->references)
    refs.push_back(r.key);
  std::sort(refs.begin(), refs.end());
  EXPECT_EQ(refs, (std::vector<std::string>{"a", std::string("inline:") + kBig,
                                            "inline:@table"}));
}

// A key a resource of the model already has is not a placeholder's.
TEST(InlinePlaceholdersTest, ResourceKeysAreNotTaken) {
  TempDir dir;
  std::string text = inlineModel(true);
  size_t at = text.find("dense_resource<a>");
  text.replace(at, 17, "dense_resource<\"inline:@table\">");
  at = text.find("      a: ");
  text.replace(at, 9, "      \"inline:@table\": ");
  auto source = bytecodeOf(dir, "taken", text);
  ASSERT_TRUE(source);
  RewritePlan plan;
  auto placeholders = planInlinePlaceholders(*source, 1024, plan);
  ASSERT_TRUE(bool(placeholders)) << toString(placeholders.takeError());
  ASSERT_EQ(placeholders->size(), 1u);
  EXPECT_EQ((*placeholders)[0].key, std::string("inline:") + kBig);
}

// The way back refuses a placeholder whose weight is not there or whose
// type the bytes do not fit, and takes one of another type of that size.
TEST(InlinePlaceholdersTest, TypesMustFitTheBytes) {
  TempDir dir;
  auto source = bytecodeOf(dir, "src", inlineModel(false));
  ASSERT_TRUE(source);
  auto restore = [&](const std::string &name, const std::string &type,
                     const std::string &key) -> std::string {
    auto edited = bytecodeOf(dir, name,
                             "func.func @f() -> " + type +
                                 " {\n  %0 = arith.constant "
                                 "dense_resource<\"" +
                                 key + "\"> : " + type +
                                 "\n  return %0 : " + type + "\n}\n");
    if (!edited)
      return "no model";
    llvm::StringSet<> restored;
    RewritePlan plan;
    if (llvm::Error e = planRestoreInline(*edited, *source, plan, restored))
      return toString(std::move(e));
    return "ok " + std::to_string(plan.attrs.size());
  };
  std::string big = std::string("inline:") + kBig;
  EXPECT_EQ(restore("small", "tensor<3xf32>", big),
            "inline weight '@main/arith.constant#0' (tensor<32x32xf32>, 4096 "
            "bytes) does not fit its placeholder's type tensor<3xf32>");
  EXPECT_EQ(restore("same", "tensor<1024xi32>", big), "ok 1");
  EXPECT_EQ(restore("splat", "tensor<2x2xf64>", big),
            "inline weight '@main/arith.constant#0' (tensor<32x32xf32>, 4096 "
            "bytes) does not fit its placeholder's type tensor<2x2xf64>");
  std::string missing = restore("missing", "tensor<4xf32>", "inline:@nope");
  EXPECT_NE(missing.find("no inline weight '@nope' with raw data in "),
            std::string::npos)
      << missing;
}

// A replacement of an attribute the file does not have is refused.
TEST(InlinePlaceholdersTest, RewriteRefusesAnAttributeOutOfRange) {
  TempDir dir;
  auto source = bytecodeOf(dir, "range", inlineModel(false));
  ASSERT_TRUE(source);
  RewritePlan plan;
  plan.attrs[1000000] = AttrReplacement{"x", "", 0, 0};
  llvm::Error e = rewriteBytecode(*source, dir.path("range.out"), plan);
  ASSERT_TRUE(bool(e));
  EXPECT_NE(toString(std::move(e)).find("no attribute 1000000 to replace"),
            std::string::npos);
}

// Vectors, bf16, complex and i8 elements go out and back alike; packed i1
// data below the threshold (4096 elements in 512 bytes) stays inline.
TEST(InlinePlaceholdersTest, OtherElementTypes) {
  TempDir dir;
  auto hexBytes = [](size_t n, uint8_t seed) {
    std::vector<uint8_t> v(n);
    for (size_t i = 0; i < n; ++i)
      v[i] = uint8_t(i * 31 + seed);
    return hexOf(v);
  };
  std::string types[] = {"vector<32x32xf32>", "tensor<64x64xbf16>",
                         "tensor<4096xi1>", "tensor<16x16xcomplex<f32>>",
                         "tensor<2048xi8>"};
  size_t sizes[] = {4096, 8192, 512, 2048, 2048};
  std::string results, values, body;
  for (size_t i = 0; i < 5; ++i) {
    std::string v = "%" + std::to_string(i);
    body += "  " + v + " = arith.constant dense<\"" +
            hexBytes(sizes[i], uint8_t(i)) + "\"> : " + types[i] + "\n";
    results += (i ? ", " : "") + types[i];
    values += (i ? ", " : "") + v;
  }
  auto source =
      bytecodeOf(dir, "types",
                 "func.func @f() -> (" + results + ") {\n" + body +
                     "  return " + values + " : " + results + "\n}\n");
  ASSERT_TRUE(source);
  RewritePlan plan;
  auto placeholders = planInlinePlaceholders(*source, 1024, plan);
  ASSERT_TRUE(bool(placeholders)) << toString(placeholders.takeError());
  std::vector<std::string> names;
  for (const InlinePlaceholder &p : *placeholders)
    names.push_back(p.weight->name + " " + p.weight->type->text);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "@f/arith.constant#0 vector<32x32xf32>",
                       "@f/arith.constant#1 tensor<64x64xbf16>",
                       "@f/arith.constant#3 tensor<16x16xcomplex<f32>>",
                       "@f/arith.constant#4 tensor<2048xi8>"}));
  std::string view = dir.path("types.view.mlirbc");
  ASSERT_FALSE(bool(rewriteBytecode(*source, view, plan)));
  auto viewIndex = indexPath(view);
  ASSERT_TRUE(viewIndex);
  llvm::StringSet<> restored;
  RewritePlan back;
  ASSERT_FALSE(bool(planRestoreInline(*viewIndex, *source, back, restored)));
  EXPECT_EQ(restored.size(), 4u);
  std::string out = dir.path("types.back.mlirbc");
  ASSERT_FALSE(bool(rewriteBytecode(*viewIndex, out, back)));
  auto outIndex = indexPath(out);
  ASSERT_TRUE(outIndex);
  for (const Weight &w : source->weights)
    EXPECT_EQ(weightBytes(*outIndex, w.name), weightBytes(*source, w.name))
        << w.name;
  EXPECT_EQ(printed(out), printed(source->file->getName()));
}

// Weights named in `keep` stay inline (the server keeps those MLIR refused
// as placeholders).
TEST(InlinePlaceholdersTest, KeptWeightsStayInline) {
  TempDir dir;
  auto source = bytecodeOf(dir, "keep", inlineModel(false));
  ASSERT_TRUE(source);
  llvm::StringSet<> keep;
  keep.insert("@table");
  RewritePlan plan;
  auto placeholders = planInlinePlaceholders(*source, 1024, plan, &keep);
  ASSERT_TRUE(bool(placeholders)) << toString(placeholders.takeError());
  ASSERT_EQ(placeholders->size(), 1u);
  EXPECT_EQ((*placeholders)[0].weight->name, kBig);
  EXPECT_EQ(plan.attrs.size(), 1u);
  EXPECT_EQ(plan.newBuiltinDeclarations,
            (std::vector<std::string>{std::string("inline:") + kBig}));
}
