//===- BlobStats.cpp - Streaming statistics over one blob -----------------===//
//
// Work is split into blocks of kBlockElements; worker threads take blocks from
// an atomic counter and fold each into a partial result; partials merge with
// Chan et al.'s parallel variance formula. The calling thread works too and is
// the one that reports progress, so callbacks never run on a worker.
//
// The per-block kernel assumes finite values and uses several independent
// accumulators so the compiler can keep them in vector registers; if a block's
// sum comes out non-finite (a NaN or Inf in it), the block is redone by a
// careful kernel that classifies every element. The fast kernel's sums are of
// deviations from a pivot, per chunk of kChunkElements (see addChunk), and
// means are kept relative to a base value of the blob (see Partial), so a
// mean large against the spread costs no precision. f32, the common case, has
// hand-vectorized kernels chosen at run time from the CPU (AVX-512, AVX2,
// portable vector code); see "F32 fast kernel" below.
//
// The histogram pass computes each element's bin with one branch-free
// expression (binOf; by table for 1- and 2-byte types) and counts into
// several interleaved count arrays (BinCounts); the bins are those of the
// plain per-element loop (histogramPlain), which the unit tests check.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Blob/BlobStats.h"
#include "mlirscope/Blob/WeightStream.h"

#include "llvm/ADT/Twine.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string_view>
#include <thread>

#if (defined(__x86_64__) || defined(__i386__)) &&                              \
    (defined(__GNUC__) || defined(__clang__))
#define MLIRSCOPE_STATS_X86 1
#if defined(__GNUC__) && !defined(__clang__)
// GCC 12's AVX-512 intrinsics warn about their own _mm512_undefined_ps()
// (GCC bug 105593).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#else
#include <immintrin.h>
#endif
#else
#define MLIRSCOPE_STATS_X86 0
#endif

using namespace mlirscope;

namespace {

constexpr uint64_t kBlockElements = 1 << 18;
/// The fast kernels' unit of one-pass sums (see addChunk).
constexpr uint64_t kChunkElements = 2048;
constexpr unsigned kLanes = 8;

/// Moments of part of a blob. `mean` is relative to the blob's base value (a
/// finite element of it, see baseOf), so merges subtract means of the order of
/// the spread rather than of the values: a large common offset (a mean of 1e12
/// with a spread of 1) costs no precision.
struct Partial {
  uint64_t n = 0; // finite elements
  double mean = 0, m2 = 0; // mean - base; sum of squared deviations
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  uint64_t zeros = 0, nans = 0, posInfs = 0, negInfs = 0;

  void merge(const Partial &o) {
    if (o.n) {
      uint64_t n2 = n + o.n;
      double delta = o.mean - mean;
      mean += delta * double(o.n) / double(n2);
      m2 += o.m2 + delta * delta * double(n) * double(o.n) / double(n2);
      n = n2;
    }
    min = std::min(min, o.min);
    max = std::max(max, o.max);
    zeros += o.zeros;
    nans += o.nans;
    posInfs += o.posInfs;
    negInfs += o.negInfs;
  }
};

constexpr bool isFloat8Kernel(DType d) {
  switch (d) {
#define FLOAT8_DTYPE(Name, ...) case DType::Name:
#include "mlirscope/Blob/DTypes.def"
    return true;
  default:
    return false;
  }
}

/// Converts element `i` of a block of raw little-endian storage to double.
template <DType D>
inline double element(const uint8_t *p, uint64_t i) {
  if constexpr (D == DType::F32) {
    float v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  } else if constexpr (D == DType::F64) {
    double v;
    std::memcpy(&v, p + 8 * i, 8);
    return v;
  } else if constexpr (D == DType::F16) {
    uint16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    return halfToFloat(v);
  } else if constexpr (D == DType::BF16) {
    // bfloat16ToFloat, inline: the high half of an f32.
    uint16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    uint32_t bits = uint32_t(v) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
  } else if constexpr (isFloat8Kernel(D)) {
    return float8ToFloat(D, p[i]);
  } else if constexpr (D == DType::C64) {
    float v[2];
    std::memcpy(v, p + 8 * i, 8);
    return std::hypot(double(v[0]), double(v[1]));
  } else if constexpr (D == DType::C128) {
    double v[2];
    std::memcpy(v, p + 16 * i, 16);
    return std::hypot(v[0], v[1]);
  } else if constexpr (D == DType::Bool) {
    return p[i] ? 1.0 : 0.0;
  } else if constexpr (D == DType::I8) {
    return double(int8_t(p[i]));
  } else if constexpr (D == DType::U8) {
    return double(p[i]);
  } else if constexpr (D == DType::I16) {
    int16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    return v;
  } else if constexpr (D == DType::U16) {
    uint16_t v;
    std::memcpy(&v, p + 2 * i, 2);
    return v;
  } else if constexpr (D == DType::I32) {
    int32_t v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  } else if constexpr (D == DType::U32) {
    uint32_t v;
    std::memcpy(&v, p + 4 * i, 4);
    return v;
  } else if constexpr (D == DType::I64) {
    int64_t v;
    std::memcpy(&v, p + 8 * i, 8);
    return double(v);
  } else {
    uint64_t v;
    std::memcpy(&v, p + 8 * i, 8);
    return double(v);
  }
}

/// Folds one chunk into `block` from the sums of its elements' deviations from
/// `pivot` (one of them): `s` (sum) and `q` (sum of squares); `offset` is
/// pivot - base. Returns false if the sums say the chunk held a NaN or an
/// infinity.
///
/// The chunk's sum of squared deviations from its mean is the one-pass
/// q - s^2/n, which loses precision as the pivot strays from the mean (by
/// n * (mean - pivot)^2 / m2 at most n + 1 when the pivot is a data point).
/// Chunks are small, kChunkElements, so that stays a few digits of double's
/// sixteen, however large the mean is against the spread; the chunks merge
/// with Chan's formula.
bool addChunk(Partial &block, uint64_t n, double offset, double s, double q) {
  if (!std::isfinite(s) || !std::isfinite(q) || !std::isfinite(offset))
    return false;
  Partial chunk;
  chunk.n = n;
  double shift = s / double(n);
  chunk.mean = offset + shift;
  chunk.m2 = std::max(0.0, q - s * shift);
  block.merge(chunk);
  return true;
}

//===----------------------------------------------------------------------===//
// F32 fast kernel
//
// The common case (f32 weights) gets kernels written for the vector unit. A
// kernel takes one chunk (at most kChunkElements, so 32-bit lane counters
// cannot overflow) and adds to an F32Sums: min, max and the zero count in f32
// lanes (exact), sum and sum of squares of the deviations from the chunk's
// pivot in f64 lanes (every f32 converts exactly), several independent
// accumulators to hide the adds' latency. One kernel per
// instruction set (AVX-512, AVX2+FMA, portable), chosen once at run time from
// the CPU, so the build needs no -march. The environment variable
// MLIRSCOPE_STATS_KERNEL=portable|avx2|avx512 forces one (for testing; an
// instruction set the CPU lacks falls back to the best it has).
//===----------------------------------------------------------------------===//

struct F32Sums {
  double sum = 0, sq = 0; // of v - pivot
  float min = std::numeric_limits<float>::infinity();
  float max = -std::numeric_limits<float>::infinity();
  uint64_t zeros = 0;

