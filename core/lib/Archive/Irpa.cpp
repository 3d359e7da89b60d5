//===- Irpa.cpp - IREE parameter archives (.irpa) -------------------------===//
//
// The layout is IREE's runtime/src/iree/schemas/parameter_archive.h (packed,
// little-endian); what is accepted follows its parser
// (runtime/src/iree/io/formats/irpa/irpa_parser.c):
//
//   header   "IRPA", version 0.0, header_size 88, next_header_offset, flags,
//            entry_count, entry/metadata/storage segments {offset, length},
//            offsets relative to the header
//   entries  each 16-byte aligned: entry_size, type, flags, name and metadata
//            {offset, length} in the metadata segment, minimum_alignment, then
//            per type: splat {length, pattern[16], pattern_length}, data
//            {storage offset, length}, external {path, range}
//
// Headers may be chained (next_header_offset, relative to the header): each
// one's entries are read in turn. Skip entries are dropped, as IREE drops
// them; external entries (data in another file) cannot be shown and are
// left out with a warning, where IREE's parser refuses the archive.
//
//===----------------------------------------------------------------------===//

#include "ArchiveReader.h"

using namespace mlirscope;
using namespace mlirscope::archive;

namespace {

constexpr uint64_t kPrefixSize = 32;      // magic .. flags
constexpr uint64_t kHeaderV0Size = 88;    // prefix + count + 3 ranges
constexpr uint64_t kEntryHeaderSize = 60; // size, type, flags, 2 refs, align
constexpr uint64_t kSplatEntrySize = kEntryHeaderSize + 8 + 16 + 1;
constexpr uint64_t kDataEntrySize = kEntryHeaderSize + 16;
constexpr uint64_t kExternalEntrySize = kEntryHeaderSize + 16 + 16;
constexpr uint64_t kEntryAlignment = 16;

enum EntryType : uint32_t { Skip = 0, Splat = 1, Data = 2, External = 3 };

struct Range {
  uint64_t offset = 0, length = 0;
};

class IrpaReader {
public:
  explicit IrpaReader(ParameterArchive &archive)
      : archive(archive), in(*archive.file) {}

  llvm::Error read() {
    uint64_t at = 0;
    // Each next header lies after the one before (a positive offset), so the
    // chain ends within the file.
    while (true) {
      uint64_t next = 0;
      if (!readHeader(at, next))
        return in.takeError();
      if (next == 0)
        return llvm::Error::success();
      if (!fitsIn(at, next, in.fileSize()) ||
          !fitsIn(at + next, kPrefixSize, in.fileSize()))
        return makeFormatError(archive.file->getName(), at + 16,
                               "a next header offset inside the file, got " +
                                   llvm::Twine(next));
      at += next;
    }
  }

private:
  bool readRange(Range &r, const char *what) {
    return in.read(r.offset, what) && in.read(r.length, what);
  }

  /// A segment [base + r.offset, + r.length) inside the file.
  bool checkSegment(uint64_t at, const Range &r, const char *what) {
    if (r.length == 0)
      return true;
    if (!fitsIn(base, r.offset, in.fileSize()) ||
        !fitsIn(base + r.offset, r.length, in.fileSize()))
      return in.failAt(at, llvm::Twine(what) + " inside the file (offset " +
                               llvm::Twine(r.offset) + ", length " +
                               llvm::Twine(r.length) + " from the header at " +
                               llvm::Twine(base) + ")");
    return true;
  }

  /// Bytes `r` of the metadata segment (a name or a path).
  bool readMetadataString(uint64_t at, const Range &r, std::string &out,
                          const char *what) {
    out.clear();
    if (r.length == 0)
      return true;
    if (!fitsIn(r.offset, r.length, metadata.length))
      return in.failAt(
          at, llvm::Twine(what) + " inside the metadata segment (offset " +
                  llvm::Twine(r.offset) + ", length " + llvm::Twine(r.length) +
                  " of " + llvm::Twine(metadata.length) + ")");
    uint64_t back = in.offset();
    in.seek(base + metadata.offset + r.offset);
    bool ok = in.readBytes(r.length, out, what);
    in.seek(back);
    return ok;
  }

