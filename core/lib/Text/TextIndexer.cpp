//===- TextIndexer.cpp - Index of MLIR text files with blobs left on disk -===//
//
// A text model is IR (KBs) and `{-# dialect_resources ... #-}` metadata
// blocks holding hex blobs (GBs); a file may hold several modules separated
// by `// -----` lines (what `mlir-opt --split-input-file` reads), each with
// its own blocks. One lexical pass finds the chunks and scans every metadata
// block: for each blob only its quotes are located, its hex is never decoded.
// Each chunk's IR, without its metadata, goes through MLIR's own parser
// (MLIRBridge.h: a plugin, so that tools reading only bytecode never load
// libMLIR.so), so op counts and dense_resource references are exactly MLIR's.
// If that parse fails (custom syntax of a dialect that is not linked), a
// lexical scan of that chunk gives approximate counts instead of an error.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Text/TextIndexer.h"
#include "LexicalIndexer.h"
#include "mlirscope/Model/TypeText.h"
#include "mlirscope/Support/ByteSet.h"
#include "mlirscope/Support/FormatError.h"
#include "mlirscope/Text/InlineWeights.h"
#include "mlirscope/Text/MLIRBridge.h"
#include "mlirscope/Text/Split.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <map>
#include <tuple>

using namespace mlirscope;

namespace {

/// Inline literals whose text is at least this long are replaced before
/// MLIR parses the IR, by a `dense_resource` with this key prefix.
constexpr uint64_t kReplacedLiteralSize = 1024;
constexpr const char *kReplacedLiteralKey = "__mlirscope_inline_";
/// Strings at least this long have their pages dropped once scanned.
constexpr uint64_t kDropPagesAbove = 1u << 20;

/// Writes `dense<…>` in place of each stand-in of a replaced literal.
void elideStandIns(std::string &attr) {
  std::string prefix = "dense_resource<" + std::string(kReplacedLiteralKey);
  size_t at;
  while ((at = attr.find(prefix)) != std::string::npos) {
    size_t close = attr.find('>', at);
    if (close == std::string::npos)
      return;
    attr.replace(at, close + 1 - at, "dense<…>");
  }
}

/// Lexical scanner over the metadata block `{-# ... #-}`.
class MetadataScanner {
public:
  MetadataScanner(const ByteSource &file, ModelIndex &index, uint64_t begin)
      : file(file), text(file.text()), index(index), pos(begin) {}

  /// Scans from `{-#` to `#-}`; on success `pos` is just past `#-}`.
  bool scan();
  uint64_t position() const { return pos; }
  std::optional<std::pair<uint64_t, std::string>> error;

private:
  bool fail(const llvm::Twine &what) {
    if (!error)
      error = {pos, what.str()};
    return false;
  }
  void skipSpace() {
    while (pos < text.size()) {
      char c = text[pos];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos;
      } else if (c == '/' && pos + 1 < text.size() && text[pos + 1] == '/') {
        size_t nl = text.find('\n', pos);
        pos = nl == llvm::StringRef::npos ? text.size() : nl + 1;
      } else {
        break;
      }
    }
  }
  bool expect(llvm::StringRef tok) {
    skipSpace();
    if (!text.substr(pos).starts_with(tok))
      return fail("'" + tok + "'");
    pos += tok.size();
    return true;
  }
  bool peek(char c) {
    skipSpace();
    return pos < text.size() && text[pos] == c;
  }
  bool identifier(std::string &out);
  bool stringLiteral(uint64_t &begin, uint64_t &end);
  bool entryGroup(llvm::StringRef group, bool isDialect);

  const ByteSource &file;
  llvm::StringRef text;
  ModelIndex &index;
  uint64_t pos;
};

bool MetadataScanner::identifier(std::string &out) {
  skipSpace();
  if (pos < text.size() && text[pos] == '"') {
    uint64_t b, e;
    if (!stringLiteral(b, e))
      return false;
    out = text.slice(b, e).str();
    return true;
  }
  uint64_t start = pos;
  while (pos < text.size() &&
         (std::isalnum((unsigned char)text[pos]) || text[pos] == '_' ||
          text[pos] == '.' || text[pos] == '$' || text[pos] == '-'))
    ++pos;
  if (start == pos)
    return fail("a key");
  out = text.slice(start, pos).str();
  return true;
}

