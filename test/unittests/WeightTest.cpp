//===- WeightTest.cpp - Weights of every kind: names, places, values ------===//

#include "TestModels.h"

#include "mlirscope/Blob/BlobStats.h"
#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Edit/Editor.h"
#include "mlirscope/Edit/Externalize.h"
#include "mlirscope/Index/Parameters.h"
#include "mlirscope/Index/Summary.h"
#include "mlirscope/Text/InlineWeights.h"

#include <gtest/gtest.h>

using namespace mlirscope;
using namespace mlirscope::testing;

namespace {

/// Inline weights of each encoding MLIR writes in text: a literal list held
/// by a global, hex, a literal splat, packed-able bools, a hex splat.
const char *kInlineModel = R"(module {
  memref.global "private" constant @table : memref<4xf32> = dense<[1.0, 2.5, -3.0, 4.0]>
  func.func @main() -> (tensor<2x2xf32>, tensor<300xi32>, tensor<8xi1>, tensor<1000xf32>) {
    %0 = arith.constant dense<"0x0000803F000000400000404000008040"> : tensor<2x2xf32>
    %1 = arith.constant dense<7> : tensor<300xi32>
    %2 = arith.constant dense<[true, false, true, true, false, false, false, true]> : tensor<8xi1>
    %3 = arith.constant dense<"0x0000803F"> : tensor<1000xf32>
    return %0, %1, %2, %3 : tensor<2x2xf32>, tensor<300xi32>, tensor<8xi1>, tensor<1000xf32>
  }
}
)";

std::unique_ptr<ModelIndex> indexWith(const std::string &path,
                                      uint64_t minInlineBytes) {
  IndexOptions options;
  options.minInlineBytes = minInlineBytes;
  return check(indexFile(path, options));
}

std::vector<double> valuesOf(const ModelIndex &index, llvm::StringRef name) {
  std::vector<double> out;
  const Weight *w = index.findWeight(name);
  if (!w) {
    std::string names;
    for (const Weight &x : index.weights)
      names += " " + x.name;
    ADD_FAILURE() << "no weight " << name.str() << "; the index has" << names;
    return out;
  }
  auto view = WeightView::get(index, *w);
  if (!view) {
    ADD_FAILURE() << llvm::toString(view.takeError());
    return out;
  }
  for (uint64_t i = 0; i < view->size() && i < 8; ++i)
    out.push_back(view->getDouble(i));
  return out;
}

/// The same model must give the same names and values as text and as
/// bytecode (where MLIR stores the same attributes as raw data).
void expectInlineWeights(const ModelIndex &index) {
  ASSERT_EQ(index.weights.size(), 5u);
  for (const Weight &w : index.weights)
    EXPECT_EQ(w.kind, WeightKind::Inline) << w.name;
  EXPECT_EQ(valuesOf(index, "@table"), (std::vector<double>{1, 2.5, -3, 4}));
  EXPECT_EQ(valuesOf(index, "@main/arith.constant#0"),
            (std::vector<double>{1, 2, 3, 4}));
  EXPECT_EQ(valuesOf(index, "@main/arith.constant#1"),
            std::vector<double>(8, 7.0));
  EXPECT_EQ(valuesOf(index, "@main/arith.constant#2"),
            (std::vector<double>{1, 0, 1, 1, 0, 0, 0, 1}));
  EXPECT_EQ(valuesOf(index, "@main/arith.constant#3"),
            std::vector<double>(8, 1.0));
  const Weight *splat = index.findWeight("@main/arith.constant#3");
  ASSERT_TRUE(splat);
  EXPECT_TRUE(splat->splat);
  EXPECT_EQ(splat->bytes(), 4000u);
  EXPECT_EQ(splat->dataBytes, 4u);
  ASSERT_TRUE(splat->type);
  EXPECT_EQ(splat->type->text, "tensor<1000xf32>");
  const Weight *held = index.findWeight("@table");
  ASSERT_TRUE(held);
  EXPECT_EQ(held->opName, "memref.global");
}

} // namespace

