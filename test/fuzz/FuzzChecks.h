//===- FuzzChecks.h - What every fuzz input must leave true -----*- C++ -*-===//
//
// A fuzz target that only waits for a crash misses the quieter failures: an
// index whose offsets point past the file, an error without the offset it
// promises. These checks turn such outcomes into crashes the fuzzer reports
// (abort with a message), in the fuzzer build and in the plain drivers that
// replay the corpora under the normal and the sanitizer builds.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_TEST_FUZZ_FUZZCHECKS_H
#define MLIRSCOPE_TEST_FUZZ_FUZZCHECKS_H

#include "mlirscope/Blob/BlobStats.h"
#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Support/FormatError.h"
#include "mlirscope/Graph/GraphView.h"
#include "mlirscope/Index/Index.h"
#include "mlirscope/Index/NestingLimit.h"
#include "mlirscope/Index/OpDetails.h"
#include "mlirscope/Index/Summary.h"
#include "mlirscope/Support/MappedFile.h"

#include "llvm/Support/Error.h"

#include <cstdio>
#include <cstdlib>
#include <string>

namespace mlirscope {
namespace fuzz {

[[noreturn]] inline void fail(const std::string &what) {
  std::fprintf(stderr, "fuzz check failed: %s\n", what.c_str());
  std::abort();
}

inline void require(bool ok, const char *what) {
  if (!ok)
    fail(what);
}

/// `a + b <= limit` without overflow.
inline bool fits(uint64_t a, uint64_t b, uint64_t limit) {
  return a <= limit && b <= limit - a;
}

/// A failed index must be one FormatError: offset within the input, an
/// "expected" part, a single line.
inline void checkIndexError(llvm::Error err, uint64_t size) {
  bool isFormat = err.isA<FormatError>();
  std::string text;
  llvm::handleAllErrors(
      std::move(err),
      [&](const FormatError &e) {
        text = e.message();
        require(e.getOffset() <= size, "error offset past the end of input");
        require(!e.getExpected().empty(), "error without 'expected'");
        require(text.find('\n') == std::string::npos,
                "error message of more than one line");
      },
      [&](const llvm::ErrorInfoBase &e) { text = e.message(); });
  if (!isFormat)
    fail("an index error that is not a FormatError: " + text);
}

/// Every offset and index the index holds stays inside the file and its own
/// tables: what readers of an index (summary, views, rewrite, LSP) rely on.
inline void checkIndex(const ModelIndex &index) {
  uint64_t size = index.fileSize();
  for (const Resource &r : index.resources) {
    require(fits(r.dataOffset, r.size, size), "resource data past the end");
    if (r.isHexText) {
      require(fits(r.textOffset, r.textSize, size), "hex text past the end");
      require(r.textSize >= 2 * r.size, "hex text shorter than its data");
    }
    require(r.alignment != 0, "resource alignment 0");
  }
  for (const SectionInfo &s : index.sections)
    require(fits(s.offset, s.size, size), "section past the end");
  for (const BytecodeLayout::Section &s : index.layout.sections) {
    require(s.header <= s.begin && s.begin <= s.end && s.end <= size,
            "layout section out of order or past the end");
  }
  for (const BytecodeLayout::Group &g : index.layout.groups)
    for (const BytecodeLayout::Entry &e : g.entries) {
      require(fits(e.begin, e.size, size), "resource entry past the end");
      require(e.resource == kNone || e.resource < index.resources.size(),
              "resource entry names no resource");
    }
  for (const ResourceReference &ref : index.references) {
    require(ref.resource == kNone || ref.resource < index.resources.size(),
            "reference to no resource");
    require(ref.resource == kNone ||
                index.resources[ref.resource].chunk == ref.chunk,
            "reference linked to another chunk's resource");
    require(!ref.isElided() || ref.resource == kNone,
            "elided reference linked to a resource");
  }
  // Text chunks tile the file in order and own consecutive ops.
  uint64_t chunkEnd = 0, chunkOps = 0;
  for (const TextChunk &c : index.chunks) {
    require(c.begin >= chunkEnd && c.begin <= c.end && c.end <= size,
            "chunk out of order or past the end");
    require(c.firstOp == chunkOps, "chunk ops not consecutive");
    chunkEnd = c.end;
    chunkOps += c.numOps;
  }
  require(index.chunks.empty() || chunkOps == index.ops.size(),
          "ops outside every chunk");
  for (const Resource &r : index.resources)
    require(index.chunks.empty() ? r.chunk == 0 : r.chunk < index.chunks.size(),
            "resource in no chunk");
  uint64_t numOps = index.ops.size();
  for (uint64_t i = 0; i < numOps; ++i) {
    const OpRecord &op = index.ops[i];
    require(op.name == kNone || op.name < index.opNames.size(),
            "op name out of range");
    require(op.parent == kNone || op.parent < i,
            "op parent not an earlier op");
    require(fits(op.firstOperand, op.numOperands, index.operands.size()),
            "op operands out of range");
    // Results are values only where a region numbers them (not at the top
    // level of a bytecode file); where they are, result k is value
    // firstResult + k.
    if (op.firstResult != kNone) {
      require(fits(op.firstResult, op.numResults, index.values.size()),
              "op results out of range");
      for (uint32_t k = 0; k < op.numResults; ++k) {
        const ValueRecord &v = index.values[op.firstResult + k];
        require(v.kind == ValueRecord::Kind::OpResult && v.owner == i &&
                    v.number == k,
                "op result k is not value firstResult + k");
      }
    }
    for (uint32_t k = 0; k < op.numOperands; ++k) {
      uint32_t v = index.operands[op.firstOperand + k];
      require(v == kNone || v < index.values.size(), "operand names no value");
    }
  }
  for (const ValueRecord &v : index.values)
    require(v.owner == kNone || v.owner < numOps, "value owner out of range");
}

/// What a user can ask of an index: its summary, and each blob's view,
/// elements and statistics. Blob bytes are read here, so an ASan build
/// catches any view that reaches past the buffer.
/// Op details, the nesting check, grouping and the collapsed view: they
/// decode the attribute and type tables a hostile file may fill with
/// anything (cycles, wrong codes, counts past the entry).
inline void exerciseGraph(const ModelIndex &index) {
  for (uint32_t i = 0; i < index.ops.size() && i < 64; ++i) {
    OpDetails d = getOpDetails(index, i);
    for (uint32_t b : d.successors)
      require(b < index.blocks.size(), "successor names no block");
  }
  llvm::consumeError(checkNestingForMLIR(index));
  if (index.ops.size() > 4096)
    return;
  auto graph = ModelGraph::build(index);
  if (!graph)
    fail("grouping failed without a cancel: " +
         llvm::toString(graph.takeError()));
  uint32_t ops = 0;
  for (const GraphNodeRef &c : graph->group(ModelGraph::kRoot).children)
    ops += c.isGroup ? graph->group(c.id).numOps : 1;
  require(ops == index.ops.size(), "grouping lost or doubled ops");
  auto view = layoutView(*graph, ModelGraph::kRoot);
  if (!view)
    fail("layout failed without a cancel: " +
         llvm::toString(view.takeError()));
}

inline void exerciseIndex(const ModelIndex &index) {
  checkIndex(index);
  ModelSummary summary = summarize(index);
  (void)summary;
  exerciseGraph(index);
  // Every weight: resource blobs, inline elements (hex, literals, splats,
  // packed bits) and unbound parameters, whose views must fail cleanly.
  for (const Weight &w : index.weights) {
    require(index.findWeight(w.name) == &w, "weight names are not unique");
    if (w.kind != WeightKind::Parameter)
      require(w.offset <= index.fileSize() &&
                  w.size <= index.fileSize() - w.offset,
              "weight data past the end of the file");
    auto view = WeightView::get(index, w);
    if (!view) {
      llvm::consumeError(view.takeError());
      continue;
    }
    if (w.kind == WeightKind::Resource)
      require(view->sizeInBytes() <= index.resources[w.resource].size,
              "view larger than its blob");
    if (view->size()) {
      (void)view->format(0);
      (void)view->format(view->size() - 1);
    }
    StatsOptions options;
    options.threads = 1;
    options.bins = 4;
    auto stats = computeStats(*view, options);
    if (!stats)
      fail("stats failed without a cancel: " +
           llvm::toString(stats.takeError()));
  }
}

/// Indexes `data` as a file called `name` with `indexer` (indexBytecode,
/// indexText), checks a failure with checkIndexError, and returns the index,
/// or nullptr after a (well-formed) failure.
template <typename Indexer>
std::unique_ptr<ModelIndex> indexChecked(Indexer indexer, const char *name,
                                         const uint8_t *data, size_t size) {
  std::shared_ptr<MappedFile> file =
      MappedFile::copyOf(name, llvm::ArrayRef<uint8_t>(data, size));
  // Every inline weight listed, however small: they are what is exercised.
  IndexOptions options;
  options.minInlineBytes = 0;
  auto index = indexer(file, options);
  if (!index) {
    checkIndexError(index.takeError(), size);
    return nullptr;
  }
  return std::move(*index);
}

} // namespace fuzz
} // namespace mlirscope

#endif // MLIRSCOPE_TEST_FUZZ_FUZZCHECKS_H
