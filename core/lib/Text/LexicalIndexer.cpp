//===- LexicalIndexer.cpp - The IR's structure without MLIR's parser ------===//
//
// Reads the IR as MLIR prints it, line by line (the printer puts one op per
// line and opens every region at the end of a line):
//
//   - a statement `%a, %b:2 = name ...` or `name ...` is an op; the `%`
//     names after the op name are its operands, except declarations
//     (`%x: type` and `%x = ...` inside the op, as in function signatures,
//     `scf.for %i = ...` and `iter_args(%acc = %init)`), which are the
//     arguments of its first region's entry block;
//   - a line ending in `{` opens a region of the op it belongs to (its own
//     line, a continuation such as StableHLO's `reducer(%a: t) {` or
//     `cond {`, or `} do {` after a closed region);
//   - `^bb1(%a: t):` starts a block with arguments;
//   - a line starting with `}` closes the innermost region.
//
// Names are scoped by regions: a use resolves to the innermost definition,
// in the region or an enclosing one; a use before its definition (a branch
// back, a graph region) is resolved when its region closes. A name defined
// nowhere is left unresolved, never guessed.
//
//===----------------------------------------------------------------------===//

#include "LexicalIndexer.h"

#include "mlirscope/Model/TypeText.h"
#include "mlirscope/Support/ByteSet.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <cctype>

using namespace mlirscope;

namespace {

bool isNameChar(char c) {
  return std::isalnum((unsigned char)c) || c == '_' || c == '.' || c == '$';
}

/// MLIR's suffix-id: `%0`, `%arg0`, `%cst_1`, `%x.y-z`.
bool isValueNameChar(char c) {
  return std::isalnum((unsigned char)c) || c == '_' || c == '.' || c == '$' ||
         c == '-';
}

/// One `%name` in a line's code.
struct ValueToken {
  size_t begin = 0, end = 0; ///< `%` to the end of the name (`#N` excluded)
  llvm::StringRef name;      ///< without the `%`
  uint32_t resultNumber = 0; ///< from `#N`
  bool colon = false;        ///< `%x: type`
  bool equals = false;       ///< `%x = ...`
  /// A definition, not a use: `%x = ...` after an op's name (`scf.for %i =
  /// `, `iter_args(%acc = %init)`), or `%x: type` on a line that opens a
  /// region or labels a block (elsewhere `func.return %0: t` is a use).
  bool declaration = false;
};

/// The code of one line: comments cut, strings skipped.
struct LineCode {
  llvm::StringRef code;
  std::vector<size_t> resourceAt;
  std::vector<ValueToken> values;
  int braceBalance = 0;
  bool opensRegion = false; ///< its code ends with `{`
};

void scanLine(llvm::StringRef line, LineCode &out) {
  static constexpr llvm::StringLiteral kResource = "dense_resource<";
  static constexpr ByteSet kActs("\"/{}d%");
  out.resourceAt.clear();
  out.values.clear();
  out.braceBalance = 0;
  size_t codeEnd = line.size();
  for (size_t i = kActs.find(line, 0, line.size()); i < line.size();
       i = kActs.find(line, i + 1, line.size())) {
    char c = line[i];
    if (c == '"') {
      for (++i; i < line.size() && line[i] != '"'; ++i)
        if (line[i] == '\\')
          ++i;
      if (i >= line.size())
        break;
    } else if (c == '/') {
      if (i + 1 < line.size() && line[i + 1] == '/') {
        codeEnd = i;
        break;
      }
    } else if (c == '{') {
      ++out.braceBalance;
    } else if (c == '}') {
      --out.braceBalance;
    } else if (c == '%') {
      size_t e = i + 1;
      while (e < line.size() && isValueNameChar(line[e]))
        ++e;
      if (e == i + 1)
        continue;
      ValueToken t;
      t.begin = i;
      t.end = e;
      t.name = line.slice(i + 1, e);
      size_t after = e;
      if (after < line.size() && line[after] == '#') {
        size_t d = after + 1;
        while (d < line.size() && llvm::isDigit(line[d]))
          ++d;
        llvm::StringRef(line.slice(after + 1, d))
            .getAsInteger(10, t.resultNumber);
        after = d;
      }
      if (after < line.size() && line[after] == ':' &&
          (after + 1 >= line.size() || line[after + 1] != ':'))
        t.colon = true;
      size_t k = after;
      while (k < line.size() && line[k] == ' ')
        ++k;
      if (k < line.size() && line[k] == '=' &&
          (k + 1 >= line.size() || line[k + 1] != '='))
        t.equals = true;
      out.values.push_back(t);
      i = after - 1;
    } else if (line.substr(i).starts_with(kResource)) {
      out.resourceAt.push_back(i);
      i += kResource.size() - 1;
    }
  }
  out.code = line.take_front(codeEnd);
  out.opensRegion = out.code.rtrim().ends_with("{");
  bool declares = out.opensRegion || out.code.ltrim().starts_with("^");
  for (ValueToken &t : out.values)
    t.declaration = t.equals || (t.colon && declares);
}

/// Ops printed without their dialect prefix (`func` is the default dialect
/// inside functions, `builtin` at the top).
llvm::StringRef fullOpName(llvm::StringRef name, bool hasResults) {
  if (name == "module")
    return "builtin.module";
  if (name == "return")
    return "func.return";
  if (name == "call")
    return "func.call";
  if (hasResults && (name == "call_indirect" || name == "constant"))
    return name == "constant" ? "func.constant" : "func.call_indirect";
  return name;
}

/// Results of one statement: more is not an op of a real model, and the
/// count must be bounded before values are made for it.
constexpr uint32_t kMaxResults = 1u << 16;
/// Open regions that scope names; deeper ones share the deepest scope.
constexpr size_t kMaxScopes = 128;

class LexicalIndexer {
public:
  LexicalIndexer(ModelIndex &index, llvm::StringRef ir,
                 const std::function<uint64_t(uint64_t)> &toFileOffset,
                 bool recordOps)
      : index(index), ir(ir), toFileOffset(toFileOffset), recordOps(recordOps) {
    for (uint32_t i = 0; i < index.opNames.size(); ++i)
      nameIds.try_emplace(index.opNames[i].name, i);
    for (const std::string &d : index.dialects)
      dialects.insert(d);
  }

