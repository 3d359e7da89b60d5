//===- NestingLimit.cpp - How deep a model may nest for MLIR --------------===//

#include "mlirscope/Index/NestingLimit.h"

#include "mlirscope/Bytecode/AttrTypeReader.h"
#include "mlirscope/Model/ModelIndex.h"
#include "mlirscope/Support/ByteSet.h"
#include "mlirscope/Support/FormatError.h"

#include <vector>

using namespace mlirscope;

static bool isBlank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool isDigit(char c) { return c >= '0' && c <= '9'; }

/// Ends an operand: what a binary operator follows.
static bool endsOperand(char c) {
  return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         c == '_' || c == ')' || c == ']' || c == '.' || c == '$';
}

std::optional<uint64_t> mlirscope::findDeepNesting(llvm::StringRef text,
                                                   unsigned limit) {
  // Brackets nest. So do affine expressions, whose operators MLIR turns into
  // a tree as deep as the chain and parses and simplifies recursively:
  // `d0 + d0 + ...` of 100,000 terms, or `- - - ... d0`, overflows
  // mlir-opt's stack as surely as 100,000 brackets. Each operator counts one
  // level on top of the brackets around it, per innermost bracket pair.
  // Numbers' signs (`-1.5`, `1.0e+10`) are not operators.
  //
  // Each level the scan below counts is an opening bracket, an operator
  // character, or an `f`, `c` or `m` after a blank (floordiv, ceildiv,
  // mod): a text with at most `limit` of them cannot be too deep, which one
  // pass of table lookups tells (most texts a person edits).
  static constexpr ByteSet kLevels("{([<-+*");
  static constexpr ByteSet kWordOps("fcm");
  static constexpr ByteSet kBlanks(" \t\n\r");
  uint64_t bound = 0;
  bool afterBlank = true;
  for (char c : text) {
    bound += kLevels.contains(c) | (afterBlank & kWordOps.contains(c));
    afterBlank = kBlanks.contains(c);
  }
  if (bound <= limit)
    return std::nullopt;

  uint64_t depth = 0;
  std::vector<uint32_t> ops(1, 0); // per open bracket, at most limit + 1
  char prev = 0, beforePrev = 0;   // last two non-blank characters
  size_t n = text.size();
  auto op = [&] { return depth + ++ops.back() > limit; };
  for (size_t i = 0; i < n; ++i) {
    char c = text[i];
    if (isBlank(c))
      continue;
    char next = i + 1 < n ? text[i + 1] : 0;
    switch (c) {
    case '"':
      // A string literal: nothing inside counts.
      for (++i; i < n && text[i] != '"' && text[i] != '\n'; ++i)
        if (text[i] == '\\')
          ++i;
      break;
    case '/':
      if (next == '/')
        while (i < n && text[i] != '\n')
          ++i;
      break;
    case '-':
    case '+': {
      if (c == '-' && next == '>') {
        ++i; // `->` is an arrow
        c = '>';
        break;
      }
      bool exponent = (prev == 'e' || prev == 'E') &&
                      (isDigit(beforePrev) || beforePrev == '.');
      bool unary = !endsOperand(prev);
      if (exponent || (unary && c == '-' && isDigit(next)))
        break; // part of a number
      if (op())
        return i;
      break;
    }
    case '*':
      if (op())
        return i;
      break;
    case 'f':
    case 'c':
    case 'm': {
      llvm::StringRef rest = text.substr(i);
      size_t len = rest.starts_with("floordiv") || rest.starts_with("ceildiv")
                       ? (c == 'f' ? 8 : 7)
                   : rest.starts_with("mod") ? 3
                                             : 0;
      if (len && i > 0 && isBlank(text[i - 1]) &&
          (i + len >= n || isBlank(text[i + len]))) {
        if (op())
          return i;
        i += len - 1;
      }
      break;
    }
    case '{':
    case '(':
    case '[':
    case '<':
      if (++depth + ops.back() > limit)
        return i;
      ops.push_back(0);
      break;
    case '}':
    case ')':
    case ']':
    case '>':
      // `>=` in integer sets; a stray closer never makes depth negative.
      if (depth && !(c == '>' && next == '=')) {
        --depth;
        ops.pop_back();
      }
      break;
    default:
      break;
    }
    beforePrev = prev;
    prev = c;
  }
  return std::nullopt;
}

llvm::Error mlirscope::checkNestingForMLIR(const ModelIndex &index) {
  std::string path = index.file ? index.file->getName() : "model";
  for (const OpRecord &op : index.ops)
    if (op.depth > kMaxNesting)
      return makeFormatError(
          path, op.offset,
          "at most " + llvm::Twine(kMaxNesting) +
              " nested regions (MLIR's reader and printer recurse once per "
              "level)");
  // Attributes and types nest too (an array of arrays of ...), and MLIR's
  // bytecode reader recurses through them as well.
  if (index.attrTypes) {
    std::lock_guard<std::mutex> guard(index.attrTypes->mutex());
    // A DAG of attributes that share entries prints each use: 60 arrays
    // each holding the next twice print 2^60 entries.
    constexpr uint64_t kMaxExpanded = 1u << 24;
    if (auto found = index.attrTypes->findDeepNesting(kMaxNesting,
                                                      kMaxExpanded)) {
      if (found->second)
        return makeFormatError(
            path, found->first,
            "at most " + llvm::Twine(kMaxNesting) +
                " levels of nested attributes and types (MLIR's bytecode "
                "reader recurses once per level)");
      return makeFormatError(
          path, found->first,
          "attributes and types that print as at most " +
              llvm::Twine(kMaxExpanded) +
              " entries (this one names shared entries so often that MLIR's "
              "printer would write more)");
    }
  }
  return llvm::Error::success();
}
