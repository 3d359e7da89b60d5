//===- MessageInput.h - Reading JSON-RPC messages that may be bad -*- C++ -*-===//
//
// The input side of the server's transport: frames messages (Content-Length
// headers, or `// -----` delimiters for lit transcripts), parses each one
// once, turns anything that is not a JSON-RPC 2.0 message into a call the
// server answers with an error, so that no input ends the session, and
// dispatches the parsed message to llvm::lsp::MessageHandler. It replaces
// JSONTransport::run, which takes the message as text and parses it again:
// on a small request that second parse cost as much as the answer. Kept
// apart from the tool's main() so the fuzz target of message framing +
// dispatch runs the same code over an in-memory stream
// (test/fuzz/LSPMessageFuzzer.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LSP_MESSAGEINPUT_H
#define MLIRSCOPE_LSP_MESSAGEINPUT_H

#include "llvm/Support/Error.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/LSP/Transport.h"

#include <cstdio>
#include <memory>

namespace mlirscope {
namespace lspserver {

class MessageContext;

/// A stream of JSON-RPC messages, each read and parsed once.
class MessageInput {
public:
  virtual ~MessageInput();
  virtual bool hasError() const = 0;
  virtual bool isEndOfInput() const = 0;
  /// Reads the next message into `message`: a JSON-RPC 2.0 object (input
  /// that is not one becomes a call of kParseErrorMethod or
  /// kInvalidRequestMethod). Fails at the end of input, on a read error and
  /// on a frame without a message (the next read goes on after it).
  virtual llvm::LogicalResult read(llvm::json::Value &message) = 0;
};

/// Reads messages from `in` (not owned) in the given style. What the
/// handlers need to know of each message beyond its params (its request id,
/// a large text cut out of it) goes to `context` (not owned), which must be
/// the one given to runLSPServer.
std::unique_ptr<MessageInput>
createMessageInput(std::FILE *in, llvm::lsp::JSONStreamStyle style,
                   MessageContext &context);

/// Reads `input` to its end, or to `exit`, and hands each message to
/// `handler` as JSONTransport::run does (calls to onCall, notifications to
/// onNotify, replies to onReply), without parsing it again. Fails with the
/// reason the input ended, as JSONTransport::run: an I/O error, or io_error
/// at the end of input; succeeds after `exit`.
llvm::Error dispatchMessages(MessageInput &input,
                             llvm::lsp::MessageHandler &handler);

} // namespace lspserver
} // namespace mlirscope

#endif // MLIRSCOPE_LSP_MESSAGEINPUT_H
