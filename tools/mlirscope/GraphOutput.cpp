//===- GraphOutput.cpp - A laid-out view as DOT, SVG or a tree ------------===//

#include "GraphOutput.h"

#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace mlirscope;
using namespace mlirscope::cli;

namespace {

std::string xmlEscape(llvm::StringRef s) {
  std::string out;
  for (char c : s) {
    switch (c) {
    case '&':
      out += "&amp;";
      break;
    case '<':
      out += "&lt;";
      break;
    case '>':
      out += "&gt;";
      break;
    case '"':
      out += "&quot;";
      break;
    default:
      // Control bytes are not allowed in XML 1.0.
      if ((unsigned char)c >= 0x20 || c == '\t')
        out += c;
    }
  }
  return out;
}

std::string dotEscape(llvm::StringRef s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if ((unsigned char)c >= 0x20)
      out += c;
  }
  return out;
}

} // namespace

std::string mlirscope::cli::graphToDot(const ModelGraph &graph,
                                       const GraphView &view) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << "digraph mlirscope {\n  node [shape=box, fontname=\"monospace\"];\n";
  // Children of each expanded node, to nest clusters.
  std::vector<std::vector<uint32_t>> inside(view.nodes.size() + 1);
  for (uint32_t i = 0; i < view.nodes.size(); ++i) {
    uint32_t c = view.nodes[i].container;
    inside[c == kNone ? view.nodes.size() : c].push_back(i);
  }
  std::function<void(uint32_t, unsigned)> emit = [&](uint32_t container,
                                                     unsigned depth) {
    for (uint32_t i : inside[container]) {
      const ViewNode &n = view.nodes[i];
      std::string pad(2 * depth + 2, ' ');
      if (n.expanded) {
        os << pad << "subgraph cluster_" << i << " {\n"
           << pad << "  label=\"" << dotEscape(n.label) << "\";\n";
        emit(i, depth + 1);
        os << pad << "}\n";
        continue;
      }
      os << pad << "n" << i << " [label=\"" << dotEscape(n.label) << "\\n"
         << dotEscape(n.detail) << "\"";
      if (n.ref.isGroup)
        os << ", style=\"rounded,filled\", fillcolor=\"#dde8f7\"";
      else if (!n.weight.empty())
        os << ", style=filled, fillcolor=\"#f7ecd0\"";
      os << "];\n";
    }
  };
  emit(view.nodes.size(), 0);
  for (const ViewEdge &e : view.edges) {
    // DOT cannot attach an edge to a cluster: use its first member.
    auto anchor = [&](uint32_t n) {
      while (view.nodes[n].expanded && !inside[n].empty())
        n = inside[n].front();
      return n;
    };
    os << "  n" << anchor(e.from) << " -> n" << anchor(e.to);
    if (e.count > 1)
      os << " [label=\"" << e.count << "\"]";
    os << ";\n";
  }
  os << "}\n";
  (void)graph;
  return out;
}

