//===- TensorTable.cpp - The value table of a tensor tab ------------------===//
//
// Reads only the cells on screen and shows them with the unsaved edits
// applied. The scroll position is ours, in 64-bit rows and columns: ImGui
// scrolls in float pixels, which cannot reach every row of a 2^40-row tensor.
//
//===----------------------------------------------------------------------===//

#include "TensorInspector.h"

#include "App.h"
#include "Format.h"

#include "mlirscope/Support/FaultGuard.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace mlirscope::view {

void TensorInspector::gotoCell(uint64_t row, uint64_t col) {
  if (!current || !current->view)
    return;
  TensorTab &t = *current;
  row = std::min(row, sliceRows(t) - 1);
  col = std::min(col, sliceCols(t) - 1);
  t.scrollToCursor = true;
  t.anchorRow = t.cursorRow = row;
  t.anchorCol = t.cursorCol = col;
  t.editing = false;
}

void TensorInspector::select(uint64_t r0, uint64_t c0, uint64_t r1,
                             uint64_t c1) {
  if (!current || !current->view)
    return;
  TensorTab &t = *current;
  t.anchorRow = std::min(r0, sliceRows(t) - 1);
  t.anchorCol = std::min(c0, sliceCols(t) - 1);
  t.cursorRow = std::min(r1, sliceRows(t) - 1);
  t.cursorCol = std::min(c1, sliceCols(t) - 1);
  t.scrollToCursor = true;
}

std::string TensorInspector::valueAt(App &app, uint64_t flat, bool precise) {
  if (!current || !current->view)
    return "";
  uint8_t buf[16];
  app.document()->readElements(*current->view, flat, 1, buf);
  return formatElement(current->view->getDType(), buf,
                       precise ? ElementStyle::Exact : ElementStyle::Short);
}

