//===- Script.cpp - Driving the viewer from a file of actions -------------===//

#include "Script.h"

#include "App.h"
#include "Format.h"

#include "mlirscope/Support/Format.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace mlirscope::view {

namespace {

double now() {
  using namespace std::chrono;
  return duration<double>(steady_clock::now().time_since_epoch()).count();
}

bool parseCell(const std::string &s, uint64_t &r, uint64_t &c) {
  unsigned long long a = 0, b = 0;
  if (sscanf(s.c_str(), "%llu,%llu", &a, &b) == 2) {
    r = a;
    c = b;
    return true;
  }
  if (sscanf(s.c_str(), "%llu", &a) == 1) {
    r = a;
    c = 0;
    return true;
  }
  return false;
}

} // namespace

std::unique_ptr<Script> Script::load(const std::string &path, std::string &error) {
  std::ifstream in(path);
  if (!in) {
    error = "cannot read " + path;
    return nullptr;
  }
  auto script = std::make_unique<Script>();
  std::string line;
  while (std::getline(in, line)) {
    size_t b = line.find_first_not_of(" \t");
    if (b == std::string::npos || line[b] == '#')
      continue;
    size_t e = line.find_last_not_of(" \t\r");
    script->lines.push_back(line.substr(b, e - b + 1));
  }
  return script;
}

void Script::step(App &app) {
  for (;;) {
    if (waitFrames > 0) {
      --waitFrames;
      return;
    }
    if (pendingUrlSubmit) {
      // The prompt has been seen: press Open, then wait for the model.
      pendingUrlSubmit = false;
      app.askForUrl("", /*submit=*/true);
      waitFrames = 2;
      waitIdle = true;
      waitStart = now();
      continue;
    }
    if (waitIdle) {
      if (app.busy()) {
        if (now() - waitStart > 120) {
          fprintf(stderr, "mlirscope-view: script: wait timed out after 120 s\n");
          failed = true;
          waitIdle = false;
          app.quit();
        }
        return;
      }
      waitIdle = false;
      waitFrames = 2; // let the results show
      continue;
    }
    if (next >= lines.size())
      return;
    const std::string line = lines[next++];
    if (!run(app, line)) {
      fprintf(stderr, "mlirscope-view: script: cannot run '%s'\n", line.c_str());
      failed = true;
      app.quit();
      return;
    }
    if (waitFrames == 0 && !waitIdle)
      waitFrames = 2;
  }
}

