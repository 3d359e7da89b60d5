//===- TextBuffer.cpp - An open document's text, edited in place ----------===//

#include "TextBuffer.h"

#include "mlirscope/Support/FormatError.h"
#include "mlirscope/Support/SystemError.h"

#include <algorithm>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>

using namespace mlirscope;
using namespace mlirscope::lspserver;

/// Room kept before and past the text: typing into a document never remaps
/// it, and a paste of a few KiB neither. A 64th of the text (a few pages per
/// MB) is what grows with it.
static uint64_t slackFor(uint64_t bytes) {
  return std::max<uint64_t>(64 << 10, bytes / 64);
}

static uint64_t pageRound(uint64_t bytes) {
  uint64_t page = sysconf(_SC_PAGESIZE);
  return (bytes + page - 1) / page * page;
}

std::unique_ptr<TextBuffer> TextBuffer::copyOf(llvm::StringRef name,
                                               llvm::StringRef text) {
  std::unique_ptr<TextBuffer> buffer(new TextBuffer());
  buffer->name = name.str();
  uint64_t front = pageRound(slackFor(text.size()));
  if (llvm::Error e = buffer->reserve(front + text.size())) {
    llvm::consumeError(std::move(e));
    return nullptr;
  }
  buffer->front = front;
  buffer->base = buffer->map + front;
  if (!text.empty())
    std::memcpy(buffer->base, text.data(), text.size());
  buffer->length = text.size();
  return buffer;
}

std::unique_ptr<TextBuffer> TextBuffer::withRoom(llvm::StringRef name,
                                                 uint64_t bytes) {
  std::unique_ptr<TextBuffer> buffer(new TextBuffer());
  buffer->name = name.str();
  uint64_t front = pageRound(slackFor(bytes));
  if (llvm::Error e = buffer->reserve(front + bytes)) {
    llvm::consumeError(std::move(e));
    return nullptr;
  }
  buffer->front = front;
  buffer->base = buffer->map + front;
  buffer->length = 0;
  return buffer;
}

void TextBuffer::keep(uint64_t offset, uint64_t n) {
  front += offset;
  base = map + front;
  length = n;
  // Whole pages past the text, written by the message's tail or left by
  // unescaping, are resident for nothing.
  uint64_t end = pageRound(front + n);
  if (end < mapSize)
    madvise(map + end, mapSize - end, MADV_DONTNEED);
}

TextBuffer::~TextBuffer() {
  if (map)
    munmap(map, mapSize);
}

llvm::Error TextBuffer::reserve(uint64_t bytes) {
  if (map && bytes <= mapSize)
    return llvm::Error::success();
  uint64_t want = pageRound(bytes + slackFor(bytes));
  void *p = map ? mremap(map, mapSize, want, MREMAP_MAYMOVE)
                : mmap(nullptr, want, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED)
    return systemError("cannot make room for " + std::to_string(bytes) +
                       " bytes of " + name);
  map = static_cast<uint8_t *>(p);
  mapSize = want;
  base = map + front;
  return llvm::Error::success();
}

llvm::Error TextBuffer::replace(uint64_t begin, uint64_t end,
                                llvm::StringRef with) {
  int64_t delta = int64_t(with.size()) - int64_t(end - begin);
  uint64_t newLength = length + delta;
  // The bytes before the edit move when they are fewer than those after.
  bool moveHead = begin < length - end;
  if (moveHead && delta > int64_t(front)) {
    // No room before the text: make some, moving it all once.
    uint64_t slack = pageRound(slackFor(newLength)) + delta;
    if (llvm::Error e = reserve(front + slack + length))
      return e;
    std::memmove(map + front + slack, base, length);
    front += slack;
    base = map + front;
  }
  if (moveHead) {
    if (delta && begin)
      std::memmove(base - delta, base, begin);
    front -= delta;
    base = map + front;
  } else {
    if (llvm::Error e = reserve(front + newLength))
      return e;
    if (delta && end != length)
      std::memmove(base + begin + with.size(), base + end, length - end);
  }
  if (!with.empty())
    std::memcpy(base + begin, with.data(), with.size());
  length = newLength;
  return llvm::Error::success();
}

llvm::Expected<Span> TextBuffer::read(uint64_t offset, uint64_t n) const {
  if (offset > length || n > length - offset)
    return makeFormatError(name, offset,
                           std::to_string(n) + " bytes within the text (" +
                               std::to_string(length) + " bytes)");
  return Span(llvm::ArrayRef<uint8_t>(base + offset, n));
}

size_t TextBuffer::readAt(uint64_t offset, uint8_t *out, size_t n) const {
  if (offset >= length)
    return 0;
  n = std::min<uint64_t>(n, length - offset);
  std::memcpy(out, base + offset, n);
  return n;
}
