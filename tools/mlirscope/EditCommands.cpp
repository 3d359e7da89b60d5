//===- EditCommands.cpp - `mlirscope set` and `mlirscope replace` ---------===//
//
// Same-size edits, written into the model file under core's undo journal.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "ProgressLine.h"

#include "mlirscope/Edit/Convert.h"
#include "mlirscope/Edit/Editor.h"
#include "mlirscope/Blob/Npy.h"
#include "mlirscope/Edit/Rewrite.h"
#include "mlirscope/Index/Summary.h"
#include "mlirscope/Model/TypeText.h"
#include "mlirscope/Support/MappedFile.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlirscope;
using namespace mlirscope::cli;
namespace cl = llvm::cl;

namespace {

/// A model and one of its weights, which can be rewritten in place.
struct Target {
  std::unique_ptr<ModelIndex> index;
  std::optional<WeightView> view;
};

/// Opens weight `name` of model `path` for an in-place edit; prints why not
/// (canEditInPlace: a literal list, a splat, packed bits, an archive entry)
/// and returns nullopt, the file untouched.
std::optional<Target> openTarget(llvm::StringRef cmd, llvm::StringRef path,
                                 llvm::StringRef name,
                                 const WeightOptions &weights,
                                 const SplitFiles &split) {
  if (refuseRemoteEdit(cmd, path, name))
    return std::nullopt;
  Target t;
  SplitFiles byName = split;
  byName.byName = true;
  t.index = openModel(cmd, path, weights, byName);
  if (!t.index)
    return std::nullopt;
  t.view = openWeight(cmd, *t.index, name);
  if (!t.view)
    return std::nullopt;
  if (llvm::Error e = canEditInPlace(*t.view)) {
    llvm::errs() << "mlirscope " << cmd << ": " << path << ": "
                 << llvm::toString(std::move(e)) << "\n";
    return std::nullopt;
  }
  return t;
}

} // namespace

static cl::SubCommand setSub("set", "One element, in place, crash-safe");

static ChunkOption setChunk("chunk", cl::desc(kChunkHelp), cl::value_desc("N"),
                            cl::sub(setSub));
static cl::list<std::string> setPositional(cl::Positional,
                                           cl::desc("FILE NAME INDEX VALUE"),
                                           cl::sub(setSub));
// A VALUE such as -7.5 looks like an option to llvm::cl, which passes it
// here (with its position) rather than to setPositional.
static cl::list<std::string> setDashed(cl::Sink, cl::sub(setSub));
static WeightOptions setWeightOptions({&setSub});

static int runSet() {
  // Both lists in command-line order.
  std::vector<std::pair<unsigned, llvm::StringRef>> ordered;
  for (unsigned i = 0; i < setPositional.size(); ++i)
    ordered.emplace_back(setPositional.getPosition(i), setPositional[i]);
  for (unsigned i = 0; i < setDashed.size(); ++i)
    ordered.emplace_back(setDashed.getPosition(i), setDashed[i]);
  llvm::sort(ordered);
  if (ordered.size() != 4) {
    llvm::errs() << "mlirscope set: expected FILE NAME INDEX VALUE\n";
    return kUsage;
  }
  std::string args[4];
  for (unsigned i = 0; i < 4; ++i)
    args[i] = ordered[i].second.str();
  auto t =
      openTarget("set", args[0], args[1], setWeightOptions, chunkOf(setChunk));
  if (!t)
    return kBadInput;
  auto flat = t->view->parseIndex(args[2]);
  if (!flat) {
    llvm::errs() << "mlirscope set: " << args[0] << ": " << args[1] << ": "
                 << llvm::toString(flat.takeError()) << "\n";
    return kBadInput;
  }
  auto bytes = encodeElement(t->view->getDType(), args[3]);
  if (!bytes) {
    llvm::errs() << "mlirscope set: " << args[0] << ": " << args[1] << ": "
                 << llvm::toString(bytes.takeError()) << "\n";
    return kBadInput;
  }
  FileRange range =
      encodeForFile(*t->view, *flat * dtypeSize(t->view->getDType()), *bytes);
  auto editor = InPlaceEditor::open(*t->index);
  if (!editor) {
    llvm::errs() << "mlirscope set: " << llvm::toString(editor.takeError())
                 << "\n";
    return kBadInput;
  }
  if (auto e = editor->write(range.offset, range.bytes)) {
    llvm::errs() << "mlirscope set: " << llvm::toString(std::move(e)) << "\n";
    return kBadInput;
  }
  return kOk;
}

/// The MLIR element type numpy's descriptor names, or empty.
static std::string elementTypeForNpy(std::string descr) {
  if (!descr.empty() && (descr[0] == '|' || descr[0] == '='))
    descr[0] = '<';
  static const std::pair<const char *, const char *> table[] = {
      {"<f2", "f16"},          {"<f4", "f32"},          {"<f8", "f64"},
      {"<b1", "i1"},           {"<i1", "i8"},           {"<i2", "i16"},
      {"<i4", "i32"},          {"<i8", "i64"},          {"<u1", "ui8"},
      {"<u2", "ui16"},         {"<u4", "ui32"},         {"<u8", "ui64"},
      {"<c8", "complex<f32>"}, {"<c16", "complex<f64>"}};
  for (auto &[d, t] : table)
    if (descr == d)
      return t;
  return "";
}

