//===- InspectCommand.cpp - `mlirscope inspect` ---------------------------===//

#include "Commands.h"

#include "mlirscope/Support/FormatError.h"
#include "mlirscope/Index/SummaryJson.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlirscope;
using namespace mlirscope::cli;

static void printInspectUsage(llvm::raw_ostream &os) {
  os << "USAGE: mlirscope inspect [--summary | --ops] [--json] [--top N] "
        "FILE\n\n"
        "Summarizes an MLIR bytecode or text file without reading its blobs:\n"
        "format, version, producer, IR vs. blob bytes, dialects, op counts,\n"
        "symbols, resources by dtype, the N largest resources (default 10),\n"
        "unreferenced resources and references to missing ones.\n\n"
        "  --summary   the summary (the default)\n"
        "  --ops       every op, one per line, with its location, operand and\n"
        "              result types, attributes and successors\n"
        "  --json      machine-readable output (schema: docs/inspect-json.md)\n"
        "  --top N     how many of the largest resources to list\n";
}

int mlirscope::cli::runInspect(llvm::ArrayRef<const char *> args) {
  bool json = false, ops = false;
  unsigned top = 10;
  std::string path;
  for (size_t i = 0; i < args.size(); ++i) {
    llvm::StringRef a = args[i];
    if (a == "--help" || a == "-h") {
      printInspectUsage(llvm::outs());
      return kOk;
    }
    if (a == "--summary")
      continue;
    if (a == "--ops") {
      ops = true;
      continue;
    }
    if (a == "--json") {
      json = true;
    } else if (a == "--top") {
      if (i + 1 >= args.size() ||
          llvm::StringRef(args[i + 1]).getAsInteger(10, top)) {
        llvm::errs() << "mlirscope inspect: --top needs a number\n";
        return kUsage;
      }
      ++i;
    } else if (a.starts_with("-") && a != "-") {
      llvm::errs() << "mlirscope inspect: unknown option '" << a << "'\n";
      printInspectUsage(llvm::errs());
      return kUsage;
    } else if (path.empty()) {
      path = a.str();
    } else {
      llvm::errs() << "mlirscope inspect: only one FILE, got '" << path
                   << "' and '" << a << "'\n";
      return kUsage;
    }
  }
  if (path.empty()) {
    llvm::errs() << "mlirscope inspect: missing FILE\n";
    printInspectUsage(llvm::errs());
    return kUsage;
  }
  std::unique_ptr<ModelIndex> index = openModel(path);
  if (!index)
    return kBadInput;
  if (ops) {
    printOps(*index, json, llvm::outs());
    return kOk;
  }
  ModelSummary summary = summarize(*index, top);
  if (json)
    printSummaryJson(*index, summary, llvm::outs());
  else
    printSummaryText(*index, summary, llvm::outs());
  return kOk;
}
