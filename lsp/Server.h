//===- Server.h - The mlirscope language server's data side -----*- C++ -*-===//
//
// MLIRScopeServer owns the open documents and everything derived from them:
// for each document a core ModelIndex (built over the document's own text,
// so blob bytes are those the editor sent), MLIR's parse of the IR with an
// AsmParserState, and a StatsCache. It answers in LSP's value types but knows
// nothing of JSON-RPC: LSPServer.cpp is the protocol layer. Not thread-safe:
// LSPServer.cpp calls it only from the Scheduler's one worker thread.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LSP_SERVER_H
#define MLIRSCOPE_LSP_SERVER_H

#include "mlirscope/Index/Index.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/LSP/Protocol.h"

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace mlirscope {
struct MLIRBridge;
class StatsCache;
namespace lspserver {
class TextBuffer;

/// A folding range (not in llvm/Support/LSP/Protocol.h).
struct FoldingRange {
  int startLine = 0, endLine = 0;
  std::string kind; ///< "region", "comment", "imports", or empty.
};
llvm::json::Value toJSON(const FoldingRange &range);

/// What `mlirscope/fileStatus` says about a document (see
/// docs/lsp-extensions.md).
struct FileStatus {
  std::string state; ///< "parsing", "indexed" or "error"
  std::string mode;  ///< "text", "bytecode" or "disk"
  /// One line for a status bar; for "error" the error itself.
  std::string detail;
  std::optional<uint64_t> fileBytes, blobBytes, resources, version;
  std::optional<std::string> format; ///< "text" or "bytecode"
};

/// One blob to read off the worker thread: what it needs, owned, so that the
/// document may change or close meanwhile.
struct BlobJob {
  std::shared_ptr<const ModelIndex> index;
  /// The weight (in `index`), and the resource it is when it is a blob.
  const Weight *weight = nullptr;
  const Resource *resource = nullptr;
  /// Statistics already computed for this file (never shared across files
  /// whose identity could repeat: an editor's buffer gets its own).
  std::shared_ptr<StatsCache> stats;
  /// A model on disk: stat it again before reading (FaultGuard.h). A
  /// parameter's archive is always on disk.
  bool onDisk = false;
};

/// How a hover shows the statistics of a weight too large to read at once
/// (over setInlineStatsBytes): from the cache if they are there, else as
/// "computing", handing `job` to the caller to compute in the background
/// (StatsJobs.h); a failure of that computation is shown instead.
struct DeferredStats {
  /// Set by findHover: the weight whose statistics the hover said are
  /// being computed.
  std::optional<BlobJob> job;
  /// Why the background computation of weight `name` failed, if it did.
  std::function<std::optional<std::string>(const std::string &name)> failure;
};

/// An InvalidParams error reply.
llvm::Error invalidParams(const llvm::Twine &message);

/// Progress of a long job: (title, bytes done, bytes total).
using ProgressCallback =
    std::function<void(llvm::StringRef, uint64_t, uint64_t)>;

class MLIRScopeServer {
public:
  MLIRScopeServer();
  ~MLIRScopeServer();

  /// Blobs larger than this report progress while their statistics are
  /// computed (64 MiB by default).
  void setProgressThreshold(uint64_t bytes);
  /// Whether blobs of models on disk are read only after checking that the
  /// file is unchanged since it was indexed (default; see FaultGuard.h).
  /// Off only for tests of the SIGBUS guard behind that check.
  void setRecheckFiles(bool recheck);
  bool getRecheckFiles() const;
  /// Whether hovers on blobs compute statistics (reading the blob's bytes);
  /// off, they show type, size and offset only (`hoverStatistics`).
  void setHoverStatistics(bool on);
  /// Weights up to this many bytes (4 MiB by default: milliseconds) have
  /// their statistics computed within the hover; a larger one's hover
  /// answers at once and leaves them to the caller (DeferredStats).
  void setInlineStatsBytes(uint64_t bytes);
  uint64_t getInlineStatsBytes() const;

  /// Adds or replaces a document and returns its diagnostics.
  void addOrUpdateDocument(const llvm::lsp::URIForFile &uri,
                           llvm::StringRef text, int64_t version,
                           std::vector<llvm::lsp::Diagnostic> &diagnostics);
  /// The same with the text in a buffer the document keeps as it is (a
  /// large text the input side unescaped into it: no copy).
  void addOrUpdateDocument(const llvm::lsp::URIForFile &uri,
                           std::shared_ptr<TextBuffer> text, int64_t version,
                           std::vector<llvm::lsp::Diagnostic> &diagnostics);
  /// A change of the whole text of the open document `uri` to `text` (which
  /// the document keeps as it is), as applyChanges with one change without
  /// a range. Fails (InvalidParams) for a document that is not open.
  llvm::Error replaceText(const llvm::lsp::URIForFile &uri, int64_t version,
                          std::shared_ptr<TextBuffer> text);
  /// Applies `changes` in order to the text of the open document `uri`, in
  /// place (ranges in UTF-16 positions, LSP's default; a change without a
  /// range replaces the whole text), and sets its version. What is derived
  /// from the text waits for reindexDocument. Fails (InvalidParams) for a
  /// document that is not open and at a change whose range is not in the
  /// text; the changes before it stay applied.
  llvm::Error
  applyChanges(const llvm::lsp::URIForFile &uri, int64_t version,
               llvm::ArrayRef<llvm::lsp::TextDocumentContentChangeEvent>
                   changes);
  /// Derives everything from the text again after applyChanges and returns
  /// the diagnostics: the metadata blocks the edits did not touch are not
  /// scanned again (their blobs' hex spans only move).
  void reindexDocument(const llvm::lsp::URIForFile &uri, int64_t version,
                       std::vector<llvm::lsp::Diagnostic> &diagnostics);
  /// Removes a document (and the model held for its URI, see openModel);
  /// returns its version, or nullopt if it was not open.
  std::optional<int64_t> removeDocument(const llvm::lsp::URIForFile &uri);
  /// The file status of `uri` once indexed: the model held for it if any
  /// (mode "bytecode" or "disk"), else its open text ("text").
  FileStatus getFileStatus(const llvm::lsp::URIForFile &uri);
  /// The mode of `uri`: that of the model held for it, else "text".
  llvm::StringRef getMode(const llvm::lsp::URIForFile &uri);

  /// Whether `uri` is open and its IR (its text without metadata blocks) is
  /// at most kSmallIRBytes: then the queries answered from its parse
  /// (definitions, references, symbols, folding ranges, inlay hints, hovers
  /// off resources) take about as long as handing them to another thread,
  /// and LSPServer.cpp answers them on the thread that reads messages.
  bool isSmallDocument(const llvm::lsp::URIForFile &uri);
  static constexpr uint64_t kSmallIRBytes = 256 << 10;
  /// The index of a document up to `bytes` (8 MiB by default) lists every
  /// inline elements attribute as a weight (named, previewable); a larger
  /// one only those of at least 1 KiB, as the CLI does: a weight costs about
  /// 500 bytes, and 14 MB of text can hold 200,000 small constants (96 MB).
  void setListAllInlineBytes(uint64_t bytes);

  /// The `parameters` setting: archives bound to parameter scopes, each
  /// "[SCOPE=]FILE" (a relative FILE is found beside the model). Documents
  /// opened after this use them; see openDocuments to re-index the others.
  /// Returns whether the archives differ from those set before.
  bool setParameters(llvm::ArrayRef<std::string> parameters);
  /// The open documents: (uri, version).
  std::vector<std::pair<llvm::lsp::URIForFile, int64_t>> openDocuments();
  /// Whether a hover at `pos` in `uri` is on a resource: such a hover may
  /// read the blob (statistics) or index the model an elided view came from.
  bool isHoverOnResource(const llvm::lsp::URIForFile &uri,
                         llvm::lsp::Position pos);

  /// Queries on an open document. They fail (InvalidParams) for documents
  /// that are not open and for positions outside the document. A hover's
  /// blob statistics stop early ("no statistics: cancelled") once `*cancel`
  /// is set. Without `deferred`, a hover computes the statistics of any
  /// weight before it answers.
  llvm::Expected<std::optional<llvm::lsp::Hover>>
  findHover(const llvm::lsp::URIForFile &uri, llvm::lsp::Position pos,
            const ProgressCallback &progress = {},
            std::atomic<bool> *cancel = nullptr,
            DeferredStats *deferred = nullptr);
  llvm::Expected<std::vector<llvm::lsp::Location>>
  findDefinition(const llvm::lsp::URIForFile &uri, llvm::lsp::Position pos);
  llvm::Expected<std::vector<llvm::lsp::Location>>
  findReferences(const llvm::lsp::URIForFile &uri, llvm::lsp::Position pos,
                 bool includeDeclaration);
  llvm::Expected<std::vector<llvm::lsp::DocumentSymbol>>
  findDocumentSymbols(const llvm::lsp::URIForFile &uri);
  llvm::Expected<std::vector<FoldingRange>>
  getFoldingRanges(const llvm::lsp::URIForFile &uri);
  llvm::Expected<std::vector<llvm::lsp::InlayHint>>
  getInlayHints(const llvm::lsp::URIForFile &uri, llvm::lsp::Range range);
  llvm::Expected<llvm::lsp::CompletionList>
  getCompletion(const llvm::lsp::URIForFile &uri, llvm::lsp::Position pos);
  /// Quick fixes for the diagnostics in `context` (none for a document
  /// that is not open, as upstream).
  std::vector<llvm::lsp::CodeAction>
  getCodeActions(const llvm::lsp::URIForFile &uri,
                 const llvm::lsp::CodeActionContext &context);

  /// Indexes the model at `path` (bytecode or text), holds it for `uri` (a
  /// bytecode view, mode "bytecode", or a from-disk document, "disk") and
  /// returns its elided text view: the IR with each blob's data replaced by
  /// a one-line summary string. `status` describes the model. A `path` that
  /// is a URL (http, https, s3) is read with `remote` (its counters,
  /// progress and cancel).
  llvm::Expected<std::string> openModel(const llvm::lsp::URIForFile &uri,
                                        llvm::StringRef path,
                                        llvm::StringRef mode,
                                        FileStatus &status,
                                        const RemoteOptions &remote = {});
  /// The URL of the model held for `uri` when it was read from one (its
  /// saves are refused: there is no file to write back), else empty.
  std::string getRemoteModel(const llvm::lsp::URIForFile &uri);
  /// `mlirscope/summary`: what `mlirscope inspect --summary --json` prints
  /// for the model held for `uri` (its file), else for the open text of
  /// `uri`; `chunk` is 1-based as `--chunk`. InvalidParams for an unknown
  /// URI.
  llvm::Expected<llvm::json::Value> getSummary(const llvm::lsp::URIForFile &uri,
                                               std::optional<uint32_t> chunk);
  /// `mlirscope/weights`: every weight of the index the tensor requests read
  /// for `uri` (the model held for it, else its open text), as weightJson
  /// objects in index order, only those of kind `kind` when given
  /// ("resource", "inline", "parameter"), at most `limit` of them:
  /// {weights, total, truncated}.
  llvm::Expected<llvm::json::Value> getWeights(const llvm::lsp::URIForFile &uri,
                                               std::optional<std::string> kind,
                                               uint64_t limit);
  /// The blob `key` (in `chunk`, 1-based, of a split text) of the model held
  /// for `uri` or of its open text (an elided entry: of the model on disk
  /// the text was made from); else the weight named `key` (Weight.h: an
  /// inline weight's `@sym` or `@scope/op#N`, a parameter's `scope::key`).
  llvm::Expected<BlobJob> findBlob(const llvm::lsp::URIForFile &uri,
                                   llvm::StringRef key,
                                   std::optional<uint32_t> chunk);
  /// Converts the elided text `text` back to bytecode, taking each blob from
  /// the bytecode model at `sourcePath` by key, and writes it to `outPath`.
  llvm::Error convertToBytecode(llvm::StringRef sourcePath,
                                llvm::StringRef text, llvm::StringRef outPath);
  /// Whether `uri` is an open document.
  bool isOpen(const llvm::lsp::URIForFile &uri) const;
  /// The text of an open document, if it is open.
  std::optional<std::string> getDocumentText(const llvm::lsp::URIForFile &uri);

  struct Impl;

private:
  std::unique_ptr<Impl> impl;
};

} // namespace lspserver
} // namespace mlirscope

#endif // MLIRSCOPE_LSP_SERVER_H
