//===- BytecodeIndexer.cpp - Lazy index of MLIR bytecode files ------------===//
//
// Reads the structure of an MLIR bytecode file (versions 0-6, see MLIR's
// docs/BytecodeFormat.md) straight from the mapped bytes, without an
// MLIRContext: that is what lets mlirscope read dialects it was not built with
// (e.g. StableHLO's VHLO) and keep blob bytes on disk. Blob entries are located
// (offset, size, alignment) but never read.
//
// Attribute and type entries are indexed as byte ranges and decoded only when
// needed; only the builtin dialect's encodings are understood, everything else
// stays opaque.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Support/FormatError.h"
#include "mlirscope/Bytecode/BytecodeIndexer.h"
#include "mlirscope/Model/TypeText.h"

#include "mlirscope/Bytecode/AttrTypeReader.h"
#include "mlirscope/Bytecode/ByteCursor.h"
#include "mlirscope/Bytecode/Encoding.h"
#include "mlirscope/Bytecode/VhloBytecode.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <map>

using namespace mlirscope;
using namespace mlirscope::bytecode;

namespace {

/// One region-list being read: the regions of one op (or the top level).
struct Frame {
  uint32_t cursor;       // index into Indexer::cursors
  bool ownsCursor;       // an isolated region encoded as its own section
  uint32_t owner;        // op index, kNone at top level
  uint64_t regionsLeft;  // regions not yet started
  bool isolated;
  bool inRegion = false;
  uint64_t blocksLeft = 0;
  uint64_t opsLeft = 0;
  uint64_t numValues = 0;
  uint64_t numBlocks = 0;
  uint32_t depth;
  uint32_t region = 0;          // number of the region being read
  uint32_t firstBlock = kNone;  // BlockRecord of the region's first block
  uint32_t currentBlock = kNone;
};

/// Values visible in one isolated-from-above scope. Slots are sparse so a
/// hostile value count costs nothing until values are actually defined.
struct ValueScope {
  uint64_t size = 0;
  llvm::SmallVector<uint64_t, 4> frameStart;
  llvm::SmallVector<uint64_t, 4> nextID;
  llvm::SmallVector<std::vector<uint64_t>, 4> frameKeys;
  llvm::DenseMap<uint64_t, uint32_t> slots;

  void push(uint64_t n) {
    frameStart.push_back(size);
    nextID.push_back(size);
    frameKeys.emplace_back();
    size += n;
  }
  void pop(uint64_t n) {
    for (uint64_t k : frameKeys.back())
      slots.erase(k);
    frameKeys.pop_back();
    frameStart.pop_back();
    nextID.pop_back();
    size -= n;
  }
  void remember(uint64_t key) {
    // The innermost frame whose range holds `key` owns it.
    auto it = std::upper_bound(frameStart.begin(), frameStart.end(), key);
    size_t frame = it == frameStart.begin() ? 0 : (it - frameStart.begin()) - 1;
    frameKeys[frame].push_back(key);
  }
};

/// The first read of a source that is not memory (BytecodeIndexer.h).
static constexpr uint64_t kHeadBytes = kBytecodeHeadBytes;
/// How far a later read looks past what it must cover, for the next
/// section headers.
static constexpr uint64_t kSlackBytes = 64 << 10;
/// A section header without its padding: an ID byte and two varints.
static constexpr uint64_t kMaxSectionHeader = 1 + 9 + 9;

/// What readBlobHeader reads of each resource entry: two varints and the
/// padding of alignments up to 64.
static constexpr uint64_t kEntryHeaderBytes = 96;

class BytecodeIndexer {
public:
  BytecodeIndexer(std::shared_ptr<ByteSource> file, uint64_t minInlineBytes)
      : file(std::move(file)), index(std::make_unique<ModelIndex>()),
        minInlineBytes(minInlineBytes) {
    index->format = ModelIndex::Format::Bytecode;
    index->file = this->file;
  }

  llvm::Expected<std::unique_ptr<ModelIndex>> run() {
    if (!readAll()) {
      if (sourceError)
        return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                       *sourceError);
      if (!failure.failed())
        failure.fail(file->size(), "a well-formed bytecode file");
      return makeFormatError(file->getName(), *failure.offset,
                             failure.expected);
    }
    index->linkReferences();
    index->finishWeights(minInlineBytes);
    return std::move(index);
  }

private:
  bool readAll();
  /// Walks the section headers from `pos`, reading only the bytes indexing
  /// needs when the source is not memory (walkSections).
  bool walkSections(uint64_t pos);
  /// Reads the section table's bytes: `win` becomes [from, to) of the file.
  bool readWindow(FileWindow &win, uint64_t from, uint64_t to);
  bool readSectionHeader(ByteCursor &in, uint8_t &id, ByteCursor &data,
                         uint64_t *alignmentOut = nullptr);
  bool readStrings();
  bool readDialects();
  bool readProperties();
  bool readResources();
  /// A well-formed blob header of the entry at [begin, begin + size): its
  /// alignment and where its data starts. False for anything else.
  bool readBlobHeader(uint64_t begin, uint64_t size, uint64_t &alignment,
                      uint64_t &dataAt);
  /// The first bytes of the resource entry [begin, end) (all of it from a
  /// source in memory): what a bool, a string or a malformed blob header
  /// needs.
  bool readEntry(uint64_t begin, uint64_t end, FileWindow &window) {
    uint64_t n = end - begin;
    if (!file->memory())
      n = std::min(n, kEntryHeaderBytes);
    return readWindow(window, begin, begin + n);
  }
  bool readResourceGroup(ByteCursor &offsets, ByteCursor &data,
                         llvm::StringRef group, bool isDialect,
                         uint64_t groupId);
  bool readAttrTypeOffsets();
  bool readIR();
  bool readBlockHeader(Frame &frame);
  bool readOp(Frame &frame, bool &pushedChild);
  bool readUseListOrders(ByteCursor &in, uint64_t rangeSize);
  bool defineValues(ByteCursor &in, uint64_t count, ValueRecord::Kind kind,
                    uint32_t owner);
  bool scanDenseResources();
  /// Records the inline weights: builtin elements attributes and VHLO
  /// tensor constants (`#vhlo.tensor_v1`), whose bytes sit in the attribute
  /// section, and parameter references kept as assembly text; then names
  /// each after the op holding it (Weight.h).
  void scanInlineWeights();
  /// The attribute indices an op's properties and attribute dictionary
  /// name directly (for finding the op that holds a weight); with `guess`,
  /// also those properties its dialect may have written as indices.
  void attributesOf(uint32_t op, bool guess,
                    llvm::SmallVectorImpl<uint64_t> &out);
  /// Drops the placeholder records of forward references (see defineValues).
  void compactValues();

