//===- LSPServer.cpp - JSON-RPC <-> MLIRScopeServer -----------------------===//

#include "LSPServer.h"
#include "FaultGuard.h"
#include "Server.h"

#include "llvm/Support/Base64.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/LSP/Logging.h"
#include "llvm/Support/LSP/Protocol.h"
#include "llvm/Support/LSP/Transport.h"
#include "llvm/Support/MemoryBuffer.h"

#include <optional>

using namespace mlirscope;
using namespace mlirscope::lspserver;
using llvm::lsp::Callback;
using llvm::lsp::Logger;
using llvm::lsp::OutgoingNotification;
namespace lsp = llvm::lsp;

//===----------------------------------------------------------------------===//
// Parameters of the requests Protocol.h does not have
//===----------------------------------------------------------------------===//

namespace {
/// `mlir/convertFromBytecode`, `mlir/convertToBytecode`: as in upstream's
/// vscode-mlir, plus `text` (the edited text; the open document's by default)
/// and `output` (a path to write instead of returning base64).
struct ConvertBytecodeParams {
  lsp::URIForFile uri;
  std::optional<std::string> text;
  std::optional<std::string> output;
};
bool fromJSON(const llvm::json::Value &value, ConvertBytecodeParams &result,
              llvm::json::Path path) {
  llvm::json::ObjectMapper o(value, path);
  return o && o.map("uri", result.uri) && o.mapOptional("text", result.text) &&
         o.mapOptional("output", result.output);
}

/// `mlirscope/openFile`.
struct OpenFileParams {
  std::string path;
};
bool fromJSON(const llvm::json::Value &value, OpenFileParams &result,
              llvm::json::Path path) {
  llvm::json::ObjectMapper o(value, path);
  return o && o.map("path", result.path);
}

/// `textDocument/foldingRange`.
struct FoldingRangeParams {
  lsp::TextDocumentIdentifier textDocument;
};
bool fromJSON(const llvm::json::Value &value, FoldingRangeParams &result,
              llvm::json::Path path) {
  llvm::json::ObjectMapper o(value, path);
  return o && o.map("textDocument", result.textDocument);
}

/// `$/progress` with a WorkDoneProgress value.
struct ProgressParams {
  std::string token;
  llvm::json::Object value;
};
llvm::json::Value toJSON(const ProgressParams &p) {
  return llvm::json::Object{{"token", p.token},
                            {"value", llvm::json::Object(p.value)}};
}

/// `window/workDoneProgress/create`.
struct CreateProgressParams {
  std::string token;
};
llvm::json::Value toJSON(const CreateProgressParams &p) {
  return llvm::json::Object{{"token", p.token}};
}

/// Parameters that are not looked at.
struct AnyParams {};
bool fromJSON(const llvm::json::Value &, AnyParams &, llvm::json::Path) {
  return true;
}

//===----------------------------------------------------------------------===//
// LSPServer
//===----------------------------------------------------------------------===//

struct LSPServer {
  LSPServer(MLIRScopeServer &server) : server(server) {}

  void onInitialize(const lsp::InitializeParams &params,
                    Callback<llvm::json::Value> reply);
  void onInitialized(const lsp::InitializedParams &) {}
  void onShutdown(const lsp::NoParams &, Callback<std::nullptr_t> reply) {
    shutdownRequestReceived = true;
    reply(nullptr);
  }

  void onDocumentDidOpen(const lsp::DidOpenTextDocumentParams &params);
  void onDocumentDidClose(const lsp::DidCloseTextDocumentParams &params);
  void onDocumentDidChange(const lsp::DidChangeTextDocumentParams &params);

  void onHover(const lsp::TextDocumentPositionParams &params,
               Callback<std::optional<lsp::Hover>> reply);
  void onGoToDefinition(const lsp::TextDocumentPositionParams &params,
                        Callback<std::vector<lsp::Location>> reply) {
    reply(server.findDefinition(params.textDocument.uri, params.position));
  }
  void onReference(const lsp::ReferenceParams &params,
                   Callback<std::vector<lsp::Location>> reply) {
    reply(server.findReferences(params.textDocument.uri, params.position,
                                params.context.includeDeclaration));
  }
  void onDocumentSymbol(const lsp::DocumentSymbolParams &params,
                        Callback<std::vector<lsp::DocumentSymbol>> reply) {
    reply(server.findDocumentSymbols(params.textDocument.uri));
  }
  void onFoldingRange(const FoldingRangeParams &params,
                      Callback<std::vector<FoldingRange>> reply) {
    reply(server.getFoldingRanges(params.textDocument.uri));
  }
  void onInlayHint(const lsp::InlayHintsParams &params,
                   Callback<std::vector<lsp::InlayHint>> reply) {
    reply(server.getInlayHints(params.textDocument.uri, params.range));
  }
  void onCompletion(const lsp::CompletionParams &params,
                    Callback<lsp::CompletionList> reply) {
    reply(server.getCompletion(params.textDocument.uri, params.position));
  }

