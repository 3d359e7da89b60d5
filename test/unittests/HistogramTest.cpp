//===- HistogramTest.cpp - computeStats' histogram against a plain loop ---===//
//
// The histogram kernels compute bins by tables, batches and several count
// arrays; this checks that every element still lands in the bin of the plain
// formula, for every dtype the kernels have, on random bit patterns (NaN, Inf,
// subnormals, extremes), on values in a narrow range with specials and bin
// edges mixed in, at sizes that are not multiples of any batch or block.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Blob/BlobStats.h"
#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Index/Index.h"
#include "mlirscope/Support/MappedFile.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

using namespace mlirscope;

namespace {

struct TypeCase {
  DType dtype;
  const char *spelling;
  unsigned bytes;
};

const TypeCase kTypes[] = {
#define DTYPE(Name, Spelling, Bytes, Numpy) {DType::Name, Spelling, Bytes},
#include "mlirscope/Blob/DTypes.def"
};

bool isFloatingType(DType d) {
  return d == DType::F16 || d == DType::BF16 || d == DType::F32 ||
         d == DType::F64;
}

double valueOf(DType d, const uint8_t *p) {
  if (d == DType::C64 || d == DType::C128) {
    std::complex<double> c = decodeComplexElement(d, p);
    return std::hypot(c.real(), c.imag());
  }
  return decodeElement(d, p);
}

/// Stores `v` as one element of a float type (rounded as the type rounds).
void encode(DType d, double v, uint8_t *p) {
  if (d == DType::F64) {
    std::memcpy(p, &v, 8);
  } else if (d == DType::F32) {
    float f = float(v);
    std::memcpy(p, &f, 4);
  } else {
    uint16_t h =
        d == DType::F16 ? floatToHalf(float(v)) : floatToBFloat16(float(v));
    std::memcpy(p, &h, 2);
  }
}

/// The histogram by the formula computeStats documents, one element at a time.
std::vector<uint64_t> referenceHistogram(DType d, unsigned esz,
                                         const std::vector<uint8_t> &bytes,
                                         unsigned bins, double &mn,
                                         double &mx) {
  mn = std::numeric_limits<double>::infinity();
  mx = -mn;
  const size_t n = bytes.size() / esz;
  for (size_t i = 0; i < n; ++i) {
    double v = valueOf(d, bytes.data() + i * esz);
    if (std::isfinite(v)) {
      mn = std::min(mn, v);
      mx = std::max(mx, v);
    }
  }
  std::vector<uint64_t> hist(bins, 0);
  if (!(mn <= mx))
    return {};
  double lo = mn * 0.5, width = mx * 0.5 - mn * 0.5;
  double scale = width > 0 ? double(bins) / width : 0;
  for (size_t i = 0; i < n; ++i) {
    double v = valueOf(d, bytes.data() + i * esz);
    if (!std::isfinite(v))
      continue;
    double pos = (v * 0.5 - lo) * scale;
    size_t b = pos >= double(bins) ? bins - 1 : pos > 0 ? size_t(pos) : 0;
    ++hist[b];
  }
  return hist;
}

/// A text model holding `bytes` as one dense_resource of `type`.
std::unique_ptr<ModelIndex> modelOf(const TypeCase &t,
                                    const std::vector<uint8_t> &bytes) {
  static const char digits[] = "0123456789ABCDEF";
  size_t n = bytes.size() / t.bytes;
  std::string tensor =
      "tensor<" + std::to_string(n) + "x" + std::string(t.spelling) + ">";
  std::string text =
      "module {\n  %0 = \"t.c\"() {v = dense_resource<w> : " + tensor +
      "} : () -> " + tensor +
      "\n}\n{-#\n  dialect_resources: {\n    builtin: {\n"
      "      w: \"0x";
  uint32_t align = std::max(4u, t.bytes);
  for (int k = 0; k < 4; ++k) {
    uint8_t b = uint8_t(align >> (8 * k));
    text += digits[b >> 4];
    text += digits[b & 15];
  }
  for (uint8_t b : bytes) {
    text += digits[b >> 4];
    text += digits[b & 15];
  }
  text += "\"\n    }\n  }\n#-}\n";
  auto index = indexMapped(MappedFile::copyOf(
      "h.mlir",
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(text.data()),
                              text.size())));
  EXPECT_TRUE(bool(index)) << llvm::toString(index.takeError());
  return index ? std::move(*index) : nullptr;
}

