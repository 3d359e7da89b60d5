//===- EditStack.h - Unsaved edits as an undoable overlay -------*- C++ -*-===//
//
// Like ImHex's provider undo stack: each user action (type a cell, fill or
// scale a selection, replace a weight from .npy) is one entry holding, per
// touched byte range of a weight, the old and the new bytes. Nothing reaches
// the file until a save; until then every read of an edited weight looks
// here first (the newest action covering a byte wins). Undo pops an action
// onto the redo stack; a new action clears the redo stack.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_VIEWER_EDITSTACK_H
#define MLIRSCOPE_VIEWER_EDITSTACK_H

#include "mlirscope/Support/MappedFile.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace mlirscope::view {

/// New bytes for [byteOffset, byteOffset + newBytes.size()) of one weight
/// (raw element bytes, as WeightView::readBytes returns them, whatever the
/// file holds: hex digits are encoded only when saving).
struct EditRange {
  /// Index into ModelIndex::weights.
  uint32_t weight = 0;
  uint64_t byteOffset = 0;
  std::vector<uint8_t> oldBytes, newBytes;
};

struct EditAction {
  std::string label;
  std::vector<EditRange> ranges;
  /// A whole-weight replacement from a .npy file (checked to match the
  /// weight's dtype and shape): the data starts at `npyDataOffset` of `npy`.
  uint32_t replacedWeight = ~0u;
  std::shared_ptr<MappedFile> npy;
  uint64_t npyDataOffset = 0;
};

class EditStack {
public:
  void push(EditAction action);
  bool canUndo() const { return !done.empty(); }
  bool canRedo() const { return !undone.empty(); }
  /// The label of the action undone / redone, or "" when there was none.
  std::string undo();
  std::string redo();
  /// Unsaved actions exist.
  bool dirty() const { return !done.empty(); }
  size_t size() const { return done.size(); }
  const std::vector<EditAction> &actions() const { return done; }
  void clear() {
    done.clear();
    undone.clear();
    ++changes;
  }
  /// Changes with every push, undo, redo and clear.
  uint64_t version() const { return changes; }

  /// Overwrites the parts of `out` (bytes [byteOffset, + size) of weight
  /// `weight`, read from the file) that unsaved edits changed. Returns
  /// whether any byte was edited.
  bool apply(uint32_t weight, uint64_t byteOffset, uint64_t size,
             uint8_t *out) const;
  /// Whether any unsaved edit touches weight `weight`.
  bool touches(uint32_t weight) const;

private:
  std::vector<EditAction> done, undone;
  uint64_t changes = 0;
};

} // namespace mlirscope::view

#endif
