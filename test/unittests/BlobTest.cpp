//===- BlobTest.cpp - Element conversions, checksums, the stats cache -----===//

#include "mlirscope/Index/Index.h"
#include "mlirscope/Blob/BlobStats.h"
#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Support/Hash.h"
#include "mlirscope/Support/MappedFile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

using namespace mlirscope;

TEST(BlobTest, XXH64KnownVectors) {
  // Published XXH64 (seed 0) values.
  EXPECT_EQ(xxh64("", 0), 0xEF46DB3751D8E999ull);
  EXPECT_EQ(xxh64("abc", 3), 0x44BC2CF5AD770999ull);
  std::string s = "Nobody inspects the spammish repetition";
  EXPECT_EQ(xxh64(s.data(), s.size()), 0xFBCEA83C8A378BF1ull);
  // Streaming in odd pieces gives the same digest.
  std::string big(1000, '\0');
  for (size_t i = 0; i < big.size(); ++i)
    big[i] = char(i * 7 + 3);
  XXH64 h;
  for (size_t at = 0; at < big.size(); at += 13)
    h.update(big.data() + at, std::min<size_t>(13, big.size() - at));
  EXPECT_EQ(h.digest(), xxh64(big.data(), big.size()));
}

TEST(BlobTest, HalfRoundTripsEveryValue) {
  for (uint32_t bits = 0; bits < 0x10000; ++bits) {
    float f = halfToFloat(uint16_t(bits));
    if (std::isnan(f))
      continue;
    EXPECT_EQ(floatToHalf(f), uint16_t(bits)) << bits;
  }
  EXPECT_EQ(halfToFloat(0x3C00), 1.0f);
  EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.0f, -24)); // smallest subnormal
  EXPECT_EQ(floatToHalf(65504.0f), 0x7BFF);
  EXPECT_EQ(floatToHalf(1e6f), 0x7C00); // overflows to infinity
}

TEST(BlobTest, BFloat16RoundsToNearestEven) {
  EXPECT_EQ(bfloat16ToFloat(0x3F80), 1.0f);
  EXPECT_EQ(floatToBFloat16(1.0f), 0x3F80);
  // 1 + 2^-8 is halfway between 1 and 1 + 2^-7: ties go to even (1.0).
  EXPECT_EQ(floatToBFloat16(1.0f + std::ldexp(1.0f, -8)), 0x3F80);
  EXPECT_EQ(floatToBFloat16(1.0f + 3 * std::ldexp(1.0f, -8)), 0x3F82);
  EXPECT_TRUE(std::isnan(bfloat16ToFloat(floatToBFloat16(NAN))));
}

namespace {

/// A text model with one f32 blob [1, 2, 3, 4].
std::unique_ptr<ModelIndex> tinyModel(const char *name) {
  std::string text = "module {\n"
                     "  %0 = \"t.c\"() {v = dense_resource<w> : "
                     "tensor<4xf32>} : () -> tensor<4xf32>\n"
                     "}\n"
                     "{-#\n  dialect_resources: {\n    builtin: {\n"
                     "      w: \"0x040000000000803F000000400000404000008040\"\n"
                     "    }\n  }\n#-}\n";
  auto index = indexMapped(MappedFile::copyOf(
      name, llvm::ArrayRef<uint8_t>(
                reinterpret_cast<const uint8_t *>(text.data()), text.size())));
  EXPECT_TRUE(bool(index));
  return index ? std::move(*index) : nullptr;
}

} // namespace

TEST(BlobTest, ViewOfHexTextBlob) {
  auto index = tinyModel("a.mlir");
  ASSERT_TRUE(index);
  const Resource *r = index->findResource("w");
  ASSERT_TRUE(r);
  auto view = WeightView::get(*index, *r);
  ASSERT_TRUE(bool(view)) << llvm::toString(view.takeError());
  EXPECT_FALSE(view->isRaw());
  EXPECT_EQ(view->size(), 4u);
  EXPECT_EQ(view->getDouble(2), 3.0);
  EXPECT_EQ(view->format(3), "4");
  auto flat = view->parseIndex("3");
  ASSERT_TRUE(bool(flat));
  EXPECT_EQ(*flat, 3u);
  auto bad = view->parseIndex("4");
  EXPECT_FALSE(bool(bad));
  llvm::consumeError(bad.takeError());
}

TEST(BlobTest, StatsCacheAnswersTheSecondTimeWithoutRecomputing) {
  auto index = tinyModel("b.mlir");
  ASSERT_TRUE(index);
  auto view = WeightView::get(*index, *index->findResource("w"));
  ASSERT_TRUE(bool(view));
  StatsCache cache;
  int calls = 0;
  StatsOptions opts;
  opts.progress = [&](uint64_t, uint64_t) {
    ++calls;
    return true;
  };
  auto first = cache.get(*index, *view, opts);
  ASSERT_TRUE(bool(first));
  EXPECT_DOUBLE_EQ(first->mean, 2.5);
  // A cancelled computation would fail; a cached answer does not compute.
  std::atomic<bool> cancel{true};
  opts.progress = opts.progress.withCancel(&cancel);
  auto second = cache.get(*index, *view, opts);
  ASSERT_TRUE(bool(second));
  EXPECT_DOUBLE_EQ(second->max, 4.0);
  // A different histogram size is a different question.
  opts.bins = 4;
  auto third = cache.get(*index, *view, opts);
  EXPECT_FALSE(bool(third));
  llvm::consumeError(third.takeError());
}
