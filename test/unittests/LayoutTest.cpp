//===- LayoutTest.cpp - Tests for the layered layout ----------------------===//
//
// Part of the mlirscope project.
//
// Invariants of layoutGraph on random graphs of many sizes and seeds and on
// the shapes that break layouts (long chains, wide stars, lattices, cycles,
// self-loops, parallel edges, nothing at all), checked by independent code:
// polylines from end to end, downward, no overlaps in a layer, crossings
// against a brute-force count, bitwise determinism, cancellation.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Layout/Layout.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>
#include <system_error>
#include <thread>
#include <tuple>

using namespace mlirscope;

namespace {

/// Uniform in [0, bound) from mt19937's raw output (its sequence is fixed by
/// the standard; the <random> distributions are not).
uint32_t below(std::mt19937 &rng, uint32_t bound) { return rng() % bound; }

LayoutGraph nodesOfSize(uint32_t n, std::mt19937 *rng = nullptr) {
  LayoutGraph graph;
  graph.nodes.resize(n);
  for (LayoutSize &size : graph.nodes) {
    size.width = rng ? 10 + below(*rng, 90) : 40;
    size.height = rng ? 10 + below(*rng, 30) : 20;
  }
  return graph;
}

/// A random DAG: node v gets up to 3 predecessors, mostly close above it,
/// sometimes up to 300 nodes above (long edges).
LayoutGraph randomDag(uint32_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  LayoutGraph graph = nodesOfSize(n, &rng);
  for (uint32_t v = 1; v < n; ++v) {
    uint32_t preds = 1 + below(rng, 3);
    for (uint32_t i = 0; i < preds; ++i) {
      uint32_t reach = std::min(v, below(rng, 8) == 0 ? 300u : 10u);
      graph.edges.push_back({v - 1 - below(rng, reach), v});
    }
  }
  return graph;
}

/// A random graph with cycles, self-loops and parallel edges.
LayoutGraph randomGraph(uint32_t n, uint32_t edges, uint32_t seed) {
  std::mt19937 rng(seed);
  LayoutGraph graph = nodesOfSize(n, &rng);
  for (uint32_t i = 0; i < edges; ++i) {
    uint32_t from = below(rng, n), to = below(rng, n);
    graph.edges.push_back({from, to});
    if (below(rng, 10) == 0)
      graph.edges.push_back({from, to});
  }
  return graph;
}

LayoutResult layOut(const LayoutGraph &graph,
                    const LayoutOptions &options = {}) {
  llvm::Expected<LayoutResult> result = layoutGraph(graph, options);
  if (!result) {
    ADD_FAILURE() << llvm::toString(result.takeError());
    return {};
  }
  return std::move(*result);
}

/// The x of a polyline where it meets the line y (it must).
double xAt(llvm::ArrayRef<LayoutPoint> path, double y) {
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    LayoutPoint p = path[i], q = path[i + 1];
    if (std::min(p.y, q.y) <= y && y <= std::max(p.y, q.y))
      return y == p.y   ? p.x
             : y == q.y ? q.x
                        : p.x + (q.x - p.x) * (y - p.y) / (q.y - p.y);
  }
  ADD_FAILURE() << "polyline misses y = " << y;
  return 0;
}

/// Crossings by comparing every pair of segments between adjacent layers,
/// segments given by the x of their ends (equal x, same point).
uint64_t bruteForceCrossings(const LayoutGraph &graph,
                             const LayoutResult &result) {
  std::set<std::tuple<uint32_t, double, double>> segments;
  for (size_t e = 0; e < graph.edges.size(); ++e) {
    auto [from, to] = graph.edges[e];
    uint32_t la = result.layers[from], lb = result.layers[to];
    if (la == lb)
      continue;
    if (la > lb)
      std::swap(la, lb);
    llvm::ArrayRef<LayoutPoint> path = result.edgePolyline(e);
    std::vector<double> xs;
    xs.push_back(result.centers[la == result.layers[from] ? from : to].x);
    for (uint32_t l = la + 1; l < lb; ++l)
      xs.push_back(xAt(path, result.layerY[l]));
    xs.push_back(result.centers[la == result.layers[from] ? to : from].x);
    for (uint32_t l = la; l < lb; ++l)
      segments.insert({l, xs[l - la], xs[l - la + 1]});
  }
  std::vector<std::tuple<uint32_t, double, double>> list(segments.begin(),
                                                         segments.end());
  uint64_t crossings = 0;
  for (size_t i = 0; i < list.size(); ++i)
    for (size_t j = i + 1; j < list.size(); ++j) {
      auto [l1, a1, b1] = list[i];
      auto [l2, a2, b2] = list[j];
      if (l1 == l2 && ((a1 < a2 && b1 > b2) || (a1 > a2 && b1 < b2)))
        ++crossings;
    }
  return crossings;
}