  void onConvertFromBytecode(const ConvertBytecodeParams &params,
                             Callback<llvm::json::Value> reply);
  void onConvertToBytecode(const ConvertBytecodeParams &params,
                           Callback<llvm::json::Value> reply);
  void onOpenFile(const OpenFileParams &params,
                  Callback<llvm::json::Value> reply);

  void onParseError(const AnyParams &, Callback<llvm::json::Value> reply) {
    reply(llvm::make_error<lsp::LSPError>("invalid JSON",
                                          lsp::ErrorCode::ParseError));
  }
  void onInvalidRequest(const AnyParams &, Callback<llvm::json::Value> reply) {
    reply(llvm::make_error<lsp::LSPError>("not a JSON-RPC 2.0 message",
                                          lsp::ErrorCode::InvalidRequest));
  }

  MLIRScopeServer &server;
  OutgoingNotification<lsp::PublishDiagnosticsParams> publishDiagnostics;
  OutgoingNotification<ProgressParams> sendProgress;
  lsp::OutgoingRequest<CreateProgressParams> createProgress;
  bool workDoneProgress = false;
  unsigned nextProgressToken = 0;
  bool shutdownRequestReceived = false;
};
} // namespace

void LSPServer::onInitialize(const lsp::InitializeParams &params,
                             Callback<llvm::json::Value> reply) {
  workDoneProgress = params.capabilities.workDoneProgress;
  llvm::json::Object caps{
      {"textDocumentSync",
       llvm::json::Object{
           {"openClose", true},
           {"change", (int)lsp::TextDocumentSyncKind::Full},
           {"save", true},
       }},
      {"hoverProvider", true},
      {"definitionProvider", true},
      {"referencesProvider", true},
      {"documentSymbolProvider", true},
      {"foldingRangeProvider", true},
      {"inlayHintProvider", true},
      {"completionProvider", llvm::json::Object{{"resolveProvider", false},
                                                {"triggerCharacters", {"."}}}},
  };
  reply(llvm::json::Object{
      {"serverInfo",
       llvm::json::Object{{"name", "mlirscope-lsp"}, {"version", "0.1.0"}}},
      {"capabilities", std::move(caps)}});
}

static std::optional<std::string> parkedText;

void lspserver::parkDocumentText(std::string text) {
  parkedText = std::move(text);
}

std::optional<std::string> lspserver::takeParkedDocumentText() {
  std::optional<std::string> text = std::move(parkedText);
  parkedText.reset();
  return text;
}

void LSPServer::onDocumentDidOpen(
    const lsp::DidOpenTextDocumentParams &params) {
  lsp::PublishDiagnosticsParams diags(params.textDocument.uri,
                                      params.textDocument.version);
  std::optional<std::string> parked = takeParkedDocumentText();
  server.addOrUpdateDocument(params.textDocument.uri,
                             parked ? *parked : params.textDocument.text,
                             params.textDocument.version, diags.diagnostics);
  publishDiagnostics(diags);
}

void LSPServer::onDocumentDidClose(
    const lsp::DidCloseTextDocumentParams &params) {
  std::optional<int64_t> version =
      server.removeDocument(params.textDocument.uri);
  if (!version)
    return;
  // Clear what the client shows for the document.
  publishDiagnostics(
      lsp::PublishDiagnosticsParams(params.textDocument.uri, *version));
}

