//===- Server.cpp - Documents, their parse and diagnostics ----------------===//

#include "Document.h"

#include "mlirscope/Index/Index.h"
#include "mlirscope/Index/NestingLimit.h"
#include "mlirscope/Index/Parameters.h"
#include "mlirscope/Index/Summary.h"
#include "mlirscope/Index/SummaryJson.h"
#include "mlirscope/Support/Format.h"
#include "mlirscope/Support/FormatError.h"
#include "mlirscope/Support/MappedFile.h"
#include "mlirscope/Text/MLIRBridge.h"
#include "mlirscope/Text/Split.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/InitAllDialects.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Tools/lsp-server-support/SourceMgrUtils.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/LSP/Logging.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstring>
#include <set>

using namespace mlirscope;
using namespace mlirscope::lspserver;
namespace lsp = llvm::lsp;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

llvm::Error lspserver::invalidParams(const llvm::Twine &message) {
  return llvm::make_error<llvm::lsp::LSPError>(
      message.str(), llvm::lsp::ErrorCode::InvalidParams);
}

llvm::json::Value lspserver::toJSON(const FoldingRange &range) {
  llvm::json::Object o{{"startLine", range.startLine},
                       {"endLine", range.endLine}};
  if (!range.kind.empty())
    o["kind"] = range.kind;
  return std::move(o);
}

std::string lspserver::shortType(const Resource &r) {
  return shortType(r.type);
}

std::string lspserver::shortType(const std::optional<TensorType> &type) {
  if (!type)
    return "?";
  const TensorType &t = *type;
  if (!t.element.isKnown() && !t.element.name.empty() && !t.ranked)
    return t.text;
  return (t.element.name.empty() ? std::string("?") : t.element.name) + "[" +
         t.shapeString() + "]";
}

std::string lspserver::resourceSummary(const Resource *r) {
  if (!r)
    return "missing";
  if (r->kind == ResourceKind::Bool)
    return "bool " + r->value;
  if (isElided(*r))
    return llvm::StringRef(r->value).split(": ").second.str();
  if (r->kind == ResourceKind::String)
    return "string";
  return shortType(*r) + " " + formatBytes(r->size, SizeStyle::Short);
}

std::string lspserver::weightSummary(const Weight &w) {
  std::string s =
      shortType(w.type) + " " + formatBytes(w.bytes(), SizeStyle::Short);
  if (w.splat)
    s += " splat";
  if (w.kind == WeightKind::Parameter && w.entry == kNone)
    s += " unbound";
  return s;
}

//===----------------------------------------------------------------------===//
// Document
//===----------------------------------------------------------------------===//

const Weight *Document::weightAt(uint64_t offset) const {
  auto it = std::upper_bound(textWeights.begin(), textWeights.end(), offset,
                             [&](uint64_t offset, uint32_t w) {
                               return offset < index->weights[w].attrOffset;
                             });
  if (it == textWeights.begin())
    return nullptr;
  const Weight &w = index->weights[*std::prev(it)];
  return offset <= w.attrEnd ? &w : nullptr;
}

TextSpan lspserver::symbolNameSpan(
    const Document &doc, const mlir::AsmParserState::OperationDefinition &def) {
  TextSpan scope = doc.spanOf(def.scopeLoc);
  TextSpan name = doc.spanOf(def.loc);
  auto sym = def.op->getAttrOfType<mlir::StringAttr>(
      mlir::SymbolTable::getSymbolAttrName());
  if (!sym)
    return name;
  std::string at = "@" + sym.getValue().str();
  llvm::StringRef text = llvm::StringRef(doc.text).slice(name.end, scope.end);
  size_t found = text.find(at);
  if (found == llvm::StringRef::npos)
    return name;
  return {name.end + found, name.end + found + at.size()};
}

