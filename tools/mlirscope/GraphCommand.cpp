//===- GraphCommand.cpp - `mlirscope graph` ------------------------------===//
//
// The model as a laid-out graph, for scripts (JSON), Graphviz users (DOT) and
// browsers (SVG drawn by mlirscope): core groups the ops (Graph.h) and lays
// out each group (GraphView.h); this file parses arguments and writes.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "GraphOutput.h"
#include "ProgressLine.h"

#include "mlirscope/Support/AtomicFile.h"
#include "mlirscope/Support/FaultGuard.h"

#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <chrono>
#include <csignal>

using namespace mlirscope;
using namespace mlirscope::cli;

static std::atomic<bool> graphInterrupted{false};

static void printGraphUsage(llvm::raw_ostream &os) {
  os << "USAGE: mlirscope graph FILE [--func NAME] [--group PATH]\n"
        "                       [--expand none|all|N] [--no-scopes] "
        "[--no-fold]\n"
        "                       --format json|dot|svg -o OUT\n\n"
        "The model as a laid-out graph. Ops are grouped by regions\n"
        "(functions, loops) and by the scopes of their locations (JAX\n"
        "`jit(main)/layer_3/attn`, PyTorch `model.layers.3.self_attn`);\n"
        "runs of repeated groups fold into one (`layer_3 x 80`).\n\n"
        "  --func NAME     start at this function (default: the whole model)\n"
        "  --group PATH    start at this group, `/`-separated labels below the\n"
        "                  start (e.g. `transformer/layer_3`)\n"
        "  --expand E      none (the default: children collapsed), all, or N\n"
        "                  levels open\n"
        "  --no-scopes     group by regions only\n"
        "  --no-fold       draw every repeat\n"
        "  --format F      json (positions; docs/graph-json.md), dot\n"
        "                  (Graphviz), svg (drawn by mlirscope), tree (the\n"
        "                  group hierarchy as an outline, --expand levels)\n"
        "  -o OUT          output file ('-' for stdout)\n";
}

