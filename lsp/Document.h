//===- Document.h - One open document and what is derived from it -*- C++
//-*-===//
//
// Internal to lsp/: shared by the feature files (Hover.cpp, XRefs.cpp,
// Outline.cpp). Offsets are byte offsets into the document text; LSP
// positions count UTF-16 code units within a line (LSP's default position
// encoding): a 4-byte UTF-8 sequence counts 2, any other valid sequence 1,
// and each byte that is not part of a valid sequence 1.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LSP_DOCUMENT_H
#define MLIRSCOPE_LSP_DOCUMENT_H

#include "Server.h"
#include "TextBuffer.h"

#include "mlirscope/Blob/BlobStats.h"
#include "mlirscope/Index/Index.h"
#include "mlirscope/Model/Weight.h"
#include "mlirscope/Support/MappedFile.h"

#include "mlir/AsmParser/AsmParserState.h"
#include "mlir/IR/Block.h"
#include "mlir/IR/MLIRContext.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/SourceMgr.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace mlirscope {
namespace lspserver {

/// A byte range [begin, end) of the document text.
struct TextSpan {
  uint64_t begin = 0, end = 0;
  bool contains(uint64_t offset) const {
    return begin <= offset && offset <= end && begin != end;
  }
};

/// One `dense_resource<key>` in the IR.
struct ResourceUse {
  std::string key;
  TextSpan keySpan;  ///< the key itself
  TextSpan attrSpan; ///< `dense_resource<key>`
};

/// One entry of a `{-# dialect_resources #-}` group.
struct ResourceEntry {
  std::string key;
  TextSpan keySpan;          ///< the key before the colon
  TextSpan entrySpan;        ///< from the key to the value's closing quote
  uint32_t resource = kNone; ///< into ModelIndex::resources
};

struct Document {
  llvm::lsp::URIForFile uri;
  int64_t version = 0;
  /// The text the editor sent: a view of `textFile`, the one copy of it the
  /// server keeps (core's index reads the same bytes), edited in place by
  /// didChange (taken again after each edit: the memory may move).
  llvm::StringRef text;
  std::shared_ptr<TextBuffer> textFile;
  /// Kept up to date by each edit, before any re-index: the next change's
  /// positions are in the edited text.
  std::vector<uint64_t> lineStarts;
  /// The edits since everything below was derived from the text, in order:
  /// [begin, oldEnd) of the text then became [begin, newEnd). The re-index
  /// moves what they did not touch instead of scanning it again.
  struct Edit {
    uint64_t begin, oldEnd, newEnd;
  };
  std::vector<Edit> edits;
  /// Where the line of each of `metadata` and of `index->metadataBlocks`
  /// begins: an edit from there to the block's end touches the block (the
  /// blanks before `{-#` decide whether it opens a block).
  std::vector<uint64_t> metadataLines, indexBlockLines;

  /// core's index of the text (null when the text cannot be indexed).
  /// Shared with blob jobs running off the worker thread (BlobJob).
  std::shared_ptr<ModelIndex> index;
  /// Why `index` is null: core's one-line error.
  std::string indexError;
  /// What getFileStatus says of `index` (mode "text"), made from the
  /// summary the diagnostics take, so that an index is summarized once.
  FileStatus status;
  std::shared_ptr<StatsCache> stats;
  /// For an elided view (see Bytecode.cpp): the model on disk it was made
  /// from, indexed on first use.
  std::shared_ptr<ModelIndex> source;
  bool sourceTried = false;
  std::vector<ResourceUse> uses;
  std::vector<ResourceEntry> entries;
  /// The `{-# ... #-}` blocks (a split file may have one per chunk), in
  /// order.
  std::vector<TextSpan> metadata;
  /// The weights written in the IR (inline elements attributes, parameter
  /// references): indices into `index->weights`, in text order.
  std::vector<uint32_t> textWeights;
  /// Whether the index lists every inline elements attribute (a document
  /// up to Impl::listAllInlineBytes), or only those of at least 1 KiB (core's
  /// default; smaller ones are then read from the text under the cursor).
  bool allInlineListed = false;
  /// Parameter archives that could not be bound, one line each (shown as
  /// diagnostics).
  std::vector<std::string> parameterProblems;

  /// The inline weight or parameter reference whose text (its type
  /// included) holds `offset`, or null.
  const Weight *weightAt(uint64_t offset) const;

