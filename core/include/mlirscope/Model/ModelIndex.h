//===- ModelIndex.h - Format-independent index of an MLIR model -*- C++ -*-===//
//
// What the indexers (bytecode and text) produce: the IR's structure (ops,
// regions, the use-def graph) and every resource blob as a location in the
// file. Nothing here owns or copies blob bytes: a resource is an offset and a
// size into the mapped file.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_MODEL_MODELINDEX_H
#define MLIRSCOPE_MODEL_MODELINDEX_H

#include "mlirscope/Model/TensorType.h"
#include "mlirscope/Model/Weight.h"
#include "mlirscope/Support/ByteSource.h"

#include "llvm/ADT/StringMap.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlirscope {

class AttrTypeReader;


/// How a resource entry's value is stored.
enum class ResourceKind : uint8_t { Blob, Bool, String };

/// One entry of a resource group: its location in the file, never its bytes.
struct Resource {
  /// Dialect name for dialect resources ("builtin"), or the external group key
  /// (e.g. "mlir_reproducer").
  std::string group;
  bool isDialectGroup = true;
  std::string key;
  ResourceKind kind = ResourceKind::Blob;
  /// Absolute file offset of the first data byte. For text files this is the
  /// first hex digit after the 8 alignment digits.
  uint64_t dataOffset = 0;
  /// Size of the data in bytes (for text: decoded size, half the hex digits).
  uint64_t size = 0;
  uint64_t alignment = 1;
  /// For text files: the hex string's span (quotes excluded).
  bool isHexText = false;
  uint64_t textOffset = 0, textSize = 0;
  /// The type of the first dense_resource attribute referencing this key.
  std::optional<TensorType> type;
  /// How many dense_resource attributes reference this key.
  uint32_t numReferences = 0;
  /// The value of a bool ("true"/"false") or string entry (for text files,
  /// as written between the quotes, escapes included).
  std::string value;
  /// The `// -----` chunk of a split text file holding the entry (0 for
  /// bytecode and for text files without separators).
  uint32_t chunk = 0;
};

/// The key MLIR prints in place of a resource's key when it elides blobs
/// (`--mlir-elide-resource-strings-if-larger`): the file was written without
/// its weights, so such a reference has no entry by design.
inline constexpr const char *kElidedResourceKey = "__elided__";

/// A `dense_resource<key>` attribute found in the IR.
struct ResourceReference {
  std::string key;
  std::optional<TensorType> type;
  /// Index into ModelIndex::resources, or kNone if the key has no entry (or an
  /// entry without data).
  uint32_t resource = kNone;
  /// Byte offset of the attribute's encoding or text (best effort).
  uint64_t offset = 0;
  /// The chunk of a split text file the reference is in (see Resource).
  uint32_t chunk = 0;

  /// True for `dense_resource<__elided__>`: printed without its blob.
  bool isElided() const { return key == kElidedResourceKey; }
};

/// A value in the use-def graph: an op result or a block argument.
struct ValueRecord {
  enum class Kind : uint8_t { OpResult, BlockArgument, Unresolved };
  Kind kind = Kind::Unresolved;
  /// Defining op (OpResult) or the op owning the block (BlockArgument).
  uint32_t owner = kNone;
  /// Result number or argument number.
  uint32_t number = 0;
  /// Its type: an index into the bytecode type table, or into
  /// ModelIndex::typeNames for text. kNone when unknown.
  uint32_t type = kNone;
};

/// A block of a region.
struct BlockRecord {
  uint32_t owner = kNone; ///< Op whose region holds it (kNone: top level).
  uint32_t region = 0;    ///< Region number within the owner.
  uint32_t firstArgument = kNone, numArguments = 0; ///< ValueRecords.
};

/// One operation, in pre-order of the IR walk.
struct OpRecord {
  uint32_t name = kNone;       ///< Index into ModelIndex::opNames.
  uint32_t parent = kNone;     ///< Enclosing op, kNone at top level.
  uint32_t depth = 0;          ///< Region nesting depth (top level = 0).
  uint32_t numRegions = 0;
  uint32_t numBlocks = 0;      ///< Blocks across all of its regions.
  uint32_t numSuccessors = 0;
  uint32_t firstResult = kNone; ///< First ValueRecord of its results.
  uint32_t numResults = 0;
  uint32_t firstOperand = 0;   ///< Into ModelIndex::operands.
  uint32_t numOperands = 0;
  uint32_t block = kNone;      ///< The block it is in (BlockRecord).
  uint32_t firstSuccessor = 0; ///< Into ModelIndex::successors.
  bool isolatedFromAbove = false;
  /// Symbol name (from `sym_name`), empty when none was found.
  std::string symbol;
  /// File offset of the op's encoding (bytecode) or text.
  uint64_t offset = 0;
};

