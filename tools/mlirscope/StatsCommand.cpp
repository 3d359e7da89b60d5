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

static std::atomic<bool> interrupted{false};

static void printStatsUsage(llvm::raw_ostream &os) {
  os << "USAGE: mlirscope stats [--json] [--bins N] [--threads N] FILE "
        "[KEY...]\n\n"
        "Statistics of blobs (all typed blobs when no KEY is given), in one\n"
        "streaming pass over the file's bytes: min, max, mean, std (over\n"
        "finite values; complex: over magnitudes), counts of zeros, NaN and\n"
        "+-Inf, the first values, and with --bins N a histogram.\n"
        "Progress goes to stderr for work over a second; Ctrl-C cancels.\n";
}

static std::string num(double v) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << llvm::format("%.9g", v);
  return s;
}

int mlirscope::cli::runStats(llvm::ArrayRef<const char *> args) {
  bool json = false;
  StatsOptions opts;
  std::string path;
  std::vector<std::string> keys;
  for (size_t i = 0; i < args.size(); ++i) {
    llvm::StringRef a = args[i];
    auto number = [&](unsigned &out) {
      if (i + 1 >= args.size() ||
          llvm::StringRef(args[i + 1]).getAsInteger(10, out))
        return false;
      ++i;
      return true;
    };
    if (a == "--help" || a == "-h") {
      printStatsUsage(llvm::outs());
      return kOk;
    } else if (a == "--json") {
      json = true;
    } else if (a == "--bins") {
      if (!number(opts.bins) || opts.bins > (1u << 20)) {
        llvm::errs() << "mlirscope stats: --bins needs a number up to 2^20\n";
        return kUsage;
      }
    } else if (a == "--threads") {
      if (!number(opts.threads)) {
        llvm::errs() << "mlirscope stats: --threads needs a number\n";
        return kUsage;
      }
    } else if (a.starts_with("-")) {
      llvm::errs() << "mlirscope stats: unknown option '" << a << "'\n";
      printStatsUsage(llvm::errs());
      return kUsage;
    } else if (path.empty()) {
      path = a.str();
    } else {
      keys.push_back(a.str());
    }
  }
  if (path.empty()) {
    llvm::errs() << "mlirscope stats: missing FILE\n";
    printStatsUsage(llvm::errs());
    return kUsage;
  }
  std::unique_ptr<ModelIndex> model = openModel(path);
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
    auto view = BlobView::get(index, *r);
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
