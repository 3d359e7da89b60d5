//===- GraphView.cpp - A laid-out view of one group of the graph ----------===//

#include "mlirscope/Graph/GraphView.h"
#include "mlirscope/Index/OpDetails.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/bit.h"
#include "llvm/ADT/StringExtras.h"

#include <cmath>

using namespace mlirscope;

std::shared_ptr<const LayoutResult> ViewLayoutCache::find(uint64_t key) {
  std::lock_guard<std::mutex> guard(lock);
  auto it = results.find(key);
  return it == results.end() ? nullptr : it->second;
}

void ViewLayoutCache::insert(uint64_t key,
                             std::shared_ptr<const LayoutResult> result) {
  std::lock_guard<std::mutex> guard(lock);
  results[key] = std::move(result);
}

size_t ViewLayoutCache::size() {
  std::lock_guard<std::mutex> guard(lock);
  return results.size();
}

namespace {

/// Text metrics of the views: a monospace estimate, so layouts do not
/// depend on a font.
constexpr double kCharWidth = 7, kLineHeight = 16, kPadding = 8;
/// Room above an expanded group's children for its label.
constexpr double kHeader = 24;
/// Levels a view opens at most (nested regions of a hostile file).
constexpr unsigned kMaxDepth = 64;

double textWidth(llvm::StringRef s) { return kCharWidth * double(s.size()); }

std::string formatCount(uint64_t n) {
  std::string s = std::to_string(n);
  for (int i = int(s.size()) - 3; i > 0; i -= 3)
    s.insert(size_t(i), ",");
  return s;
}

/// Lays out `lg`; when it falls apart into many unconnected pieces (a
/// module's functions, a flat list of ops MLIR could not parse), each is laid
/// out alone and the pieces are packed in rows, in program order, so the
/// view is roughly as wide as it is tall instead of one long layer of 231
/// functions. The result's `layers` and `layerY` stay empty then.
llvm::Expected<LayoutResult> layoutPacked(const LayoutGraph &lg,
                                          const LayoutOptions &options) {
  constexpr size_t kMinPieces = 8;
  const size_t n = lg.nodes.size();
  std::vector<uint32_t> root(n);
  for (uint32_t i = 0; i < n; ++i)
    root[i] = i;
  auto find = [&](uint32_t x) {
    while (root[x] != x)
      x = root[x] = root[root[x]];
    return x;
  };
  for (const LayoutEdge &e : lg.edges)
    if (e.from < n && e.to < n)
      root[find(e.from)] = find(e.to);
  // Pieces numbered by their first node.
  std::vector<uint32_t> pieceOf(n), pieceOfRoot(n, kNone);
  size_t numPieces = 0;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t r = find(i);
    if (pieceOfRoot[r] == kNone)
      pieceOfRoot[r] = numPieces++;
    pieceOf[i] = pieceOfRoot[r];
  }
  if (numPieces < kMinPieces)
    return layoutGraph(lg, options);

