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
class raw_ostream;
} // namespace llvm

namespace mlirscope {
namespace lspserver {
class MessageContext;
class MessageInput;
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
  /// Pretty-print the JSON written to the client (lit transcripts).
  bool prettyOutput = false;
};

/// Runs the server on the messages of `input` until `exit` or the end of
/// input, writing to `output` (through llvm::lsp::JSONTransport). Succeeds
/// when `shutdown` came before the end. The calling thread reads messages
/// and answers the requests cheaper than a hand-off; MLIRScopeServer runs
/// on one worker thread otherwise (see README.md). `context` is the one
/// `input` (createMessageInput) fills.
llvm::LogicalResult runLSPServer(MLIRScopeServer &server, MessageInput &input,
                                 llvm::raw_ostream &output,
                                 MessageContext &context,
                                 const LSPServerOptions &options = {});

} // namespace lspserver
} // namespace mlirscope

#endif // MLIRSCOPE_LSP_LSPSERVER_H