bool MetadataScanner::stringLiteral(uint64_t &begin, uint64_t &end) {
  skipSpace();
  if (pos >= text.size() || text[pos] != '"')
    return fail("a string");
  begin = ++pos;
  // Hex blobs have no escapes, so a memchr finds their end at memory speed;
  // strings with escapes fall back to a careful scan.
  const char *base = text.data();
  while (true) {
    const void *q = std::memchr(base + pos, '"', text.size() - pos);
    if (!q) {
      pos = text.size();
      return fail("a closing '\"'");
    }
    uint64_t qpos = static_cast<const char *>(q) - base;
    // Count the backslashes right before the quote.
    uint64_t bs = 0;
    while (qpos - bs > begin && base[qpos - bs - 1] == '\\')
      ++bs;
    pos = qpos + 1;
    if (bs % 2 == 0) {
      end = qpos;
      return true;
    }
  }
}

bool MetadataScanner::entryGroup(llvm::StringRef group, bool isDialect) {
  if (!expect("{"))
    return false;
  while (!peek('}')) {
    std::string key;
    uint64_t keyAt = pos;
    if (!identifier(key) || !expect(":"))
      return false;
    (void)keyAt;
    skipSpace();
    Resource r;
    r.group = group.str();
    r.isDialectGroup = isDialect;
    r.key = key;
    if (peek('"')) {
      uint64_t b, e;
      if (!stringLiteral(b, e))
        return false;
      llvm::StringRef s = text.slice(b, e);
      if (s.starts_with("0x")) {
        r.kind = ResourceKind::Blob;
        r.isHexText = true;
        r.textOffset = b;
        r.textSize = e - b;
        uint64_t hexDigits = e - b - 2;
        if (hexDigits < 8 || hexDigits % 2) {
          pos = b;
          return fail("a hex blob with an 8-digit alignment prefix and an "
                      "even number of digits for key '" + key + "'");
        }
        uint32_t alignment = 0;
        for (int i = 0; i < 4; ++i) {
          unsigned byte;
          if (s.substr(2 + 2 * i, 2).getAsInteger(16, byte)) {
            pos = b + 2 + 2 * i;
            return fail("hex digits of the blob alignment for key '" + key +
                        "'");
          }
          alignment |= byte << (8 * i);
        }
        r.alignment = alignment ? alignment : 1;
        r.dataOffset = b + 10;
        r.size = (hexDigits - 8) / 2;
        // The blob's pages were touched only by memchr; give them back.
        file.dropPages(b, e - b);
      } else {
        r.kind = ResourceKind::String;
        r.textOffset = r.dataOffset = b;
        r.textSize = r.size = e - b;
        r.value = s.str();
      }
    } else {
      std::string word;
      if (!identifier(word))
        return false;
      if (word != "true" && word != "false") {
        return fail("a string, 'true' or 'false' as the value of '" + key +
                    "'");
      }
      r.kind = ResourceKind::Bool;
      r.value = word;
    }
    index.resources.push_back(std::move(r));
    if (!peek(','))
      break;
    ++pos;
  }
  return expect("}");
}

bool MetadataScanner::scan() {
  if (!expect("{-#"))
    return false;
  while (!peek('#')) {
    std::string section;
    if (!identifier(section) || !expect(":") || !expect("{"))
      return false;
    bool isDialect = section == "dialect_resources";
    if (!isDialect && section != "external_resources") {
      pos -= 1;
      return fail("'dialect_resources' or 'external_resources'");
    }
    while (!peek('}')) {
      std::string group;
      if (!identifier(group) || !expect(":") ||
          !entryGroup(group, isDialect))
        return false;
      if (!peek(','))
        break;
      ++pos;
    }
    if (!expect("}"))
      return false;
    if (!peek(','))
      break;
    ++pos;
  }
  return expect("#-}");
}

