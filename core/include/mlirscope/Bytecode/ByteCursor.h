//===- ByteCursor.h - Bounds-checked reads of bytecode primitives -*- C++ -*-===//
//
// Every read of untrusted bytes goes through a ByteCursor: it never reads past
// its window, and the first failure records the absolute file offset and what
// was expected there. Reads return false on failure so call sites stay short.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BYTECODE_BYTECURSOR_H
#define MLIRSCOPE_BYTECODE_BYTECURSOR_H

#include "mlirscope/Support/ByteSource.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/ADT/Twine.h"

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

namespace mlirscope {

/// The first error seen while reading a file.
struct ReadFailure {
  std::optional<uint64_t> offset;
  std::string expected;

  bool failed() const { return offset.has_value(); }
  /// Records the error unless one is already recorded; always returns false.
  bool fail(uint64_t at, const llvm::Twine &what) {
    if (!offset) {
      offset = at;
      expected = what.str();
    }
    return false;
  }
};

/// A window [begin, end) of the file with a read position. Positions are
/// absolute file offsets (what error messages report) whether the bytes are
/// the whole file in memory or a span read from the source.
class ByteCursor {
public:
  /// A window of the file whose byte 0 is at `fileBase`.
  ByteCursor(const uint8_t *fileBase, uint64_t begin, uint64_t end,
             ReadFailure &failure)
      : base(reinterpret_cast<uintptr_t>(fileBase)), pos(begin), start(begin),
        limit(end), err(&failure) {}
  /// A window of the file whose byte `dataBegin` is at `data` (a span read
  /// from the source); [begin, end) must lie within the span.
  static ByteCursor within(const uint8_t *data, uint64_t dataBegin,
                           uint64_t begin, uint64_t end,
                           ReadFailure &failure) {
    ByteCursor c(nullptr, begin, end, failure);
    // Integer arithmetic: the origin of a span far into the file lies
    // before the span, where pointer arithmetic would be undefined.
    c.base = reinterpret_cast<uintptr_t>(data) - dataBegin;
    return c;
  }

  /// Names the window in messages ("section" or "file").
  void setWindowName(const char *name) { windowName = name; }

  uint64_t offset() const { return pos; }
  uint64_t begin() const { return start; }
  uint64_t end() const { return limit; }
  uint64_t remaining() const { return limit - pos; }
  bool empty() const { return pos == limit; }
  const uint8_t *ptr() const { return at(pos); }
  ReadFailure &failure() const { return *err; }

  bool fail(const llvm::Twine &what) const { return err->fail(pos, what); }

  bool readByte(uint8_t &out, const char *what = "a byte") {
    if (pos >= limit)
      return fail(llvm::Twine(what) + " before the end of the " + windowName);
    out = *at(pos++);
    return true;
  }

  /// MLIR's prefix varint: the number of trailing zeros of the first byte is
  /// the number of extra bytes; a zero first byte means 8 extra bytes.
  /// Indexing is mostly varints, so the common cases stay inline and branch
  /// little: one-byte values, and any value with 8 bytes of window left
  /// (one unaligned load and a shift); the failure text is built out of line.
  bool readVarInt(uint64_t &out, const char *what = "a varint") {
    if (__builtin_expect(pos >= limit, 0)) {
      failVarIntAtEnd(what);
      return false;
    }
    uint8_t first = *at(pos);
    if (__builtin_expect(first & 1, 1)) {
      out = first >> 1;
      ++pos;
      return true;
    }
    unsigned extra = first == 0 ? 8 : __builtin_ctz(first);
    if (__builtin_expect(limit - pos < extra + 1, 0)) {
      failVarIntPastEnd(what, extra);
      return false;
    }
    uint64_t v = 0;
    if (first == 0) {
      std::memcpy(&v, at(pos + 1), 8); // little-endian hosts only
    } else if (limit - pos >= 8) {
      std::memcpy(&v, at(pos), 8);
      // Bytes 0..extra hold the value (extra <= 7); the rest is cut off.
      v = (v & (~uint64_t(0) >> (8 * (7 - extra)))) >> (extra + 1);
    } else {
      std::memcpy(&v, at(pos), extra + 1);
      v >>= extra + 1;
    }
    out = v;
    pos += extra + 1;
    return true;
  }

