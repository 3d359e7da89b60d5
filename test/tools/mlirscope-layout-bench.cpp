//===- mlirscope-layout-bench.cpp - Graphs and crossings for bench/layout.sh
//===//
//
// Part of the mlirscope project.
//
// Generates the benchmark's graphs, lays them out with layoutGraph, and
// counts the crossings of Graphviz's and dagre's drawings of the same graphs
// with the same counter (countDrawingCrossings):
//
//   mlirscope-layout-bench gen SHAPE N SEED dot|json OUT
//   mlirscope-layout-bench layout SHAPE N SEED [SWEEPS]
//   mlirscope-layout-bench layout-json FILE [SWEEPS]
//   mlirscope-layout-bench svg SHAPE N SEED OUT     (our layout, to look at)
//   mlirscope-layout-bench crossings-dot PLAIN      (dot -Tplain output)
//   mlirscope-layout-bench crossings-dot-all PLAIN  (of several graphs: the sum)
//   mlirscope-layout-bench crossings-dagre JSON     (bench/layout-node output)
//   mlirscope-layout-bench compare DOT [PLAIN] [DAGRE]
//       each digraph of DOT (as the viewer's layout-graphs and `gen` write
//       them) laid out by us, against dot's drawing of the same file (dot
//       -Tplain) and dagre's (bench/layout-node output of `json-all`):
//       one line of key=value with the sums of crossings and widths, the
//       widest ratio to dot's and how many graphs cross more than dot's
//   mlirscope-layout-bench json-all DOT OUT         (DOT's graphs as JSON)
//   mlirscope-layout-bench svg-dot DOT I OUT        (our layout of graph I)
//
// SHAPE: random (layers of ~20 nodes, edges mostly to the next layer, some
// skip up to 3), transformer (~100 ops per layer with two residual edges
// skipping ~50 ops, weights as constant ops, rotary tables shared by every
// layer), chain, star. `layout` prints one line of key=value.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Layout/Layout.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstdlib>
#include <map>
#include <random>
#include <sstream>
#include <string>

using namespace mlirscope;

/// A graph as dagre-layout.js reads it: {"nodes":[[w,h],...],"edges":
/// [[from,to],...]}.
static void writeGraphJson(llvm::raw_ostream &os, const LayoutGraph &graph) {
  os << "{\"nodes\":[";
  for (size_t v = 0; v < graph.nodes.size(); ++v)
    os << (v ? "," : "")
       << llvm::format("[%.4f,%.4f]", graph.nodes[v].width,
                       graph.nodes[v].height);
  os << "],\"edges\":[";
  for (size_t e = 0; e < graph.edges.size(); ++e)
    os << (e ? "," : "") << "[" << graph.edges[e].from << ","
       << graph.edges[e].to << "]";
  os << "]}";
}

