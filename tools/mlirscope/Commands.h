//===- Commands.h - mlirscope subcommands -----------------------*- C++ -*-===//
//
// Each subcommand is one function taking its own arguments (argv after the
// subcommand name) and returning the process exit code:
//   0 success, 1 usage error, 2 bad input (malformed or unreadable file).
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_TOOLS_COMMANDS_H
#define MLIRSCOPE_TOOLS_COMMANDS_H

#include "mlirscope/Blob/BlobView.h"
#include "mlirscope/Index/Summary.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <string>

namespace mlirscope::cli {

enum ExitCode : int { kOk = 0, kUsage = 1, kBadInput = 2 };

int runInspect(llvm::ArrayRef<const char *> args);
int runStats(llvm::ArrayRef<const char *> args);
int runExtract(llvm::ArrayRef<const char *> args);
int runSet(llvm::ArrayRef<const char *> args);
int runReplace(llvm::ArrayRef<const char *> args);
int runRewrite(llvm::ArrayRef<const char *> args);
int runStrip(llvm::ArrayRef<const char *> args);
int runAttach(llvm::ArrayRef<const char *> args);
int runDiff(llvm::ArrayRef<const char *> args);
int runConvert(llvm::ArrayRef<const char *> args);
int runGraph(llvm::ArrayRef<const char *> args);

/// Human-readable summary.
void printSummaryText(const ModelIndex &index, const ModelSummary &summary,
                      llvm::raw_ostream &os);
/// Every op with its details (`inspect --ops`), as text or JSON lines.
void printOps(const ModelIndex &index, bool json, llvm::raw_ostream &os);

/// When a mapped file shrank since `faultsBefore` (FaultGuard.h), prints
/// the one-line error of command `cmd` and returns true: what was read holds
/// zeros, so the caller must print nothing of it.
bool reportFileChanged(llvm::StringRef cmd, uint64_t faultsBefore);
/// That one-line error itself, with `consequence` appended.
void printFileChanged(llvm::StringRef cmd, llvm::StringRef consequence = "");

/// What `main` knows of the running command that opening a model needs.
struct CommandContext {
  std::string name;
  /// `--chunk N` (0-based here), for text files split by `// -----`.
  std::optional<uint32_t> chunk;
  /// The command accepts --chunk; inspect also reads whole split files.
  bool takesChunk = false, allowsSplit = false;
};
CommandContext &commandContext();

/// Indexes `path`; on failure prints the one-line error
/// (`mlirscope: FILE: offset N: expected X`) and returns null. A text file
/// split by `// -----` holds several modules: with --chunk only that chunk is
/// indexed; without, commands other than inspect refuse it with one line
/// (they change or look up one module's resources, and keys may repeat
/// across chunks).
std::unique_ptr<ModelIndex> openModel(llvm::StringRef path);

/// The typed view of blob `key`; on failure prints
/// `mlirscope CMD: FILE: why` and returns nullopt.
std::optional<BlobView> openBlob(llvm::StringRef cmd, const ModelIndex &index,
                                 llvm::StringRef key);

/// True if `--help` or `-h` is among `args`.
bool wantsHelp(llvm::ArrayRef<const char *> args);

/// "1.5 MiB" style sizes.
std::string formatBytes(uint64_t bytes);

} // namespace mlirscope::cli

#endif // MLIRSCOPE_TOOLS_COMMANDS_H
