//===- InlineWeights.cpp - Weights written into MLIR text -----------------===//

#include "mlirscope/Text/InlineWeights.h"
#include "mlirscope/Model/TypeText.h"
#include "mlirscope/Support/ByteSet.h"

#include "llvm/ADT/StringExtras.h"

#include <cstring>
#include <map>

using namespace mlirscope;

namespace {

bool isIdentChar(char c) {
  return llvm::isAlnum(c) || c == '_' || c == '$' || c == '.' || c == '-';
}

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/// Where memchr finds `c` in text[from, end), or `end`. Over a long range
/// the search goes by windows, and with `drop` each window's pages leave the
/// process once searched: a weight's hex runs to gigabytes, and scanning it
/// must not hold it.
uint64_t findByte(llvm::StringRef text, uint64_t from, uint64_t end, char c,
                  const ByteSource *drop) {
  constexpr uint64_t kWindow = 64u << 20;
  while (from < end) {
    uint64_t stop = std::min(end, from + kWindow);
    if (const void *q = std::memchr(text.data() + from, c, stop - from))
      return static_cast<const char *>(q) - text.data();
    if (drop && stop - from == kWindow)
      drop->dropPages(from, stop - from);
    from = stop;
  }
  return end;
}

/// One past the closing quote of the string literal opening at `at`, or
/// `end` when it does not close. Escaped quotes do not close it.
uint64_t skipString(llvm::StringRef text, uint64_t at, uint64_t end,
                    const ByteSource *drop = nullptr) {
  uint64_t p = at + 1;
  while (p < end) {
    uint64_t quote = findByte(text, p, end, '"', drop);
    if (quote >= end)
      return end;
    uint64_t backslashes = 0;
    while (quote - backslashes > at + 1 && text[quote - backslashes - 1] == '\\')
      ++backslashes;
    if (backslashes % 2 == 0)
      return quote + 1;
    p = quote + 1;
  }
  return end;
}

uint64_t skipSpace(llvm::StringRef text, uint64_t p, uint64_t end) {
  while (p < end && isSpace(text[p]))
    ++p;
  return p;
}

/// The shaped type written at `p` (`tensor<...>`, `vector<...>`,
/// `memref<...>`): its end, or `p` when there is none.
uint64_t typeEnd(llvm::StringRef text, uint64_t p, uint64_t end) {
  llvm::StringRef rest = text.substr(p, std::min<uint64_t>(end - p, 8));
  if (!rest.starts_with("tensor<") && !rest.starts_with("vector<") &&
      !rest.starts_with("memref<"))
    return p;
  unsigned depth = 0;
  for (uint64_t q = p; q < end; ++q) {
    char c = text[q];
    if (c == '<')
      ++depth;
    else if (c == '>' && --depth == 0)
      return q + 1;
    else if (c == '"')
      q = skipString(text, q, end) - 1;
    else if (c == '\n' || c == '{' || c == '}')
      return p; // not a type after all
  }
  return p;
}

/// Where the type after a literal or reference ending at `p` is (` : T`).
void typeAfter(llvm::StringRef text, uint64_t p, uint64_t end,
               uint64_t &begin, uint64_t &stop) {
  begin = stop = 0;
  p = skipSpace(text, p, end);
  if (p >= end || text[p] != ':')
    return;
  p = skipSpace(text, p + 1, end);
  uint64_t e = typeEnd(text, p, end);
  if (e > p) {
    begin = p;
    stop = e;
  }
}

/// The first token of a line that starts an op: `%r = op`, `%r:2 = op`,
/// `op`, `"op"`; empty when the line does not start one.
llvm::StringRef opOfLine(llvm::StringRef line) {
  line = line.ltrim();
  if (line.starts_with("%")) {
    size_t eq = line.find(" = ");
    if (eq == llvm::StringRef::npos)
      return {};
    line = line.drop_front(eq + 3).ltrim();
  }
  if (line.starts_with("\"")) {
    size_t close = line.find('"', 1);
    if (close == llvm::StringRef::npos)
      return {};
    llvm::StringRef name = line.slice(1, close);
    return name.contains('.') ? name : llvm::StringRef();
  }
  size_t n = 0;
  while (n < line.size() && isIdentChar(line[n]))
    ++n;
  llvm::StringRef name = line.take_front(n);
  // `value = dense<...>` inside a multi-line attribute dictionary is not an
  // op; an op name has a dialect prefix.
  if (!name.contains('.') || name.starts_with(".") || name.ends_with("."))
    return {};
  return name;
}

/// The symbol an op line declares: `op [words] @name` or, in generic form,
/// `sym_name = "name"`. Empty when none.
std::string symbolOfLine(llvm::StringRef line) {
  llvm::StringRef op = opOfLine(line);
  if (op.empty())
    return {};
  size_t at = line.find(op) + op.size();
  llvm::StringRef rest = line.drop_front(at);
  if (rest.starts_with("\"")) { // generic form
    size_t s = line.find("sym_name = \"");
    if (s == llvm::StringRef::npos)
      return {};
    llvm::StringRef name = line.drop_front(s + 12);
    return name.take_until([](char c) { return c == '"'; }).str();
  }
  // Words (visibility, `constant`, `mutable`, quoted "private") may sit
  // between the op and its symbol; anything else means there is none.
  while (true) {
    rest = rest.ltrim();
    if (rest.starts_with("@")) {
      rest = rest.drop_front();
      if (rest.starts_with("\""))
        return rest.drop_front().take_until([](char c) { return c == '"'; }).str();
      return rest.take_while(isIdentChar).str();
    }
    if (rest.starts_with("\"")) {
      size_t close = rest.find('"', 1);
      if (close == llvm::StringRef::npos)
        return {};
      rest = rest.drop_front(close + 1);
      continue;
    }
    size_t n = 0;
    while (n < rest.size() && llvm::isAlpha(rest[n]))
      ++n;
    if (n == 0)
      return {};
    rest = rest.drop_front(n);
  }
}

} // namespace

