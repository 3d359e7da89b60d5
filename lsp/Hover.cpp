//===- Hover.cpp - Hover: blobs as summaries, ops, values, blocks ---------===//

#include "Document.h"
#include "StatsJobs.h"
#include "mlirscope/Support/FaultGuard.h"
#include "mlirscope/Support/Format.h"

#include "mlirscope/Archive/ParameterArchive.h"
#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Edit/InlinePlaceholders.h"
#include "mlirscope/Index/Summary.h"
#include "mlirscope/Model/TypeText.h"
#include "mlirscope/Text/InlineWeights.h"

#include "mlir/IR/Operation.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/Value.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>

using namespace mlirscope;
using namespace mlirscope::lspserver;
namespace lsp = llvm::lsp;

static std::string sparkline(const std::vector<uint64_t> &bins) {
  static const char *bars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  uint64_t max = 0;
  for (uint64_t b : bins)
    max = std::max(max, b);
  std::string s;
  for (uint64_t b : bins)
    s += max == 0 ? bars[0] : bars[(b * 7 + max - 1) / max];
  return s;
}

static std::string fmtDouble(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.6g", v);
  return buf;
}

namespace {
/// How a weight's hover gets its statistics (findHover's arguments).
struct StatsContext {
  const ProgressCallback &progress;
  uint64_t progressThreshold;
  bool recheckFiles;
  bool statistics;
  std::atomic<bool> *cancel;
  uint64_t inlineBytes;
  DeferredStats *deferred;
};
} // namespace

/// Appends what a hover shows of a weight's values: statistics (from
/// `cache` when given), the first values and a histogram, or why there are
/// none. Weights over `ctx.progressThreshold` report `$/progress`;
/// `*ctx.cancel` stops the reading within milliseconds. A weight over
/// `ctx.inlineBytes` whose statistics are not cached is not read: with
/// `ctx.deferred` and a `job` (the weight, owned) the hover says they are
/// being computed and hands the job over. Returns true when the file the
/// bytes are in changed while they were read (FaultGuard.h): nothing is
/// appended then.
static bool
appendStatistics(llvm::raw_ostream &os, const ModelIndex &index,
                 StatsCache *cache, const std::string &title,
                 llvm::function_ref<llvm::Expected<WeightView>()> makeView,
                 const StatsContext &ctx, std::optional<BlobJob> job) {
  std::optional<WeightView> view;
  std::string viewError;
  std::optional<BlobStats> stats;
  std::string statsError;
  bool computing = false;
  StatsOptions options = hoverStatsOptions();
  options.progress = Progress(ctx.cancel);
  bool withProgress = false;
  bool faulted = runGuarded([&] {
    auto v = makeView();
    if (!v) {
      viewError = llvm::toString(v.takeError());
      return;
    }
    view.emplace(std::move(*v));
    if (cache && ctx.deferred && job && view->sizeInBytes() > ctx.inlineBytes) {
      if ((stats = cache->find(index, *view, options)))
        return;
      if (std::optional<std::string> failed =
              ctx.deferred->failure ? ctx.deferred->failure(job->weight->name)
                                    : std::nullopt) {
        statsError = *failed;
        return;
      }
      computing = true;
      ctx.deferred->job = std::move(job);
      return;
    }
    withProgress = ctx.progress && view->sizeInBytes() > ctx.progressThreshold;
    if (withProgress) {
      options.progress = Progress(
          [&, title](uint64_t done, uint64_t total) {
            ctx.progress(title, done, total);
          },
          ctx.cancel);
      ctx.progress(title, 0, view->sizeInBytes());
    }
    auto computed = cache ? cache->get(index, *view, options)
                          : computeStats(*view, options);
    if (computed)
      stats = std::move(*computed);
    else
      statsError = llvm::toString(computed.takeError());
    if (withProgress)
      ctx.progress("", view->sizeInBytes(), view->sizeInBytes());
  });
  if (faulted)
    return true;
  if (!view) {
    os << "\n_no statistics: " << viewError << "_\n";
    return false;
  }
  if (computing) {
    // The lines the statistics will take, held: the hover shown again when
    // they arrive has the same height, which an editor's hover widget sized
    // for the first one would otherwise cut (a scroll bar).
    os << "\n| min | max | mean | std |\n|---|---|---|---|\n"
          "| … | … | … | … |\n\n_statistics: computing…_\n\n";
    if (view->size() > 0)
      os << "first: `…`\n\nhistogram: `…`\n";
    return false;
  }
  if (!stats) {
    os << "\n_no statistics: " << statsError << "_\n";
    return false;
  }
  os << "\n| min | max | mean | std |\n|---|---|---|---|\n| "
     << fmtDouble(stats->min) << " | " << fmtDouble(stats->max) << " | "
     << fmtDouble(stats->mean) << " | " << fmtDouble(stats->stddev) << " |\n\n";
  os << "zeros: " << stats->zeros << ", NaN: " << stats->nans
     << ", +Inf: " << stats->posInfs << ", -Inf: " << stats->negInfs << "\n\n";
  if (!stats->first.empty()) {
    os << "first: `";
    llvm::interleave(stats->first, os, ", ");
    if (stats->count > stats->first.size())
      os << ", ...";
    os << "`\n\n";
  }
  if (!stats->histogram.empty()) {
    os << "histogram: `" << sparkline(stats->histogram) << "` (";
    llvm::interleave(stats->histogram, os, " ");
    os << ")\n";
  }
  return false;
}

