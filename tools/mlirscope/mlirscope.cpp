//===- mlirscope.cpp - mlirscope command-line entry point -----------------===//
//
// Dispatches `mlirscope SUBCOMMAND ...` to the subcommand functions; all the
// work lives in core/, this layer only parses arguments and prints.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "mlirscope/Support/FaultGuard.h"
#include "mlirscope/Support/Version.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlirscope::cli;

static void printUsage(llvm::raw_ostream &os) {
  os << "USAGE: mlirscope <command> [options] FILE\n\n"
        "Inspect large MLIR models (bytecode .mlirbc or text .mlir) without\n"
        "loading their weights.\n\n"
        "COMMANDS:\n"
        "  inspect --summary FILE   what the model holds: ops, symbols,\n"
        "                           resources by dtype, largest blobs\n"
        "  stats FILE [KEY...]      min/max/mean/std, zeros, NaN, Inf and a\n"
        "                           histogram of blobs, streamed from disk\n"
        "  extract FILE KEY -o X.npy | --all -o X.safetensors\n"
        "                           blobs out as numpy / safetensors files\n"
        "  set FILE KEY INDEX VALUE one element, in place, crash-safe\n"
        "  replace FILE KEY X.npy   a whole blob of the same dtype and shape\n"
        "  rewrite FILE -o OUT      fast copy (IR copied, blobs "
        "kernel-copied)\n"
        "  strip FILE -o SMALL      the IR without weights, with checksums\n"
        "  attach SMALL --weights-from BIG -o OUT\n"
        "                           put stripped weights back, verified\n"
        "  diff A B                 IR equal or where not; blobs added,\n"
        "                           removed, changed (max/mean abs diff)\n"
        "  convert IN -o OUT        text <-> bytecode (any version 0-6), "
        "blobs\n"
        "                           streamed, IR through MLIR\n"
        "  graph FILE --format json|dot|svg -o OUT\n"
        "                           the model as a laid-out graph of\n"
        "                           grouped ops\n\n"
        "OPTIONS:\n"
        "  --chunk N    for a text file split by `// -----` lines: the Nth\n"
        "               module (inspect, stats, extract, set, replace)\n"
        "  --help       this help (also `mlirscope <command> --help`)\n"
        "  --version    print the version\n\n"
        "Exit codes: 0 ok, 1 usage error, 2 bad input.\n";
}

/// Commands that work on one module of a split text file, chosen with
/// `--chunk N`; the others refuse split files (see openModel).
static bool takesChunk(llvm::StringRef cmd) {
  return cmd == "inspect" || cmd == "stats" || cmd == "extract" ||
         cmd == "set" || cmd == "replace";
}

/// Takes `--chunk N` out of `args` into the command context; false (after
/// printing why) on a bad or unsupported option.
static bool takeChunkOption(llvm::StringRef cmd,
                            std::vector<const char *> &args) {
  CommandContext &ctx = commandContext();
  ctx.name = cmd.str();
  for (size_t i = 0; i < args.size(); ++i) {
    if (llvm::StringRef(args[i]) != "--chunk")
      continue;
    uint32_t n = 0;
    if (i + 1 >= args.size() ||
        llvm::StringRef(args[i + 1]).getAsInteger(10, n) || n == 0) {
      llvm::errs() << "mlirscope " << cmd
                   << ": --chunk needs a chunk number (1 is the first)\n";
      return false;
    }
    if (!takesChunk(cmd)) {
      llvm::errs() << "mlirscope " << cmd
                   << ": --chunk is not supported: " << cmd
                   << " works on whole files\n";
      return false;
    }
    ctx.chunk = n - 1;
    args.erase(args.begin() + i, args.begin() + i + 2);
    --i;
  }
  ctx.allowsSplit = cmd == "inspect";
  ctx.takesChunk = takesChunk(cmd);
  return true;
}

/// Runs subcommand `cmd`, or returns -1 when there is none of that name.
static int dispatch(llvm::StringRef cmd, llvm::ArrayRef<const char *> rest) {
  if (cmd == "inspect")
    return runInspect(rest);
  if (cmd == "stats")
    return runStats(rest);
  if (cmd == "extract")
    return runExtract(rest);
  if (cmd == "set")
    return runSet(rest);
  if (cmd == "replace")
    return runReplace(rest);
  if (cmd == "rewrite")
    return runRewrite(rest);
  if (cmd == "strip")
    return runStrip(rest);
  if (cmd == "attach")
    return runAttach(rest);
  if (cmd == "diff")
    return runDiff(rest);
  if (cmd == "convert")
    return runConvert(rest);
  if (cmd == "graph")
    return runGraph(rest);
  return -1;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    printUsage(llvm::errs());
    return kUsage;
  }
  llvm::StringRef cmd = argv[1];
  std::vector<const char *> restArgs(argv + 2, argv + argc);
  if (!takeChunkOption(cmd, restArgs))
    return kUsage;
  llvm::ArrayRef<const char *> rest(restArgs);
  if (cmd == "--help" || cmd == "-h" || cmd == "help") {
    printUsage(llvm::outs());
    return kOk;
  }
  if (cmd == "--version") {
    llvm::outs() << "mlirscope " << mlirscope::getVersionString()
                 << " (LLVM " LLVM_VERSION_STRING ")\n";
    return kOk;
  }
  // A model truncated or rewritten by another program while a command reads
  // its mapping raises SIGBUS; under the guard the read sees zeros instead
  // (FaultGuard.h), saves refuse to commit, and the command ends with one
  // line naming the file instead of dying of the signal.
  int rc = -1;
  bool faulted = mlirscope::runGuarded([&] { rc = dispatch(cmd, rest); });
  // Unless a refused save or the command itself said so already.
  if (faulted && !mlirscope::faultWasReported()) {
    printFileChanged(cmd,
                     "; nothing printed or saved above for it is reliable");
    return kBadInput;
  }
  if (rc >= 0)
    return rc;
  if (cmd.starts_with("-"))
    llvm::errs() << "mlirscope: unknown argument '" << cmd << "'\n";
  else
    llvm::errs() << "mlirscope: unknown command '" << cmd << "'\n";
  printUsage(llvm::errs());
  return kUsage;
}