/// Everything a drawing must satisfy.
void checkInvariants(const LayoutGraph &graph, const LayoutResult &result,
                     const LayoutOptions &options = {}) {
  uint32_t n = graph.nodes.size();
  ASSERT_EQ(result.centers.size(), n);
  ASSERT_EQ(result.layers.size(), n);
  ASSERT_EQ(result.edgePointBegin.size(), graph.edges.size() + 1);
  ASSERT_EQ(result.edgePointBegin.back(), result.edgePoints.size());
  for (size_t l = 1; l < result.layerY.size(); ++l)
    EXPECT_LT(result.layerY[l - 1], result.layerY[l]);

  std::vector<uint8_t> reversed(graph.edges.size(), 0);
  for (uint32_t e : result.reversedEdges) {
    ASSERT_LT(e, graph.edges.size());
    reversed[e] = 1;
  }
  auto top = [&](uint32_t v) {
    return LayoutPoint{result.centers[v].x,
                       result.centers[v].y - graph.nodes[v].height / 2};
  };
  auto bottom = [&](uint32_t v) {
    return LayoutPoint{result.centers[v].x,
                       result.centers[v].y + graph.nodes[v].height / 2};
  };
  for (size_t e = 0; e < graph.edges.size(); ++e) {
    auto [from, to] = graph.edges[e];
    llvm::ArrayRef<LayoutPoint> path = result.edgePolyline(e);
    ASSERT_GE(path.size(), 2u) << "edge " << e;
    if (from == to) {
      EXPECT_FALSE(reversed[e]);
      EXPECT_EQ(path.front(), bottom(from)) << "self-loop " << e;
      EXPECT_EQ(path.back(), top(from)) << "self-loop " << e;
      continue;
    }
    if (!reversed[e]) {
      EXPECT_LT(result.layers[from], result.layers[to]) << "edge " << e;
      EXPECT_EQ(path.front(), bottom(from)) << "edge " << e;
      EXPECT_EQ(path.back(), top(to)) << "edge " << e;
      for (size_t i = 1; i < path.size(); ++i)
        EXPECT_LT(path[i - 1].y, path[i].y) << "edge " << e;
    } else {
      EXPECT_GT(result.layers[from], result.layers[to]) << "edge " << e;
      EXPECT_EQ(path.front(), top(from)) << "edge " << e;
      EXPECT_EQ(path.back(), bottom(to)) << "edge " << e;
      for (size_t i = 1; i < path.size(); ++i)
        EXPECT_GT(path[i - 1].y, path[i].y) << "edge " << e;
    }
  }

  // No overlaps within a layer; nodes sit on their layer's line and inside
  // the bounds.
  std::map<uint32_t, std::vector<uint32_t>> byLayer;
  for (uint32_t v = 0; v < n; ++v) {
    ASSERT_LT(result.layers[v], result.layerY.size());
    EXPECT_EQ(result.centers[v].y, result.layerY[result.layers[v]]);
    byLayer[result.layers[v]].push_back(v);
    const LayoutBounds &box = result.bounds;
    EXPECT_LE(box.minX, result.centers[v].x - graph.nodes[v].width / 2 + 1e-9);
    EXPECT_GE(box.maxX, result.centers[v].x + graph.nodes[v].width / 2 - 1e-9);
    EXPECT_LE(box.minY, result.centers[v].y - graph.nodes[v].height / 2);
    EXPECT_GE(box.maxY, result.centers[v].y + graph.nodes[v].height / 2);
  }
  for (auto &[layer, nodes] : byLayer) {
    std::sort(nodes.begin(), nodes.end(), [&](uint32_t a, uint32_t b) {
      return result.centers[a].x < result.centers[b].x;
    });
    for (size_t i = 1; i < nodes.size(); ++i) {
      uint32_t a = nodes[i - 1], b = nodes[i];
      double gap = (result.centers[b].x - graph.nodes[b].width / 2) -
                   (result.centers[a].x + graph.nodes[a].width / 2);
      EXPECT_GE(gap, options.nodeSeparation -
                         1e-9 * std::max(1.0, result.centers[b].x))
          << "nodes " << a << " and " << b << " in layer " << layer;
    }
  }

  EXPECT_EQ(result.crossings,
            countDrawingCrossings(result.layerY, result.centers, graph.edges,
                                  result.edgePointBegin, result.edgePoints));
}