  void add(float v, double pivot) {
    double d = double(v) - pivot;
    sum += d;
    sq += d * d;
    min = v < min ? v : min;
    max = v > max ? v : max;
    zeros += v == 0.0f;
  }
};

/// Elements [i, n) one at a time (the tails of the vector kernels).
void f32Tail(const uint8_t *p, uint64_t i, uint64_t n, double pivot,
             F32Sums &r) {
  for (; i < n; ++i) {
    float v;
    std::memcpy(&v, p + 4 * i, 4);
    r.add(v, pivot);
  }
}

/// Portable kernel: GCC/Clang vector extensions, which the compiler lowers to
/// the baseline vector instructions (SSE2 on x86-64, NEON on AArch64).
void f32SumsPortable(const uint8_t *p, uint64_t n, double pivot, F32Sums &r) {
#if defined(__GNUC__) || defined(__clang__)
  typedef float F4 __attribute__((vector_size(16)));
  typedef int32_t I4 __attribute__((vector_size(16)));
  typedef double D2 __attribute__((vector_size(16)));
  // blend(m, a, b): a where m is set, else b.
  auto blend = [](I4 m, F4 a, F4 b) {
    return F4((m & I4(a)) | (~m & I4(b)));
  };
  const D2 piv = {pivot, pivot};
  const F4 zero = {0, 0, 0, 0};
  D2 s0 = {0, 0}, s1 = s0, s2 = s0, s3 = s0;
  D2 q0 = s0, q1 = s0, q2 = s0, q3 = s0;
  F4 mn0 = {r.min, r.min, r.min, r.min}, mn1 = mn0;
  F4 mx0 = {r.max, r.max, r.max, r.max}, mx1 = mx0;
  I4 z0 = {0, 0, 0, 0}, z1 = z0; // count down: -1 per zero
  uint64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    F4 a, b;
    std::memcpy(&a, p + 4 * i, 16);
    std::memcpy(&b, p + 4 * i + 16, 16);
    mn0 = blend(a < mn0, a, mn0);
    mn1 = blend(b < mn1, b, mn1);
    mx0 = blend(a > mx0, a, mx0);
    mx1 = blend(b > mx1, b, mx1);
    z0 += a == zero;
    z1 += b == zero;
    D2 d0 = D2{a[0], a[1]} - piv, d1 = D2{a[2], a[3]} - piv;
    D2 d2 = D2{b[0], b[1]} - piv, d3 = D2{b[2], b[3]} - piv;
    s0 += d0;
    s1 += d1;
    s2 += d2;
    s3 += d3;
    q0 += d0 * d0;
    q1 += d1 * d1;
    q2 += d2 * d2;
    q3 += d3 * d3;
  }
  D2 s = (s0 + s1) + (s2 + s3), q = (q0 + q1) + (q2 + q3);
  I4 z = z0 + z1;
  r.sum += s[0] + s[1];
  r.sq += q[0] + q[1];
  for (unsigned l = 0; l < 4; ++l) {
    r.min = std::min({r.min, mn0[l], mn1[l]});
    r.max = std::max({r.max, mx0[l], mx1[l]});
    r.zeros += uint64_t(-int64_t(z[l]));
  }
#else
  uint64_t i = 0;
#endif
  f32Tail(p, i, n, pivot, r);
}

#if MLIRSCOPE_STATS_X86
__attribute__((target("avx2,fma"))) void
f32SumsAVX2(const uint8_t *p, uint64_t n, double pivot, F32Sums &r) {
  const float *f = reinterpret_cast<const float *>(p);
  const __m256d piv = _mm256_set1_pd(pivot);
  const __m256 zero = _mm256_setzero_ps();
  __m256d s0 = _mm256_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
  __m256d q0 = s0, q1 = s0, q2 = s0, q3 = s0;
  __m256 mn0 = _mm256_set1_ps(r.min), mn1 = mn0;
  __m256 mx0 = _mm256_set1_ps(r.max), mx1 = mx0;
  __m256i z0 = _mm256_setzero_si256(), z1 = z0; // count down: -1 per zero
  uint64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    __m256 a = _mm256_loadu_ps(f + i), b = _mm256_loadu_ps(f + i + 8);
    mn0 = _mm256_min_ps(a, mn0);
    mn1 = _mm256_min_ps(b, mn1);
    mx0 = _mm256_max_ps(a, mx0);
    mx1 = _mm256_max_ps(b, mx1);
    z0 = _mm256_add_epi32(
        z0, _mm256_castps_si256(_mm256_cmp_ps(a, zero, _CMP_EQ_OQ)));
    z1 = _mm256_add_epi32(
        z1, _mm256_castps_si256(_mm256_cmp_ps(b, zero, _CMP_EQ_OQ)));
    // Converting from memory (an L1 hit) saves the shuffles of extracting
    // the high halves of a and b.
    __m256d d0 = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(f + i)), piv);
    __m256d d1 = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(f + i + 4)), piv);
    __m256d d2 = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(f + i + 8)), piv);
    __m256d d3 = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(f + i + 12)), piv);
    s0 = _mm256_add_pd(s0, d0);
    s1 = _mm256_add_pd(s1, d1);
    s2 = _mm256_add_pd(s2, d2);
    s3 = _mm256_add_pd(s3, d3);
    q0 = _mm256_fmadd_pd(d0, d0, q0);
    q1 = _mm256_fmadd_pd(d1, d1, q1);
    q2 = _mm256_fmadd_pd(d2, d2, q2);
    q3 = _mm256_fmadd_pd(d3, d3, q3);
  }
  alignas(32) double sv[4], qv[4];
  alignas(32) float mnv[8], mxv[8];
  alignas(32) int32_t zv[8];
  _mm256_store_pd(sv, _mm256_add_pd(_mm256_add_pd(s0, s1), _mm256_add_pd(s2, s3)));
  _mm256_store_pd(qv, _mm256_add_pd(_mm256_add_pd(q0, q1), _mm256_add_pd(q2, q3)));
  _mm256_store_ps(mnv, _mm256_min_ps(mn0, mn1));
  _mm256_store_ps(mxv, _mm256_max_ps(mx0, mx1));
  _mm256_store_si256(reinterpret_cast<__m256i *>(zv), _mm256_add_epi32(z0, z1));
  for (unsigned l = 0; l < 4; ++l) {
    r.sum += sv[l];
    r.sq += qv[l];
  }
  for (unsigned l = 0; l < 8; ++l) {
    r.min = std::min(r.min, mnv[l]);
    r.max = std::max(r.max, mxv[l]);
    r.zeros += uint64_t(-int64_t(zv[l]));
  }
  f32Tail(p, i, n, pivot, r);
}

