//===- GraphTest.cpp - ModelGraph: regions, scopes, repeats, runs, chunks -===//

#include "TestModels.h"

#include "mlirscope/Graph/Graph.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <vector>

using namespace mlirscope;
using namespace mlirscope::testing;

namespace {

/// One layer: `%aK = addf(x, w)`, `%mK = mulf(%aK, second)` where `second`
/// is %aK (two edges inside the layer) or the weight (one).
struct Layer {
  std::string scope; ///< The location name's path, without the primitive.
  bool mulUsesWeight = false;
  bool torch = false; ///< A PyTorch module path: the name is the scope.
};

/// func @forward: a weight constant (no name: no scope), the layers in
/// order, each using the previous one's result, and the return.
std::string layeredModel(const std::vector<Layer> &layers) {
  std::string s = "module {\n"
                  "  func.func @forward(%arg0: tensor<4xf32>) -> "
                  "tensor<4xf32> {\n"
                  "    %w = arith.constant dense_resource<w0> : "
                  "tensor<4xf32>\n";
  std::string x = "%arg0";
  for (size_t k = 0; k < layers.size(); ++k) {
    const Layer &l = layers[k];
    std::string a = "%a" + std::to_string(k), m = "%m" + std::to_string(k);
    auto loc = [&](const char *prim) {
      return l.torch ? " loc(\"" + l.scope + "\")\n"
                     : " loc(\"" + l.scope + "/" + prim + "\")\n";
    };
    s +=
        "    " + a + " = arith.addf " + x + ", %w : tensor<4xf32>" + loc("add");
    s += "    " + m + " = arith.mulf " + a + ", " +
         (l.mulUsesWeight ? std::string("%w") : a) + " : tensor<4xf32>" +
         loc("mul");
    x = m;
  }
  s += "    return " + x +
       " : tensor<4xf32>\n  }\n}\n"
       "{-#\n  dialect_resources: {\n    builtin: {\n      w0: \"" +
       blobHex(f32Bytes({1, 2, 3, 4})) + "\"\n    }\n  }\n#-}\n";
  return s;
}

std::vector<Layer> numberedLayers(unsigned n, const std::string &prefix) {
  std::vector<Layer> layers;
  for (unsigned k = 0; k < n; ++k)
    layers.push_back({prefix + std::to_string(k)});
  return layers;
}

/// A chain of `n` adds without names, in one function.
std::string chainModel(unsigned n) {
  std::string s = "func.func @chain(%arg0: f32) -> f32 {\n";
  std::string x = "%arg0";
  for (unsigned k = 0; k < n; ++k) {
    std::string v = "%v" + std::to_string(k);
    s += "  " + v + " = arith.addf " + x + ", " + x + " : f32\n";
    x = v;
  }
  return s + "  return " + x + " : f32\n}\n";
}

llvm::Expected<ModelGraph> build(const ModelIndex &index,
                                 const GraphOptions &options = {}) {
  return ModelGraph::build(index, options);
}

std::vector<std::string> labelsOf(const ModelGraph &g,
                                  const std::vector<GraphNodeRef> &refs) {
  std::vector<std::string> out;
  for (const GraphNodeRef &r : refs)
    out.push_back(r.isGroup ? g.group(r.id).label
                            : g.model().getOpName(g.model().ops[r.id]).str());
  return out;
}

/// The op of layer `k` of a layeredModel: 0 module, 1 func, 2 constant,
/// then add and mul of each layer.
uint32_t addOf(unsigned k) { return 3 + 2 * k; }

} // namespace