bool bitwiseEqual(const LayoutResult &a, const LayoutResult &b) {
  auto same = [](const auto &x, const auto &y) {
    return x.size() == y.size() &&
           (x.empty() ||
            std::memcmp(x.data(), y.data(), x.size() * sizeof(x[0])) == 0);
  };
  return same(a.centers, b.centers) && same(a.layers, b.layers) &&
         same(a.layerY, b.layerY) && same(a.edgePointBegin, b.edgePointBegin) &&
         same(a.edgePoints, b.edgePoints) &&
         same(a.reversedEdges, b.reversedEdges) && a.crossings == b.crossings &&
         a.sweeps == b.sweeps &&
         std::memcmp(&a.bounds, &b.bounds, sizeof(a.bounds)) == 0;
}

TEST(LayoutTest, EmptyGraph) {
  LayoutGraph graph;
  LayoutResult result = layOut(graph);
  EXPECT_TRUE(result.centers.empty());
  EXPECT_TRUE(result.layerY.empty());
  EXPECT_EQ(result.edgePointBegin.size(), 1u);
  EXPECT_EQ(result.crossings, 0u);
}

TEST(LayoutTest, OneNode) {
  LayoutGraph graph = nodesOfSize(1);
  LayoutResult result = layOut(graph);
  checkInvariants(graph, result);
  EXPECT_EQ(result.bounds.minX, 0);
  EXPECT_EQ(result.bounds.maxX, 40);
  EXPECT_EQ(result.bounds.maxY, 20);
}

TEST(LayoutTest, RandomDagsKeepInvariants) {
  for (uint32_t n : {2u, 3u, 5u, 10u, 30u, 100u, 300u, 1000u, 3000u})
    for (uint32_t seed = 1; seed <= (n <= 300 ? 8u : 1u); ++seed) {
      SCOPED_TRACE("n = " + std::to_string(n) + ", seed " +
                   std::to_string(seed));
      LayoutGraph graph = randomDag(n, seed);
      LayoutResult result = layOut(graph);
      checkInvariants(graph, result);
      EXPECT_TRUE(result.reversedEdges.empty());
    }
}

TEST(LayoutTest, RandomGraphsWithCyclesKeepInvariants) {
  for (uint32_t n : {1u, 2u, 7u, 50u, 400u})
    for (uint32_t seed = 1; seed <= 6; ++seed) {
      SCOPED_TRACE("n = " + std::to_string(n) + ", seed " +
                   std::to_string(seed));
      LayoutGraph graph = randomGraph(n, 2 * n, seed);
      LayoutResult result = layOut(graph);
      checkInvariants(graph, result);
    }
}

TEST(LayoutTest, CrossingsMatchBruteForce) {
  for (uint32_t seed = 1; seed <= 40; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    LayoutGraph graph = seed % 2 ? randomDag(20 + seed, seed)
                                 : randomGraph(15 + seed, 30 + seed, seed);
    // Few sweeps, so that crossings remain to be counted.
    LayoutOptions options;
    options.maxSweeps = seed % 3;
    LayoutResult result = layOut(graph, options);
    EXPECT_EQ(result.crossings, bruteForceCrossings(graph, result));
  }
}

