//===- XRefs.cpp - Definitions and references -----------------------------===//
//
// Resources (a dense_resource<key> use <-> its entry in the metadata block),
// SSA values, block arguments, blocks and symbols (from MLIR's
// AsmParserState).
//
//===----------------------------------------------------------------------===//

#include "Document.h"

using namespace mlirscope;
using namespace mlirscope::lspserver;
namespace lsp = llvm::lsp;

namespace {
/// What the cursor is on: a definition and its uses.
struct Target {
  std::vector<TextSpan> definitions;
  std::vector<TextSpan> uses;
  bool found = false;
};
} // namespace

static Target findTarget(Document &doc, uint64_t offset) {
  Target t;
  // Resources.
  std::string key;
  bool onResource = false;
  for (const ResourceUse &u : doc.uses)
    if (u.attrSpan.contains(offset)) {
      key = u.key;
      onResource = true;
    }
  for (const ResourceEntry &e : doc.entries)
    if (e.keySpan.contains(offset)) {
      key = e.key;
      onResource = true;
    }
  if (onResource) {
    t.found = true;
    for (const ResourceEntry &e : doc.entries)
      if (e.key == key)
        t.definitions.push_back(e.keySpan);
    for (const ResourceUse &u : doc.uses)
      if (u.key == key)
        t.uses.push_back(u.keySpan);
    return t;
  }

  auto check = [&](const mlir::AsmParserState::SMDefinition &def) {
    bool hit = doc.spanOf(def.loc).contains(offset);
    for (llvm::SMRange use : def.uses)
      hit = hit || doc.spanOf(use).contains(offset);
    if (!hit)
      return false;
    t.found = true;
    t.definitions.push_back(doc.spanOf(def.loc));
    for (llvm::SMRange use : def.uses)
      t.uses.push_back(doc.spanOf(use));
    return true;
  };
  for (const auto &chunk : doc.chunks)
    for (const auto &op : chunk->asmState.getOpDefs()) {
      for (const auto &group : op.resultGroups)
        if (check(group.definition))
          return t;
      // Symbols: the op's name stands for its definition.
      bool hit = false;
      for (llvm::SMRange use : op.symbolUses)
        hit = hit || doc.spanOf(use).contains(offset);
      TextSpan name = symbolNameSpan(doc, op);
      if (hit || (!op.symbolUses.empty() && name.contains(offset))) {
        t.found = true;
        t.definitions.push_back(name);
        for (llvm::SMRange use : op.symbolUses) {
          TextSpan s = doc.spanOf(use);
          if (s.begin != name.begin)
            t.uses.push_back(s);
        }
        return t;
      }
    }
  for (const auto &chunk : doc.chunks)
    for (const auto &block : chunk->asmState.getBlockDefs()) {
      if (check(block.definition))
        return t;
      for (const auto &arg : block.arguments)
        if (check(arg))
          return t;
    }
  return t;
}

llvm::Expected<std::vector<lsp::Location>>
MLIRScopeServer::findDefinition(const lsp::URIForFile &uri, lsp::Position pos) {
  auto at = impl->getDocumentAt(uri, pos);
  if (!at)
    return at.takeError();
  Document &doc = *at->first;
  std::vector<lsp::Location> locations;
  for (TextSpan s : findTarget(doc, at->second).definitions)
    locations.emplace_back(uri, doc.rangeOf(s));
  return locations;
}

llvm::Expected<std::vector<lsp::Location>>
MLIRScopeServer::findReferences(const lsp::URIForFile &uri, lsp::Position pos,
                                bool includeDeclaration) {
  auto at = impl->getDocumentAt(uri, pos);
  if (!at)
    return at.takeError();
  Document &doc = *at->first;
  Target t = findTarget(doc, at->second);
  std::vector<lsp::Location> locations;
  if (includeDeclaration)
    for (TextSpan s : t.definitions)
      locations.emplace_back(uri, doc.rangeOf(s));
  for (TextSpan s : t.uses)
    locations.emplace_back(uri, doc.rangeOf(s));
  return locations;
}
