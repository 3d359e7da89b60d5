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

} // namespace
