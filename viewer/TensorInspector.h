//===- TensorInspector.h - Weights: values, heatmap, edits ------*- C++ -*-===//
//
// One tab per open weight, of any kind (a resource blob, an inline
// attribute, a bound parameter: WeightView reads them all). The value table
// reads only the cells on screen (64-bit row and column positions of its own,
// so a 2^40-row tensor scrolls like a small one); statistics and heatmap
// pooling run as Jobs. Edits go through Document (the overlay), never straight
// to the file, and only into weights core can rewrite in place
// (canEditInPlace); the others show why.
//
// One class, its members in a file per job: TensorInspector.cpp (the tabs
// and the slice they share), TensorTable.cpp, TensorHeatmap.cpp,
// TensorStats.cpp and TensorEdit.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_VIEWER_TENSORINSPECTOR_H
#define MLIRSCOPE_VIEWER_TENSORINSPECTOR_H

#include "EditStack.h"
#include "Job.h"

#include "mlirscope/Blob/BlobStats.h"
#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Blob/Heatmap.h"

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mlirscope::view {

class App;

/// What the main area of a tab shows, in the order of its view tabs.
enum class TensorMode : uint8_t { Values, Heatmap };

/// Which pooled statistic colours a heatmap cell, in the order of the "cell
/// value" combo.
enum class HeatmapStat : uint8_t { Mean, Min, Max, AbsMax };

struct TensorTab {
  /// Index into ModelIndex::weights, and the weight's name (which finds it
  /// again in the index a save makes).
  uint32_t weight = ~0u;
  std::string key;
  /// "" when the weight takes edits, else why not (canEditInPlace).
  std::string editBlocked;
  unsigned generation = ~0u;
  std::optional<WeightView> view;
  std::string viewError;
  /// The drawn slice: rows along rowAxis, columns along colAxis (-1: one).
  int rowAxis = -1, colAxis = -1;
  std::vector<int64_t> fixed;
  TensorMode mode = TensorMode::Values;
  /// Selected on the next frame: ImGui only switches tabs while drawing them.
  std::optional<TensorMode> pendingMode;

  // Statistics (of the file's bytes).
  std::shared_ptr<Job> statsJob;
  std::shared_ptr<std::optional<BlobStats>> statsResult;
  std::shared_ptr<std::string> statsErrorSlot;
  std::optional<BlobStats> stats;
  std::string statsError;

  // Value table: our own 64-bit scroll position and selection.
  uint64_t topRow = 0, leftCol = 0;
  uint64_t anchorRow = 0, anchorCol = 0, cursorRow = 0, cursorCol = 0;
  bool editing = false, focusEdit = false, scrollToCursor = false;
  char editBuffer[128] = "";
  std::string editError;

  // Heatmap: the whole slice, and the zoomed-in tile re-pooled on zoom.
  struct Pooled {
    Heatmap map;
    unsigned texture = 0;
    /// What the texture shows; none until the first upload.
    std::optional<HeatmapStat> stat;
  };
  std::shared_ptr<Job> heatJob;
  std::shared_ptr<std::optional<Heatmap>> heatResult;
  bool heatIsTile = false;
  std::optional<Pooled> full, tile;
  std::string heatKey; ///< what `full` was pooled for
  std::string heatError;
  /// What the cells are coloured by.
  HeatmapStat stat = HeatmapStat::Mean;
  /// The visible rectangle in slice coordinates.
  double viewRow0 = 0, viewCol0 = 0, viewRows = 0, viewCols = 0;
  double lastViewChange = 0;
  bool tileWanted = false;
  /// When the running pool started; how long the last one took (ms).
  double heatStartedAt = 0, lastPoolMs = 0;
};

class TensorInspector {
public:
  ~TensorInspector();
  /// Opens (or brings forward) the tab of weight `w`.
  void open(App &app, uint32_t w);
  /// Emits one tab item per open tensor into the current tab bar.
  void drawTabs(App &app, bool focusCurrent);
  void closeAll();
  uint32_t currentWeight() const { return current ? current->weight : ~0u; }
  TensorTab *currentTab() { return current; }
  bool busy() const;

  // The actions the UI performs, for scripts as well; each applies to the
  // current tab.

  // The slice and the view (TensorInspector.cpp).
  void setAxes(App &app, int rowAxis, int colAxis);
  void setFixed(App &app, int axis, int64_t index);
  void showMode(TensorMode mode) {
    if (current)
      current->pendingMode = mode;
  }
  /// Flat index of slice cell (row, col) of `tab`.
  uint64_t flatIndex(const TensorTab &tab, uint64_t row, uint64_t col) const;
  uint64_t sliceRows(const TensorTab &tab) const;
  uint64_t sliceCols(const TensorTab &tab) const;

  // The value table (TensorTable.cpp).
  /// Scrolls so (row, col) of the slice is at the top left and selects it.
  void gotoCell(uint64_t row, uint64_t col);
  void select(uint64_t r0, uint64_t c0, uint64_t r1, uint64_t c1);
  /// The current value of a flat element (with unsaved edits), formatted.
  std::string valueAt(App &app, uint64_t flat, bool precise);

  // The heatmap (TensorHeatmap.cpp).
  void setStat(HeatmapStat stat);
  /// Zooms the heatmap to a rectangle of the slice (re-pooled).
  void zoomHeatmap(double row0, double col0, double rows, double cols);

  // Edits (TensorEdit.cpp).
  /// Types `text` into cell (row, col); "" or why it was refused.
  std::string commitCell(App &app, uint64_t row, uint64_t col,
                         const std::string &text);
  std::string fillSelection(App &app, const std::string &text);
  std::string scaleSelection(App &app, double factor);

private:
  // The tabs (TensorInspector.cpp).
  void drawTab(App &app, TensorTab &tab);
  void drawHeader(App &app, TensorTab &tab);
  /// Follows the document to a new index (a save); false if no view.
  bool refreshView(App &app, TensorTab &tab);

  // The value table (TensorTable.cpp).
  void drawTable(App &app, TensorTab &tab);

  // The heatmap (TensorHeatmap.cpp).
  void drawHeatmap(App &app, TensorTab &tab);
  void startPool(App &app, TensorTab &tab, bool tile);
  void pollHeatmap(TensorTab &tab);
  void upload(TensorTab::Pooled &p, HeatmapStat stat);
  /// Here rather than in closeAll and the tab bar: only this file speaks GL.
  void releaseTextures(TensorTab &tab);

  // Statistics and histogram (TensorStats.cpp).
  void drawStats(App &app, TensorTab &tab);
  void startStats(App &app, TensorTab &tab);
  void pollStats(App &app, TensorTab &tab);

  // Edit tools (TensorEdit.cpp).
  void drawEditTools(App &app, TensorTab &tab);
  /// The selection as [first, last) runs of flat indices.
  std::vector<std::pair<uint64_t, uint64_t>>
  selectionRuns(const TensorTab &tab) const;

  /// A list: `current` and `pendingFocus` stay valid as other tabs close.
  std::list<TensorTab> tabs;
  TensorTab *current = nullptr;
  TensorTab *pendingFocus = nullptr;
};

} // namespace mlirscope::view

#endif // MLIRSCOPE_VIEWER_TENSORINSPECTOR_H
