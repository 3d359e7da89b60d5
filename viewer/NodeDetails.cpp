//===- NodeDetails.cpp - One op: location, types, attributes, uses --------===//

#include "NodeDetails.h"

#include "App.h"
#include "Format.h"

#include "mlirscope/Support/Format.h"

#include <imgui.h>

namespace mlirscope::view {

void NodeDetails::refresh(App &app, uint32_t opIndex) {
  Document *doc = app.document();
  const ModelIndex &index = *doc->index();
  shownOp = opIndex;
  shownGeneration = doc->generation();
  details = getOpDetails(index, opIndex);
  const OpRecord &op = index.ops[opIndex];
  operands.clear();
  for (uint32_t i = 0; i < op.numOperands; ++i) {
    uint32_t v = index.operands[op.firstOperand + i];
    Operand o{v, kNone, getValueType(index, v), ""};
    if (v < index.values.size()) {
      const ValueRecord &rec = index.values[v];
      if (rec.kind == ValueRecord::Kind::OpResult) {
        o.definingOp = rec.owner;
        o.label = "result " + std::to_string(rec.number) + " of " +
                  index.getOpName(index.ops[rec.owner]).str() + " #" +
                  std::to_string(rec.owner);
      } else if (rec.kind == ValueRecord::Kind::BlockArgument) {
        o.definingOp = rec.owner;
        o.label = "argument " + std::to_string(rec.number) + " of a block of #" +
                  std::to_string(rec.owner);
      }
    }
    operands.push_back(o);
  }
  // Users of each result: one pass over the operand lists of the ops in the
  // same region subtree would do; a pass over all operands is O(edges) and
  // runs once per selection.
  users.assign(op.numResults, {});
  if (op.firstResult != kNone)
    for (uint32_t u = 0; u < index.ops.size(); ++u) {
      const OpRecord &user = index.ops[u];
      for (uint32_t k = 0; k < user.numOperands; ++k) {
        uint32_t v = index.operands[user.firstOperand + k];
        if (v >= op.firstResult && v < op.firstResult + op.numResults) {
          auto &list = users[v - op.firstResult];
          if (list.empty() || list.back() != u)
            list.push_back(u);
        }
      }
    }
  opWeights.clear();
  // Weights the op holds. A lexical scan of text MLIR did not parse knows
  // no holder: there an attribute between the op's start and the next op's
  // belongs to it (ops are in pre-order, so the next op starts after the
  // attributes of this one).
  uint64_t textEnd = opIndex + 1 < index.ops.size()
                         ? index.ops[opIndex + 1].offset
                         : index.fileSize();
  bool lexical = index.format == ModelIndex::Format::Text;
  for (uint32_t w = 0; w < index.weights.size(); ++w) {
    const Weight &weight = index.weights[w];
    if (weight.kind == WeightKind::Resource)
      continue;
    bool held = weight.op == opIndex ||
                (weight.op == kNone && lexical &&
                 weight.attrOffset >= op.offset && weight.attrOffset < textEnd);
    if (held)
      opWeights.push_back({weight.name, w});
  }
  // Resource blobs its attributes name (a resource weight's name is its key).
  for (auto &[name, text] : details.attributes) {
    size_t at = 0;
    while ((at = text.find("dense_resource<", at)) != std::string::npos) {
      at += 15;
      size_t end = text.find('>', at);
      if (end == std::string::npos)
        break;
      std::string key = text.substr(at, end - at);
      opWeights.push_back({key, doc->findWeight(key)});
    }
  }
}

void NodeDetails::draw(App &app) {
  Document *doc = app.document();
  uint32_t opIndex = app.selectedOp();
  if (!doc || !doc->index() || opIndex >= doc->index()->ops.size()) {
    ImGui::TextDisabled("Select an op in the Functions or Ops list, or search.");
    return;
  }
  if (opIndex != shownOp || shownGeneration != doc->generation())
    refresh(app, opIndex);
  const ModelIndex &index = *doc->index();
  const OpRecord &op = index.ops[opIndex];
  ImGui::Text("%s", index.getOpName(op).str().c_str());
  if (!op.symbol.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(0.5f, 0.8f, 1, 1), "@%s", op.symbol.c_str());
  }
  ImGui::SameLine();
  ImGui::TextDisabled("#%u  at byte %llu", opIndex, (unsigned long long)op.offset);
  if (op.parent != kNone) {
    ImGui::TextDisabled("in");
    ImGui::SameLine();
    const OpRecord &p = index.ops[op.parent];
    std::string label = index.getOpName(p).str() +
                        (p.symbol.empty() ? "" : " @" + p.symbol) + " #" +
                        std::to_string(op.parent);
    if (ImGui::SmallButton(label.c_str()))
      app.selectOp(op.parent);
  }
  if (!details.location.empty())
    ImGui::TextWrapped("loc(%s)", details.location.c_str());
  if (!details.scope.empty()) {
    std::string scope;
    for (const std::string &s : details.scope)
      scope += (scope.empty() ? "" : " / ") + s;
    ImGui::TextDisabled("scope: %s", scope.c_str());
  }
  if (op.numRegions)
    ImGui::Text("%u region(s), %u block(s)", op.numRegions, op.numBlocks);