/// `replace FILE KEY DATA.npy -o OUT [--type T]`: a new file, where the
/// blob's type may change (the IR goes through MLIR and must still verify).
static int replaceToNewFile(llvm::StringRef path, llvm::StringRef key,
                            llvm::StringRef npyPath, llvm::StringRef out,
                            std::string type, const WeightOptions &weights,
                            const SplitFiles &split) {
  // The new file keeps the model's other blobs, which a remote model has
  // only in memory: make the local copy first, as for an in-place replace.
  if (refuseRemoteEdit("replace", path, key))
    return kBadInput;
  SplitFiles byName = split;
  byName.byName = true;
  std::unique_ptr<ModelIndex> index =
      openModel("replace", path, weights, byName);
  if (!index)
    return kBadInput;
  const Weight *w = findWeightOrReport("replace", *index, key);
  if (!w)
    return kBadInput;
  // The rewrite re-emits resource sections; an inline attribute or an
  // archive entry is not in one.
  const Resource *r = w->kind == WeightKind::Resource
                          ? &index->resources[w->resource]
                          : nullptr;
  if (!r || !r->isDialectGroup || r->kind != ResourceKind::Blob) {
    llvm::errs() << "mlirscope replace: " << path << ": '" << key << "' is "
                 << (w->kind == WeightKind::Inline      ? "an inline weight"
                     : w->kind == WeightKind::Parameter ? "a parameter"
                                                        : "not a dialect blob")
                 << "; -o replaces resource blobs only (without -o, in "
                    "place, it keeps its dtype and shape)\n";
    return kBadInput;
  }
  auto npyFile = MappedFile::open(npyPath);
  if (!npyFile) {
    llvm::errs() << "mlirscope replace: " << llvm::toString(npyFile.takeError())
                 << "\n";
    return kBadInput;
  }
  auto header = parseNpyHeader((*npyFile)->bytes(), npyPath);
  if (!header) {
    llvm::errs() << "mlirscope replace: " << llvm::toString(header.takeError())
                 << "\n";
    return kBadInput;
  }
  if (header->fortranOrder) {
    llvm::errs() << "mlirscope replace: " << npyPath
                 << ": Fortran order is not supported\n";
    return kBadInput;
  }
  if (type.empty()) {
    std::string element = elementTypeForNpy(header->descr);
    if (element.empty()) {
      llvm::errs() << "mlirscope replace: " << npyPath << ": no MLIR type for "
                   << "numpy dtype '" << header->descr << "' (use --type)\n";
      return kBadInput;
    }
    type = formatTensorType("tensor", true, header->shape, element);
  }
  std::optional<TensorType> parsed = parseShapedTypeText(type);
  std::optional<uint64_t> need =
      parsed ? expectedBlobSize(*parsed) : std::nullopt;
  uint64_t have = (*npyFile)->size() - header->dataOffset;
  if (!need || *need != have) {
    llvm::errs() << "mlirscope replace: " << npyPath << ": " << have
                 << " bytes of data, but " << type << " needs "
                 << (need ? std::to_string(*need) : std::string("?")) << "\n";
    return kBadInput;
  }
  uint64_t alignment = std::max<uint64_t>(
      1, dtypeSize(dtypeFor(parsed->element)) /
             (parsed->element.kind == ElementType::Kind::Complex ? 2 : 1));
  ExternalBlob data{npyPath.str(), header->dataOffset, have, alignment,
                    nullptr};
  ProgressLine progress("replace " + key.str());
  mlirscope::Progress onProgress = progress.callback();
  llvm::Error e = llvm::Error::success();
  if (r->type && r->type->text == parsed->text) {
    // Same type: no IR change, only the blob moves in.
    RewritePlan plan;
    plan.replace[key] = data;
    e = rewriteBytecode(*index, out, plan, onProgress);
  } else {
    e = replaceWithNewType(*index, key, type, data, out, onProgress);
  }
  if (e)
    return reportError("replace", std::move(e));
  return kOk;
}

static cl::SubCommand
    replaceSub("replace", "A whole blob from a .npy file: in place, of the "
                          "same dtype and shape, or into a new file (-o)");

static cl::opt<std::string>
    replaceOut("o",
               cl::desc("Write a new file (bytecode models), where the "
                        "blob's type may change"),
               cl::value_desc("path"), cl::sub(replaceSub));
static cl::opt<std::string>
    replaceType("type",
                cl::desc("The blob's new type (e.g. tensor<4x4xbf16>; "
                         "default: the npy's dtype and shape); needs -o"),
                cl::value_desc("type"), cl::sub(replaceSub));
static ChunkOption replaceChunk("chunk", cl::desc(kChunkHelp),
                                cl::value_desc("N"), cl::sub(replaceSub));
static cl::list<std::string> replacePositional(cl::Positional,
                                               cl::desc("FILE NAME DATA.npy"),
                                               cl::sub(replaceSub));
