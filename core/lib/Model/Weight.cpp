//===- Weight.cpp - A model's weights, wherever the producer put them -----===//

#include "mlirscope/Model/ModelIndex.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>

using namespace mlirscope;

llvm::StringRef mlirscope::weightKindName(WeightKind kind) {
  switch (kind) {
  case WeightKind::Resource:
    return "resource";
  case WeightKind::Inline:
    return "inline";
  case WeightKind::Parameter:
    return "parameter";
  }
  return "unknown";
}

llvm::StringRef mlirscope::weightEncodingName(WeightEncoding encoding) {
  switch (encoding) {
  case WeightEncoding::Raw:
    return "raw";
  case WeightEncoding::Hex:
    return "hex";
  case WeightEncoding::Literal:
    return "literal";
  case WeightEncoding::Strings:
    return "strings";
  }
  return "unknown";
}

std::optional<uint64_t> Weight::logicalBytes() const {
  if (!type || encoding == WeightEncoding::Strings)
    return std::nullopt;
  std::optional<uint64_t> n = type->numElements();
  uint64_t bits = type->element.storageBits();
  if (!n || !bits || (*n && bits / 8 > UINT64_MAX / *n))
    return std::nullopt;
  return *n * (bits / 8);
}

static bool isI1(const std::optional<TensorType> &type) {
  return type && type->element.kind == ElementType::Kind::Integer &&
         type->element.width == 1;
}

void mlirscope::classifyElementsData(Weight &w, uint64_t stored,
                                     bool singleByteIsSplat) {
  w.dataBytes = stored;
  if (!w.type)
    return;
  std::optional<uint64_t> n = w.type->numElements();
  uint64_t bits = w.type->element.storageBits();
  if (!n || !bits)
    return;
  if (isI1(w.type)) {
    if (*n > 1 && stored == 1 && singleByteIsSplat) {
      w.splat = true;
      return;
    }
    if (*n > 1 && stored == (*n + 7) / 8 && stored != *n)
      w.bitPacked = true;
    return;
  }
  if (*n > 1 && stored == bits / 8)
    w.splat = true;
}

std::optional<Weight> mlirscope::parseParameterReference(llvm::StringRef text,
                                                         size_t &length) {
  size_t prefix = text.starts_with("#stream.parameter.named<") ? 24
                  : text.starts_with("#flow.parameter.named<")  ? 22
                                                                : 0;
  if (!prefix)
    return std::nullopt;
  size_t p = prefix;
  auto skipSpace = [&] {
    while (p < text.size() && (text[p] == ' ' || text[p] == '\n'))
      ++p;
  };
  // Up to two quoted strings separated by `::`; escapes are kept as written.
  std::string parts[2];
  unsigned numParts = 0;
  while (numParts < 2) {
    skipSpace();
    if (p >= text.size() || text[p] != '"')
      break;
    size_t q = p + 1;
    while (q < text.size() && text[q] != '"')
      q += text[q] == '\\' ? 2 : 1;
    if (q >= text.size())
      return std::nullopt;
    parts[numParts++] = text.slice(p + 1, q).str();
    p = q + 1;
    if (!text.substr(p).starts_with("::"))
      break;
    p += 2;
  }
  if (!numParts)
    return std::nullopt;
  // Options may follow (`, {...}`): to the closing `>`, bounded by a line.
  size_t gt = text.find_first_of(">\n", p);
  if (gt == llvm::StringRef::npos || text[gt] != '>')
    return std::nullopt;
  Weight w;
  w.kind = WeightKind::Parameter;
  if (numParts == 2) {
    w.scope = parts[0];
    w.key = parts[1];
    w.name = w.scope + "::" + w.key;
  } else {
    w.key = parts[0];
    w.name = w.key;
  }
  length = gt + 1;
  return w;
}

const Weight *ModelIndex::findWeight(llvm::StringRef name) const {
  for (const Weight &w : weights)
    if (w.name == name)
      return &w;
  return nullptr;
}

const Weight *ModelIndex::weightOfResource(uint32_t resource) const {
  // Resource weights come first, in resource order, one per blob.
  for (const Weight &w : weights) {
    if (w.kind != WeightKind::Resource)
      break;
    if (w.resource == resource)
      return &w;
  }
  return nullptr;
}

void ModelIndex::finishWeights(uint64_t minInlineBytes) {
  std::vector<Weight> found = std::move(weights);
  weights.clear();
  for (uint32_t i = 0; i < resources.size(); ++i) {
    const Resource &r = resources[i];
    if (r.kind != ResourceKind::Blob)
      continue;
    Weight w;
    w.kind = WeightKind::Resource;
    w.encoding = r.isHexText ? WeightEncoding::Hex : WeightEncoding::Raw;
    w.name = r.key;
    w.type = r.type;
    // Hex text: the data's digits, after `"0x` and the alignment's eight.
    w.offset = r.dataOffset;
    w.size = r.isHexText ? 2 * r.size : r.size;
    w.dataBytes = r.size;
    w.resource = i;
    w.chunk = r.chunk;
    weights.push_back(std::move(w));
  }
  // Names must be unique: a key that repeats (the same key in two chunks of
  // a split file, or in two groups) and two inline weights whose holders
  // print alike get `#2`, `#3`... in file order.
  llvm::StringSet<> taken;
  // The last suffix given to each repeated name: `#2` up to it are taken (a
  // set only grows), so the search for the next free one starts after it.
  // A key repeated in each of a split file's hundreds of chunks would
  // otherwise try every suffix again for each repeat (quadratic).
  llvm::StringMap<unsigned> lastSuffix;
  auto unique = [&](Weight &w) {
    if (taken.insert(w.name).second)
      return;
    unsigned &last = lastSuffix[w.name];
    for (unsigned n = std::max(last + 1, 2u);; ++n) {
      std::string candidate = w.name + "#" + std::to_string(n);
      if (taken.insert(candidate).second) {
        last = n;
        w.name = std::move(candidate);
        return;
      }
    }
  };
  for (Weight &w : weights)
    unique(w);
  for (Weight &w : found) {
    if (w.kind == WeightKind::Inline && w.bytes() < minInlineBytes) {
      ++smallInlineCount;
      smallInlineBytes += w.bytes();
      continue;
    }
    unique(w);
    weights.push_back(std::move(w));
  }
}
