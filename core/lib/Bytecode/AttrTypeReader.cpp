//===- AttrTypeReader.cpp - Lazy decoding of bytecode attributes/types ----===//
//
// The structural half: element types and shapes, strings, dictionaries,
// resource handles. Printing as text is in AttrTypePrinter.cpp.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Bytecode/AttrTypeReader.h"
#include "mlirscope/Bytecode/BuiltinBytecode.h"
#include "mlirscope/Bytecode/VhloBytecode.h"

#include "mlirscope/Model/TypeText.h"

using namespace mlirscope;

AttrTypeReader::AttrTypeReader(std::shared_ptr<ByteSource> file,
                               FileWindow attrTypeBytes,
                               FileWindow propertyBytes, Span stringBytes,
                               std::vector<llvm::StringRef> strings,
                               std::vector<std::string> dialects,
                               std::vector<AttrTypeEntry> attrs,
                               std::vector<AttrTypeEntry> types,
                               std::vector<std::string> resourceKeys,
                               std::vector<std::pair<uint64_t, uint64_t>>
                                   properties)
    : file(std::move(file)), attrTypeBytes(std::move(attrTypeBytes)),
      propertyBytes(std::move(propertyBytes)),
      stringBytes(std::move(stringBytes)), strings(std::move(strings)),
      dialects(std::move(dialects)), attrs(std::move(attrs)),
      types(std::move(types)), resourceKeys(std::move(resourceKeys)),
      properties(std::move(properties)) {
  for (uint32_t i = 0; i < this->dialects.size(); ++i) {
    if (this->dialects[i] == "builtin" && builtinDialect == kNone)
      builtinDialect = i;
    if (this->dialects[i] == vhlo::kDialectName && vhloDialect == kNone)
      vhloDialect = i;
  }
  typeCache.resize(this->types.size());
  typeState.assign(this->types.size(), 0);
}

bool AttrTypeReader::isDialect(uint64_t idx, llvm::StringRef dialect) const {
  return idx < attrs.size() && attrs[idx].dialect < dialects.size() &&
         dialects[attrs[idx].dialect] == dialect;
}

std::optional<DecodedType>
AttrTypeReader::readShapedType(ByteCursor &in, llvm::StringRef kind,
                               bool ranked, unsigned depth) {
  // Builtin and VHLO shaped types share the layout: the dimensions (a count
  // and signed varints, `?` being INT64_MIN), then the element type.
  std::vector<int64_t> shape;
  if (ranked) {
    uint64_t rank;
    if (!in.readVarInt(rank) || rank > in.remaining())
      return std::nullopt;
    for (uint64_t i = 0; i < rank; ++i) {
      int64_t d;
      if (!in.readSignedVarInt(d))
        return std::nullopt;
      shape.push_back(d);
    }
  }
  uint64_t eltIdx;
  if (!in.readVarInt(eltIdx))
    return std::nullopt;
  const DecodedType *elt = decodeType(eltIdx, depth + 1);
  DecodedType t;
  t.shaped = true;
  t.tensor.ranked = ranked;
  t.tensor.shape = std::move(shape);
  if (elt && !elt->shaped)
    t.tensor.element = elt->element;
  else
    t.tensor.element.name = "<type " + std::to_string(eltIdx) + ">";
  t.tensor.text =
      formatTensorType(kind, ranked, t.tensor.shape, t.tensor.element.name);
  t.element = t.tensor.element;
  return t;
}