int mlirscope::cli::runGraph(llvm::ArrayRef<const char *> args) {
  std::string path, func, groupPath, format, out, expand = "none";
  ViewOptions view;
  GraphOptions graphOptions;
  for (size_t i = 0; i < args.size(); ++i) {
    llvm::StringRef a = args[i];
    auto value = [&](std::string &into) {
      if (i + 1 >= args.size())
        return false;
      into = args[++i];
      return true;
    };
    bool ok = true;
    if (a == "--help" || a == "-h") {
      printGraphUsage(llvm::outs());
      return kOk;
    } else if (a == "--func") {
      ok = value(func);
    } else if (a == "--group") {
      ok = value(groupPath);
    } else if (a == "--expand") {
      ok = value(expand);
    } else if (a == "--format") {
      ok = value(format);
    } else if (a == "-o") {
      ok = value(out);
    } else if (a == "--no-scopes") {
      graphOptions.scopes = false;
    } else if (a == "--no-fold") {
      view.foldRepeats = false;
    } else if (a.starts_with("-")) {
      llvm::errs() << "mlirscope graph: unknown option '" << a << "'\n";
      printGraphUsage(llvm::errs());
      return kUsage;
    } else if (path.empty()) {
      path = a.str();
    } else {
      llvm::errs() << "mlirscope graph: only one FILE\n";
      return kUsage;
    }
    if (!ok) {
      llvm::errs() << "mlirscope graph: " << a << " needs a value\n";
      return kUsage;
    }
  }
  unsigned levels = 0;
  bool all = expand == "all";
  if (!all && expand != "none" && llvm::StringRef(expand).getAsInteger(10, levels)) {
    llvm::errs() << "mlirscope graph: --expand takes none, all or a number\n";
    return kUsage;
  }
  if (path.empty() || out.empty() ||
      (format != "json" && format != "dot" && format != "svg" &&
       format != "tree")) {
    llvm::errs() << "mlirscope graph: needs FILE, --format json|dot|svg|tree "
                    "and -o OUT\n";
    printGraphUsage(llvm::errs());
    return kUsage;
  }

  auto start = std::chrono::steady_clock::now();
  std::unique_ptr<ModelIndex> index = openModel(path);
  if (!index)
    return kBadInput;
  auto since = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t)
        .count();
  };
  double indexSeconds = since(start);
  auto groupStart = std::chrono::steady_clock::now();
  graphInterrupted = false;
  auto oldHandler = std::signal(SIGINT, [](int) { graphInterrupted = true; });
  ProgressLine progress("graph");
  // Grouping is the first half of the line, layout the second.
  graphOptions.progress = mlirscope::Progress(
      [&](uint64_t done, uint64_t total) {
        return progress.update(total ? 500 * done / total : 0, 1000);
      },
      &graphInterrupted);
  auto graph = ModelGraph::build(*index, graphOptions);
  if (!graph) {
    std::signal(SIGINT, oldHandler);
    llvm::errs() << "mlirscope graph: " << llvm::toString(graph.takeError())
                 << "\n";
    return kBadInput;
  }
  double groupSeconds = since(groupStart);
  uint32_t root = ModelGraph::kRoot;
  if (!func.empty()) {
    root = graph->findFunction(func);
    if (root == kNone) {
      std::signal(SIGINT, oldHandler);
      llvm::errs() << "mlirscope graph: " << path << ": no function @" << func
                   << "\n";
      return kBadInput;
    }
  }
  if (!groupPath.empty()) {
    // A path below the start group.
    std::string full;
    for (uint32_t g : graph->pathTo(root))
      full += graph->group(g).label + "/";
    root = graph->findGroup(full + groupPath);
    if (root == kNone) {
      std::signal(SIGINT, oldHandler);
      llvm::errs() << "mlirscope graph: " << path << ": no group '"
                   << groupPath << "'\n";
      return kBadInput;
    }
  }
  if (format == "tree") {
    std::signal(SIGINT, oldHandler);
    std::string text =
        graphToTree(*graph, root, all ? ~0u : std::max(levels, 1u));
    if (out == "-") {
      llvm::outs() << text;
      return kOk;
    }
    auto file = AtomicFile::create(out);
    llvm::Error e = file ? file->write(llvm::StringRef(text)) : file.takeError();
    if (!e && file)
      e = file->commit();
    if (e) {
      llvm::errs() << "mlirscope graph: " << llvm::toString(std::move(e))
                   << "\n";
      return kBadInput;
    }
    return kOk;
  }
  view.expand = [&](uint32_t, unsigned depth) {
    return all || depth < levels;
  };
  view.layout.progress = mlirscope::Progress(
      [&](uint64_t done, uint64_t total) {
        return progress.update(500 + (total ? 500 * done / total : 0), 1000);
      },
      &graphInterrupted);
  auto layoutStart = std::chrono::steady_clock::now();
  auto laid = layoutView(*graph, root, view);
  double layoutSeconds = since(layoutStart);
  std::signal(SIGINT, oldHandler);
  if (!laid) {
    llvm::errs() << "mlirscope graph: " << llvm::toString(laid.takeError())
                 << "\n";
    return kBadInput;
  }
  std::string title = path;
  for (uint32_t g : graph->pathTo(root))
    title += " / " + graph->group(g).label;
  std::string text = format == "json" ? graphToJson(*graph, *laid)
                     : format == "dot" ? graphToDot(*graph, *laid)
                                       : graphToSvg(*graph, *laid, title);
  if (out == "-") {
    llvm::outs() << text;
  } else {
    auto file = AtomicFile::create(out);
    if (!file) {
      llvm::errs() << "mlirscope graph: " << llvm::toString(file.takeError())
                   << "\n";
      return kBadInput;
    }
    if (llvm::Error e = file->write(llvm::StringRef(text))) {
      llvm::errs() << "mlirscope graph: " << llvm::toString(std::move(e))
                   << "\n";
      return kBadInput;
    }
    if (llvm::Error e = file->commit()) {
      llvm::errs() << "mlirscope graph: " << llvm::toString(std::move(e))
                   << "\n";
      return kBadInput;
    }
    llvm::errs() << "mlirscope graph: " << index->ops.size() << " ops, "
                 << graph->groups().size() << " groups; "
                 << laid->nodes.size() << " nodes, " << laid->edges.size()
                 << " edges, " << laid->crossings << " crossings; index "
                 << llvm::format("%.3f", indexSeconds) << " s, grouping "
                 << llvm::format("%.3f", groupSeconds) << " s, layout "
                 << llvm::format("%.3f", layoutSeconds) << " s, total "
                 << llvm::format("%.3f", since(start)) << " s\n";
  }
  return kOk;
}
