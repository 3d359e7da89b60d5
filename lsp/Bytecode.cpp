//===- Bytecode.cpp - Elided text views of models and the way back --------===//
//
// A bytecode model shown as text without its weights: MLIR prints the IR of
// a copy whose blobs are declarations and whose large inline weights are
// placeholders (`dense_resource<"inline:NAME">`, InlinePlaceholders.h), and
// each blob or placeholder becomes a one-line summary string in the
// metadata block. Converting such text back takes each blob's bytes from
// the source model by key, and puts each inline weight back in its
// placeholder's place, so a multi-GB model round-trips through a few KB of
// text.
//
//===----------------------------------------------------------------------===//

#include "Document.h"

#include "mlirscope/Edit/Convert.h"
#include "mlirscope/Edit/InlinePlaceholders.h"
#include "mlirscope/Edit/Rewrite.h"
#include "mlirscope/Index/Index.h"
#include "mlirscope/Index/NestingLimit.h"
#include "mlirscope/Support/Format.h"
#include "mlirscope/Support/MappedFile.h"
#include "mlirscope/Text/MLIRBridge.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <map>

using namespace mlirscope;
using namespace mlirscope::lspserver;

/// Prefix of the string that stands for an elided blob.
static constexpr llvm::StringLiteral kElided = "mlirscope-elided: ";

static llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 message.str().c_str());
}

bool lspserver::isElided(const Resource &r) {
  return r.kind == ResourceKind::String &&
         llvm::StringRef(r.value).starts_with(kElided);
}

const ModelIndex *lspserver::getSourceModel(Document &doc) {
  if (!doc.sourceTried) {
    doc.sourceTried = true;
    if (llvm::sys::fs::is_regular_file(doc.uri.file())) {
      auto index = indexFile(doc.uri.file());
      if (index)
        doc.source = std::move(*index);
      else
        llvm::consumeError(index.takeError());
    }
  }
  return doc.source.get();
}

/// Keys print bare when MLIR's lexer reads them as one identifier.
static std::string printKey(llvm::StringRef key) {
  bool bare = !key.empty() && (llvm::isAlpha(key[0]) || key[0] == '_');
  for (char c : key)
    bare = bare &&
           (llvm::isAlnum(c) || c == '_' || c == '$' || c == '.' || c == '-');
  if (bare)
    return key.str();
  std::string s = "\"";
  llvm::raw_string_ostream os(s);
  llvm::printEscapedString(key, os);
  return s + "\"";
}

static std::string quoted(llvm::StringRef value) {
  std::string s = "\"";
  llvm::raw_string_ostream os(s);
  llvm::printEscapedString(value, os);
  return s + "\"";
}

/// The summary string that replaces a blob's data.
static std::string elidedMarker(const Resource &r) {
  return (kElided + resourceSummary(&r)).str();
}

/// Inline weights at least this large are shown as placeholders; smaller
/// ones (shapes, small constants) stay as MLIR prints them. The index lists
/// inline weights from the same size on (IndexOptions::minInlineBytes).
static constexpr uint64_t kMinElidedInlineBytes = 1024;

/// Views printed with fewer placeholders after MLIR refused one, before
/// every inline weight is shown as MLIR prints it.
static constexpr unsigned kMaxViewAttempts = 4;

/// The summary string that replaces an inline weight's data.
static std::string elidedMarker(const Weight &w) {
  std::string type = "?";
  if (w.type)
    type = (w.type->element.name.empty() ? std::string("?")
                                         : w.type->element.name) +
           "[" + w.type->shapeString() + "]";
  return (kElided + type + " " + formatBytes(w.bytes(), SizeStyle::Short))
      .str();
}

/// External group blobs (reproducers, small metadata) up to this size stay
/// as hex: rewriteBytecode can only take dialect blobs from the source.
static constexpr uint64_t kMaxExternalHex = 4096;

