//===- ModelPanel.h - Summary, functions, ops, weights, search --*- C++ -*-===//
//-*-===//

#ifndef MLIRSCOPE_VIEWER_MODELPANEL_H
#define MLIRSCOPE_VIEWER_MODELPANEL_H

#include "Job.h"

#include "mlirscope/Model/Weight.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlirscope::view {

class App;

class ModelPanel {
public:
  void draw(App &app);
  /// Which list is shown: 0 functions, 1 ops, 2 weights.
  void showList(int which) { pendingList = which; }
  int currentList() const { return list; }
  void setFilter(const std::string &text);
  /// Which weights the weights list shows: all (nullopt) or one kind.
  void setKindFilter(std::optional<WeightKind> kind) { kindFilter = kind; }
  /// Runs a search (op name, symbol, location scope, weight name; a
  /// regular expression when `regex`) on a worker.
  void search(App &app, const std::string &text, bool regex);
  bool searching() const { return bool(searchJob); }
  /// Sorts the current list by `column` as a click on its header does.
  void sortBy(int column, bool ascending) { pendingSort = {column, ascending}; }
  /// Rows the current list shows after filtering.
  size_t visibleRows() const { return rows.size(); }
  /// The name the current list shows in row `i` (a symbol, an op, a
  /// weight), for scripts.
  std::string rowName(App &app, size_t i) const;
  struct Hit {
    bool isWeight = false;
    uint32_t index = 0; ///< into ModelIndex::weights or ::ops
    std::string text;
  };
  const std::vector<Hit> &searchHits() const { return hits; }
  void reset();

private:
  void drawSummary(App &app);
  void drawFunctions(App &app);
  void drawOps(App &app);
  void drawWeights(App &app);
  void drawExternalValues(App &app);
  void drawSearch(App &app);
  void refilter(App &app);

  int list = 2, pendingList = 2;
  char filter[256] = "";
  char searchText[256] = "";
  bool searchRegex = false;
  std::string appliedFilter;
  std::optional<WeightKind> kindFilter, appliedKindFilter;
  int appliedList = -1;
  unsigned appliedGeneration = ~0u;
  int sortColumn = -1;
  bool sortAscending = true;
  bool resort = true;
  /// A sort asked for by sortBy, applied at the next draw of the list.
  std::optional<std::pair<int, bool>> pendingSort;
  void applyPendingSort();
  std::vector<uint32_t> rows;           ///< filtered, sorted
  std::vector<uint32_t> functionOps;    ///< ops with a symbol
  std::vector<uint64_t> functionSizes;  ///< ops under each (same order)
  std::shared_ptr<Job> searchJob;
  std::shared_ptr<std::vector<Hit>> searchResult;
  std::vector<Hit> hits;
  std::string searchError;
};

} // namespace mlirscope::view

#endif