  /// The context of the document's IR, one per document as upstream's:
  /// what one document's parse puts in a context shows in another's
  /// (a resource key already taken is renamed `key_1`).
  std::unique_ptr<mlir::MLIRContext> context;
  /// Chunks parsed in `context` since it was made: a context keeps every
  /// attribute it ever saw, so after many re-parses a fresh one is made.
  unsigned contextParses = 0;

  /// One `// -----` chunk of the text (the whole text when there is no
  /// marker), split as upstream's mlir-lsp-server does: on each occurrence
  /// of the marker. MLIR parses each chunk on its own, from a buffer holding
  /// the chunk's text alone (its metadata blocks blanked out, or cut off
  /// when they end it), so a file costs one copy of its IR however many
  /// chunks it has. Offsets in the buffer plus `begin` are the document's.
  struct Chunk {
    TextSpan span; ///< the chunk's text in the document
    llvm::SourceMgr sourceMgr;
    mlir::AsmParserState asmState;
    /// The parsed IR; null when MLIR could not parse the chunk (then
    /// `asmState` is empty too, as upstream clears it).
    std::unique_ptr<mlir::Block> ir;
    /// Nested deeper than MLIR's parser may recurse (NestingLimit.h): MLIR
    /// never sees it, not even for completion.
    bool tooDeep = false;
    /// What the parse reported, and where the chunk's first line began
    /// then (its offset and number): a re-index that keeps the chunk
    /// (no edit touched it) moves these instead of parsing it again.
    std::vector<llvm::lsp::Diagnostic> diagnostics;
    uint64_t lineBegin = 0;
    int line = 0;
    /// The buffer's first byte.
    const char *bufferStart() const {
      return sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID())
          ->getBufferStart();
    }
    const char *bufferEnd() const {
      return sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID())
          ->getBufferEnd();
    }
    /// The document offset of a location in the buffer.
    uint64_t offsetOf(llvm::SMLoc loc) const {
      return span.begin + (loc.getPointer() - bufferStart());
    }
    TextSpan spanOf(llvm::SMRange range) const {
      return {offsetOf(range.Start), offsetOf(range.End)};
    }
    /// The buffer location of a document offset in the chunk (clamped to
    /// the buffer).
    llvm::SMLoc locOf(uint64_t offset) const {
      uint64_t rel = offset < span.begin ? 0 : offset - span.begin;
      rel = std::min<uint64_t>(rel, bufferEnd() - bufferStart());
      return llvm::SMLoc::getFromPointer(bufferStart() + rel);
    }
  };
  /// Every chunk, in order of their text.
  std::vector<std::unique_ptr<Chunk>> chunks;
  /// The chunks by buffer address, to map an SMLoc back (offsetOf).
  std::vector<std::pair<const char *, const Chunk *>> chunksByBuffer;

  /// The chunk whose text holds `offset` (the last one starting at or
  /// before it).
  Chunk &chunkAt(uint64_t offset) const;
  /// The chunk whose buffer holds `loc`, or null.
  const Chunk *chunkOf(llvm::SMLoc loc) const;

  const mlir::AsmParserState::OperationDefinition *
  getOpDef(mlir::Operation *op) const {
    for (const auto &c : chunks)
      if (const auto *def = c->asmState.getOpDef(op))
        return def;
    return nullptr;
  }

  /// Byte offset of `pos` (its `character` in UTF-16 code units), or an
  /// error when it lies outside the text.
  llvm::Expected<uint64_t> offsetOf(llvm::lsp::Position pos) const;
  /// The position of `offset`, its `character` in UTF-16 code units (a scan
  /// of the line up to `offset`).
  llvm::lsp::Position positionOf(uint64_t offset) const;
  /// The 0-based line of `offset` (no scan of the line).
  size_t lineOf(uint64_t offset) const;
  llvm::lsp::Range rangeOf(TextSpan span) const {
    return {positionOf(span.begin), positionOf(span.end)};
  }
  /// Offset of an SMLoc in one of the chunks' buffers (0 when it is in
  /// none).
  uint64_t offsetOf(llvm::SMLoc loc) const;
  TextSpan spanOf(llvm::SMRange range) const {
    return {offsetOf(range.Start), offsetOf(range.End)};
  }
  llvm::lsp::Range rangeOf(llvm::SMRange range) const {
    return rangeOf(spanOf(range));
  }
  /// The resource `key` names at `offset`: in a split file each chunk
  /// has its own metadata block (MLIR parses each chunk alone), so the
  /// entry in the same chunk, else the file's first with that key.
  const Resource *resourceFor(llvm::StringRef key, uint64_t offset) const;
  /// Whether two offsets are in the same `// -----` chunk.
  bool sameChunk(uint64_t a, uint64_t b) const {
    return &chunkAt(a) == &chunkAt(b);
  }
};

