//===- Split.cpp - Where MLIR tools cut a text, and its blocks ------------===//

#include "mlirscope/Text/Split.h"
#include "mlirscope/Support/ByteSet.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cstring>

using namespace mlirscope;

/// The first `needle` in `text` at or after `from`, or npos. By memchr on
/// its first character, which no hex digit is: a model's hex (GBs) is
/// skipped at memchr's speed, where StringRef::find crawls.
static size_t findFast(llvm::StringRef text, llvm::StringRef needle,
                       size_t from) {
  // An empty text has no data pointer to hand memchr.
  if (text.empty() || needle.empty())
    return llvm::StringRef::npos;
  const char *begin = text.data(), *end = begin + text.size();
  for (const char *p = begin + std::min(from, text.size());
       (p = static_cast<const char *>(std::memchr(p, needle[0], end - p))); ++p)
    if (llvm::StringRef(p, end - p).starts_with(needle))
      return p - begin;
  return llvm::StringRef::npos;
}

bool mlirscope::isSplitMarkerAt(llvm::StringRef text, uint64_t p,
                                SplitRule rule) {
  if (!text.substr(p).starts_with(kSplitMarker))
    return false;
  if (rule == SplitRule::LanguageServer)
    return true;
  uint64_t after = p + kSplitMarker.size();
  if (after >= text.size())
    return false;
  // "// -----// ---" leaves nothing between the cuts.
  if (text.substr(after).starts_with(kSplitMarker.drop_back(2)))
    return false;
  return text[after] != '0';
}

std::vector<TextRange> mlirscope::splitChunks(llvm::StringRef text,
                                              llvm::ArrayRef<TextRange> skip,
                                              SplitRule rule) {
  std::vector<TextRange> chunks;
  uint64_t begin = 0, from = 0;
  const TextRange *range = skip.begin();
  while (true) {
    while (range != skip.end() && range->end <= from)
      ++range;
    // Search up to the next skipped range, then go on after it.
    uint64_t limit = range == skip.end() ? text.size() : range->begin;
    size_t at = from < limit
                    ? findFast(text.take_front(limit), kSplitMarker, from)
                    : llvm::StringRef::npos;
    if (at == llvm::StringRef::npos) {
      if (range == skip.end())
        break;
      from = std::max(from, range->end);
      continue;
    }
    if (!isSplitMarkerAt(text, at, rule)) {
      from = at + 1;
      continue;
    }
    chunks.push_back({begin, at});
    begin = from = at + kSplitMarker.size();
  }
  chunks.push_back({begin, text.size()});
  return chunks;
}

std::vector<TextRange> mlirscope::findMetadataBlocks(llvm::StringRef text) {
  std::vector<TextRange> blocks;
  for (size_t at = 0;
       (at = findFast(text, "{-#", at)) != llvm::StringRef::npos;) {
    size_t lineStart = text.rfind('\n', at);
    lineStart = lineStart == llvm::StringRef::npos ? 0 : lineStart + 1;
    if (!text.slice(lineStart, at).trim().empty()) {
      at += 3;
      continue;
    }
    size_t end = findFast(text, "#-}", at + 3);
    end = end == llvm::StringRef::npos ? text.size() : end + 3;
    blocks.push_back({at, end});
    at = end;
  }
  return blocks;
}

bool mlirscope::isResourceKeyChar(char c) {
  return llvm::isAlnum(c) || c == '_' || c == '.' || c == '$' || c == '-';
}

std::vector<DenseResourceUse>
mlirscope::findDenseResourceUses(llvm::StringRef text,
                                 llvm::ArrayRef<TextRange> blocks) {
  static constexpr llvm::StringLiteral kw = "dense_resource<";
  std::vector<DenseResourceUse> uses;
  const TextRange *nextBlock = blocks.begin();
  for (uint64_t i = 0; i < text.size();) {
    if (nextBlock != blocks.end() && i >= nextBlock->begin) {
      i = std::max(i, nextBlock->end);
      ++nextBlock;
      continue;
    }
    // Only a comment, a string or the keyword matters here.
    static constexpr ByteSet kActs("/\"d");
    uint64_t limit = nextBlock != blocks.end()
                         ? std::min<uint64_t>(nextBlock->begin, text.size())
                         : text.size();
    i = kActs.find(text, i, limit);
    if (i == limit)
      continue;
    char c = text[i];
    if (c == '/' && i + 1 < text.size() && text[i + 1] == '/') {
      size_t nl = text.find('\n', i);
      i = nl == llvm::StringRef::npos ? text.size() : nl;
      continue;
    }
    if (c == '"') {
      ++i;
      while (i < text.size() && text[i] != '"' && text[i] != '\n')
        i += text[i] == '\\' ? 2 : 1;
      ++i;
      continue;
    }
    if (!text.substr(i).starts_with(kw) ||
        (i > 0 && (llvm::isAlnum(text[i - 1]) || text[i - 1] == '_'))) {
      ++i;
      continue;
    }
    uint64_t k = i + kw.size(), e = k;
    std::string key;
    if (k < text.size() && text[k] == '"') {
      e = k + 1;
      while (e < text.size() && text[e] != '"' && text[e] != '\n')
        e += text[e] == '\\' ? 2 : 1;
      if (e >= text.size() || text[e] != '"') {
        i = k;
        continue;
      }
      key = text.slice(k + 1, e).str();
      ++e;
    } else {
      while (e < text.size() && isResourceKeyChar(text[e]))
        ++e;
      key = text.slice(k, e).str();
    }
    uint64_t close = e;
    if (close < text.size() && text[close] == '>')
      ++close;
    if (!key.empty())
      uses.push_back({std::move(key), {k, e}, {i, close}});
    i = std::max(e, i + 1);
  }
  return uses;
}
