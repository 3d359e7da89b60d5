//===- Completion.cpp - Completion from MLIR's own parser -----------------===//
//
// As upstream's mlir-lsp-server: the chunk under the cursor is parsed again
// with a code completion context, and MLIR's parser says what may come at
// the cursor (dialect and op names, the default dialect's ops at the start
// of a statement, SSA values and blocks in scope, keywords, attribute and
// type names, aliases). The items are upstream's (labels, kinds, sort
// texts, details); each also carries a textEdit that replaces the word
// before the cursor (with its sigil when the item has one), so an editor
// that picks its own word boundaries inserts the item once.
//
//===----------------------------------------------------------------------===//

#include "Document.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/AsmParser/CodeComplete.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Parser/Parser.h"

using namespace mlirscope;
using namespace mlirscope::lspserver;
namespace lsp = llvm::lsp;

namespace {
/// Collects what MLIR's parser offers at the completion point.
class Completer : public mlir::AsmParserCodeCompleteContext {
public:
  Completer(llvm::SMLoc at, const char *bufferStart, mlir::MLIRContext &context,
            std::vector<lsp::CompletionItem> &items)
      : AsmParserCodeCompleteContext(at), bufferStart(bufferStart),
        context(context), items(items) {}

  void completeDialectName(llvm::StringRef prefix) final {
    for (llvm::StringRef name : context.getAvailableDialects()) {
      lsp::CompletionItem &item =
          add(prefix + name, lsp::CompletionItemKind::Module, "3");
      item.detail = "dialect";
    }
  }
  using AsmParserCodeCompleteContext::completeDialectName;

  void completeOperationName(llvm::StringRef dialectName) final {
    mlir::Dialect *dialect = context.getOrLoadDialect(dialectName);
    if (!dialect)
      return;
    for (mlir::RegisteredOperationName name :
         context.getRegisteredOperations()) {
      if (&name.getDialect() != dialect)
        continue;
      // `addf` after `arith.`: the label is what follows the dot.
      lsp::CompletionItem &item =
          add(name.getStringRef().drop_front(dialectName.size() + 1),
              lsp::CompletionItemKind::Field, "1");
      item.detail = "operation";
    }
  }

  void appendSSAValueCompletion(llvm::StringRef name, std::string type) final {
    lsp::CompletionItem &item = add(name, lsp::CompletionItemKind::Variable);
    if (justAfter('%'))
      item.insertText = name.drop_front().str();
    item.detail = std::move(type);
  }

  void appendBlockCompletion(llvm::StringRef name) final {
    lsp::CompletionItem &item = add(name, lsp::CompletionItemKind::Field);
    if (justAfter('^'))
      item.insertText = name.drop_front().str();
  }

  void completeExpectedTokens(llvm::ArrayRef<llvm::StringRef> tokens,
                              bool optional) final {
    for (llvm::StringRef token : tokens) {
      lsp::CompletionItem &item =
          add(token, lsp::CompletionItemKind::Keyword, "0");
      item.detail = optional ? "optional" : "";
    }
  }

  void
  completeAttribute(const llvm::StringMap<mlir::Attribute> &aliases) final {
    for (llvm::StringRef keyword :
         {"affine_set", "affine_map", "dense", "dense_resource", "false", "loc",
          "sparse", "true", "unit"})
      add(keyword, lsp::CompletionItemKind::Field, "1");
    completeDialectName("#");
    completeAliases(aliases, "#");
  }
  void completeDialectAttributeOrAlias(
      const llvm::StringMap<mlir::Attribute> &aliases) final {
    completeDialectName();
    completeAliases(aliases, "");
  }

