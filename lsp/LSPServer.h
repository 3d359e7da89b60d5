//===- LSPServer.h - The protocol layer of mlirscope-lsp --------*- C++ -*-===//
//
// Converts JSON-RPC messages to calls on MLIRScopeServer and back. The only
// part of mlirscope that speaks the protocol.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LSP_LSPSERVER_H
#define MLIRSCOPE_LSP_LSPSERVER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/LogicalResult.h"

#include <optional>
#include <string>

namespace llvm {
namespace lsp {
class JSONTransport;
} // namespace lsp
} // namespace llvm

namespace mlirscope {
namespace lspserver {
class MLIRScopeServer;

/// Methods of the requests the input side makes up for input that is not
/// JSON-RPC (invalid JSON, a message without "jsonrpc": "2.0"), so that it
/// gets an error reply instead of ending the session.
inline constexpr llvm::StringLiteral kParseErrorMethod =
    "$/mlirscope/parseError";
inline constexpr llvm::StringLiteral kInvalidRequestMethod =
    "$/mlirscope/invalidRequest";

/// Documents of many MB go around the JSON layer: the input side moves the
/// text of a `textDocument/didOpen` (or of a full-text `didChange`) larger
/// than kLargeTextBytes out of the message it has parsed, leaves "" in its
/// place, and parks it here; the handler of that same message (the next one
/// handled: messages are read and handled one at a time) takes it back. A
/// 512 MiB document then costs no second JSON parse, no JSON value and no
/// copy in the decoded params.
inline constexpr uint64_t kLargeTextBytes = 1 << 20;
void parkDocumentText(std::string text);
/// The parked text, if any (clearing it).
std::optional<std::string> takeParkedDocumentText();

/// The id of the message about to be handled, which the handler of a
/// request needs for `$/cancelRequest` and llvm::lsp::MessageHandler does not
/// pass on: the input side sets it for each message it reads (nullopt for a
/// notification), as it parks texts above.
void setCurrentRequestId(std::optional<llvm::json::Value> id);

struct LSPServerOptions {
  /// Delay from a didOpen/didChange to its parse, in milliseconds; a newer
  /// edit of the document within the delay supersedes the pending parse.
  /// 0 parses at once (in the worker task of the edit itself).
  unsigned debounceMs = 150;
  /// Handle each message completely (the worker idle again) before reading
  /// the next, so that replies come in input order (lit transcripts).
  bool sync = false;
  /// Whether `mlir/convertToBytecode` may write to the path its `output`
  /// names. The fuzz target turns it off: made-up messages must not write
  /// files anywhere.
  bool allowFileOutput = true;
};

/// Runs the server over `transport` until `exit` or the end of input.
/// Succeeds when `shutdown` came before the end. The calling thread only
/// reads messages; MLIRScopeServer runs on one worker thread (see README.md).
llvm::LogicalResult runLSPServer(MLIRScopeServer &server,
                                 llvm::lsp::JSONTransport &transport,
                                 const LSPServerOptions &options = {});

} // namespace lspserver
} // namespace mlirscope

#endif // MLIRSCOPE_LSP_LSPSERVER_H
