//===- GraphCanvas.h - The model's graph, drawn with ImDrawList -*- C++ -*-===//
//
// Core groups the ops (ModelGraph) and lays out one view (layoutView, with a
// per-group cache); this panel keeps only view state: which groups are open,
// the camera (double world coordinates), the selection. Building the graph
// and every re-layout run as Jobs; the canvas keeps drawing the previous
// view meanwhile. Drawing culls to the visible rectangle and drops detail
// with zoom: text only when legible, plain rectangles below a few pixels.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_VIEWER_GRAPHCANVAS_H
#define MLIRSCOPE_VIEWER_GRAPHCANVAS_H

#include "Job.h"

#include "mlirscope/Graph/Graph.h"
#include "mlirscope/Graph/GraphView.h"

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>

namespace mlirscope::view {

class App;

class GraphCanvas {
public:
  void draw(App &app);
  /// Picks up finished jobs and starts pending ones; called every frame,
  /// whether or not the canvas is on screen.
  void poll(App &app);
  void reset();
  bool busy() const { return bool(buildJob) || bool(layoutJob) || relayoutWanted; }

  // Actions, for the mouse and for scripts.
  /// Opens or closes a group and lays the view out again.
  void toggle(uint32_t group);
  void setExpanded(uint32_t group, bool open);
  /// Opens every group on the way to op `op` and centres it once laid out.
  void reveal(uint32_t op);
  /// Clicks the first node labelled `label`, or the weight with that key
  /// (a group toggles, an op is selected). Returns false when no node has that label.
  bool click(App &app, const std::string &label);
  void fit() { fitWanted = true; }
  void zoomBy(double factor) { zoom *= factor; }

  const ModelGraph *graph() const { return modelGraph.get(); }
  const GraphView *view() const { return laidOut.get(); }
  size_t expandedCount() const { return expanded.size(); }
  const std::string &error() const { return problem; }
  /// Opens every group (for benchmarks: the whole model laid out).
  void expandAll();
  /// For benchmarks, on the UI thread: lays out the current view again and
  /// writes each group's graph to `dotPath` (one digraph per group, sizes and
  /// separations as core's layout uses them) for Graphviz dot; returns a
  /// line with the groups, nodes, edges, core's layout time (the best of 3
  /// per group) and crossings, or an error.
  std::string writeLayoutGraphs(const std::string &dotPath);
  /// How long the last grouping and layout took, in ms.
  double buildMs() const { return lastBuildMs; }
  double layoutMs() const { return lastLayoutMs; }
  size_t nodesDrawn() const { return drawnNodes; }

private:
  void startBuild(App &app);
  void startLayout(App &app);
  void drawCanvas(App &app);
  void drawMinimap(App &app, const struct CanvasFrame &f);
  int hitTest(double wx, double wy) const;

  unsigned generation = ~0u;
  std::shared_ptr<ModelIndex> index;
  std::shared_ptr<ModelGraph> modelGraph;
  std::shared_ptr<ViewLayoutCache> cache;
  std::shared_ptr<const GraphView> laidOut;
  std::set<uint32_t> expanded;
  /// Fold runs of repeated groups ("layer_0..layer_79 x 80"). An open
  /// group stands out of its run, which stays folded around it.
  bool foldRepeats = true;
  std::shared_ptr<Job> buildJob, layoutJob;
  std::shared_ptr<std::optional<ModelGraph>> buildResult;
  std::shared_ptr<std::optional<GraphView>> layoutResult;
  std::shared_ptr<std::string> jobError;
  bool relayoutWanted = false;
  std::string problem;

  // Camera: the world point at the canvas centre, and pixels per unit.
  double camX = 0, camY = 0, zoom = 1;
  bool fitWanted = true;
  /// Keep this node where it was on screen across a re-layout.
  std::optional<GraphNodeRef> anchor;
  std::optional<uint32_t> centreOnOp;
  int selectedNode = -1;
  /// The canvas size in pixels at the last frame (for re-centring).
  float canvasW = 800, canvasH = 600;
  double lastFrameMs = 0, lastBuildMs = 0, lastLayoutMs = 0;
  std::chrono::steady_clock::time_point jobStart;
  size_t drawnNodes = 0;
};

} // namespace mlirscope::view

#endif