  void run();

private:
  struct Pending {
    size_t slot; ///< into index.operands
    std::string name;
    uint32_t resultNumber;
  };
  /// An open region (the bottom one is the chunk's top level).
  struct Frame {
    uint32_t owner = kNone;
    uint32_t block = kNone;
    bool blockHasOps = false;
    /// The last op begun in this region: continuation lines belong to it.
    uint32_t lastOp = kNone;
    llvm::StringMap<std::pair<uint32_t, uint32_t>> names; ///< first, count
    std::vector<Pending> pending;
  };

  uint32_t internName(llvm::StringRef name);
  uint32_t newBlock(Frame &f);
  void openRegion(uint32_t op, llvm::ArrayRef<ValueToken> lineDecls);
  void closeRegion();
  void addUses(uint32_t op, llvm::ArrayRef<ValueToken> tokens);
  void define(Frame &f, llvm::StringRef name, uint32_t first, uint32_t count) {
    f.names[name] = {first, count};
  }
  std::optional<uint32_t> lookup(llvm::StringRef name,
                                 uint32_t resultNumber) const;
  bool statement(llvm::StringRef s, size_t indent, uint64_t at,
                 const LineCode &line);
  void wrapInModule(size_t firstOp, bool needed);

  ModelIndex &index;
  llvm::StringRef ir;
  const std::function<uint64_t(uint64_t)> &toFileOffset;
  /// False: the references only (IndexOptions::lexicalOps).
  bool recordOps;
  llvm::StringMap<uint32_t> nameIds;
  llvm::StringSet<> dialects;
  std::vector<Frame> frames;
  /// Regions opened beyond kMaxScopes, and not yet closed.
  unsigned mergedRegions = 0;
  /// Names an op declares in its header (`%arg0: t`, `%i = `), by op: the
  /// entry arguments of its first region, visible in all its regions.
  llvm::DenseMap<uint32_t, std::vector<std::pair<std::string, uint32_t>>>
      headerArgs;
  llvm::DenseMap<uint32_t, std::vector<std::string>> headerNames;
  llvm::DenseMap<uint32_t, uint32_t> regionsOpened;
};

uint32_t LexicalIndexer::internName(llvm::StringRef name) {
  auto [it, inserted] = nameIds.try_emplace(name, index.opNames.size());
  if (inserted) {
    OpName op;
    op.name = name.str();
    op.dialect = name.split('.').first.str();
    if (dialects.insert(op.dialect).second)
      index.dialects.push_back(op.dialect);
    index.opNames.push_back(std::move(op));
  }
  return it->second;
}

uint32_t LexicalIndexer::newBlock(Frame &f) {
  BlockRecord b;
  b.owner = f.owner;
  b.region = f.owner == kNone ? 0 : regionsOpened[f.owner] - 1;
  f.block = index.blocks.size();
  f.blockHasOps = false;
  index.blocks.push_back(b);
  if (f.owner != kNone)
    ++index.ops[f.owner].numBlocks;
  return f.block;
}

std::optional<uint32_t> LexicalIndexer::lookup(llvm::StringRef name,
                                               uint32_t resultNumber) const {
  for (size_t i = frames.size(); i-- > 0;) {
    auto it = frames[i].names.find(name);
    if (it != frames[i].names.end())
      return resultNumber < it->second.second ? it->second.first + resultNumber
                                              : it->second.first;
  }
  return std::nullopt;
}

void LexicalIndexer::addUses(uint32_t op, llvm::ArrayRef<ValueToken> tokens) {
  OpRecord &rec = index.ops[op];
  for (const ValueToken &t : tokens) {
    if (t.declaration)
      continue;
    // Operands are one slice per op: a use on a later line is added only
    // while nothing else has been appended since.
    if (rec.firstOperand + rec.numOperands != index.operands.size())
      return;
    if (std::optional<uint32_t> v = lookup(t.name, t.resultNumber)) {
      index.operands.push_back(*v);
    } else {
      frames.back().pending.push_back(
          {index.operands.size(), t.name.str(), t.resultNumber});
      index.operands.push_back(kNone);
    }
    ++rec.numOperands;
  }
}

void LexicalIndexer::openRegion(uint32_t op,
                                llvm::ArrayRef<ValueToken> lineDecls) {
  if (frames.size() > kMaxScopes) {
    // Deeper regions share the deepest scope: a name lookup walks at most
    // kMaxScopes frames, and an unresolved use moves out as many times, so
    // hostile nesting costs linear time. Real models nest a few dozen.
    ++mergedRegions;
    return;
  }
  auto &declared = headerNames[op];
  for (const ValueToken &t : lineDecls)
    if (t.declaration)
      declared.push_back(t.name.str());
  uint32_t region = regionsOpened[op]++;
  ++index.ops[op].numRegions;
  frames.emplace_back();
  Frame &f = frames.back();
  f.owner = op;
  newBlock(f);
  auto &args = headerArgs[op];
  if (region == 0 || args.size() < declared.size()) {
    // Declarations not yet given values: this region's entry arguments.
    BlockRecord &b = index.blocks[f.block];
    for (size_t i = args.size(); i < declared.size(); ++i) {
      ValueRecord v;
      v.kind = ValueRecord::Kind::BlockArgument;
      v.owner = op;
      v.number = b.numArguments;
      if (b.numArguments == 0)
        b.firstArgument = index.values.size();
      ++b.numArguments;
      args.push_back({declared[i], uint32_t(index.values.size())});
      index.values.push_back(v);
    }
  }
  for (auto &[name, value] : args)
    define(f, name, value, 1);
}

void LexicalIndexer::closeRegion() {
  if (mergedRegions) {
    --mergedRegions;
    return;
  }
  if (frames.size() <= 1)
    return; // an unbalanced `}`: nothing to close
  Frame f = std::move(frames.back());
  frames.pop_back();
  Frame &outer = frames.back();
  for (Pending &p : f.pending) {
    auto it = f.names.find(p.name);
    if (it != f.names.end())
      index.operands[p.slot] = p.resultNumber < it->second.second
                                   ? it->second.first + p.resultNumber
                                   : it->second.first;
    else
      outer.pending.push_back(std::move(p));
  }
  outer.lastOp = f.owner;
}

/// An op statement at `s` (the line's code from its first non-blank);
/// false when the line is not one.
bool LexicalIndexer::statement(llvm::StringRef s, size_t indent, uint64_t at,
                               const LineCode &line) {
  // Results: `%a, %b:2 = `.
  struct Result {
    llvm::StringRef name;
    uint32_t count;
  };
  llvm::SmallVector<Result, 4> results;
  llvm::StringRef rest = s;
  if (rest.starts_with("%")) {
    while (rest.consume_front("%")) {
      size_t n = 0;
      while (n < rest.size() && isValueNameChar(rest[n]))
        ++n;
      Result r{rest.take_front(n), 1};
      rest = rest.drop_front(n);
      if (rest.consume_front(":")) {
        size_t d = 0;
        while (d < rest.size() && llvm::isDigit(rest[d]))
          ++d;
        // A count is the file's word: bounded before values are made for
        // it (real ops have a handful of results).
        if (d == 0 || rest.take_front(d).getAsInteger(10, r.count) ||
            r.count > kMaxResults)
          return false;
        rest = rest.drop_front(d);
      }
      results.push_back(r);
      if (results.size() > kMaxResults)
        return false;
      rest = rest.ltrim();
      if (!rest.consume_front(","))
        break;
      rest = rest.ltrim();
    }
    rest = rest.ltrim();
    if (!rest.consume_front("=") || rest.starts_with("="))
      return false;
    rest = rest.ltrim();
  }
  bool quoted = rest.consume_front("\"");
  size_t n = 0;
  // A quoted name may hold any character but the quote
  // (`"stablehlo.cross-replica-sum"`).
  while (n < rest.size() &&
         (quoted ? rest[n] != '"' && rest[n] != ' ' : isNameChar(rest[n])))
    ++n;
  llvm::StringRef name = fullOpName(rest.take_front(n), !results.empty());
  if (!name.contains('.') || name.starts_with(".") || name.ends_with("."))
    return false;
  if (quoted && (n >= rest.size() || rest[n] != '"'))
    return false;

  Frame &f = frames.back();
  uint32_t op = index.ops.size();
  OpRecord rec;
  rec.name = internName(name);
  // Modules and functions (`func.func`, `gpu.module`, `llvm.func`) are
  // isolated from above in every dialect that has them: a first view opens
  // them as it does after a parse.
  llvm::StringRef kind = name.rsplit('.').second;
  rec.isolatedFromAbove = kind == "module" || kind == "func";
  rec.parent = f.owner;
  rec.depth = frames.size() - 1;
  rec.offset = toFileOffset(at + indent);
  if (f.owner != kNone) {
    if (f.block == kNone)
      newBlock(f);
    rec.block = f.block;
  }
  f.blockHasOps = true;
  size_t sym = rest.find('@');
  if (sym != llvm::StringRef::npos) {
    size_t e = sym + 1;
    while (e < rest.size() && isNameChar(rest[e]))
      ++e;
    rec.symbol = rest.slice(sym + 1, e).str();
  } else if (size_t at = rest.find("sym_name = \"");
             at != llvm::StringRef::npos) {
    // The generic form: `<{sym_name = "f", ...}>`.
    llvm::StringRef v = rest.drop_front(at + 12);
    rec.symbol = v.take_until([](char c) { return c == '"'; }).str();
  }
  rec.firstOperand = index.operands.size();
  index.ops.push_back(std::move(rec));
  f.lastOp = op;

  // Operands: the names after the op's name (declarations aside).
  size_t nameEnd = (rest.data() - line.code.data()) + n;
  llvm::SmallVector<ValueToken, 8> after;
  for (const ValueToken &t : line.values)
    if (t.begin >= nameEnd)
      after.push_back(t);
  addUses(op, after);

  uint64_t numResults = 0;
  for (const Result &r : results)
    numResults += r.count;
  if (numResults > kMaxResults)
    numResults = 0, results.clear();
  if (numResults) {
    index.ops[op].firstResult = index.values.size();
    index.ops[op].numResults = numResults;
    uint32_t number = 0;
    for (const Result &r : results) {
      define(f, r.name, index.values.size(), r.count);
      for (uint32_t i = 0; i < r.count; ++i) {
        ValueRecord v;
        v.kind = ValueRecord::Kind::OpResult;
        v.owner = op;
        v.number = number++;
        index.values.push_back(v);
      }
    }
  }
  if (line.opensRegion)
    openRegion(op, after);
  else
    for (const ValueToken &t : after)
      if (t.declaration)
        headerNames[op].push_back(t.name.str());
  return true;
}

void LexicalIndexer::run() {
  size_t firstOp = index.ops.size();
  frames.emplace_back();
  unsigned topLevelOps = 0;
  bool topLevelModule = false;
  LineCode line;
  uint64_t lineStart = 0;
  while (lineStart < ir.size()) {
    size_t nl = ir.find('\n', lineStart);
    uint64_t lineEnd = nl == llvm::StringRef::npos ? ir.size() : nl;
    uint64_t at = lineStart;
    scanLine(ir.slice(lineStart, lineEnd), line);
    lineStart = lineEnd + 1;

    // dense_resource references in the line's code.
    for (size_t p : line.resourceAt) {
      size_t kb = p + 15, ke = line.code.find('>', kb);
      if (p >= line.code.size() || ke == llvm::StringRef::npos)
        break;
      ResourceReference ref;
      ref.key = line.code.slice(kb, ke).trim().trim('"').str();
      ref.offset = toFileOffset(at + p);
      llvm::StringRef rest = line.code.drop_front(ke + 1).ltrim();
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
    if (!recordOps)
      continue;

    llvm::StringRef s = line.code.ltrim();
    if (s.empty())
      continue;
    size_t indent = line.code.size() - s.size();

    if (s.starts_with("}")) {
      // `}`, `})`, `}, {`, `} do {`: close, then maybe open the owner's
      // next region.
      uint32_t owner = kNone;
      while (s.starts_with("}")) {
        owner = frames.back().owner;
        closeRegion();
        s = s.drop_front().ltrim().ltrim(")").ltrim().ltrim(",").ltrim();
      }
      if (line.opensRegion && owner != kNone)
        openRegion(owner, line.values);
      continue;
    }
    if (s.starts_with("^")) {
      // A block label: a new block, unless the region's implicit entry
      // block has nothing yet.
      Frame &f = frames.back();
      if (f.owner == kNone)
        continue;
      if (f.block == kNone || f.blockHasOps ||
          index.blocks[f.block].numArguments)
        newBlock(f);
      BlockRecord &b = index.blocks[f.block];
      for (const ValueToken &t : line.values) {
        if (!t.declaration)
          continue;
        ValueRecord v;
        v.kind = ValueRecord::Kind::BlockArgument;
        v.owner = f.owner;
        v.number = b.numArguments;
        if (b.numArguments == 0)
          b.firstArgument = index.values.size();
        ++b.numArguments;
        define(f, t.name, index.values.size(), 1);
        index.values.push_back(v);
      }
      continue;
    }
    bool topLevel = frames.size() == 1;
    size_t before = index.ops.size();
    if (statement(s, indent, at, line)) {
      if (topLevel) {
        ++topLevelOps;
        topLevelModule = index.getOpName(index.ops[before]) == "builtin.module";
      }
      continue;
    }
    // A continuation of the region's last op: `reducer(%a: t) {`, `cond {`,
    // or operands on a wrapped line.
    uint32_t last = frames.back().lastOp;
    if (last == kNone)
      continue;
    if (line.opensRegion)
      openRegion(last, line.values);
    else
      addUses(last, line.values);
  }
  if (!recordOps) {
    frames.clear();
    return;
  }
  while (frames.size() > 1)
    closeRegion();
  // Names defined nowhere: unresolved values, never another op's result.
  for (Pending &p : frames.back().pending) {
    ValueRecord v;
    v.kind = ValueRecord::Kind::Unresolved;
    index.operands[p.slot] = index.values.size();
    index.values.push_back(v);
  }
  frames.clear();
  wrapInModule(firstOp, topLevelOps != 1 || !topLevelModule);
}

/// Like MLIR's parse, a chunk that is not one module gets an implicit one
/// around it: its ops move one level down.
void LexicalIndexer::wrapInModule(size_t firstOp, bool needed) {
  if (!needed)
    return;
  uint32_t moduleName = internName("builtin.module");
  uint32_t module = firstOp;
  auto shift = [&](uint32_t &op) {
    if (op != kNone && op >= module)
      ++op;
  };
  for (size_t i = firstOp; i < index.ops.size(); ++i)
    shift(index.ops[i].parent);
  for (ValueRecord &v : index.values)
    shift(v.owner);
  for (BlockRecord &b : index.blocks)
    shift(b.owner);
  BlockRecord body;
  body.owner = module;
  uint32_t bodyBlock = index.blocks.size();
  index.blocks.push_back(body);
  for (size_t i = firstOp; i < index.ops.size(); ++i) {
    OpRecord &op = index.ops[i];
    if (op.parent == kNone) {
      op.parent = module;
      op.block = bodyBlock;
    }
    ++op.depth;
  }
  OpRecord rec;
  rec.name = moduleName;
  rec.numRegions = rec.numBlocks = 1;
  rec.isolatedFromAbove = true;
  rec.offset = toFileOffset(0);
  rec.firstOperand = firstOp < index.ops.size()
                         ? index.ops[firstOp].firstOperand
                         : index.operands.size();
  index.ops.insert(index.ops.begin() + firstOp, rec);
}

} // namespace

void mlirscope::indexLexically(
    ModelIndex &index, llvm::StringRef ir,
    const std::function<uint64_t(uint64_t)> &toFileOffset, bool recordOps) {
  LexicalIndexer(index, ir, toFileOffset, recordOps).run();
}
