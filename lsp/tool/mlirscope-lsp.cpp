//===- mlirscope-lsp.cpp - The mlirscope language server ------------------===//
//
// Reads JSON-RPC from stdin, writes to stdout. `--lit-test` reads messages
// delimited by `// -----` lines and pretty-prints replies, for lit
// transcripts.
//
//===----------------------------------------------------------------------===//

#include "../LSPServer.h"
#include "../MessageContext.h"
#include "../MessageInput.h"
#include "../Server.h"

#include "mlirscope/Support/FaultGuard.h"
#include "mlirscope/Text/MLIRBridge.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/LSP/Logging.h"
#include "llvm/Support/LSP/Protocol.h"
#include "llvm/Support/LSP/Transport.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>
#include <cstring>

/// The bridge to MLIR, linked in from MLIRScopeMLIRBridge.
extern "C" const mlirscope::MLIRBridge *mlirscope_mlir_bridge_v1();

using namespace llvm::lsp;


int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::cl::opt<JSONStreamStyle> inputStyle{
      "input-style", llvm::cl::desc("Input JSON stream encoding"),
      llvm::cl::values(
          clEnumValN(JSONStreamStyle::Standard, "standard",
                     "usual LSP protocol"),
          clEnumValN(JSONStreamStyle::Delimited, "delimited",
                     "messages delimited by `// -----` lines, with // comment "
                     "support")),
      llvm::cl::init(JSONStreamStyle::Standard), llvm::cl::Hidden};
  // Language clients (vscode-languageclient's stdio transport) pass this;
  // stdin/stdout is the only transport there is.
  llvm::cl::opt<bool> stdio{
      "stdio", llvm::cl::desc("Speak LSP on stdin/stdout (the default)"),
      llvm::cl::init(true)};
  llvm::cl::opt<bool> litTest{
      "lit-test",
      llvm::cl::desc("Abbreviation for -input-style=delimited -pretty "
                     "-log=verbose -sync -debounce-ms=0; for lit tests"),
      llvm::cl::init(false)};
  llvm::cl::opt<Logger::Level> logLevel{
      "log", llvm::cl::desc("Verbosity of log messages written to stderr"),
      llvm::cl::values(
          clEnumValN(Logger::Level::Error, "error", "Error messages only"),
          clEnumValN(Logger::Level::Info, "info",
                     "High level execution tracing"),
          clEnumValN(Logger::Level::Debug, "verbose", "Low level details")),
      llvm::cl::init(Logger::Level::Info)};
  llvm::cl::opt<bool> prettyPrint{"pretty",
                                  llvm::cl::desc("Pretty-print JSON output"),
                                  llvm::cl::init(false)};
  llvm::cl::opt<uint64_t> progressThreshold{
      "progress-threshold",
      llvm::cl::desc("Report $/progress for statistics of blobs larger than "
                     "this many bytes"),
      llvm::cl::init(64ull << 20), llvm::cl::Hidden};
  llvm::cl::opt<uint64_t> inlineStatsBytes{
      "inline-stats-bytes",
      llvm::cl::desc("Compute statistics of weights up to this many bytes "
                     "within their hover; larger ones in the background"),
      llvm::cl::init(4ull << 20), llvm::cl::Hidden};
  llvm::cl::opt<bool> noRecheckFiles{
      "no-recheck-files",
      llvm::cl::desc("Read blobs of models on disk without checking first "
                     "that the file is unchanged (tests of the SIGBUS guard)"),
      llvm::cl::init(false), llvm::cl::Hidden};
  llvm::cl::opt<uint64_t> listAllInlineBytes{
      "list-all-inline-bytes",
      llvm::cl::desc("Documents up to this many bytes list every inline "
                     "literal as a weight; larger ones those of 1 KiB and "
                     "more"),
      llvm::cl::init(8ull << 20), llvm::cl::Hidden};
  llvm::cl::opt<unsigned> debounceMs{
      "debounce-ms",
      llvm::cl::desc("Milliseconds from an edit to its parse; a newer edit "
                     "within them supersedes it (0 with -lit-test)"),
      llvm::cl::init(150)};
  llvm::cl::opt<bool> sync{
      "sync",
      llvm::cl::desc("Handle each message completely before reading the next "
                     "(implied by -lit-test; -sync=false to test "
                     "$/cancelRequest)"),
      llvm::cl::init(false), llvm::cl::Hidden};
  llvm::cl::ParseCommandLineOptions(argc, argv, "mlirscope language server\n");

  if (litTest) {
    inputStyle = JSONStreamStyle::Delimited;
    logLevel = Logger::Level::Debug;
    prettyPrint = true;
    if (!debounceMs.getNumOccurrences())
      debounceMs = 0;
    if (!sync.getNumOccurrences())
      sync = true;
  }
  Logger::setLogLevel(logLevel);

  // MLIR is linked in: no plugin to load.
  mlirscope::registerMLIRBridge(mlirscope_mlir_bridge_v1());

  llvm::sys::ChangeStdinToBinary();
  mlirscope::lspserver::MessageContext context;
  std::unique_ptr<mlirscope::lspserver::MessageInput> input =
      mlirscope::lspserver::createMessageInput(stdin, inputStyle, context);
  // The scheme vscode-mlir uses for the text view of a bytecode file.
  URIForFile::registerSupportedScheme("mlir.bytecode-mlir");
  // Models opened from where they live (`mlirscope/openFile` with a URL),
  // and the scheme the VS Code extension shows them under.
  for (const char *scheme : {"http", "https", "s3", "mlirscope-remote"})
    URIForFile::registerSupportedScheme(scheme);

  mlirscope::lspserver::MLIRScopeServer server;
  server.setProgressThreshold(progressThreshold);
  server.setRecheckFiles(!noRecheckFiles);
  server.setInlineStatsBytes(inlineStatsBytes);
  server.setListAllInlineBytes(listAllInlineBytes);
  // A model file truncated while mapped must not end the session with
  // SIGBUS (see mlirscope/FaultGuard.h).
  mlirscope::installFaultGuard();
  mlirscope::lspserver::LSPServerOptions options;
  options.debounceMs = debounceMs;
  options.sync = sync;
  options.prettyOutput = prettyPrint;
  return llvm::failed(mlirscope::lspserver::runLSPServer(
             server, *input, llvm::outs(), context, options))
             ? 1
             : 0;
}
