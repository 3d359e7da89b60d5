//===- ModelPanel.cpp - Summary, functions, ops, weights, search ----------===//

#include "ModelPanel.h"

#include "App.h"
#include "Format.h"

#include "mlirscope/Index/OpDetails.h"
#include "mlirscope/Support/Format.h"
#include "mlirscope/Support/NaturalOrder.h"

#include "llvm/Support/Regex.h"

#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cstring>

namespace mlirscope::view {

namespace {

bool contains(llvm::StringRef hay, llvm::StringRef needle) {
  return needle.empty() || hay.contains_insensitive(needle);
}

const char *const kKindChoices[] = {"all kinds", "resource", "inline",
                                    "parameter"};

} // namespace

void ModelPanel::reset() {
  pendingList = list;
  appliedGeneration = ~0u;
  hits.clear();
  searchJob.reset();
  searchResult.reset();
}

void ModelPanel::setFilter(const std::string &text) {
  snprintf(filter, sizeof filter, "%s", text.c_str());
}

void ModelPanel::refilter(App &app) {
  Document *doc = app.document();
  const ModelIndex &index = *doc->index();
  if (appliedGeneration != doc->generation()) {
    // Functions: ops carrying a symbol, with the size of their subtree
    // (ops are in pre-order, so it is the run of deeper ops after it).
    functionOps.clear();
    functionSizes.clear();
    for (uint32_t i = 0; i < index.ops.size(); ++i) {
      if (index.ops[i].symbol.empty())
        continue;
      uint32_t end = i + 1;
      while (end < index.ops.size() && index.ops[end].depth > index.ops[i].depth)
        ++end;
      functionOps.push_back(i);
      functionSizes.push_back(end - i - 1);
    }
  }
  llvm::StringRef f(filter);
  rows.clear();
  if (list == 0) {
    for (uint32_t k = 0; k < functionOps.size(); ++k) {
      const OpRecord &op = index.ops[functionOps[k]];
      if (contains(op.symbol, f) || contains(index.getOpName(op), f))
        rows.push_back(k);
    }
  } else if (list == 1) {
    for (uint32_t i = 0; i < index.ops.size(); ++i) {
      const OpRecord &op = index.ops[i];
      if (contains(index.getOpName(op), f) || contains(op.symbol, f))
        rows.push_back(i);
    }
  } else {
    for (uint32_t i = 0; i < index.weights.size(); ++i) {
      const Weight &w = index.weights[i];
      if ((!kindFilter || w.kind == *kindFilter) &&
          (contains(w.name, f) || contains(w.opName, f)))
        rows.push_back(i);
    }
  }
  // Sorting.
  auto byKey = [&](auto key) {
    std::stable_sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
      return sortAscending ? key(a) < key(b) : key(b) < key(a);
    });
  };
  // Names number their layers (`layer2`, `layer10`, `model.layers.10.mlp`):
  // they sort as people count, as the weights do.
  auto byName = [&](auto name) {
    std::stable_sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
      int c = naturalCompare(name(a), name(b));
      return sortAscending ? c < 0 : c > 0;
    });
  };
  if (sortColumn >= 0) {
    if (list == 0) {
      if (sortColumn == 0)
        byName([&](uint32_t k) -> llvm::StringRef {
          return index.ops[functionOps[k]].symbol;
        });
      else if (sortColumn == 2)
        byKey([&](uint32_t k) { return functionSizes[k]; });
    } else if (list == 1) {
      if (sortColumn == 1)
        byName([&](uint32_t i) { return index.getOpName(index.ops[i]); });
      else if (sortColumn == 2)
        byName(
            [&](uint32_t i) -> llvm::StringRef { return index.ops[i].symbol; });
      else if (sortColumn == 3)
        byKey([&](uint32_t i) { return index.ops[i].numOperands; });
    } else {
      const std::vector<Weight> &ws = index.weights;
      if (sortColumn == 0) {
        byName([&](uint32_t i) -> llvm::StringRef { return ws[i].name; });
      } else if (sortColumn == 1) {
        byKey([&](uint32_t i) { return int(ws[i].kind); });
      } else if (sortColumn == 3) {
        byKey([&](uint32_t i) { return ws[i].bytes(); });
      } else if (sortColumn == 4) {
        byKey([&](uint32_t i) { return ws[i].offset; });
      }
    }
  }
  appliedFilter = filter;
  appliedKindFilter = kindFilter;
  appliedList = list;
  appliedGeneration = doc->generation();
  resort = false;
}

