//===- InlinePlaceholders.cpp - Inline weights as resource keys -----------===//
//
// The builtin dialect writes a DenseIntOrFPElementsAttr as its code, its
// type's index and its raw data as a blob (a size and the bytes), and a
// DenseResourceElementsAttr as its code, its type's index and a resource
// handle: an index into the dialect resources as the reader declares them,
// group by group (mlir/IR/BuiltinDialectBytecode.td, BytecodeReader.cpp).
// Both are builtin, custom-encoded entries, so one replaces the other
// without moving any entry to another dialect group.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Edit/InlinePlaceholders.h"
#include "mlirscope/Bytecode/AttrTypeReader.h"
#include "mlirscope/Bytecode/BuiltinBytecode.h"
#include "mlirscope/Bytecode/Encoding.h"
#include "mlirscope/Support/Format.h"

using namespace mlirscope;

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 message.str().c_str());
}

std::optional<llvm::StringRef>
mlirscope::placeholderWeightName(llvm::StringRef key) {
  if (!key.consume_front(kInlinePlaceholderPrefix) || key.empty())
    return std::nullopt;
  return key;
}

static llvm::Error needsBytecode(const ModelIndex &index) {
  if (index.format != ModelIndex::Format::Bytecode || !index.attrTypes)
    return error(index.file->getName() + ": not a bytecode file");
  if (index.bytecodeVersion > bytecode::kMaxVersion)
    return error(index.file->getName() + ": bytecode version " +
                 llvm::Twine(index.bytecodeVersion) +
                 " is newer than mlirscope reads (at most " +
                 llvm::Twine(uint64_t(bytecode::kMaxVersion)) + ")");
  return llvm::Error::success();
}

llvm::Expected<std::vector<InlinePlaceholder>>
mlirscope::planInlinePlaceholders(const ModelIndex &index, uint64_t minBytes,
                                  RewritePlan &plan,
                                  const llvm::StringSet<> *keep,
                                  llvm::function_ref<std::string(const Weight &)>
                                      keyOf) {
  if (auto e = needsBytecode(index))
    return std::move(e);
  // The raw data's offset identifies a weight's attribute entry.
  llvm::DenseMap<uint64_t, const Weight *> byData;
  for (const Weight &w : index.weights)
    if (w.kind == WeightKind::Inline && w.encoding == WeightEncoding::Raw &&
        w.size >= std::max<uint64_t>(minBytes, 1) &&
        !(keep && keep->contains(w.name)))
      byData[w.offset] = &w;
  std::vector<InlinePlaceholder> out;
  if (byData.empty())
    return out;
  uint64_t nextHandle =
      countResourceHandles(index.layout) + plan.newBuiltinDeclarations.size();
  // A builtin declaration of a placeholder's key (a model saved from a view
  // keeps them) is that placeholder's resource again: a second declaration
  // of the key would be renamed by MLIR's reader (`key_1`).
  llvm::StringMap<uint64_t> declared;
  uint64_t handle = 0;
  for (const BytecodeLayout::Group &g : index.layout.groups) {
    if (!g.isDialect)
      continue;
    bool builtin =
        g.id < index.dialects.size() && index.dialects[g.id] == "builtin";
    for (const BytecodeLayout::Entry &e : g.entries) {
      if (builtin && e.size == 0 && e.kind == bytecode::kBlobEntry &&
          e.keyString < index.layout.strings.size())
        declared.try_emplace(index.layout.strings[e.keyString], handle);
      ++handle;
    }
  }
  // Lookups by key and name stay linear for models of many weights.
  llvm::StringSet<> resourceKeys;
  for (const Resource &r : index.resources)
    resourceKeys.insert(r.key);
  AttrTypeReader &reader = *index.attrTypes;
  std::lock_guard<std::mutex> lock(reader.mutex());
  for (uint64_t i = 0; i < reader.numAttrs(); ++i) {
    uint64_t typeIdx, dataOffset, size;
    bool strings = false;
    if (!reader.denseElements(i, typeIdx, dataOffset, size, strings) || strings)
      continue;
    auto it = byData.find(dataOffset);
    if (it == byData.end() || it->second->size != size)
      continue;
    std::string key = keyOf ? keyOf(*it->second)
                            : (kInlinePlaceholderPrefix + it->second->name).str();
    if (resourceKeys.contains(key))
      continue; // the model has a resource of that key: keep the weight
    AttrReplacement r;
    appendVarInt(r.head, builtin_encoding::kDenseResourceElementsAttr);
    appendVarInt(r.head, typeIdx);
    if (auto d = declared.find(key); d != declared.end()) {
      appendVarInt(r.head, d->second);
    } else {
      appendVarInt(r.head, nextHandle++);
      plan.newBuiltinDeclarations.push_back(key);
    }
    plan.attrs[i] = std::move(r);
    out.push_back({std::move(key), it->second, i});
  }
  std::sort(out.begin(), out.end(),
            [&](const InlinePlaceholder &a, const InlinePlaceholder &b) {
              return a.weight < b.weight;
            });
  return out;
}

