//===- NestingLimit.cpp - How deep a model may nest for MLIR --------------===//

#include "mlirscope/NestingLimit.h"
#include "mlirscope/FormatError.h"
#include "mlirscope/ModelIndex.h"

using namespace mlirscope;

std::optional<uint64_t> mlirscope::findDeepNesting(llvm::StringRef text,
                                                   unsigned limit) {
  uint64_t depth = 0;
  size_t n = text.size();
  for (size_t i = 0; i < n; ++i) {
    char c = text[i];
    switch (c) {
    case '"':
      // A string literal: brackets inside do not count.
      for (++i; i < n && text[i] != '"' && text[i] != '\n'; ++i)
        if (text[i] == '\\')
          ++i;
      break;
    case '/':
      if (i + 1 < n && text[i + 1] == '/')
        while (i < n && text[i] != '\n')
          ++i;
      break;
    case '-':
      if (i + 1 < n && text[i + 1] == '>')
        ++i; // `->` is an arrow, not a closing bracket
      break;
    case '{':
    case '(':
    case '[':
    case '<':
      if (++depth > limit)
        return i;
      break;
    case '}':
    case ')':
    case ']':
    case '>':
      // `>=` in integer sets; a stray closer never makes depth negative.
      if (depth && !(c == '>' && i + 1 < n && text[i + 1] == '='))
        --depth;
      break;
    default:
      break;
    }
  }
  return std::nullopt;
}

llvm::Error mlirscope::checkNestingForMLIR(const ModelIndex &index) {
  for (const OpRecord &op : index.ops)
    if (op.depth > kMaxNesting)
      return makeFormatError(
          index.file ? index.file->getPath() : "model", op.offset,
          "at most " + llvm::Twine(kMaxNesting) +
              " nested regions (MLIR's reader and printer recurse once per "
              "level)");
  return llvm::Error::success();
}
