//===- Commands.h - mlirscope subcommands -----------------------*- C++ -*-===//
//
// Each subcommand is a cl::SubCommand defined, with its options, in its own
// file; main parses the command line once with llvm::cl and runs the chosen
// command, whose run function returns the process exit code:
//   0 success, 1 usage error, 2 bad input (malformed or unreadable file).
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_TOOLS_COMMANDS_H
#define MLIRSCOPE_TOOLS_COMMANDS_H

#include "mlirscope/Support/Format.h"
#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Index/Summary.h"
#include "mlirscope/Remote/Remote.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/raw_ostream.h"

#include <memory>
#include <optional>
#include <string>

namespace mlirscope::cli {

enum ExitCode : int { kOk = 0, kUsage = 1, kBadInput = 2 };

/// A subcommand: its cl::SubCommand (which its options name with cl::sub)
/// and what runs it once llvm::cl has filled them in.
struct Command {
  llvm::cl::SubCommand &sub;
  /// The OVERVIEW of `mlirscope CMD --help`. llvm::cl prints one overview
  /// for the whole program, so main passes the chosen command's; the
  /// SubCommand's own description is the one line `mlirscope --help` lists.
  llvm::StringRef overview;
  int (*run)();
};

extern const Command inspectCommand, statsCommand, extractCommand, setCommand,
    replaceCommand, rewriteCommand, stripCommand, attachCommand, diffCommand,
    convertCommand, graphCommand, externalizeCommand;

/// Parses an unsigned option value, reporting anything else as
/// `mlirscope CMD: --NAME needs a number` (llvm::cl's own report names
/// neither the command nor what the option wants).
class NumberParser : public llvm::cl::parser<unsigned> {
public:
  using llvm::cl::parser<unsigned>::parser;
  bool parse(llvm::cl::Option &option, llvm::StringRef argName,
             llvm::StringRef arg, unsigned &value);
};

/// `--chunk N`: a NumberParser that also refuses 0, since chunks count from
/// 1 as `mlir-opt --split-input-file` and the summaries number them.
class ChunkParser : public NumberParser {
public:
  using NumberParser::NumberParser;
  bool parse(llvm::cl::Option &option, llvm::StringRef argName,
             llvm::StringRef arg, unsigned &value);
};
using ChunkOption = llvm::cl::opt<unsigned, false, ChunkParser>;
/// The help text of every command's --chunk.
extern const char *const kChunkHelp;

/// How every command that opens a model finds its weights:
/// `--parameters [SCOPE=]FILE` (repeatable; IREE's syntax, binding the
/// archive FILE to references of SCOPE, parseParameterOption) and
/// `--min-inline-bytes N` (inline elements attributes smaller than N bytes
/// are counted, not listed as weights). A command holds one, made with its
/// SubCommands, beside its other options.
class WeightOptions {
public:
  /// The options of every command in `subs`.
  explicit WeightOptions(std::initializer_list<llvm::cl::SubCommand *> subs);
  /// Sets the parameters and minInlineBytes of `options`. `byName`: the
  /// command looks weights up by the names a user gave, so without
  /// --min-inline-bytes every inline attribute is a weight (the threshold
  /// keeps listings short; a name found in the IR should not miss).
  void apply(IndexOptions &options, bool byName = false) const;

private:
  llvm::cl::list<std::string> parameters;
  llvm::cl::opt<unsigned, false, NumberParser> minInlineBytes;
};

/// Options llvm::cl does not know go to a cl::Sink list of each command
/// instead of failing the parse, so that the command can say so in one line
/// (`mlirscope CMD: unknown option '--x'`; for --chunk, that CMD works on
/// whole files). Returns true when there was one.
bool reportUnknownOption(llvm::StringRef cmd,
                         const llvm::cl::list<std::string> &unknown);

/// Human-readable summary.
void printSummaryText(const ModelIndex &index, const ModelSummary &summary,
                      llvm::raw_ostream &os);
/// Every weight, one per line (`inspect --weights`), or as JSON: the file,
/// `weights` (weightJson of each) and `small_inline` {count, bytes}.
void printWeightList(const ModelIndex &index, bool json, llvm::raw_ostream &os);
/// Every op with its details (`inspect --ops`), as text or JSON lines.
void printOps(const ModelIndex &index, bool json, llvm::raw_ostream &os);

/// When a mapped file shrank since `faultsBefore` (FaultGuard.h), prints
/// the one-line error of command `cmd` (unless a ProgressLine did already)
/// and returns true: what was read holds zeros, so the caller must print
/// nothing of it.
bool reportFileChanged(llvm::StringRef cmd, uint64_t faultsBefore);
/// Prints "mlirscope CMD: MESSAGE" for `e` and returns kBadInput; prints
/// nothing when a fault was told already (ProgressLine stopped the work on
/// it: `e` is the cancel that follows, or a consequence of the zeros read).
int reportError(llvm::StringRef cmd, llvm::Error e);
/// The name of the command running (its llvm::cl subcommand).
llvm::StringRef activeCommand();
/// That one-line error itself, with `consequence` appended.
void printFileChanged(llvm::StringRef cmd, llvm::StringRef consequence = "");
/// Whether printFileChanged has printed (once a command's line is out, the
/// errors that follow from the fault are not).
bool fileChangedWasPrinted();

/// What a command does with a text file split into modules by `// -----`.
struct SplitFiles {
  /// `--chunk N`, 0-based here: index only that module.
  std::optional<uint32_t> chunk;
  /// The command takes --chunk (its refusal of a split file says so).
  bool takesChunk = false;
  /// Reads the whole split file (inspect summarizes every chunk).
  bool whole = false;
  /// Weights are looked up by name (WeightOptions::apply).
  bool byName = false;
};

/// The SplitFiles of a command taking `--chunk N`.
SplitFiles chunkOf(const ChunkOption &chunk, bool whole = false);

/// Indexes `path` for command `cmd`; on failure prints the one-line error
/// (`mlirscope: FILE: offset N: expected X`) and returns null. A text file
/// split by `// -----` holds several modules: with --chunk only that chunk is
/// indexed; without, commands other than inspect refuse it with one line
/// (they change or look up one module's resources, and keys may repeat
/// across chunks).
/// The archives of `weights` are bound to the model's parameter references;
/// one that cannot be read is the one-line error naming it.
std::unique_ptr<ModelIndex> openModel(llvm::StringRef cmd, llvm::StringRef path,
                                      const WeightOptions &weights,
                                      const SplitFiles &split = {});

/// A model or archive named by URL: the remote options of the command
/// (its counters kept for `--verbose`, a progress line while a model is
/// fetched, Ctrl-C stops the transfers).
RemoteOptions remoteOptionsFor(llvm::StringRef url);
/// `--verbose` (every command): one line per URL read, on stderr, with the
/// bytes fetched, requests, round trips and cache hits it cost.
void printRemoteCounters();
/// True (having printed why) when `path` is a URL: a remote model cannot be
/// changed in place; the message says how to make a local copy.
bool refuseRemoteEdit(llvm::StringRef cmd, llvm::StringRef path,
                      llvm::StringRef name);

/// The weight named `name` (Weight.h: a resource key, `@sym`,
/// `@scope/op#N`, `scope::key`); else prints `mlirscope CMD: FILE: no
/// weight 'NAME'` with the closest names, or how to list them, and returns
/// null.
const Weight *findWeightOrReport(llvm::StringRef cmd, const ModelIndex &index,
                                 llvm::StringRef name);

/// The typed view of weight `name` (findWeightOrReport; a resource that is
/// no weight, a bool or a string, gets the view's reason); on failure prints
/// `mlirscope CMD: FILE: why` and returns nullopt.
std::optional<WeightView>
openWeight(llvm::StringRef cmd, const ModelIndex &index, llvm::StringRef name);

/// Where a weight's stored data is, for listings: "hex @1061", "raw @716",
/// "ARCHIVE @64" for a bound parameter, else "not bound" or "not in its
/// scope's archives".
std::string weightPlace(const ModelIndex &index, const Weight &w);

/// `f32[4x4]`, or `?` when no type is known.
std::string weightTypeText(const Weight &w);

} // namespace mlirscope::cli

#endif // MLIRSCOPE_TOOLS_COMMANDS_H
