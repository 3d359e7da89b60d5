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
             "min/max/mean/std, zeros, NaN, Inf and a histogram of blobs, "
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
    positional(cl::Positional, cl::desc("FILE [KEY...]"), cl::sub(statsSub));
static cl::list<std::string> unknown(cl::Sink, cl::sub(statsSub));

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
  llvm::ArrayRef<std::string> keys = positional;
  keys = keys.drop_front();
  std::unique_ptr<ModelIndex> model = openModel("stats", path, chunkOf(chunk));
  if (!model)
    return kBadInput;
  const ModelIndex &index = *model;
  std::vector<const Resource *> selected;
  if (keys.empty()) {
    for (const Resource &r : index.resources)
      if (r.kind == ResourceKind::Blob && r.type)
        selected.push_back(&r);
  } else {
    for (const std::string &k : keys) {
      const Resource *r = index.findResource(k);
      if (!r) {
        llvm::errs() << "mlirscope stats: " << path << ": no resource '" << k
                     << "'\n";
        return kBadInput;
      }
      selected.push_back(r);
    }
  }

  interrupted = false;
  auto oldHandler = std::signal(SIGINT, [](int) { interrupted = true; });
  nlohmann::json out = nlohmann::json::array();
  int rc = kOk;
  for (const Resource *r : selected) {
    auto view = WeightView::get(index, *r);
    if (!view) {
      llvm::errs() << "mlirscope stats: " << path << ": "
                   << llvm::toString(view.takeError()) << "\n";
      rc = kBadInput;
      continue;
    }
    ProgressLine progress("stats " + r->key);
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
      return 130;
    }
    const BlobStats &s = *stats;
    if (json) {
      nlohmann::json j = {
          {"key", r->key},           {"dtype", dtypeName(view->getDType())},
          {"shape", r->type->shape}, {"elements", s.count},
          {"bytes", r->size},        {"finite", s.finite},
          {"zeros", s.zeros},        {"nan", s.nans},
          {"pos_inf", s.posInfs},    {"neg_inf", s.negInfs},
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
    llvm::outs() << r->key << "  " << r->type->element.name << "["
                 << r->type->shapeString() << "]  " << formatBytes(r->size)
                 << "\n"
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
    "Statistics of blobs (all typed blobs when no KEY is given), in one\n"
    "streaming pass over the file's bytes: min, max, mean, std (over\n"
    "finite values; complex: over magnitudes), counts of zeros, NaN and\n"
    "+-Inf, the first values, and with --bins N a histogram.\n"
    "Progress goes to stderr for work over a second; Ctrl-C cancels.\n",
    runStats};
