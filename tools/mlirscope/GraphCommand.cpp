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

#include "mlirscope/Graph/DefaultView.h"
#include "mlirscope/Support/AtomicFile.h"
#include "mlirscope/Support/FaultGuard.h"

#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <chrono>
#include <csignal>

using namespace mlirscope;
using namespace mlirscope::cli;
namespace cl = llvm::cl;

static std::atomic<bool> graphInterrupted{false};

static cl::SubCommand graphSub("graph",
                               "The model as a laid-out graph of grouped ops");

static cl::opt<std::string>
    func("func", cl::desc("Start at this function (default: the whole model)"),
         cl::value_desc("name"), cl::sub(graphSub));
static cl::opt<std::string>
    groupPath("group",
              cl::desc("Start at this group, `/`-separated labels below the "
                       "start (e.g. `transformer/layer_3`)"),
              cl::value_desc("path"), cl::sub(graphSub));
// Strings rather than enums or numbers with cl::values: a bad value gets
// graph's one-line message instead of llvm::cl's.
static cl::opt<std::string>
    expandOpt("expand",
              cl::desc("none (children collapsed), all, or N levels open; "
                       "without --expand, --func or --group the graph opens "
                       "as the viewer's first view does (module, functions "
                       "and lone scopes open: the layers show)"),
              cl::value_desc("none|all|N"), cl::init("none"),
              cl::sub(graphSub));
static cl::opt<bool> noScopes("no-scopes", cl::desc("Group by regions only"),
                              cl::sub(graphSub));
static cl::opt<bool> noFold("no-fold", cl::desc("Draw every repeat"),
                            cl::sub(graphSub));
static cl::opt<std::string> formatOpt(
    "format",
    cl::desc("json (positions; docs/graph-json.md), dot (Graphviz), svg "
             "(drawn by mlirscope), tree (the group hierarchy as an outline, "
             "--expand levels)"),
    cl::value_desc("json|dot|svg|tree"), cl::sub(graphSub));
static cl::opt<std::string> out("o",
                                cl::desc("The output file ('-' for stdout)"),
                                cl::value_desc("path"), cl::sub(graphSub));
static cl::list<std::string> files(cl::Positional, cl::desc("FILE"),
                                   cl::sub(graphSub));
static cl::list<std::string> unknown(cl::Sink, cl::sub(graphSub));
static WeightOptions weightOptions({&graphSub});

static int runGraph() {
  if (reportUnknownOption("graph", unknown))
    return kUsage;
  if (files.size() > 1) {
    llvm::errs() << "mlirscope graph: only one FILE\n";
    return kUsage;
  }
  std::string path = files.empty() ? "" : files[0];
  const std::string &expand = expandOpt;
  ViewOptions view;
  view.foldRepeats = !noFold;
  GraphOptions graphOptions;
  graphOptions.scopes = !noScopes;
  unsigned levels = 0;
  bool all = expand == "all";
  if (!all && expand != "none" && llvm::StringRef(expand).getAsInteger(10, levels)) {
    llvm::errs() << "mlirscope graph: --expand takes none, all or a number\n";
    return kUsage;
  }
  if (path.empty() || out.empty() ||
      (formatOpt != "json" && formatOpt != "dot" && formatOpt != "svg" &&
       formatOpt != "tree")) {
    llvm::errs() << "mlirscope graph: needs FILE, --format json|dot|svg|tree "
                    "and -o OUT\n";
    return kUsage;
  }

  auto start = std::chrono::steady_clock::now();
  std::unique_ptr<ModelIndex> index = openModel("graph", path, weightOptions);
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
    return reportError("graph", graph.takeError());
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
  if (formatOpt == "tree") {
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
  // With nothing chosen, open as the viewer does: collapsed to the root, a
  // model is one `builtin.module` box.
  bool firstView =
      !expandOpt.getNumOccurrences() && func.empty() && groupPath.empty();
  std::vector<bool> open(graph->groups().size(), false);
  if (firstView)
    for (uint32_t g : defaultOpenGroups(*graph))
      open[g] = true;
  view.expand = [&](uint32_t group, unsigned depth) {
    return firstView ? bool(open[group]) : all || depth < levels;
  };
  if (firstView)
    view.unfold = [&](uint32_t group) { return bool(open[group]); };
  view.layout.progress = mlirscope::Progress(
      [&](uint64_t done, uint64_t total) {
        return progress.update(500 + (total ? 500 * done / total : 0), 1000);
      },
      &graphInterrupted);
  auto layoutStart = std::chrono::steady_clock::now();
  auto laid = layoutView(*graph, root, view);
  double layoutSeconds = since(layoutStart);
  std::signal(SIGINT, oldHandler);
  if (!laid)
    return reportError("graph", laid.takeError());
  std::string title = path;
  for (uint32_t g : graph->pathTo(root))
    title += " / " + graph->group(g).label;
  std::string text = formatOpt == "json"  ? graphToJson(*graph, *laid)
                     : formatOpt == "dot" ? graphToDot(*graph, *laid)
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

const Command mlirscope::cli::graphCommand{
    graphSub,
    "The model as a laid-out graph. Ops are grouped by regions\n"
    "(functions, loops) and by the scopes of their locations (JAX\n"
    "`jit(main)/layer_3/attn`, PyTorch `model.layers.3.self_attn`);\n"
    "runs of repeated groups fold into one (`layer_3 x 80`). Without\n"
    "--expand, --func or --group it opens as the viewer's first view does:\n"
    "the module, functions and lone scopes open, so the layers show.\n\n"
    "  mlirscope graph FILE --format json|dot|svg|tree -o OUT\n",
    runGraph};
