//===- Externalize.cpp - Inline weights moved into resource blobs ---------===//

#include "mlirscope/Edit/Externalize.h"
#include "mlirscope/Blob/ArchiveWriter.h"
#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Edit/InlinePlaceholders.h"
#include "mlirscope/Index/Index.h"
#include "mlirscope/Support/AtomicFile.h"
#include "mlirscope/Text/InlineWeights.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"

#include <map>

using namespace mlirscope;

std::string mlirscope::resourceKeyFor(llvm::StringRef weightName) {
  // A key MLIR's lexer reads as one bare identifier: letters, digits and
  // `_ $ . -`, not starting with a digit.
  std::string key;
  for (char c : weightName.ltrim("@/")) {
    if (llvm::isAlnum(c) || c == '_' || c == '$' || c == '.' || c == '-')
      key += c;
    else if (c == '/')
      key += '.';
    else
      key += '_';
  }
  if (key.empty() || llvm::isDigit(key[0]))
    key = "w" + key;
  return key;
}

namespace {

/// One weight to move: the literal's text range and the new key.
struct Move {
  const Weight *weight;
  uint64_t begin, end; ///< `dense<...>` without the type after it
  std::string key;
  bool toArchive = false;
};

/// Why an inline weight stays where it is, or empty if it moves.
std::string reasonToKeep(const Weight &w, uint64_t minBytes,
                         bool splatEntries) {
  if (w.encoding == WeightEncoding::Strings)
    return "string elements have no resource form";
  if (w.splat && !splatEntries)
    return "a splat: as a resource it would store every element";
  if (!w.type || !w.type->numElements())
    return "no static type is written with it";
  if (w.bytes() < minBytes)
    return "smaller than the threshold";
  return {};
}

constexpr uint64_t kChunkBytes = 16u << 20;

/// The alignment a moved weight's blob declares: its element size rounded
/// up to a power of two, at most 64 (text and bytecode outputs alike).
uint64_t blobAlignment(uint64_t elementBytes) {
  uint64_t alignment = 1;
  while (alignment < elementBytes && alignment < 64)
    alignment *= 2;
  return alignment;
}

} // namespace

