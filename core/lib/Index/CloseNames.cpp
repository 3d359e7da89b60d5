//===- CloseNames.cpp - Weight names close to a mistyped one -------------===//

#include "mlirscope/Index/CloseNames.h"

#include "llvm/ADT/STLExtras.h"

#include <algorithm>

using namespace mlirscope;

std::vector<std::string> mlirscope::closeWeightNames(const ModelIndex &index,
                                                     llvm::StringRef name,
                                                     size_t limit) {
  std::vector<std::pair<unsigned, std::string>> found;
  std::string lower = name.lower();
  unsigned maxEdits = std::max<unsigned>(2, name.size() / 3);
  auto consider = [&](llvm::StringRef candidate) {
    if (candidate.empty())
      return;
    unsigned d = llvm::StringRef(candidate.lower()).contains(lower)
                     ? 0
                     : name.edit_distance(candidate, true, maxEdits + 1);
    if (d <= maxEdits)
      found.emplace_back(d, candidate.str());
  };
  for (const Weight &w : index.weights)
    consider(w.name);
  for (const Resource &r : index.resources)
    if (!index.findWeight(r.key))
      consider(r.key);
  std::stable_sort(found.begin(), found.end(),
                   [](auto &a, auto &b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto &f : found)
    if (out.size() < limit && llvm::find(out, f.second) == out.end())
      out.push_back(f.second);
  return out;
}