bool Script::run(App &app, const std::string &line) {
  std::istringstream in(line);
  std::string cmd;
  in >> cmd;
  std::string rest;
  std::getline(in, rest);
  size_t b = rest.find_first_not_of(' ');
  rest = b == std::string::npos ? "" : rest.substr(b);
  std::istringstream args(rest);
  TensorInspector &ti = app.inspector();
  Document *doc = app.document();
  auto startWait = [&] {
    waitIdle = true;
    waitStart = now();
  };
  auto report = [&](const std::string &error) {
    if (!error.empty())
      printf("error: %s\n", error.c_str());
    fflush(stdout);
  };

  if (cmd == "open") {
    app.openFile(rest);
    startWait();
  } else if (cmd == "open-url") {
    // File > Open URL...: the field filled in, then Open, a frame later.
    app.askForUrl(rest, /*submit=*/false);
    waitFrames = 2;
    pendingUrlSubmit = true;
  } else if (cmd == "wait") {
    startWait();
  } else if (cmd == "frames") {
    waitFrames = std::max(1, atoi(rest.c_str()));
  } else if (cmd == "list") {
    int which = rest == "functions" ? 0
                : rest == "ops"     ? 1
                : rest == "weights" ? 2
                                    : -1;
    if (which < 0)
      return false;
    app.modelPanel().showList(which);
  } else if (cmd == "sort") {
    // `sort COLUMN asc|desc`: as a click on the current list's header.
    std::string column = rest.substr(0, rest.find(' '));
    std::string order = rest.find(' ') == std::string::npos
                            ? "asc"
                            : rest.substr(rest.find(' ') + 1);
    if (column.empty() ||
        column.find_first_not_of("0123456789") != std::string::npos ||
        (order != "asc" && order != "desc"))
      return false;
    app.modelPanel().sortBy(atoi(column.c_str()), order == "asc");
    waitFrames = 2;
  } else if (cmd == "kind") {
    // Which kind of weight the weights list shows.
    if (rest == "all")
      app.modelPanel().setKindFilter(std::nullopt);
    else if (rest == "resource" || rest == "inline" || rest == "parameter")
      app.modelPanel().setKindFilter(rest == "resource" ? WeightKind::Resource
                                     : rest == "inline"
                                         ? WeightKind::Inline
                                         : WeightKind::Parameter);
    else
      return false;
  } else if (cmd == "filter") {
    app.modelPanel().setFilter(rest);
  } else if (cmd == "search" || cmd == "search-regex") {
    app.modelPanel().search(app, rest, cmd == "search-regex");
    startWait();
  } else if (cmd == "op") {
    if (!doc || !doc->index())
      return false;
    uint32_t op = App::resolveOp(*doc->index(), rest);
    if (op == ~0u) {
      report("no op '" + rest + "'");
      return true;
    }
    app.selectOp(op);
  } else if (cmd == "hit") {
    // Clicks the Nth search hit.
    size_t n = size_t(atoi(rest.c_str()));
    const auto &hits = app.modelPanel().searchHits();
    if (n >= hits.size()) {
      report("no search hit " + rest);
      return true;
    }
    if (hits[n].isWeight)
      app.openWeight(hits[n].index);
    else
      app.selectOp(hits[n].index);
    if (hits[n].isWeight)
      startWait();
  } else if (cmd == "weight") {
    // Clicks the Nth weight in the op details.
    size_t n = size_t(atoi(rest.c_str()));
    const auto &w = app.nodeDetails().weights();
    if (n >= w.size() || w[n].second == ~0u) {
      report("the selected op has no weight " + rest);
      return true;
    }
    app.openWeight(w[n].second);
    startWait();
  } else if (cmd == "graph-click") {
    // Clicks the first graph node with this label.
    if (!app.graphCanvas().click(app, rest))
      report("no graph node '" + rest + "'");
    app.focus(App::Focus::Graph);
    startWait();
  } else if (cmd == "expand" || cmd == "collapse") {
    const ModelGraph *g = app.graphCanvas().graph();
    uint32_t group = g ? g->findGroup(rest) : kNone;
    if (group == kNone) {
      report("no group '" + rest + "'");
      return true;
    }
    app.graphCanvas().setExpanded(group, cmd == "expand");
    startWait();
  } else if (cmd == "layout-graphs") {
    std::string result = app.graphCanvas().writeLayoutGraphs(rest);
    if (result.rfind("error: ", 0) == 0)
      report(result.substr(7));
    else
      printf("layout graphs: %s\n", result.c_str());
    fflush(stdout);
  } else if (cmd == "expand-all") {
    app.graphCanvas().expandAll();
    startWait();
  } else if (cmd == "bench") {
    app.benchFrames(std::max(1, atoi(rest.c_str())), "frames");
    waitFrames = std::max(1, atoi(rest.c_str())) + 1;
  } else if (cmd == "fit") {
    app.graphCanvas().fit();
  } else if (cmd == "graph") {
    app.focus(App::Focus::Graph);
    startWait();
  } else if (cmd == "tensor") {
    uint32_t w = doc ? doc->findWeight(rest) : ~0u;
    if (w == ~0u) {
      report("no weight '" + rest + "'");
      return true;
    }
    app.openWeight(w);
    startWait();
  } else if (cmd == "weight-info") {
    uint32_t w = doc ? doc->findWeight(rest) : ~0u;
    if (w == ~0u) {
      report("no weight '" + rest + "'");
      return true;
    }
    printWeight(app, w);
  } else if (cmd == "parameters") {
    app.bindParameters(rest);
    startWait();
  } else if (cmd == "view") {
    ti.showMode(rest == "heatmap" ? TensorMode::Heatmap : TensorMode::Values);
    if (rest == "heatmap") {
      waitFrames = 2; // the heatmap starts pooling when first drawn
      lines.insert(lines.begin() + long(next), "wait");
    }
  } else if (cmd == "stat") {
    ti.setStat(rest == "min"      ? HeatmapStat::Min
               : rest == "max"    ? HeatmapStat::Max
               : rest == "absmax" ? HeatmapStat::AbsMax
                                  : HeatmapStat::Mean);
  } else if (cmd == "axes") {
    int r, c;
    if (!(args >> r >> c))
      return false;
    ti.setAxes(app, r, c);
  } else if (cmd == "fix") {
    int axis;
    long long index;
    if (!(args >> axis >> index))
      return false;
    ti.setFixed(app, axis, index);
  } else if (cmd == "goto") {
    uint64_t r, c;
    if (!parseCell(rest, r, c))
      return false;
    ti.gotoCell(r, c);
  } else if (cmd == "select") {
    std::string a, bb;
    uint64_t r0, c0, r1, c1;
    if (!(args >> a >> bb) || !parseCell(a, r0, c0) || !parseCell(bb, r1, c1))
      return false;
    ti.select(r0, c0, r1, c1);
  } else if (cmd == "set") {
    std::string cell, value;
    uint64_t r, c;
    if (!(args >> cell) || !parseCell(cell, r, c))
      return false;
    std::getline(args, value);
    b = value.find_first_not_of(' ');
    value = b == std::string::npos ? "" : value.substr(b);
    ti.gotoCell(r, c);
    report(ti.commitCell(app, r, c, value));
  } else if (cmd == "fill") {
    report(ti.fillSelection(app, rest));
  } else if (cmd == "scale") {
    report(ti.scaleSelection(app, atof(rest.c_str())));
  } else if (cmd == "undo") {
    app.undo();
  } else if (cmd == "redo") {
    app.redo();
  } else if (cmd == "save") {
    app.save();
    startWait();
  } else if (cmd == "saveas") {
    app.saveAs(rest);
    startWait();
  } else if (cmd == "export") {
    if (!doc || ti.currentWeight() == ~0u)
      return false;
    doc->exportNpy(ti.currentWeight(), rest);
    startWait();
  } else if (cmd == "replace") {
    if (!doc || ti.currentWeight() == ~0u)
      return false;
    std::string e = doc->replaceFromNpy(ti.currentWeight(), rest);
    app.setStatus(e.empty() ? "replaced from " + rest : e, !e.empty());
    report(e);
  } else if (cmd == "zoom") {
    double r0, c0, rows, cols;
    if (!(args >> r0 >> c0 >> rows >> cols))
      return false;
    ti.zoomHeatmap(r0, c0, rows, cols);
    waitFrames = 2;
    lines.insert(lines.begin() + long(next), "wait");
  } else if (cmd == "bind") {
    // File > Bind Parameters: the scope, then the archive in the browser.
    app.askForParameters();
    snprintf(app.parameterScope, sizeof app.parameterScope, "%s", rest.c_str());
  } else if (cmd == "browse") {
    app.fileBrowser().open("Open a model", rest, false, {".mlir", ".mlirbc"},
                           [&app](const std::string &p) { app.openFile(p); });
  } else if (cmd == "close") {
    app.closeFile();
  } else if (cmd == "answer") {
    app.answerUnsavedPrompt(rest);
    startWait();
  } else if (cmd == "size") {
    int w, h;
    if (!(args >> w >> h))
      return false;
    app.resize(w, h);
    waitFrames = 3;
  } else if (cmd == "screenshot") {
    app.requestScreenshot(rest);
    waitFrames = 1;
  } else if (cmd == "dump") {
    dump(app);
  } else if (cmd == "value") {
    uint64_t r, c;
    TensorTab *tab = ti.currentTab();
    if (!parseCell(rest, r, c) || !tab || !tab->view)
      return false;
    printf("value[%llu,%llu]: %s\n", (unsigned long long)r, (unsigned long long)c,
           ti.valueAt(app, ti.flatIndex(*tab, r, c), true).c_str());
    fflush(stdout);
  } else if (cmd == "kill") {
    // A crash with unsaved edits: nothing of the overlay may reach the file.
    fflush(stdout);
    raise(SIGKILL);
  } else if (cmd == "quit") {
    app.quit();
  } else {
    return false;
  }
  return true;
}

