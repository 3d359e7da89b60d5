//===- OpJson.cpp - One op with its details as JSON -----------------------===//

#include "mlirscope/Index/OpJson.h"
#include "mlirscope/Index/OpDetails.h"

#include <nlohmann/json.hpp>

using namespace mlirscope;

std::string mlirscope::opJsonLine(const ModelIndex &index, uint32_t i) {
  const OpRecord &op = index.ops[i];
  OpDetails d = getOpDetails(index, i);
  nlohmann::json j = {{"op", i},
                      {"name", index.getOpName(op).str()},
                      {"depth", op.depth},
                      {"location", d.location},
                      {"scope", d.scope},
                      {"operand_types", d.operandTypes},
                      {"result_types", d.resultTypes},
                      {"successors", d.successors}};
  nlohmann::json attrs = nlohmann::json::array();
  for (auto &[name, value] : d.attributes)
    attrs.push_back({name, value});
  j["attributes"] = attrs;
  if (!op.symbol.empty())
    j["symbol"] = op.symbol;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