void ModelPanel::search(App &app, const std::string &text, bool regex) {
  Document *doc = app.document();
  snprintf(searchText, sizeof searchText, "%s", text.c_str());
  searchRegex = regex;
  searchError.clear();
  hits.clear();
  if (!doc || !doc->index() || text.empty()) {
    searchJob.reset();
    return;
  }
  std::string problem;
  if (regex && !llvm::Regex(text).isValid(problem)) {
    searchError = "bad regular expression: " + problem;
    return;
  }
  auto index = doc->index();
  auto result = std::make_shared<std::vector<Hit>>();
  searchResult = result;
  searchJob = Job::start("search", [index, result, text, regex](Job &job) {
    llvm::Regex re(regex ? text : "");
    auto match = [&](llvm::StringRef s) {
      return regex ? re.match(s) : s.contains_insensitive(text);
    };
    constexpr size_t kMaxHits = 2000;
    for (uint32_t i = 0; i < index->weights.size() && result->size() < kMaxHits;
         ++i)
      if (match(index->weights[i].name))
        result->push_back({true, i, index->weights[i].name});
    for (uint32_t i = 0; i < index->ops.size() && result->size() < kMaxHits; ++i) {
      if (job.cancelled())
        return;
      job.progress(i, index->ops.size());
      const OpRecord &op = index->ops[i];
      llvm::StringRef name = index->getOpName(op);
      if (match(name) || (!op.symbol.empty() && match(op.symbol))) {
        result->push_back({false, i, name.str() + (op.symbol.empty() ? "" : " @" + op.symbol)});
        continue;
      }
      // Location scopes: decoded lazily by core, on this worker.
      OpDetails d = getOpDetails(*index, i);
      std::string scope;
      for (const std::string &s : d.scope)
        scope += (scope.empty() ? "" : "/") + s;
      if ((!scope.empty() && match(scope)) || (!d.location.empty() && match(d.location)))
        result->push_back({false, i, name.str() + "  " + (scope.empty() ? d.location : scope)});
    }
  });
}

void ModelPanel::drawSummary(App &app) {
  const ModelSummary &s = app.document()->summary();
  const ModelIndex &index = *app.document()->index();
  if (!ImGui::CollapsingHeader("Summary", ImGuiTreeNodeFlags_DefaultOpen))
    return;
  if (ImGui::BeginTable("summary", 2, ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("k", ImGuiTableColumnFlags_WidthFixed,
                            ImGui::CalcTextSize("parameter weights").x);
    ImGui::TableSetupColumn("v", ImGuiTableColumnFlags_WidthStretch);
    auto row = [](const char *k, const std::string &v) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", k);
      ImGui::TableNextColumn();
      ImGui::TextWrapped("%s", v.c_str());
    };
    std::string format = s.format;
    if (index.format == ModelIndex::Format::Bytecode)
      format += " v" + std::to_string(s.bytecodeVersion) +
                (s.producer.empty() ? "" : ", \"" + s.producer + "\"");
    row("format", format);
    row("size", formatBytes(s.fileSize) + ": IR " + formatBytes(s.irBytes) +
                    ", blobs " + formatBytes(s.blobBytes) +
                    (s.inlineWeightBytes
                         ? ", inline weights " + formatBytes(s.inlineWeightBytes)
                         : std::string()));
    std::string dialects;
    for (const std::string &d : s.dialects)
      dialects += (dialects.empty() ? "" : ", ") + d;
    row("dialects", dialects);
    row("ops", formatCount(s.numOps) + (s.opCountsApproximate ? " (approximate)" : ""));
    row("symbols", formatCount(s.symbols.size()));
    row("resources", formatCount(s.numResources) + " (" +
                         formatBytes(s.resourceBytes) + ")");
    row("weights",
        formatCount(s.numWeights) + " (" + formatBytes(s.weightBytes) + ")");
    for (auto &[kind, t] : s.weightsByKind)
      row((kind + " weights").c_str(),
          formatCount(t.count) + " (" + formatBytes(t.bytes) + ")");
    if (s.smallInlineCount)
      row("small inline", formatCount(s.smallInlineCount) + " (" +
                              formatBytes(s.smallInlineBytes) +
                              "), counted, not listed");
    std::string dtypes;
    for (auto &[dtype, t] : s.weightsByDType)
      dtypes += (dtypes.empty() ? "" : "; ") + dtype + ": " +
                formatCount(t.weights) + " (" + formatBytes(t.bytes) + ")";
    if (!dtypes.empty())
      row("dtypes", dtypes);
    std::string archives;
    for (const BoundArchive &a : index.archives)
      archives += (archives.empty() ? "" : "; ") +
                  (a.scope.empty() ? "" : a.scope + "=") + a.path;
    if (!archives.empty())
      row("parameters", archives);
    auto names = [&](const std::vector<uint32_t> &ws) {
      std::string t;
      for (size_t i = 0; i < ws.size() && i < 4; ++i)
        t += (i ? ", " : "") + index.weights[ws[i]].name;
      return formatCount(ws.size()) + ": " + t + (ws.size() > 4 ? ", ..." : "");
    };
    if (!s.unboundParameters.empty())
      row("unbound", names(s.unboundParameters) + " (File > Bind Parameters)");
    if (!s.missingParameters.empty())
      row("not in archive", names(s.missingParameters));
    if (!s.parameterSizeMismatches.empty())
      row("size mismatch", names(s.parameterSizeMismatches));
    if (!s.unusedParameters.empty())
      row("unused entries", formatCount(s.unusedParameters.size()) +
                                " archive entries no reference names");
    if (!s.missing.empty())
      row("missing", formatCount(s.missing.size()) + " referenced blobs");
    if (!s.unreferenced.empty())
      row("unreferenced", formatCount(s.unreferenced.size()) + " blobs");
    if (s.chunks.size() > 1)
      row("chunks", std::to_string(s.chunks.size()) + " (// -----)");
    ImGui::EndTable();
  }
  for (const std::string &w : s.warnings)
    ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), "warning: %s", w.c_str());
  drawExternalValues(app);
}