  std::vector<LayoutGraph> pieces(numPieces);
  std::vector<uint32_t> local(n);
  std::vector<std::vector<uint32_t>> nodesOf(numPieces), edgesOf(numPieces);
  for (uint32_t i = 0; i < n; ++i) {
    local[i] = pieces[pieceOf[i]].nodes.size();
    pieces[pieceOf[i]].nodes.push_back(lg.nodes[i]);
    nodesOf[pieceOf[i]].push_back(i);
  }
  for (uint32_t e = 0; e < lg.edges.size(); ++e) {
    const LayoutEdge &edge = lg.edges[e];
    uint32_t p = pieceOf[edge.from];
    pieces[p].edges.push_back({local[edge.from], local[edge.to]});
    edgesOf[p].push_back(e);
  }
  std::vector<LayoutResult> laid;
  laid.reserve(numPieces);
  double area = 0, widest = 0;
  for (const LayoutGraph &piece : pieces) {
    auto r = layoutGraph(piece, options);
    if (!r)
      return r.takeError();
    double w = r->bounds.maxX - r->bounds.minX,
           h = r->bounds.maxY - r->bounds.minY;
    area += (w + options.nodeSeparation) * (h + options.layerSeparation);
    widest = std::max(widest, w);
    laid.push_back(std::move(*r));
  }
  // Rows about 1.6 times as wide as the whole is tall.
  double rowWidth = std::max(widest, std::sqrt(area * 1.6));
  LayoutResult out;
  out.centers.resize(n);
  std::vector<std::vector<LayoutPoint>> polylines(lg.edges.size());
  double x = 0, y = 0, rowHeight = 0;
  for (size_t p = 0; p < numPieces; ++p) {
    const LayoutResult &r = laid[p];
    double w = r.bounds.maxX - r.bounds.minX,
           h = r.bounds.maxY - r.bounds.minY;
    if (x > 0 && x + w > rowWidth) {
      x = 0;
      y += rowHeight + options.layerSeparation;
      rowHeight = 0;
    }
    double dx = x - r.bounds.minX, dy = y - r.bounds.minY;
    for (size_t i = 0; i < nodesOf[p].size(); ++i)
      out.centers[nodesOf[p][i]] = {r.centers[i].x + dx, r.centers[i].y + dy};
    for (size_t e = 0; e < edgesOf[p].size(); ++e)
      for (LayoutPoint q : r.edgePolyline(e))
        polylines[edgesOf[p][e]].push_back({q.x + dx, q.y + dy});
    out.crossings += r.crossings;
    out.dummyNodes += r.dummyNodes;
    out.sweeps = std::max(out.sweeps, r.sweeps);
    out.bounds.maxX = std::max(out.bounds.maxX, x + w);
    out.bounds.maxY = std::max(out.bounds.maxY, y + h);
    x += w + 2 * options.nodeSeparation;
    rowHeight = std::max(rowHeight, h);
  }
  for (const std::vector<LayoutPoint> &line : polylines) {
    out.edgePointBegin.push_back(out.edgePoints.size());
    out.edgePoints.insert(out.edgePoints.end(), line.begin(), line.end());
  }
  out.edgePointBegin.push_back(out.edgePoints.size());
  return std::move(out);
}

/// A laid-out group: its nodes relative to its own top-left corner.
struct Laid {
  std::vector<ViewNode> nodes;
  std::vector<ViewEdge> edges;
  double width = 0, height = 0;
  uint64_t crossings = 0;
};

class ViewBuilder {
public:
  ViewBuilder(const ModelGraph &graph, const ViewOptions &options)
      : graph(graph), index(graph.model()), options(options) {
    // The ops holding inline weights and parameter references.
    for (uint32_t w = 0; w < index.weights.size(); ++w)
      if (index.weights[w].op != kNone)
        heldWeight.try_emplace(index.weights[w].op, w);
  }

  llvm::Expected<Laid> layGroup(uint32_t group, unsigned depth);

private:
  ViewNode opNode(uint32_t op);
  ViewNode groupNode(uint32_t group, uint32_t repeats);

  const ModelGraph &graph;
  const ModelIndex &index;
  const ViewOptions &options;
  /// Op -> the first weight it holds (ModelIndex::weights).
  llvm::DenseMap<uint32_t, uint32_t> heldWeight;
};

ViewNode ViewBuilder::opNode(uint32_t op) {
  ViewNode n;
  n.ref = {false, op};
  n.label = index.getOpName(index.ops[op]).str();
  OpDetails d = getOpDetails(index, op);
  // Types a lexical scan did not read are empty: no detail of commas alone.
  if (llvm::any_of(d.resultTypes, [](const std::string &t) {
        return !t.empty();
      }))
    n.detail = llvm::join(d.resultTypes, ", ");
  // A weight: an op holding an inline weight or a parameter reference, or
  // an attribute naming a resource blob.
  if (auto it = heldWeight.find(op); it != heldWeight.end())
    n.weight = index.weights[it->second].name;
  for (auto &[name, value] : d.attributes) {
    if (!n.weight.empty())
      break;
    llvm::StringRef v = value;
    if (!v.consume_front("dense_resource<"))
      continue;
    n.weight = v.take_until([](char c) { return c == '>'; }).str();
    break;
  }
  if (!n.weight.empty())
    n.label += " " + n.weight;
  if (n.detail.size() > 60)
    n.detail = n.detail.substr(0, 57) + "...";
  n.width = std::max(textWidth(n.label), textWidth(n.detail)) + 2 * kPadding;
  n.width = std::max(n.width, 60.0);
  n.height = 2 * kLineHeight + kPadding;
  return n;
}

