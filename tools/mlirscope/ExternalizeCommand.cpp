//===- ExternalizeCommand.cpp - `mlirscope externalize` -------------------===//

#include "Commands.h"
#include "ProgressLine.h"

#include "mlirscope/Edit/Convert.h"
#include "mlirscope/Edit/Externalize.h"
#include "mlirscope/Index/Index.h"
#include "mlirscope/Support/Format.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlirscope;
using namespace mlirscope::cli;
namespace cl = llvm::cl;

static cl::SubCommand
    externalizeSub("externalize",
                   "Inline weights moved into dense_resource blobs");

static cl::opt<std::string> out("o", cl::desc("The output file"),
                                cl::value_desc("path"),
                                cl::sub(externalizeSub));
static cl::opt<uint64_t, false, NumberParser>
    minBytes("min-bytes",
             cl::desc("Leave inline weights smaller than this (default 1024)"),
             cl::value_desc("N"), cl::init(1024), cl::sub(externalizeSub));
static cl::opt<unsigned, false, NumberParser>
    version("emit-bytecode-version",
            cl::desc("Bytecode version of a .mlirbc output (default 6)"),
            cl::value_desc("version"), cl::init(6), cl::sub(externalizeSub));
static cl::opt<std::string>
    archive("archive",
            cl::desc("Write util.global weights to this .irpa or .safetensors "
                     "archive, as #stream.parameter.named references"),
            cl::value_desc("path"), cl::sub(externalizeSub));
static cl::opt<std::string> scope("scope",
                                  cl::desc("The parameters' scope (default "
                                           "\"model\")"),
                                  cl::value_desc("name"), cl::init("model"),
                                  cl::sub(externalizeSub));
static cl::opt<bool> verbose("v", cl::desc("List each weight moved or kept"),
                             cl::sub(externalizeSub));
static cl::list<std::string> inputs(cl::Positional, cl::desc("IN"),
                                    cl::sub(externalizeSub));
static cl::list<std::string> unknown(cl::Sink, cl::sub(externalizeSub));

static void printResult(const ExternalizeResult &result) {
  llvm::outs() << "moved " << result.moved.size() << " inline weight"
               << (result.moved.size() == 1 ? "" : "s") << " into resources";
  if (!archive.empty())
    llvm::outs() << ", " << result.archived.size() << " into " << archive;
  llvm::outs() << ", kept " << result.kept.size() << "\n";
  if (!verbose)
    return;
  for (auto &[name, key] : result.moved)
    llvm::outs() << "  moved " << name << " -> dense_resource<" << key
                 << ">\n";
  for (auto &[name, key] : result.archived)
    llvm::outs() << "  archived " << name << " -> #stream.parameter.named<\""
                 << scope << "\"::\"" << key << "\">\n";
  for (auto &[name, why] : result.kept)
    llvm::outs() << "  kept " << name << ": " << why << "\n";
}

static int runExternalize() {
  if (reportUnknownOption("externalize", unknown))
    return kUsage;
  if (inputs.size() != 1 || out.empty()) {
    llvm::errs() << "mlirscope externalize: expected IN -o OUT\n";
    return kUsage;
  }
  if (version > 6) {
    llvm::errs()
        << "mlirscope externalize: --emit-bytecode-version takes 0 to 6\n";
    return kUsage;
  }
  // Every inline weight down to the threshold must be listed; a split file
  // is externalized chunk by chunk.
  IndexOptions indexOptions;
  indexOptions.minInlineBytes = minBytes;
  auto indexOr = indexFile(inputs[0], indexOptions);
  if (!indexOr) {
    llvm::errs() << "mlirscope: " << llvm::toString(indexOr.takeError())
                 << "\n";
    return kBadInput;
  }
  std::unique_ptr<ModelIndex> index = std::move(*indexOr);
  bool toBytecode = llvm::sys::path::extension(out) == ".mlirbc";
  ProgressLine progress("externalize");
  ExternalizeOptions options;
  options.minBytes = minBytes;
  options.progress = progress.callback();
  options.archivePath = archive;
  options.scope = scope;
  if (index->format == ModelIndex::Format::Bytecode) {
    // Bytecode in: bytecode out, its attribute entries rewritten in place
    // and the IR sections otherwise copied.
    if (!toBytecode) {
      llvm::errs() << "mlirscope externalize: " << inputs[0]
                   << " is bytecode: OUT must be a .mlirbc file (then "
                      "mlirscope convert writes it as text)\n";
      return kUsage;
    }
    llvm::Expected<ExternalizeResult> result =
        externalizeBytecode(*index, out, options);
    if (!result)
      return reportError("externalize", result.takeError());
    printResult(*result);
    return kOk;
  }
  // Bytecode output: the text result, converted (its blobs streamed).
  std::string textOut = out;
  if (toBytecode)
    textOut = out + ".externalized.mlir";
  llvm::Expected<ExternalizeResult> result =
      externalizeText(*index, textOut, options);
  if (!result)
    return reportError("externalize", result.takeError());
  if (toBytecode) {
    auto text = indexFile(textOut);
    llvm::Error e = text ? convertTextToBytecode(**text, out, version,
                                                 progress.callback())
                         : text.takeError();
    llvm::sys::fs::remove(textOut);
    if (e)
      return reportError("externalize", std::move(e));
  }
  printResult(*result);
  return kOk;
}

const Command mlirscope::cli::externalizeCommand{
    externalizeSub,
    "Moves the inline weights of IN (dense<\"0x...\">, dense<[...]>) into\n"
    "dense_resource blobs, MLIR's own way to keep weights out of the IR:\n"
    "the same program, its elements in a {-# dialect_resources #-} block.\n"
    "Streamed: hex is copied digit for digit, literal lists are encoded\n"
    "once. Splats and string elements stay inline. Ops of dialects MLIR\n"
    "does not link stay as written; only their attributes change. A .mlirbc\n"
    "OUT is written as bytecode (--emit-bytecode-version, default 6).\n\n"
    "With --archive OUT.irpa|OUT.safetensors, the weights of util.globals\n"
    "go to that archive instead and each global is initialized by\n"
    "#stream.parameter.named<\"SCOPE\"::\"symbol\">, as IREE's\n"
    "--iree-opt-export-parameters writes them (iree-run-module\n"
    "--parameters=SCOPE=OUT.irpa loads them back).\n\n"
    "  mlirscope externalize IN -o OUT [--min-bytes N] [-v]\n"
    "                        [--archive OUT.irpa --scope NAME]\n",
    runExternalize};