/// One chunk's extent and the metadata blocks inside it.
struct ChunkLayout {
  uint64_t begin = 0, end = 0;
  uint32_t line = 1; ///< 1-based line of `begin`
  std::vector<std::pair<uint64_t, uint64_t>> metadata; ///< [begin, end)
  std::vector<uint32_t> metadataEndLines; ///< line at each block's end
};

/// Newlines in `s`, at memchr speed (a cut literal may be gigabytes long).
uint64_t countNewlines(llvm::StringRef s) {
  uint64_t count = 0;
  const char *p = s.data(), *end = s.data() + s.size();
  while (p < end) {
    const char *nl = static_cast<const char *>(std::memchr(p, '\n', end - p));
    if (!nl)
      break;
    ++count;
    p = nl + 1;
  }
  return count;
}

/// One past the end of the string literal opening at `at`: its closing
/// quote, or the newline that ends an unterminated one (MLIR strings do not
/// span lines; the parser reports it). Hex strings of inline weights run to
/// gigabytes, so the quote is found with memchr, and only a string holding
/// a backslash is walked character by character.
uint64_t stringEnd(const ByteSource &file, llvm::StringRef text, uint64_t at) {
  constexpr uint64_t kWindow = 64u << 20;
  const char *base = text.data();
  uint64_t n = text.size(), i = at + 1;
  while (i < n) {
    // By windows, each one's pages dropped once searched (see
    // kDropPagesAbove): one string may be a weight of gigabytes.
    uint64_t stop = std::min(n, i + kWindow);
    const char *q = static_cast<const char *>(std::memchr(base + i, '"', stop - i));
    uint64_t quote = q ? uint64_t(q - base) : stop;
    const char *nl =
        static_cast<const char *>(std::memchr(base + i, '\n', quote - i));
    const char *bs =
        static_cast<const char *>(std::memchr(base + i, '\\', quote - i));
    if (!bs || (nl && nl < bs)) {
      if (nl)
        return uint64_t(nl - base);
      if (q)
        return quote + 1;
      if (stop - i == kWindow)
        file.dropPages(i, kWindow);
      i = stop;
      continue;
    }
    // An escape: the character after the backslash is part of the string
    // (unless it is the newline that ends it).
    i = uint64_t(bs - base) + 1;
    if (i < n && base[i] != '\n')
      ++i;
  }
  return n;
}

