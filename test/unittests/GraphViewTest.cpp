//===- GraphViewTest.cpp - Views: folded runs, unfold, open groups, cache -===//

#include "TestModels.h"

#include "mlirscope/Graph/GraphView.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

using namespace mlirscope;
using namespace mlirscope::testing;

namespace {

/// func @forward: a weight constant, `n` layers `model/layer_K` of an add
/// (reading the previous layer and the weight) and a mul (reading the add
/// twice), the return.
std::string layersModel(unsigned n) {
  std::string s = "module {\n"
                  "  func.func @forward(%arg0: tensor<4xf32>) -> "
                  "tensor<4xf32> {\n"
                  "    %w = arith.constant dense_resource<w0> : "
                  "tensor<4xf32>\n";
  std::string x = "%arg0";
  for (unsigned k = 0; k < n; ++k) {
    std::string a = "%a" + std::to_string(k), m = "%m" + std::to_string(k);
    std::string scope = "model/layer_" + std::to_string(k);
    s += "    " + a + " = arith.addf " + x + ", %w : tensor<4xf32> loc(\"" +
         scope + "/add\")\n";
    s += "    " + m + " = arith.mulf " + a + ", " + a +
         " : tensor<4xf32> loc(\"" + scope + "/mul\")\n";
    x = m;
  }
  s += "    return " + x +
       " : tensor<4xf32>\n  }\n}\n"
       "{-#\n  dialect_resources: {\n    builtin: {\n      w0: \"" +
       blobHex(f32Bytes({1, 2, 3, 4})) + "\"\n    }\n  }\n#-}\n";
  return s;
}

class GraphViewTest : public ::testing::Test {
protected:
  void SetUp() override {
    index = indexText("layers.mlir", layersModel(5));
    ASSERT_TRUE(index);
    auto g = ModelGraph::build(*index);
    ASSERT_TRUE(bool(g)) << llvm::toString(g.takeError());
    graph = std::make_unique<ModelGraph>(std::move(*g));
    func = graph->findFunction("forward");
    model = graph->findGroup("builtin.module/func.func @forward/model");
    ASSERT_NE(func, kNone);
    ASSERT_NE(model, kNone);
    for (unsigned k = 0; k < 5; ++k)
      layer.push_back(graph->group(model).children[k].id);
  }

  GraphView view(uint32_t group, const ViewOptions &options = {}) {
    auto v = layoutView(*graph, group, options);
    if (!v) {
      ADD_FAILURE() << llvm::toString(v.takeError());
      return {};
    }
    return std::move(*v);
  }

  static std::vector<std::string> labels(const GraphView &v) {
    std::vector<std::string> out;
    for (const ViewNode &n : v.nodes)
      out.push_back(n.label);
    return out;
  }

  /// Boxes of nodes drawn side by side must not overlap.
  static void expectApart(const ViewNode &a, const ViewNode &b) {
    bool apart = a.x + a.width <= b.x || b.x + b.width <= a.x ||
                 a.y + a.height <= b.y || b.y + b.height <= a.y;
    EXPECT_TRUE(apart) << a.label << " overlaps " << b.label;
  }

  std::unique_ptr<ModelIndex> index;
  std::unique_ptr<ModelGraph> graph;
  uint32_t func = kNone, model = kNone;
  std::vector<uint32_t> layer;
};

} // namespace

TEST_F(GraphViewTest, RunFoldsIntoOneNode) {
  GraphView v = view(model);
  EXPECT_EQ(v.group, model);
  ASSERT_EQ(v.nodes.size(), 1u);
  const ViewNode &n = v.nodes[0];
  EXPECT_EQ(n.label, "layer_0..layer_4 x 5");
  EXPECT_EQ(n.detail, "2 ops each");
  EXPECT_EQ(n.repeats, 5u);
  EXPECT_EQ(n.ref, (GraphNodeRef{true, layer[0]}));
  EXPECT_FALSE(n.expanded);
  EXPECT_EQ(n.container, kNone);
  // The edges between layers are inside the folded node.
  EXPECT_TRUE(v.edges.empty());
  EXPECT_GE(v.bounds.maxX - v.bounds.minX, n.width);
  EXPECT_GE(v.bounds.maxY - v.bounds.minY, n.height);
}

