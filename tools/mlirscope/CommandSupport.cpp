//===- CommandSupport.cpp - What every subcommand does the same way -------===//

#include "Commands.h"

#include "mlirscope/Index/Index.h"
#include "mlirscope/Index/Parameters.h"
#include "mlirscope/Support/CountingSource.h"
#include "mlirscope/Support/FaultGuard.h"
#include "mlirscope/Support/MappedFile.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>

using namespace mlirscope;
using namespace mlirscope::cli;
namespace cl = llvm::cl;

const char *const mlirscope::cli::kChunkHelp =
    "For a text file split by `// -----` lines: the Nth module (1 is the "
    "first)";

/// The command being parsed, for messages printed while llvm::cl parses: an
/// option may belong to several subcommands.
llvm::StringRef mlirscope::cli::activeCommand() {
  for (cl::SubCommand *sub : cl::getRegisteredSubcommands())
    if (*sub && sub != &cl::SubCommand::getTopLevel())
      return sub->getName();
  return "";
}

bool NumberParser::parse(cl::Option &option, llvm::StringRef argName,
                         llvm::StringRef arg, unsigned &value) {
  if (!arg.getAsInteger(10, value))
    return false;
  llvm::errs() << "mlirscope " << activeCommand() << ": --" << argName
               << " needs a number\n";
  return true;
}

bool ChunkParser::parse(cl::Option &option, llvm::StringRef argName,
                        llvm::StringRef arg, unsigned &value) {
  if (!arg.getAsInteger(10, value) && value != 0)
    return false;
  llvm::errs() << "mlirscope " << activeCommand() << ": --" << argName
               << " needs a chunk number (1 is the first)\n";
  return true;
}

bool mlirscope::cli::reportUnknownOption(llvm::StringRef cmd,
                                         const cl::list<std::string> &unknown) {
  if (unknown.empty())
    return false;
  llvm::StringRef arg = unknown.front();
  // Commands that take --chunk define it; to the others it is unknown, but
  // deserves the reason.
  if (arg == "--chunk" || arg.starts_with("--chunk="))
    llvm::errs() << "mlirscope " << cmd << ": --chunk is not supported: " << cmd
                 << " works on whole files\n";
  else
    llvm::errs() << "mlirscope " << cmd << ": unknown option '" << arg
                 << "' (see mlirscope " << cmd << " --help)\n";
  return true;
}

namespace {
/// cl::sub for several subcommands chosen at run time (cl::sub takes one).
struct SubCommands {
  std::initializer_list<cl::SubCommand *> subs;
  template <class Opt> void apply(Opt &o) const {
    for (cl::SubCommand *s : subs)
      o.addSubCommand(*s);
  }
};
} // namespace

WeightOptions::WeightOptions(std::initializer_list<cl::SubCommand *> subs)
    : parameters("parameters",
                 cl::desc("Bind the parameter archive FILE (.irpa, "
                          ".safetensors, .gguf) to the model's "
                          "#stream.parameter.named references of SCOPE, as "
                          "iree-run-module does (repeatable)"),
                 cl::value_desc("[SCOPE=]FILE"), SubCommands{subs}),
      minInlineBytes("min-inline-bytes",
                     cl::desc("List inline elements attributes of at least "
                              "this many bytes as weights (smaller ones are "
                              "counted; default 1024)"),
                     cl::value_desc("number"),
                     cl::init(unsigned(IndexOptions().minInlineBytes)),
                     SubCommands{subs}) {}

void WeightOptions::apply(IndexOptions &options, bool byName) const {
  for (const std::string &p : parameters)
    options.parameters.push_back(parseParameterOption(p));
  options.minInlineBytes =
      byName && !minInlineBytes.getNumOccurrences() ? 0 : minInlineBytes;
}

SplitFiles mlirscope::cli::chunkOf(const ChunkOption &chunk, bool whole) {
  SplitFiles split;
  if (chunk.getNumOccurrences())
    split.chunk = chunk - 1;
  split.takesChunk = true;
  split.whole = whole;
  return split;
}

/// For tests: the model read through a source that is not memory and
/// counts what is read (CountingSource.h), the counts printed to stderr at
/// exit.
static cl::opt<std::string>
    readThrough("read-through", cl::Hidden,
                cl::desc("Read models through another source: 'counting'"),
                cl::sub(cl::SubCommand::getAll()));

static llvm::Expected<std::unique_ptr<ModelIndex>>
indexModel(llvm::StringRef path, const IndexOptions &options) {
  if (readThrough.empty())
    return indexFile(path, options);
  if (readThrough != "counting")
    return llvm::createStringError("--read-through: 'counting', got '" +
                                   readThrough + "'");
  auto file = MappedFile::open(path);
  if (!file)
    return file.takeError();
  static std::vector<std::shared_ptr<CountingSource>> counted;
  if (counted.empty())
    std::atexit([] {
      for (auto &c : counted)
        std::fprintf(stderr, "read-through: %s: %s\n", c->getName().c_str(),
                     c->countsText().c_str());
    });
  counted.push_back(
      std::make_shared<CountingSource>(std::shared_ptr<ByteSource>(
          std::move(*file))));
  return indexMapped(counted.back(), options);
}

