//===- TensorStats.cpp - Statistics and histogram of a tensor tab ---------===//
//
// Of the file's bytes as saved, without the unsaved edits: core computes them
// (through the document's StatsCache) in a Job when the tab opens and after
// each save.
//
//===----------------------------------------------------------------------===//

#include "TensorInspector.h"

#include "App.h"
#include "Format.h"

#include "mlirscope/Support/FaultGuard.h"
#include "mlirscope/Support/Format.h"

#include <imgui.h>

#include <algorithm>

namespace mlirscope::view {

void TensorInspector::startStats(App &app, TensorTab &tab) {
  if (!tab.view)
    return;
  Document *doc = app.document();
  auto index = doc->index();
  WeightView view = *tab.view;
  auto result = std::make_shared<std::optional<BlobStats>>();
  auto error = std::make_shared<std::string>();
  tab.statsResult = result;
  tab.statsErrorSlot = error;
  StatsCache *cache = &doc->statsCache();
  tab.statsJob = Job::start("statistics of " + tab.key, [=](Job &job) {
    if (auto e = checkUnchanged(*index->file)) {
      *error = llvm::toString(std::move(e));
      return;
    }
    bool faulted = runGuarded([&] {
      StatsOptions options;
      options.bins = 64;
      options.progress = job.reporter();
      auto s = cache->get(*index, view, options);
      if (!s)
        *error = llvm::toString(s.takeError());
      else
        *result = std::move(*s);
    });
    if (faulted) {
      result->reset();
      *error = describeFault() + ": the file changed on disk; reopen it";
    }
  });
}

void TensorInspector::pollStats(App &app, TensorTab &tab) {
  if (tab.statsJob && tab.statsJob->finished()) {
    tab.statsJob.reset();
    tab.stats = std::move(*tab.statsResult);
    tab.statsError = *tab.statsErrorSlot;
    if (!tab.statsError.empty())
      app.setStatus(tab.key + ": " + tab.statsError, true);
  }
}

void TensorInspector::drawStats(App &app, TensorTab &tab) {
  ImGui::TextUnformatted("Statistics");
  if (tab.statsJob) {
    ImGui::ProgressBar(tab.statsJob->fraction(),
                       ImVec2(-ImGui::GetFontSize() * 5, 0));
    ImGui::SameLine();
    if (ImGui::SmallButton("cancel"))
      tab.statsJob->requestCancel();
    return;
  }
  if (!tab.stats) {
    if (!tab.statsError.empty())
      ImGui::TextWrapped("%s", tab.statsError.c_str());
    if (ImGui::SmallButton("compute"))
      startStats(app, tab);
    return;
  }
  const BlobStats &s = *tab.stats;
  if (ImGui::BeginTable("stats", 2, ImGuiTableFlags_SizingFixedFit)) {
    auto row = [](const char *k, const std::string &v,
                  ImVec4 color = ImVec4(1, 1, 1, 1)) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", k);
      ImGui::TableNextColumn();
      ImGui::TextColored(color, "%s", v.c_str());
    };
    row("min", formatDouble(s.min));
    row("max", formatDouble(s.max));
    row("mean", formatDouble(s.mean));
    row("std", formatDouble(s.stddev));
    row("zeros", formatCount(s.zeros));
    ImVec4 warn(1, 0.4f, 1, 1), plain(1, 1, 1, 1);
    row("NaN", formatCount(s.nans), s.nans ? warn : plain);
    row("+Inf / -Inf", formatCount(s.posInfs) + " / " + formatCount(s.negInfs),
        s.posInfs || s.negInfs ? warn : plain);
    ImGui::EndTable();
  }
  if (!s.histogram.empty()) {
    std::vector<float> h(s.histogram.begin(), s.histogram.end());
    float maxCount = *std::max_element(h.begin(), h.end());
    ImGui::PlotHistogram(
        "##hist", h.data(), int(h.size()), 0, nullptr, 0, maxCount,
        ImVec2(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 6));
    ImGui::TextDisabled("%s", formatDouble(s.min).c_str());
    ImGui::SameLine(ImGui::GetContentRegionAvail().x -
                    ImGui::CalcTextSize(formatDouble(s.max).c_str()).x);
    ImGui::TextDisabled("%s", formatDouble(s.max).c_str());
  }
  if (app.document()->edits().touches(tab.weight))
    ImGui::TextWrapped(
        "(of the file as saved: unsaved edits are not included)");
}

} // namespace mlirscope::view