  bool string(ByteCursor &in, llvm::StringRef &out) {
    uint64_t idx;
    if (!in.readVarInt(idx, "a string index"))
      return false;
    return stringAt(in, idx, out);
  }
  bool stringAt(ByteCursor &in, uint64_t idx, llvm::StringRef &out) {
    if (idx >= strings.size())
      return in.fail("a string index below " + llvm::Twine(strings.size()) +
                     ", got " + llvm::Twine(idx));
    out = strings[idx];
    return true;
  }
  /// Returns the symbol name from a builtin DictionaryAttr's `sym_name`.
  std::optional<llvm::StringRef> symbolFromDictionary(uint64_t idx);
  /// `sym_name` of an op whose property fields are known.
  std::optional<llvm::StringRef> knownSymbol(uint64_t nameIdx, uint64_t props);
  /// Guesses the symbol name from a native properties entry.
  std::optional<llvm::StringRef> symbolFromProperties(uint64_t idx);

  std::shared_ptr<ByteSource> file;
  std::unique_ptr<ModelIndex> index;
  uint64_t minInlineBytes;
  ReadFailure failure;
  /// A read the source refused, reported as the source said it.
  std::optional<std::string> sourceError;
  /// Failures while lazily decoding entries are not fatal for the index;
  /// they make the entry opaque.
  ReadFailure scratch;

  std::optional<std::pair<uint64_t, uint64_t>> sections[kNumSections];
  /// The bytes walkSections is reading headers from.
  FileWindow walkWindow;
  /// Each section's bytes but the resource section's (blob data is never
  /// read: its entries are located from the offset section and a few header
  /// bytes each).
  FileWindow bytes[kNumSections];
  std::vector<llvm::StringRef> strings;
  std::vector<uint32_t> opNameDialect;
  uint32_t builtinDialect = kNone;
  /// StableHLO's portable dialect, whose encodings mlirscope reads without
  /// linking StableHLO (VhloBytecode.h).
  uint32_t vhloDialect = kNone;
  std::vector<AttrTypeEntry> attrs, types;
  /// Decodes entries on demand; created once the tables are read, and kept
  /// by the index for op details.
  std::shared_ptr<AttrTypeReader> reader;
  std::optional<llvm::DenseSet<uint64_t>> locationStrings;
  /// Dialect resource handles, in file order: the key and the index of its
  /// Resource (kNone for a declaration without data).
  std::vector<std::pair<std::string, uint32_t>> handles;
  uint64_t numProperties = 0;
  /// Byte range of each properties entry (its data, after the size).
  std::vector<std::pair<uint64_t, uint64_t>> properties;

  // IR walk state.
  std::vector<ByteCursor> cursors;
  std::vector<Frame> frames;
  std::vector<ValueScope> scopes;
  uint64_t unresolvedValues = 0;
  /// (placeholder, definition) value records of forward references.
  std::vector<std::pair<uint32_t, uint32_t>> forwarded;
};

bool BytecodeIndexer::readSectionHeader(ByteCursor &in, uint8_t &id,
                                        ByteCursor &data,
                                        uint64_t *alignmentOut) {
  uint8_t idAndAlign;
  uint64_t length;
  uint64_t at = in.offset();
  if (!in.readByte(idAndAlign, "a section ID"))
    return false;
  id = idAndAlign & ~kSectionAlignedBit;
  if (id >= kNumSections)
    return failure.fail(at, "a section ID below 9, got " +
                                llvm::Twine(unsigned(id)));
  if (!in.readVarInt(length, "a section length"))
    return false;
  if (idAndAlign & kSectionAlignedBit) {
    uint64_t alignment;
    if (!in.readVarInt(alignment, "a section alignment") ||
        !in.alignTo(alignment))
      return false;
    if (alignmentOut)
      *alignmentOut = alignment;
  }
  return in.take(length, data, "section contents");
}

bool BytecodeIndexer::readWindow(FileWindow &win, uint64_t from, uint64_t to) {
  auto span = file->read(from, to - from);
  if (!span) {
    // The source's own message (a network error, a truncated file) says
    // more than an offset would.
    sourceError = llvm::toString(span.takeError());
    return failure.fail(from, "readable bytes");
  }
  win = FileWindow(std::move(*span), from);
  return true;
}

bool BytecodeIndexer::readAll() {
  const uint64_t size = file->size();
  // A source in memory is one window; others are read from the start, and
  // walkSections reads on past the resource section's data.
  const bool inMemory = file->memory() || size == 0;
  FileWindow head;
  if (!readWindow(head, 0, inMemory ? size : std::min(size, kHeadBytes)))
    return false;
  ByteCursor in = head.cursor(0, head.end(), failure);
  in.setWindowName("file");
  if (size < 4 || std::memcmp(head.at(0), "ML\xEFR", 4) != 0)
    return failure.fail(0, "the bytecode magic 'ML\\xEFR'");
  in.skip(4);
  uint64_t version;
  if (!in.readVarInt(version, "the bytecode version"))
    return false;
  if (version > kMaxVersion)
    return failure.fail(4, "a bytecode version of at most 6, got " +
                               llvm::Twine(version));
  index->bytecodeVersion = version;
  llvm::StringRef producer;
  if (!in.readCString(producer, "a producer string"))
    return false;
  index->producer = producer.str();
  index->layout.headerEnd = in.offset();
  walkWindow = std::move(head);
  if (!walkSections(in.offset()))
    return false;
  for (unsigned id : {kString, kDialect, kAttrType, kAttrTypeOffset, kIR})
    if (!sections[id])
      return failure.fail(size, llvm::Twine("a ") + sectionName(id) +
                                    " section before the end of the file");
  if (version >= kNativePropertiesEncoding && !sections[kProperties])
    return failure.fail(size, "a properties section (required from version 5)");
  if (sections[kResource].has_value() != sections[kResourceOffset].has_value())
    return failure.fail(size, "both a resource and a resource offset section");
  // Every section but the resource section, as one span each: pointers into
  // a mapping, or bytes the walk already fetched.
  for (unsigned id = 0; id < kNumSections; ++id)
    if (sections[id] && id != kResource &&
        !readWindow(bytes[id], sections[id]->first, sections[id]->second))
      return false;
  walkWindow = FileWindow();

  return readStrings() && readDialects() && readProperties() &&
         readResources() && readAttrTypeOffsets() && readIR() &&
         scanDenseResources() && (scanInlineWeights(), true);
}