void ModelPanel::drawExternalValues(App &app) {
  // External resources that are not blobs: bools and strings such as the
  // pass pipeline an `mlir_reproducer` entry asks for.
  const ModelSummary &s = app.document()->summary();
  const ModelIndex &index = *app.document()->index();
  if (s.externalValues.empty() ||
      !ImGui::CollapsingHeader("External resources",
                               ImGuiTreeNodeFlags_DefaultOpen))
    return;
  if (!ImGui::BeginTable("external", 2,
                         ImGuiTableFlags_SizingStretchProp |
                             ImGuiTableFlags_RowBg))
    return;
  for (uint32_t r : s.externalValues) {
    const Resource &res = index.resources[r];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("%s.%s", res.group.c_str(), res.key.c_str());
    ImGui::TableNextColumn();
    ImGui::TextWrapped("%s", res.value.c_str());
  }
  ImGui::EndTable();
}

void ModelPanel::drawSearch(App &app) {
  ImGui::SetNextItemWidth(-90 * ImGui::GetIO().FontGlobalScale -
                          ImGui::GetFontSize() * 4);
  bool go = ImGui::InputTextWithHint("##search", "search ops, scopes, weights",
                                     searchText, sizeof searchText,
                                     ImGuiInputTextFlags_EnterReturnsTrue);
  ImGui::SameLine();
  go |= ImGui::Checkbox("regex", &searchRegex);
  if (go)
    search(app, searchText, searchRegex);
  if (!searchError.empty())
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", searchError.c_str());
  if (searchJob && searchJob->finished()) {
    searchJob.reset();
    hits = std::move(*searchResult);
    searchResult.reset();
  }
  if (searchJob) {
    ImGui::ProgressBar(searchJob->fraction(), ImVec2(-1, 0), "searching...");
    return;
  }
  if (hits.empty())
    return;
  ImGui::TextDisabled("%zu hits%s", hits.size(), hits.size() >= 2000 ? " (first 2000)" : "");
  ImGui::SameLine();
  if (ImGui::SmallButton("clear"))
    hits.clear();
  float h = std::min<float>(float(hits.size()) + 0.5f, 8.f) *
            ImGui::GetTextLineHeightWithSpacing();
  if (ImGui::BeginChild("hits", ImVec2(0, h), true)) {
    ImGuiListClipper clipper;
    clipper.Begin(int(hits.size()));
    while (clipper.Step())
      for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
        const Hit &hit = hits[size_t(i)];
        ImGui::PushID(i);
        if (ImGui::Selectable(hit.isWeight ? "weight" : "op", false,
                              ImGuiSelectableFlags_SpanAllColumns)) {
          if (hit.isWeight)
            app.openWeight(hit.index);
          else
            app.selectOp(hit.index);
        }
        ImGui::SameLine(ImGui::GetFontSize() * 4);
        ImGui::TextUnformatted(hit.text.c_str());
        ImGui::PopID();
      }
  }
  ImGui::EndChild();
}

