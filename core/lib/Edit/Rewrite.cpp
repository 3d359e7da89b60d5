//===- Rewrite.cpp - Fast rewrites of bytecode files ----------------------===//
//
// Output layout: the original header, every non-resource section in its
// original order (the string section re-emitted only when strings are added,
// by appending them so existing indices stay valid), then the resource offset
// section and the resource section. The resource section is aligned to the
// largest blob alignment, so each blob's padding depends only on its position
// inside the section and every entry size is known before anything is
// written.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Edit/Rewrite.h"
#include "mlirscope/Bytecode/ByteCursor.h"
#include "mlirscope/Bytecode/Encoding.h"
#include "mlirscope/Support/AtomicFile.h"
#include "mlirscope/Support/FaultGuard.h"
#include "mlirscope/Support/Hash.h"
#include "mlirscope/Support/SystemError.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlirscope;
using namespace mlirscope::bytecode;

void mlirscope::appendVarInt(std::string &out, uint64_t v) {
  for (unsigned n = 1; n <= 8; ++n) {
    if (n < 8 ? v < (uint64_t(1) << (7 * n)) : v < (uint64_t(1) << 56)) {
      uint64_t enc = (v << n) | (uint64_t(1) << (n - 1));
      for (unsigned i = 0; i < n; ++i)
        out += char((enc >> (8 * i)) & 0xff);
      return;
    }
  }
  out += char(0);
  for (unsigned i = 0; i < 8; ++i)
    out += char((v >> (8 * i)) & 0xff);
}

static unsigned varIntSize(uint64_t v) {
  std::string s;
  appendVarInt(s, v);
  return unsigned(s.size());
}

uint64_t mlirscope::countResourceHandles(const BytecodeLayout &layout) {
  uint64_t n = 0;
  for (const BytecodeLayout::Group &g : layout.groups)
    if (g.isDialect)
      n += g.entries.size();
  return n;
}

std::vector<std::string>
mlirscope::resourceHandleKeys(const BytecodeLayout &layout) {
  // MLIR's reader numbers handles as it declares them: every dialect
  // group's entries, in file order.
  std::vector<std::string> keys;
  for (const BytecodeLayout::Group &g : layout.groups)
    if (g.isDialect)
      for (const BytecodeLayout::Entry &e : g.entries)
        keys.push_back(e.keyString < layout.strings.size()
                           ? layout.strings[e.keyString]
                           : std::string());
  return keys;
}

std::string mlirscope::formatStrippedBlob(const StrippedBlob &b) {
  return "bytes=" + std::to_string(b.bytes) +
         " align=" + std::to_string(b.alignment) +
         " xxh64=" + llvm::utohexstr(b.checksum, /*LowerCase=*/true, 16);
}

std::optional<StrippedBlob> mlirscope::parseStrippedBlob(llvm::StringRef text) {
  StrippedBlob b;
  bool haveBytes = false, haveSum = false;
  llvm::SmallVector<llvm::StringRef> parts;
  text.split(parts, ' ', -1, false);
  for (llvm::StringRef p : parts) {
    auto [k, v] = p.split('=');
    if (k == "bytes")
      haveBytes = !v.getAsInteger(10, b.bytes);
    else if (k == "align" && v.getAsInteger(10, b.alignment))
      return std::nullopt;
    else if (k == "xxh64")
      haveSum = !v.getAsInteger(16, b.checksum);
  }
  if (!haveBytes || !haveSum)
    return std::nullopt;
  return b;
}

