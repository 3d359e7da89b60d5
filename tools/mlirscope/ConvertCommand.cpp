//===- ConvertCommand.cpp - `mlirscope convert` ---------------------------===//

#include "Commands.h"
#include "ProgressLine.h"

#include "mlirscope/Edit/Convert.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlirscope;
using namespace mlirscope::cli;

int mlirscope::cli::runConvert(llvm::ArrayRef<const char *> args) {
  const char *usage =
      "USAGE: mlirscope convert IN -o OUT [--emit-bytecode-version N]\n\n"
      "Text to bytecode or bytecode to text (the other format of IN). The IR\n"
      "goes through MLIR's parser and writer; blobs are streamed between the\n"
      "files and never decoded into memory all at once. Bytecode output is\n"
      "version 6 unless --emit-bytecode-version (0-6) says otherwise.\n";
  std::string in, out;
  int64_t version = 6;
  for (size_t i = 0; i < args.size(); ++i) {
    llvm::StringRef a = args[i];
    if (a == "--help" || a == "-h") {
      llvm::outs() << usage;
      return kOk;
    } else if (a == "-o" && i + 1 < args.size()) {
      out = args[++i];
    } else if (a.consume_front("--emit-bytecode-version")) {
      llvm::StringRef v = a.consume_front("=")  ? a
                          : i + 1 < args.size() ? llvm::StringRef(args[++i])
                                                : llvm::StringRef();
      if (v.getAsInteger(10, version) || version < 0 || version > 6) {
        llvm::errs() << "mlirscope convert: --emit-bytecode-version takes "
                        "0 to 6\n";
        return kUsage;
      }
    } else if (a.starts_with("-")) {
      llvm::errs() << "mlirscope convert: unknown option '" << a << "'\n"
                   << usage;
      return kUsage;
    } else if (in.empty()) {
      in = a.str();
    } else {
      llvm::errs() << "mlirscope convert: unexpected argument '" << a << "'\n";
      return kUsage;
    }
  }
  if (in.empty() || out.empty()) {
    llvm::errs() << usage;
    return kUsage;
  }
  std::unique_ptr<ModelIndex> index = openModel(in);
  if (!index)
    return kBadInput;
  ProgressLine progress("convert");
  mlirscope::Progress onProgress = progress.callback();
  llvm::Error e = index->format == ModelIndex::Format::Text
                      ? convertTextToBytecode(*index, out, version, onProgress)
                      : convertBytecodeToText(*index, out, onProgress);
  if (e) {
    llvm::errs() << "mlirscope convert: " << llvm::toString(std::move(e))
                 << "\n";
    return kBadInput;
  }
  return kOk;
}
