//===- LSPServer.h - The protocol layer of mlirscope-lsp --------*- C++ -*-===//
//
// Converts JSON-RPC messages to calls on MLIRScopeServer and back. The only
// part of mlirscope that speaks the protocol.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LSP_LSPSERVER_H
#define MLIRSCOPE_LSP_LSPSERVER_H

#include "llvm/Support/LogicalResult.h"

namespace llvm {
namespace lsp {
class JSONTransport;
} // namespace lsp
} // namespace llvm

namespace mlirscope {
namespace lspserver {
class MessageContext;
class MLIRScopeServer;

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
/// `context` is the one the transport's input (createMessageInput) fills.
llvm::LogicalResult runLSPServer(MLIRScopeServer &server,
                                 llvm::lsp::JSONTransport &transport,
                                 MessageContext &context,
                                 const LSPServerOptions &options = {});

} // namespace lspserver
} // namespace mlirscope

#endif // MLIRSCOPE_LSP_LSPSERVER_H