/// `"0x" + alignment (4 bytes, little-endian) + data` as MLIR writes blobs.
static std::string hexBlob(const Resource &r, llvm::StringRef file) {
  std::string bytes;
  for (int i = 0; i < 4; ++i)
    bytes += char(uint8_t(r.alignment >> (8 * i)));
  bytes += file.substr(r.dataOffset, r.size).str();
  return "\"0x" + llvm::toHex(bytes) + "\"";
}

/// A temporary file removed when this goes out of scope.
namespace {
struct TempFile {
  llvm::SmallString<128> path;
  ~TempFile() {
    if (!path.empty())
      llvm::sys::fs::remove(path);
  }
  llvm::Error create(llvm::StringRef suffix) {
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("mlirscope-lsp", suffix, path))
      return error("cannot create a temporary file: " + ec.message());
    return llvm::Error::success();
  }
};
} // namespace

static llvm::Expected<std::unique_ptr<ModelIndex>>
indexBytes(llvm::StringRef name, llvm::StringRef bytes) {
  return indexMapped(std::shared_ptr<MappedFile>(MappedFile::copyOf(
      name,
      llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(bytes.data()),
                              bytes.size()))));
}

/// The elided text view of `index` (a model read from `path`).
static llvm::Expected<std::string> elidedView(const ModelIndex &index,
                                              llvm::StringRef path) {
  if (index.format == ModelIndex::Format::Bytecode)
    if (llvm::Error e = checkNestingForMLIR(index))
      return std::move(e);
  llvm::StringRef all = index.file->text();

  if (index.format == ModelIndex::Format::Text) {
    // Text: each blob's hex becomes its summary; each inline weight of
    // 1 KiB or more (TFLite's and JAX's weights are `dense<"0x...">` in
    // the IR) a placeholder, as in a bytecode view, whose summary string a
    // metadata block at the end of its chunk holds. The view of a text
    // model is read-only (it is for files an editor will not sync), so
    // nothing has to find the way back.
    struct Edit {
      uint64_t begin, end;
      std::string text;
    };
    std::vector<Edit> edits;
    for (const Resource &r : index.resources)
      if (r.isHexText)
        edits.push_back(
            {r.textOffset, r.textOffset + r.textSize, elidedMarker(r)});
    std::map<uint32_t, std::string> summaries; // per chunk: block entries
    for (const Weight &w : index.weights) {
      if (w.kind != WeightKind::Inline || !w.valueEnd ||
          w.size < kMinElidedInlineBytes ||
          w.encoding == WeightEncoding::Strings)
        continue;
      std::string key = quoted((kInlinePlaceholderPrefix + w.name).str());
      edits.push_back({w.attrOffset, w.valueEnd, "dense_resource<" + key + ">"});
      std::string &entries = summaries[w.chunk];
      entries += (entries.empty() ? "      " : ",\n      ") + key + ": " +
                 quoted(elidedMarker(w));
    }
    for (auto &[chunk, entries] : summaries) {
      uint64_t end = chunk < index.chunks.size() ? index.chunks[chunk].end
                                                 : all.size();
      edits.push_back({end, end,
                       std::string(end && all[end - 1] != '\n' ? "\n" : "") +
                           "{-#\n  dialect_resources: {\n    builtin: {\n" +
                           entries + "\n    }\n  }\n#-}\n"});
    }
    std::stable_sort(edits.begin(), edits.end(),
                     [](const Edit &a, const Edit &b) {
                       return a.begin < b.begin;
                     });
    std::string out;
    uint64_t pos = 0;
    for (const Edit &e : edits) {
      if (e.begin < pos)
        continue; // inside an edit already made
      out += all.slice(pos, e.begin).str();
      out += e.text;
      pos = e.end;
    }
    out += all.drop_front(pos).str();
    return out;
  }

  // Bytecode: MLIR prints the IR of a copy whose blobs are declarations.
  std::string why;
  const MLIRBridge *bridge = getMLIRBridge(why);
  if (!bridge)
    return error("MLIR is not available: " + why);
  RewritePlan blobsElided;
  for (const Resource &r : index.resources) {
    if (r.isDialectGroup && r.kind == ResourceKind::Blob)
      blobsElided.declareOnly.insert(r.key);
    if (!r.isDialectGroup)
      blobsElided.dropGroups.insert(r.group);
  }
  // An op may require dense elements where a placeholder stands
  // (shape.const_shape's DenseIntElementsAttr): MLIR's reader then names the
  // placeholder in its error, and that weight stays inline. A few tries,
  // then every weight stays inline.
  llvm::StringSet<> keepInline;
  std::vector<InlinePlaceholder> placeholders;
  std::string text;
  for (unsigned attempt = 0;; ++attempt) {
    RewritePlan plan = blobsElided;
    auto planned =
        planInlinePlaceholders(index, kMinElidedInlineBytes, plan, &keepInline);
    if (!planned)
      return planned.takeError();
    placeholders = std::move(*planned);
    TempFile tmp;
    if (auto e = tmp.create("mlirbc"))
      return std::move(e);
    if (auto e = rewriteBytecode(index, tmp.path, plan))
      return std::move(e);
    auto irOnly = MappedFile::open(tmp.path);
    if (!irOnly)
      return irOnly.takeError();
    text.clear();
    if (bridge->bytecodeToText((*irOnly)->data(), (*irOnly)->size(), text, why))
      break;
    if (placeholders.empty())
      return error(path + ": " + why);
    bool named = false;
    for (const InlinePlaceholder &p : placeholders)
      if (llvm::StringRef(why).contains(printKey(p.key))) {
        keepInline.insert(p.weight->name);
        named = true;
      }
    if (!named || attempt >= kMaxViewAttempts)
      for (const InlinePlaceholder &p : placeholders)
        keepInline.insert(p.weight->name);
  }

  // The metadata block, every blob and placeholder a one-line summary.
  struct Entry {
    llvm::StringRef group, key;
    std::string value;
  };
  auto groups = [&](bool dialect) {
    std::vector<Entry> entries;
    for (const Resource &r : index.resources) {
      if (r.isDialectGroup != dialect)
        continue;
      Entry e{r.group, r.key, ""};
      if (r.kind == ResourceKind::Blob && !dialect &&
          r.size <= kMaxExternalHex && r.dataOffset + r.size <= all.size())
        e.value = hexBlob(r, all);
      else if (r.kind == ResourceKind::Blob)
        e.value = quoted(elidedMarker(r));
      else if (r.kind == ResourceKind::Bool)
        e.value = r.value;
      else
        e.value = quoted(r.value);
      entries.push_back(std::move(e));
    }
    if (dialect && !placeholders.empty()) {
      // Placeholders are builtin resources: after the builtin group's
      // blobs, or in a builtin group of their own.
      auto at = entries.end();
      for (auto it = entries.begin(); it != entries.end(); ++it)
        if (it->group == "builtin")
          at = std::next(it);
      std::vector<Entry> extra;
      for (const InlinePlaceholder &p : placeholders)
        extra.push_back({"builtin", p.key, quoted(elidedMarker(*p.weight))});
      entries.insert(at, extra.begin(), extra.end());
    }
    std::string s;
    llvm::StringRef group;
    bool first = true;
    for (const Entry &e : entries) {
      if (e.group != group || first) {
        s += (first ? "    " : "\n    },\n    ") + printKey(e.group) + ": {\n";
        group = e.group;
        first = false;
      } else {
        s += ",\n";
      }
      s += "      " + printKey(e.key) + ": " + e.value;
    }
    if (!first)
      s += "\n    }";
    return s;
  };
  std::string dialectGroups = groups(true), externalGroups = groups(false);
  if (dialectGroups.empty() && externalGroups.empty())
    return text;
  text += "\n{-#\n";
  if (!dialectGroups.empty())
    text += "  dialect_resources: {\n" + dialectGroups + "\n  }";
  if (!externalGroups.empty())
    text += std::string(dialectGroups.empty() ? "" : ",\n") +
            "  external_resources: {\n" + externalGroups + "\n  }";
  text += "\n#-}\n";
  return text;
}