llvm::Expected<ExternalizeResult>
mlirscope::externalizeText(const ModelIndex &index, llvm::StringRef outPath,
                           const ExternalizeOptions &options) {
  auto fail = [&](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   index.file->getName() + ": " + msg);
  };
  if (index.format != ModelIndex::Format::Text)
    return fail("externalize reads text models (convert bytecode to text "
                "first: mlirscope convert)");
  if (index.selectedChunk)
    return fail("externalize works on the whole file, not one chunk");
  llvm::StringRef text = index.file->text();
  if (text.size() != index.file->size())
    return fail("the model is not in memory");

  ExternalizeResult result;
  // Per chunk: the moves, in file order, and the keys taken there.
  std::map<uint32_t, std::vector<Move>> moves;
  std::map<uint32_t, llvm::StringSet<>> taken;
  for (const Resource &r : index.resources)
    taken[r.chunk].insert(r.key);
  bool archive = !options.archivePath.empty();
  bool irpa = llvm::StringRef(options.archivePath).ends_with(".irpa");
  if (archive && !irpa &&
      !llvm::StringRef(options.archivePath).ends_with(".safetensors"))
    return fail("the archive must be a .irpa or .safetensors file: " +
                options.archivePath);
  std::vector<ArchiveTensor> tensors;
  llvm::StringSet<> archiveKeys;
  uint64_t total = 0;
  for (const Weight &w : index.weights) {
    if (w.kind != WeightKind::Inline)
      continue;
    // IREE binds parameters to util.global initializers only.
    bool toArchive = archive && w.opName == "util.global" &&
                     llvm::StringRef(w.name).starts_with("@") &&
                     !llvm::StringRef(w.name).contains('/');
    if (std::string why =
            reasonToKeep(w, options.minBytes, toArchive && irpa);
        !why.empty()) {
      result.kept.emplace_back(w.name, why);
      continue;
    }
    if (!w.valueEnd)
      return fail("offset " + llvm::Twine(w.attrOffset) +
                  ": expected the elements literal of '" + w.name + "'");
    // A weight mlirscope cannot read (an element type it does not decode,
    // such as i4; a literal that does not fit its type) stays as written.
    llvm::Expected<WeightView> readable = WeightView::get(index, w);
    if (!readable) {
      std::string why = llvm::toString(readable.takeError());
      llvm::StringRef reason(why);
      reason.consume_front("weight '" + w.name + "': ");
      result.kept.emplace_back(w.name, reason.str());
      continue;
    }
    if (toArchive) {
      std::string base = llvm::StringRef(w.name).drop_front().str(), key = base;
      for (unsigned n = 2; !archiveKeys.insert(key).second; ++n)
        key = base + "_" + std::to_string(n);
      tensors.push_back({key, *readable});
      moves[w.chunk].push_back({&w, w.attrOffset, w.valueEnd, key, true});
      result.archived.emplace_back(w.name, key);
      continue;
    }
    std::string base = resourceKeyFor(w.name), key = base;
    for (unsigned n = 2; !taken[w.chunk].insert(key).second; ++n)
      key = base + "_" + std::to_string(n);
    moves[w.chunk].push_back({&w, w.attrOffset, w.valueEnd, key});
    result.moved.emplace_back(w.name, key);
    total += w.bytes();
  }
  // The archive first: the model written after it names only what it holds.
  if (!tensors.empty()) {
    llvm::Error e = irpa ? writeIrpa(index, options.archivePath, tensors,
                                     options.progress)
                         : writeSafetensors(index, options.archivePath,
                                            tensors, options.progress);
    if (e)
      return std::move(e);
  }

  auto out = AtomicFile::create(outPath);
  if (!out)
    return out.takeError();
  // Unchanged spans of the file are copied by the kernel where it can.
  int fd = index.file->fileDescriptor();
  auto copy = [&](uint64_t begin, uint64_t end) -> llvm::Error {
    if (begin >= end)
      return llvm::Error::success();
    if (fd >= 0)
      return out->copyFrom(fd, begin, end - begin);
    return out->write(text.slice(begin, end));
  };
  uint64_t done = 0;
  std::vector<uint8_t> bytes;
  std::string hex;
  // The bytes of one weight as the hex of a resource blob: digits copied as
  // they are where the literal is hex of the same bytes, else encoded from
  // the decoded elements (literal lists, i1 packed eight per byte).
  auto writeBlob = [&](const Weight &w) -> llvm::Error {
    llvm::Expected<WeightView> view = WeightView::get(index, w);
    if (!view)
      return view.takeError();
    unsigned esz = dtypeSize(view->getDType());
    uint64_t alignment = blobAlignment(esz);
    hex = "\"0x";
    for (int i = 0; i < 4; ++i)
      hex += llvm::utohexstr((alignment >> (8 * i)) & 0xff, false, 2);
    if (auto e = out->write(hex))
      return e;
    bool copyDigits = w.encoding == WeightEncoding::Hex && !w.bitPacked;
    uint64_t n = view->size();
    uint64_t per = std::max<uint64_t>(1, kChunkBytes / esz);
    for (uint64_t first = 0; first < n; first += per) {
      uint64_t count = std::min(per, n - first);
      if (copyDigits) {
        uint64_t at = w.offset + 2 * first * esz;
        if (auto e = copy(at, at + 2 * count * esz))
          return e;
      } else {
        bytes.resize(count * esz);
        view->readBytes(first, count, bytes.data());
        hex = llvm::toHex(bytes);
        if (auto e = out->write(hex))
          return e;
      }
      done += count * esz;
      if (!options.progress.report(done, total, "externalize"))
        return cancelledError();
    }
    return out->write(llvm::StringRef("\""));
  };

  uint64_t pos = 0;
  for (uint32_t c = 0; c < index.chunks.size(); ++c) {
    auto it = moves.find(c);
    if (it == moves.end())
      continue;
    bool anyResource = false;
    for (const Move &m : it->second) {
      if (auto e = copy(pos, m.begin))
        return std::move(e);
      std::string replacement =
          m.toArchive ? "#stream.parameter.named<\"" + options.scope +
                            "\"::\"" + m.key + "\">"
                      : "dense_resource<" + m.key + ">";
      if (auto e = out->write(replacement))
        return std::move(e);
      anyResource |= !m.toArchive;
      pos = m.end;
    }
    if (!anyResource)
      continue;
    // A metadata block of their bytes where the chunk ends: each chunk of a
    // split file is its own module with its own resources.
    uint64_t chunkEnd = index.chunks[c].end;
    if (auto e = copy(pos, chunkEnd))
      return std::move(e);
    pos = chunkEnd;
    std::string open = (chunkEnd && text[chunkEnd - 1] != '\n' ? "\n" : "");
    open += "{-#\n  dialect_resources: {\n    builtin: {\n";
    if (auto e = out->write(open))
      return std::move(e);
    bool first = true;
    for (const Move &m : it->second) {
      if (m.toArchive)
        continue;
      if (auto e = out->write((first ? "      " : ",\n      ") + m.key + ": "))
        return std::move(e);
      first = false;
      if (auto e = writeBlob(*m.weight))
        return std::move(e);
    }
    if (auto e = out->write(llvm::StringRef("\n    }\n  }\n#-}\n")))
      return std::move(e);
  }
  if (auto e = copy(pos, text.size()))
    return std::move(e);
  if (auto e = out->commit())
    return std::move(e);
  return result;
}

