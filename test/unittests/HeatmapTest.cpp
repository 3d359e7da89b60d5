//===- HeatmapTest.cpp - Pooling a blob's 2-D slice into cells ------------===//

#include "mlirscope/Index/Index.h"
#include "mlirscope/Blob/Heatmap.h"
#include "mlirscope/Support/MappedFile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <string>

using namespace mlirscope;

namespace {

/// A text model with one f32 blob of `shape` holding `values`.
std::unique_ptr<ModelIndex> model(const std::vector<float> &values,
                                  const std::string &shape) {
  std::string hex = "04000000";
  char buf[3];
  for (float v : values) {
    uint8_t b[4];
    std::memcpy(b, &v, 4);
    for (uint8_t x : b) {
      snprintf(buf, sizeof buf, "%02X", x);
      hex += buf;
    }
  }
  std::string type = "tensor<" + shape + "xf32>";
  std::string text = "module {\n  %0 = \"t.c\"() {v = dense_resource<w> : " +
                     type + "} : () -> " + type +
                     "\n}\n{-#\n  dialect_resources: {\n    builtin: {\n"
                     "      w: \"0x" +
                     hex + "\"\n    }\n  }\n#-}\n";
  auto index = indexMapped(MappedFile::copyOf(
      "h.mlir", llvm::ArrayRef<uint8_t>(
                    reinterpret_cast<const uint8_t *>(text.data()), text.size())));
  EXPECT_TRUE(bool(index)) << llvm::toString(index.takeError());
  return index ? std::move(*index) : nullptr;
}

} // namespace

TEST(HeatmapTest, PoolsBlocksOfARank3Slice) {
  // 2 x 4 x 6, value = 100*a + 10*r + c; slice a = 1, rows r, cols c.
  std::vector<float> v;
  for (int a = 0; a < 2; ++a)
    for (int r = 0; r < 4; ++r)
      for (int c = 0; c < 6; ++c)
        v.push_back(float(100 * a + 10 * r + c));
  auto index = model(v, "2x4x6");
  ASSERT_TRUE(index);
  auto view = WeightView::get(*index, *index->findResource("w"));
  ASSERT_TRUE(bool(view));
  HeatmapRequest req;
  req.rowAxis = 1;
  req.colAxis = 2;
  req.fixed = {1, 0, 0};
  req.maxCells = 3; // 4 rows -> 2 per cell (2 cells), 6 cols -> 2 per cell
  auto h = poolHeatmap(*view, req);
  ASSERT_TRUE(bool(h)) << llvm::toString(h.takeError());
  EXPECT_EQ(h->height, 2u);
  EXPECT_EQ(h->width, 3u);
  EXPECT_EQ(h->rowsPerCell, 2u);
  EXPECT_EQ(h->colsPerCell, 2u);
  // Cell (1, 2): rows 2..3, cols 4..5.
  EXPECT_EQ(h->min[5], 124.0f);
  EXPECT_EQ(h->max[5], 135.0f);
  EXPECT_FLOAT_EQ(h->mean[5], 129.5f);
  EXPECT_EQ(h->lo, 100.0);
  EXPECT_EQ(h->hi, 135.0);

  // Rows along axis 2 and columns along axis 0 (a strided read).
  req.rowAxis = 2;
  req.colAxis = 0;
  req.fixed = {0, 3, 0};
  req.maxCells = 2048;
  h = poolHeatmap(*view, req);
  ASSERT_TRUE(bool(h));
  EXPECT_EQ(h->height, 6u);
  EXPECT_EQ(h->width, 2u);
  EXPECT_EQ(h->min[5 * 2 + 1], 135.0f);

  // A sub-rectangle.
  req.row0 = 4;
  req.rows = 10; // clamped to the 2 remaining
  req.col0 = 1;
  h = poolHeatmap(*view, req);
  ASSERT_TRUE(bool(h));
  EXPECT_EQ(h->height, 2u);
  EXPECT_EQ(h->width, 1u);
  EXPECT_EQ(h->min[0], 134.0f);

  // Reads can be redirected (unsaved edits over the file).
  req = HeatmapRequest();
  req.rowAxis = 1;
  req.colAxis = 2;
  req.fixed = {1, 0, 0};
  req.read = [&](uint64_t first, uint64_t count, uint8_t *out) {
    view->readBytes(first, count, out);
    for (uint64_t k = 0; k < count; ++k)
      if (first + k == 24 + 6 + 1) { // [1, 1, 1]
        float v = -5;
        std::memcpy(out + 4 * k, &v, 4);
      }
  };
  h = poolHeatmap(*view, req);
  ASSERT_TRUE(bool(h));
  EXPECT_EQ(h->min[1 * 6 + 1], -5.0f);
  EXPECT_EQ(h->lo, -5.0);
}

TEST(HeatmapTest, MarksNaNAndInfinities) {
  std::vector<float> v = {1, NAN, -2, INFINITY, 3, -INFINITY};
  auto index = model(v, "6");
  ASSERT_TRUE(index);
  auto view = WeightView::get(*index, *index->findResource("w"));
  ASSERT_TRUE(bool(view));
  HeatmapRequest req;
  req.colAxis = 0;
  auto h = poolHeatmap(*view, req);
  ASSERT_TRUE(bool(h));
  ASSERT_EQ(h->width, 6u);
  ASSERT_EQ(h->height, 1u);
  EXPECT_EQ(h->flags[1], Heatmap::HasNaN);
  EXPECT_TRUE(std::isnan(h->mean[1]));
  EXPECT_EQ(h->flags[3], Heatmap::HasPosInf);
  EXPECT_EQ(h->flags[5], Heatmap::HasNegInf);
  EXPECT_EQ(h->lo, -2.0);
  EXPECT_EQ(h->absMaxAll, 3.0);

  req.maxCells = 1;
  h = poolHeatmap(*view, req);
  ASSERT_TRUE(bool(h));
  EXPECT_EQ(h->flags[0], Heatmap::HasNaN | Heatmap::HasPosInf |
                             Heatmap::HasNegInf);
  EXPECT_FLOAT_EQ(h->mean[0], 2.0f / 3.0f);
}

TEST(HeatmapTest, RejectsBadAxesAndHonoursCancel) {
  auto index = model({1, 2, 3, 4}, "2x2");
  ASSERT_TRUE(index);
  auto view = WeightView::get(*index, *index->findResource("w"));
  ASSERT_TRUE(bool(view));
  HeatmapRequest req;
  req.rowAxis = 0;
  req.colAxis = 0;
  auto e = poolHeatmap(*view, req);
  EXPECT_FALSE(bool(e));
  llvm::consumeError(e.takeError());
  req.colAxis = 2;
  e = poolHeatmap(*view, req);
  EXPECT_FALSE(bool(e));
  llvm::consumeError(e.takeError());
  req.colAxis = 1;
  std::atomic<bool> cancel{true};
  req.progress = Progress(&cancel);
  e = poolHeatmap(*view, req);
  ASSERT_FALSE(bool(e));
  EXPECT_EQ(llvm::toString(e.takeError()), "cancelled");
}
