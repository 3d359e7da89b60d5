//===- ExtractCommand.cpp - `mlirscope extract` ---------------------------===//

#include "Commands.h"
#include "ProgressLine.h"

#include "mlirscope/Blob/Export.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlirscope;
using namespace mlirscope::cli;
namespace cl = llvm::cl;

static cl::SubCommand
    extractSub("extract",
               "Weights out as numpy .npy (one) or safetensors (--all) files");

static cl::opt<std::string> out("o", cl::desc("The output file"),
                                cl::value_desc("path"), cl::sub(extractSub));
static cl::opt<bool> all("all",
                         cl::desc("Every typed weight, into one .safetensors"),
                         cl::sub(extractSub));
static ChunkOption chunk("chunk", cl::desc(kChunkHelp), cl::value_desc("N"),
                         cl::sub(extractSub));
static cl::list<std::string> positional(cl::Positional, cl::desc("FILE [NAME]"),
                                        cl::sub(extractSub));
static cl::list<std::string> unknown(cl::Sink, cl::sub(extractSub));
static WeightOptions weightOptions({&extractSub});

static int runExtract() {
  if (reportUnknownOption("extract", unknown))
    return kUsage;
  if (positional.size() > 2) {
    llvm::errs() << "mlirscope extract: unexpected argument '" << positional[2]
                 << "'\n";
    return kUsage;
  }
  std::string path = positional.empty() ? "" : positional[0];
  std::string key = positional.size() < 2 ? "" : positional[1];
  if (path.empty() || out.empty() || (all == !key.empty())) {
    llvm::errs() << "mlirscope extract: need FILE, either NAME or --all, and "
                    "-o OUT\n";
    return kUsage;
  }
  std::unique_ptr<ModelIndex> model =
      openModel("extract", path, weightOptions, chunkOf(chunk));
  if (!model)
    return kBadInput;
  const ModelIndex &index = *model;
  ProgressLine progress("extract");
  mlirscope::Progress onProgress = progress.callback();
  if (all) {
    std::vector<std::string> skipped;
    if (auto e = exportSafetensors(index, out, skipped, onProgress))
      return reportError("extract", std::move(e));
    for (const std::string &s : skipped)
      llvm::errs() << "mlirscope extract: skipped " << s << "\n";
    return kOk;
  }
  std::optional<WeightView> view = openWeight("extract", index, key);
  if (!view)
    return kBadInput;
  if (auto e = exportNpy(index, *view, out, onProgress))
    return reportError("extract", std::move(e));
  return kOk;
}

const Command mlirscope::cli::extractCommand{
    extractSub,
    "Writes one weight as a numpy .npy file (bf16 as its raw uint16 bits),\n"
    "or every typed weight as a tensor of one .safetensors file, named as\n"
    "`inspect --weights` lists them (a resource blob by its key, a bound\n"
    "parameter as scope::key). Bytes are streamed from the model or the\n"
    "archive (kernel copies where raw); the output is written to a\n"
    "temporary file and renamed into place.\n\n"
    "  mlirscope extract FILE NAME -o OUT.npy\n"
    "  mlirscope extract FILE --all -o OUT.safetensors\n",
    runExtract};
