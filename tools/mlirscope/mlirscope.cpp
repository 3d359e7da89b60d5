//===- mlirscope.cpp - mlirscope command-line entry point -----------------===//
//
// Part of the mlirscope project.
//
// Placeholder driver: only --help and --version for now.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Version.h"

#include "llvm/ADT/StringRef.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/raw_ostream.h"

static void printUsage(llvm::raw_ostream &os) {
  os << "USAGE: mlirscope [--help] [--version]\n";
}

int main(int argc, char **argv) {
  if (argc == 2) {
    llvm::StringRef arg = argv[1];
    if (arg == "--help" || arg == "-h") {
      printUsage(llvm::outs());
      return 0;
    }
    if (arg == "--version") {
      llvm::outs() << "mlirscope " << mlirscope::getVersionString()
                   << " (LLVM " LLVM_VERSION_STRING ")\n";
      return 0;
    }
    llvm::errs() << "mlirscope: unknown argument '" << arg << "'\n";
  }
  printUsage(llvm::errs());
  return 1;
}
