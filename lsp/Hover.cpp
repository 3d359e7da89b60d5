//===- Hover.cpp - Hover: blobs as summaries, ops, values, blocks ---------===//

#include "Document.h"
#include "mlirscope/FaultGuard.h"

#include "mlirscope/BlobView.h"
#include "mlirscope/Summary.h"

#include "mlir/IR/Operation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Value.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>

using namespace mlirscope;
using namespace mlirscope::lspserver;
namespace lsp = llvm::lsp;

static std::string sparkline(const std::vector<uint64_t> &bins) {
  static const char *bars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  uint64_t max = 0;
  for (uint64_t b : bins)
    max = std::max(max, b);
  std::string s;
  for (uint64_t b : bins)
    s += max == 0 ? bars[0] : bars[(b * 7 + max - 1) / max];
  return s;
}

static std::string fmtDouble(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

/// The markdown for one resource.
static std::string blobMarkdown(Document &doc, llvm::StringRef key,
                                const Resource *r,
                                const ProgressCallback &progress,
                                uint64_t kProgressBytes, bool recheckFiles,
                                std::atomic<bool> *cancel) {
  std::string md;
  llvm::raw_string_ostream os(md);
  os << "**dense_resource** `" << key << "`\n\n";
  // An elided view: the blob is in the model the view was made from.
  const ModelIndex *index = doc.index.get();
  if (r && isElided(*r))
    if (const ModelIndex *source = getSourceModel(doc))
      if (const Resource *original = source->findResource(key);
          original && original->kind == ResourceKind::Blob) {
        os << "- from: `" << source->file->getPath() << "`\n";
        index = source;
        r = original;
      }
  if (!r) {
    os << "No blob with this key in the file.\n";
    return md;
  }
  if (r->kind != ResourceKind::Blob) {
    os << "- group: `" << r->group << "`\n- value: `" << r->value << "`\n";
    return md;
  }
  os << "- group: `" << r->group << "`\n";
  if (r->type) {
    os << "- type: `" << r->type->text << "`\n";
    os << "- dtype: `"
       << (r->type->element.name.empty() ? "?" : r->type->element.name)
       << "`, shape: `" << r->type->shapeString() << "`";
    if (auto n = r->type->numElements())
      os << ", elements: " << *n;
    os << "\n";
  }
  os << "- bytes: " << r->size << " (" << humanBytes(r->size)
     << "), alignment: " << r->alignment << "\n";
  os << "- file offset: " << r->dataOffset << "\n";
  unsigned uses = 0;
  for (const ResourceUse &u : doc.uses)
    uses += u.key == key;
  os << "- uses in this file: " << uses << "\n";
  if (r->type)
    if (auto expected = expectedBlobSize(*r->type);
        expected && *expected != r->size)
      os << "\n**size mismatch:** the type needs " << *expected << " bytes\n";

  // A model on disk (an elided view's source) may have changed since it was
  // indexed: reading its mapping past a new end would raise SIGBUS.
  bool onDisk = index != doc.index.get();
  auto dropSource = [&](llvm::StringRef why) {
    os << "\n**" << why << "**\n";
    doc.source.reset();
    doc.sourceTried = false;
    doc.stats->clear();
  };
  if (onDisk && recheckFiles)
    if (llvm::Error e = checkUnchanged(*index->file)) {
      dropSource(llvm::toString(std::move(e)));
      return md;
    }

  std::optional<BlobView> view;
  std::string viewError;
  std::optional<BlobStats> stats;
  std::string statsError;
  StatsOptions options;
  options.bins = 8;
  options.firstValues = 8;
  options.cancel = cancel;
  bool withProgress = false;
  bool faulted = runGuarded([&] {
    auto v = BlobView::get(*index, *r);
    if (!v) {
      viewError = llvm::toString(v.takeError());
      return;
    }
    view.emplace(std::move(*v));
    withProgress = progress && view->sizeInBytes() > kProgressBytes;
    if (withProgress) {
      std::string title = ("statistics of " + key).str();
      options.progress = [&, title](uint64_t done, uint64_t total) {
        progress(title, done, total);
        return true;
      };
      progress(title, 0, view->sizeInBytes());
    }
    auto computed = doc.stats->get(*index, *view, options);
    if (computed)
      stats = std::move(*computed);
    else
      statsError = llvm::toString(computed.takeError());
    if (withProgress)
      progress("", view->sizeInBytes(), view->sizeInBytes());
  });
  if (faulted) {
    dropSource(index->file->getPath() +
               ": changed on disk while it was read; reopen it");
    return md;
  }
  if (!view) {
    os << "\n_no statistics: " << viewError << "_\n";
    return md;
  }
  if (!stats) {
    os << "\n_no statistics: " << statsError << "_\n";
    return md;
  }
  os << "\n| min | max | mean | std |\n|---|---|---|---|\n| "
     << fmtDouble(stats->min) << " | " << fmtDouble(stats->max) << " | "
     << fmtDouble(stats->mean) << " | " << fmtDouble(stats->stddev) << " |\n\n";
  os << "zeros: " << stats->zeros << ", NaN: " << stats->nans
     << ", +Inf: " << stats->posInfs << ", -Inf: " << stats->negInfs << "\n\n";
  if (!stats->first.empty()) {
    os << "first: `";
    llvm::interleave(stats->first, os, ", ");
    if (stats->count > stats->first.size())
      os << ", ...";
    os << "`\n\n";
  }
  if (!stats->histogram.empty()) {
    os << "histogram: `" << sparkline(stats->histogram) << "` (";
    llvm::interleave(stats->histogram, os, " ");
    os << ")\n";
  }
  return md;
}

static std::string opLocation(Document &doc, mlir::Operation *op) {
  if (const auto *def = doc.getOpDef(op)) {
    lsp::Position p = doc.positionOf(doc.offsetOf(def->loc.Start));
    return llvm::formatv("line {0}, column {1}", p.line + 1, p.character + 1);
  }
  return "?";
}

static std::string opMarkdown(Document &doc, mlir::Operation *op) {
  std::string md;
  llvm::raw_string_ostream os(md);
  os << "**op** `" << op->getName() << "`";
  if (!op->isRegistered())
    os << " (unregistered)";
  os << "\n\n";
  if (auto sym = op->getAttrOfType<mlir::StringAttr>(
          mlir::SymbolTable::getSymbolAttrName()))
    os << "- symbol: `@" << sym.getValue() << "`\n";
  os << "- location: " << opLocation(doc, op) << "\n";
  os << "- results: " << op->getNumResults()
     << ", operands: " << op->getNumOperands()
     << ", regions: " << op->getNumRegions()
     << ", successors: " << op->getNumSuccessors() << "\n";
  if (mlir::Operation *parent = op->getParentOp())
    os << "- parent: `" << parent->getName() << "`\n";
  return md;
}

static std::string valueMarkdown(Document &doc, mlir::Value value,
                                 llvm::StringRef name) {
  std::string md;
  llvm::raw_string_ostream os(md);
  os << "**value** `" << name << "` : `" << value.getType() << "`\n\n";
  if (auto result = llvm::dyn_cast<mlir::OpResult>(value)) {
    os << "- result #" << result.getResultNumber() << " of `"
       << result.getOwner()->getName() << "` ("
       << opLocation(doc, result.getOwner()) << ")\n";
  } else if (auto arg = llvm::dyn_cast<mlir::BlockArgument>(value)) {
    os << "- block argument #" << arg.getArgNumber();
    if (mlir::Operation *owner = arg.getOwner()->getParentOp())
      os << " of a block in `" << owner->getName() << "`";
    os << "\n";
  }
  unsigned uses = std::distance(value.use_begin(), value.use_end());
  os << "- uses: " << uses << "\n";
  return md;
}

static bool contains(Document &doc, llvm::SMRange range, uint64_t offset) {
  return doc.spanOf(range).contains(offset);
}

llvm::Expected<std::optional<lsp::Hover>>
MLIRScopeServer::findHover(const lsp::URIForFile &uri, lsp::Position pos,
                           const ProgressCallback &progress,
                           std::atomic<bool> *cancel) {
  auto at = impl->getDocumentAt(uri, pos);
  if (!at)
    return at.takeError();
  Document &doc = *at->first;
  uint64_t offset = at->second;

  // Resources: a dense_resource<key> use, or a key in the metadata block.
  for (const ResourceUse &u : doc.uses)
    if (u.attrSpan.contains(offset)) {
      lsp::Hover hover(doc.rangeOf(u.keySpan));
      hover.contents.value =
          blobMarkdown(doc, u.key, doc.resourceFor(u.key), progress,
                       impl->progressThreshold, impl->recheckFiles, cancel);
      return hover;
    }
  for (const ResourceEntry &e : doc.entries)
    if (e.keySpan.contains(offset)) {
      lsp::Hover hover(doc.rangeOf(e.keySpan));
      hover.contents.value =
          blobMarkdown(doc, e.key, &doc.index->resources[e.resource], progress,
                       impl->progressThreshold, impl->recheckFiles, cancel);
      return hover;
    }
  // The IR, as MLIR parsed it.
  for (const auto &chunk : doc.chunks)
    for (const auto &def : chunk->asmState.getOpDefs()) {
      if (contains(doc, def.loc, offset)) {
        lsp::Hover hover(doc.rangeOf(def.loc));
        hover.contents.value = opMarkdown(doc, def.op);
        return hover;
      }
      for (const auto &group : def.resultGroups) {
        auto text = [&](llvm::SMRange r) {
          return llvm::StringRef(r.Start.getPointer(),
                                 r.End.getPointer() - r.Start.getPointer());
        };
        auto valueHover = [&](llvm::SMRange r) -> lsp::Hover {
          lsp::Hover hover(doc.rangeOf(r));
          unsigned end = def.op->getNumResults();
          // The group's values end where the next group starts.
          for (const auto &other : def.resultGroups)
            if (other.startIndex > group.startIndex)
              end = std::min(end, other.startIndex);
          mlir::Value v = def.op->getResult(group.startIndex);
          std::string name = text(group.definition.loc).str();
          if (end - group.startIndex > 1) {
            // `%x:2` and `%x#1`: pick the result a use names.
            llvm::StringRef t = text(r);
            unsigned n = 0;
            size_t hash = t.find('#');
            if (hash != llvm::StringRef::npos &&
                !t.drop_front(hash + 1).getAsInteger(10, n) &&
                group.startIndex + n < end) {
              v = def.op->getResult(group.startIndex + n);
              name = t.str();
            }
          }
          hover.contents.value = valueMarkdown(doc, v, name);
          return hover;
        };
        if (contains(doc, group.definition.loc, offset))
          return valueHover(group.definition.loc);
        for (llvm::SMRange use : group.definition.uses)
          if (contains(doc, use, offset))
            return valueHover(use);
      }
      for (llvm::SMRange use : def.symbolUses)
        if (contains(doc, use, offset)) {
          lsp::Hover hover(doc.rangeOf(use));
          hover.contents.value = opMarkdown(doc, def.op);
          return hover;
        }
    }
  for (const auto &chunk : doc.chunks)
    for (const auto &block : chunk->asmState.getBlockDefs()) {
      for (unsigned i = 0; i < block.arguments.size(); ++i) {
        const auto &arg = block.arguments[i];
        auto argHover = [&](llvm::SMRange r) -> lsp::Hover {
          lsp::Hover hover(doc.rangeOf(r));
          std::string name(r.Start.getPointer(),
                           r.End.getPointer() - r.Start.getPointer());
          hover.contents.value =
              valueMarkdown(doc, block.block->getArgument(i), name);
          return hover;
        };
        if (i < block.block->getNumArguments()) {
          if (contains(doc, arg.loc, offset))
            return argHover(arg.loc);
          for (llvm::SMRange use : arg.uses)
            if (contains(doc, use, offset))
              return argHover(use);
        }
      }
      auto blockHover = [&](llvm::SMRange r) -> lsp::Hover {
        lsp::Hover hover(doc.rangeOf(r));
        std::string md;
        llvm::raw_string_ostream os(md);
        os << "**block** `"
           << llvm::StringRef(r.Start.getPointer(),
                              r.End.getPointer() - r.Start.getPointer())
           << "`\n\n- arguments: " << block.block->getNumArguments()
           << "\n- operations: " << block.block->getOperations().size() << "\n";
        hover.contents.value = md;
        return hover;
      };
      if (contains(doc, block.definition.loc, offset))
        return blockHover(block.definition.loc);
      for (llvm::SMRange use : block.definition.uses)
        if (contains(doc, use, offset))
          return blockHover(use);
    }
  return std::nullopt;
}