__attribute__((target("avx512f"))) void
f32SumsAVX512(const uint8_t *p, uint64_t n, double pivot, F32Sums &r) {
  const float *f = reinterpret_cast<const float *>(p);
  const __m512d piv = _mm512_set1_pd(pivot);
  const __m512 zero = _mm512_setzero_ps();
  const __m512i one = _mm512_set1_epi32(1);
  __m512d s0 = _mm512_setzero_pd(), s1 = s0, s2 = s0, s3 = s0;
  __m512d q0 = s0, q1 = s0, q2 = s0, q3 = s0;
  __m512 mn0 = _mm512_set1_ps(r.min), mn1 = mn0;
  __m512 mx0 = _mm512_set1_ps(r.max), mx1 = mx0;
  __m512i z0 = _mm512_setzero_si512(), z1 = z0;
  uint64_t i = 0;
  for (; i + 32 <= n; i += 32) {
    __m512 a = _mm512_loadu_ps(f + i), b = _mm512_loadu_ps(f + i + 16);
    mn0 = _mm512_min_ps(a, mn0);
    mn1 = _mm512_min_ps(b, mn1);
    mx0 = _mm512_max_ps(a, mx0);
    mx1 = _mm512_max_ps(b, mx1);
    z0 = _mm512_mask_add_epi32(z0, _mm512_cmp_ps_mask(a, zero, _CMP_EQ_OQ),
                               z0, one);
    z1 = _mm512_mask_add_epi32(z1, _mm512_cmp_ps_mask(b, zero, _CMP_EQ_OQ),
                               z1, one);
    __m512d d0 = _mm512_sub_pd(_mm512_cvtps_pd(_mm256_loadu_ps(f + i)), piv);
    __m512d d1 = _mm512_sub_pd(_mm512_cvtps_pd(_mm256_loadu_ps(f + i + 8)), piv);
    __m512d d2 = _mm512_sub_pd(_mm512_cvtps_pd(_mm256_loadu_ps(f + i + 16)), piv);
    __m512d d3 = _mm512_sub_pd(_mm512_cvtps_pd(_mm256_loadu_ps(f + i + 24)), piv);
    s0 = _mm512_add_pd(s0, d0);
    s1 = _mm512_add_pd(s1, d1);
    s2 = _mm512_add_pd(s2, d2);
    s3 = _mm512_add_pd(s3, d3);
    q0 = _mm512_fmadd_pd(d0, d0, q0);
    q1 = _mm512_fmadd_pd(d1, d1, q1);
    q2 = _mm512_fmadd_pd(d2, d2, q2);
    q3 = _mm512_fmadd_pd(d3, d3, q3);
  }
  alignas(64) double sv[8], qv[8];
  alignas(64) float mnv[16], mxv[16];
  alignas(64) int32_t zv[16];
  _mm512_store_pd(sv, _mm512_add_pd(_mm512_add_pd(s0, s1), _mm512_add_pd(s2, s3)));
  _mm512_store_pd(qv, _mm512_add_pd(_mm512_add_pd(q0, q1), _mm512_add_pd(q2, q3)));
  _mm512_store_ps(mnv, _mm512_min_ps(mn0, mn1));
  _mm512_store_ps(mxv, _mm512_max_ps(mx0, mx1));
  _mm512_store_si512(zv, _mm512_add_epi32(z0, z1));
  for (unsigned l = 0; l < 8; ++l) {
    r.sum += sv[l];
    r.sq += qv[l];
  }
  for (unsigned l = 0; l < 16; ++l) {
    r.min = std::min(r.min, mnv[l]);
    r.max = std::max(r.max, mxv[l]);
    r.zeros += uint32_t(zv[l]);
  }
  f32Tail(p, i, n, pivot, r);
}
#endif // MLIRSCOPE_STATS_X86

using F32SumsFn = void (*)(const uint8_t *, uint64_t, double, F32Sums &);

F32SumsFn chooseF32Sums() {
  const char *want = std::getenv("MLIRSCOPE_STATS_KERNEL");
  std::string_view w = want ? want : "";
#if MLIRSCOPE_STATS_X86
  __builtin_cpu_init();
  bool avx512 = __builtin_cpu_supports("avx512f");
  bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (avx512 && w != "avx2" && w != "portable")
    return &f32SumsAVX512;
  if (avx2 && w != "portable")
    return &f32SumsAVX2;
#endif
  (void)w;
  return &f32SumsPortable;
}