TEST(WeightTest, InlineWeightsOfTextAreNamedTypedAndRead) {
  TempDir dir;
  std::string path = dir.path("m.mlir");
  writeFile(path, kInlineModel);
  auto index = indexWith(path, 0);
  ASSERT_TRUE(index);
  expectInlineWeights(*index);
  const Weight *hex = index->findWeight("@main/arith.constant#0");
  ASSERT_TRUE(hex);
  EXPECT_EQ(hex->encoding, WeightEncoding::Hex);
  // The place is the digits themselves, after `"0x`.
  std::string text = readFile(path);
  EXPECT_EQ(text.substr(hex->offset, 8), "0000803F");
  EXPECT_EQ(hex->size, 32u);
  EXPECT_EQ(text.substr(hex->attrOffset, 6), "dense<");
  EXPECT_TRUE(llvm::StringRef(text).slice(hex->attrOffset, hex->attrEnd)
                  .ends_with("> : tensor<2x2xf32>"));
  EXPECT_EQ(index->findWeight("@table")->encoding, WeightEncoding::Literal);
  // MLIR parsed the file: each weight knows the op holding it.
  EXPECT_NE(hex->op, kNone);
  EXPECT_EQ(index->getOpName(index->ops[hex->op]), "arith.constant");
}

TEST(WeightTest, InlineWeightsOfBytecodeMatchTextAtEveryVersion) {
  TempDir dir;
  for (int64_t version : {0, 1, 2, 3, 4, 5, 6}) {
    SCOPED_TRACE("bytecode version " + std::to_string(version));
    std::string name = "v" + std::to_string(version);
    auto converted = bytecodeOf(dir, name, kInlineModel, version);
    ASSERT_TRUE(converted);
    auto index = indexWith(dir.path(name + ".mlirbc"), 0);
    ASSERT_TRUE(index);
    expectInlineWeights(*index);
    // MLIR stores i1 data packed, eight elements a byte.
    const Weight *bools = index->findWeight("@main/arith.constant#2");
    ASSERT_TRUE(bools);
    EXPECT_TRUE(bools->bitPacked);
    EXPECT_EQ(bools->dataBytes, 1u);
    EXPECT_EQ(index->findWeight("@main/arith.constant#0")->encoding,
              WeightEncoding::Raw);
  }
}

TEST(WeightTest, SmallInlineAttributesAreCountedNotListed) {
  TempDir dir;
  std::string path = dir.path("m.mlir");
  writeFile(path, kInlineModel);
  auto index = indexWith(path, 1024);
  ASSERT_TRUE(index);
  // 300 x i32 and 1000 x f32 reach 1 KiB; the others do not.
  ASSERT_EQ(index->weights.size(), 2u);
  EXPECT_TRUE(index->findWeight("@main/arith.constant#1"));
  EXPECT_TRUE(index->findWeight("@main/arith.constant#3"));
  EXPECT_EQ(index->smallInlineCount, 3u);
  EXPECT_EQ(index->smallInlineBytes, 16u + 16u + 8u);
  ModelSummary s = summarize(*index);
  EXPECT_EQ(s.weightsByKind["inline"].count, 2u);
  EXPECT_EQ(s.weightsByKind["inline"].bytes, 1200u + 4000u);
}

TEST(WeightTest, LiteralsAndSplatsAreNotEditedInPlace) {
  TempDir dir;
  std::string path = dir.path("m.mlir");
  writeFile(path, kInlineModel);
  auto index = indexWith(path, 0);
  ASSERT_TRUE(index);
  for (const char *name : {"@table", "@main/arith.constant#1",
                           "@main/arith.constant#3"}) {
    auto view = WeightView::get(*index, *index->findWeight(name));
    ASSERT_TRUE(bool(view));
    llvm::Error e = canEditInPlace(*view);
    EXPECT_TRUE(bool(e)) << name;
    llvm::consumeError(std::move(e));
  }
  auto hex = WeightView::get(*index, *index->findWeight("@main/arith.constant#0"));
  ASSERT_TRUE(bool(hex));
  EXPECT_FALSE(bool(canEditInPlace(*hex)));
  // Hex is rewritten digit for digit: element 1 (2.0) becomes -1.0.
  std::vector<uint8_t> minusOne = {0x00, 0x00, 0x80, 0xBF};
  FileRange range = encodeForFile(*hex, 4, minusOne);
  EXPECT_EQ(std::string(range.bytes.begin(), range.bytes.end()), "000080BF");
  EXPECT_EQ(range.offset, index->findWeight("@main/arith.constant#0")->offset + 8);
}

