//===- AttrTypeReader.h - Lazy decoding of bytecode attributes/types -*- C++ -*-===//
//
// A bytecode file stores every attribute and type once, in a table; ops refer
// to them by index. The indexer keeps each entry as a byte range and this
// reader decodes an entry only when someone asks: during indexing (the types
// of dense_resource attributes, symbol names) and afterwards, for op details
// (locations, types, attributes as text), which is why the index owns one.
//
// Builtin attributes and types are decoded by their codes
// (mlir/IR/BuiltinDialectBytecode.td), StableHLO's VHLO by its own
// (VhloBytecode.h); entries a dialect wrote as text are shown as that text;
// other dialects' entries stay opaque. Nothing here reads blob bytes: dense
// elements are summarized from the first few values of the attribute's own
// encoding, which lives in the IR.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_BYTECODE_ATTRTYPEREADER_H
#define MLIRSCOPE_BYTECODE_ATTRTYPEREADER_H

#include "mlirscope/Model/ModelIndex.h"

#include "mlirscope/Bytecode/ByteCursor.h"

#include "llvm/ADT/APInt.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"

#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace mlirscope {

/// One entry of the attribute or type table.
struct AttrTypeEntry {
  uint32_t dialect = kNone;
  /// Encoded by the dialect's bytecode interface (else: assembly text).
  bool custom = false;
  uint64_t begin = 0, end = 0;
};

/// A decoded builtin or VHLO type: a scalar element type or a shaped type.
struct DecodedType {
  bool shaped = false;
  ElementType element; ///< The scalar (or the shaped type's element).
  TensorType tensor;   ///< Valid when shaped.
};

/// Location attribute, decoded (what op details and grouping need).
struct DecodedLocation {
  std::string text; ///< As MLIR prints it, without the `loc(...)` wrapper.
  /// NameLoc names from outermost to innermost (through CallSiteLoc callers
  /// and FusedLoc parts), the raw material of scope paths.
  std::vector<std::string> names;
};

class AttrTypeReader {
public:
  /// `attrTypeBytes` and `propertyBytes` hold the attribute/type and
  /// properties sections (read once, kept while the reader lives);
  /// `strings` point into `stringBytes`, kept too.
  AttrTypeReader(std::shared_ptr<ByteSource> file, FileWindow attrTypeBytes,
                 FileWindow propertyBytes, Span stringBytes,
                 std::vector<llvm::StringRef> strings,
                 std::vector<std::string> dialects,
                 std::vector<AttrTypeEntry> attrs,
                 std::vector<AttrTypeEntry> types,
                 std::vector<std::string> resourceKeys,
                 std::vector<std::pair<uint64_t, uint64_t>> properties);

  size_t numAttrs() const { return attrs.size(); }
  size_t numTypes() const { return types.size(); }

  /// Decodes type `idx` if it is a builtin or VHLO type mlirscope
  /// understands (its element type and shape); null otherwise.
  const DecodedType *decodeType(uint64_t idx, unsigned depth = 0);
  /// The value of a builtin StringAttr or a #vhlo.string_v1.
  std::optional<llvm::StringRef> stringAttr(uint64_t idx);
  /// The entries of a builtin DictionaryAttr as (name, value index).
  std::optional<std::vector<std::pair<llvm::StringRef, uint64_t>>>
  dictionary(uint64_t idx);
  /// True for a builtin DenseResourceElementsAttr; sets its type index and
  /// resource handle.
  bool denseResource(uint64_t idx, uint64_t &typeIdx, uint64_t &handle);
  /// A #vhlo.tensor_v1: its type index and the data's offset and size.
/// A builtin DenseIntOrFPElementsAttr: its type and where its raw data is
  /// (absolute offset, bytes). DenseStringElementsAttr too, with `strings`
  /// set and the data being the entry's encoding.
  bool denseElements(uint64_t idx, uint64_t &typeIdx, uint64_t &dataOffset,
                     uint64_t &size, bool &strings);
  /// The assembly text of an entry its dialect does not encode (empty for
  /// custom-encoded entries).
  llvm::StringRef assemblyText(uint64_t idx) const;
    bool vhloTensor(uint64_t idx, uint64_t &typeIdx, uint64_t &dataOffset,
                  uint64_t &size);

  /// Type `idx` as MLIR prints it (VHLO types as the builtin types they
  /// copy; other dialects' custom encodings as `!dialect<N bytes>`).
  std::string typeText(uint64_t idx, unsigned depth = 0);
  /// Attribute `idx` as MLIR prints it, dense elements summarized (type and
  /// first values), other dialects' custom encodings as `#dialect<N bytes>`.
  /// `mayElideType`: as MLIR prints array elements and memory spaces, an i64
  /// integer or f64 float without its type.
  std::string attrText(uint64_t idx, unsigned depth = 0,
                       bool mayElideType = false);
  /// Location attribute `idx`.
  DecodedLocation location(uint64_t idx);

