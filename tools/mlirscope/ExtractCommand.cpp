//===- ExtractCommand.cpp - `mlirscope extract` ---------------------------===//

#include "Commands.h"
#include "ProgressLine.h"

#include "mlirscope/Blob/Export.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlirscope;
using namespace mlirscope::cli;

static void printExtractUsage(llvm::raw_ostream &os) {
  os << "USAGE: mlirscope extract FILE KEY -o OUT.npy\n"
        "       mlirscope extract FILE --all -o OUT.safetensors\n\n"
        "Writes one blob as a numpy .npy file (bf16 as its raw uint16 bits),\n"
        "or every typed blob as a tensor of one .safetensors file. Bytes are\n"
        "streamed from the model (kernel copies for bytecode); the output is\n"
        "written to a temporary file and renamed into place.\n";
}

int mlirscope::cli::runExtract(llvm::ArrayRef<const char *> args) {
  std::string path, key, out;
  bool all = false;
  for (size_t i = 0; i < args.size(); ++i) {
    llvm::StringRef a = args[i];
    if (a == "--help" || a == "-h") {
      printExtractUsage(llvm::outs());
      return kOk;
    } else if (a == "-o") {
      if (i + 1 >= args.size()) {
        llvm::errs() << "mlirscope extract: -o needs a path\n";
        return kUsage;
      }
      out = args[++i];
    } else if (a == "--all") {
      all = true;
    } else if (a.starts_with("-")) {
      llvm::errs() << "mlirscope extract: unknown option '" << a << "'\n";
      printExtractUsage(llvm::errs());
      return kUsage;
    } else if (path.empty()) {
      path = a.str();
    } else if (key.empty()) {
      key = a.str();
    } else {
      llvm::errs() << "mlirscope extract: unexpected argument '" << a << "'\n";
      return kUsage;
    }
  }
  if (path.empty() || out.empty() || (all == !key.empty())) {
    llvm::errs() << "mlirscope extract: need FILE, either KEY or --all, and "
                    "-o OUT\n";
    printExtractUsage(llvm::errs());
    return kUsage;
  }
  std::unique_ptr<ModelIndex> model = openModel(path);
  if (!model)
    return kBadInput;
  const ModelIndex &index = *model;
  ProgressLine progress("extract");
  mlirscope::Progress onProgress = progress.callback();
  if (all) {
    std::vector<std::string> skipped;
    if (auto e = exportSafetensors(index, out, skipped, onProgress)) {
      llvm::errs() << "mlirscope extract: " << llvm::toString(std::move(e))
                   << "\n";
      return kBadInput;
    }
    for (const std::string &s : skipped)
      llvm::errs() << "mlirscope extract: skipped " << s << "\n";
    return kOk;
  }
  std::optional<BlobView> view = openBlob("extract", index, key);
  if (!view)
    return kBadInput;
  if (auto e = exportNpy(index, *view, out, onProgress)) {
    llvm::errs() << "mlirscope extract: " << llvm::toString(std::move(e))
                 << "\n";
    return kBadInput;
  }
  return kOk;
}
