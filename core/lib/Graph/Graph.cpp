//===- Graph.cpp - The model as a readable hierarchy of groups ------------===//

#include "mlirscope/Graph/Graph.h"
#include "mlirscope/Index/OpDetails.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

#include <algorithm>
#include <map>

using namespace mlirscope;

namespace {

/// The scope of each op, computed once per distinct location.
class ScopeTable {
public:
  explicit ScopeTable(const ModelIndex &index) : index(index) {}

  const std::vector<std::string> &of(uint32_t op) {
    if (index.format == ModelIndex::Format::Bytecode &&
        op < index.opEncodings.size()) {
      uint32_t loc = index.opEncodings[op].location;
      auto [it, inserted] = byLocation.try_emplace(loc, scopes.size());
      if (inserted)
        scopes.push_back(getOpScope(index, op));
      return scopes[it->second];
    }
    if (op < index.textDetails.size()) {
      scratch = locationScope(index.textDetails[op].names);
      return scratch;
    }
    scratch.clear();
    return scratch;
  }

private:
  const ModelIndex &index;
  llvm::DenseMap<uint32_t, uint32_t> byLocation;
  std::vector<std::vector<std::string>> scopes;
  std::vector<std::string> scratch;
};

/// Runs of repeats fold only where the labels say so too (layer_0, layer_1):
/// q_proj, k_proj and v_proj share a structure but are not a sequence.
bool sameButNumbers(llvm::StringRef a, llvm::StringRef b) {
  size_t i = 0, j = 0;
  for (;; ++i, ++j) {
    while (i < a.size() && llvm::isDigit(a[i]))
      ++i;
    while (j < b.size() && llvm::isDigit(b[j]))
      ++j;
    if (i == a.size() || j == b.size())
      return i == a.size() && j == b.size();
    if (a[i] != b[j])
      return false;
  }
}

std::string regionLabel(const ModelIndex &index, uint32_t op) {
  std::string label = index.getOpName(index.ops[op]).str();
  if (!index.ops[op].symbol.empty())
    label += " @" + index.ops[op].symbol;
  return label;
}

} // namespace

uint32_t ModelGraph::regionGroupOf(uint32_t op) const {
  auto it = std::lower_bound(
      regionGroups.begin(), regionGroups.end(), std::make_pair(op, 0u));
  return it != regionGroups.end() && it->first == op ? it->second : kNone;
}

std::optional<GraphNodeRef> ModelGraph::childHolding(uint32_t group,
                                                     uint32_t op) const {
  if (op >= opParent.size())
    return std::nullopt;
  uint32_t region = regionGroupOf(op);
  GraphNodeRef node = region == kNone ? GraphNodeRef{false, op}
                                      : GraphNodeRef{true, region};
  uint32_t container = opParent[op];
  while (container != kNone) {
    if (container == group)
      return node;
    node = GraphNodeRef{true, container};
    container = groupList[container].parent;
  }
  return std::nullopt;
}