/// Section headers sit between the sections. A source in memory is walked
/// in its one window. Other sources are read in a few large reads, none of
/// them into the resource section's data: past a section that ends beyond
/// the window, the next read starts where the window ends (the rest of that
/// section, the next headers); past the resource section, it takes the rest
/// of the file (the resource offsets, strings and properties, all needed).
/// So a model as MLIR writes it, whose IR fits the first read, costs two
/// reads here.
bool BytecodeIndexer::walkSections(uint64_t pos) {
  const uint64_t size = file->size();
  FileWindow &win = walkWindow;
  while (pos < size) {
    uint64_t headerAt = pos;
    if (!win.covers(pos, std::min(size, pos + kMaxSectionHeader)) &&
        !readWindow(win, pos, std::min(size, pos + kSlackBytes)))
      return false;
    ByteCursor in = win.cursor(pos, win.end(), failure);
    in.setWindowName("file");
    uint8_t idAndAlign, id;
    uint64_t length, alignment = 0;
    if (!in.readByte(idAndAlign, "a section ID"))
      return false;
    id = idAndAlign & ~kSectionAlignedBit;
    if (id >= kNumSections)
      return failure.fail(headerAt, "a section ID below 9, got " +
                                        llvm::Twine(unsigned(id)));
    if (!in.readVarInt(length, "a section length"))
      return false;
    if (idAndAlign & kSectionAlignedBit) {
      if (!in.readVarInt(alignment, "a section alignment"))
        return false;
      // The padding must be in the window before alignTo checks it.
      uint64_t at = in.offset();
      if (alignment && !(alignment & (alignment - 1)) &&
          alignment <= (1ull << 32)) {
        uint64_t padEnd = std::min(size, llvm::alignTo(at, alignment));
        if (!win.covers(at, padEnd)) {
          if (!readWindow(win, headerAt,
                          std::min(size, std::max(padEnd, headerAt +
                                                              kSlackBytes))))
            return false;
          in = win.cursor(at, win.end(), failure);
          in.setWindowName("file");
        }
      }
      if (!in.alignTo(alignment))
        return false;
    }
    uint64_t dataBegin = in.offset();
    if (length > size - dataBegin)
      return failure.fail(dataBegin,
                          "section contents of " + llvm::Twine(length) +
                              " bytes, but only " +
                              llvm::Twine(size - dataBegin) + " remain");
    uint64_t dataEnd = dataBegin + length;
    index->layout.sections.push_back(
        {id, headerAt, dataBegin, dataEnd, alignment});
    if (sections[id])
      return failure.fail(headerAt, llvm::Twine("one ") + sectionName(id) +
                                        " section, found a second one");
    sections[id] = {dataBegin, dataEnd};
    index->sections.push_back({sectionName(id), headerAt, dataEnd - headerAt});
    pos = dataEnd;
    if (pos >= size || win.covers(pos, std::min(size, pos + kMaxSectionHeader)))
      continue;
    if (id == kResource) {
      if (!readWindow(win, pos, size))
        return false;
    } else if (pos > win.end()) {
      // The rest of this section and the headers after it, in one read.
      if (!readWindow(win, win.end(), std::min(size, pos + kSlackBytes)))
        return false;
    }
  }
  return true;
}

bool BytecodeIndexer::readStrings() {
  auto [begin, end] = *sections[kString];
  ByteCursor in = bytes[kString].cursor(begin, end, failure);
  uint64_t count;
  if (!in.readVarInt(count, "the string count"))
    return false;
  index->layout.stringCountSize = in.offset() - begin;
  // Each string costs at least a size byte and a NUL.
  if (count > (end - begin) / 2)
    return in.fail("a string count that fits the section, got " +
                   llvm::Twine(count));
  strings.resize(count);
  // Sizes are listed last string first; the data sits at the section's end.
  uint64_t dataEnd = end;
  for (size_t i = count; i-- > 0;) {
    uint64_t len;
    if (!in.readVarInt(len, "a string size"))
      return false;
    // The sizes must not run into the string data they describe.
    if (len == 0 || in.offset() > dataEnd || len > dataEnd - in.offset())
      return in.fail("a string size within the section, got " +
                     llvm::Twine(len));
    dataEnd -= len;
    strings[i] = llvm::StringRef(
        reinterpret_cast<const char *>(bytes[kString].at(dataEnd)), len - 1);
  }
  if (in.offset() != dataEnd)
    return in.fail("string data right after the string sizes");
  index->layout.strings.assign(strings.begin(), strings.end());
  return true;
}

bool BytecodeIndexer::readDialects() {
  auto [begin, end] = *sections[kDialect];
  ByteCursor in = bytes[kDialect].cursor(begin, end, failure);
  uint64_t version = index->bytecodeVersion;
  uint64_t count;
  if (!in.readVarInt(count, "the dialect count"))
    return false;
  if (count > end - begin)
    return in.fail("a dialect count that fits the section, got " +
                   llvm::Twine(count));
  for (uint64_t i = 0; i < count; ++i) {
    llvm::StringRef name;
    if (version < kDialectVersioning) {
      if (!string(in, name))
        return false;
    } else {
      uint64_t nameIdx;
      bool hasVersion;
      if (!in.readVarIntWithFlag(nameIdx, hasVersion, "a dialect name") ||
          !stringAt(in, nameIdx, name))
        return false;
      if (hasVersion) {
        uint8_t id;
        ByteCursor versionData(nullptr, 0, 0, failure);
        uint64_t at = in.offset();
        if (!readSectionHeader(in, id, versionData))
          return false;
        if (id != kDialectVersions)
          return failure.fail(at, "a dialect version section");
      }
    }
    if (name == "builtin" && builtinDialect == kNone)
      builtinDialect = i;
    if (name == vhlo::kDialectName && vhloDialect == kNone)
      vhloDialect = i;
    index->dialects.push_back(name.str());
  }
  // Since version 4 the total comes first (MLIR's reader reserves that many
  // names): it must fit the section and match the names that follow.
  std::optional<uint64_t> numOps;
  uint64_t numOpsAt = in.offset();
  if (version >= kElideUnknownBlockArgLocation) {
    uint64_t n;
    if (!in.readVarInt(n, "the op name count"))
      return false;
    if (n > in.remaining())
      return in.fail("an op name count that fits the section, got " +
                     llvm::Twine(n));
    numOps = n;
  }
  while (!in.empty()) {
    uint64_t dialect, numNames;
    if (!in.readVarInt(dialect, "a dialect index"))
      return false;
    if (dialect >= index->dialects.size())
      return in.fail("a dialect index below " +
                     llvm::Twine(index->dialects.size()));
    if (!in.readVarInt(numNames, "an op name count"))
      return false;
    for (uint64_t i = 0; i < numNames; ++i) {
      llvm::StringRef name;
      OpName op;
      if (version < kNativePropertiesEncoding) {
        if (!string(in, name))
          return false;
      } else {
        uint64_t idx;
        bool registered;
        if (!in.readVarIntWithFlag(idx, registered, "an op name") ||
            !stringAt(in, idx, name))
          return false;
        op.wasRegistered = registered;
      }
      op.dialect = index->dialects[dialect];
      // An empty name is an old unregistered op spelled without a dot.
      op.name = name.empty() ? op.dialect : op.dialect + "." + name.str();
      index->opNames.push_back(std::move(op));
    }
  }
  if (numOps && *numOps != index->opNames.size())
    return failure.fail(numOpsAt, llvm::Twine(*numOps) + " op names as "
                                      "counted, found " +
                                      llvm::Twine(index->opNames.size()));
  return true;
}

bool BytecodeIndexer::readProperties() {
  if (!sections[kProperties])
    return true;
  auto [begin, end] = *sections[kProperties];
  if (begin == end)
    return true;
  ByteCursor in = bytes[kProperties].cursor(begin, end, failure);
  uint64_t count;
  if (!in.readVarInt(count, "the properties count"))
    return false;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t size;
    if (!in.readVarInt(size, "a properties entry size"))
      return false;
    uint64_t at = in.offset();
    if (!in.skip(size, "bytes of a properties entry"))
      return false;
    properties.emplace_back(at, at + size);
  }
  if (!in.empty())
    return in.fail("the end of the properties section");
  numProperties = count;
  return true;
}