namespace {

constexpr double kNodeWidth = 80, kNodeHeight = 24;

[[noreturn]] void fail(const llvm::Twine &message) {
  llvm::errs() << "mlirscope-layout-bench: " << message << "\n";
  std::exit(1);
}

uint32_t below(std::mt19937 &rng, uint32_t bound) { return rng() % bound; }

LayoutGraph randomLayered(uint32_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  LayoutGraph graph;
  graph.nodes.assign(n, {kNodeWidth, kNodeHeight});
  // Layers of 10..30 nodes; node ids in layer order.
  std::vector<uint32_t> layerStart = {0};
  while (layerStart.back() < n)
    layerStart.push_back(std::min(n, layerStart.back() + 10 + below(rng, 21)));
  for (size_t l = 1; l + 1 < layerStart.size(); ++l)
    for (uint32_t v = layerStart[l]; v < layerStart[l + 1]; ++v) {
      uint32_t preds = 1 + below(rng, 3);
      for (uint32_t i = 0; i < preds; ++i) {
        size_t back = below(rng, 10) < 7 ? 1 : 2 + below(rng, 3);
        size_t from = l >= back ? l - back : 0;
        uint32_t size = layerStart[from + 1] - layerStart[from];
        graph.edges.push_back({layerStart[from] + below(rng, size), v});
      }
    }
  return graph;
}

/// A decoder-only transformer as an op graph, about `n` ops.
LayoutGraph transformer(uint32_t n, uint32_t seed) {
  (void)seed;
  LayoutGraph graph;
  auto op = [&](std::initializer_list<uint32_t> operands) {
    uint32_t id = graph.nodes.size();
    graph.nodes.push_back({kNodeWidth, kNodeHeight});
    for (uint32_t operand : operands)
      graph.edges.push_back({operand, id});
    return id;
  };
  auto weight = [&] { return op({}); };
  auto chain = [&](uint32_t x, unsigned length) {
    for (unsigned i = 0; i < length; ++i)
      x = op({x});
    return x;
  };
  auto rmsNorm = [&](uint32_t x) {
    uint32_t sq = op({x, x}), mean = op({sq}), eps = op({mean}),
             rsqrt = op({eps}), scaled = op({x, rsqrt});
    return op({scaled, weight()});
  };
  auto linear = [&](uint32_t x) { return op({x, weight()}); };
  uint32_t tokens = op({});
  uint32_t cosTable = op({}), sinTable = op({});
  auto rope = [&](uint32_t x) {
    uint32_t c = op({x, cosTable}), half = chain(x, 2), neg = op({half}),
             rot = op({neg, half}), s = op({rot, sinTable});
    return op({c, s});
  };
  uint32_t x = op({tokens, weight()}); // embedding gather
  while (graph.nodes.size() + 100 <= std::max<size_t>(n, 100)) {
    // Attention: ~50 ops between x and the first residual add.
    uint32_t h = rmsNorm(x);
    uint32_t q = rope(chain(linear(h), 2)), k = rope(chain(linear(h), 2));
    uint32_t v = chain(linear(h), 2);
    uint32_t kt = op({k});
    uint32_t scores = op({q, kt}), scaled = op({scores}), masked = op({scaled});
    uint32_t max = op({masked}), shifted = op({masked, max}), e = op({shifted}),
             sum = op({e}), probs = op({e, sum});
    uint32_t ctx = chain(op({probs, v}), 3);
    uint32_t attn = chain(linear(ctx), 2);
    uint32_t x1 = op({x, attn});
    // MLP: ~40 ops between x1 and the second residual add.
    uint32_t h2 = rmsNorm(x1);
    uint32_t gate = chain(linear(h2), 3), up = chain(linear(h2), 3);
    uint32_t neg = op({gate}), ex = op({neg}), one = op({ex}),
             sig = op({gate, one}), silu = op({gate, sig});
    uint32_t prod = chain(op({silu, up}), 4);
    uint32_t down = chain(linear(prod), 6);
    x = op({x1, down});
  }
  op({linear(rmsNorm(x))});
  return graph;
}

LayoutGraph makeGraph(llvm::StringRef shape, uint32_t n, uint32_t seed) {
  if (shape == "random")
    return randomLayered(n, seed);
  if (shape == "transformer")
    return transformer(n, seed);
  LayoutGraph graph;
  graph.nodes.assign(n, {kNodeWidth, kNodeHeight});
  if (shape == "chain") {
    for (uint32_t v = 1; v < n; ++v)
      graph.edges.push_back({v - 1, v});
  } else if (shape == "star") {
    for (uint32_t v = 1; v < n; ++v)
      graph.edges.push_back({0, v});
  } else {
    fail("unknown shape " + shape);
  }
  return graph;
}

void writeGraph(const LayoutGraph &graph, llvm::StringRef format,
                llvm::StringRef path) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    fail("cannot write " + path + ": " + ec.message());
  if (format == "dot") {
    // Sizes in inches (72 points), separations as the layout's defaults.
    LayoutOptions defaults;
    os << llvm::format("digraph G {\n  nodesep=%.4f;\n  ranksep=%.4f;\n"
                       "  node [shape=box, fixedsize=true, label=\"\", "
                       "width=%.4f, height=%.4f];\n",
                       defaults.nodeSeparation / 72,
                       defaults.layerSeparation / 72, kNodeWidth / 72,
                       kNodeHeight / 72);
    for (size_t v = 0; v < graph.nodes.size(); ++v)
      os << "  n" << v << ";\n";
    for (const LayoutEdge &e : graph.edges)
      os << "  n" << e.from << " -> n" << e.to << ";\n";
    os << "}\n";
  } else if (format == "json") {
    writeGraphJson(os, graph);
    os << "\n";
  } else {
    fail("unknown format " + format);
  }
}

