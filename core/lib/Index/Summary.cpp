//===- Summary.cpp - What `inspect --summary` reports about a model -------===//

#include "mlirscope/Index/Summary.h"
#include "mlirscope/Index/Parameters.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>
#include <set>

using namespace mlirscope;

std::optional<uint64_t> mlirscope::expectedBlobSize(const TensorType &type) {
  std::optional<uint64_t> n = type.numElements();
  uint64_t bits = type.element.storageBits();
  if (!n || !bits || *n > UINT64_MAX / bits)
    return std::nullopt;
  return *n * bits / 8;
}

/// The dtype a total is kept under: the element type's spelling, or
/// "untyped" when nothing gives a type.
static std::string dtypeKey(const std::optional<TensorType> &type) {
  if (!type || type->element.name.empty())
    return "untyped";
  return type->element.name;
}

static void summarizeWeights(const ModelIndex &index, unsigned topN,
                             ModelSummary &s) {
  std::vector<uint32_t> order;
  // Which archive entries some reference uses, to find the unused ones.
  std::set<std::pair<uint32_t, uint32_t>> used;
  for (uint32_t i = 0; i < index.weights.size(); ++i) {
    const Weight &w = index.weights[i];
    ModelSummary::KindTotal &k = s.weightsByKind[weightKindName(w.kind).str()];
    ++k.count;
    k.bytes += w.bytes();
    ++s.numWeights;
    s.weightBytes += w.bytes();
    ModelSummary::DTypeTotal &d = s.weightsByDType[dtypeKey(w.type)];
    ++d.weights;
    d.bytes += w.bytes();
    if (w.type)
      if (auto n = w.type->numElements())
        d.elements += *n;
    order.push_back(i);
    if (w.kind != WeightKind::Parameter)
      continue;
    if (w.entry != kNone) {
      used.insert({w.archive, w.entry});
      if (auto logical = w.logicalBytes(); logical && *logical != w.dataBytes)
        s.parameterSizeMismatches.push_back(i);
      continue;
    }
    bool scopeBound = llvm::any_of(index.archives, [&](const BoundArchive &a) {
      return a.scope == w.scope;
    });
    (scopeBound ? s.missingParameters : s.unboundParameters).push_back(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return index.weights[a].bytes() > index.weights[b].bytes();
  });
  if (order.size() > topN)
    order.resize(topN);
  s.largestWeights = std::move(order);
  // Stored bytes of inline weights, each stored range once (a bytecode
  // attribute shared by several ops is one entry of its table).
  std::set<std::pair<uint64_t, uint64_t>> stored;
  for (const Weight &w : index.weights)
    if (w.kind == WeightKind::Inline && stored.insert({w.offset, w.size}).second)
      s.inlineWeightBytes += w.size;
  s.smallInlineCount = index.smallInlineCount;
  s.smallInlineBytes = index.smallInlineBytes;
  for (uint32_t a = 0; a < index.archives.size(); ++a)
    for (const std::string &key : archiveKeysNotIn(index, a, used))
      s.unusedParameters.push_back(
          index.archives[a].scope.empty() ? key
                                          : index.archives[a].scope + "::" + key);
  for (uint32_t i = 0; i < index.resources.size(); ++i)
    if (index.resources[i].kind != ResourceKind::Blob)
      s.externalValues.push_back(i);
}