namespace {

/// One entry of the output's resource section.
struct OutEntry {
  uint64_t keyString = 0;
  uint8_t kind = 0;
  enum class Source { Verbatim, Declaration, Blob, String } source;
  // Verbatim: bytes [begin, begin + size) of the input.
  uint64_t begin = 0;
  // Blob: from `fd` at `dataOffset`, `dataSize` bytes, `alignment`.
  int fd = -1;
  uint64_t dataOffset = 0, dataSize = 0, alignment = 1;
  // String: the string index of the value.
  uint64_t valueString = 0;
  // Blob held as hex digits in this mapped text file (fd unused).
  const ByteSource *hexText = nullptr;
  // Blob bytes read through this source's spans (fd unused).
  const ByteSource *fromSource = nullptr;
  // Layout, relative to the aligned start of the resource section.
  uint64_t relBegin = 0, headerSize = 0, padding = 0, entrySize = 0;
};

struct OutGroup {
  bool isDialect;
  uint64_t id;
  std::vector<OutEntry> entries;
};

/// Copies [offset, offset + size) of `fd` to `out`, keeping holes.
llvm::Error copyKeepingHoles(int fd, uint64_t offset, uint64_t size,
                             AtomicFile &out, const Progress &progress,
                             uint64_t &done, uint64_t total) {
  uint64_t pos = offset, end = offset + size;
  while (pos < end) {
    off_t data = ::lseek(fd, off_t(pos), SEEK_DATA);
    if (data < 0 && errno == ENXIO) { // only a hole remains, or the end
      // A source cut short under us would read as a trailing hole: zeros
      // saved in place of its bytes.
      struct stat st;
      if (::fstat(fd, &st) == 0 && uint64_t(st.st_size) < end)
        return fileChangedError(fd, std::max<uint64_t>(pos, st.st_size));
      if (auto e = out.skip(end - pos))
        return e;
      done += end - pos;
      break;
    }
    if (data < 0) // no SEEK_DATA support: copy everything
      data = off_t(pos);
    if (uint64_t(data) > pos) {
      uint64_t hole = std::min<uint64_t>(uint64_t(data), end) - pos;
      if (auto e = out.skip(hole))
        return e;
      pos += hole;
      done += hole;
      continue;
    }
    off_t holeAt = ::lseek(fd, off_t(pos), SEEK_HOLE);
    uint64_t dataEnd = holeAt < 0 ? end : std::min<uint64_t>(uint64_t(holeAt), end);
    // Copy in slices so progress and cancellation stay responsive.
    uint64_t n = std::min<uint64_t>(dataEnd - pos, 256ull << 20);
    if (auto e = out.copyFrom(fd, pos, n))
      return e;
    pos += n;
    done += n;
    if (progress && !progress(done, total))
      return cancelledError();
  }
  return llvm::Error::success();
}

/// How much of a source that has no file descriptor (a remote or in-memory
/// source) is read at once: large enough for few requests, small enough to
/// bound memory.
constexpr uint64_t kSourceChunk = 8ull << 20;

/// Writes bytes [begin, end) of `file` through its read() spans (a pointer
/// into a mapping; a few fetches of a remote source).
llvm::Error writeSourceBytes(const ByteSource &file, uint64_t begin,
                             uint64_t end, AtomicFile &out) {
  for (uint64_t at = begin; at < end;) {
    uint64_t n = std::min(kSourceChunk, end - at);
    if (file.memory())
      n = end - at; // a pointer: one write
    auto span = file.read(at, n);
    if (!span)
      return span.takeError();
    if (auto e = out.write(span->bytes()))
      return e;
    at += n;
  }
  return llvm::Error::success();
}

/// Copies a blob of a source without a file descriptor through read(), in
/// bounded chunks; zero chunks become holes, as holes of a local file stay
/// holes (copyKeepingHoles).
llvm::Error copyFromSource(const ByteSource &file, uint64_t offset,
                           uint64_t size, AtomicFile &out,
                           const Progress &progress, uint64_t &done,
                           uint64_t total) {
  for (uint64_t at = 0; at < size;) {
    uint64_t n = std::min(kSourceChunk, size - at);
    auto span = file.read(offset + at, n);
    if (!span)
      return span.takeError();
    llvm::ArrayRef<uint8_t> bytes = span->bytes();
    bool zero = std::all_of(bytes.begin(), bytes.end(),
                            [](uint8_t b) { return b == 0; });
    if (auto e = zero ? out.skip(n) : out.write(bytes))
      return e;
    file.dropPages(offset + at, n);
    at += n;
    done += n;
    if (progress && !progress(done, total))
      return cancelledError();
  }
  return llvm::Error::success();
}

/// Decodes `size` bytes of hex digits at `offset` of a mapped text file.
llvm::Error copyHex(const ByteSource &file, uint64_t offset, uint64_t size,
                    AtomicFile &out, const Progress &progress,
                    uint64_t &done, uint64_t total) {
  if (offset > file.size() || 2 * size > file.size() - offset)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s: hex blob past the end of the file",
                                   file.getName().c_str());
  std::vector<uint8_t> buf;
  const uint64_t chunk = 8ull << 20;
  for (uint64_t at = 0; at < size;) {
    uint64_t n = std::min(chunk, size - at);
    auto span = file.read(offset + 2 * at, 2 * n);
    if (!span)
      return span.takeError();
    const char *hex = reinterpret_cast<const char *>(span->begin());
    buf.resize(size_t(n));
    for (uint64_t i = 0; i < n; ++i) {
      unsigned hi = llvm::hexDigitValue(hex[2 * i]);
      unsigned lo = llvm::hexDigitValue(hex[2 * i + 1]);
      if (hi == ~0u || lo == ~0u)
        return llvm::createStringError(
            llvm::inconvertibleErrorCode(),
            "%s: offset %llu: expected a hex digit", file.getName().c_str(),
            (unsigned long long)(offset + 2 * (at + i)));
      buf[i] = uint8_t(hi << 4 | lo);
    }
    if (auto e = out.write(buf))
      return e;
    file.dropPages(offset + 2 * at, 2 * n);
    at += n;
    done += n;
    if (progress && !progress(done, total))
      return cancelledError();
  }
  return llvm::Error::success();
}

