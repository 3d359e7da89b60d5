//===- GraphJson.cpp - A laid-out view as JSON ----------------------------===//

#include "mlirscope/Graph/GraphJson.h"

#include <nlohmann/json.hpp>

using namespace mlirscope;

const char *mlirscope::groupKindName(GraphGroup::Kind k) {
  switch (k) {
  case GraphGroup::Kind::Root:
    return "root";
  case GraphGroup::Kind::Region:
    return "region";
  case GraphGroup::Kind::Scope:
    return "scope";
  case GraphGroup::Kind::Chunk:
    return "chunk";
  }
  return "?";
}

std::string mlirscope::graphToJson(const ModelGraph &graph,
                                   const GraphView &view) {
  using nlohmann::json;
  json nodes = json::array();
  for (const ViewNode &n : view.nodes) {
    json j = {{"kind", n.ref.isGroup ? groupKindName(graph.group(n.ref.id).kind)
                                     : "op"},
              {"label", n.label},
              {"detail", n.detail},
              {"x", n.x},
              {"y", n.y},
              {"width", n.width},
              {"height", n.height},
              {"container",
               n.container == kNone ? json(nullptr) : json(n.container)}};
    if (n.ref.isGroup) {
      const GraphGroup &g = graph.group(n.ref.id);
      j["group"] = n.ref.id;
      j["ops"] = g.numOps;
      j["expanded"] = n.expanded;
      j["repeats"] = n.repeats;
      j["repeat_class"] =
          g.repeatClass == kNone ? json(nullptr) : json(g.repeatClass);
    } else {
      j["op"] = n.ref.id;
    }
    if (!n.weight.empty())
      j["weight"] = n.weight;
    nodes.push_back(std::move(j));
  }
  json edges = json::array();
  for (const ViewEdge &e : view.edges) {
    json points = json::array();
    for (const LayoutPoint &p : e.points)
      points.push_back({p.x, p.y});
    edges.push_back(
        {{"from", e.from}, {"to", e.to}, {"count", e.count}, {"points", points}});
  }
  const GraphGroup &root = graph.group(view.group);
  json j = {{"schema_version", 1},
            {"file", graph.model().file ? graph.model().file->getName() : ""},
            {"group", view.group},
            {"group_label", root.label},
            {"width", view.bounds.maxX - view.bounds.minX},
            {"height", view.bounds.maxY - view.bounds.minY},
            {"crossings", view.crossings},
            {"nodes", nodes},
            {"edges", edges}};
  return j.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}