std::unique_ptr<llvm::MemoryBuffer> readFile(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    fail("cannot read " + path + ": " + buffer.getError().message());
  return std::move(*buffer);
}

llvm::json::Value parseJson(llvm::StringRef path) {
  auto buffer = readFile(path);
  llvm::Expected<llvm::json::Value> value =
      llvm::json::parse(buffer->getBuffer());
  if (!value)
    fail(path + ": " + llvm::toString(value.takeError()));
  return std::move(*value);
}

LayoutGraph readJsonGraph(llvm::StringRef path) {
  llvm::json::Value value = parseJson(path);
  LayoutGraph graph;
  llvm::json::Object *root = value.getAsObject();
  for (const llvm::json::Value &node : *root->getArray("nodes")) {
    const llvm::json::Array &size = *node.getAsArray();
    graph.nodes.push_back({*size[0].getAsNumber(), *size[1].getAsNumber()});
  }
  for (const llvm::json::Value &edge : *root->getArray("edges")) {
    const llvm::json::Array &ends = *edge.getAsArray();
    graph.edges.push_back(
        {uint32_t(*ends[0].getAsInteger()), uint32_t(*ends[1].getAsInteger())});
  }
  return graph;
}

/// The distinct y of the node centers: the drawing's layers.
std::vector<double> linesOf(const std::vector<LayoutPoint> &centers) {
  std::vector<double> lines;
  for (LayoutPoint c : centers)
    lines.push_back(c.y);
  std::sort(lines.begin(), lines.end());
  // Nodes of one rank share their y up to the tools' rounding.
  std::vector<double> merged;
  for (double y : lines)
    if (merged.empty() || y - merged.back() > 1e-3)
      merged.push_back(y);
  return merged;
}

struct Drawing {
  std::vector<LayoutPoint> centers;
  std::vector<LayoutEdge> edges;
  std::vector<uint32_t> edgePointBegin = {0};
  std::vector<LayoutPoint> edgePoints;

  uint64_t crossings() const {
    return countDrawingCrossings(linesOf(centers), centers, edges,
                                 edgePointBegin, edgePoints);
  }
};

/// dot -Tplain: `node NAME X Y ...` and `edge TAIL HEAD N X1 Y1 ...`, in
/// inches with y up; names are nI.
/// Each drawing in dot -Tplain output (one per graph of the input, each
/// ending with `stop`).
std::vector<Drawing> readDotPlainAll(llvm::StringRef path) {
  auto buffer = readFile(path);
  std::istringstream in(buffer->getBuffer().str());
  std::vector<Drawing> drawings(1);
  auto index = [](const std::string &name) {
    if (name.size() < 2 || name[0] != 'n')
      fail("unexpected node name " + name);
    return uint32_t(std::stoul(name.substr(1)));
  };
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string kind;
    words >> kind;
    Drawing &drawing = drawings.back();
    if (kind == "stop") {
      drawings.emplace_back();
    } else if (kind == "node") {
      std::string name;
      double x, y;
      words >> name >> x >> y;
      uint32_t v = index(name);
      if (drawing.centers.size() <= v)
        drawing.centers.resize(v + 1);
      drawing.centers[v] = {x * 72, -y * 72};
    } else if (kind == "edge") {
      std::string tail, head;
      unsigned count;
      words >> tail >> head >> count;
      drawing.edges.push_back({index(tail), index(head)});
      for (unsigned i = 0; i < count; ++i) {
        double x, y;
        words >> x >> y;
        drawing.edgePoints.push_back({x * 72, -y * 72});
      }
      drawing.edgePointBegin.push_back(drawing.edgePoints.size());
    }
  }
  if (drawings.size() > 1 && drawings.back().centers.empty())
    drawings.pop_back();
  return drawings;
}

