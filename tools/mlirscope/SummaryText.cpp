//===- SummaryText.cpp - Human-readable `inspect --summary` ---------------===//

#include "Commands.h"

#include "mlirscope/Archive/ParameterArchive.h"
#include "mlirscope/Support/Format.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"

using namespace mlirscope;
using namespace mlirscope::cli;

static std::string typeOf(const Resource &r) {
  if (!r.type)
    return "?";
  return r.type->element.name + "[" + r.type->shapeString() + "]";
}

/// Weights of every kind: totals by kind and by dtype, the largest, and
/// what the bound parameter archives do not answer (or answer unasked).
static void printWeights(const ModelIndex &index, const ModelSummary &s,
                         llvm::raw_ostream &os) {
  if (!s.numWeights && !s.smallInlineCount && index.archives.empty())
    return;
  auto smallOnes = [&] {
    os << s.smallInlineCount << " smaller inline attributes not listed ("
       << formatBytes(s.smallInlineBytes)
       << "; --min-inline-bytes 0 lists them)\n";
  };
  os << "weights:     " << s.numWeights << " (" << formatBytes(s.weightBytes)
     << ")";
  if (!s.numWeights && s.smallInlineCount) {
    os << ", and ";
    smallOnes();
  } else {
    os << "\n";
  }
  for (auto &[kind, t] : s.weightsByKind) {
    os << "  " << kind << ": " << t.count << " (" << formatBytes(t.bytes)
       << ")";
    if (kind == "resource")
      os << ", dense_resource blobs";
    else if (kind == "inline")
      os << ", elements attributes in the IR";
    else if (kind == "parameter")
      os << ", in external archives";
    os << "\n";
  }
  if (s.numWeights && s.smallInlineCount) {
    os << "  and ";
    smallOnes();
  }
  // Resource blobs only: the resources' lines above said it all.
  bool onlyResources =
      s.weightsByKind.size() == 1 && s.weightsByKind.count("resource");
  if (!onlyResources && !s.weightsByDType.empty()) {
    os << "weights by dtype:\n";
    for (auto &[dtype, t] : s.weightsByDType)
      os << "  " << dtype << ": " << t.weights << " weights, " << t.elements
         << " elements, " << formatBytes(t.bytes) << "\n";
  }
  if (!onlyResources && !s.largestWeights.empty()) {
    os << "largest weights:\n";
    for (uint32_t i : s.largestWeights) {
      const Weight &w = index.weights[i];
      os << "  " << w.name << "  " << weightKindName(w.kind) << "  "
         << weightTypeText(w) << "  " << formatBytes(w.bytes())
         << (w.splat ? " (splat)" : "") << "  " << weightPlace(index, w)
         << "\n";
    }
  }
  if (!index.archives.empty()) {
    os << "parameter archives: " << index.archives.size() << "\n";
    for (const BoundArchive &a : index.archives)
      os << "  " << (a.scope.empty() ? "(no scope)" : a.scope) << " = "
         << a.path << "  " << archiveFormatName(a.archive->format) << ", "
         << a.archive->entries.size() << " entries\n";
  }
  auto boundTo = [&](const std::string &scope) {
    std::string paths;
    for (const BoundArchive &a : index.archives)
      if (a.scope == scope)
        paths += (paths.empty() ? "" : ", ") + a.path;
    return paths;
  };
  if (!s.missingParameters.empty()) {
    os << "missing parameters (no archive of their scope has the key): "
       << s.missingParameters.size() << "\n";
    for (uint32_t i : s.missingParameters)
      os << "  " << index.weights[i].name << "  "
         << weightTypeText(index.weights[i]) << "  not in "
         << boundTo(index.weights[i].scope) << "\n";
  }
  if (!s.unboundParameters.empty()) {
    std::vector<std::string> scopes;
    for (uint32_t i : s.unboundParameters)
      if (llvm::find(scopes, index.weights[i].scope) == scopes.end())
        scopes.push_back(index.weights[i].scope);
    os << "unbound parameters (no --parameters for their scope): "
       << s.unboundParameters.size() << "\n";
    for (uint32_t i : s.unboundParameters)
      os << "  " << index.weights[i].name << "  "
         << weightTypeText(index.weights[i]) << "\n";
    os << "  bind with";
    for (const std::string &scope : scopes)
      os << " --parameters " << (scope.empty() ? "" : scope + "=") << "FILE";
    os << "\n";
  }
  if (!s.parameterSizeMismatches.empty()) {
    os << "parameter size mismatches: " << s.parameterSizeMismatches.size()
       << "\n";
    for (uint32_t i : s.parameterSizeMismatches) {
      const Weight &w = index.weights[i];
      os << "  " << w.name << ": " << w.type->text << " needs "
         << w.logicalBytes().value_or(0) << " bytes, the entry in "
         << index.archives[w.archive].path << " holds " << w.dataBytes
         << "\n";
    }
  }
  if (!s.unusedParameters.empty()) {
    os << "unused archive entries (no reference names them): "
       << s.unusedParameters.size() << "\n";
    for (const std::string &k : s.unusedParameters)
      os << "  " << k << "\n";
  }
}

