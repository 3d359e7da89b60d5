//===- BlockCacheTest.cpp - Remote/BlockCache.h ---------------------------===//

#include "mlirscope/Remote/BlockCache.h"
#include "mlirscope/Remote/Remote.h"

#include "gtest/gtest.h"

using namespace mlirscope;

static BlockCache::Block block(size_t n, uint8_t fill) {
  return std::make_shared<std::vector<uint8_t>>(n, fill);
}

TEST(BlockCacheTest, EvictsLeastRecentlyUsedOverBudget) {
  BlockCache cache(3 * 100);
  cache.insert(0, block(100, 0));
  cache.insert(1, block(100, 1));
  cache.insert(2, block(100, 2));
  EXPECT_EQ(cache.bytes(), 300u);
  // Touching 0 makes 1 the oldest: it goes when 3 comes.
  EXPECT_TRUE(cache.lookup(0));
  cache.insert(3, block(100, 3));
  EXPECT_EQ(cache.blocks(), 3u);
  EXPECT_FALSE(cache.lookup(1));
  EXPECT_TRUE(cache.lookup(0));
  EXPECT_TRUE(cache.lookup(2));
  EXPECT_EQ((*cache.lookup(3))[0], 3);
  EXPECT_LE(cache.bytes(), 300u);
}

TEST(BlockCacheTest, EvictedBlocksLiveWhileHeld) {
  BlockCache cache(100);
  cache.insert(7, block(100, 7));
  BlockCache::Block held = cache.lookup(7);
  cache.insert(8, block(100, 8));
  EXPECT_FALSE(cache.lookup(7));
  // A span's keepAlive still reads the evicted block.
  ASSERT_TRUE(held);
  EXPECT_EQ((*held)[99], 7);
}

TEST(BlockCacheTest, ReplacingKeepsTheCount) {
  BlockCache cache(1000);
  cache.insert(1, block(100, 1));
  cache.insert(1, block(50, 2));
  EXPECT_EQ(cache.blocks(), 1u);
  EXPECT_EQ(cache.bytes(), 50u);
  EXPECT_EQ((*cache.lookup(1))[0], 2);
}

TEST(BlockCacheTest, ANewestBlockOverBudgetStaysAlone) {
  BlockCache cache(10);
  cache.insert(0, block(5, 0));
  cache.insert(1, block(20, 1));
  EXPECT_EQ(cache.blocks(), 1u);
  EXPECT_TRUE(cache.lookup(1));
}

TEST(RemoteTest, WhatIsAUrl) {
  EXPECT_TRUE(isUrl("https://host/m.mlirbc"));
  EXPECT_TRUE(isUrl("HTTP://host/m.mlirbc"));
  EXPECT_TRUE(isUrl("s3://bucket/key"));
  EXPECT_FALSE(isUrl("model.mlirbc"));
  EXPECT_FALSE(isUrl("/data/http://x"));
  EXPECT_FALSE(isUrl("ftp://host/m.mlirbc"));
}

TEST(RemoteTest, OpenUrlRefusesOtherSchemesAndBadS3Names) {
  RemoteOptions o;
  auto ftp = openUrl("ftp://host/x", o);
  ASSERT_FALSE(ftp);
  EXPECT_EQ(llvm::toString(ftp.takeError()),
            "ftp://host/x: not an http://, https:// or s3:// URL");
  auto s3 = openUrl("s3://bucket", o);
  ASSERT_FALSE(s3);
  EXPECT_EQ(llvm::toString(s3.takeError()),
            "s3://bucket: expected s3://bucket/key");
}