Drawing readDotPlain(llvm::StringRef path) {
  return readDotPlainAll(path).front();
}

/// bench/layout-node/dagre-layout.js's output: nodes [[x, y]...] in input
/// order, edges [[from, to, [[x, y]...]]...].
Drawing readDagreDrawing(const llvm::json::Object &drawingJson) {
  const llvm::json::Object *root = &drawingJson;
  Drawing drawing;
  for (const llvm::json::Value &node : *root->getArray("nodes")) {
    const llvm::json::Array &p = *node.getAsArray();
    drawing.centers.push_back({*p[0].getAsNumber(), *p[1].getAsNumber()});
  }
  for (const llvm::json::Value &edge : *root->getArray("edges")) {
    const llvm::json::Array &e = *edge.getAsArray();
    drawing.edges.push_back(
        {uint32_t(*e[0].getAsInteger()), uint32_t(*e[1].getAsInteger())});
    for (const llvm::json::Value &point : *e[2].getAsArray()) {
      const llvm::json::Array &p = *point.getAsArray();
      drawing.edgePoints.push_back({*p[0].getAsNumber(), *p[1].getAsNumber()});
    }
    drawing.edgePointBegin.push_back(drawing.edgePoints.size());
  }
  return drawing;
}

Drawing readDagre(llvm::StringRef path) {
  llvm::json::Value value = parseJson(path);
  return readDagreDrawing(*value.getAsObject());
}

std::vector<LayoutGraph> readDotGraphs(llvm::StringRef path);

/// A plain SVG of our layout, to look at.
void writeSvg(const LayoutGraph &graph, llvm::StringRef path) {
  llvm::Expected<LayoutResult> result = layoutGraph(graph);
  if (!result)
    fail(llvm::toString(result.takeError()));
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    fail("cannot write " + path + ": " + ec.message());
  const LayoutBounds &box = result->bounds;
  os << llvm::format("<svg xmlns=\"http://www.w3.org/2000/svg\" "
                     "viewBox=\"%.1f %.1f %.1f %.1f\">\n",
                     box.minX - 10, box.minY - 10, box.maxX - box.minX + 20,
                     box.maxY - box.minY + 20);
  os << "<rect x=\"-10000\" y=\"-10000\" width=\"100%\" height=\"100%\" "
        "fill=\"white\"/>\n";
  for (size_t e = 0; e < graph.edges.size(); ++e) {
    os << "<polyline fill=\"none\" stroke=\"#4060c0\" points=\"";
    for (LayoutPoint p : result->edgePolyline(e))
      os << llvm::format("%.1f,%.1f ", p.x, p.y);
    os << "\"/>\n";
  }
  for (size_t v = 0; v < graph.nodes.size(); ++v) {
    LayoutPoint c = result->centers[v];
    LayoutSize s = graph.nodes[v];
    os << llvm::format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                       "height=\"%.1f\" fill=\"#f0e0b0\" stroke=\"black\"/>"
                       "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
                       "text-anchor=\"middle\">%zu</text>\n",
                       c.x - s.width / 2, c.y - s.height / 2, s.width, s.height,
                       c.x, c.y + 4, v);
  }
  os << "</svg>\n";
}

/// The layout's defaults; for tuning, MLIRSCOPE_LAYOUT_WORK_PER_ITEM,
/// _MAX_SWEEPS and _WITHOUT_GAIN override the crossing-reduction budget's.
LayoutOptions benchOptions() {
  LayoutOptions options;
  if (const char *v = std::getenv("MLIRSCOPE_LAYOUT_WORK_PER_ITEM"))
    options.sweepWorkPerItem = std::strtoull(v, nullptr, 10);
  if (const char *v = std::getenv("MLIRSCOPE_LAYOUT_MAX_SWEEPS"))
    options.maxSweeps = std::strtoul(v, nullptr, 10);
  if (const char *v = std::getenv("MLIRSCOPE_LAYOUT_WITHOUT_GAIN"))
    options.sweepsWithoutGain = std::strtoul(v, nullptr, 10);
  return options;
}