void LSPServer::onDocumentDidChange(
    const lsp::DidChangeTextDocumentParams &params) {
  // A large full text was parked by the input side (see parkDocumentText).
  std::optional<std::string> text = takeParkedDocumentText();
  bool parked = bool(text);
  if (!parked)
    text = server.getDocumentText(params.textDocument.uri);
  if (!text) {
    Logger::error("didChange for a document that is not open: {0}",
                  params.textDocument.uri.uri());
    return;
  }
  // Full sync is what we ask for; apply ranged changes anyway.
  if (!parked && failed(lsp::TextDocumentContentChangeEvent::applyTo(
                     params.contentChanges, *text))) {
    Logger::error("could not apply the changes to {0}",
                  params.textDocument.uri.uri());
    return;
  }
  lsp::PublishDiagnosticsParams diags(params.textDocument.uri,
                                      params.textDocument.version);
  server.addOrUpdateDocument(params.textDocument.uri, *text,
                             params.textDocument.version, diags.diagnostics);
  publishDiagnostics(diags);
}

void LSPServer::onHover(const lsp::TextDocumentPositionParams &params,
                        Callback<std::optional<lsp::Hover>> reply) {
  std::string token;
  bool ended = false;
  ProgressCallback progress;
  if (workDoneProgress)
    progress = [&](llvm::StringRef title, uint64_t done, uint64_t total) {
      if (ended)
        return;
      if (token.empty()) {
        token = "mlirscope-stats-" + std::to_string(nextProgressToken++);
        createProgress(CreateProgressParams{token}, token);
        sendProgress({token, llvm::json::Object{{"kind", "begin"},
                                                {"title", title.str()},
                                                {"percentage", 0}}});
        return;
      }
      if (done >= total) {
        ended = true;
        sendProgress({token, llvm::json::Object{{"kind", "end"}}});
        return;
      }
      sendProgress({token, llvm::json::Object{
                               {"kind", "report"},
                               {"percentage",
                                int64_t(total ? done * 100 / total : 0)}}});
    };
  reply(server.findHover(params.textDocument.uri, params.position, progress));
}

//===----------------------------------------------------------------------===//
// Bytecode
//===----------------------------------------------------------------------===//

/// Runs `fn` under the SIGBUS guard (FaultGuard.h): a model file that shrinks
/// while it is read yields an error instead of the end of the server.
template <typename T>
static llvm::Expected<T> guarded(llvm::StringRef path,
                                 llvm::function_ref<llvm::Expected<T>()> fn) {
  std::optional<llvm::Expected<T>> result;
  if (runGuarded([&] { result.emplace(fn()); })) {
    if (!*result)
      llvm::consumeError(result->takeError());
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        (path + ": changed on disk while it was read; reopen it").str());
  }
  return std::move(*result);
}

static llvm::Expected<std::string> guardedElidedView(MLIRScopeServer &server,
                                                     llvm::StringRef path) {
  return guarded<std::string>(path, [&] { return server.elidedView(path); });
}

/// convertToBytecode under the guard; a fault also removes `out`, whose
/// blobs may then hold zeros.
static llvm::Error guardedConvert(MLIRScopeServer &server,
                                  llvm::StringRef source, llvm::StringRef text,
                                  llvm::StringRef out) {
  std::optional<llvm::Error> result;
  if (runGuarded([&] {
        result.emplace(server.convertToBytecode(source, text, out));
      })) {
    llvm::consumeError(std::move(*result));
    llvm::sys::fs::remove(out);
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        (source + ": changed on disk while it was read; reopen it").str());
  }
  return std::move(*result);
}

void LSPServer::onConvertFromBytecode(const ConvertBytecodeParams &params,
                                      Callback<llvm::json::Value> reply) {
  auto text = guardedElidedView(server, params.uri.file());
  if (!text)
    return reply(llvm::make_error<lsp::LSPError>(
        llvm::toString(text.takeError()), lsp::ErrorCode::RequestFailed));
  reply(llvm::json::Object{{"output", std::move(*text)}});
}