void Script::printWeight(App &app, uint32_t w) {
  Document &doc = *app.document();
  const ModelIndex &index = *doc.index();
  const Weight &weight = index.weights[w];
  printf("weight: %s\n", weight.name.c_str());
  printf("weight kind: %s %s\n", weightKindName(weight.kind).str().c_str(),
         weightEncodingName(weight.encoding).str().c_str());
  printf("weight type: %s, %s\n", weightTypeText(weight).c_str(),
         formatBytes(weight.bytes()).c_str());
  printf("weight place: %s\n", weightPlaceText(index, weight).c_str());
  if (weight.op < index.ops.size())
    printf("weight op: %s #%u\n",
           index.getOpName(index.ops[weight.op]).str().c_str(), weight.op);
  else if (!weight.opName.empty())
    printf("weight op: %s\n", weight.opName.c_str());
  std::string blocked = doc.whyNotEditable(w);
  printf("weight editable: %s\n",
         blocked.empty() ? "yes" : ("no: " + blocked).c_str());
  auto view = doc.view(w);
  if (!view) {
    printf("weight values: %s\n", llvm::toString(view.takeError()).c_str());
  } else {
    // The first few, with unsaved edits, as the table shows them.
    std::string values;
    unsigned esize = dtypeSize(view->getDType());
    uint64_t n = std::min<uint64_t>(view->size(), 8);
    std::vector<uint8_t> buf(n * esize);
    doc.readElements(*view, 0, n, buf.data());
    for (uint64_t i = 0; i < n; ++i)
      values += (i ? " " : "") + formatElement(view->getDType(),
                                               buf.data() + i * esize,
                                               ElementStyle::Exact);
    printf("weight values: %s%s\n", values.c_str(),
           view->size() > n ? " ..." : "");
  }
  fflush(stdout);
}

