//===- TensorInspector.cpp - The tensor tabs and their shared state -------===//
//
// The tab bar, each tab's header and layout, and what every view of a tab
// shares: the WeightView, the slice (two drawn axes, the others fixed) and its
// geometry. The views themselves live in TensorTable.cpp, TensorHeatmap.cpp,
// TensorStats.cpp and TensorEdit.cpp.
//
//===----------------------------------------------------------------------===//

#include "TensorInspector.h"

#include "App.h"
#include "Format.h"

#include "mlirscope/Edit/Editor.h"
#include "mlirscope/Support/Format.h"

#include <imgui.h>

#include <algorithm>

namespace mlirscope::view {

TensorInspector::~TensorInspector() { closeAll(); }

void TensorInspector::closeAll() {
  for (TensorTab &t : tabs)
    releaseTextures(t);
  tabs.clear();
  current = pendingFocus = nullptr;
}

bool TensorInspector::busy() const {
  for (const TensorTab &t : tabs)
    if (t.statsJob || t.heatJob || t.tileWanted)
      return true;
  return false;
}

uint64_t TensorInspector::sliceRows(const TensorTab &tab) const {
  return tab.rowAxis >= 0 ? uint64_t(tab.view->getShape()[tab.rowAxis]) : 1;
}
uint64_t TensorInspector::sliceCols(const TensorTab &tab) const {
  return tab.colAxis >= 0 ? uint64_t(tab.view->getShape()[tab.colAxis]) : 1;
}

uint64_t TensorInspector::flatIndex(const TensorTab &tab, uint64_t row,
                                    uint64_t col) const {
  llvm::ArrayRef<int64_t> shape = tab.view->getShape();
  uint64_t flat = 0;
  for (size_t i = 0; i < shape.size(); ++i) {
    uint64_t at = int(i) == tab.rowAxis   ? row
                  : int(i) == tab.colAxis ? col
                                          : uint64_t(tab.fixed[i]);
    flat = flat * uint64_t(shape[i]) + at;
  }
  return flat;
}

bool TensorInspector::refreshView(App &app, TensorTab &tab) {
  Document *doc = app.document();
  if (!doc || !doc->index())
    return false;
  if (tab.generation == doc->generation())
    return tab.view.has_value();
  // A new index (first open, or after a save): a new view; the same name.
  uint32_t r = tab.generation == ~0u ? tab.weight : doc->findWeight(tab.key);
  tab.generation = doc->generation();
  tab.weight = r;
  tab.view.reset();
  tab.stats.reset();
  tab.statsJob.reset();
  tab.heatJob.reset();
  tab.heatKey.clear();
  auto v = doc->view(r);
  if (!v) {
    tab.viewError = llvm::toString(v.takeError());
    tab.editBlocked = tab.viewError;
    return false;
  }
  tab.viewError.clear();
  tab.editBlocked.clear();
  if (auto e = canEditInPlace(*v))
    tab.editBlocked = llvm::toString(std::move(e));
  bool first = !tab.view && tab.fixed.empty();
  tab.view = std::move(*v);
  size_t rank = tab.view->getShape().size();
  if (first || tab.fixed.size() != rank) {
    tab.fixed.assign(rank, 0);
    tab.rowAxis = rank >= 2 ? int(rank) - 2 : rank == 1 ? 0 : -1;
    tab.colAxis = rank >= 2 ? int(rank) - 1 : -1;
    tab.viewRow0 = tab.viewCol0 = 0;
    tab.viewRows = double(sliceRows(tab));
    tab.viewCols = double(sliceCols(tab));
  }
  startStats(app, tab);
  return true;
}

void TensorInspector::open(App &app, uint32_t r) {
  Document *doc = app.document();
  if (!doc || !doc->index() || r >= doc->index()->weights.size())
    return;
  for (TensorTab &t : tabs)
    if (t.weight == r && t.generation == doc->generation()) {
      current = pendingFocus = &t;
      return;
    }
  tabs.emplace_back();
  TensorTab &tab = tabs.back();
  tab.weight = r;
  tab.key = doc->index()->weights[r].name;
  refreshView(app, tab);
  current = pendingFocus = &tab;
}

void TensorInspector::setAxes(App &app, int rowAxis, int colAxis) {
  if (!current || !current->view)
    return;
  int rank = int(current->view->getShape().size());
  if (rowAxis >= rank || colAxis >= rank ||
      (rowAxis == colAxis && rowAxis >= 0))
    return;
  current->rowAxis = rowAxis;
  current->colAxis = colAxis;
  current->topRow = current->leftCol = 0;
  current->anchorRow = current->anchorCol = current->cursorRow =
      current->cursorCol = 0;
  current->viewRow0 = current->viewCol0 = 0;
  current->viewRows = double(sliceRows(*current));
  current->viewCols = double(sliceCols(*current));
  (void)app;
}

void TensorInspector::setFixed(App &app, int axis, int64_t index) {
  (void)app;
  if (!current || !current->view || axis < 0 ||
      axis >= int(current->fixed.size()))
    return;
  current->fixed[size_t(axis)] = std::clamp<int64_t>(
      index, 0, current->view->getShape()[size_t(axis)] - 1);
}

void TensorInspector::drawHeader(App &app, TensorTab &tab) {
  const WeightView &v = *tab.view;
  const Weight &w = v.getWeight();
  ImGui::Text("%s", tab.key.c_str());
  ImGui::SameLine();
  ImGui::TextColored(ImVec4(0.5f, 0.8f, 1, 1), "%s",
                     describeType(v.getDType(), v.getShape()).c_str());
  ImGui::SameLine();
  // Where the bytes are: the model file, or a bound archive.
  std::string where =
      w.kind == WeightKind::Parameter ? " in " + v.getSource().getName() : "";
  ImGui::TextDisabled(
      "%s elements, %s, %s %s%s at byte %llu%s", formatCount(v.size()).c_str(),
      formatBytes(v.sizeInBytes()).c_str(),
      weightKindName(w.kind).str().c_str(),
      weightEncodingName(w.encoding).str().c_str(), where.c_str(),
      (unsigned long long)w.offset, w.splat ? " (splat)" : "");
  const ModelIndex &index = *app.document()->index();
  if (w.op < index.ops.size()) {
    ImGui::SameLine();
    std::string label = "held by " + index.getOpName(index.ops[w.op]).str() +
                        " #" + std::to_string(w.op);
    if (ImGui::SmallButton(label.c_str()))
      app.selectOp(w.op);
  }
  if (app.document()->edits().touches(tab.weight)) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), "edited (unsaved)");
  }
  // Axes: which two are drawn, and where the others are fixed.
  size_t rank = v.getShape().size();
  if (rank >= 2) {
    auto axisCombo = [&](const char *label, int &axis, int other) {
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 4);
      std::string preview = std::to_string(axis);
      if (ImGui::BeginCombo(label, preview.c_str())) {
        for (int a = 0; a < int(rank); ++a)
          if (a != other &&
              ImGui::Selectable(std::to_string(a).c_str(), a == axis)) {
            int rowAxis = label[0] == 'r' ? a : tab.rowAxis;
            int colAxis = label[0] == 'r' ? tab.colAxis : a;
            setAxes(app, rowAxis, colAxis);
          }
        ImGui::EndCombo();
      }
    };
    axisCombo("rows axis", tab.rowAxis, tab.colAxis);
    ImGui::SameLine();
    axisCombo("columns axis", tab.colAxis, tab.rowAxis);
    for (size_t a = 0; a < rank; ++a) {
      if (int(a) == tab.rowAxis || int(a) == tab.colAxis)
        continue;
      ImGui::SameLine();
      ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
      int64_t lo = 0, hi = v.getShape()[a] - 1;
      std::string label = "axis " + std::to_string(a);
      ImGui::SliderScalar(label.c_str(), ImGuiDataType_S64, &tab.fixed[a], &lo,
                          &hi);
    }
  }
}