bool BytecodeIndexer::readBlobHeader(uint64_t begin, uint64_t size,
                                     uint64_t &alignment, uint64_t &dataAt) {
  // Read with pread (or from what prefetchResourceEntries fetched), never
  // through a mapping, so no page of a weight is mapped while indexing.
  uint8_t buf[kEntryHeaderBytes];
  size_t want = size_t(std::min<uint64_t>(size, sizeof(buf)));
  size_t n = file->readAt(begin, buf, want);
  if (n != want)
    return false;
  ReadFailure ignored;
  ByteCursor in(buf, 0, n, ignored);
  uint64_t blobSize;
  if (!in.readVarInt(alignment) || !in.readVarInt(blobSize) || alignment == 0 ||
      (alignment & (alignment - 1)) || alignment > (1ull << 32))
    return false;
  uint64_t pos = begin + in.offset();
  for (; pos % alignment; ++pos) {
    // Padding past what was read is checked through the mapping (the
    // caller's exact path); a source that is not memory locates the data by
    // the alignment alone rather than fetch up to 4 GiB of padding.
    if (pos - begin >= n) {
      if (file->memory())
        return false;
      pos = llvm::alignTo(pos, alignment);
      break;
    }
    if (buf[pos - begin] != 0xCB)
      return false;
  }
  if (pos > begin + size)
    return false;
  if (blobSize != begin + size - pos)
    return false;
  dataAt = pos;
  return true;
}

bool BytecodeIndexer::readResourceGroup(ByteCursor &offsets, ByteCursor &data,
                                        llvm::StringRef group, bool isDialect,
                                        uint64_t groupId) {
  uint64_t count;
  if (!offsets.readVarInt(count, "a resource count"))
    return false;
  BytecodeLayout::Group layoutGroup;
  layoutGroup.isDialect = isDialect;
  layoutGroup.id = groupId;
  for (uint64_t i = 0; i < count; ++i) {
    llvm::StringRef key;
    uint64_t size, keyIdx;
    uint8_t kind;
    if (!offsets.readVarInt(keyIdx, "a string index") ||
        !stringAt(offsets, keyIdx, key) ||
        !offsets.readVarInt(size, "a resource size") ||
        !offsets.readByte(kind, "a resource kind"))
      return false;
    if (kind > 2)
      return offsets.fail("a resource kind of 0 (blob), 1 (bool) or "
                          "2 (string), got " + llvm::Twine(unsigned(kind)));
    ByteCursor entry(nullptr, 0, 0, failure);
    if (!data.take(size, entry, "resource data"))
      return false;
    const uint64_t entryEnd = entry.end();
    layoutGroup.entries.push_back({keyIdx, kind, entry.begin(), size, kNone});
    // A dialect resource without data only declares its key.
    if (size == 0 && isDialect) {
      handles.emplace_back(key.str(), kNone);
      continue;
    }
    Resource r;
    r.group = group.str();
    r.isDialectGroup = isDialect;
    r.key = key.str();
    r.kind = static_cast<ResourceKind>(kind);
    if (r.kind == ResourceKind::Blob &&
        readBlobHeader(entry.begin(), size, r.alignment, r.dataOffset)) {
      r.size = entry.end() - r.dataOffset;
    } else if (r.kind == ResourceKind::Blob) {
      // The entry's own bytes, for the exact error (readBlobHeader only
      // knows well-formed headers).
      FileWindow window;
      if (!readEntry(entry.begin(), entryEnd, window))
        return false;
      entry = window.cursor(entry.begin(), window.end(), failure);
      uint64_t alignment, blobSize;
      if (!entry.readVarInt(alignment, "a blob alignment") ||
          !entry.readVarInt(blobSize, "a blob size"))
        return false;
      uint64_t at = entry.offset();
      if (alignment && !(alignment & (alignment - 1)) &&
          alignment <= (1ull << 32) &&
          !window.covers(at, std::min(entryEnd, llvm::alignTo(at, alignment)))) {
        if (!readWindow(window, window.begin,
                        std::min(entryEnd, llvm::alignTo(at, alignment))))
          return false;
        entry = window.cursor(at, window.end(), failure);
      }
      if (!entry.alignTo(alignment))
        return false;
      if (blobSize != entryEnd - entry.offset())
        return entry.fail("a blob of " + llvm::Twine(blobSize) +
                          " bytes filling its resource entry (" +
                          llvm::Twine(entryEnd - entry.offset()) +
                          " bytes left)");
      r.alignment = alignment;
      r.dataOffset = entry.offset();
      r.size = blobSize;
    } else {
      FileWindow window;
      if (!readEntry(entry.begin(), entryEnd, window))
        return false;
      entry = window.cursor(entry.begin(), window.end(), failure);
      r.dataOffset = entry.offset();
      r.size = entryEnd - entry.offset();
      if (r.kind == ResourceKind::Bool) {
        uint8_t b;
        if (!entry.readByte(b, "a bool resource"))
          return false;
        r.value = b ? "true" : "false";
      } else {
        llvm::StringRef value;
        if (!string(entry, value))
          return false;
        r.value = value.str();
      }
    }
    uint32_t resourceIdx = index->resources.size();
    index->resources.push_back(std::move(r));
    layoutGroup.entries.back().resource = resourceIdx;
    if (isDialect)
      handles.emplace_back(key.str(), resourceIdx);
  }
  index->layout.groups.push_back(std::move(layoutGroup));
  return true;
}

/// Each blob entry starts with its alignment and size, so locating N blobs
/// reads N places spread over the file: on a cold cache that is N serial disk
/// reads, over a network N round trips. Announcing them all first, in one
/// batch, lets the kernel overlap those reads and a remote source fetch them
/// together (the headers are then read with pread: readBlobHeader).
static void prefetchResourceEntries(const ByteSource &file,
                                    const FileWindow &offsetBytes,
                                    uint64_t oBegin, uint64_t oEnd,
                                    uint64_t dBegin, uint64_t dEnd) {
  ReadFailure ignored;
  ByteCursor in = offsetBytes.cursor(oBegin, oEnd, ignored);
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  uint64_t pos = dBegin;
  auto group = [&] {
    uint64_t count, key, size;
    uint8_t kind;
    if (!in.readVarInt(count))
      return false;
    for (uint64_t i = 0; i < count; ++i) {
      if (!in.readVarInt(key) || !in.readVarInt(size) || !in.readByte(kind) ||
          size > dEnd - pos)
        return false;
      if (size)
        ranges.push_back({pos, std::min(size, kEntryHeaderBytes)});
      pos += size;
    }
    return true;
  };
  uint64_t numExternal, key;
  if (in.readVarInt(numExternal)) {
    bool ok = true;
    for (uint64_t i = 0; ok && i < numExternal; ++i)
      ok = in.readVarInt(key) && group();
    while (ok && !in.empty())
      ok = in.readVarInt(key) && group();
  }
  file.prefetchRanges(ranges);
}

