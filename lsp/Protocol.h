//===- Protocol.h - mlirscope's additions to the LSP wire types -*- C++ -*-===//
//
// The params and results of the requests and notifications that
// llvm/Support/LSP/Protocol.h does not have: upstream's `mlir/*` bytecode
// requests, mlirscope's own (`mlirscope/*`, docs/lsp-extensions.md), and the
// few standard ones LLVM's types leave out or decode too little of
// (initializationOptions, configuration, folding ranges, progress,
// cancellation). Each comes with its fromJSON or toJSON.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LSP_PROTOCOL_H
#define MLIRSCOPE_LSP_PROTOCOL_H

#include "Server.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/LSP/Protocol.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlirscope {
namespace lspserver {

/// Methods of the requests the input side makes up for input that is not
/// JSON-RPC (invalid JSON, a message without "jsonrpc": "2.0"), so that it
/// gets an error reply instead of ending the session.
inline constexpr llvm::StringLiteral kParseErrorMethod =
    "$/mlirscope/parseError";
inline constexpr llvm::StringLiteral kInvalidRequestMethod =
    "$/mlirscope/invalidRequest";

/// `mlir/convertFromBytecode`, `mlir/convertToBytecode`: as in upstream's
/// vscode-mlir, plus `text` (the edited text; the open document's by default)
/// and `output` (a path to write instead of returning base64).
struct ConvertBytecodeParams {
  llvm::lsp::URIForFile uri;
  std::optional<std::string> text;
  std::optional<std::string> output;
};
bool fromJSON(const llvm::json::Value &value, ConvertBytecodeParams &result,
              llvm::json::Path path);

/// `mlirscope/openFile`: `uri`, the URI the client shows the model under
/// (default: the path's file: URI), is what fileStatus and mlirscope/summary
/// know it by.
struct OpenFileParams {
  std::string path;
  std::optional<llvm::lsp::URIForFile> uri;
};
bool fromJSON(const llvm::json::Value &value, OpenFileParams &result,
              llvm::json::Path path);

/// `initialize`, with mlirscope's `initializationOptions` (LLVM's
/// InitializeParams drops them).
struct InitializeWithOptions {
  llvm::lsp::InitializeParams base;
  std::optional<bool> hoverStatistics;
  /// Archives bound to parameter scopes: "[SCOPE=]FILE" each.
  std::optional<std::vector<std::string>> parameters;
  /// capabilities.workspace.inlayHint.refreshSupport
  bool inlayHintRefresh = false;
};
bool fromJSON(const llvm::json::Value &value, InitializeWithOptions &result,
              llvm::json::Path path);

/// `workspace/didChangeConfiguration`: `settings.mlirscope.*`.
struct ConfigurationParams {
  std::optional<bool> hoverStatistics;
  std::optional<std::vector<std::string>> parameters;
};
bool fromJSON(const llvm::json::Value &value, ConfigurationParams &result,
              llvm::json::Path path);

/// `mlirscope/statisticsReady`: the statistics of a weight a hover said
/// were being computed are ready (or failed); the next hover shows them.
struct StatisticsReadyParams {
  llvm::lsp::URIForFile uri;
  std::string name; ///< the weight's name (Weight.h)
};
llvm::json::Value toJSON(const StatisticsReadyParams &params);

/// `mlirscope/summary`.
struct SummaryParams {
  llvm::lsp::URIForFile uri;
  std::optional<int64_t> chunk;
};
bool fromJSON(const llvm::json::Value &value, SummaryParams &result,
              llvm::json::Path path);

/// `mlirscope/weights`.
struct WeightsParams {
  llvm::lsp::URIForFile uri;
  std::optional<std::string> kind;
  std::optional<int64_t> limit;
};
bool fromJSON(const llvm::json::Value &value, WeightsParams &result,
              llvm::json::Path path);

/// `mlirscope/tensorPreview` and `mlirscope/exportResource`.
struct BlobParams {
  llvm::lsp::URIForFile uri;
  std::string key;
  std::optional<int64_t> chunk, rowAxis, colAxis, maxCells, bins;
  std::optional<std::vector<int64_t>> fixed;
  std::optional<std::string> path, format;
  /// tensorPreview: answer at once, without reading the whole blob.
  std::optional<bool> quick;
  /// A string or a number, as the client chose.
  std::optional<llvm::json::Value> workDoneToken;
};
bool fromJSON(const llvm::json::Value &value, BlobParams &result,
              llvm::json::Path path);

/// `mlirscope/fileStatus`.
struct FileStatusParams {
  llvm::lsp::URIForFile uri;
  FileStatus status;
};
llvm::json::Value toJSON(const FileStatusParams &params);

/// `textDocument/foldingRange`.
struct FoldingRangeParams {
  llvm::lsp::TextDocumentIdentifier textDocument;
};
bool fromJSON(const llvm::json::Value &value, FoldingRangeParams &result,
              llvm::json::Path path);

/// `$/progress` with a WorkDoneProgress value.
struct ProgressParams {
  llvm::json::Value token = nullptr;
  llvm::json::Object value;
};
llvm::json::Value toJSON(const ProgressParams &params);

/// `window/workDoneProgress/create`.
struct CreateProgressParams {
  std::string token;
};
llvm::json::Value toJSON(const CreateProgressParams &params);

/// `window/workDoneProgress/cancel` (of a token the server created).
struct ProgressCancelParams {
  std::string token;
};
bool fromJSON(const llvm::json::Value &value, ProgressCancelParams &result,
              llvm::json::Path path);

/// `$/cancelRequest`.
struct CancelParams {
  llvm::json::Value id = nullptr;
};
bool fromJSON(const llvm::json::Value &value, CancelParams &result,
              llvm::json::Path path);

/// Parameters that are not looked at.
struct AnyParams {};
bool fromJSON(const llvm::json::Value &value, AnyParams &result,
              llvm::json::Path path);

} // namespace lspserver
} // namespace mlirscope

#endif // MLIRSCOPE_LSP_PROTOCOL_H