/// The attribute and type offset section of `index` with the sizes of the
/// replaced attribute entries changed, and the byte range of every replaced
/// entry in the attribute section. Entries keep their dialect groups: only
/// sizes change.
llvm::Error reencodeAttrOffsets(
    const ModelIndex &index, const std::map<uint64_t, AttrReplacement> &attrs,
    std::string &offsets,
    std::vector<std::pair<uint64_t, uint64_t>> &replacedRanges) {
  const BytecodeLayout &layout = index.layout;
  const BytecodeLayout::Section *data = nullptr, *table = nullptr;
  for (const BytecodeLayout::Section &s : layout.sections) {
    if (s.id == kAttrType)
      data = &s;
    if (s.id == kAttrTypeOffset)
      table = &s;
  }
  const std::string &name = index.file->getName();
  if (!data || !table)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s: no attribute section to rewrite",
                                   name.c_str());
  ReadFailure failure;
  auto tableBytes = index.file->read(table->begin, table->end - table->begin);
  if (!tableBytes)
    return tableBytes.takeError();
  ByteCursor in = FileWindow(std::move(*tableBytes), table->begin)
                      .cursor(table->begin, table->end, failure);
  in.setWindowName("section");
  auto malformed = [&] {
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(), "%s: offset %llu: expected %s",
        name.c_str(), (unsigned long long)failure.offset.value_or(0),
        failure.expected.c_str());
  };
  uint64_t numAttrs, numTypes;
  if (!in.readVarInt(numAttrs, "the attribute count") ||
      !in.readVarInt(numTypes, "the type count"))
    return malformed();
  if (!attrs.empty() && attrs.rbegin()->first >= numAttrs)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(), "%s: no attribute %llu to replace",
        name.c_str(), (unsigned long long)attrs.rbegin()->first);
  appendVarInt(offsets, numAttrs);
  appendVarInt(offsets, numTypes);
  uint64_t at = data->begin, entry = 0;
  const uint64_t total = numAttrs + numTypes;
  while (entry < total) {
    uint64_t dialect, count;
    if (!in.readVarInt(dialect, "a dialect index") ||
        !in.readVarInt(count, "an entry count"))
      return malformed();
    if (count > total - entry) {
      in.fail("at most " + llvm::Twine(total - entry) + " more entries");
      return malformed();
    }
    appendVarInt(offsets, dialect);
    appendVarInt(offsets, count);
    for (uint64_t j = 0; j < count; ++j, ++entry) {
      uint64_t size;
      bool custom;
      if (!in.readVarIntWithFlag(size, custom, "an entry size"))
        return malformed();
      if (size > data->end - at) {
        in.fail("an entry within the attr/type section");
        return malformed();
      }
      uint64_t newSize = size;
      if (entry < numAttrs)
        if (auto it = attrs.find(entry); it != attrs.end()) {
          newSize = it->second.head.size() + it->second.dataSize;
          replacedRanges.emplace_back(at, at + size);
        }
      appendVarInt(offsets, newSize << 1 | uint64_t(custom));
      at += size;
    }
  }
  if (!in.empty()) {
    in.fail("the end of the attr/type offset section");
    return malformed();
  }
  return llvm::Error::success();
}

} // namespace

