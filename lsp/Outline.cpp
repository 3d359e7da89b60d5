//===- Outline.cpp - Symbols, folding, inlay hints, completion ------------===//

#include "Document.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include <set>

using namespace mlirscope;
using namespace mlirscope::lspserver;
namespace lsp = llvm::lsp;

//===----------------------------------------------------------------------===//
// Document symbols
//===----------------------------------------------------------------------===//

/// Adds the symbols of `op` and below to `out`. Ops without a symbol pass
/// their nested symbols up.
static void collectSymbols(Document &doc, mlir::Operation *op,
                           std::vector<lsp::DocumentSymbol> &out) {
  std::vector<lsp::DocumentSymbol> children;
  for (mlir::Region &region : op->getRegions())
    for (mlir::Block &block : region)
      for (mlir::Operation &nested : block)
        collectSymbols(doc, &nested, children);
  auto sym = op->getAttrOfType<mlir::StringAttr>(
      mlir::SymbolTable::getSymbolAttrName());
  const auto *def = doc.getOpDef(op);
  if (!sym || !def) {
    for (auto &c : children)
      out.push_back(std::move(c));
    return;
  }
  lsp::SymbolKind kind = lsp::SymbolKind::Variable;
  if (llvm::isa<mlir::FunctionOpInterface>(op))
    kind = lsp::SymbolKind::Function;
  else if (op->hasTrait<mlir::OpTrait::SymbolTable>())
    kind = lsp::SymbolKind::Module;
  TextSpan scope = doc.spanOf(def->scopeLoc);
  TextSpan selection = symbolNameSpan(doc, *def);
  lsp::DocumentSymbol s(sym.getValue(), kind, doc.rangeOf(scope),
                        doc.rangeOf(selection));
  s.detail = op->getName().getStringRef().str();
  s.children = std::move(children);
  out.push_back(std::move(s));
}

llvm::Expected<std::vector<lsp::DocumentSymbol>>
MLIRScopeServer::findDocumentSymbols(const lsp::URIForFile &uri) {
  auto docOr = impl->getDocument(uri);
  if (!docOr)
    return docOr.takeError();
  Document &doc = **docOr;
  std::vector<lsp::DocumentSymbol> symbols;
  for (const auto &chunk : doc.chunks)
    for (mlir::Operation &op : *chunk->ir)
      collectSymbols(doc, &op, symbols);
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
      TextSpan scope = doc.spanOf(def.scopeLoc);
      int start = doc.lineOf(scope.begin), end = doc.lineOf(scope.end);
      if (end > start)
        ranges.push_back({start, end, "region"});
    }
  }
  if (doc.metadata.begin != doc.metadata.end)
    add(doc.metadata, "region");
  // Every blob entry, so a long hex string can be folded away.
  for (const ResourceEntry &e : doc.entries)
    add(e.entrySpan, "region");
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
    hint.label = resourceSummary(doc.resourceFor(u.key));
    hint.paddingLeft = true;
    hints.push_back(std::move(hint));
  }
  return hints;
}

//===----------------------------------------------------------------------===//
// Completion
//===----------------------------------------------------------------------===//

llvm::Expected<lsp::CompletionList>
MLIRScopeServer::getCompletion(const lsp::URIForFile &uri, lsp::Position pos) {
  auto at = impl->getDocumentAt(uri, pos);
  if (!at)
    return at.takeError();
  Document &doc = *at->first;
  uint64_t begin = at->second;
  while (begin > 0 &&
         (llvm::isAlnum(doc.text[begin - 1]) || doc.text[begin - 1] == '_' ||
          doc.text[begin - 1] == '.'))
    --begin;
  llvm::StringRef prefix = llvm::StringRef(doc.text).slice(begin, at->second);
  if (begin > 0 && (doc.text[begin - 1] == '%' || doc.text[begin - 1] == '^' ||
                    doc.text[begin - 1] == '@' || doc.text[begin - 1] == '!' ||
                    doc.text[begin - 1] == '#'))
    return lsp::CompletionList();

  if (!impl->allDialectsLoaded) {
    impl->context.loadAllAvailableDialects();
    impl->allDialectsLoaded = true;
  }
  lsp::CompletionList list;
  std::set<std::string> dialects;
  for (mlir::Dialect *d : impl->context.getLoadedDialects())
    dialects.insert(d->getNamespace().str());
  if (!prefix.contains('.'))
    for (const std::string &d : dialects)
      if (llvm::StringRef(d).starts_with(prefix) && !d.empty()) {
        lsp::CompletionItem item(d, lsp::CompletionItemKind::Module);
        item.detail = "dialect";
        list.items.push_back(std::move(item));
      }
  if (prefix.contains('.') || !prefix.empty())
    for (mlir::RegisteredOperationName name :
         impl->context.getRegisteredOperations()) {
      llvm::StringRef n = name.getStringRef();
      if (!n.starts_with(prefix))
        continue;
      lsp::CompletionItem item(n, lsp::CompletionItemKind::Function);
      item.detail = (name.getDialectNamespace() + " operation").str();
      list.items.push_back(std::move(item));
    }
  std::sort(list.items.begin(), list.items.end(),
            [](const lsp::CompletionItem &a, const lsp::CompletionItem &b) {
              return a.label < b.label;
            });
  return list;
}