ModelSummary mlirscope::summarize(const ModelIndex &index, unsigned topN) {
  ModelSummary s;
  s.path = index.file ? index.file->getName() : "";
  s.format =
      index.format == ModelIndex::Format::Bytecode ? "bytecode" : "text";
  s.bytecodeVersion = index.bytecodeVersion;
  s.producer = index.producer;
  s.fileSize = index.fileSize();
  s.blobBytes = index.blobBytes();
  s.irBytes = s.fileSize - std::min(s.fileSize, s.blobBytes);
  s.dialects = index.dialects;
  s.numOps = index.ops.size();
  s.opCountsApproximate = index.opCountsApproximate;
  s.warnings = index.warnings;

  std::vector<uint64_t> counts(index.opNames.size());
  for (const OpRecord &op : index.ops) {
    if (op.name < counts.size())
      ++counts[op.name];
    if (!op.symbol.empty())
      s.symbols.push_back({op.symbol, index.getOpName(op).str()});
  }
  // Two op-name entries may share a name (a bytecode file may list a name
  // once per dialect group); merge them.
  llvm::StringMap<uint64_t> merged;
  for (size_t i = 0; i < counts.size(); ++i)
    if (counts[i])
      merged[index.opNames[i].name] += counts[i];
  for (auto &e : merged)
    s.opCounts.emplace_back(e.getKey().str(), e.getValue());
  std::sort(s.opCounts.begin(), s.opCounts.end(), [](auto &a, auto &b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });

  std::vector<uint32_t> blobs;
  for (uint32_t i = 0; i < index.resources.size(); ++i) {
    const Resource &r = index.resources[i];
    ++s.numResources;
    s.resourceBytes += r.size;
    if (r.kind != ResourceKind::Blob)
      continue;
    blobs.push_back(i);
    std::string dtype = r.type && r.type->element.isKnown()
                            ? r.type->element.name
                            : (r.type ? r.type->element.name : "untyped");
    if (dtype.empty())
      dtype = "untyped";
    ModelSummary::DTypeTotal &t = s.byDType[dtype];
    ++t.resources;
    t.bytes += r.size;
    if (r.type)
      if (auto n = r.type->numElements())
        t.elements += *n;
    if (r.isDialectGroup && r.numReferences == 0)
      s.unreferenced.push_back(i);
    if (r.type)
      if (auto expected = expectedBlobSize(*r.type); expected &&
                                                    *expected != r.size)
        s.sizeMismatches.push_back(i);
  }
  std::stable_sort(blobs.begin(), blobs.end(), [&](uint32_t a, uint32_t b) {
    return index.resources[a].size > index.resources[b].size;
  });
  if (blobs.size() > topN)
    blobs.resize(topN);
  s.largest = std::move(blobs);

  summarizeWeights(index, topN, s);
  s.irBytes -= std::min(s.irBytes, s.inlineWeightBytes);

  s.numReferences = index.references.size();
  std::set<std::pair<uint32_t, std::string>> seen;
  std::vector<std::pair<uint32_t, std::string>> missing;
  for (const ResourceReference &ref : index.references) {
    if (ref.isElided())
      ++s.elidedReferences;
    else if (ref.resource == kNone && seen.insert({ref.chunk, ref.key}).second)
      missing.push_back({ref.chunk, ref.key});
  }
  for (auto &m : missing)
    s.missing.push_back(m.second);

  if (!index.chunks.empty()) {
    s.chunksInFile = index.chunks.size();
    s.chunks.resize(index.chunks.size());
    for (size_t c = 0; c < index.chunks.size(); ++c) {
      const TextChunk &tc = index.chunks[c];
      ModelSummary::Chunk &sc = s.chunks[c];
      sc.number = c + 1;
      sc.offset = tc.begin;
      sc.line = tc.line;
      sc.numOps = tc.numOps;
      sc.approximate = tc.approximate;
    }
    for (uint32_t i = 0; i < index.resources.size(); ++i) {
      const Resource &r = index.resources[i];
      ModelSummary::Chunk &sc = s.chunks[r.chunk];
      ++sc.numResources;
      sc.resourceBytes += r.size;
    }
    for (uint32_t i : s.unreferenced)
      s.chunks[index.resources[i].chunk].unreferenced.push_back(i);
    for (const ResourceReference &ref : index.references) {
      ++s.chunks[ref.chunk].numReferences;
      if (ref.isElided())
        ++s.chunks[ref.chunk].elidedReferences;
    }
    for (auto &m : missing)
      s.chunks[m.first].missing.push_back(m.second);
    if (index.selectedChunk) {
      s.oneChunkSelected = true;
      ModelSummary::Chunk only = std::move(s.chunks[*index.selectedChunk]);
      s.chunks = {std::move(only)};
    }
  }
  return s;
}
