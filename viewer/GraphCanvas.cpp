//===- GraphCanvas.cpp - The model's graph, drawn with ImDrawList ---------===//

#include "GraphCanvas.h"

#include "App.h"

#include "mlirscope/Graph/DefaultView.h"
#include "mlirscope/Support/FaultGuard.h"
#include "mlirscope/Support/Format.h"

#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>

namespace mlirscope::view {

namespace {

const ImU32 kGroupFill = IM_COL32(44, 72, 118, 255);
const ImU32 kRepeatFill = IM_COL32(78, 62, 132, 255);
const ImU32 kOpenFill = IM_COL32(32, 38, 50, 255);
const ImU32 kGroupBorder = IM_COL32(110, 150, 210, 255);
const ImU32 kOpFill = IM_COL32(62, 64, 70, 255);
const ImU32 kOpBorder = IM_COL32(120, 124, 132, 255);
const ImU32 kWeightFill = IM_COL32(128, 96, 36, 255);
const ImU32 kWeightBorder = IM_COL32(220, 170, 80, 255);
const ImU32 kSelected = IM_COL32(255, 160, 40, 255);
const ImU32 kEdge = IM_COL32(140, 145, 160, 200);
const ImU32 kText = IM_COL32(235, 235, 240, 255);
const ImU32 kDetailText = IM_COL32(170, 175, 185, 255);

} // namespace

struct CanvasFrame {
  ImVec2 p0, size;
  double camX, camY, zoom;
  ImVec2 toScreen(double x, double y) const {
    return ImVec2(float(p0.x + size.x / 2 + (x - camX) * zoom),
                  float(p0.y + size.y / 2 + (y - camY) * zoom));
  }
  double worldX(float sx) const { return camX + (sx - p0.x - size.x / 2) / zoom; }
  double worldY(float sy) const { return camY + (sy - p0.y - size.y / 2) / zoom; }
};

void GraphCanvas::reset() {
  buildJob.reset();
  layoutJob.reset();
  modelGraph.reset();
  laidOut.reset();
  index.reset();
  expanded.clear();
  foldRepeats = true;
  generation = ~0u;
  selectedNode = -1;
  fitWanted = true;
  problem.clear();
  anchor.reset();
  centreOnOp.reset();
}

void GraphCanvas::startBuild(App &app) {
  Document *doc = app.document();
  reset();
  generation = doc->generation();
  index = doc->index();
  cache = std::make_shared<ViewLayoutCache>();
  buildResult = std::make_shared<std::optional<ModelGraph>>();
  jobError = std::make_shared<std::string>();
  auto result = buildResult;
  auto error = jobError;
  auto model = index;
  jobStart = std::chrono::steady_clock::now();
  buildJob = Job::start("grouping the graph", [model, result, error](Job &job) {
    GraphOptions options;
    options.progress = job.reporter();
    auto g = ModelGraph::build(*model, options);
    if (!g)
      *error = llvm::toString(g.takeError());
    else
      *result = std::move(*g);
  });
}

void GraphCanvas::startLayout(App &app) {
  (void)app;
  relayoutWanted = false;
  auto graph = modelGraph;
  auto open = expanded;
  bool fold = foldRepeats;
  auto layoutCache = cache;
  layoutResult = std::make_shared<std::optional<GraphView>>();
  auto result = layoutResult;
  auto error = jobError;
  jobStart = std::chrono::steady_clock::now();
  layoutJob = Job::start("laying out the graph", [=](Job &job) {
    ViewOptions options;
    options.expand = [&open](uint32_t group, unsigned) { return open.count(group) > 0; };
    options.cache = layoutCache.get();
    options.foldRepeats = fold;
    // A run stays folded except around the members the user opened.
    options.unfold = [&open](uint32_t group) { return open.count(group) > 0; };
    options.layout.progress = job.reporter();
    auto v = layoutView(*graph, ModelGraph::kRoot, options);
    if (!v)
      *error = llvm::toString(v.takeError());
    else
      *result = std::move(*v);
  });
}

void GraphCanvas::setExpanded(uint32_t group, bool open) {
  if (!modelGraph || group >= modelGraph->groups().size())
    return;
  if (open)
    expanded.insert(group);
  else
    expanded.erase(group);
  relayoutWanted = true;
}

void GraphCanvas::toggle(uint32_t group) {
  setExpanded(group, !expanded.count(group));
}

void GraphCanvas::expandAll() {
  if (!modelGraph)
    return;
  for (uint32_t g = 0; g < modelGraph->groups().size(); ++g)
    expanded.insert(g);
  relayoutWanted = true;
  fitWanted = true;
}

std::string GraphCanvas::writeLayoutGraphs(const std::string &dotPath) {
  if (!modelGraph)
    return "error: no graph";
  FILE *out = fopen(dotPath.c_str(), "w");
  if (!out)
    return "error: cannot write " + dotPath;
  size_t groups = 0, nodes = 0, edges = 0;
  uint64_t crossings = 0;
  double ms = 0;
  ViewOptions options;
  options.foldRepeats = foldRepeats;
  options.expand = [this](uint32_t group, unsigned) { return expanded.count(group) > 0; };
  options.unfold = [this](uint32_t group) { return expanded.count(group) > 0; };
  options.inspect = [&](uint32_t group, const LayoutGraph &lg, const LayoutResult &laid) {
    ++groups;
    nodes += lg.nodes.size();
    edges += lg.edges.size();
    crossings += laid.crossings;
    double best = 1e300;
    for (int i = 0; i < 3; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      auto again = layoutGraph(lg, options.layout);
      best = std::min(best, std::chrono::duration<double, std::milli>(
                                std::chrono::steady_clock::now() - t0)
                                .count());
      if (!again)
        llvm::consumeError(again.takeError());
    }
    ms += best;
    // Sizes in inches (72 points), separations as core's.
    fprintf(out, "digraph g%u {\n  nodesep=%.4f;\n  ranksep=%.4f;\n"
                 "  node [shape=box, fixedsize=true, label=\"\"];\n",
            group, options.layout.nodeSeparation / 72, options.layout.layerSeparation / 72);
    for (size_t v = 0; v < lg.nodes.size(); ++v)
      fprintf(out, "  n%zu [width=%.4f, height=%.4f];\n", v, lg.nodes[v].width / 72,
              lg.nodes[v].height / 72);
    for (const LayoutEdge &e : lg.edges)
      fprintf(out, "  n%u -> n%u;\n", e.from, e.to);
    fprintf(out, "}\n");
  };
  auto v = layoutView(*modelGraph, ModelGraph::kRoot, options);
  bool ok = fclose(out) == 0;
  if (!v)
    return "error: " + llvm::toString(v.takeError());
  if (!ok)
    return "error: cannot write " + dotPath;
  char line[256];
  snprintf(line, sizeof line,
           "%zu groups, %zu nodes, %zu edges; core's layout %.2f ms, %llu crossings", groups,
           nodes, edges, ms, (unsigned long long)crossings);
  return line;
}

void GraphCanvas::reveal(uint32_t op) {
  if (!modelGraph || op >= modelGraph->model().ops.size())
    return;
  // Opened groups split out of their runs; the rest stay folded.
  for (uint32_t g = modelGraph->parentGroupOf(op); g != kNone;
       g = modelGraph->group(g).parent)
    expanded.insert(g);
  relayoutWanted = true;
  centreOnOp = op;
}

bool GraphCanvas::click(App &app, const std::string &label) {
  if (!laidOut)
    return false;
  for (size_t i = 0; i < laidOut->nodes.size(); ++i) {
    const ViewNode &n = laidOut->nodes[i];
    // A folded run ("layer_0..layer_79 x 80") answers to its first group's
    // own label.
    bool folded = n.repeats > 1 && n.ref.isGroup && modelGraph &&
                  modelGraph->group(n.ref.id).label == label;
    if (n.label != label && n.weight != label && !folded)
      continue;
    selectedNode = int(i);
    if (n.ref.isGroup) {
      anchor = n.ref;
      if (n.repeats > 1) {
        setExpanded(n.ref.id, true);
      } else {
        toggle(n.ref.id);
      }
    } else {
      app.selectOp(n.ref.id, /*fromGraph=*/true);
    }
    return true;
  }
  return false;
}

void GraphCanvas::poll(App &app) {
  Document *doc = app.document();
  if (!doc || !doc->index()) {
    if (generation != ~0u)
      reset();
    return;
  }
  if (generation != doc->generation())
    startBuild(app);
  auto msSince = [](std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t)
        .count();
  };
  if (buildJob && buildJob->finished()) {
    buildJob.reset();
    lastBuildMs = msSince(jobStart);
    if (!*buildResult) {
      problem = *jobError;
      return;
    }
    modelGraph = std::make_shared<ModelGraph>(std::move(**buildResult));
    buildResult.reset();
    // Open the module, functions, and lone scopes down from the root.
    for (uint32_t g : defaultOpenGroups(*modelGraph))
      expanded.insert(g);
    relayoutWanted = true;
    if (app.selectedOp() != ~0u)
      reveal(app.selectedOp());
  }
  if (layoutJob && layoutJob->finished()) {
    layoutJob.reset();
    lastLayoutMs = msSince(jobStart);
    if (!*layoutResult) {
      problem = *jobError;
    } else {
      // Keep the anchor node's place on screen (or its world position).
      std::optional<LayoutPoint> before;
      if (anchor && laidOut)
        for (const ViewNode &n : laidOut->nodes)
          if (n.ref == *anchor) {
            before = LayoutPoint{n.x, n.y};
            break;
          }
      laidOut = std::make_shared<const GraphView>(std::move(**layoutResult));
      selectedNode = -1;
      if (before)
        for (size_t i = 0; i < laidOut->nodes.size(); ++i)
          if (laidOut->nodes[i].ref == *anchor) {
            const ViewNode &n = laidOut->nodes[i];
            camX += n.x - before->x;
            camY += n.y - before->y;
            // The group grew from its corner: bring all of it into view,
            // centred when it fits at this zoom, else from its top-left.
            double margin = 24 / zoom;
            double halfW = canvasW / 2 / zoom, halfH = canvasH / 2 / zoom;
            if (n.width * zoom < canvasW - 48)
              camX = n.x + n.width / 2;
            else
              camX = n.x - margin + halfW;
            if (n.height * zoom < canvasH - 48)
              camY = n.y + n.height / 2;
            else
              camY = n.y - margin + halfH;
            selectedNode = int(i);
            break;
          }
      anchor.reset();
      if (app.selectedOp() != ~0u)
        for (size_t i = 0; i < laidOut->nodes.size(); ++i)
          if (!laidOut->nodes[i].ref.isGroup && laidOut->nodes[i].ref.id == app.selectedOp())
            selectedNode = int(i);
      if (centreOnOp && selectedNode >= 0) {
        const ViewNode &n = laidOut->nodes[size_t(selectedNode)];
        camX = n.x + n.width / 2;
        camY = n.y + n.height / 2;
        zoom = std::max(zoom, 0.8);
      }
      centreOnOp.reset();
    }
  }
  if (relayoutWanted && modelGraph && !layoutJob)
    startLayout(app);
}

