//===- Hash.h - Checksums of blob bytes -------------------------*- C++ -*-===//

#ifndef MLIRSCOPE_SUPPORT_HASH_H
#define MLIRSCOPE_SUPPORT_HASH_H

#include <cstddef>
#include <cstdint>

namespace mlirscope {

/// Streaming XXH64 (seed 0): fast enough to checksum weights at memory speed.
class XXH64 {
public:
  XXH64();
  void update(const void *data, size_t size);
  uint64_t digest() const;

private:
  uint64_t v[4];
  uint64_t total = 0;
  unsigned char buffer[32];
  size_t buffered = 0;
};

/// One-shot XXH64 (seed 0).
uint64_t xxh64(const void *data, size_t size);

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_HASH_H
