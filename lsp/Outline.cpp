//===- Outline.cpp - Symbols, folding ranges, inlay hints -----------------===//

#include "Document.h"
#include "StatsJobs.h"
#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Support/FaultGuard.h"

#include "mlirscope/Text/InlineWeights.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <cstdio>

using namespace mlirscope;
using namespace mlirscope::lspserver;
namespace lsp = llvm::lsp;

/// Inline literals this large get an inlay hint.
static constexpr uint64_t kHintedInlineBytes = 1024;

//===----------------------------------------------------------------------===//
// Document symbols
//===----------------------------------------------------------------------===//

/// Adds the symbols of `op` and below to `out`, as upstream's
/// mlir-lsp-server: a symbol op is a Function (a FunctionOpInterface) or a
/// Class, a symbol table without a name `<op.name>` (a Namespace); each
/// holds the symbols nested in it, other ops pass theirs up.
static void collectSymbols(Document &doc, const Document::Chunk &chunk,
                           mlir::Operation *op,
                           std::vector<lsp::DocumentSymbol> &out) {
  std::vector<lsp::DocumentSymbol> *children = &out;
  if (const auto *def = chunk.asmState.getOpDef(op)) {
    lsp::Range range = doc.rangeOf(chunk.spanOf(def->scopeLoc));
    lsp::Range selection = doc.rangeOf(chunk.spanOf(def->loc));
    if (auto symbol = llvm::dyn_cast<mlir::SymbolOpInterface>(op)) {
      out.emplace_back(symbol.getName(),
                       llvm::isa<mlir::FunctionOpInterface>(op)
                           ? lsp::SymbolKind::Function
                           : lsp::SymbolKind::Class,
                       range, selection);
      children = &out.back().children;
    } else if (op->hasTrait<mlir::OpTrait::SymbolTable>()) {
      out.emplace_back("<" + op->getName().getStringRef() + ">",
                       lsp::SymbolKind::Namespace, range, selection);
      children = &out.back().children;
    }
  }
  for (mlir::Region &region : op->getRegions())
    for (mlir::Operation &nested : region.getOps())
      collectSymbols(doc, chunk, &nested, *children);
}

llvm::Expected<std::vector<lsp::DocumentSymbol>>
MLIRScopeServer::findDocumentSymbols(const lsp::URIForFile &uri) {
  auto docOr = impl->getDocument(uri);
  if (!docOr)
    return docOr.takeError();
  Document &doc = **docOr;
  std::vector<lsp::DocumentSymbol> symbols;
  auto collect = [&](const Document::Chunk &chunk,
                     std::vector<lsp::DocumentSymbol> &out) {
    if (chunk.ir)
      for (mlir::Operation &op : *chunk.ir)
        collectSymbols(doc, chunk, &op, out);
  };
  if (doc.chunks.size() == 1) {
    collect(*doc.chunks.front(), symbols);
    return symbols;
  }
  // A split file: one `<file-split-N>` per chunk, from the line of the
  // marker before it to the line of the marker after it (the last one to
  // the last line but one, as upstream).
  int lastLine = int(doc.lineStarts.size()) - 2;
  for (size_t i = 0; i < doc.chunks.size(); ++i) {
    lsp::Position start(doc.lineOf(doc.chunks[i]->span.begin));
    lsp::Position end(i + 1 == doc.chunks.size()
                          ? lastLine
                          : int(doc.lineOf(doc.chunks[i + 1]->span.begin)));
    lsp::DocumentSymbol split("<file-split-" + llvm::Twine(i) + ">",
                              lsp::SymbolKind::Namespace,
                              lsp::Range(start, end), lsp::Range(start));
    collect(*doc.chunks[i], split.children);
    symbols.push_back(std::move(split));
  }
  return symbols;
}

//===----------------------------------------------------------------------===//
// Folding ranges
//===----------------------------------------------------------------------===//