bool fastBlockF32(const uint8_t *p, uint64_t n, double base, Partial &out) {
  static const F32SumsFn sums = chooseF32Sums();
  Partial block;
  F32Sums r; // min, max and zeros run over the whole block
  for (uint64_t c = 0; c < n; c += kChunkElements) {
    uint64_t m = std::min(kChunkElements, n - c);
    float pivot;
    std::memcpy(&pivot, p + 4 * c, 4);
    r.sum = r.sq = 0;
    sums(p + 4 * c, m, pivot, r);
    if (!addChunk(block, m, double(pivot) - base, r.sum, r.sq))
      return false;
  }
  block.min = r.min;
  block.max = r.max;
  block.zeros = r.zeros;
  out = block;
  return true;
}

/// Fast kernel: assumes every element is finite. Returns false if that turned
/// out wrong (the caller then uses the careful kernel).
template <DType D>
bool fastBlock(const uint8_t *p, uint64_t n, double base, Partial &out) {
  Partial block;
  double mn[kLanes], mx[kLanes];
  uint64_t zeros[kLanes] = {};
  for (unsigned l = 0; l < kLanes; ++l) {
    mn[l] = std::numeric_limits<double>::infinity();
    mx[l] = -std::numeric_limits<double>::infinity();
  }
  // Sums of up to 16-bit integers are exact in double over a chunk: no pivot
  // needed, and none saves a subtraction per element.
  constexpr bool exactSums = D == DType::Bool || D == DType::I8 ||
                             D == DType::U8 || D == DType::I16 ||
                             D == DType::U16;
  for (uint64_t c = 0; c < n; c += kChunkElements) {
    const uint64_t end = std::min(n, c + kChunkElements);
    const double pivot = exactSums ? 0.0 : element<D>(p, c);
    double sum[kLanes] = {}, sq[kLanes] = {};
    uint64_t i = c;
    for (; i + kLanes <= end; i += kLanes) {
      for (unsigned l = 0; l < kLanes; ++l) {
        double v = element<D>(p, i + l);
        double d = v - pivot;
        sum[l] += d;
        sq[l] += d * d;
        mn[l] = v < mn[l] ? v : mn[l];
        mx[l] = v > mx[l] ? v : mx[l];
        zeros[l] += v == 0.0;
      }
    }
    for (; i < end; ++i) {
      double v = element<D>(p, i);
      double d = v - pivot;
      sum[0] += d;
      sq[0] += d * d;
      mn[0] = v < mn[0] ? v : mn[0];
      mx[0] = v > mx[0] ? v : mx[0];
      zeros[0] += v == 0.0;
    }
    double s = 0, q = 0;
    for (unsigned l = 0; l < kLanes; ++l) {
      s += sum[l];
      q += sq[l];
    }
    if (!addChunk(block, end - c, pivot - base, s, q))
      return false;
  }
  for (unsigned l = 0; l < kLanes; ++l) {
    block.min = std::min(block.min, mn[l]);
    block.max = std::max(block.max, mx[l]);
    block.zeros += zeros[l];
  }
  out = block;
  return true;
}

/// Careful kernel: classifies every element.
template <DType D>
void carefulBlock(const uint8_t *p, uint64_t n, double base, Partial &out) {
  out = Partial();
  for (uint64_t i = 0; i < n; ++i) {
    double v = element<D>(p, i);
    if (std::isnan(v)) {
      ++out.nans;
      continue;
    }
    if (std::isinf(v)) {
      ++(v > 0 ? out.posInfs : out.negInfs);
      continue;
    }
    out.zeros += v == 0.0;
    out.min = std::min(out.min, v);
    out.max = std::max(out.max, v);
    ++out.n;
    double x = v - base;
    double delta = x - out.mean;
    out.mean += delta / double(out.n);
    out.m2 += delta * (x - out.mean);
  }
}

template <DType D>
void foldBlock(const uint8_t *p, uint64_t n, double base, Partial &out) {
  Partial block;
  bool fast;
  if constexpr (D == DType::F32)
    fast = fastBlockF32(p, n, base, block);
  else
    fast = fastBlock<D>(p, n, base, block);
  if (!fast)
    carefulBlock<D>(p, n, base, block);
  out = block;
}

/// The bin of finite `v`, or `dump` (one past the last bin) if `v` is not
/// finite. `lo` and `scale` are of halves (computeStats). The position is the
/// same floating-point expression as ever; it is clamped in double, so a
/// rounding past the last bin never reaches the conversion, and a NaN
/// position (an infinite scale times 0) goes to bin 0. Branch-free, so a
/// loop of it vectorizes and random data costs no mispredictions.
inline uint32_t binOf(double v, double lo, double scale, double last,
                      uint32_t dump) {
  double pos = (v * 0.5 - lo) * scale;
  double x = pos > 0 ? pos : 0.0;
  x = x < last ? x : last;
  uint32_t b = uint32_t(int32_t(x));
  return std::fabs(v) <= std::numeric_limits<double>::max() ? b : dump;
}

using F32BinsFn = void (*)(const uint8_t *, uint64_t, double, double, double,
                           uint32_t, uint32_t *, unsigned);

/// Counts the binOf of `n` f32 elements into BinCounts' `counts` (four
/// copies of `stride` counters).
void f32BinsPortable(const uint8_t *p, uint64_t n, double lo, double scale,
                     double last, uint32_t dump, uint32_t *counts,
                     unsigned stride) {
  constexpr uint64_t kBatch = 1024;
  uint32_t idx[kBatch];
  for (uint64_t c = 0; c < n; c += kBatch) {
    uint64_t m = std::min(kBatch, n - c);
    for (uint64_t i = 0; i < m; ++i) {
      float v;
      std::memcpy(&v, p + 4 * (c + i), 4);
      idx[i] = binOf(v, lo, scale, last, dump);
    }
    uint64_t i = 0;
    for (; i + 4 <= m; i += 4)
      for (unsigned k = 0; k < 4; ++k)
        ++counts[k * stride + idx[i + k]];
    for (; i < m; ++i)
      ++counts[idx[i]];
  }
}

