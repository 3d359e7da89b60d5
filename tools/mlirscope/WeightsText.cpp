//===- WeightsText.cpp - `inspect --weights`: every weight, one a line ----===//

#include "Commands.h"

#include "mlirscope/Index/SummaryJson.h"
#include "mlirscope/Support/Format.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>

using namespace mlirscope;
using namespace mlirscope::cli;

/// Where the stored data is: its offset in the model file, or the archive
/// file and offset of a bound parameter.
static std::string whereOf(const ModelIndex &index, const Weight &w) {
  if (w.kind != WeightKind::Parameter)
    return "@" + std::to_string(w.offset);
  if (w.archive < index.archives.size())
    return index.archives[w.archive].path + " @" + std::to_string(w.offset);
  bool scopeBound = llvm::any_of(index.archives, [&](const BoundArchive &a) {
    return a.scope == w.scope;
  });
  return scopeBound ? "missing from its scope's archives" : "not bound";
}

void mlirscope::cli::printWeightList(const ModelIndex &index, bool json,
                                     llvm::raw_ostream &os) {
  if (json) {
    llvm::json::Array weights;
    for (const Weight &w : index.weights)
      weights.push_back(weightJson(index, w));
    llvm::json::Object out{
        {"file", index.file ? index.file->getName() : ""},
        {"weights", std::move(weights)},
        {"small_inline", llvm::json::Object{{"count", index.smallInlineCount},
                                            {"bytes", index.smallInlineBytes}}}};
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(out))) << "\n";
    return;
  }
  // Columns as wide as their widest cell, so that the list reads as a table
  // and splits on runs of spaces.
  std::vector<std::array<std::string, 6>> rows;
  rows.push_back({"name", "kind", "encoding", "type", "bytes", "where"});
  for (const Weight &w : index.weights)
    rows.push_back({w.name, weightKindName(w.kind).str(),
                    weightEncodingName(w.encoding).str() +
                        (w.splat ? " splat" : "") +
                        (w.bitPacked ? " bits" : ""),
                    weightTypeText(w), formatBytes(w.bytes()),
                    whereOf(index, w)});
  std::array<size_t, 6> width{};
  for (const auto &row : rows)
    for (size_t c = 0; c < row.size(); ++c)
      width[c] = std::max(width[c], row[c].size());
  for (const auto &row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size())
        line += std::string(width[c] - row[c].size() + 2, ' ');
    }
    os << line << "\n";
  }
  if (index.smallInlineCount)
    os << index.smallInlineCount << " smaller inline attributes not listed ("
       << formatBytes(index.smallInlineBytes)
       << "; --min-inline-bytes 0 lists them)\n";
}