bool BytecodeIndexer::readResources() {
  if (!sections[kResource])
    return true;
  auto [dBegin, dEnd] = *sections[kResource];
  auto [oBegin, oEnd] = *sections[kResourceOffset];
  prefetchResourceEntries(*file, bytes[kResourceOffset], oBegin, oEnd, dBegin,
                          dEnd);
  // Bounds only: the resource section is never read as a whole (entries
  // are read one by one: readBlobHeader, readEntry).
  ByteCursor data(nullptr, dBegin, dEnd, failure);
  ByteCursor offsets =
      bytes[kResourceOffset].cursor(oBegin, oEnd, failure);
  uint64_t numExternal;
  if (!offsets.readVarInt(numExternal, "the external resource group count"))
    return false;
  for (uint64_t i = 0; i < numExternal; ++i) {
    llvm::StringRef key;
    uint64_t keyIdx;
    if (!offsets.readVarInt(keyIdx, "a string index") ||
        !stringAt(offsets, keyIdx, key) ||
        !readResourceGroup(offsets, data, key, /*isDialect=*/false, keyIdx))
      return false;
  }
  while (!offsets.empty()) {
    uint64_t dialect;
    if (!offsets.readVarInt(dialect, "a dialect index"))
      return false;
    if (dialect >= index->dialects.size())
      return offsets.fail("a dialect index below " +
                          llvm::Twine(index->dialects.size()));
    if (!readResourceGroup(offsets, data, index->dialects[dialect],
                           /*isDialect=*/true, dialect))
      return false;
  }
  return true;
}

bool BytecodeIndexer::readAttrTypeOffsets() {
  auto [dBegin, dEnd] = *sections[kAttrType];
  auto [oBegin, oEnd] = *sections[kAttrTypeOffset];
  ByteCursor in = bytes[kAttrTypeOffset].cursor(oBegin, oEnd, failure);
  uint64_t numAttrs, numTypes;
  if (!in.readVarInt(numAttrs, "the attribute count") ||
      !in.readVarInt(numTypes, "the type count"))
    return false;
  // Each entry costs at least one byte of the offset section.
  if (numAttrs > in.remaining() || numTypes > in.remaining())
    return in.fail("attribute and type counts that fit the offset section");
  attrs.resize(numAttrs);
  types.resize(numTypes);
  uint64_t offset = dBegin;
  auto readEntries = [&](std::vector<AttrTypeEntry> &entries) {
    size_t i = 0;
    while (i < entries.size()) {
      uint64_t dialect, count;
      if (!in.readVarInt(dialect, "a dialect index"))
        return false;
      if (dialect >= index->dialects.size())
        return in.fail("a dialect index below " +
                       llvm::Twine(index->dialects.size()));
      if (!in.readVarInt(count, "an entry count"))
        return false;
      if (count > entries.size() - i)
        return in.fail("at most " + llvm::Twine(entries.size() - i) +
                       " more entries, got " + llvm::Twine(count));
      for (uint64_t j = 0; j < count; ++j, ++i) {
        uint64_t size;
        bool custom;
        if (!in.readVarIntWithFlag(size, custom, "an entry size"))
          return false;
        if (size > dEnd - offset)
          return in.fail("an entry within the attr/type section");
        entries[i] = {uint32_t(dialect), custom, offset, offset + size};
        offset += size;
      }
    }
    return true;
  };
  if (!readEntries(attrs) || !readEntries(types))
    return false;
  if (!in.empty())
    return in.fail("the end of the attr/type offset section");
  std::vector<std::string> keys;
  for (auto &h : handles)
    keys.push_back(h.first);
  reader = std::make_shared<AttrTypeReader>(
      file, bytes[kAttrType], bytes[kProperties], bytes[kString].span, strings,
      index->dialects,
                                            attrs, types, std::move(keys),
                                            properties);
  index->attrTypes = reader;
  return true;
}

//===----------------------------------------------------------------------===//
// Lazy attribute/type decoding (builtin dialect only)
//===----------------------------------------------------------------------===//

std::optional<llvm::StringRef>
BytecodeIndexer::symbolFromDictionary(uint64_t idx) {
  auto entries = reader->dictionary(idx);
  if (!entries)
    return std::nullopt;
  for (auto &[name, value] : *entries)
    if (name == "sym_name")
      return reader->stringAttr(value);
  return std::nullopt;
}

std::optional<llvm::StringRef>
BytecodeIndexer::knownSymbol(uint64_t nameIdx, uint64_t props) {
  auto fields = knownPropertyFields(index->opNames[nameIdx].name);
  auto attrs = reader->propertyAttrs(props);
  if (fields.empty() || !attrs || attrs->size() != fields.size())
    return std::nullopt;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (llvm::StringRef(fields[i].name) != "sym_name")
      continue;
    uint64_t v = (*attrs)[i];
    if (fields[i].optional && v == 0)
      return std::nullopt;
    return reader->stringAttr(fields[i].optional ? v >> 1 : v);
  }
  return std::nullopt;
}

std::optional<llvm::StringRef>
BytecodeIndexer::symbolFromProperties(uint64_t idx) {
  // Native properties are op-specific and opaque without the op's definition.
  // ODS writes attribute properties in name order, each as an attribute index
  // (optional ones as `index << 1 | 1`, or 0 when absent). Symbol ops have
  // two string properties, `sym_name` and `sym_visibility`, whose values are
  // only public/private/nested. So: the first varint naming a StringAttr that
  // is not a visibility is taken as the symbol. A guess, used only for
  // display.
  if (idx >= properties.size())
    return std::nullopt;
  ByteCursor in = bytes[kProperties].cursor(properties[idx].first,
                                            properties[idx].second, scratch);
  // Strings that name files or scopes in locations are not symbols (they
  // sit among the properties of ops like linalg.generic by coincidence).
  if (!locationStrings)
    locationStrings = reader->locationStrings();
  auto isName = [&](uint64_t attr) -> std::optional<llvm::StringRef> {
    auto s = reader->stringAttr(attr);
    if (!s || s->empty() || *s == "public" || *s == "private" ||
        *s == "nested" || locationStrings->count(attr))
      return std::nullopt;
    return s;
  };
  while (!in.empty()) {
    uint64_t v;
    if (!in.readVarInt(v))
      return std::nullopt;
    if (v == 0)
      continue;
    if (v & 1)
      if (auto s = isName(v >> 1))
        return s;
    if (auto s = isName(v))
      return s;
  }
  return std::nullopt;
}

void BytecodeIndexer::attributesOf(uint32_t op, bool guess,
                                   llvm::SmallVectorImpl<uint64_t> &out) {
  const OpEncoding &enc = index->opEncodings[op];
  auto addDictionary = [&](uint64_t attr) {
    if (auto entries = reader->dictionary(attr))
      for (auto &entry : *entries)
        out.push_back(entry.second);
  };
  if (enc.properties != kNone) {
    if (auto attrs = reader->propertyAttrs(enc.properties)) {
      auto fields = knownPropertyFields(index->getOpName(index->ops[op]));
      if (enc.propertiesAreAttribute && attrs->size() == 1) {
        addDictionary((*attrs)[0]);
      } else if (!fields.empty() && fields.size() == attrs->size()) {
        for (size_t i = 0; i < fields.size(); ++i) {
          uint64_t v = (*attrs)[i];
          if (!fields[i].optional)
            out.push_back(v);
          else if (v)
            out.push_back(v >> 1);
        }
      } else if (guess) {
        // ODS writes each attribute property as its index, an optional one
        // as `index << 1 | 1` (symbolFromProperties): both readings are
        // candidates, checked against the table of weights.
        for (uint64_t v : *attrs) {
          out.push_back(v);
          if (v & 1)
            out.push_back(v >> 1);
        }
      }
    }
  }
  if (enc.attributes != kNone)
    addDictionary(enc.attributes);
}