/// Shared state of the server.
struct MLIRScopeServer::Impl {
  /// Every dialect MLIR has; each document's context is made from it.
  mlir::DialectRegistry registry;
  std::map<std::string, std::unique_ptr<Document>> documents;
  /// A model read from disk for a bytecode view (`mlir/convertFromBytecode`)
  /// or a from-disk document (`mlirscope/openFile`), by the URI it is shown
  /// under (URIForFile::uri()).
  struct HeldModel {
    std::shared_ptr<ModelIndex> index;
    std::string mode; ///< "bytecode" or "disk"
  };
  std::map<std::string, HeldModel> models;
  /// Statistics of blobs in files on disk (keyed by file identity).
  std::shared_ptr<StatsCache> diskStats = std::make_shared<StatsCache>();
  bool hoverStatistics = true;
  uint64_t progressThreshold = 64ull << 20;
  uint64_t inlineStatsBytes = 4ull << 20;
  /// Stat files on disk again before reading their blobs (FaultGuard.h).
  bool recheckFiles = true;
  /// See MLIRScopeServer::setListAllInlineBytes.
  uint64_t listAllInlineBytes = 8ull << 20;
  /// Archives bound to parameter scopes by the `parameters` setting
  /// ("[SCOPE=]FILE", as parseParameterOption reads it).
  std::vector<std::pair<std::string, std::string>> parameters;
  /// Archives opened so far, by path, with the size and modification time
  /// they had then: a document's re-index on each edit opens none again.
  struct OpenedArchive {
    std::shared_ptr<const ParameterArchive> archive;
    uint64_t size = 0;
    int64_t mtime = 0;
  };
  std::map<std::string, OpenedArchive> archives;
  /// Archives found beside a model opened from a URL, by the model's URL
  /// and the scopes asked for: the store is asked once per session.
  std::map<std::string, std::vector<std::string>> archivesBesideUrl;

  Impl();
  llvm::Expected<Document *> getDocument(const llvm::lsp::URIForFile &uri);
  /// The open document `uri` and the byte offset of `pos` in it.
  llvm::Expected<std::pair<Document *, uint64_t>>
  getDocumentAt(const llvm::lsp::URIForFile &uri, llvm::lsp::Position pos);
};

/// The `@name` of a symbol op in its text, else the op name's span.
TextSpan symbolNameSpan(const Document &doc,
                        const mlir::AsmParserState::OperationDefinition &def);

/// Whether a resource entry is an elided blob's summary string.
bool isElided(const Resource &resource);
/// The model on disk an elided view was made from (the document's path),
/// or null.
const ModelIndex *getSourceModel(Document &doc);


/// "f32[4x4]" (or the type's spelling when its element type is not known).
std::string shortType(const Resource &resource);
std::string shortType(const std::optional<TensorType> &type);
/// "f32[4x4] 64 B" for a weight.
std::string weightSummary(const Weight &weight);

/// Binds the parameter references of `index`, the model at `modelPath`, to
/// archives (ParameterBinding.cpp): those of the `parameters` setting, then
/// archives beside the model that hold the keys of a scope's references.
/// Archives that cannot be read are left out, each with one line in
/// `problems`.
void bindArchives(MLIRScopeServer::Impl &impl, ModelIndex &index,
                  llvm::StringRef modelPath,
                  std::vector<std::string> &problems);

/// The place in an archive's file where `entry` is described, as an editor
/// shows that file (ParameterBinding.cpp).
llvm::lsp::Location archiveEntryLocation(const BoundArchive &archive,
                                         uint32_t entry);
/// "f32[4x4] 64 B", "missing" for a key without data.
std::string resourceSummary(const Resource *resource);

} // namespace lspserver
} // namespace mlirscope

#endif // MLIRSCOPE_LSP_DOCUMENT_H