int GraphCanvas::hitTest(double wx, double wy) const {
  if (!laidOut)
    return -1;
  // Containers come before their content: the last hit is the innermost.
  int hit = -1;
  for (size_t i = 0; i < laidOut->nodes.size(); ++i) {
    const ViewNode &n = laidOut->nodes[i];
    if (wx >= n.x && wx <= n.x + n.width && wy >= n.y && wy <= n.y + n.height)
      hit = int(i);
  }
  return hit;
}

void GraphCanvas::drawMinimap(App &app, const CanvasFrame &f) {
  (void)app;
  const LayoutBounds &b = laidOut->bounds;
  double bw = std::max(1.0, b.maxX - b.minX), bh = std::max(1.0, b.maxY - b.minY);
  float mw = ImGui::GetFontSize() * 12, mh = ImGui::GetFontSize() * 9;
  double s = std::min(mw / bw, mh / bh);
  mw = float(bw * s);
  mh = float(bh * s);
  ImVec2 m0(f.p0.x + f.size.x - mw - 10, f.p0.y + f.size.y - mh - 10);
  ImDrawList *dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(ImVec2(m0.x - 4, m0.y - 4), ImVec2(m0.x + mw + 4, m0.y + mh + 4),
                    IM_COL32(15, 15, 18, 220), 3);
  auto map = [&](double x, double y) {
    return ImVec2(m0.x + float((x - b.minX) * s), m0.y + float((y - b.minY) * s));
  };
  size_t drawn = 0;
  for (const ViewNode &n : laidOut->nodes) {
    // Top-level boxes and open groups' direct children; small ones skipped.
    if (n.width * s < 1 && n.height * s < 1)
      continue;
    if (++drawn > 20000)
      break;
    dl->AddRectFilled(map(n.x, n.y), map(n.x + n.width, n.y + n.height),
                      n.ref.isGroup ? (n.expanded ? IM_COL32(50, 60, 80, 255) : kGroupFill)
                                    : (n.weight.empty() ? kOpBorder : kWeightBorder));
  }
  // The visible rectangle.
  ImVec2 v0 = map(f.worldX(f.p0.x), f.worldY(f.p0.y));
  ImVec2 v1 = map(f.worldX(f.p0.x + f.size.x), f.worldY(f.p0.y + f.size.y));
  dl->PushClipRect(ImVec2(m0.x - 4, m0.y - 4), ImVec2(m0.x + mw + 4, m0.y + mh + 4), true);
  dl->AddRect(v0, v1, IM_COL32(255, 255, 255, 220), 0, 0, 1.5f);
  dl->PopClipRect();
  // Click or drag on the minimap moves the camera there.
  ImGuiIO &io = ImGui::GetIO();
  if (ImGui::IsMouseHoveringRect(m0, ImVec2(m0.x + mw, m0.y + mh)) &&
      ImGui::IsMouseDown(0) && ImGui::IsWindowHovered()) {
    camX = b.minX + (io.MousePos.x - m0.x) / s;
    camY = b.minY + (io.MousePos.y - m0.y) / s;
  }
}