static cl::list<std::string> replaceUnknown(cl::Sink, cl::sub(replaceSub));
static WeightOptions replaceWeightOptions({&replaceSub});

static int runReplace() {
  if (reportUnknownOption("replace", replaceUnknown))
    return kUsage;
  if (!replaceType.empty() && replaceOut.empty()) {
    llvm::errs() << "mlirscope replace: --type needs -o OUT\n";
    return kUsage;
  }
  llvm::ArrayRef<std::string> args = replacePositional;
  if (args.size() != 3) {
    llvm::errs() << "mlirscope replace: expected FILE NAME DATA.npy\n";
    return kUsage;
  }
  if (!replaceOut.empty())
    return replaceToNewFile(args[0], args[1], args[2], replaceOut, replaceType,
                            replaceWeightOptions, chunkOf(replaceChunk));
  auto t = openTarget("replace", args[0], args[1], replaceWeightOptions,
                      chunkOf(replaceChunk));
  if (!t)
    return kBadInput;
  auto npyFile = MappedFile::open(args[2]);
  if (!npyFile) {
    llvm::errs() << "mlirscope replace: " << llvm::toString(npyFile.takeError())
                 << "\n";
    return kBadInput;
  }
  auto header = parseNpyHeader((*npyFile)->bytes(), args[2]);
  if (!header) {
    llvm::errs() << "mlirscope replace: " << llvm::toString(header.takeError())
                 << "\n";
    return kBadInput;
  }
  DType dtype = t->view->getDType();
  // '|', '<' and '=' mean the same for one-byte types on this host.
  auto norm = [](std::string d) {
    if (!d.empty() && (d[0] == '|' || d[0] == '='))
      d[0] = '<';
    return d;
  };
  std::string want = npyDescrFor(dtype);
  if (norm(header->descr) != norm(want) ||
      header->shape != std::vector<int64_t>(t->view->getShape().begin(),
                                            t->view->getShape().end()) ||
      header->fortranOrder) {
    std::string shape;
    for (int64_t d : header->shape)
      shape += (shape.empty() ? "" : "x") + std::to_string(d);
    llvm::errs() << "mlirscope replace: " << args[0] << ": " << args[2]
                 << " holds " << header->descr << "[" << shape << "]"
                 << (header->fortranOrder ? " in Fortran order" : "")
                 << ", but " << args[1] << " is "
                 << t->view->getWeight().type->text << " (npy '" << want
                 << "', C order)\n";
    return kBadInput;
  }
  uint64_t bytes = t->view->sizeInBytes();
  if ((*npyFile)->size() - header->dataOffset != bytes) {
    llvm::errs() << "mlirscope replace: " << args[2] << ": expected " << bytes
                 << " bytes of data after the header, found "
                 << (*npyFile)->size() - header->dataOffset << "\n";
    return kBadInput;
  }
  auto editor = InPlaceEditor::open(*t->index);
  if (!editor) {
    llvm::errs() << "mlirscope replace: " << llvm::toString(editor.takeError())
                 << "\n";
    return kBadInput;
  }
  const uint8_t *src = (*npyFile)->data() + header->dataOffset;
  const Weight &w = t->view->getWeight();
  ProgressLine progress("replace " + w.name);
  if (auto e = editor->writeWeight(w, llvm::ArrayRef<uint8_t>(src, bytes),
                                 progress.callback())) {
    llvm::errs() << "mlirscope replace: " << llvm::toString(std::move(e))
                 << "\n";
    return kBadInput;
  }
  return kOk;
}

const Command mlirscope::cli::setCommand{
    setSub,
    "Sets one element of weight NAME in place: a resource blob (its key),\n"
    "or an inline attribute stored as hex or raw bytes (`inspect --weights`\n"
    "lists the names). INDEX is \"i,j,k\" (or one flat index); VALUE is a\n"
    "number, true/false for i1, (re,im) for complex. Literal lists,\n"
    "splats and archive entries are refused (their size would change, or\n"
    "they are in another file). The write is guarded by an undo journal\n"
    "(FILE.mlirscope-journal), so a crash leaves the old or the new\n"
    "content, never a mix.\n",
    runSet};

const Command mlirscope::cli::replaceCommand{
    replaceSub,
    "Replaces weight NAME with the contents of DATA.npy. In place, the\n"
    "dtype and shape must match the IR's type for NAME (bf16 as uint16\n"
    "bits), hex text is rewritten digit for digit, and the write is guarded\n"
    "by an undo journal; literal lists, splats and archive entries are\n"
    "refused. With -o (bytecode models, resource blobs),\n"
    "a new file is written and the type may change: the npy's dtype and\n"
    "shape, or --type (e.g. tensor<4x4xbf16>), become the type of the\n"
    "dense_resource attributes and of the constants producing them; the\n"
    "IR goes through MLIR and must still verify.\n\n"
    "  mlirscope replace FILE NAME DATA.npy\n"
    "  mlirscope replace FILE NAME DATA.npy -o OUT [--type TYPE]\n",
    runReplace};