static std::optional<ElementsLiteral>
parseLiteral(llvm::StringRef text, uint64_t offset, const ByteSource *drop) {
  uint64_t end = text.size();
  if (!text.substr(offset).starts_with("dense<"))
    return std::nullopt;
  ElementsLiteral lit;
  lit.begin = offset;
  uint64_t p = skipSpace(text, offset + 6, end);
  if (p >= end)
    return std::nullopt;
  if (text[p] == '"') {
    uint64_t close = skipString(text, p, end, drop);
    if (close >= end || text[close - 1] != '"')
      return std::nullopt;
    llvm::StringRef body = text.slice(p + 1, close - 1);
    if (body.starts_with_insensitive("0x")) {
      lit.encoding = WeightEncoding::Hex;
      lit.dataBegin = p + 3;
    } else {
      lit.encoding = WeightEncoding::Strings;
      lit.dataBegin = p;
    }
    lit.dataEnd = lit.encoding == WeightEncoding::Hex ? close - 1 : close;
    p = skipSpace(text, close, end);
    if (p >= end || text[p] != '>')
      return std::nullopt;
    lit.end = p + 1;
  } else {
    // Numbers, nested lists, complex pairs, `true`: to the `>` at depth 0.
    lit.dataBegin = p;
    unsigned depth = 0;
    uint64_t q = p;
    bool strings = false, sawValue = false;
    for (; q < end; ++q) {
      char c = text[q];
      if (c == '[' || c == '(') {
        ++depth;
      } else if (c == ']' || c == ')') {
        if (depth == 0)
          return std::nullopt;
        --depth;
      } else if (c == '"') {
        if (!sawValue)
          strings = true;
        q = skipString(text, q, end) - 1;
        sawValue = true;
      } else if (c == '>' && depth == 0) {
        break;
      } else if (c == '<' || c == '{' || c == '}') {
        return std::nullopt;
      } else if (!isSpace(c) && c != ',') {
        sawValue = true;
      }
    }
    if (q >= end)
      return std::nullopt;
    lit.dataEnd = q;
    while (lit.dataEnd > lit.dataBegin && isSpace(text[lit.dataEnd - 1]))
      --lit.dataEnd;
    lit.encoding = strings ? WeightEncoding::Strings : WeightEncoding::Literal;
    lit.end = q + 1;
  }
  typeAfter(text, lit.end, end, lit.typeBegin, lit.typeEnd);
  return lit;
}