  if (!opWeights.empty() &&
      ImGui::CollapsingHeader("Weights", ImGuiTreeNodeFlags_DefaultOpen)) {
    for (size_t i = 0; i < opWeights.size(); ++i) {
      auto &[name, w] = opWeights[i];
      ImGui::PushID(int(i));
      if (w != kNone) {
        const Weight &weight = index.weights[w];
        std::string label = name + "  " + weightTypeText(weight) + "  " +
                            formatBytes(weight.bytes()) + "  " +
                            weightPlaceText(index, weight);
        if (ImGui::Selectable(label.c_str()))
          app.openWeight(w);
      } else {
        ImGui::TextDisabled("%s (no blob in the file)", name.c_str());
      }
      ImGui::PopID();
    }
  }
  if (ImGui::CollapsingHeader("Operands", ImGuiTreeNodeFlags_DefaultOpen)) {
    if (operands.empty())
      ImGui::TextDisabled("none");
    for (size_t i = 0; i < operands.size(); ++i) {
      const Operand &o = operands[i];
      ImGui::PushID(int(i));
      ImGui::Text("%zu: %s", i, o.type.empty() ? "?" : o.type.c_str());
      if (o.definingOp != kNone) {
        ImGui::SameLine();
        if (ImGui::SmallButton(o.label.c_str()))
          app.selectOp(o.definingOp);
      }
      ImGui::PopID();
    }
  }
  if (ImGui::CollapsingHeader("Results", ImGuiTreeNodeFlags_DefaultOpen)) {
    if (!op.numResults)
      ImGui::TextDisabled("none");
    for (uint32_t i = 0; i < op.numResults; ++i) {
      std::string type = getValueType(index, op.firstResult + i);
      ImGui::Text("%u: %s", i, type.empty() ? "?" : type.c_str());
      ImGui::SameLine();
      ImGui::TextDisabled("%zu user(s)", users[i].size());
      ImGui::PushID(int(i));
      size_t shown = 0;
      for (uint32_t u : users[i]) {
        if (shown++ == 8) {
          ImGui::SameLine();
          ImGui::TextDisabled("...");
          break;
        }
        ImGui::SameLine();
        ImGui::PushID(int(u));
        std::string label = index.getOpName(index.ops[u]).str() + " #" + std::to_string(u);
        if (ImGui::SmallButton(label.c_str()))
          app.selectOp(u);
        ImGui::PopID();
      }
      ImGui::PopID();
    }
  }
  if (ImGui::CollapsingHeader("Attributes", ImGuiTreeNodeFlags_DefaultOpen)) {
    if (details.attributes.empty())
      ImGui::TextDisabled("none");
    if (ImGui::BeginTable("attrs", 2, ImGuiTableFlags_SizingStretchProp |
                                          ImGuiTableFlags_RowBg)) {
      for (auto &[name, text] : details.attributes) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(name.c_str());
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", text.c_str());
      }
      ImGui::EndTable();
    }
  }
}

} // namespace mlirscope::view
