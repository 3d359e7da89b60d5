//===- XRefs.cpp - Definitions and references -----------------------------===//
//
// Resources (a dense_resource<key> use <-> its entry in the metadata block),
// parameter references (-> the archive entry bound to them; <-> the other
// references to the same scope and key), then the IR from
// MLIR's AsmParserState, answered as upstream's mlir-lsp-server does: SSA
// values, op names (their results), symbols (the definition is the op), blocks,
// block arguments, attribute and type aliases.
//
//===----------------------------------------------------------------------===//

#include "Document.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/Operation.h"
#include "llvm/ADT/SetVector.h"

using namespace mlirscope;
using namespace mlirscope::lspserver;
namespace lsp = llvm::lsp;

namespace {
/// The resource the cursor is on: its entries and its uses.
struct Target {
  std::vector<TextSpan> definitions;
  std::vector<TextSpan> uses;
  bool found = false;
};
} // namespace

static Target findTarget(Document &doc, uint64_t offset) {
  Target t;
  std::string key;
  for (const ResourceUse &u : doc.uses)
    if (u.attrSpan.contains(offset)) {
      key = u.key;
      t.found = true;
    }
  for (const ResourceEntry &e : doc.entries)
    if (e.keySpan.contains(offset)) {
      key = e.key;
      t.found = true;
    }
  if (!t.found)
    return t;
  // In a split file a key means the entry of its own chunk (MLIR parses
  // each chunk alone; the file's first entry when its chunk has none, as
  // Document::resourceFor), and its uses are those of the chunk.
  bool entryInChunk = llvm::any_of(doc.entries, [&](const ResourceEntry &e) {
    return e.key == key && doc.sameChunk(e.keySpan.begin, offset);
  });
  for (const ResourceEntry &e : doc.entries)
    if (e.key == key &&
        (!entryInChunk || doc.sameChunk(e.keySpan.begin, offset)))
      t.definitions.push_back(e.keySpan);
  if (!entryInChunk && t.definitions.size() > 1)
    t.definitions.resize(1);
  for (const ResourceUse &u : doc.uses)
    if (u.key == key && doc.sameChunk(u.keySpan.begin, offset))
      t.uses.push_back(u.keySpan);
  return t;
}

/// Whether `loc` is in `range`, its end included (as upstream).
static bool contains(llvm::SMRange range, llvm::SMLoc loc) {
  return range.Start.getPointer() <= loc.getPointer() &&
         loc.getPointer() <= range.End.getPointer();
}

static bool isDefOrUse(const mlir::AsmParserState::SMDefinition &def,
                       llvm::SMLoc loc) {
  return contains(def.loc, loc) ||
         llvm::any_of(def.uses,
                      [&](llvm::SMRange use) { return contains(use, loc); });
}

namespace {
/// The IR under a position, as upstream's mlir-lsp-server sees it: the
/// chunk, the location in its buffer, and what to answer.
struct IRQuery {
  Document &doc;
  Document::Chunk &chunk;
  llvm::SMLoc loc;
  std::vector<lsp::Location> locations;

  void add(llvm::SMRange range) {
    locations.emplace_back(doc.uri, doc.rangeOf(chunk.spanOf(range)));
  }
  void addDefAndUses(const mlir::AsmParserState::SMDefinition &def) {
    add(def.loc);
    for (llvm::SMRange use : def.uses)
      add(use);
  }
  /// The places in other files an op's location names (a definition in
  /// the source the IR came from).
  void addForeignLocations(mlir::Location loc) {
    llvm::SetVector<mlir::Location> seen;
    loc->walk([&](mlir::Location nested) {
      auto fileLoc = llvm::dyn_cast<mlir::FileLineColLoc>(nested);
      if (!fileLoc || !seen.insert(nested))
        return mlir::WalkResult::advance();
      auto uri =
          lsp::URIForFile::fromFile(fileLoc.getFilename(), doc.uri.scheme());
      if (!uri) {
        llvm::consumeError(uri.takeError());
        return mlir::WalkResult::advance();
      }
      if (*uri != doc.uri)
        locations.emplace_back(
            *uri, lsp::Range(lsp::Position(
                      fileLoc.getLine() - 1,
                      fileLoc.getColumn() ? fileLoc.getColumn() - 1 : 0)));
      return mlir::WalkResult::advance();
    });
  }

  void definition();
  void references();
};
} // namespace

static std::optional<IRQuery> irQuery(Document &doc, uint64_t offset) {
  Document::Chunk &chunk = doc.chunkAt(offset);
  if (!chunk.ir ||
      offset > chunk.span.begin + (chunk.bufferEnd() - chunk.bufferStart()))
    return std::nullopt;
  return IRQuery{doc, chunk, chunk.locOf(offset), {}};
}