/// Where a bytecode op's details are, decoded only when asked for
/// (OpDetails.h): indices into the attribute table and the properties.
struct OpEncoding {
  uint32_t location = kNone;
  uint32_t attributes = kNone; ///< A DictionaryAttr of discardable attrs.
  /// Native properties: an entry of the properties section, encoded by the
  /// op's dialect, or for an op not registered when written one attribute
  /// index (a DictionaryAttr).
  uint32_t properties = kNone;
  bool propertiesAreAttribute = false;
};

/// A text op's details, printed by MLIR when it parsed the file.
struct TextOpDetails {
  std::string location;            ///< As MLIR prints it, inside `loc(...)`.
  std::vector<std::string> names;  ///< NameLoc names, outermost first.
  std::vector<std::pair<std::string, std::string>> attributes;
};

/// An interned operation name.
struct OpName {
  std::string dialect;
  std::string name; ///< Full name, "dialect.op".
  /// Whether the producer had the op registered (bytecode >= 5), else unknown.
  std::optional<bool> wasRegistered;
};

/// One module of a text file split by `// -----` lines, as
/// `mlir-opt --split-input-file` sees it. Each chunk is parsed on its own and
/// has its own resource namespace: the same key in two chunks is two
/// resources. A file without separators is one chunk.
struct TextChunk {
  uint64_t begin = 0, end = 0; ///< File bytes of the chunk.
  uint32_t line = 1;           ///< 1-based line on which it begins.
  uint32_t firstOp = 0, numOps = 0; ///< Its ops in ModelIndex::ops.
  /// Op counts of this chunk come from the lexical scan.
  bool approximate = false;
};

/// A named section of the file (for the IR-vs-blob byte accounting).
struct SectionInfo {
  std::string name;
  uint64_t offset = 0, size = 0;
};

/// Where a bytecode file's parts are, for tools that rewrite it (copying the
/// IR sections as they are and re-emitting only the resource sections).
struct BytecodeLayout {
  struct Section {
    uint8_t id = 0;
    uint64_t header = 0;  ///< offset of the section's ID byte
    uint64_t begin = 0, end = 0; ///< its data
    uint64_t alignment = 0; ///< 0 when the section has no alignment
  };
  /// One resource entry as listed in the resource offset section.
  struct Entry {
    uint64_t keyString = 0; ///< index into the string section
    uint8_t kind = 0;       ///< 0 blob, 1 bool, 2 string
    uint64_t begin = 0, size = 0; ///< the entry's bytes in the file
    uint32_t resource = kNone;    ///< into ModelIndex::resources
  };
  struct Group {
    bool isDialect = true;
    uint64_t id = 0; ///< dialect index, or the group key's string index
    std::vector<Entry> entries;
  };
  uint64_t headerEnd = 0; ///< end of magic, version and producer
  std::vector<Section> sections; ///< in file order
  std::vector<Group> groups;     ///< external groups first, as in the file
  std::vector<std::string> strings;
  /// Bytes of the string count at the start of the string section.
  uint64_t stringCountSize = 0;
};

/// The whole index. Produced by `indexFile`, immutable afterwards.
class ModelIndex {
public:
  enum class Format : uint8_t { Bytecode, Text };

  Format format = Format::Bytecode;
  std::shared_ptr<ByteSource> file;
  /// Bytecode version and producer string (bytecode only).
  uint64_t bytecodeVersion = 0;
  std::string producer;

  std::vector<std::string> dialects;
  std::vector<OpName> opNames;
  std::vector<OpRecord> ops;
  std::vector<ValueRecord> values;
  std::vector<uint32_t> operands; ///< Value indices, sliced by OpRecord.
  std::vector<BlockRecord> blocks;
  /// Successor blocks of terminators, sliced by OpRecord.
  std::vector<uint32_t> successors;
  /// Bytecode: per op, where its details are encoded.
  std::vector<OpEncoding> opEncodings;
  /// Text: per op, its details as MLIR printed them (empty when the op
  /// counts are lexical).
  std::vector<TextOpDetails> textDetails;
  /// Text: type spellings that ValueRecord::type indexes.
  std::vector<std::string> typeNames;
  std::vector<Resource> resources;
  std::vector<ResourceReference> references;
  /// Every weight: resource blobs, inline elements attributes and parameter
  /// references, in that order (Weight.h). Filled by `collectWeights`.
  std::vector<Weight> weights;
  /// Inline elements attributes smaller than IndexOptions::minInlineBytes:
  /// counted, not listed.
  uint64_t smallInlineCount = 0, smallInlineBytes = 0;
  /// Archives bound to parameter scopes (IndexOptions::parameters).
  std::vector<BoundArchive> archives;
  std::vector<SectionInfo> sections;
  /// Bytecode only: the raw layout.
  BytecodeLayout layout;
  /// Bytecode only: decodes the attribute and type tables on demand (op
  /// details, OpDetails.h). Internal to core.
  std::shared_ptr<AttrTypeReader> attrTypes;
  /// Text only: the chunks (one, or several in a `// -----` split file).
  std::vector<TextChunk> chunks;
  /// True for a text file with `// -----` separators (more than one chunk).
  bool isSplit() const { return chunks.size() > 1; }
  /// Set when only this chunk was indexed (IndexOptions::chunk): the other
  /// chunks are listed with their extents only.
  std::optional<uint32_t> selectedChunk;

