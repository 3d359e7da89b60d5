//===- SummaryJson.cpp - A model summary as JSON --------------------------===//
//
// The schema is documented in docs/inspect-json.md; bump "schema_version"
// there and here together.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Index/SummaryJson.h"

#include "llvm/Support/FormatVariadic.h"

using namespace mlirscope;
using llvm::json::Array;
using llvm::json::Object;
using llvm::json::Value;

/// Keys, names and paths come from the file: bytes that are not UTF-8 become
/// U+FFFD rather than invalid JSON.
static Value str(const std::string &s) {
  if (llvm::json::isUTF8(s))
    return s;
  return llvm::json::fixUTF8(s);
}

/// The same for object keys.
static std::string keyOf(const std::string &s) {
  return llvm::json::isUTF8(s) ? s : llvm::json::fixUTF8(s);
}

static Array strings(const std::vector<std::string> &v) {
  Array a;
  for (const std::string &s : v)
    a.push_back(str(s));
  return a;
}

static Value resourceJson(const ModelIndex &index, const Resource &r) {
  Object j{{"group", str(r.group)},
           {"dialect_group", r.isDialectGroup},
           {"key", str(r.key)},
           {"kind", r.kind == ResourceKind::Blob   ? "blob"
                    : r.kind == ResourceKind::Bool ? "bool"
                                                   : "string"},
           {"bytes", r.size},
           {"offset", r.dataOffset},
           {"alignment", r.alignment},
           {"references", r.numReferences}};
  if (r.kind != ResourceKind::Blob)
    j["value"] = str(r.value);
  if (index.format == ModelIndex::Format::Text)
    j["chunk"] = r.chunk + 1;
  if (r.type) {
    j["dtype"] = str(r.type->element.name);
    j["type"] = str(r.type->text);
    if (r.type->ranked) {
      Array shape;
      for (int64_t d : r.type->shape)
        shape.push_back(d == TensorType::kDynamic ? Value(nullptr) : Value(d));
      j["shape"] = std::move(shape);
    }
    if (auto n = r.type->numElements())
      j["elements"] = *n;
  } else {
    j["dtype"] = nullptr;
  }
  return j;
}

static Value typeJson(const std::optional<TensorType> &type, Object &j) {
  if (!type) {
    j["dtype"] = nullptr;
    j["type"] = nullptr;
    return nullptr;
  }
  j["dtype"] = str(type->element.name);
  j["type"] = str(type->text);
  if (type->ranked) {
    Array shape;
    for (int64_t d : type->shape)
      shape.push_back(d == TensorType::kDynamic ? Value(nullptr) : Value(d));
    j["shape"] = std::move(shape);
  }
  if (auto n = type->numElements())
    j["elements"] = *n;
  return nullptr;
}

Value mlirscope::weightJson(const ModelIndex &index, const Weight &w) {
  Object j{{"name", str(w.name)},
           {"kind", weightKindName(w.kind)},
           {"encoding", weightEncodingName(w.encoding)},
           {"splat", w.splat},
           {"bytes", w.bytes()},
           {"stored_bytes", w.dataBytes},
           {"offset", w.offset},
           {"size", w.size}};
  typeJson(w.type, j);
  if (!w.opName.empty())
    j["op"] = str(w.opName);
  if (index.format == ModelIndex::Format::Text)
    j["chunk"] = w.chunk + 1;
  if (w.kind == WeightKind::Parameter) {
    j["scope"] = str(w.scope);
    j["key"] = str(w.key);
    j["archive"] = w.archive < index.archives.size()
                       ? str(index.archives[w.archive].path)
                       : Value(nullptr);
  } else {
    j["file"] = str(index.file ? index.file->getName() : "");
  }
  return j;
}