llvm::Expected<ExternalizeResult>
mlirscope::externalizeBytecode(const ModelIndex &index, llvm::StringRef outPath,
                               const ExternalizeOptions &options) {
  auto fail = [&](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   index.file->getName() + ": " + msg);
  };
  if (index.format != ModelIndex::Format::Bytecode)
    return fail("not a bytecode model");
  if (!options.archivePath.empty())
    return fail("--archive reads text models (convert bytecode to text "
                "first: mlirscope convert)");
  ExternalizeResult result;
  // What stays inline, and why; keys for the rest, unique among the
  // model's resources.
  llvm::StringSet<> keep, taken;
  for (const Resource &r : index.resources)
    taken.insert(r.key);
  llvm::StringMap<std::string> keys;
  for (const Weight &w : index.weights) {
    if (w.kind != WeightKind::Inline)
      continue;
    std::string why = reasonToKeep(w, options.minBytes, false);
    if (why.empty() && w.bitPacked)
      why = "i1 packed eight per byte (a resource holds one byte each)";
    if (why.empty() && w.encoding != WeightEncoding::Raw)
      why = "not builtin dense elements";
    if (why.empty() && llvm::StringRef(w.opName).starts_with("vhlo."))
      why = "a VHLO tensor (its dialect has no dense_resource)";
    if (!why.empty()) {
      keep.insert(w.name);
      result.kept.emplace_back(w.name, why);
      continue;
    }
    std::string base = resourceKeyFor(w.name), key = base;
    for (unsigned n = 2; !taken.insert(key).second; ++n)
      key = base + "_" + std::to_string(n);
    keys[w.name] = key;
  }
  // First the attribute entries become declarations of new resources...
  RewritePlan declare;
  auto placeholders = planInlinePlaceholders(
      index, 1, declare, &keep,
      [&](const Weight &w) { return keys.lookup(w.name); });
  if (!placeholders)
    return placeholders.takeError();
  if (placeholders->empty()) {
    // Nothing moves: the same bytes.
    if (auto e = rewriteBytecode(index, outPath, RewritePlan(),
                                 options.progress))
      return std::move(e);
    return result;
  }
  // (The intermediate file holds the IR and the model's own resources, not
  // the inline weights: those are no longer in its attribute section.)
  llvm::SmallString<128> declared;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "mlirscope-externalize", "mlirbc", declared))
    return fail("cannot create a temporary file: " + ec.message());
  if (auto e = rewriteBytecode(index, declared, declare)) {
    llvm::sys::fs::remove(declared);
    return std::move(e);
  }
  auto declaredIndex = indexFile(declared);
  if (!declaredIndex) {
    llvm::sys::fs::remove(declared);
    return declaredIndex.takeError();
  }
  // ...then each declaration gets its weight's bytes from the source.
  RewritePlan fill;
  for (const InlinePlaceholder &p : *placeholders) {
    const Weight &w = *p.weight;
    uint64_t alignment =
        blobAlignment(w.type ? w.type->element.storageBits() / 8 : 1);
    fill.replace[p.key] =
        ExternalBlob{index.file->getName(), w.offset, w.size, alignment, {}};
    result.moved.emplace_back(w.name, p.key);
  }
  llvm::Error e = rewriteBytecode(**declaredIndex, outPath, fill,
                                  options.progress);
  declaredIndex->reset();
  llvm::sys::fs::remove(declared);
  if (e)
    return std::move(e);
  return result;
}
