//===- TensorHeatmap.cpp - The heatmap of a tensor tab --------------------===//
//
// Core pools the slice (a Job); we colour the pooled cells into a texture.
// The whole slice is pooled once per slice and edit version; zooming in
// re-pools only the visible tile, drawn over the whole.
//
//===----------------------------------------------------------------------===//

#include "TensorInspector.h"

#include "App.h"
#include "Format.h"

#include "mlirscope/Support/FaultGuard.h"

#include "llvm/Support/ErrorHandling.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>

namespace mlirscope::view {

namespace {

/// Indexed by HeatmapStat.
const char *kStatNames[] = {"mean", "min", "max", "abs max"};

const std::vector<float> &valuesOf(const Heatmap &h, HeatmapStat stat) {
  switch (stat) {
  case HeatmapStat::Mean:
    return h.mean;
  case HeatmapStat::Min:
    return h.min;
  case HeatmapStat::Max:
    return h.max;
  case HeatmapStat::AbsMax:
    return h.absMax;
  }
  llvm_unreachable("unknown HeatmapStat");
}

/// Diverging blue-white-red for data around zero (t in [-1, 1]); a
/// perceptual ramp (dark blue, teal, yellow) for one-signed data (t in
/// [0, 1]).
ImU32 colormap(double t, bool symmetric) {
  auto mix = [](float a, float b, float f) { return a + (b - a) * f; };
  float r, g, b;
  if (symmetric) {
    float f = float(std::clamp(t, -1.0, 1.0));
    if (f < 0) {
      r = mix(1, 0.13f, -f);
      g = mix(1, 0.32f, -f);
      b = mix(1, 0.78f, -f);
    } else {
      r = mix(1, 0.80f, f);
      g = mix(1, 0.10f, f);
      b = mix(1, 0.12f, f);
    }
  } else {
    static const float stops[5][3] = {{0.27f, 0.00f, 0.33f},
                                      {0.23f, 0.32f, 0.55f},
                                      {0.13f, 0.57f, 0.55f},
                                      {0.37f, 0.79f, 0.38f},
                                      {0.99f, 0.91f, 0.15f}};
    float f = float(std::clamp(t, 0.0, 1.0)) * 4;
    int i = std::min(3, int(f));
    float k = f - float(i);
    r = mix(stops[i][0], stops[i + 1][0], k);
    g = mix(stops[i][1], stops[i + 1][1], k);
    b = mix(stops[i][2], stops[i + 1][2], k);
  }
  return IM_COL32(int(r * 255), int(g * 255), int(b * 255), 255);
}

const ImU32 kNaNColor = IM_COL32(255, 0, 255, 255);
const ImU32 kPosInfColor = IM_COL32(0, 255, 0, 255);
const ImU32 kNegInfColor = IM_COL32(0, 255, 255, 255);

std::string heatKeyFor(const TensorTab &tab, const EditStack &edits) {
  std::string k =
      std::to_string(tab.generation) + ":" +
      std::to_string(edits.touches(tab.weight) ? edits.version() : 0) + ":" +
      std::to_string(tab.rowAxis) + "," + std::to_string(tab.colAxis);
  for (int64_t f : tab.fixed)
    k += "," + std::to_string(f);
  return k;
}

} // namespace

void TensorInspector::releaseTextures(TensorTab &tab) {
  if (tab.full && tab.full->texture)
    glDeleteTextures(1, &tab.full->texture);
  if (tab.tile && tab.tile->texture)
    glDeleteTextures(1, &tab.tile->texture);
}

void TensorInspector::startPool(App &app, TensorTab &tab, bool tile) {
  if (!tab.view)
    return;
  auto index = app.document()->index();
  WeightView view = *tab.view;
  HeatmapRequest req;
  req.rowAxis = tab.rowAxis;
  req.colAxis = tab.colAxis;
  if (req.colAxis < 0 && req.rowAxis >= 0) {
    // A vector: one row of cells.
    req.colAxis = req.rowAxis;
    req.rowAxis = -1;
  }
  req.fixed = tab.fixed;
  if (tile) {
    bool vector = tab.colAxis < 0;
    double r0 = std::floor(std::max(0.0, vector ? 0 : tab.viewRow0));
    double c0 = std::floor(std::max(0.0, vector ? tab.viewRow0 : tab.viewCol0));
    req.row0 = uint64_t(r0);
    req.col0 = uint64_t(c0);
    req.rows = uint64_t(std::ceil((vector ? 1 : tab.viewRows) + 1));
    req.cols = uint64_t(std::ceil((vector ? tab.viewRows : tab.viewCols) + 1));
  }
  auto result = std::make_shared<std::optional<Heatmap>>();
  auto error = std::make_shared<std::string>();
  tab.heatResult = result;
  tab.heatIsTile = tile;
  if (!tile)
    tab.heatKey = heatKeyFor(tab, app.document()->edits());
  if (app.document()->edits().touches(tab.weight)) {
    // Pool what the table shows: the file under the unsaved edits (a copy
    // of the stack: the worker must not see later edits).
    auto edits = std::make_shared<EditStack>();
    for (const EditAction &a : app.document()->edits().actions())
      edits->push(a);
    uint32_t r = tab.weight;
    unsigned esize = dtypeSize(view.getDType());
    req.read = [view, edits, r, esize](uint64_t first, uint64_t count,
                                       uint8_t *out) {
      view.readBytes(first, count, out);
      edits->apply(r, first * esize, count * esize, out);
    };
  }
  tab.heatStartedAt = ImGui::GetTime();
  tab.heatJob = Job::start("heatmap of " + tab.key, [=](Job &job) mutable {
    if (auto e = checkUnchanged(*index->file)) {
      llvm::consumeError(std::move(e));
      return;
    }
    req.progress = job.reporter();
    bool faulted = runGuarded([&] {
      auto h = poolHeatmap(view, req);
      if (h)
        *result = std::move(*h);
      else
        llvm::consumeError(h.takeError());
    });
    if (faulted)
      result->reset();
  });
}

void TensorInspector::upload(TensorTab::Pooled &p, HeatmapStat stat) {
  const Heatmap &h = p.map;
  if (!h.width || !h.height)
    return;
  const std::vector<float> &values = valuesOf(h, stat);
  // The colour scale comes from the whole slice (full), so a tile matches.
  double lo = h.lo, hi = h.hi;
  bool symmetric = lo < 0 && hi > 0;
  double absMax = std::max(std::fabs(lo), std::fabs(hi));
  if (stat == HeatmapStat::AbsMax) {
    symmetric = false;
    lo = 0;
    hi = h.absMaxAll;
  }
  std::vector<ImU32> pixels(size_t(h.width) * h.height);
  for (size_t i = 0; i < pixels.size(); ++i) {
    uint8_t f = h.flags[i];
    double v = values[i];
    if (f & Heatmap::HasNaN)
      pixels[i] = kNaNColor;
    else if (f & Heatmap::HasPosInf)
      pixels[i] = kPosInfColor;
    else if (f & Heatmap::HasNegInf)
      pixels[i] = kNegInfColor;
    else if (std::isnan(v))
      pixels[i] = IM_COL32(40, 40, 40, 255);
    else if (symmetric)
      pixels[i] = colormap(absMax > 0 ? v / absMax : 0, true);
    else
      pixels[i] = colormap(hi > lo ? (v - lo) / (hi - lo) : 0.5, false);
  }
  if (!p.texture)
    glGenTextures(1, &p.texture);
  glBindTexture(GL_TEXTURE_2D, p.texture);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, GLsizei(h.width), GLsizei(h.height),
               0, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  p.stat = stat;
}

void TensorInspector::pollHeatmap(TensorTab &tab) {
  if (tab.heatJob && tab.heatJob->finished()) {
    tab.heatJob.reset();
    tab.lastPoolMs = (ImGui::GetTime() - tab.heatStartedAt) * 1000;
    if (*tab.heatResult) {
      TensorTab::Pooled p;
      p.map = std::move(**tab.heatResult);
      if (tab.heatIsTile && tab.full) {
        // Colour the tile on the whole slice's scale.
        p.map.lo = tab.full->map.lo;
        p.map.hi = tab.full->map.hi;
        p.map.absMaxAll = tab.full->map.absMaxAll;
      }
      std::optional<TensorTab::Pooled> &slot =
          tab.heatIsTile ? tab.tile : tab.full;
      if (slot && slot->texture)
        glDeleteTextures(1, &slot->texture);
      slot = std::move(p);
      upload(*slot, tab.stat);
      tab.heatError.clear();
    } else {
      tab.heatError =
          "the heatmap could not be pooled (cancelled, or the file changed)";
    }
  }
}

void TensorInspector::setStat(HeatmapStat stat) {
  if (current)
    current->stat = stat;
}

void TensorInspector::zoomHeatmap(double row0, double col0, double rows,
                                  double cols) {
  if (!current)
    return;
  current->viewRow0 = row0;
  current->viewCol0 = col0;
  current->viewRows = rows;
  current->viewCols = cols;
  current->tileWanted = true;
  current->lastViewChange = -1; // now
}

void TensorInspector::drawHeatmap(App &app, TensorTab &tab) {
  std::string key = heatKeyFor(tab, app.document()->edits());
  if (!tab.heatJob && tab.heatKey != key) {
    tab.tile.reset();
    startPool(app, tab, false);
  }
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  int stat = int(tab.stat);
  if (ImGui::Combo("cell value", &stat, kStatNames, 4))
    tab.stat = HeatmapStat(stat);
  ImGui::SameLine();
  if (ImGui::SmallButton("fit")) {
    tab.viewRow0 = tab.viewCol0 = 0;
    tab.viewRows = double(sliceRows(tab));
    tab.viewCols = double(sliceCols(tab));
    tab.tile.reset();
  }
  if (tab.full && tab.full->stat != tab.stat)
    upload(*tab.full, tab.stat);
  if (tab.tile && tab.tile->stat != tab.stat)
    upload(*tab.tile, tab.stat);
  if (tab.full) {
    const Heatmap &h = tab.full->map;
    ImGui::SameLine();
    ImGui::TextDisabled("%u x %u cells of %llu x %llu elements", h.height,
                        h.width, (unsigned long long)h.rowsPerCell,
                        (unsigned long long)h.colsPerCell);
  }
  if (tab.heatJob) {
    ImGui::SameLine();
    ImGui::ProgressBar(tab.heatJob->fraction(),
                       ImVec2(ImGui::GetFontSize() * 10, 0), "pooling");
  }
  if (!tab.heatError.empty())
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", tab.heatError.c_str());
  if (!tab.full)
    return;

  // The canvas: view rectangle (slice coordinates) -> screen.
  bool vector = tab.colAxis < 0;
  double sRows = vector ? 1 : double(sliceRows(tab));
  double sCols = vector ? double(sliceRows(tab)) : double(sliceCols(tab));
  if (tab.viewRows <= 0 || tab.viewCols <= 0) {
    tab.viewRows = double(sliceRows(tab));
    tab.viewCols = double(sliceCols(tab));
  }
  double vr0 = vector ? 0 : tab.viewRow0, vrows = vector ? 1 : tab.viewRows;
  double vc0 = vector ? tab.viewRow0 : tab.viewCol0;
  double vcols = vector ? tab.viewRows : tab.viewCols;
  float legendH = ImGui::GetFrameHeightWithSpacing() * 1.6f;
  ImVec2 avail = ImGui::GetContentRegionAvail();
  avail.y -= legendH;
  if (avail.x < 50 || avail.y < 50)
    return;
  // Square cells where the slice allows, else fill.
  double aspect = vcols / vrows;
  ImVec2 size = avail;
  if (aspect > 0.05 && aspect < 20) {
    if (avail.x / avail.y > aspect)
      size.x = float(avail.y * aspect);
    else
      size.y = float(avail.x / aspect);
  }
  ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("heatmap", size);
  ImDrawList *dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y),
                    IM_COL32(30, 30, 30, 255));
  dl->PushClipRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), true);
  auto toScreen = [&](double r, double c) {
    return ImVec2(p0.x + float((c - vc0) / vcols * size.x),
                  p0.y + float((r - vr0) / vrows * size.y));
  };
  auto drawPooled = [&](const TensorTab::Pooled &p) {
    const Heatmap &h = p.map;
    ImVec2 a = toScreen(double(h.row0), double(h.col0));
    // Cells cover rowsPerCell elements; the last may be partial.
    double rEnd = double(h.row0) + double(h.height) * double(h.rowsPerCell);
    double cEnd = double(h.col0) + double(h.width) * double(h.colsPerCell);
    ImVec2 b = toScreen(rEnd, cEnd);
    dl->AddImage((ImTextureID)(intptr_t)p.texture, a, b);
  };
  drawPooled(*tab.full);
  if (tab.tile)
    drawPooled(*tab.tile);
  dl->PopClipRect();

  // Zoom around the cursor, drag to pan; re-pool the visible tile once the
  // view settles.
  ImGuiIO &io = ImGui::GetIO();
  bool changed = false;
  if (ImGui::IsItemHovered()) {
    double mr = vr0 + (io.MousePos.y - p0.y) / size.y * vrows;
    double mc = vc0 + (io.MousePos.x - p0.x) / size.x * vcols;
    if (io.MouseWheel != 0) {
      double f = std::pow(0.8, io.MouseWheel);
      double nrows = std::clamp(vrows * f, 1.0, sRows),
             ncols = std::clamp(vcols * f, 1.0, sCols);
      vr0 = mr - (mr - vr0) * (nrows / vrows);
      vc0 = mc - (mc - vc0) * (ncols / vcols);
      vrows = nrows;
      vcols = ncols;
      changed = true;
    }
    if (mr >= 0 && mc >= 0 && mr < sRows && mc < sCols) {
      uint64_t r = uint64_t(mr), c = uint64_t(mc);
      const TensorTab::Pooled &p =
          tab.tile && r >= tab.tile->map.row0 && c >= tab.tile->map.col0 &&
                  r < tab.tile->map.row0 + tab.tile->map.rows &&
                  c < tab.tile->map.col0 + tab.tile->map.cols
              ? *tab.tile
              : *tab.full;
      const Heatmap &h = p.map;
      uint64_t i = (r - h.row0) / h.rowsPerCell,
               j = (c - h.col0) / h.colsPerCell;
      if (i < h.height && j < h.width) {
        size_t k = i * h.width + j;
        // The last row and column of cells may hold fewer elements.
        uint64_t firstRow = h.row0 + i * h.rowsPerCell;
        uint64_t lastRow =
            std::min(h.row0 + h.rows, firstRow + h.rowsPerCell) - 1;
        uint64_t firstCol = h.col0 + j * h.colsPerCell;
        uint64_t lastCol =
            std::min(h.col0 + h.cols, firstCol + h.colsPerCell) - 1;
        ImGui::SetTooltip(
            "rows %llu..%llu, cols %llu..%llu\n"
            "min %s  max %s\n"
            "mean %s  abs max %s%s%s%s",
            (unsigned long long)firstRow, (unsigned long long)lastRow,
            (unsigned long long)firstCol, (unsigned long long)lastCol,
            formatDouble(h.min[k]).c_str(), formatDouble(h.max[k]).c_str(),
            formatDouble(h.mean[k]).c_str(), formatDouble(h.absMax[k]).c_str(),
            h.flags[k] & Heatmap::HasNaN ? "\nNaN" : "",
            h.flags[k] & Heatmap::HasPosInf ? "\n+Inf" : "",
            h.flags[k] & Heatmap::HasNegInf ? "\n-Inf" : "");
      }
      if (ImGui::IsMouseDoubleClicked(0)) {
        // Show that element in the value table.
        gotoCell(vector ? c : r, vector ? 0 : c);
        tab.pendingMode = TensorMode::Values;
      }
    }
  }
  if (ImGui::IsItemActive() && ImGui::IsMouseDragging(0)) {
    vr0 -= io.MouseDelta.y / size.y * vrows;
    vc0 -= io.MouseDelta.x / size.x * vcols;
    changed = true;
  }
  if (changed) {
    vr0 = std::clamp(vr0, 0.0, std::max(0.0, sRows - vrows));
    vc0 = std::clamp(vc0, 0.0, std::max(0.0, sCols - vcols));
    if (vector) {
      tab.viewRow0 = vc0;
      tab.viewRows = vcols;
    } else {
      tab.viewRow0 = vr0;
      tab.viewCol0 = vc0;
      tab.viewRows = vrows;
      tab.viewCols = vcols;
    }
    tab.lastViewChange = ImGui::GetTime();
    tab.tileWanted = true;
  }
  if (tab.lastViewChange < 0)
    tab.lastViewChange = ImGui::GetTime() - 1;
  // Re-pool when the view settled, is zoomed in past the full map's
  // resolution, and no job runs.
  if (tab.tileWanted && !tab.heatJob &&
      ImGui::GetTime() - tab.lastViewChange > 0.2) {
    tab.tileWanted = false;
    const Heatmap &h = tab.full->map;
    bool coarse = double(h.rowsPerCell) > vrows / size.y * 1.5 ||
                  double(h.colsPerCell) > vcols / size.x * 1.5;
    if (coarse && (vrows < sRows || vcols < sCols))
      startPool(app, tab, true);
    else
      tab.tile.reset();
  }

  // Legend.
  const Heatmap &h = tab.full->map;
  double lo = h.lo, hi = h.hi;
  bool absMaxStat = tab.stat == HeatmapStat::AbsMax;
  bool symmetric = lo < 0 && hi > 0 && !absMaxStat;
  ImVec2 l0 = ImGui::GetCursorScreenPos();
  float lw = ImGui::GetFontSize() * 20, lh = ImGui::GetFontSize() * 0.8f;
  for (int i = 0; i < 64; ++i) {
    double t = double(i) / 63;
    ImU32 c = symmetric ? colormap(t * 2 - 1, true) : colormap(t, false);
    dl->AddRectFilled(ImVec2(l0.x + lw * float(i) / 64, l0.y),
                      ImVec2(l0.x + lw * float(i + 1) / 64, l0.y + lh), c);
  }
  ImGui::Dummy(ImVec2(lw, lh));
  double absMax = std::max(std::fabs(lo), std::fabs(hi));
  std::string left = absMaxStat  ? "0"
                     : symmetric ? formatDouble(-absMax)
                                 : formatDouble(lo);
  std::string right = absMaxStat  ? formatDouble(h.absMaxAll)
                      : symmetric ? formatDouble(absMax)
                                  : formatDouble(hi);
  ImGui::TextDisabled("%s", left.c_str());
  ImGui::SameLine(lw - ImGui::CalcTextSize(right.c_str()).x);
  ImGui::TextDisabled("%s", right.c_str());
  ImGui::SameLine(lw + ImGui::GetFontSize() * 2);
  ImGui::TextColored(ImVec4(1, 0, 1, 1), "NaN");
  ImGui::SameLine();
  ImGui::TextColored(ImVec4(0, 1, 0, 1), "+Inf");
  ImGui::SameLine();
  ImGui::TextColored(ImVec4(0, 1, 1, 1), "-Inf");
  if (app.document()->edits().touches(tab.weight)) {
    ImGui::SameLine();
    ImGui::TextDisabled("(with unsaved edits)");
  }
}

} // namespace mlirscope::view