TEST(GraphTest, RepeatedLayersFoldIntoOneRun) {
  auto index =
      indexText("layers.mlir", layeredModel(numberedLayers(6, "model/layer_")));
  ASSERT_TRUE(index);
  ASSERT_EQ(index->ops.size(), 3u + 12u + 1u);
  auto graph = build(*index);
  ASSERT_TRUE(bool(graph)) << llvm::toString(graph.takeError());

  // root > builtin.module > func.func @forward > {constant, model, return}.
  const GraphGroup &root = graph->group(ModelGraph::kRoot);
  EXPECT_EQ(root.kind, GraphGroup::Kind::Root);
  EXPECT_EQ(root.numOps, 16u);
  ASSERT_EQ(root.children.size(), 1u);
  ASSERT_TRUE(root.children[0].isGroup);
  const GraphGroup &module = graph->group(root.children[0].id);
  EXPECT_EQ(module.kind, GraphGroup::Kind::Region);
  EXPECT_EQ(module.label, "builtin.module");
  EXPECT_EQ(module.op, 0u);

  uint32_t func = graph->findFunction("forward");
  ASSERT_NE(func, kNone);
  EXPECT_EQ(graph->group(func).label, "func.func @forward");
  EXPECT_EQ(graph->group(func).kind, GraphGroup::Kind::Region);
  EXPECT_EQ(graph->group(func).op, 1u);
  EXPECT_EQ(graph->group(func).numOps, 15u); // itself and 14 inside
  EXPECT_EQ(
      labelsOf(*graph, graph->group(func).children),
      (std::vector<std::string>{"arith.constant", "model", "func.return"}));

  uint32_t model = graph->findGroup("builtin.module/func.func @forward/model");
  ASSERT_NE(model, kNone);
  const GraphGroup &m = graph->group(model);
  EXPECT_EQ(m.kind, GraphGroup::Kind::Scope);
  EXPECT_EQ(m.numOps, 12u);
  ASSERT_EQ(m.children.size(), 6u);
  uint32_t cls = graph->group(m.children[0].id).repeatClass;
  EXPECT_NE(cls, kNone);
  for (unsigned k = 0; k < 6; ++k) {
    ASSERT_TRUE(m.children[k].isGroup);
    const GraphGroup &layer = graph->group(m.children[k].id);
    EXPECT_EQ(layer.label, "layer_" + std::to_string(k));
    EXPECT_EQ(layer.kind, GraphGroup::Kind::Scope);
    EXPECT_EQ(layer.numOps, 2u);
    EXPECT_EQ(layer.repeatClass, cls) << k;
    EXPECT_TRUE(layer.runs.empty());
    EXPECT_EQ(labelsOf(*graph, layer.children),
              (std::vector<std::string>{"arith.addf", "arith.mulf"}));
  }
  // One run of all six.
  EXPECT_EQ(m.runs, (std::vector<std::pair<uint32_t, uint32_t>>{{0, 6}}));
  EXPECT_TRUE(graph->group(func).runs.empty());
}

TEST(GraphTest, BytecodeGroupsLikeText) {
  // Bytecode decodes the locations itself (AttrTypeReader); the hierarchy is
  // the one MLIR's parse of the text gives.
  std::string text = layeredModel(numberedLayers(5, "model/layer_"));
  TempDir dir;
  auto bc = bytecodeOf(dir, "layers", text);
  ASSERT_TRUE(bc);
  auto tx = indexText("layers.mlir", text);
  ASSERT_TRUE(tx);
  auto gb = build(*bc), gt = build(*tx);
  ASSERT_TRUE(bool(gb)) << llvm::toString(gb.takeError());
  ASSERT_TRUE(bool(gt)) << llvm::toString(gt.takeError());
  ASSERT_EQ(gb->groups().size(), gt->groups().size());
  for (size_t g = 0; g < gb->groups().size(); ++g) {
    const GraphGroup &a = gb->group(g), &b = gt->group(g);
    EXPECT_EQ(a.label, b.label) << g;
    EXPECT_EQ(a.kind, b.kind) << g;
    EXPECT_EQ(a.numOps, b.numOps) << g;
    EXPECT_EQ(a.children, b.children) << g;
    EXPECT_EQ(a.runs, b.runs) << g;
    EXPECT_EQ(a.repeatClass, b.repeatClass) << g;
  }
  uint32_t model = gb->findGroup("builtin.module/func.func @forward/model");
  ASSERT_NE(model, kNone);
  EXPECT_EQ(gb->group(model).runs,
            (std::vector<std::pair<uint32_t, uint32_t>>{{0, 5}}));
}

