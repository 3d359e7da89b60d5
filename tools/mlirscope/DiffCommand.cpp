//===- DiffCommand.cpp - `mlirscope diff` ---------------------------------===//

#include "Commands.h"
#include "ProgressLine.h"

#include "mlirscope/Blob/Diff.h"
#include "mlirscope/Support/FaultGuard.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <nlohmann/json.hpp>

using namespace mlirscope;
using namespace mlirscope::cli;
namespace cl = llvm::cl;

static cl::SubCommand
    diffSub("diff",
            "IR equal or where not; blobs added, removed, changed (max/mean "
            "abs diff)");

static cl::opt<bool> jsonFlag("json", cl::desc("Machine-readable output"),
                              cl::sub(diffSub));
static cl::list<std::string> files(cl::Positional, cl::desc("A B"),
                                   cl::sub(diffSub));
static cl::list<std::string> unknown(cl::Sink, cl::sub(diffSub));
static WeightOptions weightOptions({&diffSub});

static int runDiff() {
  if (reportUnknownOption("diff", unknown))
    return kUsage;
  if (files.size() != 2) {
    llvm::errs() << "mlirscope diff: expected A B\n";
    return kUsage;
  }
  bool json = jsonFlag;
  std::unique_ptr<ModelIndex> idx[2];
  for (int i = 0; i < 2; ++i) {
    idx[i] = openModel("diff", files[i], weightOptions);
    if (!idx[i])
      return kBadInput;
  }
  ProgressLine progress("diff");
  uint64_t faultsBefore = faultCount();
  // The progress line stops at the first fault (ProgressLine.h).
  auto d = diffModels(*idx[0], *idx[1], progress.callback());
  if (reportFileChanged("diff", faultsBefore)) {
    llvm::consumeError(d.takeError());
    return kBadInput;
  }
  if (!d) {
    llvm::errs() << "mlirscope diff: " << llvm::toString(d.takeError()) << "\n";
    return kBadInput;
  }
  bool same = d->irEqual && d->added.empty() && d->removed.empty() &&
              d->changed.empty();
  if (json) {
    nlohmann::json j = {{"ir_equal", d->irEqual},
                        {"ir_bytes_equal", d->irBytesEqual},
                        {"added", d->added},
                        {"removed", d->removed},
                        {"unchanged", d->unchanged}};
    if (d->firstDifferentOp)
      j["ir_first_difference"] = {{"op", *d->firstDifferentOp},
                                  {"reason", d->irDifference}};
    nlohmann::json changed = nlohmann::json::array();
    for (const ModelDiff::Changed &c : d->changed) {
      nlohmann::json e = {{"key", c.key}};
      if (!c.typeChange.empty())
        e["type_change"] = c.typeChange;
      else
        e.update({{"elements_differing", c.elementsDiffering},
                  {"max_abs", c.maxAbs},
                  {"mean_abs", c.meanAbs}});
      changed.push_back(e);
    }
    j["changed"] = changed;
    llvm::outs() << j.dump(2) << "\n";
    return same ? kOk : 3;
  }
  llvm::raw_ostream &os = llvm::outs();
  if (d->irBytesEqual)
    os << "IR: identical (byte for byte)\n";
  else if (d->irEqual)
    os << "IR: same structure (ops, nesting, use-def edges)\n";
  else
    os << "IR: differs at op #" << *d->firstDifferentOp << ": "
       << d->irDifference << "\n";
  os << "resources: " << d->unchanged << " unchanged, " << d->changed.size()
     << " changed, " << d->added.size() << " added, " << d->removed.size()
     << " removed\n";
  for (const std::string &k : d->removed)
    os << "  - " << k << "\n";
  for (const std::string &k : d->added)
    os << "  + " << k << "\n";
  for (const ModelDiff::Changed &c : d->changed) {
    os << "  ~ " << c.key << ": ";
    if (!c.typeChange.empty())
      os << c.typeChange << "\n";
    else
      os << c.elementsDiffering << " elements differ, max abs "
         << llvm::format("%.9g", c.maxAbs) << ", mean abs "
         << llvm::format("%.9g", c.meanAbs) << "\n";
  }
  return same ? kOk : 3;
}

const Command mlirscope::cli::diffCommand{
    diffSub,
    "Compares two models (bytecode or text, in any combination): whether\n"
    "the IR is the same (same ops, nesting and use-def edges) and where it\n"
    "first differs, and which blobs were added, removed or changed, with\n"
    "the max and mean absolute difference of changed ones.\n"
    "Exit code 0 when they are the same, 3 when they differ.\n",
    runDiff};
