//===- TextIndexer.cpp - Index of MLIR text files with blobs left on disk -===//
//
// A text model is IR (KBs) followed by a `{-# dialect_resources ... #-}`
// metadata block holding hex blobs (GBs). The metadata is scanned lexically:
// for each blob only its quotes are located, its hex is never decoded. The IR
// part, without the metadata, goes through MLIR's own parser (MLIRBridge.h:
// a plugin, so that tools reading only bytecode never load libMLIR.so), so op
// counts and dense_resource references are exactly MLIR's. If that parse fails
// (custom syntax of a dialect that is not linked), a lexical scan gives
// approximate counts instead of an error.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/FormatError.h"
#include "mlirscope/MLIRBridge.h"
#include "mlirscope/ModelIndex.h"
#include "mlirscope/TypeText.h"


#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <functional>

using namespace mlirscope;

namespace {

/// Lexical scanner over the metadata block `{-# ... #-}`.
class MetadataScanner {
public:
  MetadataScanner(const MappedFile &file, ModelIndex &index, uint64_t begin)
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

  const MappedFile &file;
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

/// Finds `{-#` outside strings and comments, or npos.
uint64_t findMetadataStart(llvm::StringRef text) {
  uint64_t i = 0, n = text.size();
  while (i < n) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < n && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
      ++i;
    } else if (c == '/' && i + 1 < n && text[i + 1] == '/') {
      size_t nl = text.find('\n', i);
      i = nl == llvm::StringRef::npos ? n : nl + 1;
    } else if (c == '{' && text.substr(i, 3) == "{-#") {
      return i;
    } else {
      ++i;
    }
  }
  return llvm::StringRef::npos;
}

/// Counts ops lexically: the first dotted name of each statement. Used only
/// when MLIR cannot parse the IR; results are marked approximate.
void indexLexically(ModelIndex &index, llvm::StringRef ir,
                    const std::function<uint64_t(uint64_t)> &toFileOffset) {
  llvm::StringMap<uint32_t> nameIds;
  llvm::StringSet<> dialects;
  uint64_t lineStart = 0;
  auto isNameChar = [](char c) {
    return std::isalnum((unsigned char)c) || c == '_' || c == '.' || c == '$';
  };
  while (lineStart < ir.size()) {
    size_t nl = ir.find('\n', lineStart);
    uint64_t lineEnd = nl == llvm::StringRef::npos ? ir.size() : nl;
    llvm::StringRef line = ir.slice(lineStart, lineEnd);
    uint64_t at = lineStart;
    lineStart = lineEnd + 1;

    // dense_resource references anywhere on the line.
    for (size_t p = line.find("dense_resource<"); p != llvm::StringRef::npos;
         p = line.find("dense_resource<", p + 1)) {
      size_t kb = p + 15, ke = line.find('>', kb);
      if (ke == llvm::StringRef::npos)
        break;
      ResourceReference ref;
      ref.key = line.slice(kb, ke).trim().trim('"').str();
      ref.offset = toFileOffset(at + p);
      llvm::StringRef rest = line.drop_front(ke + 1).ltrim();
      if (rest.consume_front(":")) {
        rest = rest.ltrim();
        // The type runs to its matching '>'.
        int depth = 0;
        size_t i = 0;
        for (; i < rest.size(); ++i) {
          if (rest[i] == '<')
            ++depth;
          else if (rest[i] == '>' && --depth == 0) {
            ++i;
            break;
          }
        }
        ref.type = parseShapedTypeText(rest.take_front(i));
      }
      index.references.push_back(std::move(ref));
    }

    llvm::StringRef s = line.ltrim();
    if (s.starts_with("//") || s.empty())
      continue;
    // Skip result names: `%a, %b:2 = `.
    if (s.starts_with("%")) {
      size_t eq = s.find('=');
      if (eq == llvm::StringRef::npos)
        continue;
      s = s.drop_front(eq + 1).ltrim();
    }
    bool quoted = s.consume_front("\"");
    size_t n = 0;
    while (n < s.size() && isNameChar(s[n]))
      ++n;
    llvm::StringRef name = s.take_front(n);
    // Ops printed without their dialect prefix in the common cases.
    if (name == "module")
      name = "builtin.module";
    else if (name == "return")
      name = "func.return";
    if (!name.contains('.') || name.starts_with(".") || name.ends_with("."))
      continue;
    if (quoted && (n >= s.size() || s[n] != '"'))
      continue;
    auto [it, inserted] = nameIds.try_emplace(name, index.opNames.size());
    if (inserted) {
      OpName op;
      op.name = name.str();
      op.dialect = name.split('.').first.str();
      if (dialects.insert(op.dialect).second)
        index.dialects.push_back(op.dialect);
      index.opNames.push_back(std::move(op));
    }
    OpRecord rec;
    rec.name = it->second;
    rec.offset = toFileOffset(at + (line.size() - line.ltrim().size()));
    size_t sym = s.find('@');
    if (sym != llvm::StringRef::npos) {
      size_t e = sym + 1;
      while (e < s.size() && isNameChar(s[e]))
        ++e;
      rec.symbol = s.slice(sym + 1, e).str();
    }
    index.ops.push_back(std::move(rec));
  }
}

} // namespace