int layOut(const LayoutGraph &graph, int sweeps) {
  LayoutOptions options = benchOptions();
  if (sweeps >= 0)
    options.maxSweeps = sweeps;
  auto start = std::chrono::steady_clock::now();
  // MLIRSCOPE_LAYOUT_PHASES=1: when each phase starts, on stderr.
  if (std::getenv("MLIRSCOPE_LAYOUT_PHASES")) {
    options.progress = [start, last = std::string()](
                           uint64_t, uint64_t, llvm::StringRef phase) mutable {
      if (phase == last)
        return;
      last = phase.str();
      llvm::errs() << llvm::format("%8.1f ms %s\n",
                                   std::chrono::duration<double, std::milli>(
                                       std::chrono::steady_clock::now() - start)
                                       .count(),
                                   last.c_str());
    };
  }
  llvm::Expected<LayoutResult> result = layoutGraph(graph, options);
  double ms = std::chrono::duration<double, std::milli>(
                  std::chrono::steady_clock::now() - start)
                  .count();
  // MLIRSCOPE_LAYOUT_REPEAT=N: the best of N layouts (small graphs take
  // about a millisecond, less than the noise of a process start).
  if (const char *repeat = std::getenv("MLIRSCOPE_LAYOUT_REPEAT")) {
    options.progress = nullptr;
    for (int i = 1; i < std::atoi(repeat); ++i) {
      auto again = std::chrono::steady_clock::now();
      llvm::Expected<LayoutResult> other = layoutGraph(graph, options);
      if (!other)
        fail(llvm::toString(other.takeError()));
      ms = std::min(ms, std::chrono::duration<double, std::milli>(
                            std::chrono::steady_clock::now() - again)
                            .count());
    }
  }
  if (!result)
    fail(llvm::toString(result.takeError()));
  llvm::outs() << "layout_ms=" << llvm::format("%.1f", ms)
               << " nodes=" << graph.nodes.size()
               << " edges=" << graph.edges.size()
               << " layers=" << result->layerY.size()
               << " dummies=" << result->dummyNodes
               << " sweeps=" << result->sweeps
               << " crossings=" << result->crossings
               << " width=" << llvm::format("%.0f", result->bounds.maxX)
               << " height=" << llvm::format("%.0f", result->bounds.maxY)
               << "\n";
  return 0;
}


/// The digraphs of a file written by `gen ... dot` or the viewer's
/// layout-graphs: node sizes in inches (a `node [...]` default or per node),
/// nodes named nI, one `nA -> nB;` per edge. Separations are the layout's
/// defaults in both writers.
std::vector<LayoutGraph> readDotGraphs(llvm::StringRef path) {
  auto buffer = readFile(path);
  std::vector<LayoutGraph> graphs;
  double defaultWidth = 0, defaultHeight = 0;
  auto attribute = [](llvm::StringRef text, llvm::StringRef name,
                      double &value) {
    size_t at = text.find((name + "=").str());
    if (at == llvm::StringRef::npos)
      return;
    llvm::StringRef rest = text.drop_front(at + name.size() + 1);
    rest = rest.take_until([](char c) { return c == ',' || c == ']'; });
    double parsed;
    if (!rest.trim().getAsDouble(parsed))
      value = parsed * 72;
  };
  auto index = [](llvm::StringRef name) {
    uint32_t v;
    if (!name.consume_front("n") || name.getAsInteger(10, v))
      fail("unexpected node name " + name);
    return v;
  };
  llvm::SmallVector<llvm::StringRef, 0> lines;
  buffer->getBuffer().split(lines, '\n');
  for (llvm::StringRef line : lines) {
    line = line.trim();
    if (line.starts_with("digraph")) {
      graphs.emplace_back();
      defaultWidth = defaultHeight = 0;
    } else if (line.starts_with("node [")) {
      attribute(line, "width", defaultWidth);
      attribute(line, "height", defaultHeight);
    } else if (line.size() > 1 && line[0] == 'n' && llvm::isDigit(line[1]) &&
               !graphs.empty()) {
      llvm::StringRef statement = line.take_until(
          [](char c) { return c == ';' || c == ' ' || c == '['; });
      size_t arrow = line.find("->");
      if (arrow != llvm::StringRef::npos) {
        llvm::StringRef to = line.drop_front(arrow + 2).trim().take_until(
            [](char c) { return c == ';' || c == ' '; });
        graphs.back().edges.push_back({index(statement), index(to)});
        continue;
      }
      uint32_t v = index(statement);
      LayoutGraph &graph = graphs.back();
      if (graph.nodes.size() <= v)
        graph.nodes.resize(v + 1, {defaultWidth, defaultHeight});
      LayoutSize &size = graph.nodes[v];
      size = {defaultWidth, defaultHeight};
      attribute(line, "width", size.width);
      attribute(line, "height", size.height);
    }
  }
  return graphs;
}