std::string mlirscope::cli::graphToSvg(const ModelGraph &graph,
                                       const GraphView &view,
                                       llvm::StringRef title) {
  std::string out;
  llvm::raw_string_ostream os(out);
  double margin = 20;
  // Wide enough for the title too (about 7.5 units a bold character).
  double w = std::max(view.bounds.maxX - view.bounds.minX,
                      7.5 * double(title.size())) +
             2 * margin;
  double h = view.bounds.maxY - view.bounds.minY + 2 * margin + 24;
  os << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
     << llvm::format("<svg xmlns=\"http://www.w3.org/2000/svg\" "
                     "width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
                     "font-family=\"DejaVu Sans Mono, monospace\" "
                     "font-size=\"12\">\n",
                     w, h, w, h)
     << "<title>" << xmlEscape(title) << "</title>\n"
     << "<defs><marker id=\"arrow\" viewBox=\"0 0 8 8\" refX=\"8\" refY=\"4\" "
        "markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">"
        "<path d=\"M0,0 L8,4 L0,8 z\" fill=\"#667\"/></marker></defs>\n"
     << "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n"
     << llvm::format("<text x=\"%.1f\" y=\"16\" font-weight=\"bold\">",
                     margin)
     << xmlEscape(title) << "</text>\n"
     << llvm::format("<g transform=\"translate(%.1f,%.1f)\">\n", margin,
                     margin + 24 - view.bounds.minY);
  // Boxes first, outermost first (containers come before their content).
  for (const ViewNode &n : view.nodes) {
    const char *fill = "#ffffff", *stroke = "#556";
    const char *dash = "";
    if (n.ref.isGroup) {
      fill = n.expanded ? "#f6f9fd" : (n.repeats > 1 ? "#cfe0f7" : "#dde8f7");
      stroke = "#4a6fa5";
      if (n.expanded)
        dash = " stroke-dasharray=\"4,3\"";
    } else if (!n.weight.empty()) {
      fill = "#f7ecd0";
      stroke = "#a5813a";
    }
    os << llvm::format("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
                       "height=\"%.1f\" rx=\"%d\" fill=\"%s\" stroke=\"%s\"",
                       n.x, n.y, n.width, n.height, n.ref.isGroup ? 6 : 3,
                       fill, stroke)
       << dash << "/>\n";
    os << llvm::format("<text x=\"%.1f\" y=\"%.1f\"%s>", n.x + 8, n.y + 15,
                       n.ref.isGroup ? " font-weight=\"bold\"" : "")
       << xmlEscape(n.label) << "</text>\n";
    if (!n.expanded && !n.detail.empty())
      os << llvm::format("<text x=\"%.1f\" y=\"%.1f\" fill=\"#667\" "
                         "font-size=\"11\">",
                         n.x + 8, n.y + 31)
         << xmlEscape(n.detail) << "</text>\n";
  }
  for (const ViewEdge &e : view.edges) {
    if (e.points.size() < 2)
      continue;
    os << "<polyline fill=\"none\" stroke=\"#667\" stroke-width=\""
       << (e.count > 1 ? "1.6" : "1") << "\" marker-end=\"url(#arrow)\" "
       << "points=\"";
    for (size_t i = 0; i < e.points.size(); ++i)
      os << llvm::format("%s%.1f,%.1f", i ? " " : "", e.points[i].x,
                         e.points[i].y);
    os << "\"/>\n";
  }
  os << "</g>\n</svg>\n";
  (void)graph;
  return out;
}

std::string mlirscope::cli::graphToTree(const ModelGraph &graph,
                                        uint32_t group, unsigned depth) {
  std::string out;
  llvm::raw_string_ostream os(out);
  // Repeat classes numbered in order of appearance, for stable output.
  std::map<uint32_t, unsigned> classNumber;
  std::vector<std::pair<uint32_t, unsigned>> stack{{group, 0}};
  while (!stack.empty()) {
    auto [g, level] = stack.back();
    stack.pop_back();
    const GraphGroup &gr = graph.group(g);
    unsigned directOps = 0;
    for (const GraphNodeRef &c : gr.children)
      directOps += !c.isGroup;
    os.indent(2 * level) << (gr.label.empty() ? "(model)" : gr.label) << "  ["
                         << groupKindName(gr.kind) << ", " << gr.numOps << " ops";
    if (directOps)
      os << ", " << directOps << " directly";
    os << "]";
    if (gr.repeatClass != kNone) {
      auto [it, inserted] =
          classNumber.try_emplace(gr.repeatClass, classNumber.size() + 1);
      os << "  repeat #" << it->second;
    }
    os << "\n";
    if (level >= depth)
      continue;
    for (size_t i = gr.children.size(); i-- > 0;)
      if (gr.children[i].isGroup)
        stack.push_back({gr.children[i].id, level + 1});
  }
  return out;
}