llvm::Expected<std::string>
MLIRScopeServer::openModel(const llvm::lsp::URIForFile &uri,
                           llvm::StringRef path, llvm::StringRef mode,
                           FileStatus &status, const RemoteOptions &remote) {
  status.mode = mode.str();
  auto indexOr = indexFile(path, {}, remote);
  if (!indexOr)
    return indexOr.takeError();
  std::shared_ptr<ModelIndex> index = std::move(*indexOr);
  // Its parameters bound as an open document's (ParameterBinding.cpp).
  std::vector<std::string> problems;
  bindArchives(*impl, *index, path, problems);
  auto text = elidedView(*index, path);
  if (!text)
    return text.takeError();
  impl->models[uri.uri().str()] = {index, mode.str()};
  status = getFileStatus(uri);
  return text;
}

std::string MLIRScopeServer::getRemoteModel(const llvm::lsp::URIForFile &uri) {
  auto held = impl->models.find(uri.uri().str());
  if (held == impl->models.end() || !held->second.index->file->isRemote())
    return "";
  return held->second.index->file->getName();
}

llvm::Error MLIRScopeServer::convertToBytecode(llvm::StringRef sourcePath,
                                               llvm::StringRef text,
                                               llvm::StringRef outPath) {
  auto sourceOr = indexFile(sourcePath);
  if (!sourceOr)
    return sourceOr.takeError();
  const ModelIndex &source = **sourceOr;

  // The edited text: its IR goes through MLIR, its blobs do not.
  auto editedOr = indexBytes(sourcePath.str() + " (edited)", text);
  if (!editedOr)
    return editedOr.takeError();
  const ModelIndex &edited = **editedOr;
  std::string why;
  const MLIRBridge *bridge = getMLIRBridge(why);
  if (!bridge)
    return error("MLIR is not available: " + why);
  std::string ir = irWithoutBlobs(edited);
  int64_t version = source.format == ModelIndex::Format::Bytecode
                        ? int64_t(source.bytecodeVersion)
                        : 6;
  std::string bytecode;
  if (!bridge->textToBytecode(ir.data(), ir.size(), version, "mlirscope",
                              bytecode, why))
    return error(why);
  auto interOr = indexBytes(sourcePath.str() + " (IR)", bytecode);
  if (!interOr)
    return interOr.takeError();
  const ModelIndex &inter = **interOr;

  // Each placeholder's inline weight back in its place; each other key's
  // bytes: a hex blob written in the edited text, else the source model's
  // blob of that key.
  RewritePlan plan;
  llvm::StringSet<> restored;
  if (source.format == ModelIndex::Format::Bytecode)
    if (auto e = planRestoreInline(inter, source, plan, restored))
      return e;
  llvm::StringSet<> keys;
  for (const Resource &r : inter.resources)
    if (r.isDialectGroup)
      keys.insert(r.key);
  for (const ResourceReference &ref : inter.references)
    keys.insert(ref.key);
  for (const auto &entry : keys) {
    llvm::StringRef key = entry.getKey();
    if (restored.contains(key))
      continue; // a placeholder, now its inline weight again
    const Resource *e = edited.findResource(key);
    if (e && e->isDialectGroup && e->kind == ResourceKind::Blob &&
        e->isHexText) {
      plan.replace[key] = ExternalBlob{edited.file->getName(), e->dataOffset,
                                       e->size, e->alignment, edited.file};
      continue;
    }
    const Resource *s = source.findResource(key);
    if (!s || !s->isDialectGroup || s->kind != ResourceKind::Blob)
      return error("no blob '" + key + "' in " + sourcePath);
    if (source.format == ModelIndex::Format::Text)
      plan.replace[key] = ExternalBlob{sourcePath.str(), s->dataOffset, s->size,
                                       s->alignment, source.file};
    else
      plan.replace[key] = ExternalBlob{sourcePath.str(), s->dataOffset, s->size,
                                       s->alignment, nullptr};
  }
  return rewriteBytecode(inter, outPath, plan);
}
