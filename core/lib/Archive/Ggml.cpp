//===- Ggml.cpp - ggml tensor types: sizes and dequantization -------------===//
//
// The block layouts are ggml-quants.c's (ggml/src/ggml-common.h for the
// structs): every block starts with its scale(s) as IEEE half floats (f32 for
// Q8_1), then the packed quants, little-endian.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Archive/Ggml.h"

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace mlirscope;

namespace {

// gguf-py constants.py: GGMLQuantizationType ids with GGML_QUANT_SIZES'
// (block size, type size), QK_K = 256.
constexpr GgmlTypeInfo kTypes[] = {
    {0, "F32", 1, 4, "f32"},
    {1, "F16", 1, 2, "f16"},
    {2, "Q4_0", 32, 2 + 16, nullptr},
    {3, "Q4_1", 32, 2 + 2 + 16, nullptr},
    {6, "Q5_0", 32, 2 + 4 + 16, nullptr},
    {7, "Q5_1", 32, 2 + 2 + 4 + 16, nullptr},
    {8, "Q8_0", 32, 2 + 32, nullptr},
    {9, "Q8_1", 32, 4 + 4 + 32, nullptr},
    {10, "Q2_K", 256, 2 + 2 + 256 / 16 + 256 / 4, nullptr},
    {11, "Q3_K", 256, 2 + 256 / 4 + 256 / 8 + 12, nullptr},
    {12, "Q4_K", 256, 2 + 2 + 256 / 2 + 12, nullptr},
    {13, "Q5_K", 256, 2 + 2 + 256 / 2 + 256 / 8 + 12, nullptr},
    {14, "Q6_K", 256, 2 + 256 / 2 + 256 / 4 + 256 / 16, nullptr},
    {15, "Q8_K", 256, 4 + 256 + 256 / 8, nullptr},
    {16, "IQ2_XXS", 256, 2 + 256 / 4, nullptr},
    {17, "IQ2_XS", 256, 2 + 256 / 4 + 256 / 32, nullptr},
    {18, "IQ3_XXS", 256, 2 + 256 / 4 + 256 / 8, nullptr},
    {19, "IQ1_S", 256, 2 + 256 / 8 + 256 / 16, nullptr},
    {20, "IQ4_NL", 32, 2 + 16, nullptr},
    {21, "IQ3_S", 256, 2 + 256 / 4 + 256 / 8 + 256 / 32 + 4, nullptr},
    {22, "IQ2_S", 256, 2 + 256 / 4 + 256 / 16, nullptr},
    {23, "IQ4_XS", 256, 2 + 2 + 256 / 2 + 256 / 64, nullptr},
    {24, "I8", 1, 1, "i8"},
    {25, "I16", 1, 2, "i16"},
    {26, "I32", 1, 4, "i32"},
    {27, "I64", 1, 8, "i64"},
    {28, "F64", 1, 8, "f64"},
    {29, "IQ1_M", 256, 256 / 8 + 256 / 16 + 256 / 32, nullptr},
    {30, "BF16", 1, 2, "bf16"},
    {34, "TQ1_0", 256, 2 + 4 * 13, nullptr},
    {35, "TQ2_0", 256, 2 + 64, nullptr},
    {39, "MXFP4", 32, 1 + 16, nullptr},
    {40, "NVFP4", 64, 4 + 32, nullptr},
    {41, "Q1_0", 128, 2 + 16, nullptr},
};

float halfToFloat(uint16_t h) {
  uint32_t sign = uint32_t(h & 0x8000) << 16;
  uint32_t exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float magnitude;
  if (exp == 0)
    magnitude = std::ldexp(float(mant), -24); // zero and subnormals
  else if (exp == 31)
    magnitude = mant ? NAN : INFINITY;
  else
    magnitude = std::ldexp(float(mant | 0x400), int(exp) - 25);
  uint32_t bits;
  std::memcpy(&bits, &magnitude, 4);
  bits |= sign;
  float out;
  std::memcpy(&out, &bits, 4);
  return out;
}

template <typename T> T load(const uint8_t *p) {
  T v;
  std::memcpy(&v, p, sizeof(T)); // little-endian hosts only, as everywhere
  return v;
}

float loadHalf(const uint8_t *p) { return halfToFloat(load<uint16_t>(p)); }

} // namespace

llvm::ArrayRef<GgmlTypeInfo> mlirscope::ggmlTypes() { return kTypes; }

const GgmlTypeInfo *mlirscope::ggmlTypeInfo(uint32_t id) {
  auto it = std::lower_bound(
      std::begin(kTypes), std::end(kTypes), id,
      [](const GgmlTypeInfo &t, uint32_t id) { return t.id < id; });
  return it != std::end(kTypes) && it->id == id ? it : nullptr;
}