llvm::Error mlirscope::rewriteBytecode(const ModelIndex &index,
                                       llvm::StringRef outPath,
                                       const RewritePlan &plan,
                                       const Progress &progress) {
  if (index.format != ModelIndex::Format::Bytecode)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s: not a bytecode file",
                                   index.file->getName().c_str());
  const BytecodeLayout &layout = index.layout;
  const std::string &srcPath = index.file->getName();

  // Open every file blob bytes come from.
  std::vector<int> fds;
  auto closeAll = [&] {
    for (int fd : fds)
      ::close(fd);
  };
  auto openFd = [&](const std::string &path) -> llvm::Expected<int> {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return systemError(path + ": cannot open");
    fds.push_back(fd);
    return fd;
  };
  // The source's own blobs are kernel-copied from its file; a source without
  // one (in memory, remote) is read through its spans.
  llvm::Expected<int> srcFd = -1;
  if (index.file->fileDescriptor() >= 0) {
    srcFd = openFd(srcPath);
    if (!srcFd)
      return srcFd.takeError();
    struct stat st;
    if (::fstat(*srcFd, &st) != 0 || st.st_ino != index.file->getInode() ||
        uint64_t(st.st_size) != index.file->size()) {
      // Said as a read of the changed file is (FaultGuard.h), at the first
      // byte that may differ.
      llvm::Error e = fileChangedError(
          *srcFd, st.st_ino == index.file->getInode()
                      ? std::min<uint64_t>(st.st_size, index.file->size())
                      : 0);
      closeAll();
      noteFaultReported(); // this says what a fault reading it would mean
      return e;
    }
  }
  llvm::StringMap<int> otherFds;

  // New strings go after the existing ones.
  std::vector<std::string> newStrings;
  llvm::StringMap<uint64_t> stringIndex;
  for (size_t i = 0; i < layout.strings.size(); ++i)
    stringIndex.try_emplace(layout.strings[i], i);
  auto internString = [&](const std::string &s) {
    auto [it, inserted] = stringIndex.try_emplace(
        s, layout.strings.size() + newStrings.size());
    if (inserted)
      newStrings.push_back(s);
    return it->second;
  };

  // Plan the resource groups.
  std::vector<OutGroup> groups;
  uint64_t blobBytes = 0;
  for (const BytecodeLayout::Group &g : layout.groups) {
    if (!g.isDialect && g.id < layout.strings.size() &&
        plan.dropGroups.contains(layout.strings[g.id]))
      continue;
    OutGroup og{g.isDialect, g.id, {}};
    for (const BytecodeLayout::Entry &e : g.entries) {
      OutEntry oe;
      oe.keyString = e.keyString;
      oe.kind = e.kind;
      oe.begin = e.begin;
      oe.entrySize = e.size;
      oe.source = OutEntry::Source::Verbatim;
      const std::string &key = layout.strings[e.keyString];
      const Resource *r = e.resource == kNone ? nullptr
                                              : &index.resources[e.resource];
      if (g.isDialect && plan.replace.count(key)) {
        const ExternalBlob &x = plan.replace.find(key)->second;
        int fd = -1;
        if (x.hexText) {
          oe.hexText = x.hexText.get();
        } else if (x.from && x.from->fileDescriptor() < 0) {
          oe.fromSource = x.from.get();
        } else if (x.path == srcPath && *srcFd >= 0) {
          fd = *srcFd;
        } else if (auto it = otherFds.find(x.path); it != otherFds.end()) {
          fd = it->second;
        } else {
          auto opened = openFd(x.path);
          if (!opened) {
            closeAll();
            return opened.takeError();
          }
          fd = otherFds[x.path] = *opened;
        }
        oe.source = OutEntry::Source::Blob;
        oe.kind = kBlobEntry;
        oe.fd = fd;
        oe.dataOffset = x.offset;
        oe.dataSize = x.size;
        oe.alignment = x.alignment ? x.alignment : 1;
      } else if (g.isDialect && r && r->kind == ResourceKind::Blob &&
                 plan.declareOnly.contains(key)) {
        oe.source = OutEntry::Source::Declaration;
        oe.entrySize = 0;
      } else if (r && r->kind == ResourceKind::Blob) {
        // A blob's padding depends on where it lands, so blobs are never
        // copied verbatim: from the file by the kernel, or through the
        // source's spans for a source without a file.
        oe.source = OutEntry::Source::Blob;
        oe.fd = *srcFd;
        if (*srcFd < 0)
          oe.fromSource = index.file.get();
        oe.dataOffset = r->dataOffset;
        oe.dataSize = r->size;
        oe.alignment = r->alignment;
      }
      if (oe.source == OutEntry::Source::Blob)
        blobBytes += oe.dataSize;
      og.entries.push_back(oe);
    }
    groups.push_back(std::move(og));
  }
  if (!plan.newStrings.empty()) {
    OutGroup og{false, internString(plan.newGroup), {}};
    for (auto &[key, value] : plan.newStrings) {
      OutEntry oe;
      oe.keyString = internString(key);
      oe.kind = kStringEntry;
      oe.source = OutEntry::Source::String;
      oe.valueString = internString(value);
      oe.entrySize = varIntSize(oe.valueString);
      og.entries.push_back(oe);
    }
    // External groups come before dialect groups.
    size_t firstDialect = 0;
    while (firstDialect < groups.size() && !groups[firstDialect].isDialect)
      ++firstDialect;
    groups.insert(groups.begin() + firstDialect, std::move(og));
  }

  if (!plan.newBuiltinDeclarations.empty()) {
    auto builtin =
        std::find(index.dialects.begin(), index.dialects.end(), "builtin");
    if (builtin == index.dialects.end()) {
      closeAll();
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "%s: no builtin dialect to declare "
                                     "resources of",
                                     srcPath.c_str());
    }
    // A dialect may have several groups (MLIR's reader declares each
    // group's entries in turn): a group after every other keeps the
    // existing handles' numbers.
    OutGroup og{true, uint64_t(builtin - index.dialects.begin()), {}};
    for (const std::string &key : plan.newBuiltinDeclarations) {
      OutEntry oe;
      oe.keyString = internString(key);
      oe.kind = kBlobEntry;
      oe.source = OutEntry::Source::Declaration;
      oe.entrySize = 0;
      og.entries.push_back(oe);
    }
    groups.push_back(std::move(og));
  }

  // Replaced attribute entries: the new offset section, the old entries'
  // ranges, and the files their data comes from.
  std::string attrOffsets;
  std::vector<std::pair<uint64_t, uint64_t>> replacedRanges;
  std::vector<int> attrFds;
  if (!plan.attrs.empty()) {
    if (auto e = reencodeAttrOffsets(index, plan.attrs, attrOffsets,
                                     replacedRanges)) {
      closeAll();
      return e;
    }
    for (const auto &[idx, r] : plan.attrs) {
      int fd = -1;
      if (r.dataSize == 0 ||
          (r.dataSource && r.dataSource->fileDescriptor() < 0)) {
        // Nothing to copy, or read through the source's spans.
      } else if (r.dataPath == srcPath && *srcFd >= 0) {
        fd = *srcFd;
      } else if (auto it = otherFds.find(r.dataPath); it != otherFds.end()) {
        fd = it->second;
      } else {
        auto opened = openFd(r.dataPath);
        if (!opened) {
          closeAll();
          return opened.takeError();
        }
        fd = otherFds[r.dataPath] = *opened;
      }
      attrFds.push_back(fd);
      blobBytes += r.dataSize;
    }
  }

  // Lay the resource section out relative to its aligned start.
  uint64_t sectionAlign = 1, rel = 0;
  for (OutGroup &g : groups)
    for (OutEntry &e : g.entries)
      if (e.source == OutEntry::Source::Blob)
        sectionAlign = std::max(sectionAlign, e.alignment);
  for (OutGroup &g : groups) {
    for (OutEntry &e : g.entries) {
      e.relBegin = rel;
      if (e.source == OutEntry::Source::Blob) {
        if (e.alignment & (e.alignment - 1)) {
          closeAll();
          return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                         "blob alignment %llu is not a power "
                                         "of two",
                                         (unsigned long long)e.alignment);
        }
        e.headerSize = varIntSize(e.alignment) + varIntSize(e.dataSize);
        uint64_t at = rel + e.headerSize;
        e.padding = (e.alignment - at % e.alignment) % e.alignment;
        e.entrySize = e.headerSize + e.padding + e.dataSize;
      }
      rel += e.entrySize;
    }
  }
  const uint64_t resourceSize = rel;

  // Bytes of replaced attributes' data written (they count with the blobs
  // for progress).
  uint64_t attrDone = 0;
  std::string offsets;
  size_t numExternal = 0;
  for (const OutGroup &g : groups)
    numExternal += !g.isDialect;
  appendVarInt(offsets, numExternal);
  for (const OutGroup &g : groups) {
    appendVarInt(offsets, g.id);
    appendVarInt(offsets, g.entries.size());
    for (const OutEntry &e : g.entries) {
      appendVarInt(offsets, e.keyString);
      appendVarInt(offsets, e.entrySize);
      offsets += char(e.kind);
    }
  }

  auto outOr = AtomicFile::create(outPath);
  if (!outOr) {
    closeAll();
    return outOr.takeError();
  }
  AtomicFile &out = *outOr;
  auto fail = [&](llvm::Error e) {
    closeAll();
    return e;
  };
  auto writeSectionHeader = [&](uint8_t id, uint64_t length,
                                uint64_t alignment) -> llvm::Error {
    std::string h;
    h += char(id | (alignment ? kSectionAlignedBit : 0));
    appendVarInt(h, length);
    if (alignment) {
      appendVarInt(h, alignment);
      uint64_t at = out.offset() + h.size();
      h.append((alignment - at % alignment) % alignment, char(0xCB));
    }
    return out.write(h);
  };
  auto writeBytes = [&](uint64_t begin, uint64_t end) {
    return writeSourceBytes(*index.file, begin, end, out);
  };

  // The resource sections go where the source had them, so a rewrite that
  // changes no section before them keeps every blob at the same offset (and
  // page offset) as in the source: the kernel then copies whole pages.
  bool wroteOffsets = false, wroteResources = false;
  auto writeOffsetSection = [&]() -> llvm::Error {
    wroteOffsets = true;
    if (groups.empty())
      return llvm::Error::success();
    if (auto e = writeSectionHeader(6, offsets.size(), 0))
      return e;
    return out.write(offsets);
  };
  auto writeResourceSection = [&]() -> llvm::Error {
    wroteResources = true;
    if (groups.empty())
      return llvm::Error::success();
    if (auto e = writeSectionHeader(5, resourceSize, sectionAlign))
      return e;
    const uint64_t sectionStart = out.offset();
    uint64_t done = attrDone;
    for (const OutGroup &g : groups) {
      for (const OutEntry &e : g.entries) {
        if (out.offset() != sectionStart + e.relBegin)
          return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                         "internal error: resource layout");
        switch (e.source) {
        case OutEntry::Source::Declaration:
          break;
        case OutEntry::Source::Verbatim:
          if (auto err = writeBytes(e.begin, e.begin + e.entrySize))
            return err;
          break;
        case OutEntry::Source::String: {
          std::string v;
          appendVarInt(v, e.valueString);
          if (auto err = out.write(v))
            return err;
          break;
        }
        case OutEntry::Source::Blob: {
          std::string h;
          appendVarInt(h, e.alignment);
          appendVarInt(h, e.dataSize);
          h.append(e.padding, char(0xCB));
          if (auto err = out.write(h))
            return err;
          if (e.fromSource) {
            if (auto err = copyFromSource(*e.fromSource, e.dataOffset,
                                          e.dataSize, out, progress, done,
                                          blobBytes))
              return err;
          } else if (e.hexText) {
            if (auto err = copyHex(*e.hexText, e.dataOffset, e.dataSize, out,
                                   progress, done, blobBytes))
              return err;
          } else if (auto err = copyKeepingHoles(e.fd, e.dataOffset,
                                                 e.dataSize, out, progress,
                                                 done, blobBytes)) {
            return err;
          }
          break;
        }
        }
      }
    }
    return llvm::Error::success();
  };

  // The attribute section: unchanged entries as they are, each replaced
  // one as its head and its data copied from its file.
  auto writeAttrSection = [&](const BytecodeLayout::Section &s) -> llvm::Error {
    uint64_t length = s.end - s.begin;
    auto it = plan.attrs.begin();
    for (size_t i = 0; i < replacedRanges.size(); ++i, ++it)
      length = length - (replacedRanges[i].second - replacedRanges[i].first) +
               it->second.head.size() + it->second.dataSize;
    if (auto e = writeSectionHeader(s.id, length, s.alignment))
      return e;
    uint64_t pos = s.begin;
    it = plan.attrs.begin();
    for (size_t i = 0; i < replacedRanges.size(); ++i, ++it) {
      const AttrReplacement &r = it->second;
      if (auto e = writeBytes(pos, replacedRanges[i].first))
        return e;
      if (auto e = out.write(r.head))
        return e;
      if (r.dataSize && attrFds[i] < 0) {
        if (auto e = copyFromSource(*r.dataSource, r.dataOffset, r.dataSize,
                                    out, progress, attrDone, blobBytes))
          return e;
      } else if (r.dataSize) {
        if (auto e = copyKeepingHoles(attrFds[i], r.dataOffset, r.dataSize, out,
                                      progress, attrDone, blobBytes))
          return e;
      }
      pos = replacedRanges[i].second;
    }
    return writeBytes(pos, s.end);
  };

  if (auto e = writeBytes(0, layout.headerEnd))
    return fail(std::move(e));
  for (const BytecodeLayout::Section &s : layout.sections) {
    if (!plan.attrs.empty() && s.id == kAttrType) {
      if (auto e = writeAttrSection(s))
        return fail(std::move(e));
      continue;
    }
    if (!plan.attrs.empty() && s.id == kAttrTypeOffset) {
      if (auto e = writeSectionHeader(s.id, attrOffsets.size(), s.alignment))
        return fail(std::move(e));
      if (auto e = out.write(attrOffsets))
        return fail(std::move(e));
      continue;
    }
    if (s.id == kResourceOffset || s.id == kResource) {
      if (auto e = s.id == kResourceOffset ? writeOffsetSection()
                                           : writeResourceSection())
        return fail(std::move(e));
      continue;
    }
    if (s.id == kString && !newStrings.empty()) {
      // count, sizes (last string first), data: new strings are appended, so
      // their sizes go in front of the old sizes and their data at the end.
      std::string head;
      appendVarInt(head, layout.strings.size() + newStrings.size());
      for (size_t i = newStrings.size(); i-- > 0;)
        appendVarInt(head, newStrings[i].size() + 1);
      // The old section minus its count varint.
      uint64_t oldCountSize = layout.stringCountSize;
      std::string tail;
      for (const std::string &str : newStrings) {
        tail += str;
        tail += '\0';
      }
      uint64_t length = head.size() + (s.end - s.begin - oldCountSize) +
                        tail.size();
      if (auto e = writeSectionHeader(0, length, s.alignment))
        return fail(std::move(e));
      if (auto e = out.write(head))
        return fail(std::move(e));
      if (auto e = writeBytes(s.begin + oldCountSize, s.end))
        return fail(std::move(e));
      if (auto e = out.write(tail))
        return fail(std::move(e));
      continue;
    }
    if (auto e = writeSectionHeader(s.id, s.end - s.begin, s.alignment))
      return fail(std::move(e));
    if (auto e = writeBytes(s.begin, s.end))
      return fail(std::move(e));
  }
  // Sources without resource sections get them at the end.
  if (!wroteOffsets)
    if (auto e = writeOffsetSection())
      return fail(std::move(e));
  if (!wroteResources)
    if (auto e = writeResourceSection())
      return fail(std::move(e));
  closeAll();
  return out.commit();
}