std::vector<GraphEdge> ModelGraph::childEdges(uint32_t group) const {
  const ModelIndex &m = *index;
  const auto &children = groupList[group].children;
  // Every op under the group, with the position of the child of `group` it
  // sits in. An operand's owner outside that set is outside the group.
  std::vector<std::pair<uint32_t, uint32_t>> under;
  std::vector<std::pair<uint32_t, uint32_t>> stack;
  for (uint32_t i = 0; i < children.size(); ++i) {
    if (children[i].isGroup)
      stack.push_back({children[i].id, i});
    else
      under.push_back({children[i].id, i});
  }
  while (!stack.empty()) {
    auto [g, top] = stack.back();
    stack.pop_back();
    const GraphGroup &gr = groupList[g];
    if (gr.op != kNone)
      under.push_back({gr.op, top});
    for (const GraphNodeRef &c : gr.children) {
      if (c.isGroup)
        stack.push_back({c.id, top});
      else
        under.push_back({c.id, top});
    }
  }
  // Op -> child position: a dense table when the group holds much of the
  // model (the views a user opens first), a hash map for the small groups
  // repeat detection asks about by the thousand.
  bool dense = under.size() * 16 > m.ops.size();
  std::vector<uint32_t> table;
  llvm::DenseMap<uint32_t, uint32_t> map;
  if (dense) {
    table.assign(m.ops.size(), kNone);
    for (auto [op, top] : under)
      table[op] = top;
  } else {
    map.reserve(under.size());
    for (auto [op, top] : under)
      map[op] = top;
  }
  auto topOf = [&](uint32_t op) -> uint32_t {
    if (dense)
      return op < table.size() ? table[op] : kNone;
    auto it = map.find(op);
    return it == map.end() ? kNone : it->second;
  };
  std::vector<uint64_t> pairs;
  for (auto [op, to] : under) {
    const OpRecord &rec = m.ops[op];
    for (uint32_t i = 0; i < rec.numOperands; ++i) {
      uint32_t v = m.operands[rec.firstOperand + i];
      if (v >= m.values.size() ||
          m.values[v].kind != ValueRecord::Kind::OpResult)
        continue;
      uint32_t from = topOf(m.values[v].owner);
      if (from != kNone && from != to)
        pairs.push_back((uint64_t(from) << 32) | to);
    }
  }
  // Sorted by (from, to) as GraphNodeRefs compare: ops before groups, then
  // by id.
  std::vector<uint32_t> rank(children.size());
  {
    std::vector<uint32_t> order(children.size());
    for (uint32_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return children[a] < children[b];
    });
    for (uint32_t r = 0; r < order.size(); ++r)
      rank[order[r]] = r;
  }
  for (uint64_t &p : pairs)
    p = (uint64_t(rank[p >> 32]) << 32) | rank[uint32_t(p)];
  std::sort(pairs.begin(), pairs.end());
  std::vector<uint32_t> byRank(children.size());
  for (uint32_t i = 0; i < children.size(); ++i)
    byRank[rank[i]] = i;
  std::vector<GraphEdge> edges;
  for (size_t i = 0; i < pairs.size();) {
    size_t j = i;
    while (j < pairs.size() && pairs[j] == pairs[i])
      ++j;
    edges.push_back({children[byRank[pairs[i] >> 32]],
                     children[byRank[uint32_t(pairs[i])]], uint32_t(j - i)});
    i = j;
  }
  return edges;
}

std::vector<uint32_t> ModelGraph::pathTo(uint32_t group) const {
  std::vector<uint32_t> path;
  for (uint32_t g = group; g != kNone && g != kRoot; g = groupList[g].parent)
    path.push_back(g);
  std::reverse(path.begin(), path.end());
  return path;
}

uint32_t ModelGraph::findGroup(llvm::StringRef path) const {
  uint32_t g = kRoot;
  llvm::SmallVector<llvm::StringRef, 8> parts;
  path.split(parts, '/', -1, /*KeepEmpty=*/false);
  for (llvm::StringRef part : parts) {
    // Chunks are not part of a path: look through them.
    uint32_t next = kNone;
    std::vector<uint32_t> within{g};
    while (!within.empty() && next == kNone) {
      uint32_t w = within.back();
      within.pop_back();
      for (const GraphNodeRef &c : groupList[w].children) {
        if (!c.isGroup)
          continue;
        if (groupList[c.id].label == part) {
          next = c.id;
          break;
        }
        if (groupList[c.id].kind == GraphGroup::Kind::Chunk)
          within.push_back(c.id);
      }
    }
    if (next == kNone)
      return kNone;
    g = next;
  }
  return g;
}

uint32_t ModelGraph::findFunction(llvm::StringRef name) const {
  for (auto [op, g] : regionGroups)
    if (index->ops[op].symbol == name)
      return g;
  return kNone;
}