TEST(WeightTest, ParameterReferencesBindToAnArchiveByScope) {
  TempDir dir;
  std::string model = dir.path("p.mlir");
  writeFile(model, R"(module {
  util.global private @a0 = #stream.parameter.named<"a"::"a0"> : tensor<4xi64>
  util.global private @b0 = #flow.parameter.named<"b"::"b0"> : tensor<2xf32>
  util.global private @c = #stream.parameter.named<"c"> : tensor<2xf32>
}
)");
  // A safetensors archive: an 8-byte header length, the JSON header, data.
  std::string header =
      R"({"a0":{"dtype":"I64","shape":[4],"data_offsets":[0,32]},"extra":{"dtype":"U8","shape":[1],"data_offsets":[32,33]}})";
  std::string archive;
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i)
    archive.push_back(char(n >> (8 * i)));
  archive += header;
  for (int64_t v = 0; v < 4; ++v)
    for (int i = 0; i < 8; ++i)
      archive.push_back(char(uint64_t(v * 10) >> (8 * i)));
  archive.push_back('\x2a');
  std::string archivePath = dir.path("a.safetensors");
  writeFile(archivePath, archive);

  IndexOptions options;
  options.parameters.push_back(parseParameterOption("a=" + archivePath));
  auto index = check(indexFile(model, options));
  ASSERT_TRUE(index);
  ASSERT_EQ(index->weights.size(), 3u);
  const Weight *a0 = index->findWeight("a::a0");
  ASSERT_TRUE(a0);
  EXPECT_EQ(a0->kind, WeightKind::Parameter);
  EXPECT_EQ(a0->opName, "util.global");
  EXPECT_NE(a0->entry, kNone);
  EXPECT_EQ(valuesOf(*index, "a::a0"), (std::vector<double>{0, 10, 20, 30}));
  // `b` has no archive (unbound), `c` has no scope; `extra` is unused.
  ModelSummary s = summarize(*index);
  ASSERT_EQ(s.unboundParameters.size(), 2u);
  EXPECT_EQ(s.unusedParameters, std::vector<std::string>{"a::extra"});
  auto unbound = WeightView::get(*index, *index->findWeight("b::b0"));
  ASSERT_FALSE(bool(unbound));
  EXPECT_NE(llvm::toString(unbound.takeError()).find("--parameters b=FILE"),
            std::string::npos);
}

TEST(WeightTest, ParameterOptionsFollowIREE) {
  EXPECT_EQ(parseParameterOption("a=x.irpa"),
            (std::pair<std::string, std::string>{"a", "x.irpa"}));
  EXPECT_EQ(parseParameterOption("x.irpa"),
            (std::pair<std::string, std::string>{"", "x.irpa"}));
  EXPECT_EQ(parseParameterOption("dir/x=1.irpa"),
            (std::pair<std::string, std::string>{"", "dir/x=1.irpa"}));
}

TEST(WeightTest, ElementsLiteralPartsAtAnOffset) {
  std::string text =
      R"(  %0 = stablehlo.constant dense<[[1, 2], [3, 4]]> : tensor<2x2xi8>)";
  size_t at = text.find("dense<");
  auto lit = parseElementsLiteral(text, at);
  ASSERT_TRUE(lit);
  EXPECT_EQ(lit->encoding, WeightEncoding::Literal);
  EXPECT_EQ(text.substr(lit->dataBegin, lit->dataEnd - lit->dataBegin),
            "[[1, 2], [3, 4]]");
  EXPECT_EQ(text.substr(lit->typeBegin, lit->typeEnd - lit->typeBegin),
            "tensor<2x2xi8>");
  EXPECT_FALSE(parseElementsLiteral("dense<[1, 2", 0));
  EXPECT_FALSE(parseElementsLiteral("dense<\"0x00", 0));
}