void Script::dump(App &app) {
  Document *doc = app.document();
  printf("file: %s\n", doc ? doc->path().c_str() : "(none)");
  if (doc) {
    printf("loaded: %d\n", doc->index() ? 1 : 0);
    if (!doc->error().empty())
      printf("model error: %s\n", doc->error().c_str());
    printf("dirty: %d\n", doc->dirty() ? 1 : 0);
    printf("edits: %zu\n", doc->edits().size());
    if (doc->index()) {
      const ModelSummary &s = doc->summary();
      printf("ops: %llu\n", (unsigned long long)s.numOps);
      printf("resources: %llu\n", (unsigned long long)s.numResources);
      std::string kinds;
      for (auto &[kind, t] : s.weightsByKind)
        kinds +=
            (kinds.empty() ? "" : ", ") + kind + " " + std::to_string(t.count);
      printf("weights: %llu (%s)\n", (unsigned long long)s.numWeights,
             kinds.c_str());
      for (uint32_t r : s.externalValues) {
        const Resource &res = doc->index()->resources[r];
        printf("external: %s.%s = %s\n", res.group.c_str(), res.key.c_str(),
               res.value.c_str());
      }
      for (const BoundArchive &a : doc->index()->archives)
        printf("archive: %s%s\n",
               a.scope.empty() ? "" : (a.scope + "=").c_str(), a.path.c_str());
    }
  }
  printf("list: %d rows\n", int(app.modelPanel().visibleRows()));
  // The first rows, in the order the list shows them.
  for (size_t i = 0; i < app.modelPanel().visibleRows() && i < 12; ++i)
    printf("row: %s\n", app.modelPanel().rowName(app, i).c_str());
  printf("search hits: %zu\n", app.modelPanel().searchHits().size());
  for (size_t i = 0; i < app.modelPanel().searchHits().size() && i < 5; ++i)
    printf("hit: %s\n", app.modelPanel().searchHits()[i].text.c_str());
  if (doc && doc->index() && app.selectedOp() < doc->index()->ops.size()) {
    const ModelIndex &index = *doc->index();
    const OpRecord &op = index.ops[app.selectedOp()];
    printf("op: #%u %s%s\n", app.selectedOp(), index.getOpName(op).str().c_str(),
           op.symbol.empty() ? "" : (" @" + op.symbol).c_str());
    // What its details list under Weights (drawn, so current).
    for (auto &[name, w] : app.nodeDetails().weights())
      printf("op weight: %s%s\n", name.c_str(),
             w == kNone ? " (none in the file)" : "");
  }
  if (!app.graphCanvas().error().empty())
    printf("graph error: %s\n", app.graphCanvas().error().c_str());
  if (const GraphView *v = app.graphCanvas().view()) {
    size_t groups = 0, weights = 0, folded = 0;
    for (const ViewNode &n : v->nodes) {
      groups += n.ref.isGroup;
      weights += !n.weight.empty();
      folded += n.repeats > 1;
    }
    printf("graph: %zu nodes (%zu groups, %zu folded, %zu weights), %zu edges, %zu open\n",
           v->nodes.size(), groups, folded, weights, v->edges.size(),
           app.graphCanvas().expandedCount());
    printf("graph timing: grouping %.1f ms, last layout %.1f ms, %zu nodes drawn\n",
           app.graphCanvas().buildMs(), app.graphCanvas().layoutMs(),
           app.graphCanvas().nodesDrawn());
    for (size_t i = 0; i < v->nodes.size() && i < 40; ++i) {
      const ViewNode &n = v->nodes[i];
      printf("node: %s%s%s%s\n", n.label.c_str(),
             n.repeats > 1 ? (" (" + std::to_string(n.repeats) + " folded)").c_str() : "",
             n.expanded ? " (open)" : "", n.weight.empty() ? "" : (" weight " + n.weight).c_str());
    }
  }
  TensorInspector &ti = app.inspector();
  if (TensorTab *tab = ti.currentTab(); tab && tab->view) {
    const WeightView &v = *tab->view;
    printf("tensor: %s %s at byte %llu\n", tab->key.c_str(),
           describeType(v.getDType(), v.getShape()).c_str(),
           (unsigned long long)v.getDataOffset());
    printf("tensor kind: %s %s\n",
           weightKindName(v.getWeight().kind).str().c_str(),
           weightEncodingName(v.getWeight().encoding).str().c_str());
    printf("editable: %s\n", tab->editBlocked.empty()
                                 ? "yes"
                                 : ("no: " + tab->editBlocked).c_str());
    printf("axes: %d %d\n", tab->rowAxis, tab->colAxis);
    printf("view: %s\n",
           tab->mode == TensorMode::Heatmap ? "heatmap" : "values");
    printf("cursor: %llu,%llu = %s\n", (unsigned long long)tab->cursorRow,
           (unsigned long long)tab->cursorCol,
           ti.valueAt(app, ti.flatIndex(*tab, tab->cursorRow, tab->cursorCol), true).c_str());
    if (tab->stats)
      printf("stats: min %s max %s mean %s nan %llu\n", formatDouble(tab->stats->min).c_str(),
             formatDouble(tab->stats->max).c_str(), formatDouble(tab->stats->mean).c_str(),
             (unsigned long long)tab->stats->nans);
    if (tab->full)
      printf("heatmap: %ux%u cells (pooled in %.0f ms)\n", tab->full->map.height,
             tab->full->map.width, tab->lastPoolMs);
    if (tab->tile)
      printf("heatmap tile: rows %llu+%llu cols %llu+%llu, %ux%u cells\n",
             (unsigned long long)tab->tile->map.row0, (unsigned long long)tab->tile->map.rows,
             (unsigned long long)tab->tile->map.col0, (unsigned long long)tab->tile->map.cols,
             tab->tile->map.height, tab->tile->map.width);
  }
  printf("prompt: %s\n", app.unsavedPromptOpen() ? "unsaved edits" : "none");
  printf("status: %s%s\n", app.statusIsError() ? "error: " : "", app.status().c_str());
  fflush(stdout);
}

} // namespace mlirscope::view