llvm::Expected<std::unique_ptr<ModelIndex>>
mlirscope::indexText(std::shared_ptr<MappedFile> file) {
  auto index = std::make_unique<ModelIndex>();
  index->format = ModelIndex::Format::Text;
  index->file = file;
  llvm::StringRef text = file->text();

  uint64_t metaBegin = findMetadataStart(text);
  uint64_t metaEnd = metaBegin;
  if (metaBegin != llvm::StringRef::npos) {
    MetadataScanner scanner(*file, *index, metaBegin);
    if (!scanner.scan())
      return makeFormatError(file->getPath(), scanner.error->first,
                             scanner.error->second);
    metaEnd = scanner.position();
    index->sections.push_back({"IR", 0, metaBegin});
    index->sections.push_back({"metadata", metaBegin, metaEnd - metaBegin});
    if (metaEnd < text.size())
      index->sections.push_back({"IR", metaEnd, text.size() - metaEnd});
  } else {
    metaBegin = metaEnd = text.size();
    index->sections.push_back({"IR", 0, text.size()});
  }

  // The IR without the metadata (a copy of KBs, never of the blobs).
  std::string ir = text.take_front(metaBegin).str();
  ir += text.drop_front(metaEnd).str();
  // Binary content is not MLIR text: reject it with the first offending byte.
  for (uint64_t i = 0; i < ir.size(); ++i) {
    unsigned char c = ir[i];
    if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t')) {
      uint64_t at = i < metaBegin ? i : i + (metaEnd - metaBegin);
      return makeFormatError(file->getPath(), at,
                             "MLIR text or bytecode (found byte 0x" +
                                 llvm::utohexstr(c) + ")");
    }
  }
  auto toFileOffset = [&](uint64_t irOffset) -> uint64_t {
    return irOffset < metaBegin ? irOffset : irOffset + (metaEnd - metaBegin);
  };

  std::string diag;
  const MLIRBridge *bridge = getMLIRBridge(diag);
  if (!bridge || !bridge->parseIR(*index, ir.data(), ir.size(), metaBegin,
                                  metaEnd - metaBegin, diag)) {
    index->opNames.clear();
    index->ops.clear();
    index->values.clear();
    index->operands.clear();
    index->references.clear();
    index->dialects.clear();
    index->opCountsApproximate = true;
    index->warnings.push_back(
        (bridge ? "MLIR could not parse the IR (" : "MLIR's parser is not "
                                                     "available (") +
        diag + "); op counts come from a lexical scan");
    indexLexically(*index, ir, toFileOffset);
  }
  index->linkReferences();
  return std::move(index);
}