llvm::Expected<std::vector<FoldingRange>>
MLIRScopeServer::getFoldingRanges(const lsp::URIForFile &uri) {
  auto docOr = impl->getDocument(uri);
  if (!docOr)
    return docOr.takeError();
  Document &doc = **docOr;
  std::vector<FoldingRange> ranges;
  auto add = [&](TextSpan span, const char *kind) {
    ranges.push_back(
        {(int)doc.lineOf(span.begin), (int)doc.lineOf(span.end), kind});
  };
  for (const auto &chunk : doc.chunks) {
    for (const auto &def : chunk->asmState.getOpDefs()) {
      if (def.op->getNumRegions() == 0)
        continue;
      TextSpan scope = chunk->spanOf(def.scopeLoc);
      int start = doc.lineOf(scope.begin), end = doc.lineOf(scope.end);
      if (end > start)
        ranges.push_back({start, end, "region"});
    }
  }
  for (TextSpan block : doc.metadata)
    add(block, "region");
  // Every blob entry, so a long hex string can be folded away.
  for (const ResourceEntry &e : doc.entries)
    add(e.entrySpan, "region");
  // Inline literals written over several lines (a list, one row a line).
  // A fold hides whole lines: a literal on one line (every hex string, MLIR
  // strings have no newline) has nothing to fold.
  if (doc.index)
    for (uint32_t i : doc.textWeights) {
      const Weight &w = doc.index->weights[i];
      if (w.kind != WeightKind::Inline)
        continue;
      int start = doc.lineOf(w.attrOffset), end = doc.lineOf(w.offset + w.size);
      if (end > start)
        ranges.push_back({start, end, "region"});
    }
  std::sort(ranges.begin(), ranges.end(),
            [](const FoldingRange &a, const FoldingRange &b) {
              return std::tie(a.startLine, b.endLine) <
                     std::tie(b.startLine, a.endLine);
            });
  return ranges;
}

//===----------------------------------------------------------------------===//
// Inlay hints
//===----------------------------------------------------------------------===//

/// " · μ MEAN σ STD" when the statistics a hover shows of `w` are cached
/// (a hover computed them): an inlay hint never reads a blob, and picks them
/// up on workspace/inlayHint/refresh.
static std::string cachedStats(const ModelIndex &index, const Weight *w,
                               StatsCache &cache) {
  if (!w)
    return "";
  std::optional<BlobStats> stats;
  runGuarded([&] {
    auto view = WeightView::get(index, *w);
    if (!view) {
      llvm::consumeError(view.takeError());
      return;
    }
    stats = cache.find(index, *view, hoverStatsOptions());
  });
  if (!stats || !stats->finite)
    return "";
  char text[64];
  std::snprintf(text, sizeof(text), " · μ %.3g σ %.3g", stats->mean,
                stats->stddev);
  return text;
}

llvm::Expected<std::vector<lsp::InlayHint>>
MLIRScopeServer::getInlayHints(const lsp::URIForFile &uri, lsp::Range range) {
  auto docOr = impl->getDocument(uri);
  if (!docOr)
    return docOr.takeError();
  Document &doc = **docOr;
  std::vector<lsp::InlayHint> hints;
  for (const ResourceUse &u : doc.uses) {
    lsp::Position p = doc.positionOf(u.attrSpan.end);
    if (p < range.start || range.end < p)
      continue;
    lsp::InlayHint hint(lsp::InlayHintKind::Type, p);
    const Resource *r = doc.resourceFor(u.key, u.keySpan.begin);
    hint.label = resourceSummary(r);
    // An elided view's blob is in its source model, if a hover loaded it.
    const ModelIndex *index = doc.index.get();
    if (r && isElided(*r) && doc.source) {
      index = doc.source.get();
      r = index->findResource(u.key);
    }
    if (r && index && r->kind == ResourceKind::Blob)
      hint.label += cachedStats(
          *index, index->weightOfResource(r - index->resources.data()),
          *doc.stats);
    hint.paddingLeft = true;
    hints.push_back(std::move(hint));
  }
  if (!doc.index)
    return hints;
  // After each parameter reference and each inline literal of 1 KiB or
  // more (core's threshold for listing one; a hint on every `dense<0.0>`
  // would be noise), before its type, as after a dense_resource<key>.
  for (uint32_t i : doc.textWeights) {
    const Weight &w = doc.index->weights[i];
    if (w.kind == WeightKind::Inline && w.bytes() < kHintedInlineBytes)
      continue;
    int line = doc.lineOf(w.attrEnd);
    if (line < range.start.line || line > range.end.line)
      continue;
    uint64_t end = w.attrEnd;
    if (w.kind == WeightKind::Inline) {
      if (auto lit = parseElementsLiteral(doc.text, w.attrOffset))
        end = lit->end;
    } else {
      size_t length = 0;
      if (parseParameterReference(
              doc.text.slice(w.attrOffset, w.attrOffset + 4096), length))
        end = w.attrOffset + length;
    }
    lsp::Position p = doc.positionOf(end);
    if (p < range.start || range.end < p)
      continue;
    lsp::InlayHint hint(lsp::InlayHintKind::Type, p);
    hint.label = weightSummary(w) + cachedStats(*doc.index, &w, *doc.stats);
    hint.paddingLeft = true;
    hints.push_back(std::move(hint));
  }
  // In text order, blobs and weights together.
  llvm::stable_sort(hints,
                    [](const lsp::InlayHint &a, const lsp::InlayHint &b) {
                      return a.position < b.position;
                    });
  return hints;
}
