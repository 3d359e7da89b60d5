//===- Hash.cpp - XXH64 ---------------------------------------------------===//
//
// XXH64 as specified by its author (xxhash.com, "xxHash fast digest
// algorithm", 64-bit variant), written from the specification.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Support/Hash.h"

#include <cstring>

using namespace mlirscope;

static constexpr uint64_t P1 = 0x9E3779B185EBCA87ull;
static constexpr uint64_t P2 = 0xC2B2AE3D27D4EB4Full;
static constexpr uint64_t P3 = 0x165667B19E3779F9ull;
static constexpr uint64_t P4 = 0x85EBCA77C2B2AE63ull;
static constexpr uint64_t P5 = 0x27D4EB2F165667C5ull;

static inline uint64_t rotl(uint64_t x, int r) {
  return (x << r) | (x >> (64 - r));
}
static inline uint64_t read64(const unsigned char *p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
static inline uint32_t read32(const unsigned char *p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
static inline uint64_t round64(uint64_t acc, uint64_t input) {
  acc += input * P2;
  acc = rotl(acc, 31);
  return acc * P1;
}
static inline uint64_t mergeRound(uint64_t acc, uint64_t val) {
  acc ^= round64(0, val);
  return acc * P1 + P4;
}

XXH64::XXH64() {
  v[0] = P1 + P2;
  v[1] = P2;
  v[2] = 0;
  v[3] = 0 - P1;
}

void XXH64::update(const void *data, size_t size) {
  const unsigned char *p = static_cast<const unsigned char *>(data);
  total += size;
  if (buffered + size < 32) {
    std::memcpy(buffer + buffered, p, size);
    buffered += size;
    return;
  }
  if (buffered) {
    size_t fill = 32 - buffered;
    std::memcpy(buffer + buffered, p, fill);
    for (int i = 0; i < 4; ++i)
      v[i] = round64(v[i], read64(buffer + 8 * i));
    p += fill;
    size -= fill;
    buffered = 0;
  }
  while (size >= 32) {
    v[0] = round64(v[0], read64(p));
    v[1] = round64(v[1], read64(p + 8));
    v[2] = round64(v[2], read64(p + 16));
    v[3] = round64(v[3], read64(p + 24));
    p += 32;
    size -= 32;
  }
  std::memcpy(buffer, p, size);
  buffered = size;
}

uint64_t XXH64::digest() const {
  uint64_t h;
  if (total >= 32) {
    h = rotl(v[0], 1) + rotl(v[1], 7) + rotl(v[2], 12) + rotl(v[3], 18);
    for (int i = 0; i < 4; ++i)
      h = mergeRound(h, v[i]);
  } else {
    h = P5;
  }
  h += total;
  const unsigned char *p = buffer;
  size_t left = buffered;
  while (left >= 8) {
    h ^= round64(0, read64(p));
    h = rotl(h, 27) * P1 + P4;
    p += 8;
    left -= 8;
  }
  if (left >= 4) {
    h ^= uint64_t(read32(p)) * P1;
    h = rotl(h, 23) * P2 + P3;
    p += 4;
    left -= 4;
  }
  while (left--) {
    h ^= uint64_t(*p++) * P5;
    h = rotl(h, 11) * P1;
  }
  h ^= h >> 33;
  h *= P2;
  h ^= h >> 29;
  h *= P3;
  h ^= h >> 32;
  return h;
}

uint64_t mlirscope::xxh64(const void *data, size_t size) {
  XXH64 h;
  h.update(data, size);
  return h.digest();
}