static std::string weightMarkdown(Document &doc, const ModelIndex &index,
                                  const Weight &w, const StatsContext &ctx);

/// The markdown for one resource.
static std::string blobMarkdown(Document &doc, llvm::StringRef key,
                                const Resource *r, const StatsContext &ctx) {
  std::string md;
  llvm::raw_string_ostream os(md);
  os << "**dense_resource** `" << key << "`\n\n";
  // An elided view: the blob is in the model the view was made from.
  const ModelIndex *index = doc.index.get();
  if (r && isElided(*r))
    if (const ModelIndex *source = getSourceModel(doc))
      if (const Resource *original = source->findResource(key);
          original && original->kind == ResourceKind::Blob) {
        os << "- from: `" << source->file->getName() << "`\n";
        index = source;
        r = original;
      }
  // A from-disk view's placeholder of an inline weight of the model:
  // hovered as that weight.
  if (r && index == doc.index.get() && isElided(*r))
    if (std::optional<llvm::StringRef> name = placeholderWeightName(key))
      if (const ModelIndex *source = getSourceModel(doc))
        if (const Weight *w = source->findWeight(*name))
          return weightMarkdown(doc, *source, *w, ctx);
  if (!r) {
    os << "No blob with this key in the file.\n";
    return md;
  }
  if (r->kind != ResourceKind::Blob) {
    os << "- group: `" << r->group << "`\n- value: `" << r->value << "`\n";
    return md;
  }
  os << "- group: `" << r->group << "`\n";
  if (r->type) {
    os << "- type: `" << r->type->text << "`\n";
    os << "- dtype: `"
       << (r->type->element.name.empty() ? "?" : r->type->element.name)
       << "`, shape: `" << r->type->shapeString() << "`";
    if (auto n = r->type->numElements())
      os << ", elements: " << *n;
    os << "\n";
  }
  os << "- bytes: " << r->size << " (" << formatBytes(r->size, SizeStyle::Short)
     << "), alignment: " << r->alignment << "\n";
  os << "- file offset: " << r->dataOffset << "\n";
  unsigned uses = 0;
  for (const ResourceUse &u : doc.uses)
    uses += u.key == key;
  os << "- uses in this file: " << uses << "\n";
  if (r->type)
    if (auto expected = expectedBlobSize(*r->type);
        expected && *expected != r->size)
      os << "\n**size mismatch:** the type needs " << *expected << " bytes\n";

  // `hoverStatistics` off: what the index knows, and not a byte of the blob
  // (a model on disk is not even stat'ed again).
  if (!ctx.statistics)
    return md;

  // A model on disk (an elided view's source) may have changed since it was
  // indexed: reading its mapping past a new end would raise SIGBUS.
  bool onDisk = index != doc.index.get();
  auto dropSource = [&](llvm::StringRef why) {
    os << "\n**" << why << "**\n";
    doc.source.reset();
    doc.sourceTried = false;
    doc.stats->clear();
  };
  if (onDisk && ctx.recheckFiles)
    if (llvm::Error e = checkUnchanged(*index->file)) {
      dropSource(llvm::toString(std::move(e)));
      return md;
    }

  // What a computation in the background needs, owned: the document may
  // change meanwhile.
  std::optional<BlobJob> job;
  if (const Weight *w = index->weightOfResource(r - index->resources.data())) {
    job.emplace();
    job->index = onDisk ? doc.source : doc.index;
    job->weight = w;
    job->resource = r;
    job->stats = doc.stats;
    job->onDisk = onDisk;
  }
  bool faulted = appendStatistics(
      os, *index, doc.stats.get(), ("statistics of " + key).str(),
      [&] { return WeightView::get(*index, *r); }, ctx, std::move(job));
  if (faulted)
    dropSource(index->file->getName() +
               ": changed on disk while it was read; reopen it");
  return md;
}

