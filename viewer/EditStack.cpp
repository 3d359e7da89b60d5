//===- EditStack.cpp - Unsaved edits as an undoable overlay ---------------===//

#include "EditStack.h"

#include <algorithm>
#include <cstring>

namespace mlirscope::view {

void EditStack::push(EditAction action) {
  done.push_back(std::move(action));
  undone.clear();
  ++changes;
}

std::string EditStack::undo() {
  if (done.empty())
    return "";
  undone.push_back(std::move(done.back()));
  done.pop_back();
  ++changes;
  return undone.back().label;
}

std::string EditStack::redo() {
  if (undone.empty())
    return "";
  done.push_back(std::move(undone.back()));
  undone.pop_back();
  ++changes;
  return done.back().label;
}

bool EditStack::touches(uint32_t weight) const {
  for (const EditAction &a : done) {
    if (a.replacedWeight == weight)
      return true;
    for (const EditRange &r : a.ranges)
      if (r.weight == weight)
        return true;
  }
  return false;
}

bool EditStack::apply(uint32_t weight, uint64_t byteOffset, uint64_t size,
                      uint8_t *out) const {
  bool any = false;
  uint64_t end = byteOffset + size;
  // Oldest first, so newer actions overwrite older ones.
  for (const EditAction &a : done) {
    if (a.replacedWeight == weight && a.npy) {
      std::memcpy(out, a.npy->data() + a.npyDataOffset + byteOffset, size);
      any = true;
    }
    for (const EditRange &r : a.ranges) {
      if (r.weight != weight)
        continue;
      uint64_t rEnd = r.byteOffset + r.newBytes.size();
      uint64_t lo = std::max(byteOffset, r.byteOffset), hi = std::min(end, rEnd);
      if (lo >= hi)
        continue;
      std::memcpy(out + (lo - byteOffset), r.newBytes.data() + (lo - r.byteOffset),
                  hi - lo);
      any = true;
    }
  }
  return any;
}

} // namespace mlirscope::view