TEST(LayoutTest, CompleteBipartiteCrossings) {
  // Any two-layer drawing of K(m,n) has C(m,2) * C(n,2) crossings.
  for (auto [m, k] :
       {std::pair(2u, 2u), std::pair(3u, 3u), std::pair(2u, 5u)}) {
    LayoutGraph graph = nodesOfSize(m + k);
    for (uint32_t a = 0; a < m; ++a)
      for (uint32_t b = 0; b < k; ++b)
        graph.edges.push_back({a, m + b});
    LayoutResult result = layOut(graph);
    checkInvariants(graph, result);
    EXPECT_EQ(result.crossings, uint64_t(m * (m - 1) / 2) * (k * (k - 1) / 2));
  }
}

TEST(LayoutTest, TreesHaveNoCrossings) {
  std::mt19937 rng(7);
  LayoutGraph graph = nodesOfSize(500, &rng);
  for (uint32_t v = 1; v < 500; ++v)
    graph.edges.push_back({below(rng, v), v});
  LayoutResult result = layOut(graph);
  checkInvariants(graph, result);
  EXPECT_EQ(result.crossings, 0u);
}

TEST(LayoutTest, BilayerCrossingsByHand) {
  using Segments = std::vector<std::pair<uint32_t, uint32_t>>;
  Segments none;
  EXPECT_EQ(countBilayerCrossings(none), 0u);
  Segments cross = {{0, 1}, {1, 0}};
  EXPECT_EQ(countBilayerCrossings(cross), 1u);
  Segments sharedLower = {{0, 0}, {1, 0}};
  EXPECT_EQ(countBilayerCrossings(sharedLower), 0u);
  Segments sharedUpper = {{0, 0}, {0, 1}, {1, 0}};
  EXPECT_EQ(countBilayerCrossings(sharedUpper), 1u);
  Segments reversedFan = {{0, 3}, {1, 2}, {2, 1}, {3, 0}};
  EXPECT_EQ(countBilayerCrossings(reversedFan), 6u);

  std::mt19937 rng(3);
  for (int round = 0; round < 50; ++round) {
    Segments segments;
    uint32_t count = below(rng, 60);
    for (uint32_t i = 0; i < count; ++i)
      segments.push_back({below(rng, 10), below(rng, 10)});
    uint64_t brute = 0;
    for (size_t i = 0; i < segments.size(); ++i)
      for (size_t j = 0; j < segments.size(); ++j)
        brute += segments[i].first < segments[j].first &&
                 segments[i].second > segments[j].second;
    EXPECT_EQ(countBilayerCrossings(segments), brute);
  }
}

TEST(LayoutTest, LongChain) {
  constexpr uint32_t n = 100'000;
  LayoutGraph graph = nodesOfSize(n);
  for (uint32_t v = 1; v < n; ++v)
    graph.edges.push_back({v - 1, v});
  LayoutResult result = layOut(graph);
  checkInvariants(graph, result);
  EXPECT_EQ(result.layerY.size(), n);
  EXPECT_EQ(result.dummyNodes, 0u);
  // A chain is one straight column.
  for (uint32_t v = 1; v < n; ++v)
    ASSERT_EQ(result.centers[v].x, result.centers[0].x);
}

TEST(LayoutTest, WideStar) {
  constexpr uint32_t n = 10'001;
  LayoutGraph graph = nodesOfSize(n);
  for (uint32_t v = 1; v < n; ++v)
    graph.edges.push_back({0, v});
  LayoutResult result = layOut(graph);
  checkInvariants(graph, result);
  EXPECT_EQ(result.layerY.size(), 2u);
  EXPECT_EQ(result.crossings, 0u);
}

TEST(LayoutTest, OneValueWithManyFarUsers) {
  // Node 0 feeds every op of a 600-op chain: one shared dummy chain, not
  // one per edge.
  constexpr uint32_t n = 601;
  LayoutGraph graph = nodesOfSize(n);
  graph.edges.push_back({1, 0}); // node 0 sits under node 1
  for (uint32_t v = 2; v < n; ++v) {
    graph.edges.push_back({v - 1, v});
    graph.edges.push_back({0, v});
  }
  LayoutResult result = layOut(graph);
  checkInvariants(graph, result);
  EXPECT_LT(result.dummyNodes, uint64_t(n));
}