TEST_F(GraphViewTest, WithoutFoldingEveryLayerIsANode) {
  ViewOptions options;
  options.foldRepeats = false;
  GraphView v = view(model, options);
  EXPECT_EQ(labels(v),
            (std::vector<std::string>{"layer_0", "layer_1", "layer_2",
                                      "layer_3", "layer_4"}));
  for (size_t i = 0; i < v.nodes.size(); ++i) {
    EXPECT_EQ(v.nodes[i].ref, (GraphNodeRef{true, layer[i]}));
    EXPECT_EQ(v.nodes[i].detail, "2 ops");
    EXPECT_EQ(v.nodes[i].repeats, 1u);
    for (size_t j = 0; j < i; ++j)
      expectApart(v.nodes[i], v.nodes[j]);
  }
  // A chain: layer_k -> layer_k+1, one use-def edge each, drawn top-down.
  ASSERT_EQ(v.edges.size(), 4u);
  for (uint32_t k = 0; k < 4; ++k) {
    EXPECT_EQ(v.edges[k].from, k);
    EXPECT_EQ(v.edges[k].to, k + 1);
    EXPECT_EQ(v.edges[k].count, 1u);
    ASSERT_GE(v.edges[k].points.size(), 2u);
    EXPECT_LT(v.edges[k].points.front().y, v.edges[k].points.back().y);
    EXPECT_LT(v.nodes[k].y, v.nodes[k + 1].y);
  }
}

TEST_F(GraphViewTest, UnfoldSplitsTheRunAroundAMember) {
  ViewOptions options;
  options.unfold = [&](uint32_t g) { return g == layer[2]; };
  GraphView v = view(model, options);
  EXPECT_EQ(labels(v),
            (std::vector<std::string>{"layer_0..layer_1 x 2", "layer_2",
                                      "layer_3..layer_4 x 2"}));
  ASSERT_EQ(v.nodes.size(), 3u);
  EXPECT_EQ(v.nodes[0].repeats, 2u);
  EXPECT_EQ(v.nodes[1].repeats, 1u);
  EXPECT_EQ(v.nodes[2].repeats, 2u);
  EXPECT_EQ(v.nodes[1].ref, (GraphNodeRef{true, layer[2]}));
  EXPECT_EQ(v.nodes[2].ref, (GraphNodeRef{true, layer[3]}));
  ASSERT_EQ(v.edges.size(), 2u);
  EXPECT_EQ(v.edges[0].from, 0u);
  EXPECT_EQ(v.edges[0].to, 1u);
  EXPECT_EQ(v.edges[1].from, 1u);
  EXPECT_EQ(v.edges[1].to, 2u);
  EXPECT_EQ(v.edges[0].count, 1u);

  // The first member unfolded: no piece before it.
  options.unfold = [&](uint32_t g) { return g == layer[0]; };
  EXPECT_EQ(labels(view(model, options)),
            (std::vector<std::string>{"layer_0", "layer_1..layer_4 x 4"}));
}

TEST_F(GraphViewTest, FoldedRunsNeverOpen) {
  ViewOptions options;
  options.expand = [](uint32_t, unsigned) { return true; };
  GraphView v = view(func, options);
  // constant, model (open), the folded layers inside it, return.
  EXPECT_EQ(labels(v),
            (std::vector<std::string>{"arith.constant w0", "model",
                                      "layer_0..layer_4 x 5", "func.return"}));
  ASSERT_EQ(v.nodes.size(), 4u);
  EXPECT_TRUE(v.nodes[1].expanded);
  EXPECT_FALSE(v.nodes[2].expanded);
  EXPECT_EQ(v.nodes[2].container, 1u);
}