void TensorInspector::drawTab(App &app, TensorTab &tab) {
  if (!refreshView(app, tab)) {
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s: %s", tab.key.c_str(),
                       tab.viewError.c_str());
    return;
  }
  drawHeader(app, tab);
  float side = ImGui::GetFontSize() * 19;
  ImGui::BeginChild("main", ImVec2(-side, 0), false,
                    ImGuiWindowFlags_NoScrollbar |
                        ImGuiWindowFlags_NoScrollWithMouse);
  if (ImGui::BeginTabBar("views")) {
    const char *names[] = {"Values", "Heatmap"};
    for (int i = 0; i < 2; ++i) {
      TensorMode mode = TensorMode(i);
      ImGuiTabItemFlags flags =
          tab.pendingMode == mode ? ImGuiTabItemFlags_SetSelected : 0;
      if (ImGui::BeginTabItem(names[i], nullptr, flags)) {
        tab.mode = mode;
        if (mode == TensorMode::Values)
          drawTable(app, tab);
        else
          drawHeatmap(app, tab);
        ImGui::EndTabItem();
      }
    }
    tab.pendingMode.reset();
    ImGui::EndTabBar();
  }
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("side", ImVec2(0, 0), true);
  drawStats(app, tab);
  drawEditTools(app, tab);
  ImGui::EndChild();
}

void TensorInspector::drawTabs(App &app, bool focusCurrent) {
  for (auto it = tabs.begin(); it != tabs.end();) {
    TensorTab &tab = *it;
    pollStats(app, tab);
    pollHeatmap(tab);
    bool open = true;
    ImGuiTabItemFlags flags = 0;
    if (focusCurrent && pendingFocus == &tab)
      flags |= ImGuiTabItemFlags_SetSelected;
    if (app.document() && app.document()->edits().touches(tab.weight))
      flags |= ImGuiTabItemFlags_UnsavedDocument;
    std::string label = tab.key + "###tensor" + std::to_string(uintptr_t(&tab));
    if (ImGui::BeginTabItem(label.c_str(), &open, flags)) {
      current = &tab;
      drawTab(app, tab);
      ImGui::EndTabItem();
    }
    if (!open) {
      releaseTextures(tab);
      if (current == &tab)
        current = nullptr;
      if (pendingFocus == &tab)
        pendingFocus = nullptr;
      it = tabs.erase(it);
      continue;
    }
    ++it;
  }
  if (focusCurrent)
    pendingFocus = nullptr;
}

} // namespace mlirscope::view