void ModelPanel::applyPendingSort() {
  if (!pendingSort)
    return;
  ImGui::TableSetColumnSortDirection(pendingSort->first,
                                     pendingSort->second
                                         ? ImGuiSortDirection_Ascending
                                         : ImGuiSortDirection_Descending,
                                     /*append_to_sort_specs=*/false);
  pendingSort.reset();
}

std::string ModelPanel::rowName(App &app, size_t i) const {
  const ModelIndex *index =
      app.document() ? app.document()->index().get() : nullptr;
  if (!index || i >= rows.size())
    return "";
  if (list == 0)
    return "@" + index->ops[functionOps[rows[i]]].symbol;
  if (list == 1) {
    const OpRecord &op = index->ops[rows[i]];
    return index->getOpName(op).str() +
           (op.symbol.empty() ? "" : " @" + op.symbol);
  }
  return index->weights[rows[i]].name;
}

static void sortSpecs(int &column, bool &ascending, bool &resort) {
  if (ImGuiTableSortSpecs *specs = ImGui::TableGetSortSpecs())
    if (specs->SpecsDirty) {
      if (specs->SpecsCount > 0) {
        column = specs->Specs[0].ColumnIndex;
        ascending = specs->Specs[0].SortDirection == ImGuiSortDirection_Ascending;
      } else {
        column = -1;
      }
      specs->SpecsDirty = false;
      resort = true;
    }
}

static constexpr ImGuiTableFlags kListFlags =
    ImGuiTableFlags_Sortable | ImGuiTableFlags_ScrollY |
    ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
    ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingFixedFit;

void ModelPanel::drawFunctions(App &app) {
  const ModelIndex &index = *app.document()->index();
  if (!ImGui::BeginTable("functions", 3, kListFlags))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("symbol", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("op");
  ImGui::TableSetupColumn("ops inside", ImGuiTableColumnFlags_PreferSortDescending);
  ImGui::TableHeadersRow();
  applyPendingSort();
  sortSpecs(sortColumn, sortAscending, resort);
  if (resort)
    refilter(app);
  ImGuiListClipper clipper;
  clipper.Begin(int(rows.size()));
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      uint32_t k = rows[size_t(i)], opIndex = functionOps[k];
      const OpRecord &op = index.ops[opIndex];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushID(i);
      if (ImGui::Selectable(("@" + op.symbol).c_str(),
                            app.selectedOp() == opIndex,
                            ImGuiSelectableFlags_SpanAllColumns))
        app.selectOp(opIndex);
      ImGui::PopID();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(index.getOpName(op).str().c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%s", formatCount(functionSizes[k]).c_str());
    }
  ImGui::EndTable();
}

void ModelPanel::drawOps(App &app) {
  const ModelIndex &index = *app.document()->index();
  if (!ImGui::BeginTable("ops", 4, kListFlags))
    return;
  ImGui::TableSetupScrollFreeze(0, 1);
  ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_DefaultSort);
  ImGui::TableSetupColumn("op");
  ImGui::TableSetupColumn("symbol", ImGuiTableColumnFlags_WidthStretch);
  ImGui::TableSetupColumn("in/out", ImGuiTableColumnFlags_PreferSortDescending);
  ImGui::TableHeadersRow();
  applyPendingSort();
  sortSpecs(sortColumn, sortAscending, resort);
  if (resort)
    refilter(app);
  ImGuiListClipper clipper;
  clipper.Begin(int(rows.size()));
  float indent = ImGui::GetFontSize() * 0.6f;
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      uint32_t opIndex = rows[size_t(i)];
      const OpRecord &op = index.ops[opIndex];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushID(i);
      if (ImGui::Selectable(std::to_string(opIndex).c_str(),
                            app.selectedOp() == opIndex,
                            ImGuiSelectableFlags_SpanAllColumns))
        app.selectOp(opIndex);
      ImGui::PopID();
      ImGui::TableNextColumn();
      ImGui::SetCursorPosX(ImGui::GetCursorPosX() + indent * float(std::min(op.depth, 12u)));
      ImGui::TextUnformatted(index.getOpName(op).str().c_str());
      ImGui::TableNextColumn();
      if (!op.symbol.empty())
        ImGui::Text("@%s", op.symbol.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%u/%u", op.numOperands, op.numResults);
    }
  ImGui::EndTable();
}