void BytecodeIndexer::scanInlineWeights() {
  // Weights by attribute index, in table order.
  llvm::DenseMap<uint64_t, uint32_t> byAttr;
  std::vector<Weight> found;
  std::vector<uint64_t> byAttrIndex; // found[i]'s attribute
  for (uint64_t i = 0; i < attrs.size(); ++i) {
    uint64_t typeIdx, dataOffset, size;
    bool strings = false, vhlo = false;
    if (!reader->denseElements(i, typeIdx, dataOffset, size, strings)) {
      if (vhloDialect == kNone ||
          !reader->vhloTensor(i, typeIdx, dataOffset, size)) {
        llvm::StringRef text = reader->assemblyText(i);
        if (text.starts_with("#stream.parameter.named<") ||
            text.starts_with("#flow.parameter.named<")) {
          // A parameter reference its dialect wrote as text.
          size_t length;
          if (std::optional<Weight> w = parseParameterReference(text, length)) {
            w->attrOffset = attrs[i].begin;
            byAttr[i] = found.size();
            byAttrIndex.push_back(i);
            found.push_back(std::move(*w));
          }
        }
        continue;
      }
      vhlo = true;
    }
    Weight w;
    w.kind = WeightKind::Inline;
    w.encoding = strings ? WeightEncoding::Strings : WeightEncoding::Raw;
    w.offset = dataOffset;
    w.size = size;
    w.attrOffset = attrs[i].begin;
    if (const DecodedType *d = reader->decodeType(typeIdx); d && d->shaped)
      w.type = d->tensor;
    if (strings) {
      w.dataBytes = size;
    } else {
      bool oneByteSplat = false;
      if (!vhlo && size == 1) {
        uint8_t byte = *bytes[kAttrType].at(dataOffset);
        oneByteSplat = byte == 0 || byte == 0xff;
      }
      classifyElementsData(w, size, oneByteSplat);
    }
    byAttr[i] = found.size();
    byAttrIndex.push_back(i);
    found.push_back(std::move(w));
  }
  if (found.empty())
    return;

  // The holder of each weight: the first op, in IR order, that names its
  // attribute directly. Names follow Weight.h: the holder's symbol, else
  // `@scope/op#N` with N counting that scope's holders of that op name.
  // Exact readings first (dictionaries, properties of known layout), then
  // guesses for weights no op named exactly: a guess can hit any index.
  std::vector<std::vector<uint32_t>> holders(found.size());
  llvm::SmallVector<uint64_t, 8> named;
  uint32_t numOps = std::min(index->ops.size(), index->opEncodings.size());
  for (bool guess : {false, true}) {
    for (uint32_t op = 0; op < numOps; ++op) {
      named.clear();
      attributesOf(op, guess, named);
      for (uint64_t attr : named) {
        auto it = byAttr.find(attr);
        if (it == byAttr.end() || found[it->second].op != kNone)
          continue;
        found[it->second].op = op;
      }
    }
  }
  std::map<std::pair<uint32_t, uint32_t>, unsigned> counters;
  // Holders in IR order, each with the weights it holds in attribute order.
  std::vector<std::pair<uint32_t, uint32_t>> byHolder;
  for (uint32_t i = 0; i < found.size(); ++i)
    if (found[i].op != kNone)
      byHolder.push_back({found[i].op, i});
  llvm::sort(byHolder);
  for (size_t h = 0; h < byHolder.size();) {
    uint32_t op = byHolder[h].first;
    named.clear();
    for (; h < byHolder.size() && byHolder[h].first == op; ++h)
      named.push_back(byAttrIndex[byHolder[h].second]);
    std::string base;
    unsigned held = 0;
    for (uint64_t attr : named) {
      auto it = byAttr.find(attr);
      if (it == byAttr.end())
        continue;
      Weight &w = found[it->second];
      const OpRecord &rec = index->ops[op];
      w.opName = index->getOpName(rec).str();
      if (w.kind == WeightKind::Parameter)
        continue; // named by its key
      if (held++) {
        w.name = base + "." + std::to_string(held - 1);
        continue;
      }
      if (!rec.symbol.empty()) {
        base = "@" + rec.symbol;
      } else {
        uint32_t scope = rec.parent;
        while (scope != kNone && index->ops[scope].symbol.empty())
          scope = index->ops[scope].parent;
        unsigned k = counters[{scope, rec.name}]++;
        base = (scope == kNone ? "" : "@" + index->ops[scope].symbol) + "/" +
               w.opName + "#" + std::to_string(k);
      }
      w.name = base;
    }
  }
  // Listed in IR order of their holders, then those no op names.
  unsigned unheld = 0;
  for (auto [op, i] : byHolder)
    index->weights.push_back(std::move(found[i]));
  for (Weight &w : found) {
    if (w.op != kNone)
      continue;
    if (w.name.empty())
      w.name = "/elements#" + std::to_string(unheld++);
    index->weights.push_back(std::move(w));
  }
}

bool BytecodeIndexer::scanDenseResources() {
  if (builtinDialect == kNone)
    return true;
  for (uint64_t i = 0; i < attrs.size(); ++i) {
    uint64_t typeIdx, handle;
    if (!reader->denseResource(i, typeIdx, handle))
      continue;
    ResourceReference ref;
    ref.offset = attrs[i].begin;
    if (handle < handles.size())
      ref.key = handles[handle].first;
    else
      ref.key = "<invalid resource handle " + std::to_string(handle) + ">";
    if (const DecodedType *t = reader->decodeType(typeIdx); t && t->shaped)
      ref.type = t->tensor;
    index->references.push_back(std::move(ref));
  }
  return true;
}

//===----------------------------------------------------------------------===//
// IR section walk
//===----------------------------------------------------------------------===//

bool BytecodeIndexer::defineValues(ByteCursor &in, uint64_t count,
                                   ValueRecord::Kind kind, uint32_t owner) {
  ValueScope &scope = scopes.back();
  if (scope.nextID.empty())
    return in.fail("values defined inside a region");
  uint64_t &next = scope.nextID.back();
  if (count > scope.size - next)
    return in.fail("value IDs within the region's " +
                   llvm::Twine(scope.size) + " values");
  for (uint64_t i = 0; i < count; ++i, ++next) {
    auto [it, inserted] = scope.slots.try_emplace(next, 0);
    if (inserted) {
      it->second = index->values.size();
      index->values.push_back({kind, owner, uint32_t(i)});
      scope.remember(next);
    } else {
      if (index->values[it->second].kind != ValueRecord::Kind::Unresolved)
        return in.fail("a value defined only once");
      // A forward-referenced value: the definition gets a new record so an
      // op's results (a block's arguments) stay contiguous; operands that
      // named the placeholder are redirected at the end (compactValues).
      uint32_t defined = index->values.size();
      index->values.push_back({kind, owner, uint32_t(i)});
      forwarded.emplace_back(it->second, defined);
      it->second = defined;
      --unresolvedValues;
    }
  }
  return true;
}

