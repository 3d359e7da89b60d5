//===- ParameterArchive.cpp - Opening an archive, shared checks -----------===//
//
// The format is chosen by the first bytes, one reader fills the entries, and
// the checks every format needs run once here: keys are UTF-8 and unique,
// data lies inside the file, and entries sharing bytes are reported.
//
// Sharing bytes is a warning, not an error: IREE's irpa schema says entries
// "may reference the same or overlapping physical ranges", and neither IREE's
// safetensors nor its gguf parser refuses it; the data reads fine, only an
// edit of one entry would show through the other.
//
//===----------------------------------------------------------------------===//

#include "ArchiveReader.h"

#include "mlirscope/Model/TypeText.h"
#include "mlirscope/Support/MappedFile.h"

#include "llvm/Support/JSON.h"

#include <algorithm>

using namespace mlirscope;
using namespace mlirscope::archive;

//===----------------------------------------------------------------------===//
// ArchiveCursor
//===----------------------------------------------------------------------===//

bool ArchiveCursor::failAt(uint64_t at, const llvm::Twine &what) {
  if (!failure) {
    failure = at;
    expected = what.str();
  }
  return false;
}

llvm::Error ArchiveCursor::takeError() {
  if (!failure)
    return llvm::Error::success();
  uint64_t at = std::min(*failure, end);
  failure.reset();
  return makeFormatError(source.getName(), at, expected);
}

bool ArchiveCursor::failPastEnd(uint64_t n, const char *what) {
  return fail(llvm::Twine(what) + " (" + llvm::Twine(n) +
              " bytes), but the file ends at offset " + llvm::Twine(end));
}

bool ArchiveCursor::ensure(uint64_t n, const char *what) {
  if (failure)
    return false;
  if (n > remaining())
    return failPastEnd(n, what);
  if (pos >= bufStart && pos + n <= bufStart + buf.size())
    return true;
  uint64_t want = std::min<uint64_t>(std::max(n, kWindow), end - pos);
  buf.resize(want);
  bufStart = pos;
  size_t got = source.readAt(pos, buf.data(), want);
  if (got < n) {
    buf.clear();
    return fail(llvm::Twine(what) + " (the file could not be read here)");
  }
  buf.resize(got);
  return true;
}

bool ArchiveCursor::readBytes(uint64_t n, std::string &out, const char *what) {
  if (failure)
    return false;
  if (n > remaining())
    return failPastEnd(n, what);
  if (n == 0) {
    out.clear();
    return true;
  }
  if (n <= kWindow) {
    if (!ensure(n, what))
      return false;
    out.assign(reinterpret_cast<const char *>(buf.data() + (pos - bufStart)),
               n);
  } else {
    // Long strings (a chat template, a huge key) straight into their place:
    // n is bounded by the file, checked above.
    out.resize(n);
    if (source.readAt(pos, reinterpret_cast<uint8_t *>(out.data()), n) < n)
      return fail(llvm::Twine(what) + " (the file could not be read here)");
  }
  pos += n;
  return true;
}

bool ArchiveCursor::skip(uint64_t n, const char *what) {
  if (failure)
    return false;
  if (n > remaining())
    return failPastEnd(n, what);
  pos += n;
  return true;
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

std::string archive::printable(llvm::StringRef text, size_t max) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (out.size() >= max) {
      out += "...";
      break;
    }
    unsigned char c = text[i];
    if (c < 0x80) {
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\t') {
        out += "\\t";
      } else if (c < 0x20 || c == 0x7f) {
        out += "\\x";
        out += digits[c >> 4];
        out += digits[c & 15];
      } else {
        out += char(c);
      }
      ++i;
      continue;
    }
    // A multi-byte sequence is kept when it is valid UTF-8.
    size_t len = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    if (len > 1 && i + len <= text.size() &&
        llvm::json::isUTF8(text.substr(i, len))) {
      out += text.substr(i, len).str();
      i += len;
    } else {
      out += "\\x";
      out += digits[c >> 4];
      out += digits[c & 15];
      ++i;
    }
  }
  return out;
}

TensorType archive::makeTensorType(llvm::StringRef element,
                                   std::vector<int64_t> shape) {
  TensorType t;
  t.ranked = true;
  t.element = parseElementTypeText(element);
  t.text = formatTensorType("tensor", true, shape, element);
  t.shape = std::move(shape);
  return t;
}

std::optional<uint64_t> archive::elementCount(llvm::ArrayRef<int64_t> shape) {
  uint64_t n = 1;
  for (int64_t d : shape) {
    uint64_t u = uint64_t(d);
    if (u != 0 && n > UINT64_MAX / u)
      return std::nullopt;
    n *= u;
  }
  return n;
}

//===----------------------------------------------------------------------===//
// ParameterArchive
//===----------------------------------------------------------------------===//

llvm::StringRef mlirscope::archiveFormatName(ArchiveFormat format) {
  switch (format) {
  case ArchiveFormat::Irpa:
    return "irpa";
  case ArchiveFormat::Safetensors:
    return "safetensors";
  case ArchiveFormat::Gguf:
    return "gguf";
  }
  return "unknown";
}