TEST(GraphTest, PyTorchModulePathsKeepLayerNumbers) {
  std::vector<Layer> layers;
  for (unsigned k = 0; k < 3; ++k)
    layers.push_back({"model.layers." + std::to_string(k), false, true});
  auto index = indexText("torch.mlir", layeredModel(layers));
  ASSERT_TRUE(index);
  auto graph = build(*index);
  ASSERT_TRUE(bool(graph));
  uint32_t model = graph->findGroup("builtin.module/func.func @forward/model");
  ASSERT_NE(model, kNone);
  EXPECT_EQ(labelsOf(*graph, graph->group(model).children),
            (std::vector<std::string>{"layers.0", "layers.1", "layers.2"}));
  EXPECT_EQ(graph->group(model).runs,
            (std::vector<std::pair<uint32_t, uint32_t>>{{0, 3}}));
}

TEST(GraphTest, SameStructureWithOtherNamesRepeatsButIsNoRun) {
  // q_proj, k_proj, v_proj: one structure, not a sequence.
  auto index = indexText(
      "qkv.mlir",
      layeredModel({{"attn/q_proj"}, {"attn/k_proj"}, {"attn/v_proj"}}));
  ASSERT_TRUE(index);
  auto graph = build(*index);
  ASSERT_TRUE(bool(graph));
  uint32_t attn = graph->findGroup("builtin.module/func.func @forward/attn");
  ASSERT_NE(attn, kNone);
  const GraphGroup &g = graph->group(attn);
  ASSERT_EQ(g.children.size(), 3u);
  uint32_t cls = graph->group(g.children[0].id).repeatClass;
  EXPECT_NE(cls, kNone);
  EXPECT_EQ(graph->group(g.children[1].id).repeatClass, cls);
  EXPECT_EQ(graph->group(g.children[2].id).repeatClass, cls);
  EXPECT_TRUE(g.runs.empty());
}

TEST(GraphTest, DifferentWiringIsNoRepeat) {
  // layer_1 has the same ops as layer_0 and layer_2 but one edge inside
  // instead of two: not a repeat, and it breaks the run.
  auto index = indexText(
      "wiring.mlir", layeredModel({{"model/layer_0"},
                                   {"model/layer_1", /*mulUsesWeight=*/true},
                                   {"model/layer_2"}}));
  ASSERT_TRUE(index);
  auto graph = build(*index);
  ASSERT_TRUE(bool(graph));
  uint32_t model = graph->findGroup("builtin.module/func.func @forward/model");
  ASSERT_NE(model, kNone);
  const GraphGroup &g = graph->group(model);
  ASSERT_EQ(g.children.size(), 3u);
  uint32_t c0 = graph->group(g.children[0].id).repeatClass;
  EXPECT_NE(c0, kNone);
  EXPECT_EQ(graph->group(g.children[1].id).repeatClass, kNone);
  EXPECT_EQ(graph->group(g.children[2].id).repeatClass, c0);
  EXPECT_TRUE(g.runs.empty());
}

TEST(GraphTest, EdgesBetweenChildrenAreCounted) {
  auto index =
      indexText("edges.mlir", layeredModel(numberedLayers(4, "model/layer_")));
  ASSERT_TRUE(index);
  auto graph = build(*index);
  ASSERT_TRUE(bool(graph));
  uint32_t func = graph->findFunction("forward");
  uint32_t model = graph->findGroup("builtin.module/func.func @forward/model");
  ASSERT_NE(model, kNone);
  const GraphGroup &m = graph->group(model);

  // Layer k's add reads layer k-1's mul: one edge each.
  std::vector<GraphEdge> edges = graph->childEdges(model);
  ASSERT_EQ(edges.size(), 3u);
  for (unsigned k = 0; k < 3; ++k) {
    EXPECT_EQ(edges[k].from, m.children[k]) << k;
    EXPECT_EQ(edges[k].to, m.children[k + 1]) << k;
    EXPECT_EQ(edges[k].count, 1u) << k;
  }
  // Inside a layer: the mul reads the add twice.
  std::vector<GraphEdge> inner = graph->childEdges(m.children[2].id);
  ASSERT_EQ(inner.size(), 1u);
  EXPECT_EQ(inner[0].from, (GraphNodeRef{false, addOf(2)}));
  EXPECT_EQ(inner[0].to, (GraphNodeRef{false, addOf(2) + 1}));
  EXPECT_EQ(inner[0].count, 2u);

  // In the function: the weight feeds all four adds, the model the return;
  // sorted with ops before groups.
  std::vector<GraphEdge> top = graph->childEdges(func);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].from, (GraphNodeRef{false, 2}));
  EXPECT_EQ(top[0].to, (GraphNodeRef{true, model}));
  EXPECT_EQ(top[0].count, 4u);
  EXPECT_EQ(top[1].from, (GraphNodeRef{true, model}));
  EXPECT_EQ(top[1].to, (GraphNodeRef{false, uint32_t(index->ops.size() - 1)}));
  EXPECT_EQ(top[1].count, 1u);
}

