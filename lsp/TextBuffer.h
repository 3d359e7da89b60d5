//===- TextBuffer.h - An open document's text, edited in place --*- C++ -*-===//
//
// The one copy of a document's text the server keeps, as a ByteSource so
// that core's index reads the same bytes. An edit replaces a range in place:
// the shorter side of the text moves, the bytes before the edit (into slack
// kept before the text) or those after it, nothing else is copied. A model's
// IR comes before its gigabytes of hex, so a keystroke in the IR moves
// kilobytes, not the hex. The memory is an anonymous mapping with slack at
// both ends; it grows with mremap (the pages move, they are not copied),
// and the slack's pages stay unused until written, so the resident size is
// the text's.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LSP_TEXTBUFFER_H
#define MLIRSCOPE_LSP_TEXTBUFFER_H

#include "mlirscope/Support/ByteSource.h"

#include <memory>

namespace mlirscope {
namespace lspserver {

class TextBuffer : public ByteSource {
public:
  /// A buffer holding a copy of `text`, or null when the memory cannot be
  /// had.
  static std::unique_ptr<TextBuffer> copyOf(llvm::StringRef name,
                                            llvm::StringRef text);
  /// An empty buffer with room for `bytes` written at writable() (no page
  /// is used until written), or null when the memory cannot be had. The
  /// input side reads a large message straight into it, then keeps the
  /// document's text where it lies with keep(): the text is not copied.
  static std::unique_ptr<TextBuffer> withRoom(llvm::StringRef name,
                                              uint64_t bytes);
  uint8_t *writable() { return base; }
  /// The text is the `n` bytes at `offset` of what was written at
  /// writable(); the bytes around them go (the pages past the text are
  /// given back).
  void keep(uint64_t offset, uint64_t n);
  void setName(llvm::StringRef newName) { name = newName.str(); }
  ~TextBuffer() override;

  /// Replaces [begin, end) by `with` (begin <= end <= size()). Fails only
  /// when the buffer cannot grow; the text is then unchanged. Readers must
  /// take text() again: the memory may have moved.
  llvm::Error replace(uint64_t begin, uint64_t end, llvm::StringRef with);

  /// No file behind it (FaultGuard.h: nothing to stat again).
  bool isHeapCopy() const override { return true; }
  llvm::Expected<Span> read(uint64_t offset, uint64_t n) const override;
  size_t readAt(uint64_t offset, uint8_t *out, size_t n) const override;
  const uint8_t *memory() const override { return base; }

private:
  TextBuffer() = default;
  /// Makes the mapping at least `bytes` long.
  llvm::Error reserve(uint64_t bytes);
  /// The mapping, and the text at `front` bytes into it.
  uint8_t *map = nullptr, *base = nullptr;
  uint64_t mapSize = 0, front = 0;
};

} // namespace lspserver
} // namespace mlirscope

#endif // MLIRSCOPE_LSP_TEXTBUFFER_H
