//===- RewriteCommands.cpp - `rewrite`, `strip` and `attach` --------------===//
//
// Commands that write a new bytecode file through core's fast rewrite: IR
// sections copied, resource sections re-emitted, blob bytes kernel-copied.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"
#include "ProgressLine.h"

#include "mlirscope/Edit/Rewrite.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlirscope;
using namespace mlirscope::cli;

namespace {

struct Args {
  std::vector<std::string> positional;
  std::string out, weightsFrom;
  bool help = false;
};

/// Parses `-o OUT`, `--weights-from F`, `--help` and positionals.
std::optional<Args> parseArgs(llvm::StringRef cmd,
                              llvm::ArrayRef<const char *> args,
                              bool allowWeightsFrom) {
  Args a;
  for (size_t i = 0; i < args.size(); ++i) {
    llvm::StringRef s = args[i];
    if (s == "--help" || s == "-h") {
      a.help = true;
    } else if (s == "-o" || (allowWeightsFrom && s == "--weights-from")) {
      if (i + 1 >= args.size()) {
        llvm::errs() << "mlirscope " << cmd << ": " << s << " needs a path\n";
        return std::nullopt;
      }
      (s == "-o" ? a.out : a.weightsFrom) = args[++i];
    } else if (s.starts_with("-")) {
      llvm::errs() << "mlirscope " << cmd << ": unknown option '" << s << "'\n";
      return std::nullopt;
    } else {
      a.positional.push_back(s.str());
    }
  }
  return a;
}

std::unique_ptr<ModelIndex> openBytecode(llvm::StringRef cmd,
                                         llvm::StringRef path, int &rc) {
  std::unique_ptr<ModelIndex> index = openModel(path);
  if (!index) {
    rc = kBadInput;
    return nullptr;
  }
  if (index->format != ModelIndex::Format::Bytecode) {
    llvm::errs() << "mlirscope " << cmd << ": " << path
                 << ": a text file; this command works on bytecode\n";
    rc = kBadInput;
    return nullptr;
  }
  return index;
}

int report(llvm::StringRef cmd, llvm::Error e) {
  if (!e)
    return kOk;
  llvm::errs() << "mlirscope " << cmd << ": " << llvm::toString(std::move(e))
               << "\n";
  return kBadInput;
}

} // namespace

/// `CMD FILE -o OUT` on a bytecode model: parses the arguments (printing
/// `usage` for --help or misuse) and indexes FILE. Null with `rc` set when the
/// command should end.
static std::unique_ptr<ModelIndex>
openForOutput(llvm::StringRef cmd, llvm::ArrayRef<const char *> args,
              const char *usage, std::string &out, int &rc) {
  auto a = parseArgs(cmd, args, false);
  if (a && a->help) {
    llvm::outs() << usage;
    rc = kOk;
    return nullptr;
  }
  if (!a || a->positional.size() != 1 || a->out.empty()) {
    llvm::errs() << usage;
    rc = kUsage;
    return nullptr;
  }
  out = a->out;
  return openBytecode(cmd, a->positional[0], rc);
}

int mlirscope::cli::runRewrite(llvm::ArrayRef<const char *> args) {
  const char *usage =
      "USAGE: mlirscope rewrite FILE -o OUT\n\n"
      "Writes a copy of a bytecode model the way every save goes: IR sections\n"
      "copied as they are, resource sections re-emitted, blob bytes moved by\n"
      "the kernel (copy_file_range) with holes of sparse files kept, then\n"
      "fsync, rename, fsync of the directory.\n";
  int rc = kOk;
  std::string out;
  auto index = openForOutput("rewrite", args, usage, out, rc);
  if (!index)
    return rc;
  ProgressLine progress("rewrite");
  return report("rewrite", rewriteBytecode(*index, out, RewritePlan(),
                                           progress.callback()));
}

int mlirscope::cli::runStrip(llvm::ArrayRef<const char *> args) {
  const char *usage =
      "USAGE: mlirscope strip FILE -o SMALL\n\n"
      "Writes the model without its weights: every blob becomes a\n"
      "declaration of its key (the IR keeps its dense_resource types), and\n"
      "the external resource group 'mlirscope.stripped' records each blob's\n"
      "size, alignment and XXH64 checksum. The result is a shareable\n"
      "reproducer that mlir-opt reads; `mlirscope attach` puts weights back.\n";
  int rc = kOk;
  std::string out;
  auto index = openForOutput("strip", args, usage, out, rc);
  if (!index)
    return rc;
  ProgressLine progress("strip (checksums)");
  auto plan = planStrip(*index, progress.callback());
  if (!plan)
    return report("strip", plan.takeError());
  return report("strip", rewriteBytecode(*index, out, *plan));
}

int mlirscope::cli::runAttach(llvm::ArrayRef<const char *> args) {
  const char *usage =
      "USAGE: mlirscope attach SMALL --weights-from BIG -o OUT\n\n"
      "Puts the weights of a model made by `mlirscope strip` back from a\n"
      "bytecode model holding them, refusing any blob whose size or\n"
      "checksum differs from what was stripped.\n";
  auto a = parseArgs("attach", args, true);
  if (a && a->help) {
    llvm::outs() << usage;
    return kOk;
  }
  if (!a || a->positional.size() != 1 || a->out.empty() ||
      a->weightsFrom.empty()) {
    llvm::errs() << usage;
    return kUsage;
  }
  int rc = kOk;
  auto small = openBytecode("attach", a->positional[0], rc);
  if (!small)
    return rc;
  std::unique_ptr<ModelIndex> big = openModel(a->weightsFrom);
  if (!big)
    return kBadInput;
  ProgressLine progress("attach (checksums)");
  auto plan = planAttach(*small, *big, progress.callback());
  if (!plan)
    return report("attach", plan.takeError());
  ProgressLine copying("attach");
  return report("attach",
                rewriteBytecode(*small, a->out, *plan, copying.callback()));
}