TEST(GraphTest, Lookups) {
  auto index = indexText("lookups.mlir",
                         layeredModel(numberedLayers(4, "model/layer_")));
  ASSERT_TRUE(index);
  auto graph = build(*index);
  ASSERT_TRUE(bool(graph));
  uint32_t module = graph->group(ModelGraph::kRoot).children[0].id;
  uint32_t func = graph->findFunction("forward");
  uint32_t model = graph->findGroup("builtin.module/func.func @forward/model");
  uint32_t layer2 =
      graph->findGroup("builtin.module/func.func @forward/model/layer_2");
  ASSERT_NE(layer2, kNone);
  EXPECT_EQ(graph->group(layer2).label, "layer_2");
  EXPECT_EQ(graph->group(layer2).parent, model);

  EXPECT_EQ(graph->parentGroupOf(addOf(2)), layer2);
  EXPECT_EQ(graph->parentGroupOf(addOf(2) + 1), layer2);
  EXPECT_EQ(graph->parentGroupOf(2), func);   // the constant
  EXPECT_EQ(graph->parentGroupOf(1), module); // func's op sits in the module
  EXPECT_EQ(graph->regionGroupOf(1), func);
  EXPECT_EQ(graph->regionGroupOf(0), module);
  EXPECT_EQ(graph->regionGroupOf(2), kNone);

  auto holder = graph->childHolding(func, addOf(2));
  ASSERT_TRUE(holder);
  EXPECT_EQ(*holder, (GraphNodeRef{true, model}));
  holder = graph->childHolding(layer2, addOf(2));
  ASSERT_TRUE(holder);
  EXPECT_EQ(*holder, (GraphNodeRef{false, addOf(2)}));
  // The func op itself, seen from the module: its Region group.
  holder = graph->childHolding(module, 1);
  ASSERT_TRUE(holder);
  EXPECT_EQ(*holder, (GraphNodeRef{true, func}));
  EXPECT_FALSE(graph->childHolding(layer2, addOf(1)));
  EXPECT_FALSE(graph->childHolding(func, 100000));

  EXPECT_EQ(graph->pathTo(layer2),
            (std::vector<uint32_t>{module, func, model, layer2}));
  EXPECT_TRUE(graph->pathTo(ModelGraph::kRoot).empty());
  EXPECT_EQ(graph->findGroup("builtin.module/func.func @forward/model/layer_9"),
            kNone);
  EXPECT_EQ(graph->findGroup("model"), kNone); // paths start at the root
  EXPECT_EQ(graph->findFunction("backward"), kNone);
}

TEST(GraphTest, WithoutScopesOnlyRegionsGroup) {
  auto index =
      indexText("flat.mlir", layeredModel(numberedLayers(3, "model/layer_")));
  ASSERT_TRUE(index);
  GraphOptions options;
  options.scopes = false;
  auto graph = build(*index, options);
  ASSERT_TRUE(bool(graph));
  uint32_t func = graph->findFunction("forward");
  ASSERT_NE(func, kNone);
  const GraphGroup &f = graph->group(func);
  // The constant, six ops of the layers, the return: all ops, no groups.
  ASSERT_EQ(f.children.size(), 8u);
  for (const GraphNodeRef &c : f.children)
    EXPECT_FALSE(c.isGroup);
  EXPECT_EQ(graph->groups().size(), 3u); // root, module, func
}

