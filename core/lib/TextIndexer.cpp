//===- TextIndexer.cpp - Index of MLIR text files with blobs left on disk -===//
//
// A text model is IR (KBs) followed by a `{-# dialect_resources ... #-}`
// metadata block holding hex blobs (GBs). The metadata is scanned lexically:
// for each blob only its quotes are located, its hex is never decoded. The IR
// part, without the metadata, goes through MLIR's own parser with every
// upstream dialect registered, so op counts and dense_resource references are
// exactly MLIR's. If that parse fails (custom syntax of a dialect that is not
// linked), a lexical scan gives approximate counts instead of an error.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/FormatError.h"
#include "mlirscope/ModelIndex.h"
#include "mlirscope/TypeText.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Block.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

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

/// Byte offsets of line starts, for mapping MLIR locations back to offsets.
struct LineTable {
  std::vector<uint64_t> starts;
  explicit LineTable(llvm::StringRef s) {
    starts.push_back(0);
    for (uint64_t i = 0; i < s.size(); ++i)
      if (s[i] == '\n')
        starts.push_back(i + 1);
  }
  uint64_t offset(unsigned line, unsigned col) const {
    if (line == 0 || line > starts.size())
      return 0;
    return starts[line - 1] + (col ? col - 1 : 0);
  }
};

/// Records one dense_resource reference.
void addReference(ModelIndex &index, mlir::DenseResourceElementsAttr attr,
                  uint64_t offset) {
  ResourceReference ref;
  ref.key = attr.getRawHandle().getKey().str();
  ref.offset = offset;
  std::string typeText;
  llvm::raw_string_ostream os(typeText);
  attr.getType().print(os);
  ref.type = parseShapedTypeText(typeText);
  index.references.push_back(std::move(ref));
}