TEST(LayoutTest, TooManyDummiesIsAnError) {
  // Every op of a chain also feeds the last op: one long edge per op, each
  // with its own chain, n^2 / 2 dummies in all.
  constexpr uint32_t n = 3000;
  LayoutGraph graph = nodesOfSize(n);
  for (uint32_t v = 1; v < n; ++v)
    graph.edges.push_back({v - 1, v});
  for (uint32_t v = 0; v + 2 < n; ++v)
    graph.edges.push_back({v, n - 1});
  LayoutOptions options;
  options.maxDummyNodes = 1'000'000;
  llvm::Expected<LayoutResult> result = layoutGraph(graph, options);
  ASSERT_FALSE(result);
  EXPECT_EQ(llvm::toString(result.takeError()),
            "graph too large to lay out: its long edges need 4495501 dummy "
            "nodes (at most 1000000)");
}

TEST(LayoutTest, DiamondLattice) {
  constexpr uint32_t k = 40;
  LayoutGraph graph = nodesOfSize(k * k);
  for (uint32_t i = 0; i < k; ++i)
    for (uint32_t j = 0; j < k; ++j) {
      if (i + 1 < k)
        graph.edges.push_back({i * k + j, (i + 1) * k + j});
      if (j + 1 < k)
        graph.edges.push_back({i * k + j, i * k + j + 1});
    }
  LayoutResult result = layOut(graph);
  checkInvariants(graph, result);
  EXPECT_EQ(result.layerY.size(), 2 * k - 1);
}

TEST(LayoutTest, CyclesAreBrokenByDfsOrder) {
  LayoutGraph graph = nodesOfSize(4);
  graph.edges = {{0, 1}, {1, 2}, {2, 0}, {2, 3}, {3, 1}};
  LayoutResult result = layOut(graph);
  checkInvariants(graph, result);
  // DFS from 0: 0 -> 1 -> 2, then 2 -> 0 closes a cycle; 2 -> 3 -> 1 too.
  EXPECT_EQ(result.reversedEdges, (std::vector<uint32_t>{2, 4}));
}

TEST(LayoutTest, SelfLoopsAndParallelEdges) {
  LayoutGraph graph = nodesOfSize(3);
  graph.edges = {{0, 0}, {0, 1}, {0, 1}, {1, 0},
                 {1, 1}, {0, 2}, {0, 2}, {2, 2}};
  LayoutResult result = layOut(graph);
  checkInvariants(graph, result);
  EXPECT_EQ(result.reversedEdges, (std::vector<uint32_t>{3}));
}

TEST(LayoutTest, DisconnectedComponents) {
  LayoutGraph graph = nodesOfSize(12);
  graph.edges = {{0, 1}, {1, 2}, {3, 4}, {3, 5}, {6, 7}, {8, 8}};
  LayoutResult result = layOut(graph);
  checkInvariants(graph, result);
}

TEST(LayoutTest, ZeroSizesAndSeparations) {
  LayoutGraph graph = randomGraph(60, 150, 11);
  for (LayoutSize &size : graph.nodes)
    size = {0, 0};
  LayoutOptions options;
  options.nodeSeparation = options.edgeSeparation = 0;
  options.layerSeparation = 1;
  LayoutResult result = layOut(graph, options);
  ASSERT_EQ(result.centers.size(), 60u);
}

TEST(LayoutTest, SameInputSameOutput) {
  for (uint32_t seed = 1; seed <= 2; ++seed) {
    LayoutGraph graph = randomGraph(300, 700, seed);
    LayoutResult first = layOut(graph), second = layOut(graph);
    EXPECT_TRUE(bitwiseEqual(first, second)) << "seed " << seed;
  }
}

TEST(LayoutTest, SweepBudgets) {
  LayoutGraph graph = randomDag(2000, 5);
  LayoutOptions none;
  none.maxSweeps = 0;
  LayoutResult initial = layOut(graph, none);
  EXPECT_EQ(initial.sweeps, 0u);
  LayoutResult swept = layOut(graph);
  EXPECT_GT(swept.sweeps, 0u);
  EXPECT_LE(swept.crossings, initial.crossings);
  LayoutOptions tight;
  tight.sweepWorkLimit = 1;
  EXPECT_EQ(layOut(graph, tight).sweeps, 1u);
}