llvm::Expected<ModelGraph> ModelGraph::build(const ModelIndex &index,
                                             const GraphOptions &options) {
  ModelGraph graph;
  graph.index = &index;
  const size_t numOps = index.ops.size();
  auto cancelled = [&] {
    return options.progress.isCancelled();
  };

  // Children of each op, in program order (the index is in pre-order).
  std::vector<uint32_t> firstChild(numOps + 1, 0), kids;
  {
    std::vector<uint32_t> count(numOps + 1, 0);
    for (const OpRecord &op : index.ops)
      ++count[op.parent == kNone ? numOps : op.parent];
    uint32_t sum = 0;
    for (size_t i = 0; i <= numOps; ++i) {
      firstChild[i] = sum;
      sum += count[i];
    }
    kids.resize(sum);
    std::vector<uint32_t> fill(firstChild.begin(), firstChild.end());
    for (uint32_t i = 0; i < numOps; ++i) {
      uint32_t p = index.ops[i].parent == kNone ? numOps : index.ops[i].parent;
      kids[fill[p]++] = i;
    }
  }
  auto childrenOf = [&](size_t p) {
    size_t end = p + 1 <= numOps ? (p == numOps ? kids.size()
                                                : firstChild[p + 1])
                                 : kids.size();
    return llvm::ArrayRef<uint32_t>(kids).slice(firstChild[p],
                                                end - firstChild[p]);
  };
  // firstChild has numOps + 1 entries; the root's children are the last.
  auto rootKids = llvm::ArrayRef<uint32_t>(kids).slice(firstChild[numOps]);

  std::vector<GraphGroup> &groups = graph.groupList;
  groups.push_back({GraphGroup::Kind::Root, "", kNone, kNone, {}, 0, kNone});
  graph.opParent.assign(numOps, kNone);
  ScopeTable scopes(index);

  // Work list: (group, ops directly in it, the scope it stands for).
  struct Work {
    uint32_t group;
    llvm::ArrayRef<uint32_t> ops;
    std::vector<std::string> base;
  };
  std::vector<Work> work;
  work.push_back({kRoot, rootKids, {}});
  size_t done = 0;
  while (!work.empty()) {
    Work w = std::move(work.back());
    work.pop_back();
    if (cancelled())
      return cancelledError();
    // Scope groups under w.group keyed by (parent group, segment).
    std::map<std::pair<uint32_t, std::string>, uint32_t> scopeGroups;
    for (uint32_t op : w.ops) {
      uint32_t container = w.group;
      if (options.scopes) {
        const std::vector<std::string> &s = scopes.of(op);
        // The part of the op's scope below the region's own.
        size_t common = 0;
        while (common < s.size() && common < w.base.size() &&
               s[common] == w.base[common])
          ++common;
        for (size_t k = common; k < s.size(); ++k) {
          auto [it, inserted] =
              scopeGroups.try_emplace({container, s[k]}, groups.size());
          if (inserted) {
            GraphGroup g;
            g.kind = GraphGroup::Kind::Scope;
            g.label = s[k];
            g.parent = container;
            groups.push_back(std::move(g));
            groups[container].children.push_back({true, it->second});
          }
          container = it->second;
        }
      }
      const OpRecord &rec = index.ops[op];
      llvm::ArrayRef<uint32_t> inner = childrenOf(op);
      if (rec.numRegions > 0 && !inner.empty()) {
        GraphGroup g;
        g.kind = GraphGroup::Kind::Region;
        g.label = regionLabel(index, op);
        g.parent = container;
        g.op = op;
        uint32_t id = groups.size();
        groups.push_back(std::move(g));
        groups[container].children.push_back({true, id});
        graph.regionGroups.push_back({op, id});
        std::vector<std::string> base =
            options.scopes ? scopes.of(op) : std::vector<std::string>();
        work.push_back({id, inner, std::move(base)});
      } else {
        groups[container].children.push_back({false, op});
      }
      graph.opParent[op] = container;
      if (options.progress && ++done % 65536 == 0 &&
          !options.progress.report(500 * done / (numOps ? numOps : 1), 1000))
        return cancelledError();
    }
  }

  // Scope groups with a single child dissolve into it.
  for (size_t g = 0; g < groups.size(); ++g) {
    std::vector<GraphNodeRef> kept;
    for (GraphNodeRef c : groups[g].children) {
      while (c.isGroup && groups[c.id].kind == GraphGroup::Kind::Scope &&
             groups[c.id].children.size() == 1)
        c = groups[c.id].children[0];
      kept.push_back(c);
    }
    groups[g].children = std::move(kept);
  }
  graph.compact();
  if (!graph.findRepeats(options))
    return cancelledError();
  if (graph.chunk(options.maxChildren))
    graph.compact();
  return std::move(graph);
}

