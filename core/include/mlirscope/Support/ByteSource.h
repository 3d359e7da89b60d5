//===- ByteSource.h - Where a model's bytes come from -----------*- C++ -*-===//
//
// The seam between core and storage. Everything above Support reads a
// model's bytes through a ByteSource: the index keeps one, blob views,
// statistics, heatmaps, export and diff ask it for spans. The first
// implementation is a read-only mapping of a local file (MappedFile.h); a
// model over HTTP or S3, or an entry of an external parameter archive, is
// another implementation of the same few calls.
//
// The contract is spans, not bytes: a caller asks for [offset, offset + n)
// once and loops over the contiguous memory it gets, so a hot loop never
// pays a virtual call per element. A span stays valid while its `Span`
// lives (a mapping's span pins nothing; a cache's pins its blocks).
//
// Reads past the end fail with a FormatError-shaped message; a source that
// changes under a reader is the source's to notice (files: FaultGuard.h).
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_SUPPORT_BYTESOURCE_H
#define MLIRSCOPE_SUPPORT_BYTESOURCE_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

namespace mlirscope {

/// Contiguous bytes of a source, and whatever keeps them valid.
class Span {
public:
  Span() = default;
  Span(llvm::ArrayRef<uint8_t> bytes,
       std::shared_ptr<const void> keepAlive = {})
      : data(bytes), keepAlive(std::move(keepAlive)) {}
  const uint8_t *begin() const { return data.data(); }
  size_t size() const { return data.size(); }
  llvm::ArrayRef<uint8_t> bytes() const { return data; }

private:
  llvm::ArrayRef<uint8_t> data;
  std::shared_ptr<const void> keepAlive;
};

class ByteSource {
public:
  virtual ~ByteSource();
  ByteSource(const ByteSource &) = delete;
  ByteSource &operator=(const ByteSource &) = delete;

  /// What the user named: a path (or, for other sources, a URL). Every
  /// message about the source's bytes starts with it.
  const std::string &getName() const { return name; }
  uint64_t size() const { return length; }
  /// Identity when opened, to notice that someone changed the source since
  /// it was indexed: inode and modification time (ns) for files.
  uint64_t getInode() const { return inode; }
  int64_t getMTimeNs() const { return mtimeNs; }
  /// True for a copy held in memory with nothing behind it (fuzzing, tests,
  /// an editor's unsaved text): it cannot change and cannot be edited.
  virtual bool isHeapCopy() const { return false; }
  /// True for bytes fetched from a URL (or a copy of them in memory): they
  /// cannot be edited in place; editing means making a local copy first.
  virtual bool isRemote() const { return false; }

  /// Bytes [offset, offset + n) as one span. Fails past the end.
  virtual llvm::Expected<Span> read(uint64_t offset, uint64_t n) const = 0;
  /// Copies up to `n` bytes at `offset` into `out` and returns how many it
  /// got (fewer at the end, or on an error). For small reads scattered over
  /// a huge source, where a span would map (or fetch) more than it needs.
  virtual size_t readAt(uint64_t offset, uint8_t *out, size_t n) const = 0;
  /// Why the latest readAt that came back short failed, when the end of the
  /// source was not the reason (a transfer that failed), and clears it;
  /// success otherwise. Messages start with the name and give the offset.
  virtual llvm::Error takeReadError() const { return llvm::Error::success(); }

  /// Hints, no effect on results: a long pass is done with these bytes
  /// (drop them from memory), is about to read them scattered (start
  /// fetching), or is about to read them from end to end (fetch now, in one
  /// go).
  virtual void dropPages(uint64_t offset, uint64_t n) const {}
  virtual void prefetch(uint64_t offset, uint64_t n) const {}
  virtual void populate(uint64_t offset, uint64_t n) const {}
  /// prefetch() of many (offset, size) ranges at once, e.g. the few header
  /// bytes of every blob: a remote source fetches them together (ranges in
  /// flight at once, or one multi-range request), one round trip rather than
  /// one per range. Readers then read them with read()/readAt().
  virtual void
  prefetchRanges(llvm::ArrayRef<std::pair<uint64_t, uint64_t>> ranges) const {
    for (auto [offset, n] : ranges)
      prefetch(offset, n);
  }

  /// The whole source as memory when it is memory (a mapping, a heap copy),
  /// else null. Only the text indexer and text edits need it (a text model
  /// is one buffer); bytecode indexing and rewriting read spans of the IR
  /// sections and everything that reads weights goes through read()/readAt(),
  /// so other sources need nothing else. Readers use it to choose, never to
  /// read around the spans: a mapped read() is a pointer already.
  virtual const uint8_t *memory() const { return nullptr; }
  /// memory() as text (empty when it is null).
  llvm::StringRef text() const {
    const uint8_t *m = memory();
    return m ? llvm::StringRef(reinterpret_cast<const char *>(m), length)
             : llvm::StringRef();
  }
  /// An open descriptor of the file behind the source, for kernel copies
  /// (copy_file_range), or -1.
  virtual int fileDescriptor() const { return -1; }

protected:
  ByteSource() = default;
  std::string name;
  uint64_t length = 0;
  uint64_t inode = 0;
  int64_t mtimeNs = 0;
};

} // namespace mlirscope

#endif // MLIRSCOPE_SUPPORT_BYTESOURCE_H