const ArchiveEntry *ParameterArchive::find(llvm::StringRef key) const {
  auto it = byKey.find(key);
  return it == byKey.end() ? nullptr : &entries[it->second];
}

uint64_t ParameterArchive::dataBytes() const {
  uint64_t total = 0;
  for (const ArchiveEntry &e : entries)
    if (e.kind == ArchiveEntry::Kind::Data)
      total += e.size; // each inside the file, so no overflow
  return total;
}

void ParameterArchive::reindex() {
  byKey.clear();
  for (size_t i = 0; i < entries.size(); ++i)
    byKey.try_emplace(entries[i].key, uint32_t(i));
}

namespace {

/// At most this many overlap warnings, then one line counting the rest.
constexpr size_t kMaxOverlapWarnings = 8;

/// Keys, ranges and overlaps: what every format's entries must satisfy.
llvm::Error checkEntries(ParameterArchive &archive) {
  const std::string &name = archive.file->getName();
  uint64_t size = archive.file->size();
  llvm::StringMap<uint64_t> seen;
  for (const ArchiveEntry &e : archive.entries) {
    size_t bad = 0;
    if (!llvm::json::isUTF8(e.key, &bad))
      return makeFormatError(name, e.metadataOffset,
                             "a UTF-8 key, but byte " + llvm::Twine(bad) +
                                 " of '" + printable(e.key, 80) +
                                 "' is not UTF-8");
    auto [it, inserted] = seen.try_emplace(e.key, e.metadataOffset);
    if (!inserted)
      return makeFormatError(
          name, e.metadataOffset,
          "a key not used before, but '" + printable(e.key, 80) +
              "' is already described at offset " + llvm::Twine(it->second));
    if (e.kind == ArchiveEntry::Kind::Data && !fitsIn(e.offset, e.size, size))
      return makeFormatError(name, e.metadataOffset,
                             "data of '" + printable(e.key, 80) +
                                 "' inside the file");
  }

  // Overlaps: sweep the data ranges by start, against the furthest end so far.
  std::vector<uint32_t> order;
  for (uint32_t i = 0; i < archive.entries.size(); ++i)
    if (archive.entries[i].kind == ArchiveEntry::Kind::Data &&
        archive.entries[i].size)
      order.push_back(i);
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    const ArchiveEntry &x = archive.entries[a], &y = archive.entries[b];
    return x.offset != y.offset ? x.offset < y.offset : a < b;
  });
  size_t overlaps = 0;
  std::optional<uint32_t> furthest;
  for (uint32_t i : order) {
    const ArchiveEntry &e = archive.entries[i];
    if (furthest) {
      const ArchiveEntry &f = archive.entries[*furthest];
      if (e.offset < f.offset + f.size) {
        if (++overlaps <= kMaxOverlapWarnings)
          archive.warnings.push_back(
              "entries '" + printable(f.key, 80) + "' (offsets " +
              std::to_string(f.offset) + ".." +
              std::to_string(f.offset + f.size) + ") and '" +
              printable(e.key, 80) + "' (offsets " + std::to_string(e.offset) +
              ".." + std::to_string(e.offset + e.size) + ") share bytes");
      }
      if (e.offset + e.size <= f.offset + f.size)
        continue;
    }
    furthest = i;
  }
  if (overlaps > kMaxOverlapWarnings)
    archive.warnings.push_back(std::to_string(overlaps - kMaxOverlapWarnings) +
                               " more pairs of entries share bytes");
  archive.reindex();
  return llvm::Error::success();
}

} // namespace

llvm::Expected<std::shared_ptr<ParameterArchive>>
mlirscope::readArchive(std::shared_ptr<ByteSource> source) {
  auto archive = std::make_shared<ParameterArchive>();
  archive->file = std::move(source);
  const ByteSource &file = *archive->file;
  uint8_t magic[9] = {};
  size_t got = file.readAt(0, magic, sizeof(magic));
  if (got >= 4 && std::memcmp(magic, "IRPA", 4) == 0)
    archive->format = ArchiveFormat::Irpa;
  else if (got >= 4 && std::memcmp(magic, "GGUF", 4) == 0)
    archive->format = ArchiveFormat::Gguf;
  else if (got == 9 && magic[8] == '{')
    archive->format = ArchiveFormat::Safetensors;
  else
    return makeFormatError(file.getName(), 0,
                           "a parameter archive: \"IRPA\" (irpa), \"GGUF\" "
                           "(gguf), or an 8-byte header length and '{' "
                           "(safetensors)");
  llvm::Error err = archive->format == ArchiveFormat::Irpa ? readIrpa(*archive)
                    : archive->format == ArchiveFormat::Gguf
                        ? readGguf(*archive)
                        : readSafetensors(*archive);
  if (err)
    return std::move(err);
  if (llvm::Error e = checkEntries(*archive))
    return std::move(e);
  return archive;
}

llvm::Expected<std::shared_ptr<ParameterArchive>>
mlirscope::openArchive(llvm::StringRef path) {
  auto file = MappedFile::open(path);
  if (!file)
    return file.takeError();
  return readArchive(std::shared_ptr<ByteSource>(std::move(*file)));
}