/// The markdown for an inline weight or a parameter reference of the
/// document (its index is that of the document's own text, so it matches
/// what the editor shows, saved or not).
static std::string weightMarkdown(Document &doc, const ModelIndex &index,
                                  const Weight &w, const StatsContext &ctx) {
  std::string md;
  llvm::raw_string_ostream os(md);
  bool parameter = w.kind == WeightKind::Parameter;
  os << (parameter ? "**parameter** `" : "**inline weight** `") << w.name
     << "`\n\n";
  // The model on disk a view was made from, or the document's own text.
  bool onDisk = &index == doc.source.get();
  if (onDisk)
    os << "- from: `" << index.file->getName() << "`\n";
  if (!w.opName.empty())
    os << "- op: `" << w.opName << "`\n";
  if (w.type) {
    os << "- type: `" << w.type->text << "`\n";
    os << "- dtype: `"
       << (w.type->element.name.empty() ? "?" : w.type->element.name)
       << "`, shape: `" << w.type->shapeString() << "`";
    if (auto n = w.type->numElements())
      os << ", elements: " << *n;
    os << "\n";
  }
  os << "- bytes: " << w.bytes() << " ("
     << formatBytes(w.bytes(), SizeStyle::Short) << ")\n";
  const BoundArchive *archive = nullptr;
  if (parameter) {
    os << "- scope: `" << w.scope << "`, key: `" << w.key << "`\n";
    if (w.archive == kNone) {
      bool scopeBound =
          llvm::any_of(index.archives, [&](const BoundArchive &a) {
            return a.scope == w.scope;
          });
      os << "\n**not bound:** "
         << (scopeBound ? "no archive bound to this scope holds the key"
                        : "no archive is bound to this scope")
         << " (the `parameters` setting, or an archive beside the model "
            "holding its keys)\n";
      return md;
    }
    archive = &index.archives[w.archive];
    const ArchiveEntry &e = archive->archive->entries[w.entry];
    os << "- archive: `" << archive->path << "` ("
       << archiveFormatName(archive->archive->format) << ")\n";
    if (w.splat) {
      os << "- splat: the " << e.pattern.size() << "-byte pattern `0x"
         << llvm::toHex(e.pattern) << "` repeated over " << e.size
         << " bytes\n";
    } else {
      os << "- archive offset: " << e.offset << ", stored bytes: " << e.size
         << "\n";
    }
    if (auto want = w.logicalBytes(); want && *want != e.size)
      os << "\n**size mismatch:** the archive holds " << e.size
         << " bytes, the type needs " << *want << "\n\n";
    if (!e.archiveType.empty() || e.type)
      os << "- archive type: `" << (e.type ? e.type->text : std::string())
         << "`" << (e.archiveType.empty() ? "" : " (" + e.archiveType + ")")
         << "\n";
  } else {
    os << "- stored: " << weightEncodingName(w.encoding)
       << (w.splat ? " splat" : "") << (w.bitPacked ? ", i1 packed" : "")
       << " at file offset " << w.offset << " (" << w.size << " characters)\n";
  }

  if (!ctx.statistics)
    return md;
  // A model or an archive on disk may have changed since it was indexed.
  if (onDisk && ctx.recheckFiles)
    if (llvm::Error e = checkUnchanged(*index.file)) {
      os << "\n**" << llvm::toString(std::move(e)) << "**\n";
      return md;
    }
  if (archive && ctx.recheckFiles)
    if (llvm::Error e = checkUnchanged(*archive->archive->file)) {
      os << "\n**" << llvm::toString(std::move(e)) << "**\n";
      return md;
    }
  // A weight of the document's index is cached with its name; a literal
  // read from the text under the cursor (not in the index) is not.
  bool indexed = &w >= index.weights.data() &&
                 &w < index.weights.data() + index.weights.size();
  std::optional<BlobJob> job;
  if (indexed && (onDisk || &index == doc.index.get())) {
    job.emplace();
    job->index = onDisk ? doc.source : doc.index;
    job->weight = &w;
    job->stats = doc.stats;
    job->onDisk = onDisk;
  }
  bool faulted = appendStatistics(
      os, index, indexed ? doc.stats.get() : nullptr, "statistics of " + w.name,
      [&] { return WeightView::get(index, w); }, ctx, std::move(job));
  if (faulted)
    os << "\n**" << (archive ? archive->path : index.file->getName())
       << ": changed on disk while it was read; reopen it**\n";
  return md;
}