void ModelPanel::drawWeights(App &app) {
  const ModelIndex &index = *app.document()->index();
  // Which kinds: a weight is a blob, an inline attribute or a parameter.
  int kind = kindFilter ? int(*kindFilter) + 1 : 0;
  ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
  if (ImGui::Combo("##kind", &kind, kKindChoices, 4))
    kindFilter =
        kind ? std::optional<WeightKind>(WeightKind(kind - 1)) : std::nullopt;
  ImGui::SameLine();
  ImGui::TextDisabled("%s of %s weights", formatCount(rows.size()).c_str(),
                      formatCount(index.weights.size()).c_str());
  if (index.smallInlineCount) {
    ImGui::SameLine();
    ImGui::TextDisabled("(+%s small inline, %s, not listed)",
                        formatCount(index.smallInlineCount).c_str(),
                        formatBytes(index.smallInlineBytes).c_str());
  }
  // Names (`@scope/op.name#N`, checkpoint keys) and places are long and the
  // panel narrow: fixed widths, scrolled sideways, the name kept in view.
  if (!ImGui::BeginTable("weights", 5, kListFlags | ImGuiTableFlags_ScrollX))
    return;
  ImGui::TableSetupScrollFreeze(1, 1);
  ImGui::TableSetupColumn("name", ImGuiTableColumnFlags_WidthFixed,
                          ImGui::GetFontSize() * 13);
  ImGui::TableSetupColumn("kind");
  ImGui::TableSetupColumn("type", ImGuiTableColumnFlags_NoSort);
  ImGui::TableSetupColumn("bytes", ImGuiTableColumnFlags_PreferSortDescending);
  ImGui::TableSetupColumn("where");
  ImGui::TableHeadersRow();
  applyPendingSort();
  sortSpecs(sortColumn, sortAscending, resort);
  if (resort)
    refilter(app);
  ImGuiListClipper clipper;
  clipper.Begin(int(rows.size()));
  uint32_t open = app.inspector().currentWeight();
  while (clipper.Step())
    for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
      uint32_t w = rows[size_t(i)];
      const Weight &weight = index.weights[w];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::PushID(i);
      if (ImGui::Selectable(weight.name.c_str(), open == w,
                            ImGuiSelectableFlags_SpanAllColumns))
        app.openWeight(w);
      if (ImGui::IsItemHovered() && !weight.opName.empty())
        ImGui::SetTooltip("held by %s%s", weight.opName.c_str(),
                          weight.op != kNone
                              ? (" #" + std::to_string(weight.op)).c_str()
                              : "");
      ImGui::PopID();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(weightKindName(weight.kind).str().c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(weightTypeText(weight).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(formatBytes(weight.bytes()).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(weightPlaceText(index, weight).c_str());
    }
  ImGui::EndTable();
}

void ModelPanel::draw(App &app) {
  Document *doc = app.document();
  if (!doc) {
    ImGui::TextWrapped("No model open. File > Open, drop a file on the window, "
                       "or pass one on the command line.");
    const auto &recent = app.settings().recentFiles;
    if (!recent.empty()) {
      ImGui::Separator();
      ImGui::TextDisabled("Recent files");
      for (const std::string &r : recent)
        if (ImGui::Selectable(r.c_str()))
          app.openFile(r);
    }
    return;
  }
  ImGui::TextWrapped("%s%s", doc->path().c_str(), doc->dirty() ? "  *" : "");
  if (doc->loading()) {
    ImGui::ProgressBar(-1.f * float(ImGui::GetTime()), ImVec2(-1, 0), "indexing...");
    return;
  }
  if (!doc->index()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.4f, 0.4f, 1));
    ImGui::TextWrapped("%s", doc->error().c_str());
    ImGui::PopStyleColor();
    return;
  }
  drawSummary(app);
  ImGui::Separator();
  drawSearch(app);
  ImGui::Separator();
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##filter", "filter the list", filter, sizeof filter);
  if (appliedFilter != filter || appliedGeneration != doc->generation() ||
      appliedKindFilter != kindFilter)
    resort = true;
  if (ImGui::BeginTabBar("lists")) {
    const char *names[] = {"Functions", "Ops", "Weights"};
    for (int i = 0; i < 3; ++i) {
      ImGuiTabItemFlags flags = pendingList == i ? ImGuiTabItemFlags_SetSelected : 0;
      if (ImGui::BeginTabItem(names[i], nullptr, flags)) {
        if (list != i) {
          list = i;
          sortColumn = -1;
          resort = true;
        }
        if (i == 0)
          drawFunctions(app);
        else if (i == 1)
          drawOps(app);
        else
          drawWeights(app);
        ImGui::EndTabItem();
      }
    }
    pendingList = -1;
    ImGui::EndTabBar();
  }
}

} // namespace mlirscope::view
