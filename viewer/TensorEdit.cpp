//===- TensorEdit.cpp - Edit tools of a tensor tab ------------------------===//
//
// Every edit goes through Document, onto the unsaved-edit overlay; nothing
// here writes the file.
//
//===----------------------------------------------------------------------===//

#include "TensorInspector.h"

#include "App.h"

#include "mlirscope/Support/Format.h"

#include <imgui.h>

#include <algorithm>

namespace mlirscope::view {

std::vector<std::pair<uint64_t, uint64_t>>
TensorInspector::selectionRuns(const TensorTab &t) const {
  uint64_t r0 = std::min(t.anchorRow, t.cursorRow),
           r1 = std::max(t.anchorRow, t.cursorRow);
  uint64_t c0 = std::min(t.anchorCol, t.cursorCol),
           c1 = std::max(t.anchorCol, t.cursorCol);
  std::vector<std::pair<uint64_t, uint64_t>> runs;
  bool contiguous = t.colAxis == int(t.view->getShape().size()) - 1;
  for (uint64_t r = r0; r <= r1; ++r) {
    if (contiguous || t.colAxis < 0) {
      uint64_t f = flatIndex(t, r, c0);
      runs.push_back({f, f + (c1 - c0) + 1});
    } else {
      for (uint64_t c = c0; c <= c1; ++c) {
        uint64_t f = flatIndex(t, r, c);
        runs.push_back({f, f + 1});
      }
    }
  }
  return runs;
}

std::string TensorInspector::commitCell(App &app, uint64_t row, uint64_t col,
                                        const std::string &text) {
  if (!current || !current->view)
    return "no tensor open";
  TensorTab &t = *current;
  if (row >= sliceRows(t) || col >= sliceCols(t))
    return "cell out of range";
  std::string error =
      app.document()->setElement(t.weight, flatIndex(t, row, col), text);
  t.editError = error;
  if (error.empty())
    app.setStatus("set " + t.key + "[" + std::to_string(row) + ", " +
                  std::to_string(col) +
                  "] = " + valueAt(app, flatIndex(t, row, col), true));
  else
    app.setStatus(error, true);
  return error;
}

std::string TensorInspector::fillSelection(App &app, const std::string &text) {
  if (!current || !current->view)
    return "no tensor open";
  std::string error =
      app.document()->fill(current->weight, selectionRuns(*current), text);
  app.setStatus(error.empty() ? app.document()->edits().actions().back().label
                              : error,
                !error.empty());
  return error;
}

std::string TensorInspector::scaleSelection(App &app, double factor) {
  if (!current || !current->view)
    return "no tensor open";
  std::string error =
      app.document()->scale(current->weight, selectionRuns(*current), factor);
  app.setStatus(error.empty() ? app.document()->edits().actions().back().label
                              : error,
                !error.empty());
  return error;
}

void TensorInspector::drawEditTools(App &app, TensorTab &tab) {
  ImGui::Separator();
  ImGui::TextUnformatted("Edit");
  // Weights core cannot rewrite in place (literal lists, splats, packed
  // bits, archive entries) keep their tools, disabled, under the reason.
  bool blocked = !tab.editBlocked.empty();
  if (blocked) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.8f, 0.3f, 1));
    ImGui::TextWrapped("read-only: %s", tab.editBlocked.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::BeginDisabled(blocked);
  uint64_t r0 = std::min(tab.anchorRow, tab.cursorRow),
           r1 = std::max(tab.anchorRow, tab.cursorRow);
  uint64_t c0 = std::min(tab.anchorCol, tab.cursorCol),
           c1 = std::max(tab.anchorCol, tab.cursorCol);
  ImGui::TextDisabled("selection: rows %llu..%llu, cols %llu..%llu (%s cells)",
                      (unsigned long long)r0, (unsigned long long)r1,
                      (unsigned long long)c0, (unsigned long long)c1,
                      formatCount((r1 - r0 + 1) * (c1 - c0 + 1)).c_str());
  static char fillText[64] = "0";
  static double factor = 0.5;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  ImGui::InputText("##fill", fillText, sizeof fillText);
  ImGui::SameLine();
  if (ImGui::Button("Fill"))
    fillSelection(app, fillText);
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
  ImGui::InputDouble("##scale", &factor, 0, 0, "%g");
  ImGui::SameLine();
  if (ImGui::Button("Scale"))
    scaleSelection(app, factor);
  if (ImGui::Button("Replace from .npy...")) {
    uint32_t r = tab.weight;
    App *a = &app;
    app.fileBrowser().open(
        "Replace from .npy", app.settings().browserDir, false, {".npy"},
        [a, r](const std::string &path) {
          std::string e = a->document()->replaceFromNpy(r, path);
          a->setStatus(e.empty() ? "replaced from " + path : e, !e.empty());
        });
  }
  ImGui::EndDisabled();
  // Export reads, so every weight has it.
  ImGui::SameLine();
  if (ImGui::Button("Export .npy...")) {
    uint32_t r = tab.weight;
    App *a = &app;
    std::string name = tab.key;
    std::replace(name.begin(), name.end(), '/', '_');
    app.fileBrowser().open(
        "Export .npy", app.settings().browserDir, true, {".npy"},
        [a, r](const std::string &path) { a->document()->exportNpy(r, path); },
        name + ".npy");
  }
  // A refused edit of a read-only weight repeats the reason shown above.
  if (!tab.editError.empty() && tab.editError != tab.editBlocked) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.4f, 0.4f, 1));
    ImGui::TextWrapped("%s", tab.editError.c_str());
    ImGui::PopStyleColor();
  }
}

} // namespace mlirscope::view