/// A string as a POSIX shell reads it back: in single quotes.
static std::string shellQuote(llvm::StringRef text) {
  std::string out = "'";
  for (char c : text)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// A text file holds a string entry as written between its quotes; the
/// escapes MLIR's lexer reads (`\"`, `\\`, `\n`, `\t`, `\XX`) undone.
static std::string unescape(const ModelIndex &index, llvm::StringRef value) {
  if (index.format != ModelIndex::Format::Text)
    return value.str();
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    if (value[i] != '\\' || i + 1 == value.size()) {
      out += value[i];
      continue;
    }
    char c = value[++i];
    if (c == 'n')
      out += '\n';
    else if (c == 't')
      out += '\t';
    else if (llvm::isHexDigit(c) && i + 1 < value.size() &&
             llvm::isHexDigit(value[i + 1])) {
      out += char(llvm::hexDigitValue(c) * 16 + llvm::hexDigitValue(value[i + 1]));
      ++i;
    } else
      out += c;
  }
  return out;
}

/// External resources that are not blobs (bools, strings), by group, with
/// their values; an `mlir_reproducer` group as the mlir-opt command that
/// replays it.
static void printExternalValues(const ModelIndex &index, const ModelSummary &s,
                                llvm::raw_ostream &os) {
  if (s.externalValues.empty())
    return;
  os << "external resources: " << s.externalValues.size() << "\n";
  std::vector<std::string> groups;
  for (uint32_t i : s.externalValues)
    if (llvm::find(groups, index.resources[i].group) == groups.end())
      groups.push_back(index.resources[i].group);
  for (const std::string &g : groups) {
    os << "  " << g << ":\n";
    const Resource *pipeline = nullptr;
    std::vector<const Resource *> flags;
    for (uint32_t i : s.externalValues) {
      const Resource &r = index.resources[i];
      if (r.group != g)
        continue;
      os << "    " << r.key << ": "
         << (r.kind == ResourceKind::String ? "\"" + r.value + "\""
                                            : r.value)
         << "\n";
      if (r.key == "pipeline" && r.kind == ResourceKind::String)
        pipeline = &r;
      else if (r.kind == ResourceKind::Bool)
        flags.push_back(&r);
    }
    if (g != "mlir_reproducer" || !pipeline)
      continue;
    // MLIR's reproducer (mlir/lib/Pass/PassCrashRecovery.cpp): mlir-opt
    // reads the pipeline and these flags from the file itself.
    os << "    replay:  mlir-opt --run-reproducer " << shellQuote(s.path)
       << "\n"
       << "    same as: mlir-opt "
       << shellQuote("--pass-pipeline=" + unescape(index, pipeline->value));
    for (const Resource *f : flags) {
      bool on = f->value == "true";
      if (f->key == "disable_threading" && on)
        os << " --mlir-disable-threading";
      else if (f->key == "verify_each")
        os << (on ? " --verify-each" : " --verify-each=false");
    }
    os << " " << shellQuote(s.path) << "\n";
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
  auto share = [&](uint64_t part) {
    if (s.fileSize)
      os << llvm::format(" (%.1f%%)", 100.0 * double(part) / double(s.fileSize));
  };
  os << "size:        " << formatBytes(s.fileSize) << " (" << s.fileSize
     << " bytes): IR " << formatBytes(s.irBytes) << ", blobs "
     << formatBytes(s.blobBytes);
  share(s.blobBytes);
  // Inline weights are part of the IR's bytes; said apart when there are.
  if (s.inlineWeightBytes) {
    os << ", inline weights " << formatBytes(s.inlineWeightBytes);
    share(s.inlineWeightBytes);
  }
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
  printWeights(index, s, os);
  printExternalValues(index, s, os);
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
