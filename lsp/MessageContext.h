//===- MessageContext.h - What a handler learns from the input --*- C++ -*-===//
//
// llvm::lsp::MessageHandler gives a handler the decoded params and a reply
// callback, nothing else. Two things the input side (MessageInput.cpp) knows
// of the message it has just read reach the handlers (LSPServer.cpp) through
// this object instead: the request id, which `$/cancelRequest` names, and the
// text of a large document, cut out of the message before any JSON parse.
// The server's caller owns it and gives it to both. The input side and the
// handlers run on the same thread (dispatchMessages reads a message, then
// calls its handler, then reads the next), so it needs no lock.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LSP_MESSAGECONTEXT_H
#define MLIRSCOPE_LSP_MESSAGECONTEXT_H

#include "TextBuffer.h"

#include "llvm/Support/JSON.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace mlirscope {
namespace lspserver {

/// Documents of many MB go around the JSON layer: the input side moves the
/// text of a `textDocument/didOpen` (or of a full-text `didChange`) larger
/// than this out of the message, leaves "" in its place, and parks it in the
/// MessageContext; the handler of that same message takes it back. A 512 MiB
/// document then costs no second JSON parse, no JSON value and no copy in the
/// decoded params.
inline constexpr uint64_t kLargeTextBytes = 1 << 20;

class MessageContext {
public:
  /// A new message was read: nothing of the previous one applies to it.
  void beginMessage() {
    parkedText.reset();
    requestId.reset();
  }

  /// Parks the text of the message being read (see kLargeTextBytes), in the
  /// buffer the document will keep.
  void parkText(std::unique_ptr<TextBuffer> text) {
    parkedText = std::move(text);
  }
  /// The parked text, if any (clearing it).
  std::unique_ptr<TextBuffer> takeParkedText() { return std::move(parkedText); }

  /// The id of the message about to be handled, if it is a request.
  void setRequestId(std::optional<llvm::json::Value> id) {
    requestId = std::move(id);
  }
  const std::optional<llvm::json::Value> &getRequestId() const {
    return requestId;
  }

private:
  std::unique_ptr<TextBuffer> parkedText;
  std::optional<llvm::json::Value> requestId;
};

} // namespace lspserver
} // namespace mlirscope

#endif // MLIRSCOPE_LSP_MESSAGECONTEXT_H
