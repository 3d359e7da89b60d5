//===- LSPServer.h - The protocol layer of mlirscope-lsp --------*- C++ -*-===//
//
// Converts JSON-RPC messages to calls on MLIRScopeServer and back. The only
// part of mlirscope that speaks the protocol.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LSP_LSPSERVER_H
#define MLIRSCOPE_LSP_LSPSERVER_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/LogicalResult.h"

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

/// Runs the server over `transport` until `exit` or the end of input.
/// Succeeds when `shutdown` came before the end.
llvm::LogicalResult runLSPServer(MLIRScopeServer &server,
                                 llvm::lsp::JSONTransport &transport);

} // namespace lspserver
} // namespace mlirscope

#endif // MLIRSCOPE_LSP_LSPSERVER_H