TEST(LayoutTest, InvalidInput) {
  LayoutGraph graph = nodesOfSize(2);
  graph.edges = {{0, 2}};
  llvm::Expected<LayoutResult> result = layoutGraph(graph);
  ASSERT_FALSE(result);
  EXPECT_EQ(llvm::toString(result.takeError()), "edge 0: node out of range");
  graph.edges = {{0, 1}};
  graph.nodes[1].width = -1;
  EXPECT_FALSE(bool(layoutGraph(graph)));
  graph.nodes[1].width = NAN;
  EXPECT_FALSE(bool(layoutGraph(graph)));
  graph.nodes[1].width = 1;
  LayoutOptions options;
  options.layerSeparation = INFINITY;
  EXPECT_FALSE(bool(layoutGraph(graph, options)));
}

std::error_code errorCode(llvm::Error err) {
  std::error_code code;
  llvm::handleAllErrors(std::move(err), [&](const llvm::ErrorInfoBase &info) {
    code = info.convertToErrorCode();
  });
  return code;
}

TEST(LayoutTest, CancelBeforeStart) {
  std::atomic<bool> cancel{true};
  LayoutOptions options;
  options.progress = Progress(&cancel);
  llvm::Expected<LayoutResult> result = layoutGraph(randomDag(100, 1), options);
  ASSERT_FALSE(result);
  EXPECT_EQ(errorCode(result.takeError()),
            std::make_error_code(std::errc::operation_canceled));
}

