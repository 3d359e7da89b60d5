//===- OpDetails.cpp - What a node of the graph shows about an op ---------===//

#include "mlirscope/Index/OpDetails.h"

#include "mlirscope/Bytecode/AttrTypeReader.h"
#include "mlirscope/Bytecode/VhloBytecode.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlirscope;

std::vector<std::string>
mlirscope::locationScope(const std::vector<std::string> &names) {
  std::vector<std::string> scope;
  for (size_t n = 0; n < names.size(); ++n) {
    llvm::StringRef name = names[n];
    bool innermost = n + 1 == names.size();
    if (name.contains('/')) {
      llvm::SmallVector<llvm::StringRef, 8> parts;
      name.split(parts, '/', -1, /*KeepEmpty=*/false);
      // The last segment of the innermost path names the op itself.
      if (innermost && !parts.empty())
        parts.pop_back();
      for (llvm::StringRef p : parts)
        scope.push_back(p.str());
    } else if (name.contains('.') && !name.contains(' ')) {
      llvm::SmallVector<llvm::StringRef, 8> parts;
      name.split(parts, '.', -1, /*KeepEmpty=*/false);
      for (llvm::StringRef p : parts) {
        bool numeric = !p.empty() && llvm::all_of(p, llvm::isDigit);
        if (numeric && !scope.empty())
          scope.back() += "." + p.str();
        else
          scope.push_back(p.str());
      }
    } else if (!name.empty()) {
      scope.push_back(name.str());
    }
  }
  return scope;
}

std::string mlirscope::getValueType(const ModelIndex &index, uint32_t value) {
  if (value >= index.values.size() || index.values[value].type == kNone)
    return "";
  uint32_t t = index.values[value].type;
  if (index.format == ModelIndex::Format::Text)
    return t < index.typeNames.size() ? index.typeNames[t] : "";
  if (!index.attrTypes)
    return "";
  std::lock_guard<std::mutex> guard(index.attrTypes->mutex());
  return index.attrTypes->typeText(t);
}

std::vector<std::string> mlirscope::getOpScope(const ModelIndex &index,
                                              uint32_t op) {
  if (index.format == ModelIndex::Format::Text)
    return op < index.textDetails.size()
               ? locationScope(index.textDetails[op].names)
               : std::vector<std::string>();
  if (!index.attrTypes || op >= index.opEncodings.size() ||
      index.opEncodings[op].location == kNone)
    return {};
  AttrTypeReader &reader = *index.attrTypes;
  std::lock_guard<std::mutex> guard(reader.mutex());
  return locationScope(reader.location(index.opEncodings[op].location).names);
}

OpDetails mlirscope::getOpDetails(const ModelIndex &index, uint32_t op) {
  OpDetails d;
  if (op >= index.ops.size())
    return d;
  const OpRecord &rec = index.ops[op];
  for (uint32_t i = 0; i < rec.numOperands; ++i)
    d.operandTypes.push_back(
        getValueType(index, index.operands[rec.firstOperand + i]));
  if (rec.firstResult != kNone)
    for (uint32_t i = 0; i < rec.numResults; ++i)
      d.resultTypes.push_back(getValueType(index, rec.firstResult + i));
  for (uint32_t i = 0; i < rec.numSuccessors; ++i)
    if (rec.firstSuccessor + i < index.successors.size())
      d.successors.push_back(index.successors[rec.firstSuccessor + i]);

  if (index.format == ModelIndex::Format::Text) {
    if (op < index.textDetails.size()) {
      const TextOpDetails &t = index.textDetails[op];
      d.location = t.location;
      d.scope = locationScope(t.names);
      d.attributes = t.attributes;
    }
    return d;
  }
  if (!index.attrTypes || op >= index.opEncodings.size())
    return d;
  const OpEncoding &enc = index.opEncodings[op];
  AttrTypeReader &reader = *index.attrTypes;
  std::lock_guard<std::mutex> guard(reader.mutex());
  if (enc.location != kNone) {
    DecodedLocation loc = reader.location(enc.location);
    d.location = std::move(loc.text);
    d.scope = locationScope(loc.names);
  }
  auto addDictionary = [&](uint32_t attr) {
    if (auto entries = reader.dictionary(attr)) {
      for (auto &[name, value] : *entries)
        d.attributes.emplace_back(name.str(), reader.attrText(value));
    } else {
      d.attributes.emplace_back("<attributes>", reader.attrText(attr));
    }
  };
  if (enc.properties != kNone) {
    auto attrs = reader.propertyAttrs(enc.properties);
    if (enc.propertiesAreAttribute && attrs && attrs->size() == 1) {
      addDictionary((*attrs)[0]);
    } else if (auto fields = knownPropertyFields(index.getOpName(rec));
               attrs && !fields.empty() && attrs->size() == fields.size()) {
      for (size_t i = 0; i < fields.size(); ++i) {
        uint64_t v = (*attrs)[i];
        if (fields[i].optional && v == 0)
          continue; // absent
        uint64_t attr = fields[i].optional ? v >> 1 : v;
        d.attributes.emplace_back(fields[i].name, reader.attrText(attr));
      }
    } else {
      // Encoded by the op's dialect, which mlirscope does not link.
      d.attributes.emplace_back(
          "<properties>",
          std::to_string(reader.propertiesSize(enc.properties)) +
              " bytes, encoded by the op's dialect");
    }
  }
  if (enc.attributes != kNone)
    addDictionary(enc.attributes);
  return d;
}
