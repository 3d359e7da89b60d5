//===- TextChunkTest.cpp - Split files, metadata blocks, the lexical scan -===//
//
// Text models as real producers write them: several `{-# #-}` blocks,
// `// -----` chunks, dense_resource in CHECK comments, elided resources. The
// IR here is in an unlinked dialect's custom syntax, so every chunk takes the
// lexical path whether or not MLIR's parser is available.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Text/TextIndexer.h"
#include "mlirscope/Index/Index.h"
#include "mlirscope/Index/Summary.h"
#include "mlirscope/Support/MappedFile.h"

#include <gtest/gtest.h>

using namespace mlirscope;

namespace {

std::unique_ptr<ModelIndex> indexString(const std::string &text,
                                        IndexOptions options = {}) {
  auto file = MappedFile::copyOf(
      "test.mlir", llvm::ArrayRef<uint8_t>(
                       reinterpret_cast<const uint8_t *>(text.data()),
                       text.size()));
  auto index = indexText(std::move(file), options);
  EXPECT_TRUE(bool(index)) << llvm::toString(index.takeError());
  return index ? std::move(*index) : nullptr;
}

std::string blob(const char *hex) {
  return std::string("\"0x04000000") + hex + "\"";
}

TEST(TextChunkTest, SplitsWhereMLIRSplits) {
  // A marker followed by '0' is a near miss, and one at the very end of the
  // file is not a split either (mlir::splitAndProcessBuffer).
  std::string text = "foo.a %x\n"
                     "// -----\n"
                     "foo.b %x\n"
                     "// -----0\n"
                     "foo.c %x\n"
                     "// -----";
  auto index = indexString(text);
  ASSERT_TRUE(index);
  ASSERT_EQ(index->chunks.size(), 2u);
  EXPECT_EQ(index->chunks[0].begin, 0u);
  EXPECT_EQ(index->chunks[0].end, text.find("// -----"));
  EXPECT_EQ(index->chunks[1].begin, text.find("// -----") + 8);
  EXPECT_EQ(index->chunks[1].line, 2u);
  EXPECT_EQ(index->chunks[1].end, text.size());
  // Each chunk is a module of its own, implicit here.
  EXPECT_EQ(index->chunks[0].numOps, 2u);
  EXPECT_EQ(index->chunks[1].numOps, 3u);
  EXPECT_TRUE(index->chunks[0].approximate);
}

TEST(TextChunkTest, EveryBlockIsReadAndLaterEntriesReplace) {
  std::string text = "foo.op dense_resource<a> : tensor<1xf32>\n"
                     "{-#\n dialect_resources: { builtin: { a: " +
                     blob("00000000") + " } }\n#-}\n" +
                     "foo.op dense_resource<b> : tensor<1xf32>\n"
                     "{-#\n dialect_resources: { builtin: {\n"
                     "   // a comment inside a block\n"
                     "   b: " + blob("0000803F") + ",\n"
                     "   a: " + blob("0000004000000040") + "\n } }\n#-}\n";
  auto index = indexString(text);
  ASSERT_TRUE(index);
  ASSERT_EQ(index->resources.size(), 2u);
  const Resource *a = index->findResource("a");
  ASSERT_TRUE(a);
  // The second block's `a` (8 bytes) replaced the first (4 bytes).
  EXPECT_EQ(a->size, 8u);
  EXPECT_EQ(a->numReferences, 1u);
  ModelSummary s = summarize(*index);
  EXPECT_TRUE(s.missing.empty());
  EXPECT_TRUE(s.unreferenced.empty());
  EXPECT_EQ(s.sizeMismatches.size(), 1u); // a: 8 bytes for tensor<1xf32>
}

TEST(TextChunkTest, KeysResolvePerChunk) {
  std::string block = "{-#\n dialect_resources: { builtin: { w: " +
                      blob("0000803F") + " } }\n#-}\n";
  std::string text = "foo.op dense_resource<w> : tensor<1xf32>\n" + block +
                     "// -----\n"
                     "foo.op dense_resource<w> : tensor<1xf32>\n"
                     "foo.op dense_resource<v> : tensor<1xf32>\n"
                     "// -----\n" +
                     block;
  auto index = indexString(text);
  ASSERT_TRUE(index);
  ASSERT_EQ(index->chunks.size(), 3u);
  // The same key in two chunks is two resources; the chunk in between has
  // none, so its `w` is missing and the third chunk's `w` is unreferenced.
  ASSERT_EQ(index->resources.size(), 2u);
  EXPECT_EQ(index->resources[0].chunk, 0u);
  EXPECT_EQ(index->resources[1].chunk, 2u);
  ModelSummary s = summarize(*index);
  ASSERT_EQ(s.chunks.size(), 3u);
  EXPECT_EQ(s.chunks[0].numReferences, 1u);
  EXPECT_TRUE(s.chunks[0].missing.empty());
  EXPECT_EQ(s.chunks[1].missing, (std::vector<std::string>{"w", "v"}));
  ASSERT_EQ(s.chunks[2].unreferenced.size(), 1u);
  EXPECT_EQ(s.missing.size(), 2u);

  // One chunk alone.
  IndexOptions one;
  one.chunk = 2;
  auto third = indexString(text, one);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->selectedChunk, std::optional<uint32_t>(2));
  ASSERT_EQ(third->resources.size(), 1u);
  EXPECT_EQ(third->resources[0].chunk, 2u);
  EXPECT_TRUE(third->references.empty());
}

TEST(TextChunkTest, CommentsAndStringsAreNotReferences) {
  std::string text =
      "// CHECK: foo.op dense_resource<in_check> : tensor<1xf32>\n"
      "foo.op {note = \"dense_resource<in_string>\"} "
      "dense_resource<real> : tensor<1xf32> // dense_resource<trailing>\n"
      "foo.op dense_resource<__elided__> : tensor<4xf32>\n";
  auto index = indexString(text);
  ASSERT_TRUE(index);
  ASSERT_EQ(index->references.size(), 2u);
  EXPECT_EQ(index->references[0].key, "real");
  EXPECT_TRUE(index->references[1].isElided());
  ModelSummary s = summarize(*index);
  // `real` has no entry: missing. The elided one is not.
  EXPECT_EQ(s.missing, (std::vector<std::string>{"real"}));
  EXPECT_EQ(s.elidedReferences, 1u);
}

} // namespace