std::unique_ptr<ModelIndex>
mlirscope::cli::openModel(llvm::StringRef cmd, llvm::StringRef path,
                          const WeightOptions &weights,
                          const SplitFiles &split) {
  IndexOptions options;
  options.chunk = split.chunk;
  weights.apply(options, split.byName);
  auto index = indexModel(path, options);
  if (!index) {
    llvm::errs() << "mlirscope: " << llvm::toString(index.takeError()) << "\n";
    return nullptr;
  }
  if ((*index)->isSplit() && !split.chunk && !split.whole) {
    llvm::errs() << "mlirscope " << cmd << ": " << path << ": a split file of "
                 << (*index)->chunks.size()
                 << " modules (separated by '// -----'); "
                 << (split.takesChunk ? "choose one with --chunk N"
                                      : cmd.str() + " works on one module")
                 << "\n";
    return nullptr;
  }
  return std::move(*index);
}

/// Up to five names of `index` close to `name`: those containing it (any
/// case), then those a few edits away, nearest first.
static std::vector<std::string> closeNames(const ModelIndex &index,
                                           llvm::StringRef name) {
  std::vector<std::pair<unsigned, std::string>> found;
  std::string lower = name.lower();
  unsigned limit = std::max<unsigned>(2, name.size() / 3);
  auto consider = [&](llvm::StringRef candidate) {
    if (candidate.empty())
      return;
    unsigned d = llvm::StringRef(candidate.lower()).contains(lower)
                     ? 0
                     : name.edit_distance(candidate, true, limit + 1);
    if (d <= limit)
      found.emplace_back(d, candidate.str());
  };
  for (const Weight &w : index.weights)
    consider(w.name);
  for (const Resource &r : index.resources)
    if (!index.findWeight(r.key))
      consider(r.key);
  std::stable_sort(found.begin(), found.end(),
                   [](auto &a, auto &b) { return a.first < b.first; });
  std::vector<std::string> out;
  for (auto &f : found)
    if (out.size() < 5 && llvm::find(out, f.second) == out.end())
      out.push_back(f.second);
  return out;
}

const Weight *mlirscope::cli::findWeightOrReport(llvm::StringRef cmd,
                                                 const ModelIndex &index,
                                                 llvm::StringRef name) {
  if (const Weight *w = index.findWeight(name))
    return w;
  llvm::errs() << "mlirscope " << cmd << ": " << index.file->getName()
               << ": no weight '" << name << "'";
  std::vector<std::string> close = closeNames(index, name);
  if (!close.empty()) {
    llvm::errs() << "; did you mean ";
    for (size_t i = 0; i < close.size(); ++i)
      llvm::errs() << (i ? ", " : "") << "'" << close[i] << "'";
    llvm::errs() << "?";
  } else {
    llvm::errs() << " (mlirscope inspect --weights FILE lists them)";
  }
  llvm::errs() << "\n";
  return nullptr;
}

std::optional<WeightView> mlirscope::cli::openWeight(llvm::StringRef cmd,
                                                     const ModelIndex &index,
                                                     llvm::StringRef name) {
  const std::string &path = index.file->getName();
  const Weight *w = index.findWeight(name);
  const Resource *r = w ? nullptr : index.findResource(name);
  if (!w && !r) {
    findWeightOrReport(cmd, index, name);
    return std::nullopt;
  }
  auto view = w ? WeightView::get(index, *w) : WeightView::get(index, *r);
  if (!view) {
    llvm::errs() << "mlirscope " << cmd << ": " << path << ": "
                 << llvm::toString(view.takeError()) << "\n";
    return std::nullopt;
  }
  return *view;
}

std::string mlirscope::cli::weightTypeText(const Weight &w) {
  if (!w.type)
    return "?";
  return w.type->element.name + "[" + w.type->shapeString() + "]";
}

std::string mlirscope::cli::weightPlace(const ModelIndex &index,
                                        const Weight &w) {
  if (w.kind == WeightKind::Parameter) {
    if (w.archive < index.archives.size())
      return index.archives[w.archive].path + " @" + std::to_string(w.offset);
    bool scopeBound = llvm::any_of(index.archives, [&](const BoundArchive &a) {
      return a.scope == w.scope;
    });
    return scopeBound ? "not in its scope's archives" : "not bound";
  }
  return weightEncodingName(w.encoding).str() + " @" + std::to_string(w.offset);
}

/// printFileChanged has printed its line: the errors that follow the fault
/// are not printed (reportError). Not faultWasReported(): a refused save
/// notes the fault too, but its error is the line still to print.
static bool fileChangedPrinted = false;

void mlirscope::cli::printFileChanged(llvm::StringRef cmd,
                                      llvm::StringRef consequence) {
  noteFaultReported();
  fileChangedPrinted = true;
  llvm::errs() << "mlirscope " << cmd << ": " << describeFault() << ": "
               << kFileChangedWhileRead << consequence << "\n";
}

bool mlirscope::cli::fileChangedWasPrinted() { return fileChangedPrinted; }

bool mlirscope::cli::reportFileChanged(llvm::StringRef cmd,
                                       uint64_t faultsBefore) {
  if (faultCount() == faultsBefore)
    return false;
  if (!fileChangedPrinted)
    printFileChanged(cmd);
  return true;
}

int mlirscope::cli::reportError(llvm::StringRef cmd, llvm::Error e) {
  if (fileChangedPrinted) {
    llvm::consumeError(std::move(e));
    return kBadInput;
  }
  llvm::errs() << "mlirscope " << cmd << ": " << llvm::toString(std::move(e))
               << "\n";
  return kBadInput;
}
