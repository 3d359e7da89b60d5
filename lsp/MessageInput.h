//===- MessageInput.h - Reading JSON-RPC messages that may be bad -*- C++ -*-===//
//
// The input side of the server's transport: frames messages (Content-Length
// headers, or `// -----` delimiters for lit transcripts) and turns anything
// that is not a JSON-RPC 2.0 message into a call the server answers with an
// error, so that no input ends the session. Kept apart from the tool's
// main() so the fuzz target of message framing + dispatch runs the same code
// over an in-memory stream (test/fuzz/LSPMessageFuzzer.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LSP_MESSAGEINPUT_H
#define MLIRSCOPE_LSP_MESSAGEINPUT_H

#include "llvm/Support/LSP/Transport.h"

#include <cstdio>
#include <memory>

namespace mlirscope {
namespace lspserver {

class MessageContext;

/// Reads messages from `in` (not owned) in the given style. What the
/// handlers need to know of each message beyond its params (its request id,
/// a large text cut out of it) goes to `context` (not owned), which must be
/// the one given to runLSPServer.
std::unique_ptr<llvm::lsp::JSONTransportInput>
createMessageInput(std::FILE *in, llvm::lsp::JSONStreamStyle style,
                   MessageContext &context);

} // namespace lspserver
} // namespace mlirscope

#endif // MLIRSCOPE_LSP_MESSAGEINPUT_H