void expectHistogramsMatch(const TypeCase &t, const std::vector<uint8_t> &bytes,
                           const std::string &what) {
  auto index = modelOf(t, bytes);
  ASSERT_TRUE(index);
  auto view = WeightView::get(*index, *index->findResource("w"));
  ASSERT_TRUE(bool(view)) << llvm::toString(view.takeError());
  ASSERT_EQ(view->size(), bytes.size() / t.bytes);
  for (unsigned bins : {1u, 8u, 37u, 64u, 256u}) {
    for (unsigned threads : {1u, 3u}) {
      StatsOptions opts;
      opts.bins = bins;
      opts.threads = threads;
      auto stats = computeStats(*view, opts);
      ASSERT_TRUE(bool(stats));
      double mn, mx;
      std::vector<uint64_t> want =
          referenceHistogram(t.dtype, t.bytes, bytes, bins, mn, mx);
      if (!want.empty()) {
        EXPECT_EQ(stats->min, mn) << t.spelling << " " << what;
        EXPECT_EQ(stats->max, mx) << t.spelling << " " << what;
      }
      EXPECT_EQ(stats->histogram, want)
          << t.spelling << " " << what << ", " << bytes.size() / t.bytes
          << " elements, " << bins << " bins, " << threads << " threads";
    }
  }
}

// Sizes: below and above a batch (1024), a 16-bit table's threshold
// (2^15), and a block (2^18) with a ragged tail.
const size_t kSizes[] = {1, 5, 1027, 40003, (1u << 18) + 4099};

TEST(HistogramTest, RandomBitPatternsMatchThePlainLoop) {
  std::mt19937_64 rng(21);
  for (const TypeCase &t : kTypes) {
    if (t.dtype == DType::Bool)
      continue; // i1 resources are bit-packed; its kernel is the u8 one's.
    for (size_t n : kSizes) {
      if (t.bytes >= 8 && n > 50000)
        n = 70001; // keeps the text model small
      std::vector<uint8_t> bytes(n * t.bytes);
      for (uint8_t &b : bytes)
        b = uint8_t(rng());
      expectHistogramsMatch(t, bytes, "random bits");
    }
  }
}

TEST(HistogramTest, NarrowRangeWithSpecialsAndBinEdgesMatchesThePlainLoop) {
  std::mt19937_64 rng(7);
  const double inf = std::numeric_limits<double>::infinity();
  for (const TypeCase &t : kTypes) {
    if (!isFloatingType(t.dtype))
      continue;
    for (size_t n : {size_t(3), size_t(1029), size_t(40001)}) {
      std::vector<uint8_t> bytes(n * t.bytes);
      std::uniform_real_distribution<double> uniform(-2.0, 3.0);
      // Specials, the extremes and every bin edge of 37 and 8 bins, and
      // their neighbours, scattered among uniform values.
      std::vector<double> specials = {std::nan(""), inf,     -inf, 0.0,  -0.0,
                                      1e-40,        -1e-310, 6e-8, -2.0, 3.0};
      for (unsigned bins : {8u, 37u})
        for (unsigned k = 0; k <= bins; ++k) {
          double edge = -2.0 + 5.0 * k / bins;
          specials.push_back(edge);
          specials.push_back(std::nextafter(edge, -inf));
          specials.push_back(std::nextafter(edge, inf));
        }
      for (size_t i = 0; i < n; ++i) {
        double v =
            rng() % 4 == 0 ? specials[rng() % specials.size()] : uniform(rng);
        encode(t.dtype, v, bytes.data() + i * t.bytes);
      }
      encode(t.dtype, -2.0, bytes.data());
      if (n > 1)
        encode(t.dtype, 3.0, bytes.data() + (n - 1) * t.bytes);
      expectHistogramsMatch(t, bytes, "narrow range");
    }
  }
}

TEST(HistogramTest, NarrowIntegersMatchThePlainLoop) {
  std::mt19937_64 rng(3);
  for (const TypeCase &t : kTypes) {
    bool integer = t.dtype == DType::I8 || t.dtype == DType::U8 ||
                   t.dtype == DType::I16 || t.dtype == DType::U16 ||
                   t.dtype == DType::I32 || t.dtype == DType::U32 ||
                   t.dtype == DType::I64 || t.dtype == DType::U64;
    if (!integer)
      continue;
    size_t n = 40003;
    std::vector<uint8_t> bytes(n * t.bytes, 0);
    for (size_t i = 0; i < n; ++i)
      bytes[i * t.bytes] = uint8_t(rng() % 45); // 0..44: edges of 37 bins
    expectHistogramsMatch(t, bytes, "narrow integers");
  }
}

/// Every value equal: width 0, scale 0, all in bin 0.
TEST(HistogramTest, ConstantBlobIsAllInTheFirstBin) {
  TypeCase f32 = {DType::F32, "f32", 4};
  std::vector<uint8_t> bytes(4 * 3001);
  for (size_t i = 0; i < 3001; ++i)
    encode(DType::F32, 1.5, bytes.data() + 4 * i);
  expectHistogramsMatch(f32, bytes, "constant");
  auto index = modelOf(f32, bytes);
  ASSERT_TRUE(index);
  auto view = WeightView::get(*index, *index->findResource("w"));
  ASSERT_TRUE(bool(view));
  StatsOptions opts;
  opts.bins = 8;
  auto stats = computeStats(*view, opts);
  ASSERT_TRUE(bool(stats));
  EXPECT_EQ(stats->histogram[0], 3001u);
}

} // namespace