TEST_F(GraphViewTest, OpenGroupsHoldTheirChildren) {
  ViewOptions options;
  options.expand = [](uint32_t, unsigned) { return true; };
  options.unfold = [](uint32_t) { return true; };
  GraphView v = view(func, options);
  // constant, model, 5 x (layer, add, mul), return.
  ASSERT_EQ(v.nodes.size(), 3u + 15u);
  EXPECT_EQ(v.nodes[0].label, "arith.constant w0");
  EXPECT_EQ(v.nodes[0].weight, "w0");
  EXPECT_EQ(v.nodes[0].detail, "tensor<4xf32>");
  EXPECT_EQ(v.nodes.back().label, "func.return");
  EXPECT_TRUE(v.nodes.back().detail.empty());
  unsigned adds = 0, layersOpen = 0;
  for (size_t i = 0; i < v.nodes.size(); ++i) {
    const ViewNode &n = v.nodes[i];
    if (n.label == "arith.addf") {
      ++adds;
      EXPECT_EQ(n.detail, "tensor<4xf32>");
      EXPECT_TRUE(n.weight.empty());
      EXPECT_FALSE(n.ref.isGroup);
    }
    if (n.ref.isGroup && n.label.rfind("layer_", 0) == 0) {
      ++layersOpen;
      EXPECT_TRUE(n.expanded) << n.label;
    }
    if (n.container == kNone)
      continue;
    // Inside its container's box, which comes before it and is open.
    ASSERT_LT(n.container, i);
    const ViewNode &c = v.nodes[n.container];
    EXPECT_TRUE(c.expanded);
    EXPECT_GE(n.x, c.x) << n.label;
    EXPECT_GE(n.y, c.y) << n.label;
    EXPECT_LE(n.x + n.width, c.x + c.width + 1e-9) << n.label;
    EXPECT_LE(n.y + n.height, c.y + c.height + 1e-9) << n.label;
  }
  EXPECT_EQ(adds, 5u);
  EXPECT_EQ(layersOpen, 5u);
  // Edges at every level: weight -> model and model -> return at the top,
  // four between layers, one inside each layer (add -> mul, count 2).
  unsigned twice = 0;
  for (const ViewEdge &e : v.edges) {
    ASSERT_LT(e.from, v.nodes.size());
    ASSERT_LT(e.to, v.nodes.size());
    EXPECT_EQ(v.nodes[e.from].container, v.nodes[e.to].container);
    if (e.count == 2) {
      ++twice;
      EXPECT_EQ(v.nodes[e.from].label, "arith.addf");
      EXPECT_EQ(v.nodes[e.to].label, "arith.mulf");
    }
  }
  EXPECT_EQ(v.edges.size(), 2u + 4u + 5u);
  EXPECT_EQ(twice, 5u);
}

TEST_F(GraphViewTest, CacheRelaysOutOnlyWhatChanged) {
  ViewLayoutCache cache;
  ViewOptions options;
  options.cache = &cache;
  options.foldRepeats = false;
  options.expand = [&](uint32_t g, unsigned) { return g == model; };
  unsigned laidOut = 0;
  options.inspect = [&](uint32_t, const LayoutGraph &, const LayoutResult &) {
    ++laidOut;
  };
  GraphView first = view(func, options);
  EXPECT_EQ(laidOut, 2u); // the model, then the function
  EXPECT_EQ(cache.size(), 2u);
  // The same view again: every layout from the cache, the same drawing.
  GraphView again = view(func, options);
  EXPECT_EQ(cache.size(), 2u);
  ASSERT_EQ(again.nodes.size(), first.nodes.size());
  for (size_t i = 0; i < first.nodes.size(); ++i) {
    EXPECT_EQ(again.nodes[i].x, first.nodes[i].x);
    EXPECT_EQ(again.nodes[i].y, first.nodes[i].y);
  }
  // Opening layer_1 lays out layer_1 and its ancestors (the model's box and
  // the function's change size): three new layouts.
  options.expand = [&](uint32_t g, unsigned) {
    return g == model || g == layer[1];
  };
  GraphView opened = view(func, options);
  EXPECT_EQ(cache.size(), 5u);
  EXPECT_EQ(opened.nodes.size(), first.nodes.size() + 2);
}

TEST_F(GraphViewTest, CancelledLayoutFails) {
  std::atomic<bool> cancel{true};
  ViewOptions options;
  options.foldRepeats = false;
  options.layout.progress = Progress(&cancel);
  auto v = layoutView(*graph, model, options);
  ASSERT_FALSE(bool(v));
  EXPECT_EQ(llvm::errorToErrorCode(v.takeError()),
            std::errc::operation_canceled);
}
