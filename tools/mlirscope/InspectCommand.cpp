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
               "What the model holds: ops, symbols, weights by kind and "
               "dtype, the largest, parameters");

static cl::opt<bool> summaryFlag("summary",
                                 cl::desc("The summary (the default)"),
                                 cl::sub(inspectSub));
static cl::opt<bool>
    opsFlag("ops",
            cl::desc("Every op, one per line, with its location, operand "
                     "and result types, attributes and successors"),
            cl::sub(inspectSub));
static cl::opt<bool>
    weightsFlag("weights",
                cl::desc("Every weight, one per line: name (what stats, "
                         "extract, set and replace take), kind, encoding, "
                         "type, bytes, where it is"),
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
static WeightOptions weightOptions({&inspectSub});

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
  if (opsFlag && weightsFlag) {
    llvm::errs() << "mlirscope inspect: --ops and --weights are two "
                    "listings; choose one\n";
    return kUsage;
  }
  std::unique_ptr<ModelIndex> index =
      openModel("inspect", files[0], weightOptions,
                chunkOf(chunk, /*whole=*/true));
  if (!index)
    return kBadInput;
  if (opsFlag) {
    printOps(*index, jsonFlag, llvm::outs());
    return kOk;
  }
  if (weightsFlag) {
    printWeightList(*index, jsonFlag, llvm::outs());
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
    "Summarizes an MLIR bytecode or text file without reading its weights:\n"
    "format, version, producer, IR vs. blob vs. inline weight bytes,\n"
    "dialects, op counts, symbols, resources by dtype, weights of every\n"
    "kind (dense_resource blobs, inline elements attributes, parameters\n"
    "of archives bound with --parameters) by kind and dtype, the N largest\n"
    "(default 10), parameters missing, unbound or of the wrong size,\n"
    "unused archive entries, unreferenced resources and references to\n"
    "missing ones, and external resource values (an mlir_reproducer as\n"
    "the mlir-opt command replaying it). --weights lists every weight.\n",
    runInspect};