bool BytecodeIndexer::readUseListOrders(ByteCursor &in, uint64_t rangeSize) {
  uint64_t numToRead = 1;
  if (rangeSize > 1 && !in.readVarInt(numToRead, "a use-list count"))
    return false;
  for (uint64_t v = 0; v < numToRead; ++v) {
    uint64_t idx = 0, numIndices;
    bool pairs;
    if (rangeSize > 1 && !in.readVarInt(idx, "a use-list value index"))
      return false;
    if (!in.readVarIntWithFlag(numIndices, pairs, "a use-list size"))
      return false;
    for (uint64_t i = 0; i < numIndices; ++i) {
      uint64_t x;
      if (!in.readVarInt(x, "a use-list index"))
        return false;
    }
  }
  return true;
}

bool BytecodeIndexer::readBlockHeader(Frame &frame) {
  ByteCursor &in = cursors[frame.cursor];
  bool hasArgs;
  if (!in.readVarIntWithFlag(frame.opsLeft, hasArgs, "a block header"))
    return false;
  if (frame.owner != kNone)
    ++index->ops[frame.owner].numBlocks;
  frame.currentBlock = index->blocks.size();
  if (frame.firstBlock == kNone)
    frame.firstBlock = frame.currentBlock;
  index->blocks.push_back({frame.owner, frame.region, kNone, 0});
  if (!hasArgs)
    return true;
  uint64_t numArgs;
  if (!in.readVarInt(numArgs, "a block argument count"))
    return false;
  if (numArgs > in.remaining())
    return in.fail("a block argument count that fits the section");
  uint64_t version = index->bytecodeVersion;
  llvm::SmallVector<uint32_t, 8> argTypes;
  for (uint64_t i = 0; i < numArgs; ++i) {
    uint64_t typeIdx, loc;
    if (version >= kElideUnknownBlockArgLocation) {
      bool hasLoc;
      if (!in.readVarIntWithFlag(typeIdx, hasLoc, "a block argument type"))
        return false;
      if (hasLoc && !in.readVarInt(loc, "a block argument location"))
        return false;
    } else if (!in.readVarInt(typeIdx, "a block argument type") ||
               !in.readVarInt(loc, "a block argument location")) {
      return false;
    }
    if (typeIdx >= types.size())
      return in.fail("a type index below " + llvm::Twine(types.size()));
    argTypes.push_back(uint32_t(typeIdx));
  }
  uint32_t firstArg = index->values.size();
  if (!defineValues(in, numArgs, ValueRecord::Kind::BlockArgument, frame.owner))
    return false;
  // defineValues appends one record per argument, in order.
  for (uint64_t i = 0; i < numArgs; ++i)
    index->values[firstArg + i].type = argTypes[i];
  index->blocks[frame.currentBlock].firstArgument = firstArg;
  index->blocks[frame.currentBlock].numArguments = numArgs;
  if (version < kUseListOrdering)
    return true;
  uint8_t hasOrders = 0;
  if (!in.readByte(hasOrders, "a use-list flag"))
    return false;
  return !hasOrders || readUseListOrders(in, numArgs);
}

bool BytecodeIndexer::readOp(Frame &frame, bool &pushedChild) {
  ByteCursor &in = cursors[frame.cursor];
  const uint64_t version = index->bytecodeVersion;
  OpRecord op;
  op.offset = in.offset();
  op.parent = frame.owner;
  op.depth = frame.depth;
  uint64_t nameIdx, loc;
  uint8_t mask = 0;
  if (!in.readVarInt(nameIdx, "an op name index"))
    return false;
  if (nameIdx >= index->opNames.size())
    return in.fail("an op name index below " +
                   llvm::Twine(index->opNames.size()));
  op.name = nameIdx;
  if (!in.readByte(mask, "an op encoding mask") ||
      !in.readVarInt(loc, "an op location"))
    return false;
  if (loc >= attrs.size())
    return in.fail("an attribute index below " + llvm::Twine(attrs.size()));
  op.block = frame.currentBlock;
  OpEncoding encoding;
  encoding.location = loc;
  if (mask & kHasAttrs) {
    uint64_t dict;
    if (!in.readVarInt(dict, "an attribute dictionary index"))
      return false;
    if (dict >= attrs.size())
      return in.fail("an attribute index below " + llvm::Twine(attrs.size()));
    encoding.attributes = dict;
    if (auto sym = symbolFromDictionary(dict))
      op.symbol = sym->str();
  }
  std::optional<uint64_t> registeredProps;
  if (mask & kHasProperties) {
    const std::optional<bool> &registered =
        index->opNames[nameIdx].wasRegistered;
    if (!registered)
      return in.fail("no properties before bytecode version 5");
    uint64_t prop;
    if (!in.readVarInt(prop, "a properties index"))
      return false;
    // An entry of the properties section; for an op not registered when it
    // was written, the entry is one attribute (a DictionaryAttr).
    uint64_t limit = numProperties;
    if (prop >= limit)
      return in.fail("a properties index below " + llvm::Twine(limit));
    if (*registered)
      registeredProps = prop;
    encoding.properties = prop;
    encoding.propertiesAreAttribute = !*registered;
  }
  uint64_t numResults = 0;
  llvm::SmallVector<uint32_t, 4> resultTypes;
  if (mask & kHasResults) {
    if (!in.readVarInt(numResults, "a result count"))
      return false;
    if (numResults > in.remaining())
      return in.fail("a result count that fits the section");
    for (uint64_t i = 0; i < numResults; ++i) {
      uint64_t t;
      if (!in.readVarInt(t, "a result type index"))
        return false;
      if (t >= types.size())
        return in.fail("a type index below " + llvm::Twine(types.size()));
      resultTypes.push_back(uint32_t(t));
    }
  }
  op.firstOperand = index->operands.size();
  if (mask & kHasOperands) {
    uint64_t numOperands;
    if (!in.readVarInt(numOperands, "an operand count"))
      return false;
    ValueScope &scope = scopes.back();
    for (uint64_t i = 0; i < numOperands; ++i) {
      uint64_t v;
      if (!in.readVarInt(v, "an operand value index"))
        return false;
      if (v >= scope.size)
        return in.fail("a value index below " + llvm::Twine(scope.size));
      auto [it, inserted] = scope.slots.try_emplace(v, 0);
      if (inserted) {
        // A forward reference: resolved when the value is defined.
        it->second = index->values.size();
        index->values.push_back({});
        scope.remember(v);
        ++unresolvedValues;
      }
      index->operands.push_back(it->second);
    }
    op.numOperands = numOperands;
  }
  if (mask & kHasSuccessors) {
    uint64_t n;
    if (!in.readVarInt(n, "a successor count"))
      return false;
    if (n > in.remaining())
      return in.fail("a successor count that fits the section");
    op.firstSuccessor = index->successors.size();
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t b;
      if (!in.readVarInt(b, "a successor block index"))
        return false;
      if (b >= frame.numBlocks)
        return in.fail("a successor index below " +
                       llvm::Twine(frame.numBlocks));
      // Blocks of a region are numbered in order from its first.
      index->successors.push_back(frame.firstBlock + uint32_t(b));
    }
    op.numSuccessors = n;
  }
  if (version >= kUseListOrdering && (mask & kHasUseListOrders) &&
      !readUseListOrders(in, numResults))
    return false;
  uint64_t numRegions = 0;
  bool isolated = false;
  if (mask & kHasInlineRegions) {
    if (!in.readVarIntWithFlag(numRegions, isolated, "a region count"))
      return false;
    if (numRegions > in.remaining() + 1)
      return in.fail("a region count that fits the section");
  }
  op.numRegions = numRegions;
  op.isolatedFromAbove = isolated;
  // Only ops with bodies (functions, modules) get a guessed symbol: a leading
  // StringAttr property on other ops is too often something else.
  // Exact for ops whose properties mlirscope knows (func.func,
  // builtin.module, vhlo.func_v1: VhloBytecode.h); a guess for others.
  if (op.symbol.empty() && registeredProps)
    if (auto sym = knownSymbol(nameIdx, *registeredProps))
      op.symbol = sym->str();
  // Symbol ops with bodies (functions, modules) are isolated from above;
  // linalg.generic and the like are not, and a string among their
  // properties is often a location's file name.
  if (op.symbol.empty() && registeredProps && numRegions && isolated &&
      knownPropertyFields(index->opNames[nameIdx].name).empty())
    if (auto sym = symbolFromProperties(*registeredProps))
      op.symbol = sym->str();
  op.numResults = numResults;

  uint32_t opIdx = index->ops.size();
  index->ops.push_back(std::move(op));
  index->opEncodings.push_back(encoding);
  // Results become values only inside a region that declares values (the
  // top-level block declares none).
  if (frame.numValues && numResults) {
    uint32_t first = index->values.size();
    index->ops[opIdx].firstResult = first;
    if (!defineValues(in, numResults, ValueRecord::Kind::OpResult, opIdx))
      return false;
    for (uint64_t i = 0; i < numResults; ++i)
      index->values[first + i].type = resultTypes[i];
  }

  pushedChild = false;
  if (!numRegions)
    return true;
  Frame child{frame.cursor, false, opIdx, numRegions, isolated};
  child.depth = frame.depth + 1;
  if (isolated && version >= kLazyLoading) {
    uint8_t id;
    ByteCursor section(nullptr, 0, 0, failure);
    uint64_t at = in.offset();
    if (!readSectionHeader(in, id, section))
      return false;
    if (id != kIR)
      return failure.fail(at, "an IR section for an isolated region");
    child.cursor = cursors.size();
    child.ownsCursor = true;
    cursors.push_back(section);
  }
  if (isolated)
    scopes.emplace_back();
  frames.push_back(child);
  pushedChild = true;
  return true;
}