#if MLIRSCOPE_STATS_X86
/// binOf, four doubles at a time. No "fma" in the target, so the compiler
/// cannot fuse the expression's operations and change its roundings.
/// max_pd(pos, 0) is pos > 0 ? pos : 0 and min_pd(x, last) is
/// x < last ? x : last, as in binOf, NaN included.
__attribute__((target("avx2"))) void
f32BinsAVX2(const uint8_t *p, uint64_t n, double lo, double scale,
            double last, uint32_t dump, uint32_t *counts, unsigned stride) {
  const __m256d half = _mm256_set1_pd(0.5), vlo = _mm256_set1_pd(lo),
                vscale = _mm256_set1_pd(scale), vlast = _mm256_set1_pd(last),
                zero = _mm256_setzero_pd(),
                big = _mm256_set1_pd(std::numeric_limits<double>::max()),
                absMask = _mm256_castsi256_pd(
                    _mm256_set1_epi64x(0x7fffffffffffffffLL));
  const __m128i vdump = _mm_set1_epi32(int32_t(dump));
  const __m256i lowHalves = _mm256_setr_epi32(0, 2, 4, 6, 0, 2, 4, 6);
  uint64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    __m256d v = _mm256_cvtps_pd(_mm_loadu_ps(
        reinterpret_cast<const float *>(p + 4 * i)));
    __m256d pos = _mm256_mul_pd(_mm256_sub_pd(_mm256_mul_pd(v, half), vlo),
                                vscale);
    __m256d x = _mm256_min_pd(_mm256_max_pd(pos, zero), vlast);
    __m128i b = _mm256_cvttpd_epi32(x);
    __m256d finite =
        _mm256_cmp_pd(_mm256_and_pd(v, absMask), big, _CMP_LE_OQ);
    // The low halves of the four 64-bit masks.
    __m128i keep = _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(
        _mm256_castpd_si256(finite), lowHalves));
    __m128i r = _mm_blendv_epi8(vdump, b, keep);
    // Counted here rather than stored for BinCounts::add: half the stores.
    uint64_t b01 = uint64_t(_mm_cvtsi128_si64(r)),
             b23 = uint64_t(_mm_extract_epi64(r, 1));
    ++counts[uint32_t(b01)];
    ++counts[stride + (b01 >> 32)];
    ++counts[2 * stride + uint32_t(b23)];
    ++counts[3 * stride + (b23 >> 32)];
  }
  f32BinsPortable(p + 4 * i, n - i, lo, scale, last, dump, counts, stride);
}
#endif

F32BinsFn chooseF32Bins() {
  const char *want = std::getenv("MLIRSCOPE_STATS_KERNEL");
  std::string_view w = want ? want : "";
#if MLIRSCOPE_STATS_X86
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx2") && w != "portable")
    return &f32BinsAVX2;
#endif
  (void)w;
  return &f32BinsPortable;
}

/// Per-thread counting space: kCountCopies copies of bins + 1 counters (the
/// last one takes non-finite values), used in turn by consecutive elements, so
/// runs of one bin do not wait on the store of the previous increment.
constexpr unsigned kCountCopies = 4;
static_assert(kCountCopies == 4,
              "f32BinsAVX2 and f32BinsPortable count into four copies");
struct BinCounts {
  std::vector<uint32_t> counts;
  unsigned stride = 0;

  void reset(unsigned bins) {
    stride = bins + 1;
    counts.assign(size_t(stride) * kCountCopies, 0);
  }
  /// Counts `idx[0..n)`. 32-bit counters: a call counts one block
  /// (kBlockElements) at most.
  void add(const uint32_t *idx, uint64_t n) {
    uint32_t *c0 = counts.data(), *c1 = c0 + stride, *c2 = c1 + stride,
             *c3 = c2 + stride;
    uint64_t i = 0;
    for (; i + 4 <= n; i += 4) {
      ++c0[idx[i]];
      ++c1[idx[i + 1]];
      ++c2[idx[i + 2]];
      ++c3[idx[i + 3]];
    }
    for (; i < n; ++i)
      ++c0[idx[i]];
  }
  void addTo(unsigned bins, std::vector<uint64_t> &hist) const {
    for (unsigned b = 0; b < bins; ++b) {
      uint64_t s = 0;
      for (unsigned c = 0; c < kCountCopies; ++c)
        s += counts[size_t(c) * stride + b];
      hist[b] += s;
    }
  }
};

/// Bins of every value of a 16-bit type, kept per thread between blocks of one
/// histogram (the key says which).
struct BinTable16 {
  DType dtype = DType::Unsupported;
  double lo = 0, scale = 0;
  unsigned bins = 0;
  std::vector<uint32_t> bin;
};

/// dtypeSize, at compile time.
constexpr unsigned elementBytes(DType d) {
  switch (d) {
#define DTYPE(Name, Spelling, Bytes, Numpy)                                    \
  case DType::Name:                                                            \
    return Bytes;
#include "mlirscope/Blob/DTypes.def"
  case DType::Unsupported:
    break;
  }
  return 0;
}

template <DType D>
constexpr bool hasBinTable() {
  return D == DType::Bool || D == DType::I8 || D == DType::U8 ||
         isFloat8Kernel(D) || D == DType::F16 || D == DType::BF16 ||
         D == DType::I16 || D == DType::U16;
}

/// Fills `table` with the bin of every bit pattern of a 1- or 2-byte type.
template <DType D>
void fillBinTable(double lo, double scale, unsigned bins,
                  std::vector<uint32_t> &table) {
  constexpr unsigned kSize = elementBytes(D);
  const double last = double(bins - 1);
  table.resize(size_t(1) << (8 * kSize));
  for (uint32_t bits = 0; bits < table.size(); ++bits) {
    uint8_t raw[2] = {uint8_t(bits), uint8_t(bits >> 8)};
    table[bits] = binOf(element<D>(raw, 0), lo, scale, last, bins);
  }
}

/// Above this many bins the counting space would not stay in cache; the
/// plain loop is then as good, and int32 bin indices always suffice.
constexpr unsigned kMaxFastBins = 1u << 16;
/// Below this many elements a 16-bit table costs more than it saves.
constexpr uint64_t kMinTable16Elements = 1 << 15;