const DecodedType *AttrTypeReader::decodeType(uint64_t idx, unsigned depth) {
  if (idx >= types.size() || depth > kMaxAttrTypeDepth)
    return nullptr;
  if (typeState[idx] == 2)
    return typeCache[idx] ? &*typeCache[idx] : nullptr;
  if (typeState[idx] == 1) // a cycle in a hostile file
    return nullptr;
  typeState[idx] = 1;
  const AttrTypeEntry &e = types[idx];
  std::optional<DecodedType> result;
  ByteCursor in = cursorFor(e);
  scratch = ReadFailure();
  uint64_t code;
  if (!e.custom) {
    llvm::StringRef text;
    if (in.readCString(text)) {
      DecodedType t;
      if (auto shaped = parseShapedTypeText(text)) {
        t.shaped = true;
        t.tensor = *shaped;
        t.element = shaped->element;
      } else {
        t.element = parseElementTypeText(text);
      }
      result = t;
    }
  } else if (e.dialect == builtinDialect && in.readVarInt(code)) {
    DecodedType t;
    auto scalar = [&](ElementType::Kind kind, unsigned width,
                      const char *name) {
      t.element.kind = kind;
      t.element.width = width;
      t.element.name = name;
      result = t;
    };
    using namespace builtin_encoding;
    switch (code) {
    case kIntegerType: {
      uint64_t ws;
      if (in.readVarInt(ws) && (ws >> 2) > 0 && (ws >> 2) <= (1u << 24) &&
          (ws & 3) != 3) {
        static const char *prefix[] = {"i", "si", "ui"};
        t.element.kind = ElementType::Kind::Integer;
        t.element.width = unsigned(ws >> 2);
        t.element.signedness = ElementType::Signedness(ws & 3);
        t.element.name = prefix[ws & 3] + std::to_string(ws >> 2);
        result = t;
      }
      break;
    }
    case kIndexType:
      scalar(ElementType::Kind::Index, 64, "index");
      break;
    case kBFloat16Type:
      scalar(ElementType::Kind::Float, 16, "bf16");
      break;
    case kFloat16Type:
      scalar(ElementType::Kind::Float, 16, "f16");
      break;
    case kFloat32Type:
      scalar(ElementType::Kind::Float, 32, "f32");
      break;
    case kFloat64Type:
      scalar(ElementType::Kind::Float, 64, "f64");
      break;
    case kFloat80Type:
      scalar(ElementType::Kind::Float, 80, "f80");
      break;
    case kFloat128Type:
      scalar(ElementType::Kind::Float, 128, "f128");
      break;
    case kNoneType:
      t.element.name = "none";
      result = t;
      break;
    case kComplexType: {
      uint64_t inner;
      if (!in.readVarInt(inner))
        break;
      const DecodedType *elt = decodeType(inner, depth + 1);
      if (elt && !elt->shaped &&
          (elt->element.kind == ElementType::Kind::Float ||
           elt->element.kind == ElementType::Kind::Integer)) {
        t.element.kind = ElementType::Kind::Complex;
        t.element.width = elt->element.width;
        t.element.signedness = elt->element.signedness;
        t.element.name = "complex<" + elt->element.name + ">";
        result = t;
      }
      break;
    }
    case kRankedTensorType:
      result = readShapedType(in, "tensor", true, depth);
      break;
    case kRankedTensorTypeWithEncoding: {
      uint64_t encoding;
      if (in.readVarInt(encoding))
        result = readShapedType(in, "tensor", true, depth);
      break;
    }
    case kUnrankedTensorType:
      result = readShapedType(in, "tensor", false, depth);
      break;
    case kVectorType:
      result = readShapedType(in, "vector", true, depth);
      break;
    case kMemRefType:
      result = readShapedType(in, "memref", true, depth);
      break;
    case kMemRefTypeWithMemSpace: {
      uint64_t space;
      if (in.readVarInt(space))
        result = readShapedType(in, "memref", true, depth);
      break;
    }
    default:
      break;
    }
  } else if (e.dialect == vhloDialect && in.readVarInt(code)) {
    // StableHLO's versioned copies of the builtin types (VhloBytecode.h).
    DecodedType t;
    if (auto elt = vhlo::elementTypeForCode(code)) {
      t.element = *elt;
      result = t;
    } else if (code == vhlo::kComplexV1Type) {
      uint64_t inner;
      const DecodedType *elt =
          in.readVarInt(inner) ? decodeType(inner, depth + 1) : nullptr;
      if (elt && !elt->shaped &&
          elt->element.kind == ElementType::Kind::Float) {
        t.element.kind = ElementType::Kind::Complex;
        t.element.width = elt->element.width;
        t.element.name = "complex<" + elt->element.name + ">";
        result = t;
      }
    } else if (code == vhlo::kRankedTensorV1Type ||
               code == vhlo::kRankedTensorV1TypeWithEncoding ||
               code == vhlo::kUnrankedTensorV1Type) {
      // The encoding (bounds of dynamic dimensions) comes before the shape;
      // it does not change what the tensor holds.
      uint64_t encoding;
      if (code != vhlo::kRankedTensorV1TypeWithEncoding ||
          in.readVarInt(encoding))
        result = readShapedType(in, "tensor",
                                code != vhlo::kUnrankedTensorV1Type, depth);
    } else if (code == vhlo::kTokenV1Type) {
      t.element.name = "!stablehlo.token";
      result = t;
    }
  }
  typeCache[idx] = std::move(result);
  typeState[idx] = 2;
  return typeCache[idx] ? &*typeCache[idx] : nullptr;
}

