//===- CommandSupport.cpp - What every subcommand does the same way -------===//

#include "Commands.h"
#include "ProgressLine.h"

#include "mlirscope/Index/CloseNames.h"
#include "mlirscope/Index/Index.h"
#include "mlirscope/Index/Parameters.h"
#include "mlirscope/Remote/Remote.h"
#include "mlirscope/Support/CountingSource.h"
#include "mlirscope/Support/FaultGuard.h"
#include "mlirscope/Support/MappedFile.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <atomic>
#include <csignal>
#include <set>

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

static cl::opt<bool>
    verbose("verbose",
            cl::desc("For models and archives given as URLs: print the "
                     "bytes fetched, requests, round trips and cache hits "
                     "on stderr"),
            cl::sub(cl::SubCommand::getAll()));

namespace {
/// A URL the command read and what it cost.
struct RemoteUse {
  std::string url;
  std::shared_ptr<RemoteCounters> counters;
};
std::vector<RemoteUse> remoteUses;
/// Set by Ctrl-C while a URL is fetched: the transfers stop at once.
std::atomic<bool> fetchInterrupted{false};
} // namespace

RemoteOptions mlirscope::cli::remoteOptionsFor(llvm::StringRef url) {
  RemoteOptions o = RemoteOptions::fromEnvironment();
  o.counters = std::make_shared<RemoteCounters>();
  o.progress = mlirscope::Progress(&fetchInterrupted);
  remoteUses.push_back({url.str(), o.counters});
  return o;
}

void mlirscope::cli::printRemoteCounters() {
  if (!verbose)
    return;
  // After the answer, not interleaved with it.
  llvm::outs().flush();
  for (const RemoteUse &use : remoteUses)
    llvm::errs() << "mlirscope: " << use.url << ": "
                 << formatCounters(*use.counters) << "\n";
}

bool mlirscope::cli::refuseRemoteEdit(llvm::StringRef cmd,
                                      llvm::StringRef path,
                                      llvm::StringRef name) {
  if (!isUrl(path))
    return false;
  // Said before anything is fetched: the edit could never be written back.
  llvm::errs() << "mlirscope " << cmd << ": " << path << ": '" << name
               << "' cannot be edited in place: the model is remote; make a "
                  "local copy first (mlirscope rewrite "
               << path << " -o local.mlirbc) and edit that\n";
  return true;
}

/// indexFile for `path`, a file or a URL; a URL's fetch shows a progress
/// line and stops on Ctrl-C.
static llvm::Expected<std::unique_ptr<ModelIndex>>
indexPathOrUrl(llvm::StringRef path, const IndexOptions &options) {
  if (!isUrl(path))
    return indexFile(path, options);
  RemoteOptions remote = remoteOptionsFor(path);
  ProgressLine line("fetch");
  // The transport reports bytes with no total; the whole-object fetch
  // reports them against the object's size, which the line shows.
  remote.progress = mlirscope::Progress(
      [&line](uint64_t done, uint64_t total) {
        return !total || line.update(done, total);
      },
      &fetchInterrupted);
  fetchInterrupted = false;
  auto oldHandler =
      std::signal(SIGINT, [](int) { fetchInterrupted = true; });
  auto index = indexFile(path, options, remote);
  std::signal(SIGINT, oldHandler);
  return index;
}

/// For tests: the model read through a source that is not memory and
/// counts what is read (CountingSource.h), the counts printed to stderr at
/// exit.
static cl::opt<std::string>
    readThrough("read-through", cl::Hidden,
                cl::desc("Read models through another source: 'counting'"),
                cl::sub(cl::SubCommand::getAll()));

/// For tests: text read by the lexical scan alone (what the language server
/// does and what a chunk MLIR cannot parse gets), so that its graph can be
/// compared with the parsed one on files MLIR can parse.
static cl::opt<bool>
    lexicalOnly("lexical", cl::Hidden,
                cl::desc("Read MLIR text without MLIR's parser"),
                cl::sub(cl::SubCommand::getAll()));

static llvm::Expected<std::unique_ptr<ModelIndex>>
indexModel(llvm::StringRef path, const IndexOptions &givenOptions) {
  IndexOptions options = givenOptions;
  if (lexicalOnly)
    options.parseWithMLIR = false;
  if (readThrough.empty())
    return indexPathOrUrl(path, options);
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

/// --verbose on a model read from a URL whose parameter scopes no
/// --parameters names: the archives the store has beside it (the names
/// mlirscope-lsp would bind them from), as the --parameters to give.
static void reportArchivesBeside(
    const ModelIndex &index, llvm::StringRef url,
    llvm::ArrayRef<std::pair<std::string, std::string>> parameters) {
  std::set<std::string> scopes;
  for (const Weight &w : index.weights)
    if (w.kind == WeightKind::Parameter &&
        llvm::none_of(parameters,
                      [&](const auto &p) { return p.first == w.scope; }))
      scopes.insert(w.scope);
  if (scopes.empty())
    return;
  auto found = findArchivesBeside(
      url, std::vector<std::string>(scopes.begin(), scopes.end()),
      remoteOptionsFor(url.str() + " (archives beside it)"));
  llvm::errs() << "mlirscope: " << url << ": ";
  if (!found) {
    llvm::errs() << llvm::toString(found.takeError()) << "\n";
    return;
  }
  if (found->empty()) {
    llvm::errs() << "no parameter archive found beside it\n";
    return;
  }
  llvm::errs() << "parameter archives beside it (bind with --parameters "
                  "SCOPE=URL):";
  for (const std::string &archive : *found)
    llvm::errs() << " " << archive;
  llvm::errs() << "\n";
}

std::unique_ptr<ModelIndex>
mlirscope::cli::openModel(llvm::StringRef cmd, llvm::StringRef path,
                          const WeightOptions &weights,
                          const SplitFiles &split) {
  IndexOptions options;
  options.chunk = split.chunk;
  weights.apply(options, split.byName);
  // Archives are bound here, so that those named by URL get the command's
  // remote options (counters, Ctrl-C).
  auto parameters = std::move(options.parameters);
  options.parameters.clear();
  auto index = indexModel(path, options);
  if (index && !parameters.empty())
    if (llvm::Error e = bindParameters(**index, parameters, remoteOptionsFor))
      index = std::move(e);
  if (!index) {
    llvm::errs() << "mlirscope: " << llvm::toString(index.takeError()) << "\n";
    return nullptr;
  }
  if (verbose && isUrl(path))
    reportArchivesBeside(**index, path, parameters);
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

const Weight *mlirscope::cli::findWeightOrReport(llvm::StringRef cmd,
                                                 const ModelIndex &index,
                                                 llvm::StringRef name) {
  if (const Weight *w = index.findWeight(name))
    return w;
  llvm::errs() << "mlirscope " << cmd << ": " << index.file->getName()
               << ": no weight '" << name << "'";
  std::vector<std::string> close = closeWeightNames(index, name);
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