void LSPServer::onConvertToBytecode(const ConvertBytecodeParams &params,
                                    Callback<llvm::json::Value> reply) {
  std::string text;
  if (params.text)
    text = *params.text;
  else if (auto open = server.getDocumentText(params.uri))
    text = *open;
  else
    return reply(llvm::make_error<lsp::LSPError>(
        "no text given and the document is not open: " + params.uri.uri().str(),
        lsp::ErrorCode::InvalidParams));
  auto fail = [&](llvm::Error e) {
    reply(llvm::make_error<lsp::LSPError>(llvm::toString(std::move(e)),
                                          lsp::ErrorCode::RequestFailed));
  };
  if (params.output) {
    if (auto e =
            guardedConvert(server, params.uri.file(), text, *params.output))
      return fail(std::move(e));
    uint64_t size = 0;
    llvm::sys::fs::file_size(*params.output, size);
    return reply(
        llvm::json::Object{{"path", *params.output}, {"bytes", int64_t(size)}});
  }
  // As upstream: the bytecode, base64-encoded.
  llvm::SmallString<128> tmp;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("mlirscope-lsp", "mlirbc", tmp))
    return fail(llvm::createStringError(ec, "cannot create a temporary file"));
  llvm::Error e = guardedConvert(server, params.uri.file(), text, tmp);
  auto buffer = llvm::MemoryBuffer::getFile(tmp, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  llvm::sys::fs::remove(tmp);
  if (e)
    return fail(std::move(e));
  if (!buffer)
    return fail(llvm::createStringError(buffer.getError(), "cannot read %s",
                                        tmp.c_str()));
  reply(llvm::json::Object{
      {"output", llvm::encodeBase64((*buffer)->getBuffer())}});
}

void LSPServer::onOpenFile(const OpenFileParams &params,
                           Callback<llvm::json::Value> reply) {
  auto text = guardedElidedView(server, params.path);
  if (!text)
    return reply(llvm::make_error<lsp::LSPError>(
        llvm::toString(text.takeError()), lsp::ErrorCode::RequestFailed));
  reply(llvm::json::Object{{"output", std::move(*text)}});
}

//===----------------------------------------------------------------------===//
// Entry point
//===----------------------------------------------------------------------===//

llvm::LogicalResult lspserver::runLSPServer(MLIRScopeServer &server,
                                            lsp::JSONTransport &transport) {
  LSPServer s(server);
  lsp::MessageHandler handler(transport);

  handler.method("initialize", &s, &LSPServer::onInitialize);
  handler.notification("initialized", &s, &LSPServer::onInitialized);
  handler.method("shutdown", &s, &LSPServer::onShutdown);

  handler.notification("textDocument/didOpen", &s,
                       &LSPServer::onDocumentDidOpen);
  handler.notification("textDocument/didClose", &s,
                       &LSPServer::onDocumentDidClose);
  handler.notification("textDocument/didChange", &s,
                       &LSPServer::onDocumentDidChange);

  handler.method("textDocument/hover", &s, &LSPServer::onHover);
  handler.method("textDocument/definition", &s, &LSPServer::onGoToDefinition);
  handler.method("textDocument/references", &s, &LSPServer::onReference);
  handler.method("textDocument/documentSymbol", &s,
                 &LSPServer::onDocumentSymbol);
  handler.method("textDocument/foldingRange", &s, &LSPServer::onFoldingRange);
  handler.method("textDocument/inlayHint", &s, &LSPServer::onInlayHint);
  handler.method("textDocument/completion", &s, &LSPServer::onCompletion);

  handler.method("mlir/convertFromBytecode", &s,
                 &LSPServer::onConvertFromBytecode);
  handler.method("mlir/convertToBytecode", &s, &LSPServer::onConvertToBytecode);
  handler.method("mlirscope/openFile", &s, &LSPServer::onOpenFile);

  // Replies to input that was not JSON-RPC (made up by the input filter).
  handler.method(kParseErrorMethod, &s, &LSPServer::onParseError);
  handler.method(kInvalidRequestMethod, &s, &LSPServer::onInvalidRequest);

  s.publishDiagnostics =
      handler.outgoingNotification<lsp::PublishDiagnosticsParams>(
          "textDocument/publishDiagnostics");
  s.sendProgress = handler.outgoingNotification<ProgressParams>("$/progress");
  s.createProgress =
      handler.outgoingRequest<CreateProgressParams, std::nullptr_t>(
          "window/workDoneProgress/create",
          [](llvm::json::Value, llvm::Expected<std::nullptr_t> r) {
            if (!r)
              llvm::consumeError(r.takeError());
          });

  if (llvm::Error error = transport.run(handler)) {
    Logger::error("Transport error: {0}", error);
    llvm::consumeError(std::move(error));
    return llvm::failure();
  }
  return llvm::success(s.shutdownRequestReceived);
}