/// A literal under the cursor that the index does not list (a document over
/// Impl::listAllInlineBytes lists those of 1 KiB and more): read from the text,
/// with a name that says where it is.
static std::optional<Weight> literalAt(const Document &doc, uint64_t offset) {
  // A small literal (under 1 KiB of data) with its type is at most a few
  // tens of KiB of text.
  uint64_t lowest = offset > (64 << 10) ? offset - (64 << 10) : 0;
  llvm::StringRef text = doc.text;
  uint64_t at = std::min<uint64_t>(offset + 1, text.size());
  while (at > lowest) {
    size_t found = text.slice(lowest, at).rfind("dense<");
    if (found == llvm::StringRef::npos)
      return std::nullopt;
    uint64_t begin = lowest + found;
    at = begin;
    if (begin > 0 && (llvm::isAlnum(text[begin - 1]) || text[begin - 1] == '_'))
      continue;
    std::optional<ElementsLiteral> lit = parseElementsLiteral(text, begin);
    if (!lit)
      continue;
    uint64_t end = lit->typeEnd ? lit->typeEnd : lit->end;
    if (offset > end)
      return std::nullopt;
    Weight w;
    w.kind = WeightKind::Inline;
    w.encoding = lit->encoding;
    w.name = "(literal at offset " + std::to_string(begin) + ")";
    w.attrOffset = begin;
    w.attrEnd = end;
    w.offset = lit->dataBegin;
    w.size = lit->dataEnd - lit->dataBegin;
    if (lit->typeEnd)
      w.type = parseShapedTypeText(text.slice(lit->typeBegin, lit->typeEnd));
    if (w.encoding == WeightEncoding::Hex) {
      llvm::StringRef first = text.substr(w.offset, 2);
      classifyElementsData(w, w.size / 2,
                           first.equals_insensitive("00") ||
                               first.equals_insensitive("ff"));
    } else if (w.encoding == WeightEncoding::Literal) {
      w.splat = !text.slice(lit->dataBegin, lit->dataEnd).starts_with("[") &&
                w.type && w.type->numElements().value_or(0) > 1;
      w.dataBytes = w.logicalBytes().value_or(0);
    } else {
      w.dataBytes = w.size;
    }
    return w;
  }
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// The IR: the same text as upstream's mlir-lsp-server
//===----------------------------------------------------------------------===//

/// Whether `loc` is in `range`, its end included (as upstream).
static bool contains(llvm::SMRange range, llvm::SMLoc loc) {
  return range.Start.getPointer() <= loc.getPointer() &&
         loc.getPointer() <= range.End.getPointer();
}

/// The definition or use of `def` that holds `loc`, if any.
static std::optional<llvm::SMRange>
defOrUseAt(const mlir::AsmParserState::SMDefinition &def, llvm::SMLoc loc) {
  if (contains(def.loc, loc))
    return def.loc;
  for (llvm::SMRange use : def.uses)
    if (contains(use, loc))
      return use;
  return std::nullopt;
}

/// The N of `%x#N` when `loc` is in the name `%x` or on the `#`; nullopt
/// elsewhere (on the digits too, as upstream: it reads from `loc` on).
static std::optional<unsigned> resultNumberAt(llvm::SMLoc loc) {
  const char *p = loc.getPointer();
  while (llvm::isAlnum(*p) || llvm::StringRef("%$._-").contains(*p))
    ++p;
  if (*p != '#')
    return std::nullopt;
  const char *digits = ++p;
  while (llvm::isDigit(*p))
    ++p;
  unsigned n;
  if (llvm::StringRef(digits, p - digits).consumeInteger(10, n))
    return std::nullopt;
  return n;
}

static unsigned blockNumber(mlir::Block *block) {
  return std::distance(block->getParent()->begin(), block->getIterator());
}

/// `^bb2` as written, else `<Block #N>`.
static void printBlockName(llvm::raw_ostream &os,
                           const mlir::AsmParserState &state,
                           mlir::Block *block) {
  if (const auto *def = state.getBlockDef(block)) {
    llvm::SMRange r = def->definition.loc;
    if (r.isValid()) {
      llvm::StringRef text(r.Start.getPointer(),
                           r.End.getPointer() - r.Start.getPointer());
      if (text.starts_with("^")) {
        os << text;
        return;
      }
    }
  }
  os << "<Block #" << blockNumber(block) << ">";
}

static std::string opHoverText(mlir::Operation *op) {
  std::string md;
  llvm::raw_string_ostream os(md);
  os << "\"" << op->getName() << "\"";
  if (auto symbol = llvm::dyn_cast<mlir::SymbolOpInterface>(op))
    os << " : " << symbol.getVisibility() << " @" << symbol.getName();
  os << "\n\nGeneric Form:\n\n```mlir\n";
  op->print(os, mlir::OpPrintingFlags()
                    .printGenericOpForm()
                    .elideLargeElementsAttrs()
                    .skipRegions());
  os << "\n```\n";
  return md;
}

static std::string resultHoverText(mlir::Operation *op, unsigned first,
                                   unsigned end, llvm::SMLoc loc) {
  std::string md;
  llvm::raw_string_ostream os(md);
  os << "Operation: \"" << op->getName() << "\"\n\n";
  // `%x#N` names one result of the group.
  if (std::optional<unsigned> n = resultNumberAt(loc); n && first + *n < end) {
    first += *n;
    end = first + 1;
  }
  if (first + 1 == end) {
    os << "Result #" << first << "\n\nType: `" << op->getResult(first).getType()
       << "`\n\n";
    return md;
  }
  os << "Result #[" << first << ", " << end - 1 << "]\n\nTypes: ";
  llvm::interleaveComma(
      op->getResults().slice(first, end - first), os,
      [&](mlir::Value v) { os << "`" << v.getType() << "`"; });
  return md;
}

static std::string blockHoverText(const mlir::AsmParserState &state,
                                  mlir::Block *block) {
  std::string md;
  llvm::raw_string_ostream os(md);
  os << "Operation: \"" << block->getParentOp()->getName() << "\"\n\nBlock #"
     << blockNumber(block) << "\n\n";
  auto name = [&](mlir::Block *b) { printBlockName(os, state, b); };
  if (!block->hasNoPredecessors()) {
    os << "Predecessors: ";
    llvm::interleaveComma(block->getPredecessors(), os, name);
    os << "\n\n";
  }
  if (!block->hasNoSuccessors()) {
    os << "Successors: ";
    llvm::interleaveComma(block->getSuccessors(), os, name);
    os << "\n\n";
  }
  return md;
}

static std::string argumentHoverText(const mlir::AsmParserState &state,
                                     mlir::BlockArgument arg) {
  std::string md;
  llvm::raw_string_ostream os(md);
  os << "Operation: \"" << arg.getOwner()->getParentOp()->getName()
     << "\"\n\nBlock: ";
  printBlockName(os, state, arg.getOwner());
  os << "\n\nArgument #" << arg.getArgNumber() << "\n\nType: `" << arg.getType()
     << "`\n\n";
  return md;
}

template <typename T>
static std::string aliasHoverText(llvm::StringRef kind, llvm::StringRef name,
                                  T value) {
  std::string md;
  llvm::raw_string_ostream os(md);
  // Upstream's text, its unbalanced quote included.
  os << kind << " Alias: \"" << name << "\n\nValue: ```mlir\n"
     << value << "\n```\n\n";
  return md;
}

/// The hover upstream's mlir-lsp-server gives at `offset`: ops (their name
/// and symbol uses), results, blocks, block arguments, aliases, in this
/// order.
static std::optional<lsp::Hover> irHover(Document &doc, uint64_t offset) {
  Document::Chunk &chunk = doc.chunkAt(offset);
  if (!chunk.ir ||
      offset > chunk.span.begin + (chunk.bufferEnd() - chunk.bufferStart()))
    return std::nullopt;
  const mlir::AsmParserState &state = chunk.asmState;
  llvm::SMLoc loc = chunk.locOf(offset);
  auto hover = [&](llvm::SMRange range, std::string text) {
    lsp::Hover h(doc.rangeOf(chunk.spanOf(range)));
    h.contents.value = std::move(text);
    return h;
  };
  for (const auto &op : state.getOpDefs()) {
    if (contains(op.loc, loc))
      return hover(op.loc, opHoverText(op.op));
    for (llvm::SMRange use : op.symbolUses)
      if (contains(use, loc))
        return hover(use, opHoverText(op.op));
    for (unsigned i = 0, e = op.resultGroups.size(); i < e; ++i) {
      const auto &group = op.resultGroups[i];
      std::optional<llvm::SMRange> at = defOrUseAt(group.definition, loc);
      if (!at)
        continue;
      unsigned end = i + 1 == e ? op.op->getNumResults()
                                : op.resultGroups[i + 1].startIndex;
      return hover(*at, resultHoverText(op.op, group.startIndex, end, loc));
    }
  }
  for (const auto &block : state.getBlockDefs()) {
    if (auto at = defOrUseAt(block.definition, loc))
      return hover(*at, blockHoverText(state, block.block));
    for (unsigned i = 0; i < block.arguments.size(); ++i)
      if (auto at = defOrUseAt(block.arguments[i], loc))
        return hover(*at,
                     argumentHoverText(state, block.block->getArgument(i)));
  }
  for (const auto &alias : state.getAttributeAliasDefs())
    if (auto at = defOrUseAt(alias.definition, loc))
      return hover(*at, aliasHoverText("Attribute", alias.name, alias.value));
  for (const auto &alias : state.getTypeAliasDefs())
    if (auto at = defOrUseAt(alias.definition, loc))
      return hover(*at, aliasHoverText("Type", alias.name, alias.value));
  return std::nullopt;
}

bool MLIRScopeServer::isHoverOnResource(const lsp::URIForFile &uri,
                                        lsp::Position pos) {
  auto at = impl->getDocumentAt(uri, pos);
  if (!at) {
    llvm::consumeError(at.takeError());
    return false;
  }
  const Document &doc = *at->first;
  uint64_t offset = at->second;
  // A weight's hover reads its values (or an archive's).
  if (doc.weightAt(offset) ||
      (!doc.allInlineListed && doc.index && literalAt(doc, offset)))
    return true;
  return llvm::any_of(doc.uses,
                      [&](const ResourceUse &u) {
                        return u.attrSpan.contains(offset);
                      }) ||
         llvm::any_of(doc.entries, [&](const ResourceEntry &e) {
           return e.keySpan.contains(offset);
         });
}

llvm::Expected<std::optional<lsp::Hover>>
MLIRScopeServer::findHover(const lsp::URIForFile &uri, lsp::Position pos,
                           const ProgressCallback &progress,
                           std::atomic<bool> *cancel, DeferredStats *deferred) {
  auto at = impl->getDocumentAt(uri, pos);
  if (!at)
    return at.takeError();
  Document &doc = *at->first;
  uint64_t offset = at->second;
  // A view of a model held for this uri (mlir/convertFromBytecode,
  // mlirscope/openFile): its blobs are in that model, indexed already.
  // Not once it changed on disk: a hover then says so and drops it, and the
  // file is indexed again (getSourceModel) on the next. Not without the
  // recheck either: a read past a new end of the shared mapping would leave
  // zero pages that the held model's next reader takes for data.
  if (!doc.sourceTried && impl->recheckFiles)
    if (auto held = impl->models.find(uri.uri().str());
        held != impl->models.end() &&
        !errorToBool(checkUnchanged(*held->second.index->file))) {
      doc.source = held->second.index;
      doc.sourceTried = true;
    }
  StatsContext ctx{progress,
                   impl->progressThreshold,
                   impl->recheckFiles,
                   impl->hoverStatistics,
                   cancel,
                   impl->inlineStatsBytes,
                   deferred};

  // Resources: a dense_resource<key> use, or a key in the metadata block.
  for (const ResourceUse &u : doc.uses)
    if (u.attrSpan.contains(offset)) {
      lsp::Hover hover(doc.rangeOf(u.keySpan));
      hover.contents.value = blobMarkdown(
          doc, u.key, doc.resourceFor(u.key, u.keySpan.begin), ctx);
      return hover;
    }
  for (const ResourceEntry &e : doc.entries)
    if (e.keySpan.contains(offset)) {
      lsp::Hover hover(doc.rangeOf(e.keySpan));
      hover.contents.value =
          blobMarkdown(doc, e.key, &doc.index->resources[e.resource], ctx);
      return hover;
    }
  // Inline weights and parameter references, from the index of the text.
  if (doc.index) {
    std::optional<Weight> unlisted;
    const Weight *w = doc.weightAt(offset);
    if (!w && !doc.allInlineListed && (unlisted = literalAt(doc, offset)))
      w = &*unlisted;
    if (w) {
      lsp::Hover hover(doc.rangeOf(TextSpan{w->attrOffset, w->attrEnd}));
      hover.contents.value = weightMarkdown(doc, *doc.index, *w, ctx);
      return hover;
    }
  }
  // The IR, as MLIR parsed it.
  return irHover(doc, offset);
}
