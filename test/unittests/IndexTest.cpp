//===- IndexTest.cpp - Indexing in-memory models --------------------------===//

#include "mlirscope/Support/FormatError.h"
#include "mlirscope/Index/Index.h"
#include "mlirscope/Index/Summary.h"
#include "mlirscope/Support/MappedFile.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

using namespace mlirscope;

namespace {

std::vector<uint8_t> readExample(const char *name) {
  std::ifstream in(std::string(MLIRSCOPE_SOURCE_DIR) + "/examples/" + name,
                   std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(IndexTest, BytecodeExampleGraph) {
  std::vector<uint8_t> bytes = readExample("tiny.mlirbc");
  ASSERT_FALSE(bytes.empty());
  auto index = indexMapped(MappedFile::copyOf("tiny.mlirbc", bytes));
  ASSERT_TRUE(bool(index)) << llvm::toString(index.takeError());
  const ModelIndex &m = **index;
  EXPECT_EQ(m.bytecodeVersion, 6u);
  ASSERT_EQ(m.ops.size(), 8u);
  // Pre-order: module, func, then the body.
  EXPECT_EQ(m.getOpName(m.ops[0]), "builtin.module");
  EXPECT_EQ(m.getOpName(m.ops[1]), "func.func");
  EXPECT_EQ(m.ops[1].parent, 0u);
  EXPECT_EQ(m.ops[1].symbol, "forward");
  EXPECT_TRUE(m.ops[1].isolatedFromAbove);
  // %h = arith.addf %x, %w0: operand 0 is the function's block argument,
  // operand 1 the first constant's result.
  const OpRecord *addf = nullptr;
  for (const OpRecord &op : m.ops)
    if (m.getOpName(op) == "arith.addf")
      addf = &op;
  ASSERT_TRUE(addf);
  ASSERT_EQ(addf->numOperands, 2u);
  const ValueRecord &a = m.values[m.operands[addf->firstOperand]];
  const ValueRecord &b = m.values[m.operands[addf->firstOperand + 1]];
  EXPECT_EQ(a.kind, ValueRecord::Kind::BlockArgument);
  EXPECT_EQ(a.owner, 1u);
  EXPECT_EQ(b.kind, ValueRecord::Kind::OpResult);
  EXPECT_EQ(m.getOpName(m.ops[b.owner]), "arith.constant");

  ASSERT_EQ(m.resources.size(), 3u);
  const Resource *w = m.findResource("layer0.weight");
  ASSERT_TRUE(w);
  EXPECT_EQ(w->size, 64u);
  ASSERT_TRUE(w->type);
  EXPECT_EQ(w->type->text, "tensor<4x4xf32>");
  // 1.0f at the blob's start.
  EXPECT_EQ(bytes[w->dataOffset + 3], 0x3F);
}

TEST(IndexTest, EveryTruncationIsAFormatErrorOrASummary) {
  std::vector<uint8_t> bytes = readExample("tiny.mlirbc");
  for (size_t cut = 0; cut < bytes.size(); ++cut) {
    std::vector<uint8_t> part(bytes.begin(), bytes.begin() + cut);
    auto index = indexMapped(MappedFile::copyOf("cut", part));
    if (!index) {
      llvm::Error err = index.takeError();
      bool isFormat = err.isA<FormatError>();
      llvm::consumeError(std::move(err));
      EXPECT_TRUE(isFormat) << "cut at " << cut;
    } else {
      (void)summarize(**index);
    }
  }
}

TEST(IndexTest, LexicalIndexWithoutOpsKeepsEverythingElse) {
  // The language server's index (no MLIR parse, no op table) finds the same
  // resources, references (with their types), weights and chunks as the
  // lexical index with ops.
  std::vector<uint8_t> bytes = readExample("tiny.mlir");
  std::string inline_ =
      "func.func @g() -> tensor<2xf32> {\n"
      "  %c = arith.constant dense<[1.0, 2.0]> : tensor<2xf32>\n"
      "  return %c : tensor<2xf32>\n}\n";
  bytes.insert(bytes.begin(), inline_.begin(), inline_.end());
  IndexOptions withOps;
  withOps.parseWithMLIR = false;
  withOps.minInlineBytes = 0;
  IndexOptions withoutOps = withOps;
  withoutOps.lexicalOps = false;
  auto a = indexMapped(MappedFile::copyOf("tiny.mlir", bytes), withOps);
  auto b = indexMapped(MappedFile::copyOf("tiny.mlir", bytes), withoutOps);
  ASSERT_TRUE(bool(a)) << llvm::toString(a.takeError());
  ASSERT_TRUE(bool(b)) << llvm::toString(b.takeError());
  EXPECT_FALSE((*a)->ops.empty());
  EXPECT_TRUE((*b)->ops.empty());
  EXPECT_TRUE((*b)->opNames.empty());
  ASSERT_EQ((*a)->resources.size(), 3u);
  ASSERT_EQ((*b)->resources.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    const Resource &ra = (*a)->resources[i], &rb = (*b)->resources[i];
    EXPECT_EQ(ra.key, rb.key);
    EXPECT_EQ(ra.dataOffset, rb.dataOffset);
    EXPECT_EQ(ra.numReferences, rb.numReferences);
    ASSERT_TRUE(rb.type);
    EXPECT_EQ(ra.type->text, rb.type->text);
  }
  ASSERT_EQ((*a)->references.size(), 3u);
  ASSERT_EQ((*b)->references.size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ((*a)->references[i].key, (*b)->references[i].key);
    EXPECT_EQ((*a)->references[i].offset, (*b)->references[i].offset);
    EXPECT_EQ((*a)->references[i].resource, (*b)->references[i].resource);
  }
  ASSERT_EQ((*a)->weights.size(), 4u);
  ASSERT_EQ((*b)->weights.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ((*a)->weights[i].name, (*b)->weights[i].name);
    EXPECT_EQ((*a)->weights[i].offset, (*b)->weights[i].offset);
    EXPECT_EQ((*a)->weights[i].opName, (*b)->weights[i].opName);
  }
  ASSERT_EQ((*b)->chunks.size(), 1u);
  EXPECT_EQ((*a)->chunks[0].begin, (*b)->chunks[0].begin);
  EXPECT_EQ((*a)->chunks[0].end, (*b)->chunks[0].end);
  ModelSummary sa = summarize(**a), sb = summarize(**b);
  EXPECT_EQ(sa.missing, sb.missing);
  EXPECT_EQ(sa.resourceBytes, sb.resourceBytes);
}

} // namespace