bool BytecodeIndexer::readIR() {
  auto [begin, end] = *sections[kIR];
  file->populate(begin, end - begin);
  // Ops take 10-40 bytes of the IR section each in generated and real
  // models: reserving one per 8 bytes spares the vector's regrowth (its
  // copies and fresh pages were a tenth of indexing a 189k-op model). The
  // unused tail is address space only: pages never touched are never mapped.
  index->ops.reserve(index->ops.size() + (end - begin) / 8);
  cursors.push_back(bytes[kIR].cursor(begin, end, failure));
  Frame top{0, false, kNone, 0, true};
  top.depth = 0;
  top.inRegion = true;
  top.numBlocks = 1;
  scopes.emplace_back();
  scopes.back().push(0);
  if (!readBlockHeader(top))
    return false;
  frames.push_back(top);

  while (!frames.empty()) {
    size_t fi = frames.size() - 1;
    if (!frames[fi].inRegion) {
      if (frames[fi].regionsLeft == 0) {
        Frame done = frames.back();
        frames.pop_back();
        if (done.isolated)
          scopes.pop_back();
        if (done.ownsCursor)
          cursors.pop_back();
        continue;
      }
      ByteCursor &in = cursors[frames[fi].cursor];
      --frames[fi].regionsLeft;
      uint64_t numBlocks, numValues;
      if (!in.readVarInt(numBlocks, "a region's block count"))
        return false;
      if (numBlocks == 0)
        continue;
      if (!in.readVarInt(numValues, "a region's value count"))
        return false;
      // Every value is defined by at least one byte of the IR section.
      if (numValues > end - begin)
        return in.fail("a value count that fits the IR section, got " +
                       llvm::Twine(numValues));
      if (numBlocks > in.remaining())
        return in.fail("a block count that fits the section, got " +
                       llvm::Twine(numBlocks));
      Frame &f = frames[fi];
      f.inRegion = true;
      f.numBlocks = numBlocks;
      f.region = index->ops[f.owner].numRegions - f.regionsLeft - 1;
      f.firstBlock = kNone;
      f.blocksLeft = numBlocks - 1;
      f.numValues = numValues;
      scopes.back().push(numValues);
      if (!readBlockHeader(frames[fi]))
        return false;
    }
    bool descended = false;
    while (frames[fi].opsLeft) {
      --frames[fi].opsLeft;
      if (!readOp(frames[fi], descended))
        return false;
      if (descended)
        break;
    }
    if (descended)
      continue;
    if (frames[fi].blocksLeft) {
      --frames[fi].blocksLeft;
      if (!readBlockHeader(frames[fi]))
        return false;
      continue;
    }
    scopes.back().pop(frames[fi].numValues);
    frames[fi].inRegion = false;
  }
  if (unresolvedValues)
    return failure.fail(end, "a definition for every forward-referenced "
                             "value (" + llvm::Twine(unresolvedValues) +
                             " unresolved)");
  compactValues();
  return true;
}

void BytecodeIndexer::compactValues() {
  if (forwarded.empty())
    return;
  std::vector<ValueRecord> &values = index->values;
  std::vector<uint32_t> target(values.size());
  for (uint32_t i = 0; i < target.size(); ++i)
    target[i] = i;
  for (auto [placeholder, defined] : forwarded)
    target[placeholder] = defined;
  // New numbers with the placeholders left out.
  std::vector<uint32_t> renumbered(values.size(), kNone);
  uint32_t n = 0;
  for (uint32_t i = 0; i < values.size(); ++i) {
    if (target[i] != i)
      continue;
    renumbered[i] = n;
    values[n++] = values[i];
  }
  values.resize(n);
  for (uint32_t &v : index->operands)
    v = renumbered[target[v]];
  for (OpRecord &op : index->ops)
    if (op.firstResult != kNone)
      op.firstResult = renumbered[op.firstResult];
  for (BlockRecord &b : index->blocks)
    if (b.firstArgument != kNone)
      b.firstArgument = renumbered[b.firstArgument];
  forwarded.clear();
}

} // namespace

llvm::Expected<std::unique_ptr<ModelIndex>>
mlirscope::indexBytecode(std::shared_ptr<ByteSource> file,
                         const IndexOptions &options) {
  return BytecodeIndexer(std::move(file), options.minInlineBytes).run();
}