TEST(LayoutTest, CancelDuringEachPhase) {
  LayoutGraph graph = randomDag(5'000, 2);
  for (llvm::StringRef phase : {"ordering", "coordinates", "edges"}) {
    std::atomic<bool> cancel{false};
    LayoutOptions options;
    options.progress = Progress(
        [&](uint64_t, uint64_t, llvm::StringRef now) {
          if (now == phase)
            cancel = true;
        },
        &cancel);
    llvm::Expected<LayoutResult> result = layoutGraph(graph, options);
    ASSERT_FALSE(result) << phase.str();
    EXPECT_EQ(errorCode(result.takeError()),
              std::make_error_code(std::errc::operation_canceled));
  }
}

TEST(LayoutTest, CancelFromAnotherThreadIsQuick) {
  // Sweeps without end, so the layout is surely still running when the
  // other thread cancels it.
  LayoutGraph graph = randomDag(20'000, 3);
  std::atomic<bool> cancel{false}, ordering{false};
  LayoutOptions options;
  options.maxSweeps = 100'000;
  options.sweepsWithoutGain = 100'000;
  options.sweepWorkLimit = 0;
  options.progress = Progress(
      [&](uint64_t, uint64_t, llvm::StringRef phase) {
        if (phase == "ordering")
          ordering = true;
      },
      &cancel);
  std::chrono::steady_clock::time_point cancelledAt;
  std::thread canceller([&] {
    while (!ordering)
      std::this_thread::yield();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    cancelledAt = std::chrono::steady_clock::now();
    cancel = true;
  });
  llvm::Expected<LayoutResult> result = layoutGraph(graph, options);
  auto returnedAt = std::chrono::steady_clock::now();
  canceller.join();
  ASSERT_FALSE(result);
  EXPECT_EQ(errorCode(result.takeError()),
            std::make_error_code(std::errc::operation_canceled));
  // ~0.1 ms in a release build; generous for sanitizers and busy machines.
  EXPECT_LT(returnedAt - cancelledAt, std::chrono::milliseconds(500));
}

TEST(LayoutTest, ProgressGoesForward) {
  std::vector<std::pair<double, std::string>> reports;
  LayoutOptions options;
  options.progress = [&](uint64_t done, uint64_t total,
                         llvm::StringRef phase) {
    reports.push_back({double(done) / double(total), phase.str()});
  };
  layOut(randomDag(3000, 4), options);
  ASSERT_FALSE(reports.empty());
  for (size_t i = 1; i < reports.size(); ++i)
    EXPECT_LE(reports[i - 1].first, reports[i].first) << reports[i].second;
  EXPECT_EQ(reports.back().first, 1.0);
}

} // namespace

/// The widest layer of the layered graph packed tight: real nodes at the
/// node separation, one point per long edge's source passing through (its
/// dummy chain) at the edge separation. A drawing cannot be narrower than
/// its real nodes' part of this.
double widestPackedLayer(const LayoutGraph &graph, const LayoutResult &result,
                         const LayoutOptions &options = {}) {
  std::map<uint32_t, double> width;
  std::map<uint32_t, uint32_t> count;
  for (uint32_t v = 0; v < graph.nodes.size(); ++v) {
    width[result.layers[v]] += graph.nodes[v].width;
    ++count[result.layers[v]];
  }
  std::vector<uint32_t> reach(graph.nodes.size(), 0);
  for (auto [from, to] : graph.edges) {
    uint32_t a = result.layers[from], b = result.layers[to];
    uint32_t top = a < b ? from : to;
    reach[top] = std::max(reach[top], std::max(a, b));
  }
  std::map<uint32_t, uint32_t> passing;
  for (uint32_t v = 0; v < graph.nodes.size(); ++v)
    for (uint32_t l = result.layers[v] + 1; l < reach[v]; ++l)
      ++passing[l];
  double widest = 0;
  for (auto [layer, w] : width)
    widest = std::max(widest, w + (count[layer] - 1) * options.nodeSeparation +
                                  passing[layer] * options.edgeSeparation);
  return widest;
}

/// One group of the viewer's 100-layer transformer (an attention block:
/// three projections, rotary embedding, constants beside the ops that read
/// them, a value that skips most of the block). The start order crosses;
/// sweeps alone left 2 crossings where 0 is possible (Graphviz finds it).
LayoutGraph attentionGroup() {
  LayoutGraph graph;
  graph.nodes.assign(48, {80, 24});
  graph.edges = {{0, 3},   {1, 4},   {2, 5},   {3, 6},   {3, 7},   {3, 12},
                 {4, 13},  {4, 14},  {4, 19},  {5, 40},  {6, 10},  {7, 9},
                 {8, 9},   {9, 10},  {10, 12}, {11, 12}, {12, 21}, {13, 17},
                 {14, 16}, {15, 16}, {16, 17}, {17, 19}, {18, 19}, {19, 23},
                 {20, 21}, {21, 26}, {22, 23}, {23, 26}, {24, 25}, {25, 26},
                 {26, 28}, {27, 28}, {28, 31}, {28, 33}, {29, 30}, {30, 31},
                 {31, 33}, {32, 33}, {33, 36}, {33, 38}, {34, 35}, {35, 36},
                 {36, 38}, {37, 38}, {38, 43}, {39, 40}, {40, 43}, {41, 42},
                 {42, 43}, {43, 45}, {44, 45}, {45, 46}, {46, 47}};
  return graph;
}

TEST(LayoutTest, ReachesKnownOptimumOfZeroCrossings) {
  LayoutGraph graph = attentionGroup();
  LayoutOptions startOnly;
  startOnly.maxSweeps = 0;
  EXPECT_GT(layOut(graph, startOnly).crossings, 0u);
  LayoutResult result = layOut(graph);
  checkInvariants(graph, result);
  EXPECT_EQ(result.crossings, 0u);
  EXPECT_EQ(bruteForceCrossings(graph, result), 0u);
}

TEST(LayoutTest, LadderWithReversedRungsIsPlanar) {
  // Two chains joined by rungs, each rung a node of its own, the rung
  // nodes numbered bottom up: planar (chain, rungs, chain), drawn so.
  constexpr uint32_t k = 12;
  LayoutGraph graph = nodesOfSize(3 * k);
  for (uint32_t i = 0; i + 1 < k; ++i) {
    graph.edges.push_back({i, i + 1});         // a
    graph.edges.push_back({k + i, k + i + 1}); // b
  }
  // Rung i: from a_i through its own node to b_(i+1).
  for (uint32_t i = 0; i + 1 < k; ++i) {
    uint32_t rung = 3 * k - 1 - i;
    graph.edges.push_back({i, rung});
    graph.edges.push_back({rung, k + i + 1});
  }
  LayoutResult result = layOut(graph);
  checkInvariants(graph, result);
  EXPECT_EQ(result.crossings, 0u);
}

TEST(LayoutTest, ChainIsOneNodeWide) {
  LayoutGraph graph = nodesOfSize(50);
  for (uint32_t v = 1; v < 50; ++v)
    graph.edges.push_back({v - 1, v});
  LayoutResult result = layOut(graph);
  EXPECT_EQ(result.bounds.maxX - result.bounds.minX, 40);
}

TEST(LayoutTest, FansAreAsWideAsTheirLayer) {
  // Out and in: one node with 30 users, 30 nodes feeding one. The layer of
  // 30 is packed at the node separation, nothing wider.
  for (bool out : {true, false}) {
    constexpr uint32_t k = 30;
    LayoutGraph graph = nodesOfSize(k + 1);
    for (uint32_t v = 1; v <= k; ++v)
      graph.edges.push_back(out ? LayoutEdge{0, v} : LayoutEdge{v, 0});
    LayoutOptions options;
    LayoutResult result = layOut(graph, options);
    checkInvariants(graph, result);
    EXPECT_EQ(result.crossings, 0u);
    EXPECT_DOUBLE_EQ(result.bounds.maxX - result.bounds.minX,
                     k * 40 + (k - 1) * options.nodeSeparation)
        << (out ? "fan-out" : "fan-in");
    // The hub sits over (or under) the middle of its fan.
    EXPECT_NEAR(result.centers[0].x,
                (result.bounds.maxX + result.bounds.minX) / 2, 1e-6);
  }
}

TEST(LayoutTest, LongEdgesDoNotWidenTheDrawing) {
  // Layers of 10-30 nodes, 1-3 in-edges each, 30% of them from 2-4 layers
  // up: Brandes-Koepf alone drifts into a staircase several times the
  // widest layer (and Graphviz stays within it).
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    std::mt19937 rng(seed);
    LayoutGraph graph = nodesOfSize(1000);
    std::vector<uint32_t> start = {0};
    while (start.back() < 1000)
      start.push_back(std::min(1000u, start.back() + 10 + below(rng, 21)));
    for (size_t l = 1; l + 1 < start.size(); ++l)
      for (uint32_t v = start[l]; v < start[l + 1]; ++v)
        for (uint32_t i = 0, preds = 1 + below(rng, 3); i < preds; ++i) {
          size_t back = below(rng, 10) < 7 ? 1 : 2 + below(rng, 3);
          size_t from = l >= back ? l - back : 0;
          graph.edges.push_back(
              {start[from] + below(rng, start[from + 1] - start[from]), v});
        }
    LayoutResult result = layOut(graph);
    checkInvariants(graph, result);
    double width = result.bounds.maxX - result.bounds.minX;
    EXPECT_LE(width, 1.5 * widestPackedLayer(graph, result)) << "seed " << seed;
  }
}