TEST(WeightTest, ExternalizeMovesInlineWeightsIntoResourcesByteForByte) {
  TempDir dir;
  std::string in = dir.path("in.mlir"), out = dir.path("out.mlir");
  writeFile(in, kInlineModel);
  auto before = indexWith(in, 0);
  ASSERT_TRUE(before);
  ExternalizeOptions options;
  options.minBytes = 0;
  auto result = externalizeText(*before, out, options);
  ASSERT_TRUE(bool(result)) << llvm::toString(result.takeError());
  // Hex (copied digit for digit), a literal list (encoded) and packed-able
  // bools (one byte per element in a resource) move; splats stay.
  ASSERT_EQ(result->moved.size(), 3u);
  ASSERT_EQ(result->kept.size(), 2u);
  auto after = indexWith(out, 0);
  ASSERT_TRUE(after);
  for (auto &[name, key] : result->moved) {
    SCOPED_TRACE(name + " -> " + key);
    const Resource *r = after->findResource(key);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->numReferences, 1u);
    auto was = WeightView::get(*before, *before->findWeight(name));
    auto now = WeightView::get(*after, *r);
    ASSERT_TRUE(bool(was)) << llvm::toString(was.takeError());
    ASSERT_TRUE(bool(now)) << llvm::toString(now.takeError());
    ASSERT_EQ(was->sizeInBytes(), now->sizeInBytes());
    std::vector<uint8_t> a(was->sizeInBytes()), b(now->sizeInBytes());
    was->readBytes(0, was->size(), a.data());
    now->readBytes(0, now->size(), b.data());
    EXPECT_EQ(a, b);
  }
  // The splats stayed inline; names count the constants that hold
  // elements, so theirs are now #0 and #1.
  ASSERT_EQ(after->weights.size(), 5u);
  EXPECT_TRUE(after->findWeight("@main/arith.constant#0")->splat);
  EXPECT_TRUE(after->findWeight("@main/arith.constant#1")->splat);
  EXPECT_EQ(resourceKeyFor("@main/stablehlo.constant#12"),
            "main.stablehlo.constant_12");
}

TEST(WeightTest, QuantizedGgufParametersAreReadDequantized) {
  TempDir dir;
  auto le = [](uint64_t v, int n) {
    std::string s;
    for (int i = 0; i < n; ++i)
      s.push_back(char(v >> (8 * i)));
    return s;
  };
  auto str = [&](const std::string &s) { return le(s.size(), 8) + s; };
  // gguf v3: one tensor `w` of 64 Q8_0 elements (two blocks: an f16 scale,
  // then 32 int8), data aligned to 32 bytes.
  std::string header = "GGUF" + le(3, 4) + le(1, 8) + le(0, 8);
  header += str("w") + le(1, 4) + le(64, 8) + le(8 /*Q8_0*/, 4) + le(0, 8);
  header.append((32 - header.size() % 32) % 32, '\0');
  std::string data;
  for (int block = 0; block < 2; ++block) {
    data += le(block ? 0x3800 /*0.5*/ : 0x3C00 /*1.0*/, 2);
    for (int i = 0; i < 32; ++i)
      data.push_back(char(int8_t(i - 16)));
  }
  writeFile(dir.path("q.gguf"), header + data);
  writeFile(dir.path("q.mlir"), "module {\n  util.global private @w = "
                                "#stream.parameter.named<\"g\"::\"w\">\n}\n");
  IndexOptions options;
  options.parameters.push_back({"g", dir.path("q.gguf")});
  auto index = check(indexFile(dir.path("q.mlir"), options));
  ASSERT_TRUE(index);
  const Weight *w = index->findWeight("g::w");
  ASSERT_TRUE(w);
  ASSERT_TRUE(w->type);
  EXPECT_EQ(w->dataBytes, 68u);
  auto view = WeightView::get(*index, *w);
  ASSERT_TRUE(bool(view)) << llvm::toString(view.takeError());
  EXPECT_EQ(view->getDType(), DType::F32);
  EXPECT_EQ(view->size(), 64u);
  EXPECT_EQ(view->getDouble(0), -16.0);
  EXPECT_EQ(view->getDouble(31), 15.0);
  EXPECT_EQ(view->getDouble(32), -8.0);
  EXPECT_EQ(view->getDouble(63), 7.5);
  StatsOptions stats;
  stats.threads = 1;
  auto s = computeStats(*view, stats);
  ASSERT_TRUE(bool(s));
  EXPECT_EQ(s->min, -16.0);
  EXPECT_EQ(s->max, 15.0);
}