  bool readSignedVarInt(int64_t &out, const char *what = "a signed varint") {
    uint64_t v;
    if (!readVarInt(v, what))
      return false;
    out = static_cast<int64_t>((v >> 1) ^ (~(v & 1) + 1));
    return true;
  }

  bool readVarIntWithFlag(uint64_t &out, bool &flag,
                          const char *what = "a varint") {
    if (!readVarInt(out, what))
      return false;
    flag = out & 1;
    out >>= 1;
    return true;
  }

  bool skip(uint64_t n, const char *what = "bytes") {
    if (n > remaining())
      return fail(llvm::Twine(n) + " " + what + " but only " +
                  llvm::Twine(remaining()) + " remain in the section");
    pos += n;
    return true;
  }

  /// Reads a NUL-terminated string within the window.
  bool readCString(llvm::StringRef &out, const char *what = "a string") {
    const void *nul = std::memchr(at(pos), 0, remaining());
    if (!nul)
      return fail(llvm::Twine(what) + " terminated by NUL");
    const char *s = reinterpret_cast<const char *>(at(pos));
    size_t len = static_cast<const uint8_t *>(nul) - at(pos);
    out = llvm::StringRef(s, len);
    pos += len + 1;
    return true;
  }

  /// Skips alignment padding (0xCB bytes) up to a multiple of `alignment`
  /// measured from the start of the file.
  bool alignTo(uint64_t alignment) {
    if (alignment == 0 || (alignment & (alignment - 1)))
      return fail("a power-of-two alignment, got " + llvm::Twine(alignment));
    if (alignment > (1ull << 32))
      return fail("an alignment of at most 4 GiB, got " +
                  llvm::Twine(alignment));
    while (pos % alignment) {
      if (pos >= limit)
        return fail("alignment padding before the end of the section");
      if (*at(pos) != 0xCB)
        return fail("alignment padding byte 0xCB");
      ++pos;
    }
    return true;
  }

  /// A sub-cursor over the next `n` bytes; advances this cursor past them.
  bool take(uint64_t n, ByteCursor &sub, const char *what = "section data") {
    if (n > remaining())
      return fail(llvm::Twine(what) + " of " + llvm::Twine(n) +
                  " bytes, but only " + llvm::Twine(remaining()) + " remain");
    sub = *this;
    sub.start = pos;
    sub.limit = pos + n;
    sub.windowName = "section";
    pos += n;
    return true;
  }

private:
  // Out of line, and void so the caller's `return false` stays visible to
  // the compiler (a bool from here left `out` "maybe uninitialized" to it).
  [[gnu::cold, gnu::noinline]] void failVarIntAtEnd(const char *what) const {
    fail(llvm::Twine(what) + " before the end of the " + windowName);
  }
  [[gnu::cold, gnu::noinline]] void failVarIntPastEnd(const char *what,
                                                      unsigned extra) const {
    err->fail(pos, llvm::Twine(what) + " (varint of " + llvm::Twine(extra + 1) +
                       " bytes runs past the end of the " + windowName + ")");
  }
  const uint8_t *at(uint64_t offset) const {
    return reinterpret_cast<const uint8_t *>(base + offset);
  }
  uintptr_t base; // the address of file offset 0 (maybe outside any span)
  uint64_t pos, start, limit;
  ReadFailure *err;
  const char *windowName = "section";
};

/// Bytes [begin, begin + size) of a source, read once as a span (a pointer
/// into a mapping, or bytes a remote source fetched) and addressed by file
/// offsets. Keeping the window keeps its bytes.
struct FileWindow {
  Span span;
  uint64_t begin = 0;

  FileWindow() = default;
  FileWindow(Span span, uint64_t begin) : span(std::move(span)), begin(begin) {}

  uint64_t end() const { return begin + span.size(); }
  bool covers(uint64_t from, uint64_t to) const {
    return from >= begin && to <= end();
  }
  /// The byte at file offset `offset` (within the window).
  const uint8_t *at(uint64_t offset) const {
    return span.begin() + (offset - begin);
  }
  /// A cursor over [from, to), which must lie within the window.
  ByteCursor cursor(uint64_t from, uint64_t to, ReadFailure &failure) const {
    return ByteCursor::within(span.begin(), begin, from, to, failure);
  }
};

} // namespace mlirscope

#endif // MLIRSCOPE_BYTECODE_BYTECURSOR_H