ViewNode ViewBuilder::groupNode(uint32_t group, uint32_t repeats) {
  const GraphGroup &g = graph.group(group);
  ViewNode n;
  n.ref = {true, group};
  n.label = g.label;
  n.repeats = repeats;
  if (repeats > 1)
    n.label += " x " + std::to_string(repeats);
  n.detail = formatCount(g.numOps) + (g.numOps == 1 ? " op" : " ops");
  if (repeats > 1)
    n.detail += " each";
  n.width = std::max(textWidth(n.label), textWidth(n.detail)) + 2 * kPadding;
  n.width = std::max(n.width, 80.0);
  n.height = 2 * kLineHeight + kPadding;
  return n;
}

llvm::Expected<Laid> ViewBuilder::layGroup(uint32_t group, unsigned depth) {
  const GraphGroup &g = graph.group(group);
  // Visible children: a folded run, or a piece of one between the members
  // it is split around, is its first member with a repeat count.
  std::vector<ViewNode> nodes;
  std::vector<uint32_t> visibleOf(g.children.size());
  std::vector<Laid> inner;
  std::vector<int32_t> innerOf;
  std::vector<uint32_t> lastOfRun;
  auto addVisible = [&](size_t i) {
    const GraphNodeRef &c = g.children[i];
    lastOfRun.push_back(c.isGroup ? c.id : kNone);
    visibleOf[i] = nodes.size();
    nodes.push_back(c.isGroup ? groupNode(c.id, 1) : opNode(c.id));
    innerOf.push_back(-1);
  };
  size_t nextRun = 0;
  for (size_t i = 0; i < g.children.size();) {
    if (!options.foldRepeats || nextRun >= g.runs.size() ||
        g.runs[nextRun].first != i) {
      addVisible(i++);
      continue;
    }
    size_t end = g.runs[nextRun++].second;
    bool inPiece = false;
    for (; i < end; ++i) {
      uint32_t member = g.children[i].id;
      if (options.unfold && options.unfold(member)) {
        addVisible(i);
        inPiece = false;
      } else if (inPiece) {
        visibleOf[i] = visibleOf[i - 1];
        ++nodes[visibleOf[i]].repeats;
        lastOfRun[visibleOf[i]] = member;
      } else {
        addVisible(i);
        inPiece = true;
      }
    }
  }
  // Labels of folded runs, and open groups laid out inside their boxes.
  for (size_t v = 0; v < nodes.size(); ++v) {
    ViewNode &n = nodes[v];
    if (!n.ref.isGroup)
      continue;
    if (n.repeats > 1) {
      n = groupNode(n.ref.id, n.repeats);
      n.label = graph.group(n.ref.id).label + ".." +
                graph.group(lastOfRun[v]).label + " x " +
                std::to_string(n.repeats);
      n.width = std::max(n.width, textWidth(n.label) + 2 * kPadding);
    }
    bool open = depth + 1 < kMaxDepth && n.repeats == 1 && options.expand &&
                options.expand(n.ref.id, depth);
    if (!open)
      continue;
    auto laid = layGroup(n.ref.id, depth + 1);
    if (!laid)
      return laid.takeError();
    n.expanded = true;
    n.width = std::max(laid->width + 2 * kPadding,
                       textWidth(n.label) + 2 * kPadding);
    n.height = laid->height + kHeader + kPadding;
    innerOf[v] = inner.size();
    inner.push_back(std::move(*laid));
  }

  // Edges between visible children.
  std::map<std::pair<uint32_t, uint32_t>, uint32_t> counts;
  std::map<GraphNodeRef, uint32_t> position;
  for (size_t i = 0; i < g.children.size(); ++i)
    position[g.children[i]] = visibleOf[i];
  for (const GraphEdge &e : graph.childEdges(group)) {
    uint32_t a = position[e.from], b = position[e.to];
    if (a != b)
      counts[{a, b}] += e.count;
  }
  LayoutGraph lg;
  for (const ViewNode &n : nodes)
    lg.nodes.push_back({n.width, n.height});
  for (auto &[pair, count] : counts)
    lg.edges.push_back({pair.first, pair.second});

  // The layout of this group depends only on its children's sizes and
  // edges: reuse it when they are unchanged.
  llvm::hash_code key = llvm::hash_combine(group, options.foldRepeats);
  for (const LayoutSize &s : lg.nodes)
    key = llvm::hash_combine(key, llvm::bit_cast<uint64_t>(s.width),
                             llvm::bit_cast<uint64_t>(s.height));
  for (const LayoutEdge &e : lg.edges)
    key = llvm::hash_combine(key, e.from, e.to);
  std::shared_ptr<const LayoutResult> result =
      options.cache ? options.cache->find(key) : nullptr;
  if (!result) {
    auto laid = layoutPacked(lg, options.layout);
    if (!laid)
      return laid.takeError();
    result = std::make_shared<const LayoutResult>(std::move(*laid));
    if (options.cache)
      options.cache->insert(key, result);
  }

  if (options.inspect)
    options.inspect(group, lg, *result);

  Laid out;
  out.width = result->bounds.maxX - result->bounds.minX;
  out.height = result->bounds.maxY - result->bounds.minY;
  out.crossings = result->crossings;
  double ox = -result->bounds.minX, oy = -result->bounds.minY;
  std::vector<uint32_t> finalIndex(nodes.size());
  for (size_t v = 0; v < nodes.size(); ++v) {
    ViewNode n = nodes[v];
    n.x = result->centers[v].x - n.width / 2 + ox;
    n.y = result->centers[v].y - n.height / 2 + oy;
    finalIndex[v] = out.nodes.size();
    out.nodes.push_back(n);
    if (innerOf[v] < 0)
      continue;
    // The open group's content, moved into its box.
    Laid &in = inner[innerOf[v]];
    uint32_t base = out.nodes.size();
    double ix = n.x + kPadding, iy = n.y + kHeader;
    for (ViewNode c : in.nodes) {
      c.x += ix;
      c.y += iy;
      c.container = c.container == kNone ? finalIndex[v] : c.container + base;
      out.nodes.push_back(std::move(c));
    }
    for (ViewEdge e : in.edges) {
      e.from += base;
      e.to += base;
      for (LayoutPoint &p : e.points)
        p.x += ix, p.y += iy;
      out.edges.push_back(std::move(e));
    }
    out.crossings += in.crossings;
  }
  for (size_t e = 0; e < lg.edges.size(); ++e) {
    ViewEdge ve;
    ve.from = finalIndex[lg.edges[e].from];
    ve.to = finalIndex[lg.edges[e].to];
    ve.count = counts[{lg.edges[e].from, lg.edges[e].to}];
    for (LayoutPoint p : result->edgePolyline(e))
      ve.points.push_back({p.x + ox, p.y + oy});
    out.edges.push_back(std::move(ve));
  }
  return std::move(out);
}

} // namespace

llvm::Expected<GraphView> mlirscope::layoutView(const ModelGraph &graph,
                                                uint32_t group,
                                                const ViewOptions &options) {
  ViewBuilder builder(graph, options);
  auto laid = builder.layGroup(group, 0);
  if (!laid)
    return laid.takeError();
  GraphView view;
  view.group = group;
  view.nodes = std::move(laid->nodes);
  view.edges = std::move(laid->edges);
  view.bounds = {0, 0, laid->width, laid->height};
  view.crossings = laid->crossings;
  return std::move(view);
}