void GraphCanvas::drawCanvas(App &app) {
  auto t0 = std::chrono::steady_clock::now();
  const GraphView &v = *laidOut;
  CanvasFrame f;
  f.p0 = ImGui::GetCursorScreenPos();
  f.size = ImGui::GetContentRegionAvail();
  if (f.size.x < 50 || f.size.y < 50)
    return;
  canvasW = f.size.x;
  canvasH = f.size.y;
  if (fitWanted) {
    fitWanted = false;
    double bw = std::max(1.0, v.bounds.maxX - v.bounds.minX);
    double bh = std::max(1.0, v.bounds.maxY - v.bounds.minY);
    zoom = std::min(f.size.x / bw, f.size.y / bh) * 0.92;
    zoom = std::clamp(zoom, 1e-6, 2.0);
    camX = (v.bounds.minX + v.bounds.maxX) / 2;
    camY = (v.bounds.minY + v.bounds.maxY) / 2;
  }
  ImGui::InvisibleButton("canvas", f.size,
                         ImGuiButtonFlags_MouseButtonLeft | ImGuiButtonFlags_MouseButtonRight |
                             ImGuiButtonFlags_MouseButtonMiddle);
  bool hovered = ImGui::IsItemHovered();
  ImGuiIO &io = ImGui::GetIO();
  f.camX = camX;
  f.camY = camY;
  f.zoom = zoom;
  bool overMinimap = false;
  {
    const LayoutBounds &b = v.bounds;
    double bw = std::max(1.0, b.maxX - b.minX), bh = std::max(1.0, b.maxY - b.minY);
    float mw = ImGui::GetFontSize() * 12, mh = ImGui::GetFontSize() * 9;
    double s = std::min(mw / bw, mh / bh);
    ImVec2 m0(f.p0.x + f.size.x - float(bw * s) - 10, f.p0.y + f.size.y - float(bh * s) - 10);
    overMinimap = io.MousePos.x >= m0.x && io.MousePos.y >= m0.y &&
                  io.MousePos.x <= f.p0.x + f.size.x && io.MousePos.y <= f.p0.y + f.size.y;
  }

  // Pan by dragging, zoom around the cursor.
  if (hovered && io.MouseWheel != 0) {
    double wx = f.worldX(io.MousePos.x), wy = f.worldY(io.MousePos.y);
    zoom = std::clamp(zoom * std::pow(1.2, io.MouseWheel), 1e-7, 8.0);
    camX = wx - (io.MousePos.x - f.p0.x - f.size.x / 2) / zoom;
    camY = wy - (io.MousePos.y - f.p0.y - f.size.y / 2) / zoom;
  }
  if (ImGui::IsItemActive() && !overMinimap &&
      (ImGui::IsMouseDragging(0, 3) || ImGui::IsMouseDragging(1) || ImGui::IsMouseDragging(2))) {
    camX -= io.MouseDelta.x / zoom;
    camY -= io.MouseDelta.y / zoom;
  }
  if (hovered && !overMinimap && ImGui::IsMouseReleased(0) &&
      io.MouseDragMaxDistanceSqr[0] < 9) {
    int hit = hitTest(f.worldX(io.MousePos.x), f.worldY(io.MousePos.y));
    if (hit >= 0) {
      const ViewNode &n = v.nodes[size_t(hit)];
      selectedNode = hit;
      if (n.ref.isGroup) {
        // Collapsed: open it. Open: a click on its header closes it.
        bool onHeader = f.worldY(io.MousePos.y) < n.y + 24;
        if (n.repeats > 1) {
          // A folded run splits around its first member, opened.
          anchor = n.ref;
          setExpanded(n.ref.id, true);
        } else if (!n.expanded || onHeader) {
          anchor = n.ref;
          toggle(n.ref.id);
        }
      } else {
        app.selectOp(n.ref.id, /*fromGraph=*/true);
      }
    } else {
      selectedNode = -1;
    }
  }
  if (hovered && ImGui::IsMouseDoubleClicked(0)) {
    int hit = hitTest(f.worldX(io.MousePos.x), f.worldY(io.MousePos.y));
    if (hit >= 0) {
      const ViewNode &n = v.nodes[size_t(hit)];
      uint32_t w = kNone;
      if (!n.weight.empty()) {
        w = app.document()->findWeight(n.weight);
      } else if (!n.ref.isGroup) {
        // An op holding an inline weight (a constant) opens it too.
        const std::vector<Weight> &all = app.document()->index()->weights;
        for (uint32_t i = 0; i < all.size() && w == kNone; ++i)
          if (all[i].op == n.ref.id)
            w = i;
      }
      if (w != kNone)
        app.openWeight(w);
    }
  }
  if (hovered && !io.WantTextInput && ImGui::IsKeyPressed('F', false))
    fitWanted = true;
  f.camX = camX;
  f.camY = camY;
  f.zoom = zoom;

  ImDrawList *dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(f.p0, ImVec2(f.p0.x + f.size.x, f.p0.y + f.size.y), true);
  dl->AddRectFilled(f.p0, ImVec2(f.p0.x + f.size.x, f.p0.y + f.size.y), IM_COL32(22, 23, 27, 255));
  double vx0 = f.worldX(f.p0.x), vy0 = f.worldY(f.p0.y);
  double vx1 = f.worldX(f.p0.x + f.size.x), vy1 = f.worldY(f.p0.y + f.size.y);
  auto visible = [&](double x0, double y0, double x1, double y1) {
    return x1 >= vx0 && x0 <= vx1 && y1 >= vy0 && y0 <= vy1;
  };
  ImFont *mono = app.monoFont();
  float textSize = float(12 * zoom);
  bool legible = textSize >= 6;
  drawnNodes = 0;

  // Boxes, outermost first.
  for (size_t i = 0; i < v.nodes.size(); ++i) {
    const ViewNode &n = v.nodes[i];
    if (!visible(n.x, n.y, n.x + n.width, n.y + n.height))
      continue;
    ImVec2 a = f.toScreen(n.x, n.y), b = f.toScreen(n.x + n.width, n.y + n.height);
    ++drawnNodes;
    ImU32 fill, border;
    if (n.ref.isGroup) {
      fill = n.expanded ? kOpenFill : n.repeats > 1 ? kRepeatFill : kGroupFill;
      border = kGroupBorder;
    } else if (!n.weight.empty()) {
      fill = kWeightFill;
      border = kWeightBorder;
    } else {
      fill = kOpFill;
      border = kOpBorder;
    }
    if (b.y - a.y < 3 || b.x - a.x < 3) {
      // Level of detail: a few pixels is a plain rectangle.
      dl->AddRectFilled(a, ImVec2(std::max(b.x, a.x + 1), std::max(b.y, a.y + 1)),
                        n.expanded ? border : fill);
      continue;
    }
    float rounding = n.ref.isGroup ? float(6 * zoom) : float(3 * zoom);
    dl->AddRectFilled(a, b, fill, std::min(rounding, 8.f));
    bool selected = int(i) == selectedNode ||
                    (!n.ref.isGroup && n.ref.id == app.selectedOp());
    dl->AddRect(a, b, selected ? kSelected : border, std::min(rounding, 8.f), 0,
                selected ? 2.5f : 1.f);
    if (n.repeats > 1 && !n.expanded) {
      // A folded run: a second box behind suggests the stack.
      float o = float(std::min(4.0, 4 * zoom));
      dl->AddRect(ImVec2(a.x + o, a.y + o), ImVec2(b.x + o, b.y + o), border, 4.f);
    }
    if (legible) {
      const std::string &label = n.label; // "layer_0 × 80" when folded
      float pad = float(8 * zoom);
      ImVec4 clip(a.x, a.y, b.x, b.y);
      dl->AddText(mono, textSize, ImVec2(a.x + pad, a.y + float(4 * zoom)), kText,
                  label.c_str(), nullptr, 0, &clip);
      if (!n.expanded && !n.detail.empty())
        dl->AddText(mono, textSize * 0.9f, ImVec2(a.x + pad, a.y + float(20 * zoom)),
                    kDetailText, n.detail.c_str(), nullptr, 0, &clip);
    }
  }
  // Edges, over the boxes; the selection's edges highlighted.
  for (const ViewEdge &e : v.edges) {
    if (e.points.size() < 2)
      continue;
    double x0 = e.points[0].x, x1 = x0, y0 = e.points[0].y, y1 = y0;
    for (const LayoutPoint &p : e.points) {
      x0 = std::min(x0, p.x);
      x1 = std::max(x1, p.x);
      y0 = std::min(y0, p.y);
      y1 = std::max(y1, p.y);
    }
    if (!visible(x0, y0, x1, y1))
      continue;
    bool hot = selectedNode >= 0 && (int(e.from) == selectedNode || int(e.to) == selectedNode);
    ImU32 color = hot ? kSelected : kEdge;
    float width = hot ? 2.5f : (e.count > 1 ? 1.6f : 1.f);
    ImVec2 prev = f.toScreen(e.points[0].x, e.points[0].y);
    for (size_t k = 1; k < e.points.size(); ++k) {
      ImVec2 p = f.toScreen(e.points[k].x, e.points[k].y);
      dl->AddLine(prev, p, color, width);
      prev = p;
    }
    // Arrow head at the target.
    if (zoom > 0.25 && e.points.size() >= 2) {
      ImVec2 a = f.toScreen(e.points[e.points.size() - 2].x, e.points[e.points.size() - 2].y);
      ImVec2 b = prev;
      float dx = b.x - a.x, dy = b.y - a.y, len = std::sqrt(dx * dx + dy * dy);
      if (len > 1) {
        dx /= len;
        dy /= len;
        float s = float(std::min(8.0, 8 * zoom));
        dl->AddTriangleFilled(b, ImVec2(b.x - dx * s - dy * s * 0.5f, b.y - dy * s + dx * s * 0.5f),
                              ImVec2(b.x - dx * s + dy * s * 0.5f, b.y - dy * s - dx * s * 0.5f), color);
      }
    }
  }
  dl->PopClipRect();

  // Hover: what is under the cursor.
  if (hovered && !overMinimap && !ImGui::IsMouseDown(0)) {
    int hit = hitTest(f.worldX(io.MousePos.x), f.worldY(io.MousePos.y));
    if (hit >= 0) {
      const ViewNode &n = v.nodes[size_t(hit)];
      ImGui::BeginTooltip();
      ImGui::TextUnformatted(n.label.c_str());
      if (n.repeats > 1)
        ImGui::TextDisabled("%u repeats of one structure, folded", n.repeats);
      if (!n.detail.empty())
        ImGui::TextDisabled("%s", n.detail.c_str());
      if (!n.weight.empty())
        ImGui::TextDisabled("weight %s (double-click to inspect)", n.weight.c_str());
      if (n.ref.isGroup)
        ImGui::TextDisabled(n.expanded ? "click the header to close" : "click to open");
      ImGui::EndTooltip();
    }
  }
  drawMinimap(app, f);
  lastFrameMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

void GraphCanvas::draw(App &app) {
  Document *doc = app.document();
  if (!doc || !doc->index()) {
    ImGui::TextDisabled("Open a model to see its graph.");
    return;
  }
  // Toolbar.
  if (ImGui::Button("Fit"))
    fitWanted = true;
  ImGui::SameLine();
  if (ImGui::Button("Collapse all") && modelGraph) {
    expanded.clear();
    expanded.insert(ModelGraph::kRoot);
    foldRepeats = true;
    relayoutWanted = true;
    fitWanted = true;
  }
  ImGui::SameLine();
  if (ImGui::Checkbox("fold repeats", &foldRepeats))
    relayoutWanted = true;
  ImGui::SameLine();
  std::shared_ptr<Job> job = buildJob ? buildJob : layoutJob;
  if (job) {
    ImGui::ProgressBar(job->fraction(), ImVec2(ImGui::GetFontSize() * 10, 0));
    ImGui::SameLine();
    ImGui::TextUnformatted(job->label().c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton("cancel"))
      job->requestCancel();
  } else if (laidOut) {
    ImGui::TextDisabled("%s nodes, %s edges, %zu drawn, zoom %.3g, %.1f ms",
                        formatCount(laidOut->nodes.size()).c_str(),
                        formatCount(laidOut->edges.size()).c_str(), drawnNodes, zoom,
                        lastFrameMs);
  }
  if (!problem.empty())
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", problem.c_str());
  if (!laidOut) {
    if (!job)
      ImGui::TextDisabled("(no graph)");
    return;
  }
  drawCanvas(app);
}

} // namespace mlirscope::view
