//===- TensorInspector.cpp - Any blob: stats, values, heatmap, edits ------===//

#include "TensorInspector.h"

#include "App.h"
#include "Format.h"

#include "mlirscope/Support/FaultGuard.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace mlirscope::view {

namespace {

const char *kStatNames[] = {"mean", "min", "max", "abs max"};

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
  std::string k = std::to_string(tab.generation) + ":" +
                  std::to_string(edits.touches(tab.resource) ? edits.version() : 0) + ":" +
                  std::to_string(tab.rowAxis) + "," + std::to_string(tab.colAxis);
  for (int64_t f : tab.fixed)
    k += "," + std::to_string(f);
  return k;
}

} // namespace

TensorInspector::~TensorInspector() { closeAll(); }

void TensorInspector::closeAll() {
  for (TensorTab &t : tabs) {
    if (t.full && t.full->texture)
      glDeleteTextures(1, &t.full->texture);
    if (t.tile && t.tile->texture)
      glDeleteTextures(1, &t.tile->texture);
  }
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
  // A new index (first open, or after a save): a new view; the same key.
  uint32_t r = tab.generation == ~0u ? tab.resource : doc->findResource(tab.key);
  tab.generation = doc->generation();
  tab.resource = r;
  tab.view.reset();
  tab.stats.reset();
  tab.statsJob.reset();
  tab.heatJob.reset();
  tab.heatKey.clear();
  auto v = doc->view(r);
  if (!v) {
    tab.viewError = llvm::toString(v.takeError());
    return false;
  }
  tab.viewError.clear();
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
  if (!doc || !doc->index() || r >= doc->index()->resources.size())
    return;
  for (TensorTab &t : tabs)
    if (t.resource == r && t.generation == doc->generation()) {
      current = pendingFocus = &t;
      return;
    }
  tabs.emplace_back();
  TensorTab &tab = tabs.back();
  tab.resource = r;
  tab.key = doc->index()->resources[r].key;
  refreshView(app, tab);
  current = pendingFocus = &tab;
}