llvm::Expected<uint64_t> mlirscope::checksumBlob(const ModelIndex &index,
                                                 const Resource &r,
                                                 const Progress &progress,
                                                 uint64_t doneBefore,
                                                 uint64_t total) {
  const ByteSource &file = *index.file;
  uint64_t span = r.isHexText ? 2 * r.size : r.size;
  if (r.dataOffset > file.size() || span > file.size() - r.dataOffset)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "resource '%s' lies past the end of %s",
                                   r.key.c_str(), file.getName().c_str());
  XXH64 h;
  const uint64_t chunk = 16ull << 20;
  std::vector<uint8_t> buf;
  for (uint64_t done = 0; done < r.size;) {
    uint64_t n = std::min(chunk, r.size - done);
    if (r.isHexText) {
      buf.resize(size_t(n));
      auto bytes = file.read(r.dataOffset + 2 * done, 2 * n);
      if (!bytes)
        return bytes.takeError();
      const char *hex = reinterpret_cast<const char *>(bytes->begin());
      for (uint64_t i = 0; i < n; ++i)
        buf[i] = uint8_t((llvm::hexDigitValue(hex[2 * i]) << 4) |
                         (llvm::hexDigitValue(hex[2 * i + 1]) & 0xf));
      h.update(buf.data(), size_t(n));
      file.dropPages(r.dataOffset + 2 * done, 2 * n);
    } else {
      auto bytes = file.read(r.dataOffset + done, n);
      if (!bytes)
        return bytes.takeError();
      h.update(bytes->begin(), size_t(n));
      file.dropPages(r.dataOffset + done, n);
    }
    done += n;
    if (progress && !progress(doneBefore + done, total ? total : r.size))
      return cancelledError();
  }
  return h.digest();
}