  bool readHeader(uint64_t at, uint64_t &next) {
    base = at;
    in.seek(at);
    uint32_t magic;
    uint16_t major, minor;
    uint64_t headerSize, flags;
    if (at % 16)
      return in.fail("a header aligned to 16 bytes");
    if (!in.read(magic, "the IRPA magic"))
      return false;
    if (magic != 0x41505249u) // "IRPA"
      return in.failAt(at, "the IRPA magic of a linked header");
    if (!in.read(major, "the major version") ||
        !in.read(minor, "the minor version") ||
        !in.read(headerSize, "the header size") ||
        !in.read(next, "the next header offset") ||
        !in.read(flags, "the header flags"))
      return false;
    if (major != 0 || minor != 0)
      return in.failAt(at + 4, "IRPA version 0.0 (the one IREE reads), got " +
                                   llvm::Twine(major) + "." +
                                   llvm::Twine(minor));
    if (headerSize != kHeaderV0Size)
      return in.failAt(at + 8, "a version 0 header of 88 bytes, got " +
                                   llvm::Twine(headerSize));
    uint64_t count;
    Range entrySegment, storage;
    if (!in.read(count, "the entry count") ||
        !readRange(entrySegment, "the entry segment") ||
        !readRange(metadata, "the metadata segment") ||
        !readRange(storage, "the storage segment"))
      return false;
    if (!checkSegment(at + 48, entrySegment, "the entry segment") ||
        !checkSegment(at + 64, metadata, "the metadata segment") ||
        !checkSegment(at + 80, storage, "the storage segment"))
      return false;
    storageSegment = storage;
    // Every entry but the last takes at least 64 bytes (60, padded to 16).
    if (count && (count - 1 > entrySegment.length / 64 ||
                  (count - 1) * 64 + kEntryHeaderSize > entrySegment.length))
      return in.failAt(at + 32, "an entry count that fits the entry segment "
                                "of " +
                                    llvm::Twine(entrySegment.length) +
                                    " bytes, got " + llvm::Twine(count));

    uint64_t pos = base + entrySegment.offset;
    uint64_t left = entrySegment.length;
    for (uint64_t i = 0; i < count; ++i) {
      if (left < kEntryHeaderSize)
        return in.failAt(pos, "an entry header (60 bytes) in what is left of "
                              "the entry segment (" +
                                  llvm::Twine(left) + " bytes)");
      uint64_t entrySize;
      in.seek(pos);
      if (!in.read(entrySize, "the entry size"))
        return false;
      if (entrySize < kEntryHeaderSize || entrySize > left)
        return in.failAt(pos, "an entry size of 60 to " + llvm::Twine(left) +
                                  " bytes, got " + llvm::Twine(entrySize));
      if (!readEntry(pos, entrySize))
        return false;
      uint64_t padded =
          (entrySize + kEntryAlignment - 1) & ~(kEntryAlignment - 1);
      padded = std::min(padded, left); // the last entry needs no padding
      pos += padded;
      left -= padded;
    }
    return true;
  }

  bool readEntry(uint64_t at, uint64_t entrySize) {
    uint32_t type;
    uint64_t flags, minAlignment;
    Range name, meta;
    if (!in.read(type, "the entry type") ||
        !in.read(flags, "the entry flags") ||
        !readRange(name, "the entry name") ||
        !readRange(meta, "the entry metadata") ||
        !in.read(minAlignment, "the entry alignment"))
      return false;
    ArchiveEntry e;
    e.metadataOffset = at;
    if (!readMetadataString(at + 20, name, e.key, "the entry name"))
      return false;
    if (meta.length && !fitsIn(meta.offset, meta.length, metadata.length))
      return in.failAt(at + 36, "the entry metadata inside the metadata "
                                "segment");
    switch (type) {
    case Skip:
      return true;
    case Splat: {
      if (entrySize < kSplatEntrySize)
        return in.failAt(at, "a splat entry of at least 85 bytes, got " +
                                 llvm::Twine(entrySize));
      uint8_t pattern[16];
      uint8_t patternLength;
      if (!in.read(e.size, "the splat length") ||
          !in.read(pattern, "the splat pattern") ||
          !in.read(patternLength, "the splat pattern length"))
        return false;
      if (patternLength == 0 || patternLength > 16)
        return in.failAt(at + 84, "a splat pattern of 1 to 16 bytes, got " +
                                      llvm::Twine(unsigned(patternLength)));
      if (e.size % patternLength)
        archive.warnings.push_back(
            "splat '" + printable(e.key, 80) + "': a length of " +
            std::to_string(e.size) + " bytes is not a whole number of " +
            std::to_string(patternLength) + "-byte patterns");
      e.kind = ArchiveEntry::Kind::Splat;
      e.pattern.assign(pattern, pattern + patternLength);
      break;
    }
    case Data: {
      if (entrySize < kDataEntrySize)
        return in.failAt(at, "a data entry of at least 76 bytes, got " +
                                 llvm::Twine(entrySize));
      Range r;
      if (!readRange(r, "the data range"))
        return false;
      if (r.length) {
        if (!fitsIn(r.offset, r.length, storageSegment.length))
          return in.failAt(at + 60, "data inside the storage segment (offset " +
                                        llvm::Twine(r.offset) + ", length " +
                                        llvm::Twine(r.length) + " of " +
                                        llvm::Twine(storageSegment.length) +
                                        ")");
        e.offset = base + storageSegment.offset + r.offset;
      }
      e.size = r.length;
      if (r.length && minAlignment && e.offset % minAlignment)
        archive.warnings.push_back(
            "entry '" + printable(e.key, 80) + "': data at offset " +
            std::to_string(e.offset) + " is not aligned to its minimum of " +
            std::to_string(minAlignment) + " bytes");
      break;
    }
    case External: {
      if (entrySize < kExternalEntrySize)
        return in.failAt(at, "an external entry of at least 92 bytes, got " +
                                 llvm::Twine(entrySize));
      Range pathRef;
      std::string path;
      if (!readRange(pathRef, "the external path") ||
          !readMetadataString(at + 60, pathRef, path, "the external path"))
        return false;
      archive.warnings.push_back("entry '" + printable(e.key, 80) +
                                 "' is stored in another file ('" +
                                 printable(path, 120) + "'): not listed");
      return true;
    }
    default:
      return in.failAt(at + 8, "an entry type 0 (skip), 1 (splat), 2 (data) "
                               "or 3 (external), got " +
                                   llvm::Twine(type));
    }
    archive.entries.push_back(std::move(e));
    return true;
  }

  ParameterArchive &archive;
  ArchiveCursor in;
  /// The header being read and its segments.
  uint64_t base = 0;
  Range metadata, storageSegment;
};

} // namespace

llvm::Error archive::readIrpa(ParameterArchive &archive) {
  return IrpaReader(archive).read();
}