void TensorInspector::startStats(App &app, TensorTab &tab) {
  if (!tab.view)
    return;
  Document *doc = app.document();
  auto index = doc->index();
  BlobView view = *tab.view;
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

void TensorInspector::startPool(App &app, TensorTab &tab, bool tile) {
  if (!tab.view)
    return;
  auto index = app.document()->index();
  BlobView view = *tab.view;
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
  if (app.document()->edits().touches(tab.resource)) {
    // Pool what the table shows: the file under the unsaved edits (a copy
    // of the stack: the worker must not see later edits).
    auto edits = std::make_shared<EditStack>();
    for (const EditAction &a : app.document()->edits().actions())
      edits->push(a);
    uint32_t r = tab.resource;
    unsigned esize = dtypeSize(view.getDType());
    req.read = [view, edits, r, esize](uint64_t first, uint64_t count, uint8_t *out) {
      view.readBytes(first, count, out);
      edits->apply(r, first * esize, count * esize, out);
    };
  }
  std::string *errorOut = &tab.heatError;
  (void)errorOut;
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

void TensorInspector::upload(TensorTab::Pooled &p, int stat) {
  const Heatmap &h = p.map;
  if (!h.width || !h.height)
    return;
  const std::vector<float> &values =
      stat == 1 ? h.min : stat == 2 ? h.max : stat == 3 ? h.absMax : h.mean;
  // The colour scale comes from the whole slice (full), so a tile matches.
  double lo = h.lo, hi = h.hi;
  bool symmetric = lo < 0 && hi > 0;
  double absMax = std::max(std::fabs(lo), std::fabs(hi));
  if (stat == 3) {
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
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, GLsizei(h.width), GLsizei(h.height), 0,
               GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
  p.stat = stat;
}

void TensorInspector::pollJobs(App &app, TensorTab &tab) {
  if (tab.statsJob && tab.statsJob->finished()) {
    tab.statsJob.reset();
    tab.stats = std::move(*tab.statsResult);
    tab.statsError = *tab.statsErrorSlot;
    if (!tab.statsError.empty())
      app.setStatus(tab.key + ": " + tab.statsError, true);
  }
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
      std::optional<TensorTab::Pooled> &slot = tab.heatIsTile ? tab.tile : tab.full;
      if (slot && slot->texture)
        glDeleteTextures(1, &slot->texture);
      slot = std::move(p);
      upload(*slot, tab.stat);
      tab.heatError.clear();
    } else {
      tab.heatError = "the heatmap could not be pooled (cancelled, or the file changed)";
    }
  }
}

void TensorInspector::setAxes(App &app, int rowAxis, int colAxis) {
  if (!current || !current->view)
    return;
  int rank = int(current->view->getShape().size());
  if (rowAxis >= rank || colAxis >= rank || (rowAxis == colAxis && rowAxis >= 0))
    return;
  current->rowAxis = rowAxis;
  current->colAxis = colAxis;
  current->topRow = current->leftCol = 0;
  current->anchorRow = current->anchorCol = current->cursorRow = current->cursorCol = 0;
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
  current->fixed[size_t(axis)] =
      std::clamp<int64_t>(index, 0, current->view->getShape()[size_t(axis)] - 1);
}

void TensorInspector::setStat(int stat) {
  if (current)
    current->stat = std::clamp(stat, 0, 3);
}

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

void TensorInspector::select(uint64_t r0, uint64_t c0, uint64_t r1, uint64_t c1) {
  if (!current || !current->view)
    return;
  TensorTab &t = *current;
  t.anchorRow = std::min(r0, sliceRows(t) - 1);
  t.anchorCol = std::min(c0, sliceCols(t) - 1);
  t.cursorRow = std::min(r1, sliceRows(t) - 1);
  t.cursorCol = std::min(c1, sliceCols(t) - 1);
  t.scrollToCursor = true;
}

std::vector<std::pair<uint64_t, uint64_t>>
TensorInspector::selectionRuns(const TensorTab &t) const {
  uint64_t r0 = std::min(t.anchorRow, t.cursorRow), r1 = std::max(t.anchorRow, t.cursorRow);
  uint64_t c0 = std::min(t.anchorCol, t.cursorCol), c1 = std::max(t.anchorCol, t.cursorCol);
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
      app.document()->setElement(t.resource, flatIndex(t, row, col), text);
  t.editError = error;
  if (error.empty())
    app.setStatus("set " + t.key + "[" + std::to_string(row) + ", " +
                  std::to_string(col) + "] = " +
                  valueAt(app, flatIndex(t, row, col), true));
  else
    app.setStatus(error, true);
  return error;
}

std::string TensorInspector::fillSelection(App &app, const std::string &text) {
  if (!current || !current->view)
    return "no tensor open";
  std::string error = app.document()->fill(current->resource, selectionRuns(*current), text);
  app.setStatus(error.empty() ? app.document()->edits().actions().back().label : error,
                !error.empty());
  return error;
}

std::string TensorInspector::scaleSelection(App &app, double factor) {
  if (!current || !current->view)
    return "no tensor open";
  std::string error =
      app.document()->scale(current->resource, selectionRuns(*current), factor);
  app.setStatus(error.empty() ? app.document()->edits().actions().back().label : error,
                !error.empty());
  return error;
}

std::string TensorInspector::valueAt(App &app, uint64_t flat, bool precise) {
  if (!current || !current->view)
    return "";
  uint8_t buf[16];
  app.document()->readElements(*current->view, flat, 1, buf);
  return formatElement(current->view->getDType(), buf, precise);
}

void TensorInspector::zoomHeatmap(double row0, double col0, double rows, double cols) {
  if (!current)
    return;
  current->viewRow0 = row0;
  current->viewCol0 = col0;
  current->viewRows = rows;
  current->viewCols = cols;
  current->tileWanted = true;
  current->lastViewChange = -1; // now
}

void TensorInspector::drawHeader(App &app, TensorTab &tab) {
  const BlobView &v = *tab.view;
  const Resource &r = v.getResource();
  ImGui::Text("%s", tab.key.c_str());
  ImGui::SameLine();
  ImGui::TextColored(ImVec4(0.5f, 0.8f, 1, 1), "%s",
                     describeType(v.getDType(), v.getShape()).c_str());
  ImGui::SameLine();
  ImGui::TextDisabled("%s elements, %s at byte %llu%s, %u reference(s)",
                      formatCount(v.size()).c_str(), formatBytes(v.sizeInBytes()).c_str(),
                      (unsigned long long)r.dataOffset,
                      r.isHexText ? " (hex text)" : "", r.numReferences);
  if (app.document()->edits().touches(tab.resource)) {
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
          if (a != other && ImGui::Selectable(std::to_string(a).c_str(), a == axis)) {
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
      ImGui::SliderScalar(label.c_str(), ImGuiDataType_S64, &tab.fixed[a], &lo, &hi);
    }
  }
}

void TensorInspector::drawStats(App &app, TensorTab &tab) {
  (void)app;
  ImGui::TextUnformatted("Statistics");
  if (tab.statsJob) {
    ImGui::ProgressBar(tab.statsJob->fraction(), ImVec2(-ImGui::GetFontSize() * 5, 0));
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
    auto row = [](const char *k, const std::string &v, ImVec4 color = ImVec4(1, 1, 1, 1)) {
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
    ImGui::PlotHistogram("##hist", h.data(), int(h.size()), 0, nullptr, 0, maxCount,
                         ImVec2(ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 6));
    ImGui::TextDisabled("%s", formatDouble(s.min).c_str());
    ImGui::SameLine(ImGui::GetContentRegionAvail().x -
                    ImGui::CalcTextSize(formatDouble(s.max).c_str()).x);
    ImGui::TextDisabled("%s", formatDouble(s.max).c_str());
  }
  if (app.document()->edits().touches(tab.resource))
    ImGui::TextWrapped("(of the file as saved: unsaved edits are not included)");
}

void TensorInspector::drawEditTools(App &app, TensorTab &tab) {
  ImGui::Separator();
  ImGui::TextUnformatted("Edit");
  uint64_t r0 = std::min(tab.anchorRow, tab.cursorRow), r1 = std::max(tab.anchorRow, tab.cursorRow);
  uint64_t c0 = std::min(tab.anchorCol, tab.cursorCol), c1 = std::max(tab.anchorCol, tab.cursorCol);
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
    uint32_t r = tab.resource;
    App *a = &app;
    app.fileBrowser().open("Replace from .npy", app.settings().browserDir, false,
                           {".npy"}, [a, r](const std::string &path) {
                             std::string e = a->document()->replaceFromNpy(r, path);
                             a->setStatus(e.empty() ? "replaced from " + path : e, !e.empty());
                           });
  }
  ImGui::SameLine();
  if (ImGui::Button("Export .npy...")) {
    uint32_t r = tab.resource;
    App *a = &app;
    std::string name = tab.key;
    std::replace(name.begin(), name.end(), '/', '_');
    app.fileBrowser().open("Export .npy", app.settings().browserDir, true, {".npy"},
                           [a, r](const std::string &path) {
                             a->document()->exportNpy(r, path);
                           },
                           name + ".npy");
  }
  if (!tab.editError.empty())
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", tab.editError.c_str());
}

void TensorInspector::drawTable(App &app, TensorTab &tab) {
  Document *doc = app.document();
  const BlobView &v = *tab.view;
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
  float cellW = ImGui::CalcTextSize(isComplex(dtype) ? "(-0.000000e+00,-0.00000e+00)"
                                                     : "-0.000000e+00")
                    .x +
                style.CellPadding.x * 2;
  std::string maxLabel = std::to_string(rows - 1);
  float labelW = ImGui::CalcTextSize(maxLabel.c_str()).x + style.CellPadding.x * 2 + 8;
  ImGui::PopFont();
  uint64_t visRows = uint64_t(std::max(1.f, (avail.y - rowH * 2 - style.ScrollbarSize) / rowH));
  uint64_t maxCols = uint64_t(std::max(1.f, (avail.x - labelW - scrollW) / cellW));
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
      tab.editing = tab.focusEdit = true;
      snprintf(tab.editBuffer, sizeof tab.editBuffer, "%s",
               valueAt(app, flatIndex(tab, tab.cursorRow, tab.cursorCol), true).c_str());
    }
  }

  ImGui::BeginGroup();
  ImVec2 tableStart = ImGui::GetCursorScreenPos();
  float tableH = rowH * float(visRows + 1) + 2;
  ImGui::PushFont(app.monoFont());
  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg |
                          ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_NoHostExtendX;
  if (ImGui::BeginTable("values", int(visCols + 1), flags,
                        ImVec2(labelW + cellW * float(visCols), tableH))) {
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, labelW - style.CellPadding.x * 2);
    for (uint64_t c = 0; c < visCols; ++c)
      ImGui::TableSetupColumn(std::to_string(tab.leftCol + c).c_str(),
                              ImGuiTableColumnFlags_WidthFixed, cellW - style.CellPadding.x * 2);
    ImGui::TableHeadersRow();
    // Read the visible cells: the file's bytes, then with unsaved edits.
    std::vector<uint8_t> file(size_t(visCols) * esize), shown(size_t(visCols) * esize);
    bool contiguous = tab.colAxis == int(v.getShape().size()) - 1;
    uint64_t r0 = std::min(tab.anchorRow, tab.cursorRow), r1 = std::max(tab.anchorRow, tab.cursorRow);
    uint64_t c0 = std::min(tab.anchorCol, tab.cursorCol), c1 = std::max(tab.anchorCol, tab.cursorCol);
    uint32_t res = tab.resource;
    for (uint64_t i = 0; i < visRows && tab.topRow + i < rows; ++i) {
      uint64_t r = tab.topRow + i;
      uint64_t n = std::min(visCols, cols - tab.leftCol);
      bool faulted = runGuarded([&] {
        if (contiguous || tab.colAxis < 0) {
          v.readBytes(flatIndex(tab, r, tab.leftCol), n, file.data());
        } else {
          for (uint64_t c = 0; c < n; ++c)
            v.readBytes(flatIndex(tab, r, tab.leftCol + c), 1, file.data() + c * esize);
        }
      });
      if (faulted) {
        std::fill(file.begin(), file.end(), 0);
        app.setStatus(describeFault() + ": the file changed on disk; reopen it", true);
      }
      shown = file;
      if (contiguous || tab.colAxis < 0) {
        doc->edits().apply(res, flatIndex(tab, r, tab.leftCol) * esize, n * esize, shown.data());
      } else {
        for (uint64_t c = 0; c < n; ++c)
          doc->edits().apply(res, flatIndex(tab, r, tab.leftCol + c) * esize, esize,
                             shown.data() + c * esize);
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
          ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, IM_COL32(60, 90, 160, 200));
        else if (edited)
          ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, IM_COL32(140, 110, 20, 200));
        ImGui::PushID(int(i * 64 + c));
        if (tab.editing && r == tab.cursorRow && col == tab.cursorCol) {
          if (tab.focusEdit) {
            ImGui::SetKeyboardFocusHere();
            tab.focusEdit = false;
          }
          ImGui::SetNextItemWidth(-1);
          if (ImGui::InputText("##edit", tab.editBuffer, sizeof tab.editBuffer,
                               ImGuiInputTextFlags_EnterReturnsTrue | ImGuiInputTextFlags_AutoSelectAll)) {
            if (commitCell(app, r, col, tab.editBuffer).empty())
              tab.editing = false;
          } else if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)) ||
                     (!ImGui::IsItemActive() && !tab.focusEdit &&
                      ImGui::IsMouseClicked(0) && !ImGui::IsItemHovered())) {
            tab.editing = false;
          }
        } else {
          std::string text = formatElement(dtype, p, false);
          double x = heatmapValue(dtype, p);
          ImVec4 color = std::isnan(x)   ? ImVec4(1, 0.4f, 1, 1)
                         : std::isinf(x) ? ImVec4(0.3f, 1, 0.3f, 1)
                                         : ImVec4(1, 1, 1, 1);
          ImGui::PushStyleColor(ImGuiCol_Text, color);
          if (ImGui::Selectable(text.c_str(), false, ImGuiSelectableFlags_AllowDoubleClick)) {
            tab.cursorRow = r;
            tab.cursorCol = col;
            if (!io.KeyShift) {
              tab.anchorRow = r;
              tab.anchorCol = col;
            }
            if (ImGui::IsMouseDoubleClicked(0)) {
              tab.editing = tab.focusEdit = true;
              snprintf(tab.editBuffer, sizeof tab.editBuffer, "%s",
                       formatElement(dtype, p, true).c_str());
            }
          }
          ImGui::PopStyleColor();
          if (ImGui::IsItemHovered())
            ImGui::SetTooltip("[%llu, %llu] flat %llu\n%s%s", (unsigned long long)r,
                              (unsigned long long)col,
                              (unsigned long long)flatIndex(tab, r, col),
                              formatElement(dtype, p, true).c_str(),
                              edited ? "\n(edited, unsaved)" : "");
        }
        ImGui::PopID();
      }
    }
    ImGui::EndTable();
  }
  ImGui::PopFont();
  // Wheel over the table scrolls our 64-bit position.
  ImVec2 tableEnd(tableStart.x + labelW + cellW * float(visCols), tableStart.y + tableH);
  if (ImGui::IsMouseHoveringRect(tableStart, tableEnd) && io.MouseWheel != 0) {
    int64_t step = int64_t(-io.MouseWheel * 3);
    if (io.KeyShift) {
      tab.leftCol = uint64_t(std::clamp<int64_t>(int64_t(tab.leftCol) + step, 0, int64_t(maxLeft)));
    } else {
      int64_t t = int64_t(tab.topRow) + step;
      tab.topRow = uint64_t(std::clamp<int64_t>(t, 0, int64_t(maxTop)));
    }
  }
  // Our scrollbars: sliders over the whole 64-bit range.
  ImGui::SetNextItemWidth(labelW + cellW * float(visCols));
  uint64_t zero = 0;
  if (maxLeft > 0)
    ImGui::SliderScalar("##cols", ImGuiDataType_U64, &tab.leftCol, &zero, &maxLeft, "column %llu");
  ImGui::EndGroup();
  if (maxTop > 0) {
    ImGui::SameLine();
    uint64_t inverted = maxTop - std::min(tab.topRow, maxTop);
    if (ImGui::VSliderScalar("##rows", ImVec2(style.ScrollbarSize * 1.5f, tableH),
                             ImGuiDataType_U64, &inverted, &zero, &maxTop, ""))
      tab.topRow = maxTop - inverted;
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("row %llu of %llu", (unsigned long long)tab.topRow,
                        (unsigned long long)rows);
  }
  tab.topRow = std::min(tab.topRow, maxTop);
  tab.leftCol = std::min(tab.leftCol, maxLeft);
}

