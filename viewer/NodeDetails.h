//===- NodeDetails.h - One op: location, types, attributes, uses -*- C++ -*-===//

#ifndef MLIRSCOPE_VIEWER_NODEDETAILS_H
#define MLIRSCOPE_VIEWER_NODEDETAILS_H

#include "mlirscope/Index/OpDetails.h"

#include <cstdint>
#include <string>
#include <vector>

namespace mlirscope::view {

class App;

class NodeDetails {
public:
  void draw(App &app);
  void reset() { shownOp = ~0u; }
  /// The weights of the op shown: what it holds (inline elements, a
  /// parameter reference) and the resource blobs its attributes name, as
  /// (name, index into ModelIndex::weights or kNone when the file has none).
  const std::vector<std::pair<std::string, uint32_t>> &weights() const {
    return opWeights;
  }

private:
  void refresh(App &app, uint32_t op);
  uint32_t shownOp = ~0u;
  unsigned shownGeneration = ~0u;
  OpDetails details;
  struct Operand {
    uint32_t value, definingOp;
    std::string type, label;
  };
  std::vector<Operand> operands;
  std::vector<std::string> resultTypes;
  /// Per result: ops using it.
  std::vector<std::vector<uint32_t>> users;
  std::vector<std::pair<std::string, uint32_t>> opWeights;
};

} // namespace mlirscope::view

#endif
