//===- SummaryJson.cpp - `inspect --summary --json` -----------------------===//
//
// The schema is documented in docs/inspect-json.md; bump "schema_version"
// there and here together.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include <nlohmann/json.hpp>

using namespace mlirscope;
using namespace mlirscope::cli;
using nlohmann::json;

static json resourceJson(const ModelIndex &index, const Resource &r) {
  json j = {{"group", r.group},
            {"dialect_group", r.isDialectGroup},
            {"key", r.key},
            {"kind", r.kind == ResourceKind::Blob   ? "blob"
                     : r.kind == ResourceKind::Bool ? "bool"
                                                    : "string"},
            {"bytes", r.size},
            {"offset", r.dataOffset},
            {"alignment", r.alignment},
            {"references", r.numReferences}};
  if (index.format == ModelIndex::Format::Text)
    j["chunk"] = r.chunk + 1;
  if (r.type) {
    j["dtype"] = r.type->element.name;
    j["type"] = r.type->text;
    if (r.type->ranked) {
      json shape = json::array();
      for (int64_t d : r.type->shape)
        shape.push_back(d == TensorType::kDynamic ? json(nullptr) : json(d));
      j["shape"] = shape;
    }
    if (auto n = r.type->numElements())
      j["elements"] = *n;
  } else {
    j["dtype"] = nullptr;
  }
  return j;
}

void mlirscope::cli::printSummaryJson(const ModelIndex &index,
                                      const ModelSummary &s,
                                      llvm::raw_ostream &os) {
  json j;
  j["schema_version"] = 2;
  j["file"] = s.path;
  j["format"] = s.format;
  j["bytecode_version"] =
      s.format == "bytecode" ? json(s.bytecodeVersion) : json(nullptr);
  j["producer"] = s.format == "bytecode" ? json(s.producer) : json(nullptr);
  j["file_bytes"] = s.fileSize;
  j["ir_bytes"] = s.irBytes;
  j["blob_bytes"] = s.blobBytes;
  j["dialects"] = s.dialects;
  j["ops"] = {{"total", s.numOps}, {"approximate", s.opCountsApproximate}};
  json counts = json::object();
  for (auto &[name, count] : s.opCounts)
    counts[name] = count;
  j["ops"]["by_name"] = counts;
  json syms = json::array();
  for (const ModelSummary::Symbol &sym : s.symbols)
    syms.push_back({{"name", sym.name}, {"op", sym.op}});
  j["symbols"] = syms;
  json byDType = json::object();
  for (auto &[dtype, t] : s.byDType)
    byDType[dtype] = {{"resources", t.resources},
                      {"elements", t.elements},
                      {"bytes", t.bytes}};
  json all = json::array();
  for (const Resource &r : index.resources)
    all.push_back(resourceJson(index, r));
  json largest = json::array();
  for (uint32_t i : s.largest)
    largest.push_back(resourceJson(index, index.resources[i]));
  json unref = json::array();
  for (uint32_t i : s.unreferenced)
    unref.push_back(index.resources[i].key);
  json mismatch = json::array();
  for (uint32_t i : s.sizeMismatches)
    mismatch.push_back(index.resources[i].key);
  j["resources"] = {{"count", s.numResources},
                    {"bytes", s.resourceBytes},
                    {"by_dtype", byDType},
                    {"largest", largest},
                    {"all", all},
                    {"unreferenced", unref},
                    {"missing", s.missing},
                    {"size_mismatches", mismatch}};
  json inlineByDType = json::object();
  for (auto &[dtype, t] : s.inlineByDType)
    inlineByDType[dtype] = {{"tensors", t.resources},
                            {"elements", t.elements},
                            {"bytes", t.bytes}};
  json largestInline = json::array();
  for (uint32_t i : s.largestInline) {
    const InlineTensor &t = index.inlineTensors[i];
    largestInline.push_back(
        {{"type", t.type ? json(t.type->text) : json(nullptr)},
         {"dtype", t.type ? json(t.type->element.name) : json(nullptr)},
         {"bytes", t.size},
         {"offset", t.dataOffset},
         {"splat", t.isSplat()}});
  }
  j["inline_tensors"] = {{"count", s.numInlineTensors},
                         {"bytes", s.inlineTensorBytes},
                         {"by_dtype", inlineByDType},
                         {"largest", largestInline}};
  j["references"] = index.references.size();
  j["elided_references"] = s.elidedReferences;
  json chunks = json::array();
  for (const ModelSummary::Chunk &c : s.chunks) {
    json unrefKeys = json::array();
    for (uint32_t i : c.unreferenced)
      unrefKeys.push_back(index.resources[i].key);
    chunks.push_back({{"number", c.number},
                      {"offset", c.offset},
                      {"line", c.line},
                      {"ops", c.numOps},
                      {"approximate", c.approximate},
                      {"references", c.numReferences},
                      {"elided_references", c.elidedReferences},
                      {"resources", c.numResources},
                      {"resource_bytes", c.resourceBytes},
                      {"missing", c.missing},
                      {"unreferenced", unrefKeys}});
  }
  j["chunks"] = chunks;
  j["chunks_in_file"] = s.chunksInFile;
  j["warnings"] = s.warnings;
  os << j.dump(2) << "\n";
}