  /// True when op counts come from a lexical scan rather than a parse (text
  /// in a dialect's custom syntax that is not linked).
  bool opCountsApproximate = false;
  /// Non-fatal problems worth showing to a user (undecodable attributes...).
  std::vector<std::string> warnings;

  /// Text only: one `{-# ... #-}` block as the indexer scanned it, and the
  /// entries it holds (`resources[firstResource, endResource)`). Left empty
  /// when an entry replaced another or only one chunk was indexed (the
  /// entries are then no longer those of the blocks, in order).
  struct MetadataBlock {
    uint64_t begin = 0, end = 0;
    uint32_t firstResource = 0, endResource = 0;
  };
  std::vector<MetadataBlock> metadataBlocks;

  /// Bytes of the file that hold blob data (hex text for text files).
  uint64_t blobBytes() const;
  uint64_t fileSize() const { return file ? file->size() : 0; }
  /// Finds a resource by key (first match across groups and chunks), or
  /// nullptr.
  const Resource *findResource(llvm::StringRef key) const;
  /// Finds a weight by name (Weight.h), or nullptr.
  const Weight *findWeight(llvm::StringRef name) const;
  /// The weight of resource `resource`, or nullptr.
  const Weight *weightOfResource(uint32_t resource) const;
  llvm::StringRef getOpName(const OpRecord &op) const {
    return op.name < opNames.size() ? llvm::StringRef(opNames[op.name].name)
                                    : llvm::StringRef("<unknown>");
  }

  /// Links references to dialect resources by (chunk, key) and fills
  /// Resource::type and numReferences; elided references link to nothing.
  /// Indexers call this once at the end.
  void linkReferences();
  /// Lists the weights: one per resource blob, then those the indexer found
  /// in `weights` (inline elements and parameter references) at least
  /// `minInlineBytes` large (smaller inline ones are only counted), each
  /// with a unique name. Indexers call this once, after linkReferences.
  void finishWeights(uint64_t minInlineBytes);
};

/// What to index.
struct IndexOptions {
  /// For a split text file: index only this chunk (0-based); its offsets
  /// stay those of the whole file. Out of range is an error.
  std::optional<uint32_t> chunk;
  /// Inline elements attributes smaller than this are counted, not listed
  /// as weights.
  uint64_t minInlineBytes = 1024;
  /// Archives to bind parameter references to (`--parameters [SCOPE=]FILE`).
  std::vector<std::pair<std::string, std::string>> parameters;
  /// Parse each chunk's IR with MLIR (exact op counts and references, op
  /// details). False: the lexical scan only, without a warning, for callers
  /// that parse the IR themselves (the language server).
  bool parseWithMLIR = true;
  /// Text without MLIR's parse only: record the ops the lexical scan finds
  /// (op names, dialects, counts, the op holding each weight). False: only
  /// resources, references, weights and chunks, for a caller that has its
  /// own parse of the IR and reads none of those (the language server, on
  /// every open and edit).
  bool lexicalOps = true;
  /// Text only: blocks of an earlier index of the same document that are
  /// unchanged since, now at `begin` (sorted): their entries are taken from
  /// `previous->metadataBlocks[block]`, moved, instead of scanning the block
  /// again, so an edit elsewhere never reads a blob's hex (the language
  /// server re-indexing after a keystroke). A block is reused only where
  /// the scan meets a `{-#` at `begin`.
  struct ReusedBlock {
    uint32_t block = 0;
    uint64_t begin = 0;
  };
  std::shared_ptr<const ModelIndex> previous;
  std::vector<ReusedBlock> reusedBlocks;
};

} // namespace mlirscope

#endif // MLIRSCOPE_MODEL_MODELINDEX_H