std::optional<llvm::StringRef> AttrTypeReader::stringAttr(uint64_t idx) {
  if (idx >= attrs.size())
    return std::nullopt;
  const AttrTypeEntry &e = attrs[idx];
  if (!e.custom || (e.dialect != builtinDialect && e.dialect != vhloDialect))
    return std::nullopt;
  ByteCursor in = cursorFor(e);
  uint64_t code;
  if (!in.readVarInt(code))
    return std::nullopt;
  // VHLO keeps symbol names (`sym_name`, `callee`) as #vhlo.string_v1.
  bool isString = e.dialect == builtinDialect
                      ? code == builtin_encoding::kStringAttr ||
                            code == builtin_encoding::kStringAttrWithType
                      : code == vhlo::kStringV1Attr;
  uint64_t sIdx;
  if (!isString || !in.readVarInt(sIdx) || sIdx >= strings.size())
    return std::nullopt;
  return strings[sIdx];
}

std::optional<std::vector<std::pair<llvm::StringRef, uint64_t>>>
AttrTypeReader::dictionary(uint64_t idx) {
  if (idx >= attrs.size())
    return std::nullopt;
  const AttrTypeEntry &e = attrs[idx];
  if (!e.custom || e.dialect != builtinDialect)
    return std::nullopt;
  ByteCursor in = cursorFor(e);
  uint64_t code, count;
  if (!in.readVarInt(code) || code != builtin_encoding::kDictionaryAttr ||
      !in.readVarInt(count) || count > in.remaining())
    return std::nullopt;
  std::vector<std::pair<llvm::StringRef, uint64_t>> out;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t nameIdx, valueIdx;
    if (!in.readVarInt(nameIdx) || !in.readVarInt(valueIdx))
      return std::nullopt;
    auto name = stringAttr(nameIdx);
    if (!name || valueIdx >= attrs.size())
      return std::nullopt;
    out.emplace_back(*name, valueIdx);
  }
  return out;
}

bool AttrTypeReader::denseResource(uint64_t idx, uint64_t &typeIdx,
                                   uint64_t &handle) {
  std::optional<ByteCursor> in = builtinAttr(idx);
  uint64_t code;
  return in && in->readVarInt(code) &&
         code == builtin_encoding::kDenseResourceElementsAttr &&
         in->readVarInt(typeIdx) && in->readVarInt(handle);
}

bool AttrTypeReader::denseElements(uint64_t idx, uint64_t &typeIdx,
                                   uint64_t &dataOffset, uint64_t &size,
                                   bool &strings) {
  std::optional<ByteCursor> in = builtinAttr(idx);
  uint64_t code;
  if (!in || !in->readVarInt(code) || !in->readVarInt(typeIdx))
    return false;
  if (code == builtin_encoding::kDenseStringElementsAttr) {
    strings = true;
    dataOffset = attrs[idx].begin;
    size = attrs[idx].end - attrs[idx].begin;
    return true;
  }
  // DenseIntOrFPElementsAttr: the type, then the raw data as a blob (a size
  // and the bytes, unaligned).
  strings = false;
  if (code != builtin_encoding::kDenseIntOrFPElementsAttr ||
      !in->readVarInt(size) || size > in->remaining())
    return false;
  dataOffset = in->offset();
  return true;
}