llvm::Expected<RewritePlan> mlirscope::planStrip(const ModelIndex &index,
                                                 const Progress &progress) {
  RewritePlan plan;
  plan.newGroup = kStrippedGroup;
  plan.dropGroups.insert(kStrippedGroup);
  uint64_t total = 0, done = 0;
  for (const Resource &r : index.resources)
    if (r.isDialectGroup && r.kind == ResourceKind::Blob)
      total += r.size;
  for (const Resource &r : index.resources) {
    // Blobs stripped earlier keep their markers.
    if (!r.isDialectGroup && r.group == kStrippedGroup &&
        r.kind == ResourceKind::String) {
      plan.newStrings.emplace_back(r.key, r.value);
      continue;
    }
    if (!r.isDialectGroup || r.kind != ResourceKind::Blob)
      continue;
    auto sum = checksumBlob(index, r, progress, done, total);
    if (!sum)
      return sum.takeError();
    done += r.size;
    plan.declareOnly.insert(r.key);
    plan.newStrings.emplace_back(
        r.key, formatStrippedBlob({r.size, r.alignment, *sum}));
  }
  return plan;
}

llvm::Expected<RewritePlan> mlirscope::planAttach(const ModelIndex &stripped,
                                                  const ModelIndex &weights,
                                                  const Progress &progress) {
  RewritePlan plan;
  plan.dropGroups.insert(kStrippedGroup);
  std::vector<std::pair<const Resource *, StrippedBlob>> wanted;
  uint64_t total = 0;
  for (const Resource &r : stripped.resources) {
    if (r.isDialectGroup || r.group != kStrippedGroup ||
        r.kind != ResourceKind::String)
      continue;
    std::optional<StrippedBlob> marker = parseStrippedBlob(r.value);
    if (!marker)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(), "%s: malformed marker for '%s': %s",
          stripped.file->getName().c_str(), r.key.c_str(), r.value.c_str());
    const Resource *w = nullptr;
    for (const Resource &c : weights.resources)
      if (c.isDialectGroup && c.kind == ResourceKind::Blob && c.key == r.key)
        w = &c;
    if (!w)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "%s: no blob '%s'",
                                     weights.file->getName().c_str(),
                                     r.key.c_str());
    if (w->size != marker->bytes)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "%s: blob '%s' has %llu bytes, the stripped model expects %llu",
          weights.file->getName().c_str(), r.key.c_str(),
          (unsigned long long)w->size, (unsigned long long)marker->bytes);
    if (w->isHexText)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "%s: weights must come from a bytecode file (convert it first)",
          weights.file->getName().c_str());
    wanted.emplace_back(w, *marker);
    total += w->size;
  }
  uint64_t done = 0;
  for (auto &[w, marker] : wanted) {
    auto sum = checksumBlob(weights, *w, progress, done, total);
    if (!sum)
      return sum.takeError();
    done += w->size;
    if (*sum != marker.checksum)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "%s: blob '%s' has checksum %016llx, the stripped model expects "
          "%016llx",
          weights.file->getName().c_str(), w->key.c_str(),
          (unsigned long long)*sum, (unsigned long long)marker.checksum);
    plan.replace[w->key] = ExternalBlob{weights.file->getName(), w->dataOffset,
                                        w->size, marker.alignment, nullptr,
                                        weights.file};
  }
  return plan;
}