  /// The attribute indices of a native properties entry, if every varint
  /// in it is one (what ODS writes for required attributes, in name order);
  /// nullopt otherwise.
  std::optional<std::vector<uint64_t>> propertyAttrs(uint64_t idx);
  size_t propertiesSize(uint64_t idx) const {
    return idx < properties.size()
               ? properties[idx].second - properties[idx].first
               : 0;
  }

  /// The string attributes that locations use as file names and NameLoc
  /// names.
  llvm::DenseSet<uint64_t> locationStrings();

  /// The first builtin attribute or type (its file offset, and true if too
  /// deep) that nests more than `limit` levels deep through the builtin
  /// entries it references (arrays of arrays, dictionaries, element
  /// types...), or that expands to more than `maxExpanded` entries when
  /// every use of a shared entry is printed; nullopt when there is none.
  /// MLIR's bytecode reader recurses once per level, its printer writes
  /// every use. Iterative; reference cycles of a hostile file count once.
  std::optional<std::pair<uint64_t, bool>>
  findDeepNesting(unsigned limit, uint64_t maxExpanded);

  /// Whether attribute `idx` belongs to the named dialect.
  bool isDialect(uint64_t idx, llvm::StringRef dialect) const;

  /// Decoding caches lazily: callers on several threads take this first.
  std::mutex &mutex() { return lock; }

private:
  ByteCursor cursorFor(const AttrTypeEntry &e) {
    return attrTypeBytes.cursor(e.begin, e.end, scratch);
  }
  /// A cursor over attribute `idx` when the builtin dialect encoded it.
  std::optional<ByteCursor> builtinAttr(uint64_t idx) {
    if (idx >= attrs.size() || !attrs[idx].custom ||
        attrs[idx].dialect != builtinDialect)
      return std::nullopt;
    return cursorFor(attrs[idx]);
  }
  std::optional<DecodedType> readShapedType(ByteCursor &in,
                                            llvm::StringRef kind, bool ranked,
                                            unsigned depth);
  std::string builtinAttrText(ByteCursor &in, uint64_t code, uint64_t idx,
                              unsigned depth, bool mayElideType);
  std::string vhloAttrText(ByteCursor &in, uint64_t code, unsigned depth);
  std::string builtinTypeText(ByteCursor &in, uint64_t code, unsigned depth);
  std::optional<std::vector<std::string>> typeList(ByteCursor &in,
                                                   unsigned depth);
  std::string functionText(ByteCursor &in, unsigned depth);
  std::string vhloTypeText(ByteCursor &in, uint64_t code, unsigned depth);
  void locationInto(uint64_t idx, DecodedLocation &out, unsigned depth);
  /// The attributes (first) and types (second) builtin entry `node` refers
  /// to; nodes number attributes, then types.
  void referencesOf(uint64_t node, std::vector<uint64_t> &out);
  /// A count and that many varints.
  std::optional<std::vector<uint64_t>> indexList(ByteCursor &in);
  /// The values of a dense elements blob (`data` is IR bytes of the
  /// attribute): in full up to 16 elements, else the first and a count.
  std::string elementsText(const DecodedType &type, const uint8_t *data,
                           uint64_t size, bool packedBools);
  std::string opaque(const AttrTypeEntry &e, char sigil) const;
  /// What typeText and attrText share: depth and budget, text entries, the
  /// code, opaque when `decode` cannot.
  std::string
  entryText(const AttrTypeEntry &e, char sigil, unsigned depth,
            llvm::function_ref<std::string(ByteCursor &, uint64_t)> decode);
  std::string arrayText(ByteCursor &in, unsigned depth, bool mayElideType);
  std::string dictionaryText(ByteCursor &in, unsigned depth, bool builtin);
  std::string numberText(ByteCursor &in, unsigned depth, bool isFloat,
                         bool mayElideType, bool boolKeywords);
  /// Counts an entry printed by the current top-level request (depth 0
  /// starts one); false once its budget is spent.
  bool spend(unsigned depth);
  static constexpr uint64_t kPrintBudget = 20000;
  uint64_t printBudget = kPrintBudget;
  /// An APInt of `width` bits as the bytecode stores them.
  std::optional<llvm::APInt> readAPIntBits(ByteCursor &in, unsigned width);
  /// An integer of `width` bits as the bytecode stores APInts, printed.
  std::optional<std::string> readAPInt(ByteCursor &in, unsigned width,
                                       bool isSigned);
  std::optional<std::string> readAPFloat(ByteCursor &in,
                                         const ElementType &type);

  std::shared_ptr<ByteSource> file;
  FileWindow attrTypeBytes, propertyBytes;
  Span stringBytes;
  std::vector<llvm::StringRef> strings;
  std::vector<std::string> dialects;
  std::vector<AttrTypeEntry> attrs, types;
  std::vector<std::string> resourceKeys;
  std::vector<std::pair<uint64_t, uint64_t>> properties;
  uint32_t builtinDialect = kNone, vhloDialect = kNone;
  ReadFailure scratch;
  std::vector<std::optional<DecodedType>> typeCache;
  std::vector<uint8_t> typeState; // 0 = not tried, 1 = decoding, 2 = done
  std::mutex lock;
};

} // namespace mlirscope

#endif // MLIRSCOPE_BYTECODE_ATTRTYPEREADER_H