/// Finds the chunks of a text file and scans every `{-# #-}` block in them.
/// One lexical pass reads the IR byte by byte (it is small) and skips blobs
/// by the metadata scanner at memchr speed; then the text is cut where
/// `mlir-opt --split-input-file` cuts it (Split.h), outside the blocks and
/// outside string literals. Resources are appended to `index`, tagged with
/// their chunk.
llvm::Error scanLayout(const ByteSource &file, ModelIndex &index,
                       const IndexOptions &options,
                       std::vector<ChunkLayout> &chunks) {
  llvm::StringRef text = file.text();
  uint64_t n = text.size(), i = 0;
  // Lines are counted as the scan goes (chunks report where they begin);
  // blobs are skipped, as hex holds no newlines.
  uint32_t line = 1;
  struct Block {
    uint64_t begin, end;
    uint32_t endLine;
    size_t firstResource, endResource; ///< into index.resources
  };
  std::vector<Block> blocks;
  // Not searched for markers: the blocks (MLIR's cut would break a block
  // anyway) and the string literals that hold one. MLIR cuts the raw text,
  // strings included; the index has never cut inside a string (see
  // TextChunkTest), and keeps to that.
  std::vector<TextRange> noSplit;
  auto reused = options.reusedBlocks.begin(),
       reusedEnd = options.previous ? options.reusedBlocks.end() : reused;
  static constexpr ByteSet kActs("\n\"/{");
  while ((i = kActs.find(text, i, n)) < n) {
    char c = text[i];
    if (c == '\n') {
      ++line;
      ++i;
    } else if (c == '"') {
      // MLIR strings do not span lines; an unterminated one ends at the
      // newline (the parser reports it).
      uint64_t begin = i;
      i = stringEnd(file, text, i);
      // An inline weight's hex: its pages leave this process again (they
      // stay in the page cache), so indexing a file of gigabytes of inline
      // weights does not hold them all.
      // A long string (a weight's hex) is not searched for markers again,
      // and its pages leave the process as soon as they are scanned.
      if (i - begin >= kDropPagesAbove) {
        file.dropPages(begin, i - begin);
        noSplit.push_back({begin, i});
      } else if (text.slice(begin, i).contains(kSplitMarker)) {
        noSplit.push_back({begin, i});
      }
    } else if (c == '/' && i + 1 < n && text[i + 1] == '/') {
      // A comment, markers included: splitChunks finds them.
      size_t nl = text.find('\n', i);
      i = nl == llvm::StringRef::npos ? n : nl;
    } else if (c == '{' && text.substr(i, 3) == "{-#") {
      size_t first = index.resources.size();
      while (reused != reusedEnd && reused->begin < i)
        ++reused;
      uint64_t blockEnd;
      if (reused != reusedEnd && reused->begin == i) {
        // Unchanged since the previous index: its entries, moved.
        const ModelIndex::MetadataBlock &old =
            options.previous->metadataBlocks[reused->block];
        int64_t shift = int64_t(i) - int64_t(old.begin);
        for (uint32_t r = old.firstResource; r < old.endResource; ++r) {
          Resource res = options.previous->resources[r];
          if (res.kind != ResourceKind::Bool) {
            res.textOffset += shift;
            res.dataOffset += shift;
          }
          res.numReferences = 0;
          res.type.reset();
          index.resources.push_back(std::move(res));
        }
        blockEnd = old.end + shift;
        ++reused;
      } else {
        MetadataScanner scanner(file, index, i);
        if (!scanner.scan())
          return makeFormatError(file.getName(), scanner.error->first,
                                 scanner.error->second);
        blockEnd = scanner.position();
      }
      uint64_t gap = i;
      for (size_t r = first; r < index.resources.size(); ++r) {
        const Resource &res = index.resources[r];
        if (res.isHexText) {
          line += text.slice(gap, res.textOffset).count('\n');
          gap = res.textOffset + res.textSize;
        }
      }
      line += text.slice(gap, blockEnd).count('\n');
      blocks.push_back({i, blockEnd, line, first, index.resources.size()});
      index.metadataBlocks.push_back(
          {i, blockEnd, uint32_t(first), uint32_t(index.resources.size())});
      noSplit.push_back({i, blockEnd});
      i = blockEnd;
    } else {
      ++i;
    }
  }

  // The chunks, each with the line it begins on (counted in the IR between
  // blocks: a block's end line is known) and its blocks.
  uint64_t pos = 0;
  line = 1;
  auto block = blocks.begin();
  for (TextRange range :
       splitChunks(text, noSplit, SplitRule::SplitInputFile)) {
    // The line a block ends on is known: its hex is not read again.
    for (; block != blocks.end() && block->end <= range.begin; ++block) {
      line = block->endLine;
      pos = block->end;
    }
    line += text.slice(pos, range.begin).count('\n');
    pos = range.begin;
    ChunkLayout chunk;
    chunk.begin = range.begin;
    chunk.end = range.end;
    chunk.line = line;
    chunks.push_back(std::move(chunk));
  }
  // A block lies in one chunk: markers are not searched inside it.
  uint32_t chunkOf = 0;
  for (const Block &b : blocks) {
    while (b.begin >= chunks[chunkOf].end && chunkOf + 1 < chunks.size())
      ++chunkOf;
    chunks[chunkOf].metadata.push_back({b.begin, b.end});
    chunks[chunkOf].metadataEndLines.push_back(b.endLine);
    for (size_t r = b.firstResource; r < b.endResource; ++r)
      index.resources[r].chunk = chunkOf;
  }
  return llvm::Error::success();
}