void ModelGraph::compact() {
  // Keep only the groups reachable from the root, renumbered in pre-order
  // (children after their parent); parents and op parents follow the
  // children lists.
  std::vector<GraphGroup> &groups = groupList;
  std::vector<uint32_t> newId(groups.size(), kNone);
  std::vector<uint32_t> order;
  {
    std::vector<uint32_t> stack{kRoot};
    while (!stack.empty()) {
      uint32_t g = stack.back();
      stack.pop_back();
      newId[g] = order.size();
      order.push_back(g);
      const auto &ch = groups[g].children;
      for (size_t i = ch.size(); i-- > 0;)
        if (ch[i].isGroup)
          stack.push_back(ch[i].id);
    }
  }
  std::vector<GraphGroup> compacted;
  compacted.reserve(order.size());
  for (uint32_t g : order) {
    GraphGroup gr = std::move(groups[g]);
    for (GraphNodeRef &c : gr.children)
      if (c.isGroup)
        c.id = newId[c.id];
    if (gr.repeatClass != kNone)
      gr.repeatClass = newId[gr.repeatClass];
    compacted.push_back(std::move(gr));
  }
  for (uint32_t g = 0; g < compacted.size(); ++g)
    for (const GraphNodeRef &c : compacted[g].children) {
      if (c.isGroup)
        compacted[c.id].parent = g;
      else
        opParent[c.id] = g;
    }
  compacted[kRoot].parent = kNone;
  groups = std::move(compacted);
  regionGroups.clear();
  for (uint32_t g = 0; g < groups.size(); ++g)
    if (groups[g].op != kNone) {
      regionGroups.push_back({groups[g].op, g});
      opParent[groups[g].op] = groups[g].parent;
    }
  std::sort(regionGroups.begin(), regionGroups.end());
}