TEST(GraphTest, OversizedGroupsAreCutIntoChunksOfAThousand) {
  // 2,500 adds and the return: 2,501 children of the function.
  auto index = indexText("chain.mlir", chainModel(2500));
  ASSERT_TRUE(index);
  ASSERT_EQ(index->ops.size(), 2u + 2501u);
  auto graph = build(*index);
  ASSERT_TRUE(bool(graph));
  uint32_t func = graph->findFunction("chain");
  ASSERT_NE(func, kNone);
  const GraphGroup &f = graph->group(func);
  EXPECT_EQ(f.numOps, 2502u);
  ASSERT_EQ(f.children.size(), 3u);
  std::vector<std::string> labels;
  std::vector<uint32_t> sizes;
  for (const GraphNodeRef &c : f.children) {
    ASSERT_TRUE(c.isGroup);
    EXPECT_EQ(graph->group(c.id).kind, GraphGroup::Kind::Chunk);
    EXPECT_EQ(graph->group(c.id).parent, func);
    labels.push_back(graph->group(c.id).label);
    sizes.push_back(graph->group(c.id).numOps);
  }
  EXPECT_EQ(labels,
            (std::vector<std::string>{"0-999", "1000-1999", "2000-2500"}));
  EXPECT_EQ(sizes, (std::vector<uint32_t>{1000, 1000, 501}));
  // Chunks keep program order: the second starts with op 1002 (module,
  // func, then the adds).
  const GraphGroup &second = graph->group(f.children[1].id);
  ASSERT_EQ(second.children.size(), 1000u);
  EXPECT_EQ(second.children.front(), (GraphNodeRef{false, 1002}));
  EXPECT_EQ(graph->parentGroupOf(1002), f.children[1].id);
  // Chunk edges: each hands one value to the next.
  std::vector<GraphEdge> edges = graph->childEdges(func);
  ASSERT_EQ(edges.size(), 2u);
  EXPECT_EQ(edges[0].count, 2u); // the add reads the previous value twice
}

TEST(GraphTest, MaxChildrenCutsSmallGroups) {
  auto index = indexText("chain.mlir", chainModel(9));
  ASSERT_TRUE(index);
  GraphOptions options;
  options.maxChildren = 4;
  auto graph = build(*index, options);
  ASSERT_TRUE(bool(graph));
  const GraphGroup &f = graph->group(graph->findFunction("chain"));
  EXPECT_EQ(labelsOf(*graph, f.children),
            (std::vector<std::string>{"0-3", "4-7", "8-9"}));
}

TEST(GraphTest, MaxChildrenZeroMeansOneAChunk) {
  // Used to step through the units by zero, for ever.
  auto index = indexText("chain.mlir", chainModel(3));
  ASSERT_TRUE(index);
  GraphOptions options;
  options.maxChildren = 0;
  auto graph = build(*index, options);
  ASSERT_TRUE(bool(graph));
  const GraphGroup &f = graph->group(graph->findFunction("chain"));
  EXPECT_EQ(labelsOf(*graph, f.children).size(), 4u);
}

TEST(GraphTest, RunsCountAsOneChildBeforeChunking) {
  // Eight layers and a few other ops under `model`: with at most four
  // children a group, the run is one unit, so nothing is cut.
  auto index =
      indexText("deep.mlir", layeredModel(numberedLayers(8, "model/layer_")));
  ASSERT_TRUE(index);
  GraphOptions options;
  options.maxChildren = 4;
  auto graph = build(*index, options);
  ASSERT_TRUE(bool(graph));
  for (const GraphGroup &g : graph->groups())
    EXPECT_NE(g.kind, GraphGroup::Kind::Chunk) << g.label;
  uint32_t model = graph->findGroup("builtin.module/func.func @forward/model");
  ASSERT_NE(model, kNone);
  EXPECT_EQ(graph->group(model).children.size(), 8u);
  EXPECT_EQ(graph->group(model).runs,
            (std::vector<std::pair<uint32_t, uint32_t>>{{0, 8}}));
}

TEST(GraphTest, CancelledBuildFails) {
  auto index =
      indexText("cancel.mlir", layeredModel(numberedLayers(2, "model/layer_")));
  ASSERT_TRUE(index);
  std::atomic<bool> cancel{true};
  GraphOptions options;
  options.progress = Progress(&cancel);
  auto graph = build(*index, options);
  ASSERT_FALSE(bool(graph));
  std::error_code ec = llvm::errorToErrorCode(graph.takeError());
  EXPECT_EQ(ec, std::errc::operation_canceled);
}
