//===- InspectCommand.cpp - `mlirscope inspect` ---------------------------===//

#include "Commands.h"

#include "mlirscope/Index/SummaryJson.h"
#include "mlirscope/Support/FormatError.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlirscope;
using namespace mlirscope::cli;
namespace cl = llvm::cl;

static cl::SubCommand
    inspectSub("inspect",
               "What the model holds: ops, symbols, resources by dtype, "
               "largest blobs");

static cl::opt<bool> summaryFlag("summary",
                                 cl::desc("The summary (the default)"),
                                 cl::sub(inspectSub));
static cl::opt<bool>
    opsFlag("ops",
            cl::desc("Every op, one per line, with its location, operand "
                     "and result types, attributes and successors"),
            cl::sub(inspectSub));
static cl::opt<bool>
    jsonFlag("json",
             cl::desc("Machine-readable output (schema: docs/inspect-json.md)"),
             cl::sub(inspectSub));
static cl::opt<unsigned, false, NumberParser>
    top("top", cl::desc("How many of the largest resources to list"),
        cl::value_desc("number"), cl::init(10), cl::sub(inspectSub));
static ChunkOption chunk("chunk", cl::desc(kChunkHelp), cl::value_desc("N"),
                         cl::sub(inspectSub));
// A list, so that a second FILE gets inspect's message rather than
// llvm::cl's.
static cl::list<std::string> files(cl::Positional, cl::desc("FILE"),
                                   cl::sub(inspectSub));
static cl::list<std::string> unknown(cl::Sink, cl::sub(inspectSub));

static int runInspect() {
  if (reportUnknownOption("inspect", unknown))
    return kUsage;
  if (files.empty()) {
    llvm::errs() << "mlirscope inspect: missing FILE\n";
    return kUsage;
  }
  if (files.size() > 1) {
    llvm::errs() << "mlirscope inspect: only one FILE, got '" << files[0]
                 << "' and '" << files[1] << "'\n";
    return kUsage;
  }
  std::unique_ptr<ModelIndex> index =
      openModel("inspect", files[0], chunkOf(chunk, /*whole=*/true));
  if (!index)
    return kBadInput;
  if (opsFlag) {
    printOps(*index, jsonFlag, llvm::outs());
    return kOk;
  }
  ModelSummary summary = summarize(*index, top);
  if (jsonFlag)
    printSummaryJson(*index, summary, llvm::outs());
  else
    printSummaryText(*index, summary, llvm::outs());
  return kOk;
}

const Command mlirscope::cli::inspectCommand{
    inspectSub,
    "Summarizes an MLIR bytecode or text file without reading its blobs:\n"
    "format, version, producer, IR vs. blob bytes, dialects, op counts,\n"
    "symbols, resources by dtype, the N largest resources (default 10),\n"
    "unreferenced resources and references to missing ones.\n",
    runInspect};