std::optional<ElementsLiteral>
mlirscope::parseElementsLiteral(llvm::StringRef text, uint64_t offset) {
  return parseLiteral(text, offset, nullptr);
}

void mlirscope::scanTextWeights(
    llvm::StringRef text, uint64_t begin, uint64_t end,
    llvm::ArrayRef<std::pair<uint64_t, uint64_t>> skip, uint32_t chunk,
    std::vector<Weight> &out, const ByteSource *drop) {
  end = std::min<uint64_t>(end, text.size());
  struct Scope {
    unsigned depth;
    std::string name;
  };
  std::vector<Scope> scopes;
  unsigned depth = 0;
  uint64_t lineStart = begin;
  size_t nextSkip = 0;
  // Per (scope, op name): how many of its ops hold elements seen so far.
  std::map<std::pair<std::string, std::string>, unsigned> counters;
  uint64_t lastOpLine = UINT64_MAX;
  std::string lastOpName;
  unsigned attrsOfLastOp = 0;

  // The line where the op holding the attribute at `at` begins: this line
  // or, for an attribute dictionary written over several lines, the nearest
  // line above that starts an op.
  auto opLineOf = [&](uint64_t at, llvm::StringRef &op) -> uint64_t {
    uint64_t ls = lineStart, le = at;
    for (unsigned tries = 0; tries < 64; ++tries) {
      // The line up to the attribute, or a whole line above it: never the
      // text after it, which may be gigabytes of hex.
      llvm::StringRef line = text.slice(ls, le);
      op = opOfLine(line);
      if (!op.empty() || ls <= begin)
        return ls;
      le = ls - 1;
      uint64_t prev = text.rfind('\n', ls - 1);
      ls = prev == llvm::StringRef::npos ? 0 : prev + 1;
      if (ls < begin)
        ls = begin;
    }
    op = {};
    return lineStart;
  };

  auto nameFor = [&](uint64_t at, Weight &w) {
    llvm::StringRef op;
    uint64_t ls = opLineOf(at, op);
    w.opName = op.str();
    llvm::StringRef line = text.slice(ls, at);
    std::string symbol = symbolOfLine(line);
    if (ls == lastOpLine) {
      w.name = lastOpName + "." + std::to_string(++attrsOfLastOp);
      return;
    }
    lastOpLine = ls;
    attrsOfLastOp = 0;
    if (!symbol.empty()) {
      w.name = "@" + symbol;
    } else {
      std::string scope = scopes.empty() ? "" : scopes.back().name;
      unsigned k = counters[{scope, op.str()}]++;
      w.name = (scope.empty() ? "" : "@" + scope) + "/" +
               (op.empty() ? std::string("elements") : op.str()) + "#" +
               std::to_string(k);
    }
    lastOpName = w.name;
  };

  uint64_t p = begin;
  while (p < end) {
    while (nextSkip < skip.size() && skip[nextSkip].second <= p)
      ++nextSkip;
    if (nextSkip < skip.size() && skip[nextSkip].first <= p) {
      p = skip[nextSkip].second;
      lineStart = p;
      continue;
    }
    // The bytes the switch below acts on; the rest are stepped over.
    static constexpr ByteSet kActs("\n\"/{}d#");
    uint64_t limit = nextSkip < skip.size()
                         ? std::min<uint64_t>(end, skip[nextSkip].first)
                         : end;
    p = kActs.find(text, p, limit);
    if (p == limit)
      continue;
    char c = text[p];
    switch (c) {
    case '\n':
      lineStart = ++p;
      continue;
    case '"':
      p = skipString(text, p, end, drop);
      continue;
    case '/':
      if (p + 1 < end && text[p + 1] == '/') {
        const void *nl = std::memchr(text.data() + p, '\n', end - p);
        p = nl ? static_cast<const char *>(nl) - text.data() : end;
        continue;
      }
      break;
    case '{': {
      ++depth;
      std::string symbol = symbolOfLine(text.slice(lineStart, p));
      if (!symbol.empty())
        scopes.push_back({depth, std::move(symbol)});
      break;
    }
    case '}':
      if (!scopes.empty() && scopes.back().depth == depth)
        scopes.pop_back();
      if (depth)
        --depth;
      break;
    case 'd': {
      if (p > begin && isIdentChar(text[p - 1]))
        break;
      if (text.substr(p, 6) != "dense<")
        break;
      std::optional<ElementsLiteral> lit =
          parseLiteral(text.slice(0, end), p, drop);
      if (!lit)
        break;
      Weight w;
      w.kind = WeightKind::Inline;
      w.encoding = lit->encoding;
      w.chunk = chunk;
      w.attrOffset = lit->begin;
      w.valueEnd = lit->end;
      w.attrEnd = lit->typeEnd ? lit->typeEnd : lit->end;
      w.offset = lit->dataBegin;
      w.size = lit->dataEnd - lit->dataBegin;
      if (lit->typeEnd)
        w.type = parseShapedTypeText(text.slice(lit->typeBegin, lit->typeEnd));
      nameFor(p, w);
      if (!w.type) {
        // `memref.global ... @name : memref<4xf32> = dense<...>`: the type
        // is written before the initial value.
        llvm::StringRef before = text.slice(lineStart, p).rtrim();
        if (before.consume_back("=")) {
          before = before.rtrim();
          size_t colon = before.rfind(": ");
          if (colon != llvm::StringRef::npos)
            w.type = parseShapedTypeText(before.drop_front(colon + 2).trim());
        }
      }
      switch (w.encoding) {
      case WeightEncoding::Hex:
        {
        // MLIR reads one byte 0x00 or 0xff of i1 data as a splat.
        llvm::StringRef first = text.substr(w.offset, 2);
        classifyElementsData(w, w.size / 2,
                             first.equals_insensitive("00") ||
                                 first.equals_insensitive("ff"));
      }
        break;
      case WeightEncoding::Literal: {
        llvm::StringRef body = text.slice(lit->dataBegin, lit->dataEnd);
        std::optional<uint64_t> n = w.type ? w.type->numElements()
                                           : std::nullopt;
        w.splat = !body.starts_with("[") && n && *n > 1;
        uint64_t esz = w.type ? w.type->element.storageBits() / 8 : 0;
        w.dataBytes = w.splat ? esz : w.logicalBytes().value_or(0);
        break;
      }
      default:
        w.dataBytes = w.size;
        break;
      }
      out.push_back(std::move(w));
      // Past the literal, but not past the type: a `{` or `}` cannot be in
      // it, and a newline inside a long literal list must move lineStart.
      uint64_t stop = lit->end;
      if (w.encoding != WeightEncoding::Hex)
        if (const char *nl = static_cast<const char *>(
                memrchr(text.data() + p, '\n', stop - p)))
          lineStart = nl - text.data() + 1;
      p = stop;
      continue;
    }
    case '#': {
      size_t length = 0;
      std::optional<Weight> ref = parseParameterReference(
          text.slice(p, std::min<uint64_t>(end, p + 4096)), length);
      if (!ref)
        break;
      Weight w = std::move(*ref);
      w.chunk = chunk;
      w.attrOffset = p;
      uint64_t tb, te;
      typeAfter(text, p + length, end, tb, te);
      w.valueEnd = p + length;
      w.attrEnd = te ? te : p + length;
      if (te)
        w.type = parseShapedTypeText(text.slice(tb, te));
      llvm::StringRef op;
      opLineOf(p, op);
      w.opName = op.str();
      out.push_back(std::move(w));
      p += length;
      continue;
    }
    default:
      break;
    }
    ++p;
  }
}