llvm::StringRef AttrTypeReader::assemblyText(uint64_t idx) const {
  if (idx >= attrs.size() || attrs[idx].custom)
    return {};
  const AttrTypeEntry &e = attrs[idx];
  llvm::StringRef text(reinterpret_cast<const char *>(attrTypeBytes.at(e.begin)),
                       e.end - e.begin);
  // The assembly form is written as a null-terminated string.
  return text.take_until([](char c) { return c == 0; });
}

bool AttrTypeReader::vhloTensor(uint64_t idx, uint64_t &typeIdx,
                                uint64_t &dataOffset, uint64_t &size) {
  if (idx >= attrs.size())
    return false;
  const AttrTypeEntry &e = attrs[idx];
  if (!e.custom || e.dialect != vhloDialect)
    return false;
  // #vhlo.tensor_v1: the type, then the raw data as a blob (a size and the
  // bytes, unaligned); a splat stores one element.
  ByteCursor in = cursorFor(e);
  uint64_t code;
  if (!in.readVarInt(code) || code != vhlo::kTensorV1Attr ||
      !in.readVarInt(typeIdx) || !in.readVarInt(size) ||
      size > in.remaining())
    return false;
  dataOffset = in.offset();
  return true;
}

std::optional<std::vector<uint64_t>>
AttrTypeReader::propertyAttrs(uint64_t idx) {
  if (idx >= properties.size())
    return std::nullopt;
  ByteCursor in = propertyBytes.cursor(properties[idx].first,
                                      properties[idx].second, scratch);
  std::vector<uint64_t> out;
  while (!in.empty()) {
    uint64_t v;
    if (!in.readVarInt(v) || v >= attrs.size())
      return std::nullopt;
    out.push_back(v);
  }
  return out;
}

llvm::DenseSet<uint64_t> AttrTypeReader::locationStrings() {
  llvm::DenseSet<uint64_t> out;
  for (const AttrTypeEntry &e : attrs) {
    if (!e.custom || e.dialect != builtinDialect)
      continue;
    ByteCursor in = cursorFor(e);
    uint64_t code, first;
    if (in.readVarInt(code) &&
        (code == builtin_encoding::kFileLineColLoc ||
         code == builtin_encoding::kFileLineColRange ||
         code == builtin_encoding::kNameLoc) &&
        in.readVarInt(first))
      out.insert(first);
  }
  return out;
}