/// Width of a drawing: its nodes' boxes and its edge points.
double drawingWidth(const Drawing &drawing, const LayoutGraph &graph) {
  double lo = INFINITY, hi = -INFINITY;
  for (size_t v = 0; v < drawing.centers.size() && v < graph.nodes.size();
       ++v) {
    lo = std::min(lo, drawing.centers[v].x - graph.nodes[v].width / 2);
    hi = std::max(hi, drawing.centers[v].x + graph.nodes[v].width / 2);
  }
  for (LayoutPoint p : drawing.edgePoints) {
    lo = std::min(lo, p.x);
    hi = std::max(hi, p.x);
  }
  return hi > lo ? hi - lo : 0;
}

void writeJsonGraphs(const std::vector<LayoutGraph> &graphs,
                     llvm::StringRef path) {
  std::error_code ec;
  llvm::raw_fd_ostream os(path, ec);
  if (ec)
    fail("cannot write " + path + ": " + ec.message());
  os << "{\"graphs\":[";
  for (size_t i = 0; i < graphs.size(); ++i) {
    const LayoutGraph &graph = graphs[i];
    os << (i ? "," : "");
    writeGraphJson(os, graph);
  }
  os << "]}\n";
}

/// Ours against dot's and dagre's drawings of the same graphs.
int compare(llvm::StringRef dotPath, llvm::StringRef plainPath,
            llvm::StringRef dagrePath) {
  std::vector<LayoutGraph> graphs = readDotGraphs(dotPath);
  std::vector<Drawing> dot, dagre;
  if (!plainPath.empty() && plainPath != "-")
    dot = readDotPlainAll(plainPath);
  if (!dagrePath.empty() && dagrePath != "-") {
    llvm::json::Value value = parseJson(dagrePath);
    if (llvm::json::Array *all = value.getAsObject()->getArray("drawings"))
      for (llvm::json::Value &one : *all)
        dagre.push_back(readDagreDrawing(*one.getAsObject()));
    else
      dagre.push_back(readDagreDrawing(*value.getAsObject()));
  }
  if (!dot.empty() && dot.size() != graphs.size())
    fail(llvm::Twine(dot.size()) + " dot drawings for " +
         llvm::Twine(graphs.size()) + " graphs");
  if (!dagre.empty() && dagre.size() != graphs.size())
    fail(llvm::Twine(dagre.size()) + " dagre drawings for " +
         llvm::Twine(graphs.size()) + " graphs");
  uint64_t ours = 0, dotCross = 0, dagreCross = 0, nodes = 0, edges = 0;
  double oursWidth = 0, dotWidth = 0, dagreWidth = 0, widest = 0, ms = 0;
  unsigned moreThanDot = 0;
  std::string worst, firstWorse;
  for (size_t i = 0; i < graphs.size(); ++i) {
    const LayoutGraph &graph = graphs[i];
    nodes += graph.nodes.size();
    edges += graph.edges.size();
    auto start = std::chrono::steady_clock::now();
    llvm::Expected<LayoutResult> laid = layoutGraph(graph, benchOptions());
    ms += std::chrono::duration<double, std::milli>(
              std::chrono::steady_clock::now() - start)
              .count();
    if (!laid)
      fail(llvm::toString(laid.takeError()));
    double width = laid->bounds.maxX - laid->bounds.minX;
    ours += laid->crossings;
    oursWidth += width;
    if (!dot.empty()) {
      uint64_t x = dot[i].crossings();
      double w = drawingWidth(dot[i], graph);
      dotCross += x;
      dotWidth += w;
      if (laid->crossings > x && moreThanDot++ == 0)
        firstWorse = "graph " + std::to_string(i);
      if (w > 0 && width / w > widest) {
        widest = width / w;
        worst = "graph " + std::to_string(i);
      }
    }
    if (!dagre.empty()) {
      dagreCross += dagre[i].crossings();
      dagreWidth += drawingWidth(dagre[i], graph);
    }
  }
  llvm::outs() << "graphs=" << graphs.size() << " nodes=" << nodes
               << " edges=" << edges
               << " layout_ms=" << llvm::format("%.2f", ms)
               << " crossings=" << ours
               << " width=" << llvm::format("%.0f", oursWidth);
  if (!dot.empty())
    llvm::outs() << " dot_crossings=" << dotCross
                 << " dot_width=" << llvm::format("%.0f", dotWidth)
                 << " more_than_dot=" << moreThanDot << " first_worse="
                 << (firstWorse.empty() ? "-" : firstWorse.c_str())
                 << " widest_vs_dot=" << llvm::format("%.2f", widest)
                 << " widest_graph=" << (worst.empty() ? "-" : worst.c_str());
  if (!dagre.empty())
    llvm::outs() << " dagre_crossings=" << dagreCross
                 << " dagre_width=" << llvm::format("%.0f", dagreWidth);
  llvm::outs() << "\n";
  return 0;
}
} // namespace