/// The reference histogram kernel: one element at a time.
template <DType D>
void histogramPlain(const uint8_t *p, uint64_t n, double lo, double scale,
                    unsigned bins, std::vector<uint64_t> &hist) {
  for (uint64_t i = 0; i < n; ++i) {
    double v = element<D>(p, i);
    if (!std::isfinite(v))
      continue;
    double pos = (v * 0.5 - lo) * scale;
    size_t b = pos >= double(bins) ? bins - 1 : pos > 0 ? size_t(pos) : 0;
    ++hist[b];
  }
}

/// Counts the bins of a block: bin indices are computed a batch at a time
/// (by table for 1- and 2-byte types, else by binOf), then counted into
/// BinCounts. The same bins as histogramPlain for every element.
template <DType D>
void histogramBlock(const uint8_t *p, uint64_t n, double lo, double scale,
                    unsigned bins, std::vector<uint64_t> &hist) {
  constexpr unsigned kSize = elementBytes(D);
  if (bins > kMaxFastBins) {
    histogramPlain<D>(p, n, lo, scale, bins, hist);
    return;
  }
  thread_local BinCounts counts;
  counts.reset(bins);
  constexpr uint64_t kBatch = 1024;
  uint32_t idx[kBatch];
  if constexpr (hasBinTable<D>() && kSize == 1) {
    uint32_t table[256];
    const double last = double(bins - 1);
    for (uint32_t bits = 0; bits < 256; ++bits) {
      uint8_t raw = uint8_t(bits);
      table[bits] = binOf(element<D>(&raw, 0), lo, scale, last, bins);
    }
    for (uint64_t c = 0; c < n; c += kBatch) {
      uint64_t m = std::min(kBatch, n - c);
      for (uint64_t i = 0; i < m; ++i)
        idx[i] = table[p[c + i]];
      counts.add(idx, m);
    }
  } else {
    if constexpr (hasBinTable<D>() && kSize == 2) {
      // Built once per histogram and thread; a block too small to pay for it
      // takes binOf, which gives every bit pattern the same bin.
      thread_local BinTable16 t;
      bool current = t.dtype == D && t.lo == lo && t.scale == scale &&
                     t.bins == bins && !t.bin.empty();
      if (current || n >= kMinTable16Elements) {
        if (!current) {
          fillBinTable<D>(lo, scale, bins, t.bin);
          t.dtype = D;
          t.lo = lo;
          t.scale = scale;
          t.bins = bins;
        }
        const uint32_t *table = t.bin.data();
        for (uint64_t c = 0; c < n; c += kBatch) {
          uint64_t m = std::min(kBatch, n - c);
          for (uint64_t i = 0; i < m; ++i) {
            uint16_t bits;
            std::memcpy(&bits, p + 2 * (c + i), 2);
            idx[i] = table[bits];
          }
          counts.add(idx, m);
        }
        counts.addTo(bins, hist);
        return;
      }
    }
    const double last = double(bins - 1);
    if constexpr (D == DType::F32) {
      static const F32BinsFn f32Bins = chooseF32Bins();
      f32Bins(p, n, lo, scale, last, bins, counts.counts.data(),
              counts.stride);
      counts.addTo(bins, hist);
      return;
    }
    for (uint64_t c = 0; c < n; c += kBatch) {
      uint64_t m = std::min(kBatch, n - c);
      const uint8_t *q = p + c * kSize;
      for (uint64_t i = 0; i < m; ++i)
        idx[i] = binOf(element<D>(q, i), lo, scale, last, bins);
      counts.add(idx, m);
    }
  }
  counts.addTo(bins, hist);
}

using FoldFn = void (*)(const uint8_t *, uint64_t, double, Partial &);
using HistFn = void (*)(const uint8_t *, uint64_t, double, double, unsigned,
                        std::vector<uint64_t> &);

template <DType D>
std::pair<FoldFn, HistFn> kernels() {
  return {&foldBlock<D>, &histogramBlock<D>};
}

std::pair<FoldFn, HistFn> kernelsFor(DType d) {
  switch (d) {
#define DTYPE(Name, ...)                                                       \
  case DType::Name:                                                            \
    return kernels<DType::Name>();
#include "mlirscope/Blob/DTypes.def"
  case DType::Unsupported:
    break;
  }
  return {nullptr, nullptr};
}

/// Reports `done` of `total` bytes when 64 MiB more are done since
/// `lastReport` (callbacks are not free, and a pass may be GBs); false when
/// the listener says stop.
bool reportEvery64MiB(const Progress &progress, uint64_t &lastReport,
                      uint64_t done, uint64_t total) {
  if (!progress || done - lastReport < (64u << 20))
    return true;
  lastReport = done;
  return progress(done, total);
}

