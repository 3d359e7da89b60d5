//===- CommandSupport.cpp - What every subcommand does the same way -------===//

#include "Commands.h"

#include "mlirscope/Index/Index.h"
#include "mlirscope/Support/FaultGuard.h"

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

SplitFiles mlirscope::cli::chunkOf(const ChunkOption &chunk, bool whole) {
  SplitFiles split;
  if (chunk.getNumOccurrences())
    split.chunk = chunk - 1;
  split.takesChunk = true;
  split.whole = whole;
  return split;
}

std::unique_ptr<ModelIndex> mlirscope::cli::openModel(llvm::StringRef cmd,
                                                      llvm::StringRef path,
                                                      const SplitFiles &split) {
  IndexOptions options;
  options.chunk = split.chunk;
  auto index = indexFile(path, options);
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

std::optional<WeightView> mlirscope::cli::openBlob(llvm::StringRef cmd,
                                                 const ModelIndex &index,
                                                 llvm::StringRef key) {
  const std::string &path = index.file->getName();
  const Resource *r = index.findResource(key);
  if (!r) {
    llvm::errs() << "mlirscope " << cmd << ": " << path << ": no resource '"
                 << key << "'\n";
    return std::nullopt;
  }
  auto view = WeightView::get(index, *r);
  if (!view) {
    llvm::errs() << "mlirscope " << cmd << ": " << path << ": "
                 << llvm::toString(view.takeError()) << "\n";
    return std::nullopt;
  }
  return *view;
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
