//===- SplitTest.cpp - Split markers, metadata blocks, dense_resource uses ===//
//
// The two split rules against what the MLIR 22 tools do with the same text:
// `mlir-opt --split-input-file` warns "near miss with file split marker" and
// does not cut; upstream `mlir-lsp-server` cuts at every marker.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Text/Split.h"

#include <gtest/gtest.h>

using namespace mlirscope;

namespace {

/// The chunks' texts.
std::vector<std::string> split(llvm::StringRef text, SplitRule rule,
                               llvm::ArrayRef<TextRange> skip = {}) {
  std::vector<std::string> out;
  for (TextRange r : splitChunks(text, skip, rule))
    out.push_back(text.slice(r.begin, r.end).str());
  return out;
}

using Chunks = std::vector<std::string>;

TEST(SplitTest, BothRulesCutAtAMarker) {
  for (SplitRule rule : {SplitRule::SplitInputFile, SplitRule::LanguageServer})
    EXPECT_EQ(split("a\n// -----\nb\n", rule), (Chunks{"a\n", "\nb\n"}));
  EXPECT_EQ(split("", SplitRule::LanguageServer), (Chunks{""}));
  EXPECT_EQ(split("a", SplitRule::SplitInputFile), (Chunks{"a"}));
}

TEST(SplitTest, NearMissesCutOnlyForTheLanguageServer) {
  // A marker followed by '0'.
  EXPECT_EQ(split("a\n// -----0\nb", SplitRule::SplitInputFile),
            (Chunks{"a\n// -----0\nb"}));
  EXPECT_EQ(split("a\n// -----0\nb", SplitRule::LanguageServer),
            (Chunks{"a\n", "0\nb"}));
  // A marker that ends the text.
  EXPECT_EQ(split("a\n// -----", SplitRule::SplitInputFile),
            (Chunks{"a\n// -----"}));
  EXPECT_EQ(split("a\n// -----", SplitRule::LanguageServer),
            (Chunks{"a\n", ""}));
  // Two markers glued: mlir-opt cuts at the second only.
  EXPECT_EQ(split("a\n// -----// -----\nb", SplitRule::SplitInputFile),
            (Chunks{"a\n// -----", "\nb"}));
  EXPECT_EQ(split("a\n// -----// -----\nb", SplitRule::LanguageServer),
            (Chunks{"a\n", "", "\nb"}));
  // More dashes: both cut, the rest begins the next chunk.
  EXPECT_EQ(split("a\n// ------\nb", SplitRule::SplitInputFile),
            (Chunks{"a\n", "-\nb"}));
}

TEST(SplitTest, SkippedRangesAreNotSearched) {
  llvm::StringRef text = "a\n{-# // ----- #-}\n// -----\nb";
  std::vector<TextRange> blocks = findMetadataBlocks(text);
  ASSERT_EQ(blocks.size(), 1u);
  EXPECT_EQ(split(text, SplitRule::LanguageServer, blocks),
            (Chunks{"a\n{-# // ----- #-}\n", "\nb"}));
}

TEST(SplitTest, MetadataBlocksOpenALine) {
  llvm::StringRef text = "x {-# no #-}\n  {-# a #-}\n{-# b";
  std::vector<TextRange> blocks = findMetadataBlocks(text);
  ASSERT_EQ(blocks.size(), 2u);
  EXPECT_EQ(text.slice(blocks[0].begin, blocks[0].end), "{-# a #-}");
  // Unterminated: to the end of the text.
  EXPECT_EQ(text.slice(blocks[1].begin, blocks[1].end), "{-# b");
}

TEST(SplitTest, DenseResourceUses) {
  llvm::StringRef text = "%0 = dense_resource<w.1> : tensor<1xf32>\n"
                         "// dense_resource<in_comment>\n"
                         "\"x\"() {s = \"dense_resource<in_string>\"}\n"
                         "%1 = dense_resource<\"quoted key\">\n"
                         "%2 = xdense_resource<glued>\n"
                         "%3 = dense_resource<open\n"
                         "{-#\n  dense_resource<in_block>\n#-}\n";
  std::vector<DenseResourceUse> uses =
      findDenseResourceUses(text, findMetadataBlocks(text));
  ASSERT_EQ(uses.size(), 3u);
  EXPECT_EQ(uses[0].key, "w.1");
  EXPECT_EQ(text.slice(uses[0].attrRange.begin, uses[0].attrRange.end),
            "dense_resource<w.1>");
  EXPECT_EQ(uses[1].key, "quoted key");
  EXPECT_EQ(text.slice(uses[1].keyRange.begin, uses[1].keyRange.end),
            "\"quoted key\"");
  EXPECT_EQ(uses[2].key, "open");
  EXPECT_EQ(text.slice(uses[2].attrRange.begin, uses[2].attrRange.end),
            "dense_resource<open");
}

} // namespace