/// MLIR reads every metadata block of a chunk in order, a later entry for a
/// key replacing an earlier one: keep the last entry per (chunk, group, key).
void dropReplacedEntries(ModelIndex &index) {
  // Views of the keys, not copies (this runs on every open of a document in
  // the language server), all looked up before anything is moved.
  std::map<std::tuple<uint32_t, llvm::StringRef, llvm::StringRef>, size_t>
      last;
  for (size_t i = 0; i < index.resources.size(); ++i) {
    const Resource &r = index.resources[i];
    last[{r.chunk, r.group, r.key}] = i;
  }
  if (last.size() == index.resources.size())
    return;
  std::vector<bool> replaced(index.resources.size());
  for (size_t i = 0; i < index.resources.size(); ++i) {
    const Resource &r = index.resources[i];
    replaced[i] = last[{r.chunk, r.group, r.key}] != i;
  }
  last.clear();
  std::vector<Resource> kept;
  for (size_t i = 0; i < index.resources.size(); ++i) {
    Resource &r = index.resources[i];
    if (replaced[i]) {
      index.metadataBlocks.clear(); // their entries are no longer in order
      index.warnings.push_back("resource '" + r.key + "' at offset " +
                               std::to_string(r.textOffset) +
                               " is defined again later; the later entry "
                               "is used, as MLIR does");
      continue;
    }
    kept.push_back(std::move(r));
  }
  index.resources = std::move(kept);
}