bool mlirscope::dequantizeGgml(uint32_t type, const uint8_t *blocks,
                               uint64_t numBlocks, float *out) {
  const GgmlTypeInfo *info = ggmlTypeInfo(type);
  if (!info)
    return false;
  const uint8_t *in = blocks;
  switch (type) {
  case 0: // F32
    std::memcpy(out, in, numBlocks * 4);
    return true;
  case 1: // F16
    for (uint64_t i = 0; i < numBlocks; ++i)
      out[i] = loadHalf(in + 2 * i);
    return true;
  case 30: // BF16: the high half of an f32
    for (uint64_t i = 0; i < numBlocks; ++i) {
      uint32_t bits = uint32_t(load<uint16_t>(in + 2 * i)) << 16;
      std::memcpy(&out[i], &bits, 4);
    }
    return true;
  case 28: // F64
    for (uint64_t i = 0; i < numBlocks; ++i)
      out[i] = float(load<double>(in + 8 * i));
    return true;
  case 24: // I8
    for (uint64_t i = 0; i < numBlocks; ++i)
      out[i] = float(int8_t(in[i]));
    return true;
  case 25: // I16
    for (uint64_t i = 0; i < numBlocks; ++i)
      out[i] = float(load<int16_t>(in + 2 * i));
    return true;
  case 26: // I32
    for (uint64_t i = 0; i < numBlocks; ++i)
      out[i] = float(load<int32_t>(in + 4 * i));
    return true;
  case 27: // I64
    for (uint64_t i = 0; i < numBlocks; ++i)
      out[i] = float(load<int64_t>(in + 8 * i));
    return true;
  case 2:
  case 3:
  case 6:
  case 7:
  case 8:
  case 9:
    break;
  default:
    return false;
  }

  // Block formats of 32 elements: the low nibbles hold elements 0..15, the
  // high nibbles 16..31 (not interleaved).
  for (uint64_t b = 0; b < numBlocks; ++b, in += info->typeSize, out += 32) {
    switch (type) {
    case 2: { // Q4_0: {f16 d; u8 qs[16]}, x = (q - 8) * d
      float d = loadHalf(in);
      const uint8_t *qs = in + 2;
      for (int j = 0; j < 16; ++j) {
        out[j] = float((qs[j] & 0x0f) - 8) * d;
        out[j + 16] = float((qs[j] >> 4) - 8) * d;
      }
      break;
    }
    case 3: { // Q4_1: {f16 d; f16 m; u8 qs[16]}, x = q * d + m
      float d = loadHalf(in), m = loadHalf(in + 2);
      const uint8_t *qs = in + 4;
      for (int j = 0; j < 16; ++j) {
        out[j] = float(qs[j] & 0x0f) * d + m;
        out[j + 16] = float(qs[j] >> 4) * d + m;
      }
      break;
    }
    case 6:   // Q5_0: {f16 d; u8 qh[4]; u8 qs[16]}, x = (q - 16) * d
    case 7: { // Q5_1: {f16 d; f16 m; u8 qh[4]; u8 qs[16]}, x = q * d + m
      bool withMin = type == 7;
      float d = loadHalf(in), m = withMin ? loadHalf(in + 2) : 0.0f;
      const uint8_t *p = in + (withMin ? 4 : 2);
      // Bit j of qh is the fifth bit of element j (0..31).
      uint32_t qh = load<uint32_t>(p);
      const uint8_t *qs = p + 4;
      for (int j = 0; j < 16; ++j) {
        int lo = (qs[j] & 0x0f) | (((qh >> j) << 4) & 0x10);
        int hi = (qs[j] >> 4) | ((qh >> (j + 12)) & 0x10);
        if (withMin) {
          out[j] = float(lo) * d + m;
          out[j + 16] = float(hi) * d + m;
        } else {
          out[j] = float(lo - 16) * d;
          out[j + 16] = float(hi - 16) * d;
        }
      }
      break;
    }
    case 8: { // Q8_0: {f16 d; i8 qs[32]}, x = q * d
      float d = loadHalf(in);
      for (int j = 0; j < 32; ++j)
        out[j] = float(int8_t(in[2 + j])) * d;
      break;
    }
    case 9: { // Q8_1: {f32 d; f32 s; i8 qs[32]}, s = d * sum(q) is a cache
      float d = load<float>(in);
      for (int j = 0; j < 32; ++j)
        out[j] = float(int8_t(in[8 + j])) * d;
      break;
    }
    }
  }
  return true;
}
