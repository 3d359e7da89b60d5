//===- ModelIndex.cpp - Format-independent index of an MLIR model ---------===//

#include "mlirscope/Model/ModelIndex.h"


#include <map>

using namespace mlirscope;

uint64_t ElementType::storageBits() const {
  switch (kind) {
  case Kind::Unknown:
    return 0;
  case Kind::Index:
    return 64;
  case Kind::Integer:
    // Dense blobs store i1 as one byte per element; other widths round up to
    // whole bytes.
    return width == 1 ? 8 : ((uint64_t(width) + 7) / 8) * 8;
  case Kind::Float:
    return width == 80 ? 128 : ((uint64_t(width) + 7) / 8) * 8;
  case Kind::Complex:
    return 2 * (((uint64_t(width) + 7) / 8) * 8);
  }
  return 0;
}

std::optional<uint64_t> TensorType::numElements() const {
  if (!ranked)
    return std::nullopt;
  uint64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return std::nullopt;
    if (d != 0 && n > UINT64_MAX / uint64_t(d))
      return std::nullopt;
    n *= uint64_t(d);
  }
  return n;
}

std::string TensorType::shapeString() const {
  if (!ranked)
    return "*";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += "x";
    s += shape[i] == kDynamic ? std::string("?") : std::to_string(shape[i]);
  }
  return s;
}

uint64_t ModelIndex::blobBytes() const {
  uint64_t n = 0;
  for (const Resource &r : resources)
    n += r.isHexText ? r.textSize : r.size;
  return n;
}

const Resource *ModelIndex::findResource(llvm::StringRef key) const {
  for (const Resource &r : resources)
    if (r.key == key)
      return &r;
  return nullptr;
}

void ModelIndex::linkReferences() {
  // Chunks of a split file are separate modules: keys resolve per chunk.
  std::map<std::pair<uint32_t, llvm::StringRef>, uint32_t> byKey;
  for (uint32_t i = 0; i < resources.size(); ++i)
    if (resources[i].isDialectGroup)
      byKey.try_emplace({resources[i].chunk, resources[i].key}, i);
  for (ResourceReference &ref : references) {
    auto it = ref.isElided() ? byKey.end() : byKey.find({ref.chunk, ref.key});
    ref.resource = it == byKey.end() ? kNone : it->second;
    if (ref.resource == kNone)
      continue;
    Resource &r = resources[ref.resource];
    ++r.numReferences;
    if (!r.type && ref.type)
      r.type = ref.type;
  }
}