int main(int argc, char **argv) {
  std::vector<llvm::StringRef> args(argv + 1, argv + argc);
  auto number = [&](size_t i) -> uint32_t {
    if (i >= args.size())
      fail("missing argument");
    uint32_t value;
    if (args[i].getAsInteger(10, value))
      fail("not a number: " + args[i]);
    return value;
  };
  if (args.empty())
    fail("usage: see the top of mlirscope-layout-bench.cpp");
  llvm::StringRef command = args[0];
  if (command == "gen" && args.size() == 6) {
    writeGraph(makeGraph(args[1], number(2), number(3)), args[4], args[5]);
    return 0;
  }
  if (command == "svg-dot" && args.size() == 4) {
    std::vector<LayoutGraph> graphs = readDotGraphs(args[1]);
    if (number(2) >= graphs.size())
      fail("no such graph");
    writeSvg(graphs[number(2)], args[3]);
    return 0;
  }
  if (command == "svg" && args.size() == 5) {
    writeSvg(makeGraph(args[1], number(2), number(3)), args[4]);
    return 0;
  }
  if (command == "layout" && (args.size() == 4 || args.size() == 5))
    return layOut(makeGraph(args[1], number(2), number(3)),
                  args.size() == 5 ? int(number(4)) : -1);
  if (command == "layout-json" && (args.size() == 2 || args.size() == 3))
    return layOut(readJsonGraph(args[1]),
                  args.size() == 3 ? int(number(2)) : -1);
  if (command == "crossings-dot" && args.size() == 2) {
    llvm::outs() << readDotPlain(args[1]).crossings() << "\n";
    return 0;
  }
  if (command == "crossings-dot-all" && args.size() == 2) {
    uint64_t sum = 0;
    std::vector<Drawing> drawings = readDotPlainAll(args[1]);
    for (const Drawing &d : drawings)
      sum += d.crossings();
    llvm::outs() << "graphs=" << drawings.size() << " crossings=" << sum
                 << "\n";
    return 0;
  }
  if (command == "compare" && args.size() >= 2 && args.size() <= 4)
    return compare(args[1], args.size() > 2 ? args[2] : "",
                   args.size() > 3 ? args[3] : "");
  if (command == "json-all" && args.size() == 3) {
    writeJsonGraphs(readDotGraphs(args[1]), args[2]);
    return 0;
  }
  if (command == "crossings-dagre" && args.size() == 2) {
    llvm::outs() << readDagre(args[1]).crossings() << "\n";
    return 0;
  }
  fail("usage: see the top of mlirscope-layout-bench.cpp");
}
