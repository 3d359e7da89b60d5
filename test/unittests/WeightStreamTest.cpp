//===- WeightStreamTest.cpp - Whole-weight passes in windows --------------===//
//
// A bytecode model read through a CountingSource (a source that is not
// memory, as a URL's) has its large weights streamed in windows: statistics
// equal those of the same file mapped, bit for bit, for any thread count;
// each byte is fetched once; a cancel stops the pass.
//
//===----------------------------------------------------------------------===//

#include "TestModels.h"

#include "mlirscope/Blob/BlobStats.h"
#include "mlirscope/Blob/WeightStream.h"
#include "mlirscope/Support/CountingSource.h"
#include "mlirscope/Support/MappedFile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>

using namespace mlirscope;
using namespace mlirscope::testing;

namespace {

/// MLIRSCOPE_STREAM_WINDOW for the scope of a test.
struct WindowBytes {
  explicit WindowBytes(const char *bytes) {
    ::setenv("MLIRSCOPE_STREAM_WINDOW", bytes, 1);
  }
  ~WindowBytes() { ::unsetenv("MLIRSCOPE_STREAM_WINDOW"); }
};

/// 600,001 f32 values (two whole blocks of the statistics and a part of a
/// third) with a NaN, infinities and zeros among them, and a mean far from 0
/// (precision of the merges shows in the last bits).
std::vector<float> values() {
  std::vector<float> v(600001);
  uint32_t x = 12345;
  for (size_t i = 0; i < v.size(); ++i) {
    x = x * 1664525u + 1013904223u;
    v[i] = 1000.0f + float(x >> 8) / float(1 << 24);
  }
  v[7] = NAN;
  v[300000] = INFINITY;
  v[500000] = -INFINITY;
  v[123] = v[400000] = 0.0f;
  return v;
}

std::string modelText(size_t n, const std::vector<uint8_t> &bytes) {
  std::string type = "tensor<" + std::to_string(n) + "xf32>";
  return "module {\n  %0 = \"t.c\"() {v = dense_resource<w> : " + type +
         "} : () -> " + type + "\n}\n{-#\n  dialect_resources: {\n" +
         "    builtin: {\n      w: \"" + blobHex(bytes, 16) +
         "\"\n    }\n  }\n#-}\n";
}

void expectSame(const BlobStats &a, const BlobStats &b) {
  EXPECT_EQ(a.count, b.count);
  EXPECT_EQ(a.finite, b.finite);
  EXPECT_EQ(a.zeros, b.zeros);
  EXPECT_EQ(a.nans, b.nans);
  EXPECT_EQ(a.posInfs, b.posInfs);
  EXPECT_EQ(a.negInfs, b.negInfs);
  // Bit for bit, not within a tolerance.
  EXPECT_EQ(a.min, b.min);
  EXPECT_EQ(a.max, b.max);
  EXPECT_EQ(a.mean, b.mean);
  EXPECT_EQ(a.stddev, b.stddev);
  EXPECT_EQ(a.histogram, b.histogram);
  EXPECT_EQ(a.first, b.first);
}

class WeightStreamTest : public ::testing::Test {
protected:
  void SetUp() override {
    std::vector<float> v = values();
    bytes = f32Bytes(v);
    mapped = bytecodeOf(dir, "w", modelText(v.size(), bytes));
    ASSERT_TRUE(mapped);
    auto file = MappedFile::open(dir.path("w.mlirbc"));
    ASSERT_TRUE(bool(file)) << llvm::toString(file.takeError());
    counting = std::make_shared<CountingSource>(
        std::shared_ptr<ByteSource>(std::move(*file)));
    auto index = indexMapped(counting);
    ASSERT_TRUE(bool(index)) << llvm::toString(index.takeError());
    streamed = std::move(*index);
  }

  WeightView viewOf(const ModelIndex &index) {
    auto view = WeightView::get(index, *index.findWeight("w"));
    EXPECT_TRUE(bool(view));
    return std::move(*view);
  }

  TempDir dir;
  std::vector<uint8_t> bytes;
  std::unique_ptr<ModelIndex> mapped, streamed;
  std::shared_ptr<CountingSource> counting;
};

} // namespace