Value mlirscope::summaryToJson(const ModelIndex &index, const ModelSummary &s) {
  bool bytecode = s.format == "bytecode";
  Object counts;
  for (auto &[name, count] : s.opCounts)
    counts[keyOf(name)] = count;
  Array syms;
  for (const ModelSummary::Symbol &sym : s.symbols)
    syms.push_back(Object{{"name", str(sym.name)}, {"op", str(sym.op)}});
  Object byDType;
  for (auto &[dtype, t] : s.byDType)
    byDType[keyOf(dtype)] = Object{{"resources", t.resources},
                                   {"elements", t.elements},
                                   {"bytes", t.bytes}};
  Array all;
  for (const Resource &r : index.resources)
    all.push_back(resourceJson(index, r));
  Array largest;
  for (uint32_t i : s.largest)
    largest.push_back(resourceJson(index, index.resources[i]));
  Array unref;
  for (uint32_t i : s.unreferenced)
    unref.push_back(str(index.resources[i].key));
  Array mismatch;
  for (uint32_t i : s.sizeMismatches)
    mismatch.push_back(str(index.resources[i].key));
  Object weightsByKind;
  for (auto &[kind, t] : s.weightsByKind)
    weightsByKind[kind] = Object{{"count", t.count}, {"bytes", t.bytes}};
  Object weightsByDType;
  for (auto &[dtype, t] : s.weightsByDType)
    weightsByDType[keyOf(dtype)] = Object{
        {"weights", t.weights}, {"elements", t.elements}, {"bytes", t.bytes}};
  Array largestWeights;
  for (uint32_t i : s.largestWeights)
    largestWeights.push_back(weightJson(index, index.weights[i]));
  auto weightNames = [&](const std::vector<uint32_t> &v) {
    Array a;
    for (uint32_t i : v)
      a.push_back(str(index.weights[i].name));
    return a;
  };
  Array archives;
  for (const BoundArchive &a : index.archives)
    archives.push_back(Object{{"scope", str(a.scope)}, {"path", str(a.path)}});
  Array chunks;
  for (const ModelSummary::Chunk &c : s.chunks) {
    Array unrefKeys;
    for (uint32_t i : c.unreferenced)
      unrefKeys.push_back(str(index.resources[i].key));
    chunks.push_back(Object{{"number", c.number},
                            {"offset", c.offset},
                            {"line", c.line},
                            {"ops", c.numOps},
                            {"approximate", c.approximate},
                            {"references", c.numReferences},
                            {"elided_references", c.elidedReferences},
                            {"resources", c.numResources},
                            {"resource_bytes", c.resourceBytes},
                            {"missing", strings(c.missing)},
                            {"unreferenced", std::move(unrefKeys)}});
  }
  return Object{
      {"schema_version", 3},
      {"file", str(s.path)},
      {"format", s.format},
      {"bytecode_version",
       bytecode ? Value(s.bytecodeVersion) : Value(nullptr)},
      {"producer", bytecode ? str(s.producer) : Value(nullptr)},
      {"file_bytes", s.fileSize},
      {"ir_bytes", s.irBytes},
      {"blob_bytes", s.blobBytes},
      {"inline_weight_bytes", s.inlineWeightBytes},
      {"dialects", strings(s.dialects)},
      {"ops", Object{{"total", s.numOps},
                     {"approximate", s.opCountsApproximate},
                     {"by_name", std::move(counts)}}},
      {"symbols", std::move(syms)},
      {"resources", Object{{"count", s.numResources},
                           {"bytes", s.resourceBytes},
                           {"by_dtype", std::move(byDType)},
                           {"largest", std::move(largest)},
                           {"all", std::move(all)},
                           {"unreferenced", std::move(unref)},
                           {"missing", strings(s.missing)},
                           {"size_mismatches", std::move(mismatch)}}},
      {"weights",
       Object{{"count", s.numWeights},
              {"bytes", s.weightBytes},
              {"by_kind", std::move(weightsByKind)},
              {"by_dtype", std::move(weightsByDType)},
              {"largest", std::move(largestWeights)},
              {"small_inline", Object{{"count", s.smallInlineCount},
                                      {"bytes", s.smallInlineBytes}}},
              {"archives", std::move(archives)},
              {"missing_parameters", weightNames(s.missingParameters)},
              {"unbound_parameters", weightNames(s.unboundParameters)},
              {"parameter_size_mismatches",
               weightNames(s.parameterSizeMismatches)},
              {"unused_parameters", strings(s.unusedParameters)}}},
      {"references", uint64_t(index.references.size())},
      {"elided_references", s.elidedReferences},
      {"chunks", std::move(chunks)},
      {"chunks_in_file", s.chunksInFile},
      {"warnings", strings(s.warnings)},
  };
}

void mlirscope::printSummaryJson(const ModelIndex &index,
                                 const ModelSummary &summary,
                                 llvm::raw_ostream &os) {
  os << llvm::formatv("{0:2}", summaryToJson(index, summary)) << "\n";
}