bool ModelGraph::findRepeats(const GraphOptions &options) {
  std::vector<GraphGroup> &groups = groupList;
  // Op counts and structural signatures, bottom-up (children have larger
  // ids in pre-order).
  std::vector<uint64_t> signature(groups.size(), 0);
  for (size_t g = groups.size(); g-- > 0;) {
    GraphGroup &gr = groups[g];
    gr.numOps = gr.op != kNone ? 1 : 0;
    llvm::hash_code h = llvm::hash_value(uint8_t(gr.kind));
    if (gr.op != kNone)
      h = llvm::hash_combine(h, index->ops[gr.op].name);
    for (const GraphNodeRef &c : gr.children) {
      if (c.isGroup) {
        gr.numOps += groups[c.id].numOps;
        h = llvm::hash_combine(h, 1, signature[c.id]);
      } else {
        ++gr.numOps;
        h = llvm::hash_combine(h, 0, index->ops[c.id].name);
      }
    }
    signature[g] = h;
  }
  // Repeats: sibling groups of one structure, including the edges between
  // their children (two layers with the same ops but wired differently are
  // not repeats). Labels are not part of it: layer_0 and layer_1 repeat.
  for (uint32_t g = 0; g < groups.size(); ++g) {
    std::map<uint64_t, std::vector<uint32_t>> bySignature;
    for (const GraphNodeRef &c : groups[g].children)
      if (c.isGroup && groups[c.id].numOps > 1)
        bySignature[signature[c.id]].push_back(c.id);
    for (auto &[sig, members] : bySignature) {
      if (members.size() < 2)
        continue;
      std::map<std::vector<std::tuple<uint32_t, uint32_t, uint32_t>>, uint32_t>
          shapes;
      for (uint32_t m : members) {
        // The edge shape, in positions of the children.
        llvm::DenseMap<uint64_t, uint32_t> position;
        const auto &ch = groups[m].children;
        for (uint32_t i = 0; i < ch.size(); ++i)
          position[(uint64_t(ch[i].isGroup) << 32) | ch[i].id] = i;
        std::vector<std::tuple<uint32_t, uint32_t, uint32_t>> shape;
        for (const GraphEdge &e : childEdges(m))
          shape.emplace_back(
              position[(uint64_t(e.from.isGroup) << 32) | e.from.id],
              position[(uint64_t(e.to.isGroup) << 32) | e.to.id], e.count);
        std::sort(shape.begin(), shape.end());
        auto [it, inserted] = shapes.try_emplace(std::move(shape), m);
        groups[m].repeatClass = it->second;
      }
      // A class of one is no repeat.
      std::map<uint32_t, uint32_t> classSize;
      for (uint32_t m : members)
        ++classSize[groups[m].repeatClass];
      for (uint32_t m : members)
        if (classSize[groups[m].repeatClass] < 2)
          groups[m].repeatClass = kNone;
    }
    // Runs: consecutive members of one class named as a sequence.
    const auto &ch = groups[g].children;
    for (uint32_t i = 0; i < ch.size();) {
      uint32_t end = i + 1;
      if (ch[i].isGroup && groups[ch[i].id].repeatClass != kNone)
        while (end < ch.size() && ch[end].isGroup &&
               groups[ch[end].id].repeatClass ==
                   groups[ch[i].id].repeatClass &&
               sameButNumbers(groups[ch[end].id].label,
                              groups[ch[i].id].label))
          ++end;
      if (end - i >= 2)
        groups[g].runs.push_back({i, end});
      i = end;
    }
    if (options.progress && g % 4096 == 0 &&
        !options.progress.report(500 + 500 * g / groups.size(), 1000))
      return false;
  }
  return true;
}

bool ModelGraph::chunk(uint32_t maxChildren) {
  // A chunk holds at least one unit: 0 would step through the units by 0.
  maxChildren = std::max(maxChildren, 1u);
  std::vector<GraphGroup> &groups = groupList;
  bool any = false;
  size_t numGroups = groups.size();
  for (size_t g = 0; g < numGroups; ++g) {
    // Units: a run, or one child.
    std::vector<std::pair<uint32_t, uint32_t>> units;
    {
      const GraphGroup &gr = groups[g];
      size_t r = 0;
      for (uint32_t i = 0; i < gr.children.size();) {
        uint32_t end = i + 1;
        if (r < gr.runs.size() && gr.runs[r].first == i)
          end = gr.runs[r++].second;
        units.push_back({i, end});
        i = end;
      }
    }
    if (units.size() <= maxChildren)
      continue;
    any = true;
    std::vector<GraphNodeRef> all = std::move(groups[g].children);
    std::vector<std::pair<uint32_t, uint32_t>> runs =
        std::move(groups[g].runs);
    groups[g].children.clear();
    groups[g].runs.clear();
    size_t r = 0;
    for (size_t u = 0; u < units.size(); u += maxChildren) {
      uint32_t begin = units[u].first;
      uint32_t end = units[std::min(units.size(), u + maxChildren) - 1].second;
      GraphGroup piece;
      piece.kind = GraphGroup::Kind::Chunk;
      piece.label = std::to_string(begin) + "-" + std::to_string(end - 1);
      piece.parent = g;
      piece.children.assign(all.begin() + begin, all.begin() + end);
      for (; r < runs.size() && runs[r].second <= end; ++r)
        piece.runs.push_back({runs[r].first - begin, runs[r].second - begin});
      for (const GraphNodeRef &c : piece.children)
        piece.numOps += c.isGroup ? groups[c.id].numOps : 1;
      groups[g].children.push_back({true, uint32_t(groups.size())});
      groups.push_back(std::move(piece));
    }
  }
  return any;
}
