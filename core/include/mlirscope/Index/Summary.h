//===- Summary.h - What `inspect --summary` reports about a model -*- C++ -*-===//
//
// Aggregates over a ModelIndex: op counts, symbols, resource totals by dtype,
// the largest blobs, dangling references. Computed from the index alone, so
// producing a summary never touches blob bytes.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_INDEX_SUMMARY_H
#define MLIRSCOPE_INDEX_SUMMARY_H

#include "mlirscope/Model/ModelIndex.h"

#include <map>
#include <string>
#include <vector>

namespace mlirscope {

struct ModelSummary {
  std::string path;
  std::string format; ///< "bytecode" or "text"
  uint64_t bytecodeVersion = 0;
  std::string producer;
  /// The file's bytes: resource blobs' data (blobBytes), the data of the
  /// listed inline weights stored in the IR (inlineWeightBytes: raw bytes,
  /// hex digits or literal text), and the rest of the IR (irBytes).
  uint64_t fileSize = 0, irBytes = 0, blobBytes = 0, inlineWeightBytes = 0;
  std::vector<std::string> dialects;
  uint64_t numOps = 0;
  bool opCountsApproximate = false;
  /// (op name, count), most frequent first, ties by name.
  std::vector<std::pair<std::string, uint64_t>> opCounts;
  struct Symbol {
    std::string name, op;
  };
  std::vector<Symbol> symbols;

  uint64_t numResources = 0, resourceBytes = 0;
  struct DTypeTotal {
    uint64_t resources = 0, elements = 0, bytes = 0;
    uint64_t weights = 0; ///< In weightsByDType: weights of every kind.
  };
  /// Keyed by element type name ("f32", "unknown" when no type is known).
  std::map<std::string, DTypeTotal> byDType;
  /// Indices into ModelIndex::resources, largest first.
  std::vector<uint32_t> largest;
  /// Every weight (Weight.h): count and bytes by kind ("resource",
  /// "inline", "parameter"), by element type over all kinds, and the
  /// largest (indices into ModelIndex::weights).
  struct KindTotal {
    uint64_t count = 0, bytes = 0;
  };
  std::map<std::string, KindTotal> weightsByKind;
  std::map<std::string, DTypeTotal> weightsByDType;
  std::vector<uint32_t> largestWeights;
  uint64_t numWeights = 0, weightBytes = 0;
  /// Inline elements attributes below the listing threshold: counted only.
  uint64_t smallInlineCount = 0, smallInlineBytes = 0;
  /// Parameter references (indices into ModelIndex::weights) that no bound
  /// archive holds: with an archive bound to their scope (missing), or with
  /// none (unbound); and those whose entry's size disagrees with the type.
  std::vector<uint32_t> missingParameters, unboundParameters,
      parameterSizeMismatches;
  /// Archive entries no parameter reference uses: "scope::key".
  std::vector<std::string> unusedParameters;
  /// External resources that are not blobs (bools, strings) and what a
  /// `mlir_reproducer` entry asks for (indices into ModelIndex::resources).
  std::vector<uint32_t> externalValues;
  /// Resources no dense_resource attribute references.
  std::vector<uint32_t> unreferenced;
  /// Keys referenced by dense_resource but without data in the file (for a
  /// split file: once per chunk that misses them).
  std::vector<std::string> missing;
  /// Resources whose size disagrees with their declared type.
  std::vector<uint32_t> sizeMismatches;
  /// `dense_resource<__elided__>` references: the file was printed without
  /// its weights, so they name no entry by design (not missing).
  uint64_t elidedReferences = 0;
  uint64_t numReferences = 0;
  std::vector<std::string> warnings;

  /// The `// -----` chunks of a text file (one for a file without
  /// separators; empty for bytecode).
  struct Chunk {
    uint32_t number = 1; ///< 1-based, as --chunk takes it.
    uint64_t offset = 0; ///< File offset where the chunk begins.
    uint32_t line = 1;
    uint64_t numOps = 0;
    bool approximate = false;
    uint64_t numReferences = 0, elidedReferences = 0;
    uint64_t numResources = 0, resourceBytes = 0;
    /// Indices into ModelIndex::resources.
    std::vector<uint32_t> unreferenced;
    std::vector<std::string> missing;
  };
  /// For a summary of one chunk (--chunk): `chunks` holds only it.
  std::vector<Chunk> chunks;
  uint32_t chunksInFile = 0;
  bool oneChunkSelected = false;
};

/// Summarizes `index`, listing the `topN` largest resources.
ModelSummary summarize(const ModelIndex &index, unsigned topN = 10);

/// Expected blob size for a resource's declared type, if computable.
std::optional<uint64_t> expectedBlobSize(const TensorType &type);

} // namespace mlirscope

#endif // MLIRSCOPE_INDEX_SUMMARY_H