/// Runs `work(thread, block, bytes, count)` over all blocks on `threads`
/// threads, reporting progress from the calling thread. Returns false if
/// cancelled.
template <typename Work>
bool forEachBlock(const WeightView &view, const StatsOptions &opts,
                  unsigned threads, uint64_t passes, uint64_t pass,
                  Work &&work) {
  const uint64_t total = view.size();
  const uint64_t numBlocks = (total + kBlockElements - 1) / kBlockElements;
  const uint64_t esz = dtypeSize(view.getDType());
  std::atomic<uint64_t> next{0}, doneBlocks{0};
  std::atomic<bool> stop{false};
  auto cancelled = [&] {
    return stop.load(std::memory_order_relaxed) ||
           opts.progress.isCancelled();
  };
  // Takes the next block and works on it; false when none is left.
  auto runNextBlock = [&](unsigned id, std::vector<uint8_t> &scratch) {
    uint64_t b = next.fetch_add(1);
    if (b >= numBlocks)
      return false;
    uint64_t first = b * kBlockElements;
    uint64_t count = std::min(kBlockElements, total - first);
    const uint8_t *p;
    if (view.isRaw()) {
      p = view.rawBytes().data() + first * esz;
    } else {
      scratch.resize(count * esz);
      view.readBytes(first, count, scratch.data());
      p = scratch.data();
    }
    work(id, b, p, count);
    // The block's pages stay in the page cache but leave this process, so
    // a pass over 100 GB does not show up as 100 GB of RSS.
    view.releaseElements(first, count);
    doneBlocks.fetch_add(1);
    return true;
  };
  auto worker = [&](unsigned id) {
    std::vector<uint8_t> scratch;
    while (!cancelled() && runNextBlock(id, scratch)) {
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t)
    pool.emplace_back(worker, t);
  // The calling thread works in slices so it can report progress between
  // blocks.
  const uint64_t bytesTotal = view.sizeInBytes() * passes;
  uint64_t lastReport = 0;
  std::vector<uint8_t> scratch;
  while (!cancelled() && runNextBlock(0u, scratch)) {
    uint64_t bytesDone =
        view.sizeInBytes() * pass +
        std::min(total, doneBlocks.load() * kBlockElements) * esz;
    if (!reportEvery64MiB(opts.progress, lastReport, bytesDone, bytesTotal))
      stop = true;
  }
  for (std::thread &t : pool)
    t.join();
  return !cancelled();
}

/// The base value means are kept relative to (see Partial): the median of the
/// finite values among the blob's first 64 elements (robust to an outlier
/// there), else 0. The nearer the base is to the mean, the fewer digits the
/// final base + (mean - base) loses.
constexpr uint64_t kBaseSample = 64;
double baseOf(DType dtype, const uint8_t *p, uint64_t count);

/// Elements at the start of a weight that give its base and first values.
uint64_t headElements(uint64_t total, const StatsOptions &opts) {
  return std::min<uint64_t>(total,
                            std::max<uint64_t>(kBaseSample, opts.firstValues));
}

/// The base and the first values from the head's `head` elements at `p`.
void takeHead(DType dtype, const uint8_t *p, uint64_t head,
              const StatsOptions &opts, double &base, BlobStats &stats) {
  base = baseOf(dtype, p, head);
  for (uint64_t i = 0; i < std::min<uint64_t>(opts.firstValues, head); ++i)
    stats.first.push_back(formatElement(dtype, p + i * dtypeSize(dtype)));
}

double baseOf(DType dtype, const uint8_t *p, uint64_t count) {
  const bool complex = dtype == DType::C64 || dtype == DType::C128;
  const uint64_t esz = dtypeSize(dtype);
  double sample[kBaseSample];
  unsigned n = 0;
  for (uint64_t i = 0; i < std::min(count, kBaseSample); ++i) {
    double v;
    if (complex) {
      std::complex<double> c = decodeComplexElement(dtype, p + i * esz);
      v = std::hypot(c.real(), c.imag()); // as element<D>
    } else {
      v = decodeElement(dtype, p + i * esz);
    }
    if (std::isfinite(v))
      sample[n++] = v;
  }
  if (n == 0)
    return 0;
  std::nth_element(sample, sample + n / 2, sample + n);
  return sample[n / 2];
}

/// Runs `fn(thread, task)` for tasks [0, n) on up to `threads` threads (the
/// calling thread is one).
template <typename Fn>
void parallelTasks(unsigned threads, uint64_t n, Fn &&fn) {
  std::atomic<uint64_t> next{0};
  auto worker = [&](unsigned id) {
    for (uint64_t t; (t = next.fetch_add(1)) < n;)
      fn(id, t);
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads && t < n; ++t)
    pool.emplace_back(worker, t);
  worker(0);
  for (std::thread &t : pool)
    t.join();
}

/// The first pass over a streamed view (WeightView::isStreamed): windows in
/// order from streamElements, cut into the blocks forEachBlock would cut
/// (a block across a window edge is put together in `pending`), folded on
/// `threads` threads, merged in block order: the same partials merged in the
/// same order as from memory, so the results are the same bits. The base
/// and the first values come from the first window, which saves a round
/// trip of their own.
llvm::Error foldStreamed(const WeightView &view, const StatsOptions &opts,
                         unsigned threads, uint64_t passes, FoldFn fold,
                         BlobStats &stats, double &base, Partial &all) {
  const DType dtype = view.getDType();
  const uint64_t esz = dtypeSize(dtype), total = view.size();
  std::vector<uint8_t> pending, completed;
  uint64_t pendingCount = 0, lastReport = 0;
  std::vector<std::pair<const uint8_t *, uint64_t>> blocks;
  std::vector<Partial> folded;
  // The head from the first window when it holds all of it (windows are
  // megabytes; tests make them tiny, and the first one may be short).
  const uint64_t head = headElements(total, opts);
  return streamElements(
      view, 0, total, opts.progress,
      [&](uint64_t first, uint64_t count, const uint8_t *p) -> llvm::Error {
        if (first == 0 && count >= head) {
          takeHead(dtype, p, head, opts, base, stats);
        } else if (first == 0) {
          std::vector<uint8_t> bytes(size_t(head * esz));
          view.readBytes(0, head, bytes.data());
          if (llvm::Error e = view.readError())
            return e;
          takeHead(dtype, bytes.data(), head, opts, base, stats);
        }
        // The blocks this window completes, in order.
        blocks.clear();
        for (uint64_t i = 0; i < count;) {
          uint64_t at = first + i;
          uint64_t blockStart = at / kBlockElements * kBlockElements;
          uint64_t blockCount = std::min(kBlockElements, total - blockStart);
          if (at == blockStart && count - i >= blockCount) {
            blocks.push_back({p + i * esz, blockCount});
            i += blockCount;
            continue;
          }
          uint64_t take = std::min(blockCount - (at - blockStart), count - i);
          pending.resize(size_t(blockCount * esz));
          std::memcpy(pending.data() + (at - blockStart) * esz, p + i * esz,
                      take * esz);
          pendingCount += take;
          i += take;
          if (pendingCount == blockCount) {
            // At most one block per window completes here (it began in an
            // earlier window); the window's tail may start the next one.
            std::swap(pending, completed);
            blocks.push_back({completed.data(), blockCount});
            pendingCount = 0;
          }
        }
        folded.assign(blocks.size(), Partial());
        parallelTasks(threads, blocks.size(), [&](unsigned, uint64_t b) {
          fold(blocks[b].first, blocks[b].second, base, folded[b]);
        });
        for (const Partial &f : folded)
          all.merge(f);
        uint64_t bytesDone = (first + count) * esz;
        if (!reportEvery64MiB(opts.progress, lastReport, bytesDone,
                              view.sizeInBytes() * passes))
          return cancelledError();
        return llvm::Error::success();
      });
}

/// The histogram pass over a streamed view.
llvm::Error histogramStreamed(const WeightView &view, const StatsOptions &opts,
                              unsigned threads, uint64_t passes, HistFn hist,
                              double lo, double scale,
                              std::vector<std::vector<uint64_t>> &hists) {
  const uint64_t esz = dtypeSize(view.getDType());
  uint64_t lastReport = 0;
  return streamElements(
      view, 0, view.size(), opts.progress,
      [&](uint64_t first, uint64_t count, const uint8_t *p) -> llvm::Error {
        uint64_t pieces = (count + kBlockElements - 1) / kBlockElements;
        parallelTasks(threads, pieces, [&](unsigned id, uint64_t t) {
          uint64_t at = t * kBlockElements;
          hist(p + at * esz, std::min(kBlockElements, count - at), lo, scale,
               opts.bins, hists[id]);
        });
        uint64_t bytesDone = view.sizeInBytes() + (first + count) * esz;
        if (!reportEvery64MiB(opts.progress, lastReport, bytesDone,
                              view.sizeInBytes() * passes))
          return cancelledError();
        return llvm::Error::success();
      });
}

} // namespace