void TensorInspector::drawHeatmap(App &app, TensorTab &tab) {
  std::string key = heatKeyFor(tab, app.document()->edits());
  if (!tab.heatJob && tab.heatKey != key) {
    tab.tile.reset();
    startPool(app, tab, false);
  }
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 6);
  int stat = tab.stat;
  if (ImGui::Combo("cell value", &stat, kStatNames, 4))
    tab.stat = stat;
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
    ImGui::TextDisabled("%u x %u cells of %llu x %llu elements", h.height, h.width,
                        (unsigned long long)h.rowsPerCell, (unsigned long long)h.colsPerCell);
  }
  if (tab.heatJob) {
    ImGui::SameLine();
    ImGui::ProgressBar(tab.heatJob->fraction(), ImVec2(ImGui::GetFontSize() * 10, 0), "pooling");
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
  dl->AddRectFilled(p0, ImVec2(p0.x + size.x, p0.y + size.y), IM_COL32(30, 30, 30, 255));
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
      double nrows = std::clamp(vrows * f, 1.0, sRows), ncols = std::clamp(vcols * f, 1.0, sCols);
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
      uint64_t i = (r - h.row0) / h.rowsPerCell, j = (c - h.col0) / h.colsPerCell;
      if (i < h.height && j < h.width) {
        size_t k = i * h.width + j;
        ImGui::SetTooltip("rows %llu..%llu, cols %llu..%llu\nmin %s  max %s\nmean %s  abs max %s%s%s%s",
                          (unsigned long long)(h.row0 + i * h.rowsPerCell),
                          (unsigned long long)std::min(h.row0 + h.rows, h.row0 + (i + 1) * h.rowsPerCell) - 1,
                          (unsigned long long)(h.col0 + j * h.colsPerCell),
                          (unsigned long long)std::min(h.col0 + h.cols, h.col0 + (j + 1) * h.colsPerCell) - 1,
                          formatDouble(h.min[k]).c_str(), formatDouble(h.max[k]).c_str(),
                          formatDouble(h.mean[k]).c_str(), formatDouble(h.absMax[k]).c_str(),
                          h.flags[k] & Heatmap::HasNaN ? "\nNaN" : "",
                          h.flags[k] & Heatmap::HasPosInf ? "\n+Inf" : "",
                          h.flags[k] & Heatmap::HasNegInf ? "\n-Inf" : "");
      }
      if (ImGui::IsMouseDoubleClicked(0)) {
        // Show that element in the value table.
        gotoCell(vector ? c : r, vector ? 0 : c);
        tab.pendingMode = 0;
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
  if (tab.tileWanted && !tab.heatJob && ImGui::GetTime() - tab.lastViewChange > 0.2) {
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
  bool symmetric = lo < 0 && hi > 0 && tab.stat != 3;
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
  std::string left = tab.stat == 3 ? "0" : symmetric ? formatDouble(-absMax) : formatDouble(lo);
  std::string right = tab.stat == 3 ? formatDouble(h.absMaxAll) : symmetric ? formatDouble(absMax) : formatDouble(hi);
  ImGui::TextDisabled("%s", left.c_str());
  ImGui::SameLine(lw - ImGui::CalcTextSize(right.c_str()).x);
  ImGui::TextDisabled("%s", right.c_str());
  ImGui::SameLine(lw + ImGui::GetFontSize() * 2);
  ImGui::TextColored(ImVec4(1, 0, 1, 1), "NaN");
  ImGui::SameLine();
  ImGui::TextColored(ImVec4(0, 1, 0, 1), "+Inf");
  ImGui::SameLine();
  ImGui::TextColored(ImVec4(0, 1, 1, 1), "-Inf");
  if (app.document()->edits().touches(tab.resource)) {
    ImGui::SameLine();
    ImGui::TextDisabled("(with unsaved edits)");
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
                    ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
  if (ImGui::BeginTabBar("views")) {
    const char *names[] = {"Values", "Heatmap"};
    for (int i = 0; i < 2; ++i) {
      ImGuiTabItemFlags flags = tab.pendingMode == i ? ImGuiTabItemFlags_SetSelected : 0;
      if (ImGui::BeginTabItem(names[i], nullptr, flags)) {
        tab.mode = i;
        if (i == 0)
          drawTable(app, tab);
        else
          drawHeatmap(app, tab);
        ImGui::EndTabItem();
      }
    }
    tab.pendingMode = -1;
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
    pollJobs(app, tab);
    bool open = true;
    ImGuiTabItemFlags flags = 0;
    if (focusCurrent && pendingFocus == &tab)
      flags |= ImGuiTabItemFlags_SetSelected;
    if (app.document() && app.document()->edits().touches(tab.resource))
      flags |= ImGuiTabItemFlags_UnsavedDocument;
    std::string label = tab.key + "###tensor" + std::to_string(uintptr_t(&tab));
    if (ImGui::BeginTabItem(label.c_str(), &open, flags)) {
      current = &tab;
      drawTab(app, tab);
      ImGui::EndTabItem();
    }
    if (!open) {
      if (tab.full && tab.full->texture)
        glDeleteTextures(1, &tab.full->texture);
      if (tab.tile && tab.tile->texture)
        glDeleteTextures(1, &tab.tile->texture);
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