/// Indexes one chunk's IR (its text without metadata blocks): MLIR's parse,
/// or the lexical scan when MLIR cannot parse it. Appends to `index`.
llvm::Error indexChunk(ModelIndex &index, const ChunkLayout &layout,
                       uint32_t chunkId, size_t numChunks, bool parseWithMLIR,
                       bool lexicalOps, llvm::ArrayRef<Weight> weights,
                       std::vector<std::string> &parseFailures) {
  llvm::StringRef text = index.file->text();
  // The IR without the metadata (a copy of KBs, never of the blobs), and the
  // map from its offsets back to the file's.
  std::string ir;
  std::vector<uint64_t> irBegins, fileBegins;
  std::vector<uint32_t> fileLines;
  uint64_t pos = layout.begin;
  auto addSegment = [&](uint64_t b, uint64_t e, uint32_t line) {
    if (b >= e)
      return;
    irBegins.push_back(ir.size());
    fileBegins.push_back(b);
    fileLines.push_back(line);
    ir.append(text.data() + b, e - b);
  };
  // Large inline literals are not handed to MLIR: its parser would copy
  // every element (and op details would print them all again). Each is
  // replaced by a `dense_resource` of a key of our own, which parses to an
  // attribute of the same type and costs nothing; the references and
  // printed details it leaves are taken out again below.
  struct Cut {
    uint64_t begin, end;
    std::string replacement;
    bool hex; ///< hex digits: no newline inside, none to count
  };
  std::vector<Cut> cuts;
  for (size_t i = 0; i < weights.size(); ++i) {
    const Weight &w = weights[i];
    if (w.kind != WeightKind::Inline || w.size < kReplacedLiteralSize ||
        !w.valueEnd)
      continue;
    cuts.push_back({w.attrOffset, w.valueEnd,
                    "dense_resource<" + std::string(kReplacedLiteralKey) +
                        std::to_string(i) + ">",
                    w.encoding == WeightEncoding::Hex});
  }
  size_t nextCut = 0;
  // Adds [b, e) of the file, with the cuts inside it replaced.
  auto addCutSegment = [&](uint64_t b, uint64_t e, uint32_t line) {
    while (nextCut < cuts.size() && cuts[nextCut].begin < e) {
      const Cut &c = cuts[nextCut++];
      if (c.begin < b)
        continue;
      addSegment(b, c.begin, line);
      line += countNewlines(text.slice(b, c.begin));
      irBegins.push_back(ir.size());
      fileBegins.push_back(c.begin);
      fileLines.push_back(line);
      ir += c.replacement;
      if (!c.hex)
        line += countNewlines(text.slice(c.begin, c.end));
      b = c.end;
    }
    addSegment(b, e, line);
  };
  uint32_t line = layout.line;
  for (size_t m = 0; m < layout.metadata.size(); ++m) {
    auto [b, e] = layout.metadata[m];
    addCutSegment(pos, b, line);
    pos = e;
    line = layout.metadataEndLines[m];
  }
  addCutSegment(pos, layout.end, line);
  IROffsetMap map{irBegins.data(), fileBegins.data(), irBegins.size(),
                  fileLines.data(), index.file->getName().c_str()};
  auto toFileOffset = [&](uint64_t irOffset) { return map.toFile(irOffset); };
  // Binary content is not MLIR text: reject it with the first offending byte.
  static constexpr ByteSet kBinary = [] {
    ByteSet set("");
    for (unsigned c = 0; c < 0x20; ++c)
      if (c != '\n' && c != '\r' && c != '\t')
        set.insert(char(c));
    return set;
  }();
  if (uint64_t i = kBinary.find(ir, 0, ir.size()); i < ir.size())
    return makeFormatError(index.file->getName(), toFileOffset(i),
                           "MLIR text or bytecode (found byte 0x" +
                               llvm::utohexstr((unsigned char)ir[i]) + ")");

  TextChunk chunk;
  chunk.begin = layout.begin;
  chunk.end = layout.end;
  chunk.line = layout.line;
  chunk.firstOp = index.ops.size();
  size_t firstRef = index.references.size();

  std::string diag;
  const MLIRBridge *bridge = parseWithMLIR ? getMLIRBridge(diag) : nullptr;
  size_t names = index.opNames.size(), dialects = index.dialects.size(),
         values = index.values.size(), operands = index.operands.size(),
         blocks = index.blocks.size(), successors = index.successors.size(),
         typeNames = index.typeNames.size(),
         details = index.textDetails.size();
  if (!bridge || !bridge->parseIR(index, ir.data(), ir.size(), map, diag)) {
    // Drop what a failed parse may have added, then count lexically.
    index.opNames.resize(names);
    index.dialects.resize(dialects);
    index.ops.resize(chunk.firstOp);
    index.values.resize(values);
    index.operands.resize(operands);
    index.blocks.resize(blocks);
    index.successors.resize(successors);
    index.typeNames.resize(typeNames);
    index.textDetails.resize(details);
    index.references.resize(firstRef);
    chunk.approximate = true;
    index.opCountsApproximate = true;
    if (!parseWithMLIR) {
      // Asked for: nothing to report.
    } else if (!bridge) {
      // Every chunk fails alike; say it once.
      if (parseFailures.empty())
        index.warnings.push_back("MLIR's parser is not available (" + diag +
                                 "); op counts come from a lexical scan");
      parseFailures.push_back("");
    } else {
      parseFailures.push_back(
        numChunks == 1 ? diag
                       : "chunk " + std::to_string(chunkId + 1) + " (line " +
                             std::to_string(layout.line) + "): " + diag);
    }
    indexLexically(index, ir, toFileOffset, parseWithMLIR || lexicalOps);
    // Lexically counted ops have no details; keep the table parallel.
    index.textDetails.resize(index.ops.size());
  }
  if (!cuts.empty()) {
    // The stand-ins of replaced literals are not references, and details
    // show them as the literal they stand for, elided.
    llvm::erase_if(index.references, [&](const ResourceReference &r) {
      return &r >= &index.references[0] + firstRef &&
             llvm::StringRef(r.key).starts_with(kReplacedLiteralKey);
    });
    for (size_t d = details; d < index.textDetails.size(); ++d)
      for (auto &attr : index.textDetails[d].attributes)
        elideStandIns(attr.second);
  }
  for (size_t r = firstRef; r < index.references.size(); ++r)
    index.references[r].chunk = chunkId;
  chunk.numOps = index.ops.size() - chunk.firstOp;
  index.chunks.push_back(chunk);
  return llvm::Error::success();
}

/// The op holding each weight: the last op that
/// begins before it in its chunk (ops are in pre-order, and an op's own
/// attributes are written before the ops of its regions).
void linkHolders(ModelIndex &index) {
  for (Weight &w : index.weights) {
    if (w.chunk >= index.chunks.size())
      continue;
    // Lexically counted ops have their offsets too (the line they start on).
    const TextChunk &c = index.chunks[w.chunk];
    if (!c.numOps)
      continue;
    auto first = index.ops.begin() + c.firstOp;
    auto last = first + c.numOps;
    auto it = std::upper_bound(first, last, w.attrOffset,
                               [](uint64_t at, const OpRecord &op) {
                                 return at < op.offset;
                               });
    if (it != first)
      w.op = uint32_t(std::prev(it) - index.ops.begin());
  }
}

} // namespace