/// Indexes the IR with MLIR's parser. Returns false (with `diag` set) if MLIR
/// cannot parse it.
bool indexWithMLIR(ModelIndex &index, llvm::StringRef ir,
                   const std::function<uint64_t(uint64_t)> &toFileOffset,
                   std::string &diag) {
  mlir::DialectRegistry registry;
  mlir::registerAllDialects(registry);
  mlir::MLIRContext ctx(registry, mlir::MLIRContext::Threading::DISABLED);
  ctx.allowUnregisteredDialects();
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic &d) {
    if (diag.empty() && d.getSeverity() == mlir::DiagnosticSeverity::Error) {
      llvm::raw_string_ostream os(diag);
      if (auto loc = llvm::dyn_cast<mlir::FileLineColLoc>(d.getLocation()))
        os << "line " << loc.getLine() << ":" << loc.getColumn() << ": ";
      os << d.str();
    }
    return mlir::success();
  });
  mlir::Block block;
  mlir::ParserConfig config(&ctx, /*verifyAfterParse=*/false);
  if (mlir::failed(mlir::parseSourceString(ir, &block, config, "model")))
    return false;

  LineTable lines(ir);
  auto opOffset = [&](mlir::Operation *op) -> uint64_t {
    if (auto loc = llvm::dyn_cast<mlir::FileLineColLoc>(op->getLoc()))
      return toFileOffset(lines.offset(loc.getLine(), loc.getColumn()));
    return 0;
  };

  llvm::StringMap<uint32_t> nameIds;
  llvm::StringSet<> dialects;
  auto internName = [&](mlir::Operation *op) -> uint32_t {
    llvm::StringRef name = op->getName().getStringRef();
    auto [it, inserted] = nameIds.try_emplace(name, index.opNames.size());
    if (inserted) {
      OpName n;
      n.name = name.str();
      n.dialect = op->getName().getDialectNamespace().str();
      n.wasRegistered = op->isRegistered();
      if (dialects.insert(n.dialect).second)
        index.dialects.push_back(n.dialect);
      index.opNames.push_back(std::move(n));
    }
    return it->second;
  };

  // Mirror mlir-opt: a file that is not a single builtin.module is wrapped in
  // an implicit one, so counts match the bytecode it would write.
  uint32_t implicitModule = kNone;
  bool singleModule = !block.empty() && std::next(block.begin()) == block.end() &&
                      llvm::isa<mlir::ModuleOp>(block.front());
  if (!singleModule) {
    OpName n{"builtin", "builtin.module", true};
    nameIds["builtin.module"] = index.opNames.size();
    index.opNames.push_back(n);
    index.dialects.push_back("builtin");
    dialects.insert("builtin");
    implicitModule = index.ops.size();
    OpRecord m;
    m.name = nameIds["builtin.module"];
    m.numRegions = 1;
    m.numBlocks = 1;
    index.ops.push_back(m);
  }

  llvm::DenseMap<mlir::Operation *, uint32_t> opIds;
  llvm::DenseMap<void *, uint32_t> valueIds;
  std::vector<mlir::Operation *> order;
  llvm::DenseSet<mlir::Attribute> seenRefs;
  // Pass 1: ops and the values they define, in pre-order.
  for (mlir::Operation &top : block) {
    top.walk<mlir::WalkOrder::PreOrder>([&](mlir::Operation *op) {
      OpRecord rec;
      rec.name = internName(op);
      mlir::Operation *parent = op->getParentOp();
      rec.parent = parent ? opIds.lookup(parent) : implicitModule;
      rec.depth = parent ? index.ops[rec.parent].depth + 1
                         : (implicitModule == kNone ? 0 : 1);
      rec.numRegions = op->getNumRegions();
      for (mlir::Region &r : op->getRegions())
        rec.numBlocks += std::distance(r.begin(), r.end());
      rec.numSuccessors = op->getNumSuccessors();
      rec.numResults = op->getNumResults();
      rec.isolatedFromAbove =
          op->hasTrait<mlir::OpTrait::IsIsolatedFromAbove>();
      rec.offset = opOffset(op);
      if (auto sym = op->getAttrOfType<mlir::StringAttr>(
              mlir::SymbolTable::getSymbolAttrName()))
        rec.symbol = sym.getValue().str();
      uint32_t id = index.ops.size();
      opIds[op] = id;
      order.push_back(op);
      rec.firstResult = op->getNumResults() ? index.values.size() : kNone;
      for (mlir::OpResult r : op->getResults()) {
        valueIds[r.getAsOpaquePointer()] = index.values.size();
        index.values.push_back(
            {ValueRecord::Kind::OpResult, id, r.getResultNumber()});
      }
      for (mlir::Region &r : op->getRegions())
        for (mlir::Block &b : r)
          for (mlir::BlockArgument a : b.getArguments()) {
            valueIds[a.getAsOpaquePointer()] = index.values.size();
            index.values.push_back(
                {ValueRecord::Kind::BlockArgument, id, a.getArgNumber()});
          }
      index.ops.push_back(std::move(rec));

      // Attributes are uniqued, so a constant used by several ops is one
      // reference, as in bytecode's attribute table.
      auto collect = [&](mlir::Attribute attr) {
        if (!attr)
          return;
        attr.walk([&](mlir::DenseResourceElementsAttr a) {
          if (seenRefs.insert(a).second)
            addReference(index, a, index.ops[id].offset);
        });
      };
      collect(op->getRawDictionaryAttrs());
      collect(op->getPropertiesAsAttribute());
    });
  }
  // Pass 2: operands (values may be used before their definition in graph
  // regions, hence the separate pass).
  for (uint32_t i = 0; i < order.size(); ++i) {
    uint32_t id = opIds[order[i]];
    index.ops[id].firstOperand = index.operands.size();
    index.ops[id].numOperands = order[i]->getNumOperands();
    for (mlir::Value v : order[i]->getOperands()) {
      auto it = valueIds.find(v.getAsOpaquePointer());
      index.operands.push_back(it == valueIds.end() ? kNone : it->second);
    }
  }
  return true;
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
    if (name == "module")
      name = "builtin.module";
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
  if (!indexWithMLIR(*index, ir, toFileOffset, diag)) {
    index->opNames.clear();
    index->ops.clear();
    index->values.clear();
    index->operands.clear();
    index->references.clear();
    index->dialects.clear();
    index->opCountsApproximate = true;
    index->warnings.push_back("MLIR could not parse the IR (" + diag +
                              "); op counts come from a lexical scan");
    indexLexically(*index, ir, toFileOffset);
  }
  index->linkReferences();
  return std::move(index);
}