void TensorInspector::drawTable(App &app, TensorTab &tab) {
  Document *doc = app.document();
  const WeightView &v = *tab.view;
  DType dtype = v.getDType();
  unsigned esize = dtypeSize(dtype);
  uint64_t rows = sliceRows(tab), cols = sliceCols(tab);
  if (v.size() == 0) {
    ImGui::TextDisabled("(no elements)");
    return;
  }
  ImGuiStyle &style = ImGui::GetStyle();
  ImVec2 avail = ImGui::GetContentRegionAvail();
  float rowH = ImGui::GetTextLineHeight() + style.CellPadding.y * 2;
  float scrollW = style.ScrollbarSize + style.ItemSpacing.x;
  ImGui::PushFont(app.monoFont());
  float cellW =
      ImGui::CalcTextSize(isComplex(dtype) ? "(-0.000000e+00,-0.00000e+00)"
                                           : "-0.000000e+00")
          .x +
      style.CellPadding.x * 2;
  std::string maxLabel = std::to_string(rows - 1);
  float labelW =
      ImGui::CalcTextSize(maxLabel.c_str()).x + style.CellPadding.x * 2 + 8;
  ImGui::PopFont();
  uint64_t visRows = uint64_t(
      std::max(1.f, (avail.y - rowH * 2 - style.ScrollbarSize) / rowH));
  uint64_t maxCols =
      uint64_t(std::max(1.f, (avail.x - labelW - scrollW) / cellW));
  uint64_t visCols = std::min<uint64_t>({cols, maxCols, 63});
  uint64_t maxTop = rows > visRows ? rows - visRows : 0;
  uint64_t maxLeft = cols > visCols ? cols - visCols : 0;

  if (tab.scrollToCursor) {
    // Bring the cursor into view, a few rows below the top when scrolling.
    tab.scrollToCursor = false;
    if (tab.cursorRow < tab.topRow || tab.cursorRow >= tab.topRow + visRows)
      tab.topRow = tab.cursorRow > 3 ? tab.cursorRow - 3 : 0;
    if (tab.cursorCol < tab.leftCol || tab.cursorCol >= tab.leftCol + visCols)
      tab.leftCol = tab.cursorCol > 1 ? tab.cursorCol - 1 : 0;
    tab.topRow = std::min(tab.topRow, maxTop);
    tab.leftCol = std::min(tab.leftCol, maxLeft);
  }
  // Keyboard: move the cursor, extend with shift, Enter/F2 edits.
  ImGuiIO &io = ImGui::GetIO();
  bool focused = ImGui::IsWindowFocused(ImGuiFocusedFlags_ChildWindows) &&
                 !tab.editing && !io.WantTextInput;
  if (focused) {
    auto move = [&](int64_t dr, int64_t dc) {
      int64_t r = int64_t(tab.cursorRow) + dr, c = int64_t(tab.cursorCol) + dc;
      tab.cursorRow = uint64_t(std::clamp<int64_t>(r, 0, int64_t(rows - 1)));
      tab.cursorCol = uint64_t(std::clamp<int64_t>(c, 0, int64_t(cols - 1)));
      if (!io.KeyShift) {
        tab.anchorRow = tab.cursorRow;
        tab.anchorCol = tab.cursorCol;
      }
      if (tab.cursorRow < tab.topRow)
        tab.topRow = tab.cursorRow;
      if (tab.cursorRow >= tab.topRow + visRows)
        tab.topRow = tab.cursorRow - visRows + 1;
      if (tab.cursorCol < tab.leftCol)
        tab.leftCol = tab.cursorCol;
      if (tab.cursorCol >= tab.leftCol + visCols)
        tab.leftCol = tab.cursorCol - visCols + 1;
    };
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_DownArrow)))
      move(1, 0);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_UpArrow)))
      move(-1, 0);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_RightArrow)))
      move(0, 1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_LeftArrow)))
      move(0, -1);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageDown)))
      move(int64_t(visRows), 0);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_PageUp)))
      move(-int64_t(visRows), 0);
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Enter)) ||
        ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_KeyPadEnter))) {
      if (!tab.editBlocked.empty())
        app.setStatus(tab.editBlocked, true);
      else
        tab.editing = tab.focusEdit = true;
      snprintf(tab.editBuffer, sizeof tab.editBuffer, "%s",
               valueAt(app, flatIndex(tab, tab.cursorRow, tab.cursorCol), true)
                   .c_str());
    }
  }

  ImGui::BeginGroup();
  ImVec2 tableStart = ImGui::GetCursorScreenPos();
  float tableH = rowH * float(visRows + 1) + 2;
  ImGui::PushFont(app.monoFont());
  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                          ImGuiTableFlags_SizingFixedFit |
                          ImGuiTableFlags_NoHostExtendX;
  if (ImGui::BeginTable("values", int(visCols + 1), flags,
                        ImVec2(labelW + cellW * float(visCols), tableH))) {
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed,
                            labelW - style.CellPadding.x * 2);
    for (uint64_t c = 0; c < visCols; ++c)
      ImGui::TableSetupColumn(std::to_string(tab.leftCol + c).c_str(),
                              ImGuiTableColumnFlags_WidthFixed,
                              cellW - style.CellPadding.x * 2);
    ImGui::TableHeadersRow();
    // Read the visible cells: the file's bytes, then with unsaved edits.
    std::vector<uint8_t> file(size_t(visCols) * esize),
        shown(size_t(visCols) * esize);
    bool contiguous = tab.colAxis == int(v.getShape().size()) - 1;
    uint64_t r0 = std::min(tab.anchorRow, tab.cursorRow),
             r1 = std::max(tab.anchorRow, tab.cursorRow);
    uint64_t c0 = std::min(tab.anchorCol, tab.cursorCol),
             c1 = std::max(tab.anchorCol, tab.cursorCol);
    uint32_t res = tab.weight;
    for (uint64_t i = 0; i < visRows && tab.topRow + i < rows; ++i) {
      uint64_t r = tab.topRow + i;
      uint64_t n = std::min(visCols, cols - tab.leftCol);
      bool faulted = runGuarded([&] {
        if (contiguous || tab.colAxis < 0) {
          v.readBytes(flatIndex(tab, r, tab.leftCol), n, file.data());
        } else {
          for (uint64_t c = 0; c < n; ++c)
            v.readBytes(flatIndex(tab, r, tab.leftCol + c), 1,
                        file.data() + c * esize);
        }
      });
      if (faulted) {
        std::fill(file.begin(), file.end(), 0);
        app.setStatus(describeFault() + ": the file changed on disk; reopen it",
                      true);
      }
      shown = file;
      if (contiguous || tab.colAxis < 0) {
        doc->edits().apply(res, flatIndex(tab, r, tab.leftCol) * esize,
                           n * esize, shown.data());
      } else {
        for (uint64_t c = 0; c < n; ++c)
          doc->edits().apply(res, flatIndex(tab, r, tab.leftCol + c) * esize,
                             esize, shown.data() + c * esize);
      }
      ImGui::TableNextRow(0, rowH);
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%llu", (unsigned long long)r);
      for (uint64_t c = 0; c < n; ++c) {
        ImGui::TableNextColumn();
        uint64_t col = tab.leftCol + c;
        const uint8_t *p = shown.data() + c * esize;
        bool edited = std::memcmp(p, file.data() + c * esize, esize) != 0;
        bool selected = r >= r0 && r <= r1 && col >= c0 && col <= c1;
        if (selected)
          ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg,
                                 IM_COL32(60, 90, 160, 200));
        else if (edited)
          ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg,
                                 IM_COL32(140, 110, 20, 200));
        ImGui::PushID(int(i * 64 + c));
        if (tab.editing && r == tab.cursorRow && col == tab.cursorCol) {
          if (tab.focusEdit) {
            ImGui::SetKeyboardFocusHere();
            tab.focusEdit = false;
          }
          ImGui::SetNextItemWidth(-1);
          if (ImGui::InputText("##edit", tab.editBuffer, sizeof tab.editBuffer,
                               ImGuiInputTextFlags_EnterReturnsTrue |
                                   ImGuiInputTextFlags_AutoSelectAll)) {
            if (commitCell(app, r, col, tab.editBuffer).empty())
              tab.editing = false;
          } else if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)) ||
                     (!ImGui::IsItemActive() && !tab.focusEdit &&
                      ImGui::IsMouseClicked(0) && !ImGui::IsItemHovered())) {
            tab.editing = false;
          }
        } else {
          std::string text = formatElement(dtype, p, ElementStyle::Short);
          double x = heatmapValue(dtype, p);
          ImVec4 color = std::isnan(x)   ? ImVec4(1, 0.4f, 1, 1)
                         : std::isinf(x) ? ImVec4(0.3f, 1, 0.3f, 1)
                                         : ImVec4(1, 1, 1, 1);
          ImGui::PushStyleColor(ImGuiCol_Text, color);
          if (ImGui::Selectable(text.c_str(), false,
                                ImGuiSelectableFlags_AllowDoubleClick)) {
            tab.cursorRow = r;
            tab.cursorCol = col;
            if (!io.KeyShift) {
              tab.anchorRow = r;
              tab.anchorCol = col;
            }
            if (ImGui::IsMouseDoubleClicked(0) && !tab.editBlocked.empty()) {
              app.setStatus(tab.editBlocked, true);
            } else if (ImGui::IsMouseDoubleClicked(0)) {
              tab.editing = tab.focusEdit = true;
              snprintf(tab.editBuffer, sizeof tab.editBuffer, "%s",
                       formatElement(dtype, p, ElementStyle::Exact).c_str());
            }
          }
          ImGui::PopStyleColor();
          if (ImGui::IsItemHovered())
            ImGui::SetTooltip("[%llu, %llu] flat %llu\n%s%s",
                              (unsigned long long)r, (unsigned long long)col,
                              (unsigned long long)flatIndex(tab, r, col),
                              formatElement(dtype, p, ElementStyle::Exact).c_str(),
                              edited ? "\n(edited, unsaved)" : "");
        }
        ImGui::PopID();
      }
    }
    ImGui::EndTable();
  }
  ImGui::PopFont();
  // Wheel over the table scrolls our 64-bit position.
  ImVec2 tableEnd(tableStart.x + labelW + cellW * float(visCols),
                  tableStart.y + tableH);
  if (ImGui::IsMouseHoveringRect(tableStart, tableEnd) && io.MouseWheel != 0) {
    int64_t step = int64_t(-io.MouseWheel * 3);
    if (io.KeyShift) {
      tab.leftCol = uint64_t(std::clamp<int64_t>(int64_t(tab.leftCol) + step, 0,
                                                 int64_t(maxLeft)));
    } else {
      int64_t t = int64_t(tab.topRow) + step;
      tab.topRow = uint64_t(std::clamp<int64_t>(t, 0, int64_t(maxTop)));
    }
  }
  // Our scrollbars: sliders over the whole 64-bit range.
  ImGui::SetNextItemWidth(labelW + cellW * float(visCols));
  uint64_t zero = 0;
  if (maxLeft > 0)
    ImGui::SliderScalar("##cols", ImGuiDataType_U64, &tab.leftCol, &zero,
                        &maxLeft, "column %llu");
  ImGui::EndGroup();
  if (maxTop > 0) {
    ImGui::SameLine();
    uint64_t inverted = maxTop - std::min(tab.topRow, maxTop);
    if (ImGui::VSliderScalar("##rows",
                             ImVec2(style.ScrollbarSize * 1.5f, tableH),
                             ImGuiDataType_U64, &inverted, &zero, &maxTop, ""))
      tab.topRow = maxTop - inverted;
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("row %llu of %llu", (unsigned long long)tab.topRow,
                        (unsigned long long)rows);
  }
  tab.topRow = std::min(tab.topRow, maxTop);
  tab.leftCol = std::min(tab.leftCol, maxLeft);
}

} // namespace mlirscope::view