llvm::Expected<std::unique_ptr<ModelIndex>>
mlirscope::indexText(std::shared_ptr<ByteSource> file,
                     const IndexOptions &options) {
  auto index = std::make_unique<ModelIndex>();
  index->format = ModelIndex::Format::Text;
  index->file = file;

  std::vector<ChunkLayout> layouts;
  if (llvm::Error e = scanLayout(*file, *index, options, layouts))
    return std::move(e);
  if (options.chunk && *options.chunk >= layouts.size())
    return makeFormatError(file->getName(), 0,
                           "a chunk number from 1 to " +
                               std::to_string(layouts.size()) +
                               " (the file has " +
                               std::to_string(layouts.size()) + " chunk" +
                               (layouts.size() == 1 ? "" : "s") + ")");
  dropReplacedEntries(*index);

  // Byte accounting: metadata blocks versus the IR around them.
  uint64_t pos = 0;
  for (const ChunkLayout &c : layouts)
    for (auto [b, e] : c.metadata) {
      if (b > pos)
        index->sections.push_back({"IR", pos, b - pos});
      index->sections.push_back({"metadata", b, e - b});
      pos = e;
    }
  if (pos < file->size() || index->sections.empty())
    index->sections.push_back({"IR", pos, file->size() - pos});

  // Inline elements and parameter references, in every chunk indexed:
  // found first, so that the parse can skip large literals.
  std::vector<std::vector<Weight>> chunkWeights(layouts.size());
  for (uint32_t c = 0; c < layouts.size(); ++c)
    if (!options.chunk || c == *options.chunk)
      scanTextWeights(file->text(), layouts[c].begin, layouts[c].end,
                      layouts[c].metadata, c, chunkWeights[c], file.get());
  for (const std::vector<Weight> &weights : chunkWeights)
    for (const Weight &w : weights)
      if (w.kind == WeightKind::Inline && w.size >= kDropPagesAbove)
        file->dropPages(w.offset, w.size);

  std::vector<std::string> parseFailures;
  for (uint32_t c = 0; c < layouts.size(); ++c) {
    if (options.chunk && c != *options.chunk) {
      // Only the extent of a chunk that was not asked for.
      TextChunk skipped;
      skipped.begin = layouts[c].begin;
      skipped.end = layouts[c].end;
      skipped.line = layouts[c].line;
      skipped.firstOp = index->ops.size();
      index->chunks.push_back(skipped);
      continue;
    }
    if (llvm::Error e =
            indexChunk(*index, layouts[c], c, layouts.size(),
                       options.parseWithMLIR, options.lexicalOps,
                       chunkWeights[c], parseFailures))
      return std::move(e);
  }
  // One warning, not one per chunk: a split test file of an unlinked
  // dialect fails the same way in each of its hundreds of chunks.
  if (!parseFailures.empty() && parseFailures[0].empty())
    ; // No parser at all: said once already.
  else if (parseFailures.size() == 1 && layouts.size() == 1)
    index->warnings.push_back("MLIR could not parse the IR (" +
                              parseFailures[0] +
                              "); op counts come from a lexical scan");
  else if (!parseFailures.empty())
    index->warnings.push_back(
        "MLIR could not parse " + std::to_string(parseFailures.size()) +
        " of " + std::to_string(layouts.size()) + " chunks (first: " +
        parseFailures[0] + "); their op counts come from a lexical scan");
  index->selectedChunk = options.chunk;
  if (options.chunk) {
    llvm::erase_if(index->resources, [&](const Resource &r) {
      return r.chunk != *options.chunk;
    });
    index->metadataBlocks.clear();
  }
  index->linkReferences();
  for (std::vector<Weight> &weights : chunkWeights)
    for (Weight &w : weights)
      index->weights.push_back(std::move(w));
  linkHolders(*index);
  index->finishWeights(options.minInlineBytes);
  return std::move(index);
}