void AttrTypeReader::referencesOf(uint64_t node, std::vector<uint64_t> &out) {
  using namespace builtin_encoding;
  out.clear();
  bool isType = node >= attrs.size();
  const AttrTypeEntry &e = isType ? types[node - attrs.size()] : attrs[node];
  if (!e.custom || e.dialect != builtinDialect)
    return;
  ByteCursor in = cursorFor(e);
  uint64_t code, v, n;
  if (!in.readVarInt(code))
    return;
  const uint64_t typeBase = attrs.size();
  auto attr = [&] {
    if (in.readVarInt(v))
      out.push_back(v);
  };
  auto type = [&] {
    if (in.readVarInt(v))
      out.push_back(typeBase + v);
  };
  auto list = [&](bool ofTypes, unsigned perItem = 1) {
    if (!in.readVarInt(n) || n > in.remaining())
      return;
    for (uint64_t i = 0; i < n * perItem; ++i)
      ofTypes ? type() : attr();
  };
  auto shape = [&] {
    int64_t d;
    if (!in.readVarInt(n) || n > in.remaining())
      return;
    for (uint64_t i = 0; i < n; ++i)
      in.readSignedVarInt(d);
  };
  if (!isType) {
    switch (code) {
    case kArrayAttr:
      list(false);
      break;
    case kDictionaryAttr:
      list(false, 2);
      break;
    case kStringAttrWithType:
      in.readVarInt(v);
      type();
      break;
    case kFlatSymbolRefAttr:
    case kDistinctAttr:
    case kFileLineColLoc:
    case kFileLineColRange:
      attr();
      break;
    case kSymbolRefAttr:
      attr();
      list(false);
      break;
    case kTypeAttr:
    case kIntegerAttr:
    case kFloatAttr:
    case kDenseResourceElementsAttr:
    case kDenseArrayAttr:
    case kDenseIntOrFPElementsAttr:
    case kDenseStringElementsAttr:
      type();
      break;
    case kCallSiteLoc:
    case kNameLoc:
      attr();
      attr();
      break;
    case kFusedLoc:
      list(false);
      break;
    case kFusedLocWithMetadata:
      list(false);
      attr();
      break;
    case kSparseElementsAttr:
      type();
      attr();
      attr();
      break;
    default:
      break;
    }
    return;
  }
  switch (code) {
  case kFunctionType:
    list(true);
    list(true);
    break;
  case kComplexType:
  case kUnrankedTensorType:
  case kUnrankedMemRefType:
    type();
    break;
  case kMemRefType:
    shape();
    type();
    attr();
    break;
  case kMemRefTypeWithMemSpace:
    attr();
    shape();
    type();
    attr();
    break;
  case kRankedTensorType:
  case kVectorType:
    shape();
    type();
    break;
  case kRankedTensorTypeWithEncoding:
    attr();
    shape();
    type();
    break;
  case kTupleType:
    list(true);
    break;
  case kUnrankedMemRefTypeWithMemSpace:
    attr();
    type();
    break;
  default:
    break;
  }
}

std::optional<std::pair<uint64_t, bool>>
AttrTypeReader::findDeepNesting(unsigned limit, uint64_t maxExpanded) {
  const uint64_t numNodes = attrs.size() + types.size();
  // Depth of each node's deepest chain of references; 0 = not done yet.
  std::vector<uint32_t> depth(numNodes, 0);
  // Entries it prints as, every use of a shared entry counted (saturating).
  std::vector<uint64_t> expanded(numNodes, 0);
  std::vector<uint8_t> onStack(numNodes, 0);
  struct Frame {
    uint64_t node;
    std::vector<uint64_t> refs;
    size_t next = 0;
    uint32_t deepest = 0;
    uint64_t size = 1;
  };
  auto add = [](uint64_t a, uint64_t b) {
    return a > UINT64_MAX - b ? UINT64_MAX : a + b;
  };
  std::vector<Frame> stack;
  std::vector<uint64_t> scratchRefs;
  for (uint64_t root = 0; root < numNodes; ++root) {
    if (depth[root])
      continue;
    stack.push_back({root, {}, 0, 0, 1});
    referencesOf(root, stack.back().refs);
    onStack[root] = 1;
    while (!stack.empty()) {
      Frame &f = stack.back();
      if (f.next < f.refs.size()) {
        uint64_t child = f.refs[f.next++];
        if (child >= numNodes || onStack[child])
          continue; // out of range, or a cycle: counted once
        if (depth[child]) {
          f.deepest = std::max(f.deepest, depth[child]);
          f.size = add(f.size, expanded[child]);
          continue;
        }
        referencesOf(child, scratchRefs);
        stack.push_back({child, scratchRefs, 0, 0, 1});
        onStack[child] = 1;
        continue;
      }
      uint32_t d = f.deepest + 1;
      uint64_t node = f.node, size = f.size;
      depth[node] = d;
      expanded[node] = size;
      onStack[node] = 0;
      stack.pop_back();
      if (d > limit || size > maxExpanded) {
        const AttrTypeEntry &e = node < attrs.size()
                                     ? attrs[node]
                                     : types[node - attrs.size()];
        return std::make_pair(e.begin, d > limit);
      }
      if (!stack.empty()) {
        stack.back().deepest = std::max(stack.back().deepest, d);
        stack.back().size = add(stack.back().size, size);
      }
    }
  }
  return std::nullopt;
}