TEST_F(WeightStreamTest, StatsEqualMappedBitForBit) {
  // Windows of 100,003 bytes: not whole elements (rounded down), not whole
  // blocks, so blocks are put together across windows.
  WindowBytes window("100003");
  WeightView local = viewOf(*mapped), remote = viewOf(*streamed);
  EXPECT_FALSE(local.isStreamed());
  ASSERT_TRUE(remote.isStreamed());
  for (unsigned threads : {1u, 2u, 5u}) {
    for (unsigned bins : {0u, 61u}) {
      StatsOptions options;
      options.threads = threads;
      options.bins = bins;
      auto a = computeStats(local, options);
      auto b = computeStats(remote, options);
      ASSERT_TRUE(bool(a) && bool(b));
      SCOPED_TRACE("threads " + std::to_string(threads) + " bins " +
                   std::to_string(bins));
      expectSame(*a, *b);
      EXPECT_EQ(b->nans, 1u);
      EXPECT_EQ(b->posInfs, 1u);
      EXPECT_EQ(b->negInfs, 1u);
      EXPECT_EQ(b->zeros, 2u);
    }
  }
}

TEST_F(WeightStreamTest, WindowsInOrderEachByteFetchedOnce) {
  WindowBytes window("4096");
  WeightView remote = viewOf(*streamed);
  ASSERT_TRUE(remote.isStreamed());
  CountingSource::Counts before = counting->counts();
  std::vector<uint8_t> got;
  uint64_t next = 5, windows = 0;
  llvm::Error e = streamElements(
      remote, 5, 500000, {},
      [&](uint64_t first, uint64_t count, const uint8_t *p) -> llvm::Error {
        EXPECT_EQ(first, next);
        EXPECT_LE(count * 4, 4096u);
        if (first != 5)
          EXPECT_EQ((remote.getDataOffset() + first * 4) % 4096, 0u);
        next = first + count;
        ++windows;
        got.insert(got.end(), p, p + count * 4);
        return llvm::Error::success();
      });
  ASSERT_FALSE(bool(e)) << llvm::toString(std::move(e));
  EXPECT_EQ(next, 500005u);
  // Windows end at multiples of 4096 in the file (the first is shorter).
  EXPECT_LE(windows, (500000u * 4 + 4095) / 4096 + 1);
  ASSERT_EQ(got.size(), 500000u * 4);
  EXPECT_EQ(0, std::memcmp(got.data(), bytes.data() + 5 * 4, got.size()));
  CountingSource::Counts after = counting->counts();
  EXPECT_EQ(after.requested - before.requested, 500000u * 4);
  EXPECT_LE(after.fetched - before.fetched, 500000u * 4);
}

TEST_F(WeightStreamTest, CancelStopsThePass) {
  WindowBytes window("4096");
  WeightView remote = viewOf(*streamed);
  std::atomic<bool> cancel{false};
  uint64_t windows = 0, before = counting->counts().requested;
  llvm::Error e =
      streamElements(remote, 0, remote.size(), Progress(&cancel),
                     [&](uint64_t, uint64_t, const uint8_t *) -> llvm::Error {
                       if (++windows == 10)
                         cancel = true;
                       return llvm::Error::success();
                     });
  ASSERT_TRUE(bool(e));
  EXPECT_EQ(llvm::toString(std::move(e)), "cancelled");
  EXPECT_EQ(windows, 10u);
  // The fetch threads stop too: at most the windows held ahead were read.
  EXPECT_LE(counting->counts().requested - before,
            (10u + kWindowsInMemory) * 4096);

  // An error of the caller's ends the pass with that error.
  uint64_t calls = 0;
  e = streamElements(remote, 0, remote.size(), {},
                     [&](uint64_t, uint64_t, const uint8_t *) -> llvm::Error {
                       ++calls;
                       return llvm::createStringError(
                           llvm::inconvertibleErrorCode(), "stop here");
                     });
  EXPECT_EQ(llvm::toString(std::move(e)), "stop here");
  EXPECT_EQ(calls, 1u);
}
