//===- Encoding.h - MLIR bytecode's numbers ---------------------*- C++ -*-===//
//
// The section IDs, op encoding bits, versions and resource entry kinds of
// MLIR bytecode, as in mlir/Bytecode/Encoding.h, shared by the reader
// (BytecodeIndexer) and the writer (Edit/Rewrite) so neither spells them as
// bare numbers. mlirscope reads bytecode without linking MLIR's reader (it
// must read dialects it does not link), so it keeps its own copy of them.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BYTECODE_ENCODING_H
#define MLIRSCOPE_BYTECODE_ENCODING_H

#include <cstdint>

namespace mlirscope::bytecode {

/// Section IDs; a section header's ID byte has 0x80 set when the section is
/// aligned.
enum SectionID : uint8_t {
  kString = 0,
  kDialect = 1,
  kAttrType = 2,
  kAttrTypeOffset = 3,
  kIR = 4,
  kResource = 5,
  kResourceOffset = 6,
  kDialectVersions = 7,
  kProperties = 8,
  kNumSections = 9,
};
inline constexpr uint8_t kSectionAlignedBit = 0x80;

/// The section's name for messages ("resource offset").
const char *sectionName(unsigned id);

/// Bits of an op's encoding mask.
enum OpMask : uint8_t {
  kHasAttrs = 1 << 0,
  kHasResults = 1 << 1,
  kHasOperands = 1 << 2,
  kHasSuccessors = 1 << 3,
  kHasInlineRegions = 1 << 4,
  kHasUseListOrders = 1 << 5,
  kHasProperties = 1 << 6,
};

/// The bytecode versions that changed the encoding.
enum Version : uint64_t {
  kDialectVersioning = 1,
  kLazyLoading = 2,
  kUseListOrdering = 3,
  kElideUnknownBlockArgLocation = 4,
  kNativePropertiesEncoding = 5,
  kMaxVersion = 6,
};

/// The kind of a resource entry (AsmResourceEntryKind).
enum ResourceEntryKind : uint8_t {
  kBlobEntry = 0,
  kBoolEntry = 1,
  kStringEntry = 2,
};

} // namespace mlirscope::bytecode

#endif // MLIRSCOPE_BYTECODE_ENCODING_H