  void completeType(const llvm::StringMap<mlir::Type> &aliases) final {
    for (llvm::StringRef keyword :
         {"memref", "tensor", "complex", "tuple", "vector", "bf16", "f16",
          "f32", "f64", "f80", "f128", "index", "none"})
      add(keyword, lsp::CompletionItemKind::Field, "1");
    for (llvm::StringRef integer : {"i", "si", "ui"}) {
      lsp::CompletionItem &item =
          add(integer + "<N>", lsp::CompletionItemKind::Field, "1");
      item.insertText = integer.str();
    }
    completeDialectName("!");
    completeAliases(aliases, "!");
  }
  void
  completeDialectTypeOrAlias(const llvm::StringMap<mlir::Type> &aliases) final {
    completeDialectName();
    completeAliases(aliases, "");
  }

private:
  lsp::CompletionItem &add(const llvm::Twine &label,
                           lsp::CompletionItemKind kind,
                           llvm::StringRef sortText = "") {
    items.emplace_back(label, kind, sortText);
    return items.back();
  }
  template <typename T>
  void completeAliases(const llvm::StringMap<T> &aliases,
                       llvm::StringRef prefix) {
    for (const auto &alias : aliases) {
      lsp::CompletionItem &item =
          add(prefix + alias.getKey(), lsp::CompletionItemKind::Field, "2");
      llvm::raw_string_ostream(item.detail) << "alias: " << alias.getValue();
    }
  }
  bool justAfter(char c) const {
    const char *at = getCodeCompleteLoc().getPointer();
    return at > bufferStart && at[-1] == c;
  }

  const char *bufferStart;
  mlir::MLIRContext &context;
  std::vector<lsp::CompletionItem> &items;
};
} // namespace

/// Characters of the word an item replaces (not `.`: after `arith.` the
/// items are op names without their dialect).
static bool isWordChar(char c) {
  return llvm::isAlnum(c) || c == '_' || c == '$' || c == '-';
}

llvm::Expected<lsp::CompletionList>
MLIRScopeServer::getCompletion(const lsp::URIForFile &uri, lsp::Position pos) {
  auto at = impl->getDocumentAt(uri, pos);
  if (!at)
    return at.takeError();
  Document &doc = *at->first;
  uint64_t offset = at->second;
  lsp::CompletionList list;
  Document::Chunk &chunk = doc.chunkAt(offset);
  if (chunk.tooDeep || offset < chunk.span.begin)
    return list;
  // The chunk's buffer ends where a metadata block that ends the chunk
  // begins. In the block (up to its `#-}`) there is nothing to complete;
  // after it, the parser would be where it is at the buffer's end (top
  // level).
  uint64_t bufferEnd =
      chunk.span.begin + (chunk.bufferEnd() - chunk.bufferStart());
  uint64_t where = offset;
  if (offset > bufferEnd) {
    for (TextSpan block : doc.metadata)
      if (block.begin <= offset && offset <= block.end)
        return list;
    where = bufferEnd;
  }

  // MLIR's parse in completion mode; its errors are not the document's.
  Completer completer(chunk.locOf(where), chunk.bufferStart(), *doc.context,
                      list.items);
  {
    mlir::ScopedDiagnosticHandler quiet(doc.context.get(),
                                        [](mlir::Diagnostic &) {});
    mlir::Block ir;
    mlir::AsmParserState state;
    mlir::ParserConfig config(doc.context.get(), /*verifyAfterParse=*/false);
    (void)mlir::parseAsmSourceFile(chunk.sourceMgr, &ir, config, &state,
                                   &completer);
  }

  // The word before the cursor, which each item replaces.
  uint64_t word = offset;
  while (word > 0 && isWordChar(doc.text[word - 1]))
    --word;
  for (lsp::CompletionItem &item : list.items) {
    uint64_t begin = word;
    std::string text = item.insertText.empty() ? item.label : item.insertText;
    // `%arg0` after `%`: the edit starts at the sigil and puts it back.
    if (begin > 0 && !item.label.empty() &&
        llvm::StringRef("%^#!").contains(item.label[0]) &&
        doc.text[begin - 1] == item.label[0]) {
      --begin;
      text = item.label;
    }
    item.textEdit = lsp::TextEdit{doc.rangeOf(TextSpan{begin, offset}), text};
  }
  return list;
}