TEST(LayoutTest, ComponentsKeepToThemselves) {
  // Two copies of the attention group side by side and a lone node: each
  // copy is drawn as alone (same crossings, none), in a block of its own
  // in every layer.
  LayoutGraph one = attentionGroup();
  LayoutGraph graph = one;
  uint32_t n = one.nodes.size();
  graph.nodes.insert(graph.nodes.end(), one.nodes.begin(), one.nodes.end());
  graph.nodes.push_back({40, 20});
  for (LayoutEdge e : one.edges)
    graph.edges.push_back({e.from + n, e.to + n});
  LayoutResult result = layOut(graph);
  checkInvariants(graph, result);
  EXPECT_EQ(result.crossings, 0u);
  std::map<uint32_t, std::pair<double, double>> first;
  for (uint32_t v = 0; v < n; ++v) {
    auto &range =
        first.try_emplace(result.layers[v], INFINITY, -INFINITY).first->second;
    range.first = std::min(range.first, result.centers[v].x);
    range.second = std::max(range.second, result.centers[v].x);
  }
  for (uint32_t v = n; v < 2 * n; ++v) {
    auto it = first.find(result.layers[v]);
    if (it == first.end())
      continue;
    double x = result.centers[v].x;
    EXPECT_FALSE(it->second.first < x && x < it->second.second)
        << "node " << v << " inside the other copy's block";
  }
}

TEST(LayoutTest, RefinementIsDeterministic) {
  // Sifting, several start orders and the packed placement all run on
  // these; the same input gives the same bits.
  LayoutGraph graph = attentionGroup();
  LayoutGraph random = randomDag(400, 9);
  for (const LayoutGraph *g : {&graph, &random}) {
    LayoutResult first = layOut(*g), second = layOut(*g);
    EXPECT_TRUE(bitwiseEqual(first, second));
  }
}