/// Whether `size` bytes are raw dense data of `type`, as MLIR reads raw
/// data (DenseElementsAttr::isValidRawBuffer): every element, one element
/// (a splat), or for i1 one bit per element.
static bool fitsRawData(const TensorType &type, uint64_t size) {
  std::optional<uint64_t> n = type.numElements();
  uint64_t bits = type.element.storageBits();
  if (!n || !bits)
    return false;
  if (type.element.kind == ElementType::Kind::Integer &&
      type.element.width == 1)
    return size == (*n + 7) / 8 || size == 1;
  return size == *n * bits / 8 || (*n > 0 && size == bits / 8);
}

llvm::Error mlirscope::planRestoreInline(const ModelIndex &index,
                                         const ModelIndex &source,
                                         RewritePlan &plan,
                                         llvm::StringSet<> &restored) {
  if (auto e = needsBytecode(index))
    return e;
  std::vector<std::string> keys = resourceHandleKeys(index.layout);
  llvm::StringSet<> sourceKeys;
  for (const Resource &r : source.resources)
    sourceKeys.insert(r.key);
  llvm::StringMap<const Weight *> weights;
  for (const Weight &w : source.weights)
    weights.try_emplace(w.name, &w);
  AttrTypeReader &reader = *index.attrTypes;
  std::lock_guard<std::mutex> lock(reader.mutex());
  for (uint64_t i = 0; i < reader.numAttrs(); ++i) {
    uint64_t typeIdx, handle;
    if (!reader.denseResource(i, typeIdx, handle) || handle >= keys.size())
      continue;
    const std::string &key = keys[handle];
    std::optional<llvm::StringRef> name = placeholderWeightName(key);
    if (!name || sourceKeys.contains(key))
      continue;
    const Weight *w = weights.lookup(*name);
    if (!w || w->kind != WeightKind::Inline ||
        w->encoding != WeightEncoding::Raw ||
        source.format != ModelIndex::Format::Bytecode)
      return error("no inline weight '" + *name + "' with raw data in " +
                   source.file->getName());
    const DecodedType *type = reader.decodeType(typeIdx);
    if (!type || !type->shaped)
      return error("the placeholder of inline weight '" + *name +
                   "' has a type mlirscope does not read");
    if (!fitsRawData(type->tensor, w->size))
      return error("inline weight '" + *name + "' (" +
                   (w->type ? w->type->text : std::string("?")) + ", " +
                   llvm::Twine(w->size) +
                   " bytes) does not fit its placeholder's type " +
                   type->tensor.text);
    AttrReplacement r;
    appendVarInt(r.head, builtin_encoding::kDenseIntOrFPElementsAttr);
    appendVarInt(r.head, typeIdx);
    appendVarInt(r.head, w->size);
    r.dataPath = source.file->getName();
    r.dataSource = source.file;
    r.dataOffset = w->offset;
    r.dataSize = w->size;
    plan.attrs[i] = std::move(r);
    restored.insert(key);
  }
  return llvm::Error::success();
}
