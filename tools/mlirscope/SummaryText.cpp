//===- SummaryText.cpp - Human-readable `inspect --summary` ---------------===//

#include "Commands.h"
#include "mlirscope/Support/Format.h"

#include "llvm/Support/Format.h"

using namespace mlirscope;
using namespace mlirscope::cli;

static std::string typeOf(const Resource &r) {
  if (!r.type)
    return "?";
  return r.type->element.name + "[" + r.type->shapeString() + "]";
}

static std::string typeOf(const Weight &w) {
  if (!w.type)
    return "?";
  return w.type->element.name + "[" + w.type->shapeString() + "]";
}

/// Weights of every kind: totals by kind and dtype, the largest, and
/// parameters the bound archives do not answer.
static void printWeights(const ModelIndex &index, const ModelSummary &s,
                         llvm::raw_ostream &os) {
  if (!s.numWeights && !s.smallInlineCount)
    return;
  os << "weights: " << s.numWeights << " (" << formatBytes(s.weightBytes)
     << ")\n";
  for (auto &[kind, t] : s.weightsByKind) {
    os << "  " << kind << ": " << t.count << " (" << formatBytes(t.bytes)
       << ")";
    if (kind == "inline" && s.smallInlineCount)
      os << ", and " << s.smallInlineCount << " smaller ones not listed ("
         << formatBytes(s.smallInlineBytes) << ")";
    os << "\n";
  }
  if (s.smallInlineCount && !s.weightsByKind.count("inline"))
    os << "  inline: " << s.smallInlineCount << " small ones, not listed ("
       << formatBytes(s.smallInlineBytes) << ")\n";
  for (auto &[dtype, t] : s.weightsByDType)
    os << "  " << dtype << ": " << t.weights << " weights, " << t.elements
       << " elements, " << formatBytes(t.bytes) << "\n";
  if (!s.largestWeights.empty()) {
    os << "largest weights:\n";
    for (uint32_t i : s.largestWeights) {
      const Weight &w = index.weights[i];
      os << "  " << w.name << "  " << weightKindName(w.kind) << "  "
         << typeOf(w) << "  " << formatBytes(w.bytes());
      if (w.splat)
        os << " (splat)";
      if (w.kind == WeightKind::Parameter)
        os << "  "
           << (w.archive < index.archives.size()
                   ? index.archives[w.archive].path + " @" +
                         std::to_string(w.offset)
                   : std::string("not bound"));
      else
        os << "  " << weightEncodingName(w.encoding) << " @" << w.offset;
      os << "\n";
    }
  }
  auto list = [&](const char *what, const std::vector<uint32_t> &v) {
    if (v.empty())
      return;
    os << what << ": " << v.size() << "\n";
    for (uint32_t i : v)
      os << "  " << index.weights[i].name << "\n";
  };
  list("missing parameters", s.missingParameters);
  list("unbound parameters (no --parameters for their scope)",
       s.unboundParameters);
  list("parameter size mismatches", s.parameterSizeMismatches);
  if (!s.unusedParameters.empty()) {
    os << "unused archive entries: " << s.unusedParameters.size() << "\n";
    for (const std::string &k : s.unusedParameters)
      os << "  " << k << "\n";
  }
}

void mlirscope::cli::printSummaryText(const ModelIndex &index,
                                      const ModelSummary &s,
                                      llvm::raw_ostream &os) {
  os << "file:        " << s.path << "\n";
  os << "format:      " << s.format;
  if (s.format == "bytecode")
    os << " v" << s.bytecodeVersion << ", producer \"" << s.producer << "\"";
  os << "\n";
  os << "size:        " << formatBytes(s.fileSize) << " (" << s.fileSize
     << " bytes): IR " << formatBytes(s.irBytes) << ", blobs "
     << formatBytes(s.blobBytes);
  if (s.fileSize)
    os << llvm::format(" (%.1f%%)",
                       100.0 * double(s.blobBytes) / double(s.fileSize));
  os << "\n";
  if (s.oneChunkSelected)
    os << "chunk:       " << s.chunks[0].number << " of " << s.chunksInFile
       << " (line " << s.chunks[0].line << ")\n";
  else if (s.chunks.size() > 1)
    os << "chunks:      " << s.chunks.size()
       << " (modules separated by '// -----', as mlir-opt "
          "--split-input-file reads them)\n";
  os << "dialects:    ";
  for (size_t i = 0; i < s.dialects.size(); ++i)
    os << (i ? ", " : "") << s.dialects[i];
  os << "\n";
  os << "ops:         " << s.numOps
     << (s.opCountsApproximate ? " (approximate: lexical scan)" : "") << "\n";
  for (auto &[name, count] : s.opCounts)
    os << llvm::format("  %8llu  ", (unsigned long long)count) << name << "\n";
  os << "symbols:     " << s.symbols.size() << "\n";
  for (const ModelSummary::Symbol &sym : s.symbols)
    os << "  @" << sym.name << "  (" << sym.op << ")\n";
  os << "resources:   " << s.numResources << " ("
     << formatBytes(s.resourceBytes) << ")\n";
  for (auto &[dtype, t] : s.byDType)
    os << "  " << dtype << ": " << t.resources << " blobs, " << t.elements
       << " elements, " << formatBytes(t.bytes) << "\n";
  if (!s.largest.empty()) {
    os << "largest:\n";
    for (uint32_t i : s.largest) {
      const Resource &r = index.resources[i];
      os << "  " << r.key << "  " << typeOf(r) << "  " << formatBytes(r.size)
         << "  @" << r.dataOffset << "\n";
    }
  }
  printWeights(index, s, os);
  os << "unreferenced resources: " << s.unreferenced.size() << "\n";
  for (uint32_t i : s.unreferenced) {
    os << "  " << index.resources[i].group << "." << index.resources[i].key;
    if (s.chunks.size() > 1)
      os << "  (chunk " << index.resources[i].chunk + 1 << ")";
    os << "\n";
  }
  os << "missing resources: " << s.missing.size() << "\n";
  if (s.chunks.size() > 1) {
    for (const ModelSummary::Chunk &c : s.chunks)
      for (const std::string &k : c.missing)
        os << "  " << k << "  (chunk " << c.number << ")\n";
  } else {
    for (const std::string &k : s.missing)
      os << "  " << k << "\n";
  }
  if (s.elidedReferences)
    os << "elided references: " << s.elidedReferences
       << " (dense_resource<__elided__>: printed without its weights)\n";
  if (!s.sizeMismatches.empty()) {
    os << "size mismatches: " << s.sizeMismatches.size() << "\n";
    for (uint32_t i : s.sizeMismatches)
      os << "  " << index.resources[i].key << ": " << index.resources[i].size
         << " bytes for " << index.resources[i].type->text << "\n";
  }
  if (s.chunks.size() > 1) {
    os << "per chunk:\n"
       << "  chunk    line      ops  refs  resources      bytes  missing  "
          "unreferenced\n";
    for (const ModelSummary::Chunk &ch : s.chunks) {
      os << llvm::format("  %5u  %6u  %7llu%s %5llu  %9llu  %9s  %7zu  %12zu\n",
                         ch.number, ch.line, (unsigned long long)ch.numOps,
                         ch.approximate ? "~" : " ",
                         (unsigned long long)ch.numReferences,
                         (unsigned long long)ch.numResources,
                         formatBytes(ch.resourceBytes).c_str(),
                         ch.missing.size(), ch.unreferenced.size());
    }
    if (s.opCountsApproximate)
      os << "  (~: ops counted lexically)\n";
  }
  for (const std::string &w : s.warnings)
    os << "warning: " << w << "\n";
}