llvm::Expected<BlobStats> mlirscope::computeStats(const WeightView &view,
                                                  const StatsOptions &opts) {
  auto [fold, hist] = kernelsFor(view.getDType());
  BlobStats stats;
  stats.count = view.size();
  const DType dtype = view.getDType();
  const uint64_t esz = dtypeSize(dtype);

  unsigned threads = opts.threads ? opts.threads
                                  : std::max(1u, std::thread::hardware_concurrency());
  // Small blobs are not worth a thread.
  uint64_t numBlocks = (view.size() + kBlockElements - 1) / kBlockElements;
  threads = unsigned(std::max<uint64_t>(1, std::min<uint64_t>(threads, numBlocks)));
  uint64_t passes = opts.bins ? 2 : 1;

  // Partials of every block, merged in block order whichever thread folded
  // them: the results do not depend on the threads' timing, and a streamed
  // pass (foldStreamed) merges the same partials in the same order.
  double base = 0;
  Partial all;
  if (view.isStreamed()) {
    if (llvm::Error e =
            foldStreamed(view, opts, threads, passes, fold, stats, base, all))
      return std::move(e);
  } else {
    uint64_t head = headElements(view.size(), opts);
    std::vector<uint8_t> bytes(size_t(head * esz));
    view.readBytes(0, head, bytes.data());
    takeHead(dtype, bytes.data(), head, opts, base, stats);
    std::vector<Partial> blocks(numBlocks);
    if (!forEachBlock(view, opts, threads, passes, 0,
                      [&](unsigned, uint64_t b, const uint8_t *p, uint64_t n) {
                        fold(p, n, base, blocks[b]);
                      }))
      return cancelledError();
    for (const Partial &p : blocks)
      all.merge(p);
  }

  const double nan = std::numeric_limits<double>::quiet_NaN();
  stats.finite = all.n;
  stats.zeros = all.zeros;
  stats.nans = all.nans;
  stats.posInfs = all.posInfs;
  stats.negInfs = all.negInfs;
  stats.min = all.n ? all.min : nan;
  stats.max = all.n ? all.max : nan;
  stats.mean = all.n ? base + all.mean : nan;
  stats.stddev = all.n ? std::sqrt(all.m2 / double(all.n)) : nan;

  if (opts.bins && all.n) {
    std::vector<std::vector<uint64_t>> hists(
        threads, std::vector<uint64_t>(opts.bins, 0));
    // In halves: max - min of finite doubles can overflow (-1e308 to
    // 1e308); half of each cannot.
    double lo = all.min * 0.5, width = all.max * 0.5 - all.min * 0.5;
    double scale = width > 0 ? double(opts.bins) / width : 0;
    if (view.isStreamed()) {
      if (llvm::Error e = histogramStreamed(view, opts, threads, passes, hist,
                                            lo, scale, hists))
        return std::move(e);
    } else if (!forEachBlock(
                   view, opts, threads, passes, 1,
                   [&](unsigned id, uint64_t, const uint8_t *p, uint64_t n) {
                     hist(p, n, lo, scale, opts.bins, hists[id]);
                   })) {
      return cancelledError();
    }
    stats.histogram.assign(opts.bins, 0);
    for (auto &h : hists)
      for (unsigned b = 0; b < opts.bins; ++b)
        stats.histogram[b] += h[b];
  }
  return stats;
}

std::string StatsCache::keyOf(const ModelIndex &index, const WeightView &view,
                              const StatsOptions &options) {
  const Weight &w = view.getWeight();
  std::string key;
  if (index.file)
    key = index.file->getName() + '\0' + std::to_string(index.file->getInode()) +
          '\0' + std::to_string(index.file->getMTimeNs()) + '\0' +
          std::to_string(index.file->size());
  // A weight's name is unique in its index; a parameter's bytes are in an
  // archive, whose identity joins the key.
  const ByteSource &src = view.getSource();
  if (&src != index.file.get())
    key += '\0' + src.getName() + '\0' + std::to_string(src.getInode()) +
           '\0' + std::to_string(src.getMTimeNs());
  key += '\0' + w.name + '\0' + std::to_string(options.bins);
  return key;
}

std::optional<BlobStats> StatsCache::find(const ModelIndex &index,
                                          const WeightView &view,
                                          const StatsOptions &options) {
  std::string key = keyOf(index, view, options);
  std::lock_guard<std::mutex> lock(mutex);
  auto it = entries.find(key);
  if (it == entries.end())
    return std::nullopt;
  return it->second;
}

llvm::Expected<BlobStats> StatsCache::get(const ModelIndex &index,
                                          const WeightView &view,
                                          const StatsOptions &options) {
  if (std::optional<BlobStats> cached = find(index, view, options))
    return *cached;
  std::string key = keyOf(index, view, options);
  auto stats = computeStats(view, options);
  if (!stats)
    return stats.takeError();
  std::lock_guard<std::mutex> lock(mutex);
  entries[key] = *stats;
  return stats;
}

void StatsCache::clear() {
  std::lock_guard<std::mutex> lock(mutex);
  entries.clear();
}
