//===- StatsCommand.cpp - `mlirscope stats` -------------------------------===//

#include "Commands.h"
#include "ProgressLine.h"

#include "mlirscope/Blob/BlobStats.h"
#include "mlirscope/Support/FaultGuard.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <csignal>
#include <nlohmann/json.hpp>

using namespace mlirscope;
using namespace mlirscope::cli;
namespace cl = llvm::cl;

static std::atomic<bool> interrupted{false};

static cl::SubCommand
    statsSub("stats",
             "min/max/mean/std, zeros, NaN, Inf and a histogram of weights, "
             "streamed from disk");

static cl::opt<bool> jsonFlag("json", cl::desc("Machine-readable output"),
                              cl::sub(statsSub));
static cl::opt<unsigned, false, NumberParser>
    bins("bins", cl::desc("A histogram of this many bins (up to 2^20)"),
         cl::value_desc("number"), cl::sub(statsSub));
static cl::opt<unsigned, false, NumberParser>
    threads("threads", cl::desc("Threads to use (default: one per core)"),
            cl::value_desc("number"), cl::sub(statsSub));
static ChunkOption chunk("chunk", cl::desc(kChunkHelp), cl::value_desc("N"),
                         cl::sub(statsSub));
static cl::list<std::string>
    positional(cl::Positional, cl::desc("FILE [NAME...]"), cl::sub(statsSub));
static cl::list<std::string> unknown(cl::Sink, cl::sub(statsSub));
static WeightOptions weightOptions({&statsSub});

static std::string num(double v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.9g", v);
  return s;
}

static int runStats() {
  if (reportUnknownOption("stats", unknown))
    return kUsage;
  if (bins > (1u << 20)) {
    llvm::errs() << "mlirscope stats: --bins needs a number up to 2^20\n";
    return kUsage;
  }
  if (positional.empty()) {
    llvm::errs() << "mlirscope stats: missing FILE\n";
    return kUsage;
  }
  bool json = jsonFlag;
  StatsOptions opts;
  opts.bins = bins;
  opts.threads = threads;
  std::string path = positional.front();
  llvm::ArrayRef<std::string> names = positional;
  names = names.drop_front();
  SplitFiles split = chunkOf(chunk);
  split.byName = !names.empty();
  std::unique_ptr<ModelIndex> model =
      openModel("stats", path, weightOptions, split);
  if (!model)
    return kBadInput;
  const ModelIndex &index = *model;
  std::vector<WeightView> selected;
  int rc = kOk;
  if (names.empty()) {
    // Every weight with numbers to read: a type, elements that are not
    // strings, and (a parameter) an archive holding it.
    for (const Weight &w : index.weights) {
      if (!w.type || w.encoding == WeightEncoding::Strings ||
          (w.kind == WeightKind::Parameter && w.entry == kNone))
        continue;
      auto view = WeightView::get(index, w);
      if (!view) {
        llvm::errs() << "mlirscope stats: " << path << ": "
                     << llvm::toString(view.takeError()) << "\n";
        rc = kBadInput;
        continue;
      }
      selected.push_back(*view);
    }
  } else {
    for (const std::string &name : names) {
      std::optional<WeightView> view = openWeight("stats", index, name);
      if (!view)
        return kBadInput;
      selected.push_back(*view);
    }
  }

  interrupted = false;
  auto oldHandler = std::signal(SIGINT, [](int) { interrupted = true; });
  nlohmann::json out = nlohmann::json::array();
  for (const WeightView &v : selected) {
    const WeightView *view = &v;
    const Weight &w = view->getWeight();
    ProgressLine progress("stats " + w.name);
    opts.progress = progress.callback().withCancel(&interrupted);
    uint64_t faultsBefore = faultCount();
    auto stats = computeStats(*view, opts);
    if (reportFileChanged("stats", faultsBefore)) {
      llvm::consumeError(stats.takeError());
      std::signal(SIGINT, oldHandler);
      return kBadInput;
    }
    if (!stats) {
      llvm::errs() << "mlirscope stats: " << llvm::toString(stats.takeError())
                   << "\n";
      std::signal(SIGINT, oldHandler);
      // Ctrl-C, or a read that failed (a URL's transfer, mid-weight).
      return interrupted ? 130 : kBadInput;
    }
    const BlobStats &s = *stats;
    if (json) {
      // "key": the name, as it was when every weight was a resource blob.
      nlohmann::json j = {{"key", w.name},
                          {"name", w.name},
                          {"kind", weightKindName(w.kind).str()},
                          {"dtype", dtypeName(view->getDType())},
                          {"shape", w.type->shape},
                          {"elements", s.count},
                          {"bytes", w.bytes()},
                          {"finite", s.finite},
                          {"zeros", s.zeros},
                          {"nan", s.nans},
                          {"pos_inf", s.posInfs},
                          {"neg_inf", s.negInfs},
                          {"first", s.first}};
      auto f = [](double v) {
        return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr);
      };
      j["min"] = f(s.min);
      j["max"] = f(s.max);
      j["mean"] = f(s.mean);
      j["std"] = f(s.stddev);
      if (!s.histogram.empty())
        j["histogram"] = s.histogram;
      out.push_back(j);
      continue;
    }
    llvm::outs() << w.name << "  " << weightTypeText(w) << "  "
                 << formatBytes(w.bytes())
                 << (w.kind == WeightKind::Resource
                         ? ""
                         : "  " + weightKindName(w.kind).str())
                 << (w.splat ? " (splat)" : "") << "\n"
                 << "  min " << num(s.min) << "  max " << num(s.max)
                 << "  mean " << num(s.mean) << "  std " << num(s.stddev)
                 << "\n"
                 << "  zeros " << s.zeros << "  nan " << s.nans << "  +inf "
                 << s.posInfs << "  -inf " << s.negInfs << "\n  first";
    for (const std::string &v : s.first)
      llvm::outs() << " " << v;
    llvm::outs() << "\n";
    if (!s.histogram.empty()) {
      llvm::outs() << "  histogram";
      for (uint64_t h : s.histogram)
        llvm::outs() << " " << h;
      llvm::outs() << "\n";
    }
  }
  std::signal(SIGINT, oldHandler);
  if (json)
    llvm::outs() << out.dump(2) << "\n";
  return rc;
}

const Command mlirscope::cli::statsCommand{
    statsSub,
    "Statistics of weights NAME: resource keys, inline weights' names and\n"
    "`scope::key` of parameters bound with --parameters, as `inspect\n"
    "--weights` lists them (every typed weight it lists when no NAME is\n"
    "given), in one streaming pass over the stored bytes: min, max, mean,\n"
    "std (over finite values; complex: over magnitudes), counts of zeros,\n"
    "NaN and +-Inf, the first values, and with --bins N a histogram.\n"
    "Progress goes to stderr for work over a second; Ctrl-C cancels.\n",
    runStats};
