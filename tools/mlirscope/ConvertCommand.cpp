//===- ConvertCommand.cpp - `mlirscope convert` ---------------------------===//

#include "Commands.h"
#include "ProgressLine.h"

#include "mlirscope/Edit/Convert.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlirscope;
using namespace mlirscope::cli;
namespace cl = llvm::cl;

static cl::SubCommand
    convertSub("convert",
               "Text <-> bytecode (any version 0-6), blobs streamed, IR "
               "through MLIR");

static cl::opt<std::string> out("o", cl::desc("The output file"),
                                cl::value_desc("path"), cl::sub(convertSub));
static cl::opt<unsigned, false, NumberParser>
    version("emit-bytecode-version",
            cl::desc("The bytecode version to write, 0 to 6 (default 6)"),
            cl::value_desc("version"), cl::init(6), cl::sub(convertSub));
static cl::list<std::string> inputs(cl::Positional, cl::desc("IN"),
                                    cl::sub(convertSub));
static cl::list<std::string> unknown(cl::Sink, cl::sub(convertSub));
static WeightOptions weightOptions({&convertSub});

static int runConvert() {
  if (reportUnknownOption("convert", unknown))
    return kUsage;
  if (version > 6) {
    llvm::errs() << "mlirscope convert: --emit-bytecode-version takes 0 to 6\n";
    return kUsage;
  }
  if (inputs.size() > 1) {
    llvm::errs() << "mlirscope convert: unexpected argument '" << inputs[1]
                 << "'\n";
    return kUsage;
  }
  if (inputs.empty() || out.empty()) {
    llvm::errs() << "mlirscope convert: expected IN -o OUT\n";
    return kUsage;
  }
  std::unique_ptr<ModelIndex> index = openModel("convert", inputs[0], weightOptions);
  if (!index)
    return kBadInput;
  ProgressLine progress("convert");
  mlirscope::Progress onProgress = progress.callback();
  llvm::Error e = index->format == ModelIndex::Format::Text
                      ? convertTextToBytecode(*index, out, version, onProgress)
                      : convertBytecodeToText(*index, out, onProgress);
  if (e)
    return reportError("convert", std::move(e));
  return kOk;
}

const Command mlirscope::cli::convertCommand{
    convertSub,
    "Text to bytecode or bytecode to text (the other format of IN). The IR\n"
    "goes through MLIR's parser and writer; blobs are streamed between the\n"
    "files and never decoded into memory all at once. Bytecode output is\n"
    "version 6 unless --emit-bytecode-version (0-6) says otherwise.\n\n"
    "  mlirscope convert IN -o OUT [--emit-bytecode-version N]\n",
    runConvert};
