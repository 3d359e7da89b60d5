//===- CodeActions.cpp - Quick fixes for MLIR's diagnostics ---------------===//
//
// As upstream's mlir-lsp-server: each diagnostic from MLIR ("mlir" source,
// an error or a warning) gets the quick fix "Add expected-* diagnostic
// checks", which writes the `// expected-error @below {{...}}` line a
// `-verify-diagnostics` test wants above the diagnostic's line (and one
// `expected-note` per note in the same file).
//
//===----------------------------------------------------------------------===//

#include "Document.h"

using namespace mlirscope;
using namespace mlirscope::lspserver;
namespace lsp = llvm::lsp;

/// Adds the `// expected-KIND @below {{message}}` line for a diagnostic at
/// `pos`, indented as the text before `pos` on its line.
static void addExpectedCheck(const Document &doc, lsp::Position pos,
                             llvm::StringRef kind, llvm::StringRef message,
                             std::vector<lsp::TextEdit> &edits) {
  // MLIR prints the op with each diagnostic in the server; tests do not
  // check that note.
  if (message.starts_with("see current operation: "))
    return;
  if (pos.line < 0 || size_t(pos.line) >= doc.lineStarts.size())
    return;
  uint64_t lineStart = doc.lineStarts[pos.line];
  uint64_t end = lineStart;
  if (auto offset = doc.offsetOf(pos))
    end = *offset;
  else
    llvm::consumeError(offset.takeError());
  llvm::StringRef before = doc.text.slice(lineStart, end);
  size_t indent = before.find_first_not_of(' ');
  if (indent == llvm::StringRef::npos)
    indent = before.size();
  lsp::TextEdit edit;
  edit.range = lsp::Range(lsp::Position(pos.line, 0));
  edit.newText.append(indent, ' ');
  llvm::raw_string_ostream(edit.newText)
      << "// expected-" << kind << " @below {{" << message << "}}\n";
  edits.push_back(std::move(edit));
}

std::vector<lsp::CodeAction>
MLIRScopeServer::getCodeActions(const lsp::URIForFile &uri,
                                const lsp::CodeActionContext &context) {
  std::vector<lsp::CodeAction> actions;
  auto docOr = impl->getDocument(uri);
  if (!docOr) {
    // As upstream: no actions for a document that is not open.
    llvm::consumeError(docOr.takeError());
    return actions;
  }
  const Document &doc = **docOr;
  for (const lsp::Diagnostic &diag : context.diagnostics) {
    if (diag.source != "mlir")
      continue;
    llvm::StringRef kind;
    if (diag.severity == lsp::DiagnosticSeverity::Error)
      kind = "error";
    else if (diag.severity == lsp::DiagnosticSeverity::Warning)
      kind = "warning";
    else
      continue;
    std::vector<lsp::TextEdit> edits;
    addExpectedCheck(doc, diag.range.start, kind, diag.message, edits);
    if (diag.relatedInformation)
      for (const lsp::DiagnosticRelatedInformation &note :
           *diag.relatedInformation)
        if (note.location.uri == uri)
          addExpectedCheck(doc, note.location.range.start, "note", note.message,
                           edits);
    lsp::CodeAction action;
    action.title = "Add expected-* diagnostic checks";
    action.kind = lsp::CodeAction::kQuickFix.str();
    action.edit.emplace();
    action.edit->changes[uri.uri().str()] = std::move(edits);
    action.diagnostics = {diag};
    actions.push_back(std::move(action));
  }
  return actions;
}