/// Length in bytes of the UTF-8 sequence starting at `line[i]`, or 1 for an
/// invalid byte (a stray continuation byte, a truncated or overlong
/// sequence); `units` is set to the UTF-16 code units it counts for (2 for a
/// 4-byte sequence, else 1).
static size_t utf8SequenceAt(llvm::StringRef line, size_t i, int &units) {
  units = 1;
  unsigned char c = line[i];
  size_t len = c < 0x80             ? 1
               : (c & 0xE0) == 0xC0 ? 2
               : (c & 0xF0) == 0xE0 ? 3
               : (c & 0xF8) == 0xF0 ? 4
                                    : 0;
  if (len == 0 || i + len > line.size())
    return 1;
  if (len == 1)
    return 1;
  for (size_t k = 1; k < len; ++k)
    if (((unsigned char)line[i + k] & 0xC0) != 0x80)
      return 1;
  uint32_t cp = c & (0x7F >> len);
  for (size_t k = 1; k < len; ++k)
    cp = (cp << 6) | ((unsigned char)line[i + k] & 0x3F);
  static const uint32_t minimum[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < minimum[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 1;
  if (len == 4)
    units = 2;
  return len;
}

llvm::Expected<uint64_t> Document::offsetOf(lsp::Position pos) const {
  if (pos.line < 0 || pos.character < 0 ||
      (size_t)pos.line >= lineStarts.size())
    return invalidParams(llvm::formatv("position {0}:{1} is outside the "
                                       "document ({2} lines)",
                                       pos.line, pos.character,
                                       lineStarts.size()));
  uint64_t begin = lineStarts[pos.line];
  uint64_t end = (size_t)pos.line + 1 < lineStarts.size()
                     ? lineStarts[pos.line + 1] - 1
                     : text.size();
  // `character` counts UTF-16 code units (LSP's default position encoding).
  llvm::StringRef line = text.slice(begin, end);
  int64_t units = 0;
  size_t i = 0;
  while (i < line.size() && units < pos.character) {
    int n;
    i += utf8SequenceAt(line, i, n);
    units += n;
  }
  if (units < pos.character)
    return invalidParams(llvm::formatv("position {0}:{1} is past the end of "
                                       "its line ({2} characters)",
                                       pos.line, pos.character, units));
  // A position inside a surrogate pair (between the two units of a 4-byte
  // character) lands after that character.
  return begin + i;
}

size_t Document::lineOf(uint64_t offset) const {
  offset = std::min<uint64_t>(offset, text.size());
  auto it = std::upper_bound(lineStarts.begin(), lineStarts.end(), offset);
  return it - lineStarts.begin() - 1;
}

lsp::Position Document::positionOf(uint64_t offset) const {
  offset = std::min<uint64_t>(offset, text.size());
  size_t line = lineOf(offset);
  llvm::StringRef prefix = text.slice(lineStarts[line], offset);
  int64_t units = 0;
  for (size_t i = 0; i < prefix.size();) {
    // ASCII runs (a blob's hex on one line), eight bytes at a time.
    size_t run = i;
    while (run + 8 <= prefix.size()) {
      uint64_t word;
      memcpy(&word, prefix.data() + run, 8);
      if (word & 0x8080808080808080ull)
        break;
      run += 8;
    }
    while (run < prefix.size() && (unsigned char)prefix[run] < 0x80)
      ++run;
    units += run - i;
    i = run;
    if (i == prefix.size())
      break;
    int n;
    // A sequence cut by `offset` (an offset inside a character) counts its
    // bytes as invalid ones.
    i += utf8SequenceAt(prefix, i, n);
    units += n;
  }
  return lsp::Position(line, units);
}

const Document::Chunk *Document::chunkOf(llvm::SMLoc loc) const {
  if (!loc.isValid())
    return nullptr;
  const char *p = loc.getPointer();
  auto it = std::upper_bound(
      chunksByBuffer.begin(), chunksByBuffer.end(), p,
      [](const char *p, const auto &entry) { return p < entry.first; });
  if (it == chunksByBuffer.begin())
    return nullptr;
  const Chunk *chunk = std::prev(it)->second;
  return p <= chunk->bufferEnd() ? chunk : nullptr;
}

uint64_t Document::offsetOf(llvm::SMLoc loc) const {
  const Chunk *chunk = chunkOf(loc);
  return chunk ? chunk->offsetOf(loc) : 0;
}

Document::Chunk &Document::chunkAt(uint64_t offset) const {
  auto it = std::upper_bound(chunks.begin(), chunks.end(), offset,
                             [](uint64_t offset, const auto &chunk) {
                               return offset < chunk->span.begin;
                             });
  return it == chunks.begin() ? *chunks.front() : **std::prev(it);
}

const Resource *Document::resourceFor(llvm::StringRef key,
                                      uint64_t offset) const {
  if (!index)
    return nullptr;
  if (chunks.size() > 1)
    for (const ResourceEntry &e : entries)
      if (e.key == key && sameChunk(e.keySpan.begin, offset))
        return &index->resources[e.resource];
  return index->findResource(key);
}

//===----------------------------------------------------------------------===//
// Lexical scans of the document
//===----------------------------------------------------------------------===//

/// Finds every `dense_resource<key>` outside the metadata `blocks`,
/// comments and string literals (core's lexer, Split.h).
static void scanUses(Document &doc, llvm::ArrayRef<TextRange> blocks) {
  for (DenseResourceUse &use : findDenseResourceUses(doc.text, blocks))
    doc.uses.push_back({std::move(use.key),
                        {use.keyRange.begin, use.keyRange.end},
                        {use.attrRange.begin, use.attrRange.end}});
}

/// Finds the key of each text resource entry: the token before the colon
/// that precedes its value.
static void scanEntries(Document &doc) {
  if (!doc.index)
    return;
  llvm::StringRef text = doc.text;
  for (uint32_t id = 0; id < doc.index->resources.size(); ++id) {
    const Resource &r = doc.index->resources[id];
    if (r.textOffset == 0 || r.textOffset > text.size())
      continue;
    uint64_t p = r.textOffset - 1; // the opening quote
    auto skipSpace = [&] {
      while (p > 0 && llvm::isSpace(text[p - 1]))
        --p;
    };
    skipSpace();
    if (p == 0 || text[p - 1] != ':')
      continue;
    --p;
    skipSpace();
    uint64_t end = p, begin = p;
    if (p > 0 && text[p - 1] == '"') {
      begin = p - 1;
      while (begin > 0 && text[begin - 1] != '"')
        --begin;
      if (begin == 0)
        continue;
      --begin;
    } else {
      while (begin > 0 && isResourceKeyChar(text[begin - 1]))
        --begin;
    }
    if (begin == end)
      continue;
    uint64_t valueEnd =
        std::min<uint64_t>(r.textOffset + r.textSize + 1, text.size());
    doc.entries.push_back({r.key, {begin, end}, {begin, valueEnd}, id});
  }
}

//===----------------------------------------------------------------------===//
// The bridge to MLIR
//===----------------------------------------------------------------------===//

//===----------------------------------------------------------------------===//
// MLIRScopeServer
//===----------------------------------------------------------------------===//

MLIRScopeServer::Impl::Impl() { mlir::registerAllDialects(registry); }

llvm::Expected<Document *>
MLIRScopeServer::Impl::getDocument(const lsp::URIForFile &uri) {
  auto it = documents.find(uri.file().str());
  if (it == documents.end())
    return invalidParams("document is not open: " + uri.uri());
  return it->second.get();
}

llvm::Expected<std::pair<Document *, uint64_t>>
MLIRScopeServer::Impl::getDocumentAt(const lsp::URIForFile &uri,
                                     lsp::Position pos) {
  auto doc = getDocument(uri);
  if (!doc)
    return doc.takeError();
  auto offset = (*doc)->offsetOf(pos);
  if (!offset)
    return offset.takeError();
  return std::make_pair(*doc, *offset);
}

MLIRScopeServer::MLIRScopeServer() : impl(std::make_unique<Impl>()) {}
MLIRScopeServer::~MLIRScopeServer() = default;

void MLIRScopeServer::setProgressThreshold(uint64_t bytes) {
  impl->progressThreshold = bytes;
}

void MLIRScopeServer::setRecheckFiles(bool recheck) {
  impl->recheckFiles = recheck;
}

bool MLIRScopeServer::getRecheckFiles() const { return impl->recheckFiles; }

void MLIRScopeServer::setHoverStatistics(bool on) {
  impl->hoverStatistics = on;
}

void MLIRScopeServer::setInlineStatsBytes(uint64_t bytes) {
  impl->inlineStatsBytes = bytes;
}

uint64_t MLIRScopeServer::getInlineStatsBytes() const {
  return impl->inlineStatsBytes;
}

void MLIRScopeServer::setListAllInlineBytes(uint64_t bytes) {
  impl->listAllInlineBytes = bytes;
}

bool MLIRScopeServer::setParameters(llvm::ArrayRef<std::string> parameters) {
  std::vector<std::pair<std::string, std::string>> parsed;
  for (const std::string &p : parameters)
    parsed.push_back(parseParameterOption(p));
  bool changed = parsed != impl->parameters;
  impl->parameters = std::move(parsed);
  return changed;
}

std::vector<std::pair<lsp::URIForFile, int64_t>>
MLIRScopeServer::openDocuments() {
  std::vector<std::pair<lsp::URIForFile, int64_t>> out;
  for (const auto &[file, doc] : impl->documents)
    out.emplace_back(doc->uri, doc->version);
  return out;
}

bool MLIRScopeServer::isSmallDocument(const lsp::URIForFile &uri) {
  auto it = impl->documents.find(uri.file().str());
  if (it == impl->documents.end())
    return false;
  uint64_t bytes = 0;
  for (const auto &chunk : it->second->chunks)
    bytes += chunk->bufferEnd() - chunk->bufferStart();
  return bytes <= kSmallIRBytes;
}

bool MLIRScopeServer::isOpen(const lsp::URIForFile &uri) const {
  return impl->documents.count(uri.file().str());
}

std::optional<std::string>
MLIRScopeServer::getDocumentText(const lsp::URIForFile &uri) {
  auto it = impl->documents.find(uri.file().str());
  if (it == impl->documents.end())
    return std::nullopt;
  return it->second->text.str();
}

static lsp::Diagnostic makeDiag(const Document &doc, TextSpan span,
                                lsp::DiagnosticSeverity severity,
                                const llvm::Twine &message) {
  lsp::Diagnostic d;
  d.range = doc.rangeOf(span);
  d.severity = severity;
  d.source = "mlirscope";
  d.message = message.str();
  return d;
}

/// Fills `chunk`'s buffer with the text of its span: the metadata blocks in
/// it blanked out (newlines kept, so lines and columns stay those of the
/// document), and cut off where only blanks follow the last one, so that a
/// model's hex is not copied. `block` is the first metadata block not
/// before the chunk; it is advanced past the chunk's.
static void fillChunkBuffer(const Document &doc, Document::Chunk &chunk,
                            std::vector<TextSpan>::const_iterator &block) {
  TextSpan span = chunk.span;
  std::vector<TextSpan> blanks;
  uint64_t end = span.end;
  for (; block != doc.metadata.end() && block->begin < span.end; ++block) {
    blanks.push_back(
        {std::max(block->begin, span.begin), std::min(block->end, span.end)});
    if (block->end > span.end)
      break; // it goes on into the next chunk
  }
  if (!blanks.empty() &&
      doc.text.slice(blanks.back().end, span.end).trim().empty()) {
    end = blanks.back().begin;
    blanks.pop_back();
  }
  std::unique_ptr<llvm::WritableMemoryBuffer> buf =
      llvm::WritableMemoryBuffer::getNewUninitMemBuffer(end - span.begin,
                                                        doc.uri.file());
  char *out = buf->getBufferStart();
  if (end > span.begin)
    std::memcpy(out, doc.text.data() + span.begin, end - span.begin);
  for (TextSpan b : blanks)
    for (uint64_t i = b.begin; i < b.end; ++i)
      if (out[i - span.begin] != '\n')
        out[i - span.begin] = ' ';
  chunk.sourceMgr.AddNewSourceBuffer(std::move(buf), llvm::SMLoc());
}

/// The range upstream's mlir-lsp-server gives a diagnostic at `loc` in
/// `chunk`: from the location to the end of the token there (an identifier,
/// possibly with `$-.`, or a string), and at least two characters.
static lsp::Range diagnosticRange(const Document &doc, Document::Chunk &chunk,
                                  mlir::FileLineColLoc loc) {
  llvm::SMLoc at = chunk.sourceMgr.FindLocForLineAndColumn(
      chunk.sourceMgr.getMainFileID(), loc.getLine(), loc.getColumn());
  if (!at.isValid())
    return lsp::Range(lsp::Position(loc.getLine() - 1,
                                    loc.getColumn() ? loc.getColumn() - 1 : 0));
  lsp::Position start = doc.positionOf(chunk.offsetOf(at));
  llvm::SMRange token = mlir::lsp::convertTokenLocToRange(at, "$-.");
  lsp::Position end = start;
  if (token.isValid())
    end = doc.positionOf(chunk.offsetOf(token.End));
  if (end.line == start.line)
    end.character = std::max(end.character, start.character + 2);
  return lsp::Range(start, end);
}

/// Where a diagnostic or note at `loc` points: the first file location in
/// it, in the document when it names the document's file. With `onlyDoc`,
/// locations in other files do not count.
static std::optional<lsp::Location> diagnosticLocation(const Document &doc,
                                                       Document::Chunk &chunk,
                                                       mlir::Location loc,
                                                       bool onlyDoc) {
  std::optional<lsp::Location> found;
  loc->walk([&](mlir::Location nested) {
    auto fileLoc = llvm::dyn_cast<mlir::FileLineColLoc>(nested);
    if (!fileLoc)
      return mlir::WalkResult::advance();
    if (fileLoc.getFilename() == doc.uri.file()) {
      found = lsp::Location(doc.uri, diagnosticRange(doc, chunk, fileLoc));
      return mlir::WalkResult::interrupt();
    }
    if (onlyDoc)
      return mlir::WalkResult::advance();
    auto uri =
        lsp::URIForFile::fromFile(fileLoc.getFilename(), doc.uri.scheme());
    if (!uri) {
      llvm::consumeError(uri.takeError());
      return mlir::WalkResult::advance();
    }
    lsp::Position p(fileLoc.getLine() - 1,
                    fileLoc.getColumn() ? fileLoc.getColumn() - 1 : 0);
    lsp::Position e = p;
    e.character += 1;
    found = lsp::Location(*uri, lsp::Range(p, e));
    return mlir::WalkResult::interrupt();
  });
  return found;
}

/// MLIR's diagnostic as upstream's mlir-lsp-server reports it: source
/// "mlir", category "Parse Error", notes as related information.
static lsp::Diagnostic toLSPDiagnostic(const Document &doc,
                                       Document::Chunk &chunk,
                                       mlir::Diagnostic &diag) {
  lsp::Diagnostic d;
  d.source = "mlir";
  d.category = "Parse Error";
  if (auto where = diagnosticLocation(doc, chunk, diag.getLocation(),
                                      /*onlyDoc=*/true))
    d.range = where->range;
  switch (diag.getSeverity()) {
  case mlir::DiagnosticSeverity::Warning:
    d.severity = lsp::DiagnosticSeverity::Warning;
    break;
  case mlir::DiagnosticSeverity::Remark:
    d.severity = lsp::DiagnosticSeverity::Information;
    break;
  default:
    d.severity = lsp::DiagnosticSeverity::Error;
    break;
  }
  d.message = diag.str();
  std::vector<lsp::DiagnosticRelatedInformation> related;
  for (mlir::Diagnostic &note : diag.getNotes()) {
    lsp::Location where;
    if (auto loc = diagnosticLocation(doc, chunk, note.getLocation(),
                                      /*onlyDoc=*/false))
      where = *loc;
    else
      where.uri = doc.uri;
    related.emplace_back(where, note.str());
  }
  if (!related.empty())
    d.relatedInformation = std::move(related);
  return d;
}

/// Parses one chunk with MLIR (see Document::Chunk) and adds its
/// diagnostics.
static void parseChunk(Document &doc, Document::Chunk &chunk,
                       std::vector<TextSpan>::const_iterator &block,
                       mlir::MLIRContext &context,
                       std::vector<lsp::Diagnostic> &diagnostics) {
  fillChunkBuffer(doc, chunk, block);
  llvm::StringRef buffer(chunk.bufferStart(),
                         chunk.bufferEnd() - chunk.bufferStart());
  // MLIR's parser recurses per nesting level: deeper text would overflow
  // the worker's stack (NestingLimit.h). Say so instead of parsing it.
  if (std::optional<uint64_t> at = findDeepNesting(buffer)) {
    chunk.tooDeep = true;
    uint64_t off = chunk.span.begin + *at;
    diagnostics.push_back(makeDiag(
        doc, {off, off + 1}, lsp::DiagnosticSeverity::Error,
        "nested deeper than " + std::to_string(kMaxNesting) +
            " levels; not parsed (MLIR's parser recurses once per level)"));
    return;
  }
  mlir::ScopedDiagnosticHandler handler(&context, [&](mlir::Diagnostic &diag) {
    diagnostics.push_back(toLSPDiagnostic(doc, chunk, diag));
  });
  chunk.ir = std::make_unique<mlir::Block>();
  mlir::ParserConfig config(&context, /*verifyAfterParse=*/true);
  if (mlir::failed(mlir::parseAsmSourceFile(chunk.sourceMgr, chunk.ir.get(),
                                            config, &chunk.asmState))) {
    // As upstream: nothing of a chunk MLIR could not parse is kept.
    chunk.ir.reset();
    chunk.asmState = mlir::AsmParserState();
  }
}

/// Where the text [lineBegin, end) of the last index is now, if no edit
/// since touched it: the bytes it moved by.
static std::optional<int64_t> movedBy(llvm::ArrayRef<Document::Edit> edits,
                                      uint64_t lineBegin, uint64_t end) {
  int64_t shift = 0;
  for (const Document::Edit &e : edits) {
    if (e.begin < end && e.oldEnd >= lineBegin)
      return std::nullopt;
    if (e.oldEnd < lineBegin) {
      int64_t delta = int64_t(e.newEnd) - int64_t(e.oldEnd);
      lineBegin += delta;
      end += delta;
      shift += delta;
    }
  }
  return shift;
}

/// findMetadataBlocks(text), with `known` (sorted: blocks of the last index
/// that no edit touched, at their new place) taken as found: the search
/// runs only between them, and a block ends at its `#-}` as before since
/// neither its text nor its line changed. A block found in between that
/// runs on past a known one swallows it, as the full search would.
static std::vector<TextRange>
findMetadataBlocksAround(llvm::StringRef text,
                         llvm::ArrayRef<TextRange> known) {
  if (known.empty())
    return findMetadataBlocks(text);
  std::vector<TextRange> blocks;
  uint64_t at = 0;
  const TextRange *next = known.begin();
  while (true) {
    while (next != known.end() && next->begin < at)
      ++next;
    uint64_t stop = next == known.end() ? text.size() : next->begin;
    // A `{-#` cannot straddle `stop`: a known block starts there.
    for (TextRange b : findMetadataBlocks(text.slice(at, stop))) {
      b.begin += at;
      b.end += at;
      if (b.end == stop && next != known.end()) {
        // Not closed before the known block: it ends at the first `#-}`.
        size_t end = text.find("#-}", b.begin + 3);
        b.end = end == llvm::StringRef::npos ? text.size() : end + 3;
      }
      blocks.push_back(b);
    }
    if (next == known.end())
      break;
    if (!blocks.empty() && blocks.back().end > next->begin) {
      at = blocks.back().end;
      continue;
    }
    blocks.push_back(*next);
    at = next->end;
  }
  return blocks;
}

/// The start of the line holding `offset`.
static uint64_t lineBeginOf(const Document &d, uint64_t offset) {
  return d.lineStarts[d.lineOf(offset)];
}

static void indexDocument(MLIRScopeServer::Impl &impl, Document &d,
                          std::vector<lsp::Diagnostic> &diagnostics);

/// The start of each line of `text`.
static std::vector<uint64_t> lineStartsOf(llvm::StringRef text) {
  std::vector<uint64_t> starts{0};
  if (!text.empty())
    for (const char *p = text.data(), *end = p + text.size();
         (p = static_cast<const char *>(std::memchr(p, '\n', end - p)));)
      starts.push_back(++p - text.data());
  return starts;
}

void MLIRScopeServer::addOrUpdateDocument(
    const lsp::URIForFile &uri, llvm::StringRef text, int64_t version,
    std::vector<lsp::Diagnostic> &diagnostics) {
  // One copy of the text: core's index reads it, the document views it.
  std::shared_ptr<TextBuffer> buffer = TextBuffer::copyOf(uri.file(), text);
  if (!buffer) {
    buffer = TextBuffer::copyOf(uri.file(), "");
    diagnostics.push_back(lsp::Diagnostic());
    diagnostics.back().severity = lsp::DiagnosticSeverity::Error;
    diagnostics.back().source = "mlirscope";
    diagnostics.back().message =
        "no memory for the text (" + std::to_string(text.size()) + " bytes)";
  }
  addOrUpdateDocument(uri, std::move(buffer), version, diagnostics);
}

void MLIRScopeServer::addOrUpdateDocument(
    const lsp::URIForFile &uri, std::shared_ptr<TextBuffer> text,
    int64_t version, std::vector<lsp::Diagnostic> &diagnostics) {
  impl->documents.erase(uri.file().str());
  auto doc = std::make_unique<Document>();
  Document &d = *doc;
  d.uri = uri;
  d.version = version;
  d.textFile = std::move(text);
  d.textFile->setName(uri.file());
  d.text = d.textFile->text();
  d.lineStarts = lineStartsOf(d.text);
  indexDocument(*impl, d, diagnostics);
  impl->documents[uri.file().str()] = std::move(doc);
}

llvm::Error MLIRScopeServer::applyChanges(
    const lsp::URIForFile &uri, int64_t version,
    llvm::ArrayRef<lsp::TextDocumentContentChangeEvent> changes) {
  auto doc = impl->getDocument(uri);
  if (!doc)
    return doc.takeError();
  Document &d = **doc;
  for (size_t n = 0; n < changes.size(); ++n) {
    const lsp::TextDocumentContentChangeEvent &change = changes[n];
    // An InvalidParams error's message alone (no code).
    auto messageOf = [](llvm::Error e) {
      std::string message;
      llvm::handleAllErrors(
          std::move(e),
          [&](const lsp::LSPError &e) { message = e.message; },
          [&](const llvm::ErrorInfoBase &e) { message = e.message(); });
      return message;
    };
    auto bad = [&](const llvm::Twine &what) {
      return invalidParams(llvm::formatv("change {0} of {1} (version {2}) of "
                                         "{3}: {4}",
                                         n + 1, changes.size(), version,
                                         uri.file(), what.str()));
    };
    uint64_t begin = 0, end = d.text.size();
    if (change.range) {
      auto b = d.offsetOf(change.range->start);
      if (!b)
        return bad("its start: " + messageOf(b.takeError()));
      auto e = d.offsetOf(change.range->end);
      if (!e)
        return bad("its end: " + messageOf(e.takeError()));
      if (*e < *b)
        return bad("its range ends before it starts");
      begin = *b;
      end = *e;
    }
    // A blob job still reading this text (statistics off the worker
    // thread, StatsJobs.h) holds the document's index or an index of its
    // own: that index keeps the text as it was, and the document goes on
    // with a copy. (A cancelled job may still be winding down.)
    if (d.textFile.use_count() > 1 + (d.index ? 1 : 0) ||
        (d.index && d.index.use_count() > 1)) {
      std::shared_ptr<TextBuffer> copy =
          TextBuffer::copyOf(d.textFile->getName(), d.text);
      if (!copy)
        return bad("no memory for a copy of the text");
      d.textFile = std::move(copy);
    }
    if (llvm::Error e = d.textFile->replace(begin, end, change.text))
      return bad(messageOf(std::move(e)));
    d.text = d.textFile->text();
    // The line starts after the edit move; those inside it go, the new
    // text's come in.
    auto lo = std::upper_bound(d.lineStarts.begin(), d.lineStarts.end(), begin);
    auto hi = std::upper_bound(lo, d.lineStarts.end(), end);
    int64_t delta = int64_t(change.text.size()) - int64_t(end - begin);
    for (auto it = hi; it != d.lineStarts.end(); ++it)
      *it += delta;
    std::vector<uint64_t> added;
    for (size_t i = 0; (i = change.text.find('\n', i)) != std::string::npos;)
      added.push_back(begin + ++i);
    d.lineStarts.insert(d.lineStarts.erase(lo, hi), added.begin(),
                        added.end());
    d.edits.push_back({begin, end, begin + change.text.size()});
  }
  d.version = version;
  return llvm::Error::success();
}

llvm::Error MLIRScopeServer::replaceText(const lsp::URIForFile &uri,
                                         int64_t version,
                                         std::shared_ptr<TextBuffer> text) {
  auto doc = impl->getDocument(uri);
  if (!doc)
    return doc.takeError();
  Document &d = **doc;
  // A blob job still reading the old text keeps it through its own
  // reference (as applyChanges' copy-on-write).
  uint64_t oldSize = d.text.size();
  d.textFile = std::move(text);
  d.textFile->setName(uri.file());
  d.text = d.textFile->text();
  d.lineStarts = lineStartsOf(d.text);
  d.edits.push_back({0, oldSize, d.text.size()});
  d.version = version;
  return llvm::Error::success();
}

void MLIRScopeServer::reindexDocument(
    const lsp::URIForFile &uri, int64_t version,
    std::vector<lsp::Diagnostic> &diagnostics) {
  auto doc = impl->getDocument(uri);
  if (!doc) {
    llvm::consumeError(doc.takeError());
    return;
  }
  (*doc)->version = version;
  indexDocument(*impl, **doc, diagnostics);
}

static void describeModel(const ModelIndex &index, const ModelSummary &summary,
                          FileStatus &status);

/// (Re)derives everything from `d.text`: core's index, the blocks, chunks
/// and their parse, the lexical scans, the diagnostics. After edits
/// (`d.edits`), the metadata blocks they did not touch are not scanned
/// again: their entries move.
static void indexDocument(MLIRScopeServer::Impl &implRef, Document &d,
                          std::vector<lsp::Diagnostic> &diagnostics) {
  MLIRScopeServer::Impl *impl = &implRef;
  const lsp::URIForFile &uri = d.uri;
  // What the last index found, to move instead of scanning again.
  std::shared_ptr<ModelIndex> previous = std::move(d.index);
  std::vector<TextRange> knownBlocks;
  for (size_t i = 0; i < d.metadata.size(); ++i) {
    TextSpan b = d.metadata[i];
    std::optional<int64_t> shift = movedBy(d.edits, d.metadataLines[i], b.end);
    // A block that no `#-}` closed ends wherever the text does now.
    if (shift && llvm::StringRef(d.text)
                     .substr(b.end + *shift >= 3 ? b.end + *shift - 3 : 0, 3) ==
                     "#-}")
      knownBlocks.push_back({b.begin + *shift, b.end + *shift});
  }
  IndexOptions indexOptions;
  if (previous && !previous->metadataBlocks.empty()) {
    for (uint32_t i = 0; i < previous->metadataBlocks.size(); ++i) {
      const ModelIndex::MetadataBlock &b = previous->metadataBlocks[i];
      if (std::optional<int64_t> shift =
              movedBy(d.edits, d.indexBlockLines[i], b.end))
        indexOptions.reusedBlocks.push_back({i, b.begin + *shift});
    }
    indexOptions.previous = previous;
  }
  d.indexError.clear();
  d.source.reset();
  d.sourceTried = false;
  d.uses.clear();
  d.entries.clear();
  d.indexBlockLines.clear();
  d.textWeights.clear();
  d.parameterProblems.clear();
  // The chunks no edit touched (nor the line they begin on), by where they
  // are now, each with the blocks in it, moved: the same text, so the same
  // parse.
  struct KeptChunk {
    std::unique_ptr<Document::Chunk> chunk;
    std::vector<TextSpan> blocks;
  };
  std::map<std::pair<uint64_t, uint64_t>, KeptChunk> kept;
  for (std::unique_ptr<Document::Chunk> &c : d.chunks) {
    TextSpan span = c->span;
    std::optional<int64_t> shift =
        movedBy(d.edits, c->lineBegin, span.end + 1);
    if (!shift)
      continue;
    KeptChunk k;
    bool crossed = false;
    for (TextSpan b : d.metadata)
      if (b.begin < span.end && b.end > span.begin) {
        crossed |= b.begin < span.begin || b.end > span.end;
        k.blocks.push_back({b.begin + *shift, b.end + *shift});
      }
    if (crossed)
      continue;
    c->span = {span.begin + *shift, span.end + *shift};
    k.chunk = std::move(c);
    kept[{k.chunk->span.begin, k.chunk->span.end}] = std::move(k);
  }
  d.edits.clear();
  d.metadata.clear();
  d.metadataLines.clear();
  std::unique_ptr<mlir::MLIRContext> oldContext = std::move(d.context);
  d.chunksByBuffer.clear();
  d.chunks.clear();
  d.stats = std::make_shared<StatsCache>();
  // The view of a remote model: its blobs are in the model fetched for it,
  // which has no file on disk to index again (getSourceModel).
  if (auto held = impl->models.find(uri.uri().str());
      held != impl->models.end() && held->second.index->file->isRemote()) {
    d.source = held->second.index;
    d.sourceTried = true;
  }

  // core's index, over the editor's text rather than the file on disk. Its
  // IR comes from the lexical scan: the server parses each chunk itself
  // below, and a second parse of the same text would double an open's cost.
  indexOptions.parseWithMLIR = false;
  // Nor does it read the ops that scan would count (names, holders): the
  // server's own parse has them.
  indexOptions.lexicalOps = false;
  // Every literal of a document of a usual size is a named weight (hover,
  // preview, export by name); a huge one lists those of 1 KiB and more.
  d.allInlineListed = d.text.size() <= impl->listAllInlineBytes;
  if (d.allInlineListed)
    indexOptions.minInlineBytes = 0;
  auto index = indexMapped(d.textFile, indexOptions);
  if (previous)
    lsp::Logger::info("re-index of {0}: {1} of {2} metadata blocks untouched "
                      "by the edits, moved, not scanned again",
                      uri.file(), indexOptions.reusedBlocks.size(),
                      previous->metadataBlocks.size());
  previous.reset();
  indexOptions.previous.reset();
  if (index) {
    d.index = std::move(*index);
    bindArchives(*impl, *d.index, uri.file(), d.parameterProblems);
    for (uint32_t i = 0; i < d.index->weights.size(); ++i)
      if (d.index->weights[i].kind != WeightKind::Resource &&
          d.index->weights[i].attrEnd)
        d.textWeights.push_back(i);
    llvm::sort(d.textWeights, [&](uint32_t a, uint32_t b) {
      return d.index->weights[a].attrOffset < d.index->weights[b].attrOffset;
    });
  } else {
    llvm::handleAllErrors(
        index.takeError(),
        [&](const FormatError &e) {
          llvm::raw_string_ostream os(d.indexError);
          e.log(os);
          diagnostics.push_back(makeDiag(d, {e.getOffset(), e.getOffset() + 1},
                                         lsp::DiagnosticSeverity::Error,
                                         "expected " + e.getExpected()));
        },
        [&](const llvm::ErrorInfoBase &e) {
          d.indexError = e.message();
          diagnostics.push_back(
              makeDiag(d, {0, 0}, lsp::DiagnosticSeverity::Error, e.message()));
        });
  }
  // The blocks and chunks as upstream's mlir-lsp-server finds them (Split.h).
  std::vector<TextRange> blocks = findMetadataBlocksAround(d.text, knownBlocks);
  for (TextRange block : blocks) {
    d.metadata.push_back({block.begin, block.end});
    d.metadataLines.push_back(lineBeginOf(d, block.begin));
  }
  if (d.index)
    for (const ModelIndex::MetadataBlock &b : d.index->metadataBlocks)
      d.indexBlockLines.push_back(lineBeginOf(d, b.begin));

  // MLIR's parse of the IR, chunk by chunk, in the document's context. A
  // chunk that no edit touched keeps its parse (same text, same blocks in
  // it), in the context it was parsed in; the others are parsed there too,
  // unless one of them declares resources: a context renames a key it
  // already holds (`key_1`), so then every chunk is parsed afresh in a new
  // context, as an open does.
  std::vector<TextRange> ranges =
      splitChunks(d.text, blocks, SplitRule::LanguageServer);
  std::vector<KeptChunk *> keep(ranges.size(), nullptr);
  bool fresh = !oldContext || d.contextParses > 256;
  for (size_t i = 0; i < ranges.size() && !fresh; ++i) {
    auto it = kept.find({ranges[i].begin, ranges[i].end});
    if (it != kept.end()) {
      std::vector<TextSpan> in;
      for (TextSpan b : d.metadata)
        if (b.begin < ranges[i].end && b.end > ranges[i].begin)
          in.push_back(b);
      if (in.size() == it->second.blocks.size() &&
          std::equal(in.begin(), in.end(), it->second.blocks.begin(),
                     [](TextSpan a, TextSpan b) {
                       return a.begin == b.begin && a.end == b.end;
                     })) {
        keep[i] = &it->second;
        continue;
      }
    }
    if (d.text.slice(ranges[i].begin, ranges[i].end).contains("dense_resource"))
      fresh = true;
  }
  if (fresh) {
    keep.assign(ranges.size(), nullptr);
    kept.clear();
    oldContext.reset();
    d.context = std::make_unique<mlir::MLIRContext>(
        impl->registry, mlir::MLIRContext::Threading::DISABLED);
    d.context->allowUnregisteredDialects();
    d.contextParses = 0;
  } else {
    d.context = std::move(oldContext);
  }
  std::vector<TextSpan>::const_iterator block = d.metadata.cbegin();
  for (size_t i = 0; i < ranges.size(); ++i) {
    std::unique_ptr<Document::Chunk> chunk;
    int line = d.lineOf(ranges[i].begin);
    if (keep[i]) {
      chunk = std::move(keep[i]->chunk);
      while (block != d.metadata.cend() && block->begin < ranges[i].end)
        ++block;
      // Its diagnostics, on the lines the chunk has moved to.
      int delta = line - chunk->line;
      auto move = [&](lsp::Range &r) {
        r.start.line += delta;
        r.end.line += delta;
      };
      for (lsp::Diagnostic &diag : chunk->diagnostics) {
        move(diag.range);
        if (diag.relatedInformation)
          for (lsp::DiagnosticRelatedInformation &info :
               *diag.relatedInformation)
            if (info.location.uri == d.uri)
              move(info.location.range);
      }
    } else {
      chunk = std::make_unique<Document::Chunk>();
      chunk->span = {ranges[i].begin, ranges[i].end};
      parseChunk(d, *chunk, block, *d.context, chunk->diagnostics);
      ++d.contextParses;
    }
    chunk->line = line;
    chunk->lineBegin = d.lineStarts[line];
    diagnostics.insert(diagnostics.end(), chunk->diagnostics.begin(),
                       chunk->diagnostics.end());
    d.chunks.push_back(std::move(chunk));
  }
  kept.clear();
  lsp::Logger::info("parse of {0}: {1} of {2} chunks parsed, the others "
                    "untouched by the edits",
                    uri.file(), llvm::count(keep, nullptr), ranges.size());
  for (const auto &chunk : d.chunks)
    d.chunksByBuffer.emplace_back(chunk->bufferStart(), chunk.get());
  llvm::sort(d.chunksByBuffer, llvm::less_first());

  scanUses(d, blocks);
  scanEntries(d);

  // Archives that could not be bound: at the first parameter reference.
  for (const std::string &problem : d.parameterProblems) {
    TextSpan at;
    for (uint32_t w : d.textWeights)
      if (d.index->weights[w].kind == WeightKind::Parameter) {
        at = {d.index->weights[w].attrOffset, d.index->weights[w].attrEnd};
        break;
      }
    diagnostics.push_back(
        makeDiag(d, at, lsp::DiagnosticSeverity::Warning, problem));
  }
  // What core's summary finds wrong with the resources.
  if (d.index) {
    ModelSummary summary = summarize(*d.index, 0);
    // The status the client gets after each index, from the same summary.
    d.status = FileStatus();
    d.status.mode = "text";
    describeModel(*d.index, summary, d.status);
    for (const std::string &key : summary.missing)
      for (const ResourceUse &u : d.uses)
        // A model printed with --mlir-elide-resource-strings-if-larger: MLIR
        // reads the key `__elided__` as a blob left out on purpose.
        if (key != "__elided__")
          if (u.key == key)
            diagnostics.push_back(makeDiag(
                d, u.attrSpan, lsp::DiagnosticSeverity::Error,
                "dense_resource '" + key + "' has no blob in this file"));
    // Parameters an archive of their scope should hold, and entries whose
    // size the reference's type contradicts.
    auto parameterDiag = [&](uint32_t w, const llvm::Twine &message) {
      const Weight &p = d.index->weights[w];
      if (p.attrEnd)
        diagnostics.push_back(makeDiag(d, {p.attrOffset, p.attrEnd},
                                       lsp::DiagnosticSeverity::Warning,
                                       message));
    };
    for (uint32_t w : summary.missingParameters)
      parameterDiag(w, "parameter '" + d.index->weights[w].name +
                           "': no archive bound to scope '" +
                           d.index->weights[w].scope + "' holds key '" +
                           d.index->weights[w].key + "'");
    for (uint32_t w : summary.parameterSizeMismatches) {
      const Weight &p = d.index->weights[w];
      parameterDiag(w, llvm::formatv("parameter '{0}': its archive entry holds "
                                     "{1} bytes but {2} needs {3}",
                                     p.name, p.dataBytes,
                                     p.type ? p.type->text : "?",
                                     p.logicalBytes().value_or(0))
                           .str());
    }
    for (uint32_t id : summary.sizeMismatches) {
      const Resource &r = d.index->resources[id];
      std::optional<uint64_t> expected =
          r.type ? expectedBlobSize(*r.type) : std::nullopt;
      for (const ResourceEntry &e : d.entries)
        if (e.resource == id)
          diagnostics.push_back(makeDiag(
              d, e.keySpan, lsp::DiagnosticSeverity::Error,
              llvm::formatv("blob '{0}' holds {1} bytes but its type {2} "
                            "needs {3}",
                            r.key, r.size, r.type ? r.type->text : "?",
                            expected ? std::to_string(*expected) : "?")
                  .str()));
    }
  }
}

std::optional<int64_t>
MLIRScopeServer::removeDocument(const lsp::URIForFile &uri) {
  impl->models.erase(uri.uri().str());
  auto it = impl->documents.find(uri.file().str());
  if (it == impl->documents.end())
    return std::nullopt;
  int64_t version = it->second->version;
  impl->documents.erase(it);
  return version;
}

//===----------------------------------------------------------------------===//
// File status, summary, blobs of a document
//===----------------------------------------------------------------------===//

/// Fills what `status` says about a model indexed without error, whose
/// summary (summarize(index, 0)) is `summary`.
static void describeModel(const ModelIndex &index, const ModelSummary &summary,
                          FileStatus &status) {
  bool bytecode = index.format == ModelIndex::Format::Bytecode;
  status.state = "indexed";
  status.format = bytecode ? "bytecode" : "text";
  if (bytecode)
    status.version = index.bytecodeVersion;
  status.fileBytes = summary.fileSize;
  // Decoded weight bytes (a text file's hex takes twice as many).
  status.blobBytes = summary.resourceBytes;
  status.resources = index.resources.size();
  std::string detail =
      bytecode ? "bytecode v" + std::to_string(index.bytecodeVersion) : "text";
  if (index.isSplit())
    detail += ", " + std::to_string(index.chunks.size()) + " chunks";
  // Inline literals of 1 KiB and more (as the CLI lists them: a document's
  // index lists every literal) and parameter references.
  uint64_t inlineCount = 0, parameterCount = 0, bytes = summary.resourceBytes;
  for (const Weight &w : index.weights) {
    if (w.kind == WeightKind::Inline && w.bytes() >= 1024)
      ++inlineCount;
    else if (w.kind == WeightKind::Parameter)
      ++parameterCount;
    else
      continue;
    bytes += w.bytes();
  }
  detail += ", " + std::to_string(index.resources.size()) +
            (index.resources.size() == 1 ? " resource" : " resources") + ", " +
            formatBytes(bytes, SizeStyle::Short) + " weights";
  if (inlineCount || parameterCount) {
    std::string kinds;
    if (inlineCount)
      kinds = std::to_string(inlineCount) + " inline";
    if (parameterCount)
      kinds += (kinds.empty() ? "" : ", ") + std::to_string(parameterCount) +
               (parameterCount == 1 ? " parameter" : " parameters");
    detail += " (" + kinds + ")";
  }
  status.detail = std::move(detail);
}

llvm::StringRef MLIRScopeServer::getMode(const lsp::URIForFile &uri) {
  auto held = impl->models.find(uri.uri().str());
  if (held == impl->models.end())
    return "text";
  return held->second.mode;
}

FileStatus MLIRScopeServer::getFileStatus(const lsp::URIForFile &uri) {
  FileStatus status;
  auto held = impl->models.find(uri.uri().str());
  if (held != impl->models.end()) {
    status.mode = held->second.mode;
    describeModel(*held->second.index, summarize(*held->second.index, 0),
                  status);
    return status;
  }
  status.mode = "text";
  auto it = impl->documents.find(uri.file().str());
  if (it == impl->documents.end()) {
    status.state = "error";
    status.detail = "document is not open: " + uri.uri().str();
    return status;
  }
  const Document &doc = *it->second;
  if (!doc.index) {
    status.state = "error";
    status.detail = doc.indexError;
    return status;
  }
  return doc.status;
}

/// The one-line text of an index error (consumed).
static std::string errorText(llvm::Error e) {
  std::string text = llvm::toString(std::move(e));
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

llvm::Expected<llvm::json::Value>
MLIRScopeServer::getSummary(const lsp::URIForFile &uri,
                            std::optional<uint32_t> chunk) {
  IndexOptions options;
  if (chunk) {
    if (*chunk == 0)
      return invalidParams("chunk numbers start at 1");
    options.chunk = *chunk - 1;
  }
  std::shared_ptr<ModelIndex> index;
  auto held = impl->models.find(uri.uri().str());
  if (held != impl->models.end()) {
    // The model's own file, indexed as the CLI indexes it; again only to
    // look at one chunk. A remote model is indexed again from the source it
    // was opened with, whose block cache (or in-memory copy, for text) holds
    // the IR already: opening its URL anew would fetch it all again.
    index = held->second.index;
    if (chunk) {
      auto one = index->file->isRemote()
                     ? indexMapped(index->file, options)
                     : indexFile(index->file->getName(), options);
      if (!one)
        return llvm::make_error<lsp::LSPError>(errorText(one.takeError()),
                                               lsp::ErrorCode::RequestFailed);
      index = std::move(*one);
      std::vector<std::string> problems;
      bindArchives(*impl, *index, index->file->getName(), problems);
    }
  } else {
    auto doc = impl->getDocument(uri);
    if (!doc)
      return doc.takeError();
    // The buffer as the editor has it, indexed as the CLI indexes a file
    // (with MLIR's parse: the document's own index has only the lexical
    // scan's op counts).
    auto one = indexMapped((*doc)->textFile, options);
    if (!one)
      return llvm::make_error<lsp::LSPError>(errorText(one.takeError()),
                                             lsp::ErrorCode::RequestFailed);
    index = std::move(*one);
    // Its parameters bound as the document's are.
    std::vector<std::string> problems;
    bindArchives(*impl, *index, uri.file(), problems);
  }
  return summaryToJson(*index, summarize(*index, 10));
}

llvm::Expected<llvm::json::Value>
MLIRScopeServer::getWeights(const lsp::URIForFile &uri,
                            std::optional<std::string> kind, uint64_t limit) {
  std::optional<WeightKind> only;
  if (kind) {
    for (WeightKind k :
         {WeightKind::Resource, WeightKind::Inline, WeightKind::Parameter})
      if (weightKindName(k) == *kind)
        only = k;
    if (!only)
      return invalidParams("kind must be \"resource\", \"inline\" or "
                           "\"parameter\"");
  }
  // The index findBlob reads, so every name listed previews and exports.
  std::shared_ptr<ModelIndex> index;
  auto held = impl->models.find(uri.uri().str());
  if (held != impl->models.end()) {
    index = held->second.index;
  } else {
    auto doc = impl->getDocument(uri);
    if (!doc)
      return doc.takeError();
    if (!(*doc)->index)
      return llvm::make_error<lsp::LSPError>((*doc)->indexError,
                                             lsp::ErrorCode::RequestFailed);
    index = (*doc)->index;
  }
  llvm::json::Array weights;
  uint64_t total = 0;
  for (const Weight &w : index->weights) {
    if (only && w.kind != *only)
      continue;
    if (total++ < limit)
      weights.push_back(weightJson(*index, w));
  }
  return llvm::json::Object{{"weights", std::move(weights)},
                            {"total", total},
                            {"truncated", total > limit}};
}

/// The blob `key` of `index` (in 0-based `chunk` of a split text).
static llvm::Expected<const Resource *> findKey(const ModelIndex &index,
                                                llvm::StringRef key,
                                                std::optional<uint32_t> chunk,
                                                llvm::StringRef uri) {
  const Resource *found = nullptr;
  std::set<uint32_t> chunks;
  for (const Resource &r : index.resources) {
    if (r.key != key || (chunk && r.chunk != *chunk))
      continue;
    chunks.insert(r.chunk);
    // A later entry for a key replaces an earlier one, as MLIR reads it.
    if (!found || found->chunk == r.chunk)
      found = &r;
  }
  if (!found)
    return invalidParams("no resource or weight '" + key + "' in " + uri +
                         (chunk ? " chunk " + std::to_string(*chunk + 1) : ""));
  if (chunks.size() > 1)
    return invalidParams("resource '" + key + "' is in " +
                         std::to_string(chunks.size()) + " chunks of " + uri +
                         "; choose one with chunk");
  if (found->kind != ResourceKind::Blob)
    return invalidParams("resource '" + key + "' is not a blob");
  return found;
}

llvm::Expected<BlobJob>
MLIRScopeServer::findBlob(const lsp::URIForFile &uri, llvm::StringRef key,
                          std::optional<uint32_t> chunk) {
  if (chunk && *chunk == 0)
    return invalidParams("chunk numbers start at 1");
  std::optional<uint32_t> chunk0;
  if (chunk)
    chunk0 = *chunk - 1;
  BlobJob job;
  auto held = impl->models.find(uri.uri().str());
  if (held != impl->models.end()) {
    job.index = held->second.index;
    job.onDisk = true;
    job.stats = impl->diskStats;
  } else {
    auto doc = impl->getDocument(uri);
    if (!doc)
      return doc.takeError();
    Document &d = **doc;
    if (!d.index)
      return llvm::make_error<lsp::LSPError>(d.indexError,
                                             lsp::ErrorCode::RequestFailed);
    job.index = d.index;
    job.stats = d.stats;
    // An elided view: the blob is in the model the view was made from.
    auto r = findKey(*d.index, key, chunk0, uri.uri());
    if (r && isElided(**r) && getSourceModel(d)) {
      job.index = d.source;
      job.onDisk = true;
      job.stats = impl->diskStats;
      chunk0.reset();
    } else if (!r &&
               (d.index->findResource(key) || !d.index->findWeight(key))) {
      return r.takeError();
    } else if (!r) {
      llvm::consumeError(r.takeError());
    }
  }
  // A resource by its key (how these requests named blobs first), else a
  // weight by its name.
  const ModelIndex &index = *job.index;
  if (!index.findResource(key))
    if (const Weight *w = index.findWeight(key)) {
      if (chunk0 && w->chunk != *chunk0)
        return invalidParams("weight '" + key + "' is in chunk " +
                             std::to_string(w->chunk + 1) + " of " + uri.uri());
      job.weight = w;
      return job;
    }
  auto r = findKey(index, key, chunk0, uri.uri());
  if (!r)
    return r.takeError();
  job.resource = *r;
  job.weight = index.weightOfResource(*r - index.resources.data());
  if (!job.weight)
    return invalidParams("resource '" + key + "' is not a blob");
  return job;
}
