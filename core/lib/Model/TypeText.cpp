//===- TypeText.cpp - Builtin types from their spelling -------------------===//

#include "mlirscope/Model/TypeText.h"

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringSwitch.h"

using namespace mlirscope;

ElementType mlirscope::parseElementTypeText(llvm::StringRef text) {
  text = text.trim();
  ElementType t;
  t.name = text.str();
  auto parseWidth = [&](llvm::StringRef digits) -> bool {
    unsigned w;
    if (digits.empty() || digits.getAsInteger(10, w) || w == 0 ||
        w > (1u << 24))
      return false;
    t.width = w;
    return true;
  };
  if (text == "index") {
    t.kind = ElementType::Kind::Index;
    t.width = 64;
    return t;
  }
  if (text.starts_with("complex<") && text.ends_with(">")) {
    ElementType inner =
        parseElementTypeText(text.drop_front(8).drop_back(1));
    if (inner.kind == ElementType::Kind::Integer ||
        inner.kind == ElementType::Kind::Float) {
      t.kind = ElementType::Kind::Complex;
      t.width = inner.width;
      t.signedness = inner.signedness;
    }
    return t;
  }
  if (text.starts_with("si") && parseWidth(text.drop_front(2))) {
    t.kind = ElementType::Kind::Integer;
    t.signedness = ElementType::Signedness::Signed;
    return t;
  }
  if (text.starts_with("ui") && parseWidth(text.drop_front(2))) {
    t.kind = ElementType::Kind::Integer;
    t.signedness = ElementType::Signedness::Unsigned;
    return t;
  }
  if (text.starts_with("i") && parseWidth(text.drop_front(1))) {
    t.kind = ElementType::Kind::Integer;
    return t;
  }
  unsigned floatWidth = llvm::StringSwitch<unsigned>(text)
                            .Case("f16", 16)
                            .Case("bf16", 16)
                            .Case("f32", 32)
                            .Case("tf32", 32) // stored in 32 bits
                            .Case("f64", 64)
                            .Case("f80", 80)
                            .Case("f128", 128)
                            .Default(0);
  if (!floatWidth && text.starts_with("f8"))
    floatWidth = 8;
  if (!floatWidth && (text.starts_with("f6") || text.starts_with("f4")) &&
      text.size() > 2 && text[2] == 'E')
    floatWidth = text[1] - '0';
  if (floatWidth) {
    t.kind = ElementType::Kind::Float;
    t.width = floatWidth;
  }
  return t;
}

std::string mlirscope::formatTensorType(llvm::StringRef kind, bool ranked,
                                        llvm::ArrayRef<int64_t> shape,
                                        llvm::StringRef elementName) {
  std::string s = kind.str() + "<";
  if (!ranked) {
    s += "*x";
  } else {
    for (int64_t d : shape) {
      s += d == TensorType::kDynamic ? std::string("?") : std::to_string(d);
      s += "x";
    }
  }
  s += elementName.str();
  s += ">";
  return s;
}

/// Splits `s` at top-level commas (not inside <>, (), [] or {}).
static llvm::SmallVector<llvm::StringRef> splitTopLevel(llvm::StringRef s) {
  llvm::SmallVector<llvm::StringRef> parts;
  int depth = 0;
  size_t start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '<' || c == '(' || c == '[' || c == '{')
      ++depth;
    else if (c == '>' || c == ')' || c == ']' || c == '}')
      --depth;
    else if (c == ',' && depth == 0) {
      parts.push_back(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push_back(s.drop_front(start).trim());
  return parts;
}

std::optional<TensorType> mlirscope::parseShapedTypeText(llvm::StringRef text) {
  text = text.trim();
  llvm::StringRef kind;
  for (llvm::StringRef k : {"tensor", "vector", "memref"}) {
    if (text.starts_with(k) && text.size() > k.size() &&
        text[k.size()] == '<') {
      kind = k;
      break;
    }
  }
  if (kind.empty() || !text.ends_with(">"))
    return std::nullopt;
  llvm::StringRef body = text.drop_front(kind.size() + 1).drop_back(1);
  // Drop encoding / layout / memory space: everything after the first
  // top-level comma.
  body = splitTopLevel(body).front();
  TensorType t;
  t.ranked = true;
  if (body.starts_with("*x")) {
    t.ranked = false;
    body = body.drop_front(2);
  } else {
    // Dimensions are digits or '?' (or [N] for scalable vector dims)
    // followed by 'x'.
    while (true) {
      size_t x = body.find('x');
      if (x == llvm::StringRef::npos)
        break;
      llvm::StringRef dim = body.take_front(x).trim();
      if (dim.starts_with("[") && dim.ends_with("]"))
        dim = dim.drop_front().drop_back();
      int64_t v;
      if (dim == "?") {
        t.shape.push_back(TensorType::kDynamic);
      } else if (!dim.empty() && !dim.getAsInteger(10, v) && v >= 0) {
        t.shape.push_back(v);
      } else {
        break;
      }
      body = body.drop_front(x + 1);
    }
  }
  t.element = parseElementTypeText(body);
  t.text = formatTensorType(kind, t.ranked, t.shape, t.element.name);
  return t;
}