void IRQuery::definition() {
  const mlir::AsmParserState &state = chunk.asmState;
  for (const auto &op : state.getOpDefs()) {
    if (contains(op.loc, loc))
      return addForeignLocations(op.op->getLoc());
    for (const auto &group : op.resultGroups)
      if (isDefOrUse(group.definition, loc)) {
        add(group.definition.loc);
        return addForeignLocations(op.op->getLoc());
      }
    // A symbol's definition is its op (its name), as upstream.
    for (llvm::SMRange use : op.symbolUses)
      if (contains(use, loc)) {
        add(op.loc);
        return addForeignLocations(op.op->getLoc());
      }
  }
  auto check = [&](const mlir::AsmParserState::SMDefinition &def) {
    if (!isDefOrUse(def, loc))
      return false;
    add(def.loc);
    return true;
  };
  for (const auto &block : state.getBlockDefs()) {
    if (check(block.definition))
      return;
    for (const auto &arg : block.arguments)
      if (check(arg))
        return;
  }
  for (const auto &alias : state.getAttributeAliasDefs())
    if (check(alias.definition))
      return;
  for (const auto &alias : state.getTypeAliasDefs())
    if (check(alias.definition))
      return;
}

void IRQuery::references() {
  const mlir::AsmParserState &state = chunk.asmState;
  for (const auto &op : state.getOpDefs()) {
    // An op's name stands for its results.
    if (contains(op.loc, loc)) {
      for (const auto &group : op.resultGroups)
        addDefAndUses(group.definition);
      return;
    }
    for (const auto &group : op.resultGroups)
      if (isDefOrUse(group.definition, loc))
        return addDefAndUses(group.definition);
    if (llvm::any_of(op.symbolUses,
                     [&](llvm::SMRange use) { return contains(use, loc); })) {
      for (llvm::SMRange use : op.symbolUses)
        add(use);
      return;
    }
  }
  auto check = [&](const mlir::AsmParserState::SMDefinition &def) {
    if (!isDefOrUse(def, loc))
      return false;
    addDefAndUses(def);
    return true;
  };
  for (const auto &block : state.getBlockDefs()) {
    if (check(block.definition))
      return;
    for (const auto &arg : block.arguments)
      if (check(arg))
        return;
  }
  for (const auto &alias : state.getAttributeAliasDefs())
    if (check(alias.definition))
      return;
  for (const auto &alias : state.getTypeAliasDefs())
    if (check(alias.definition))
      return;
}

llvm::Expected<std::vector<lsp::Location>>
MLIRScopeServer::findDefinition(const lsp::URIForFile &uri, lsp::Position pos) {
  auto at = impl->getDocumentAt(uri, pos);
  if (!at)
    return at.takeError();
  Document &doc = *at->first;
  // A parameter reference: its entry in the archive bound to it.
  if (const Weight *w = doc.weightAt(at->second);
      w && w->kind == WeightKind::Parameter) {
    if (w->archive == kNone)
      return std::vector<lsp::Location>();
    return std::vector<lsp::Location>{
        archiveEntryLocation(doc.index->archives[w->archive], w->entry)};
  }
  Target t = findTarget(doc, at->second);
  if (t.found) {
    std::vector<lsp::Location> locations;
    for (TextSpan s : t.definitions)
      locations.emplace_back(uri, doc.rangeOf(s));
    return locations;
  }
  std::optional<IRQuery> query = irQuery(doc, at->second);
  if (!query)
    return std::vector<lsp::Location>();
  query->definition();
  return std::move(query->locations);
}

llvm::Expected<std::vector<lsp::Location>>
MLIRScopeServer::findReferences(const lsp::URIForFile &uri, lsp::Position pos,
                                bool includeDeclaration) {
  auto at = impl->getDocumentAt(uri, pos);
  if (!at)
    return at.takeError();
  Document &doc = *at->first;
  // A parameter reference: every reference to the same scope and key (and
  // its archive entry as the declaration).
  if (const Weight *w = doc.weightAt(at->second);
      w && w->kind == WeightKind::Parameter) {
    std::vector<lsp::Location> locations;
    if (includeDeclaration && w->archive != kNone)
      locations.push_back(
          archiveEntryLocation(doc.index->archives[w->archive], w->entry));
    for (uint32_t i : doc.textWeights) {
      const Weight &other = doc.index->weights[i];
      if (other.kind == WeightKind::Parameter && other.scope == w->scope &&
          other.key == w->key)
        locations.emplace_back(
            uri, doc.rangeOf(TextSpan{other.attrOffset, other.attrEnd}));
    }
    return locations;
  }
  Target t = findTarget(doc, at->second);
  if (t.found) {
    std::vector<lsp::Location> locations;
    if (includeDeclaration)
      for (TextSpan s : t.definitions)
        locations.emplace_back(uri, doc.rangeOf(s));
    for (TextSpan s : t.uses)
      locations.emplace_back(uri, doc.rangeOf(s));
    return locations;
  }
  // The IR: as upstream, the definition is always among the references.
  std::optional<IRQuery> query = irQuery(doc, at->second);
  if (!query)
    return std::vector<lsp::Location>();
  query->references();
  return std::move(query->locations);
}
