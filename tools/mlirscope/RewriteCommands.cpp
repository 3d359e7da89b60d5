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
namespace cl = llvm::cl;

namespace {

std::unique_ptr<ModelIndex> openBytecode(llvm::StringRef cmd,
                                         llvm::StringRef path,
                                         const WeightOptions &weights,
                                         int &rc) {
  std::unique_ptr<ModelIndex> index = openModel(cmd, path, weights);
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
  return reportError(cmd, std::move(e));
}

} // namespace

static cl::SubCommand rewriteSub("rewrite",
                                 "Fast copy (IR copied, blobs kernel-copied)");
static cl::SubCommand stripSub("strip",
                               "The IR without weights, with checksums");
static cl::SubCommand attachSub("attach",
                                "Put stripped weights back, verified");

// The three commands' options, each in the commands that take it.
static cl::opt<std::string> out("o", cl::desc("The output file"),
                                cl::value_desc("path"), cl::sub(rewriteSub),
                                cl::sub(stripSub), cl::sub(attachSub));
static cl::opt<std::string>
    weightsFrom("weights-from",
                cl::desc("The bytecode model holding the weights"),
                cl::value_desc("path"), cl::sub(attachSub));
static cl::list<std::string> positional(cl::Positional, cl::desc("FILE"),
                                        cl::sub(rewriteSub), cl::sub(stripSub),
                                        cl::sub(attachSub));
static cl::list<std::string> unknown(cl::Sink, cl::sub(rewriteSub),
                                     cl::sub(stripSub), cl::sub(attachSub));
static WeightOptions weightOptions({&rewriteSub, &stripSub, &attachSub});

/// `CMD FILE -o OUT` on a bytecode model: checks the arguments (`usage`
/// says what they are; `complete` whether the command's own are there) and
/// indexes FILE. Null with `rc` set when the command should end.
static std::unique_ptr<ModelIndex> openForOutput(llvm::StringRef cmd,
                                                 llvm::StringRef usage, int &rc,
                                                 bool complete = true) {
  rc = kUsage;
  if (reportUnknownOption(cmd, unknown))
    return nullptr;
  if (positional.size() != 1 || out.empty() || !complete) {
    llvm::errs() << "mlirscope " << cmd << ": expected " << usage << "\n";
    return nullptr;
  }
  return openBytecode(cmd, positional[0], weightOptions, rc);
}

static int runRewrite() {
  int rc = kOk;
  auto index = openForOutput("rewrite", "FILE -o OUT", rc);
  if (!index)
    return rc;
  ProgressLine progress("rewrite");
  return report("rewrite", rewriteBytecode(*index, out, RewritePlan(),
                                           progress.callback()));
}

static int runStrip() {
  int rc = kOk;
  auto index = openForOutput("strip", "FILE -o SMALL", rc);
  if (!index)
    return rc;
  ProgressLine progress("strip (checksums)");
  auto plan = planStrip(*index, progress.callback());
  if (!plan)
    return report("strip", plan.takeError());
  return report("strip", rewriteBytecode(*index, out, *plan));
}

static int runAttach() {
  int rc = kOk;
  auto small = openForOutput("attach", "SMALL --weights-from BIG -o OUT", rc,
                             /*complete=*/!weightsFrom.empty());
  if (!small)
    return rc;
  std::unique_ptr<ModelIndex> big = openModel("attach", weightsFrom, weightOptions);
  if (!big)
    return kBadInput;
  ProgressLine progress("attach (checksums)");
  auto plan = planAttach(*small, *big, progress.callback());
  if (!plan)
    return report("attach", plan.takeError());
  ProgressLine copying("attach");
  return report("attach",
                rewriteBytecode(*small, out, *plan, copying.callback()));
}

const Command mlirscope::cli::rewriteCommand{
    rewriteSub,
    "Writes a copy of a bytecode model the way every save goes: IR sections\n"
    "copied as they are, resource sections re-emitted, blob bytes moved by\n"
    "the kernel (copy_file_range) with holes of sparse files kept, then\n"
    "fsync, rename, fsync of the directory.\n\n"
    "  mlirscope rewrite FILE -o OUT\n",
    runRewrite};

const Command mlirscope::cli::stripCommand{
    stripSub,
    "Writes the model without its weights: every blob becomes a\n"
    "declaration of its key (the IR keeps its dense_resource types), and\n"
    "the external resource group 'mlirscope.stripped' records each blob's\n"
    "size, alignment and XXH64 checksum. The result is a shareable\n"
    "reproducer that mlir-opt reads; `mlirscope attach` puts weights back.\n\n"
    "  mlirscope strip FILE -o SMALL\n",
    runStrip};

const Command mlirscope::cli::attachCommand{
    attachSub,
    "Puts the weights of a model made by `mlirscope strip` back from a\n"
    "bytecode model holding them, refusing any blob whose size or\n"
    "checksum differs from what was stripped.\n\n"
    "  mlirscope attach SMALL --weights-from BIG -o OUT\n",
    runAttach};
