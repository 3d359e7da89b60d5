//===- mlirscope-lsp.cpp - The mlirscope language server ------------------===//
//
// Reads JSON-RPC from stdin, writes to stdout. `--lit-test` reads messages
// delimited by `// -----` lines and pretty-prints replies, for lit
// transcripts.
//
//===----------------------------------------------------------------------===//

#include "../LSPServer.h"
#include "../Server.h"

#include "mlirscope/MLIRBridge.h"

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

/// The bridge to MLIR, linked in from MLIRScopeMLIRBridge.
extern "C" const mlirscope::MLIRBridge *mlirscope_mlir_bridge_v1();

using namespace llvm::lsp;

namespace {
/// Reads messages like JSONTransportInputOverFile, but never lets bad input
/// end the session: text that is not JSON, or JSON that is not a JSON-RPC
/// 2.0 message, is handed on as a call of kParseErrorMethod or
/// kInvalidRequestMethod (id null unless the message had one), which the
/// server answers with an error. A header line with junk before
/// `Content-Length:` still counts, so the stream resynchronizes.
class Input : public JSONTransportInput {
public:
  Input(std::FILE *in, JSONStreamStyle style)
      : JSONTransportInput(style), in(in) {}
  bool hasError() const final { return ferror(in); }
  bool isEndOfInput() const final { return feof(in); }

  llvm::LogicalResult readDelimitedMessage(std::string &json) final {
    json.clear();
    std::string line;
    while (readLine(line)) {
      llvm::StringRef trimmed = llvm::StringRef(line).trim();
      if (trimmed.starts_with("//")) {
        if (trimmed == "// -----")
          break;
        continue;
      }
      json += line;
    }
    if (ferror(in) || llvm::StringRef(json).trim().empty())
      return llvm::failure();
    normalize(json);
    return llvm::success();
  }

  llvm::LogicalResult readStandardMessage(std::string &json) final {
    uint64_t length = 0;
    bool sawLength = false;
    std::string line;
    while (true) {
      if (!readLine(line))
        return llvm::failure();
      llvm::StringRef l = line;
      size_t at = l.find("Content-Length:");
      if (at != llvm::StringRef::npos) {
        sawLength = !l.drop_front(at + 15).trim().getAsInteger(10, length);
        if (!sawLength)
          Logger::error("bad Content-Length header: {0}", l.trim());
        continue;
      }
      if (!l.trim().empty())
        continue; // another header
      if (sawLength)
        break;
      // A blank line without a length before it: keep looking.
    }
    if (length == 0 || length > (1u << 30)) {
      Logger::error("ignoring a message of Content-Length {0}", length);
      return llvm::failure();
    }
    json.resize(length);
    size_t pos = 0;
    while (pos < length) {
      size_t n = std::fread(&json[pos], 1, length - pos, in);
      if (n == 0)
        return llvm::failure();
      clearerr(in);
      pos += n;
    }
    normalize(json);
    return llvm::success();
  }

private:
  bool readLine(std::string &out) {
    out.clear();
    char buf[256];
    while (std::fgets(buf, sizeof(buf), in)) {
      out += buf;
      if (!out.empty() && out.back() == '\n')
        return true;
    }
    return !out.empty();
  }

  static void normalize(std::string &json) {
    auto makeUp = [&](llvm::StringRef method, llvm::json::Value id) {
      json = llvm::formatv("{0}", llvm::json::Value(
                                      llvm::json::Object{{"jsonrpc", "2.0"},
                                                         {"id", std::move(id)},
                                                         {"method", method}}))
                 .str();
    };
    llvm::Expected<llvm::json::Value> doc = llvm::json::parse(json);
    if (!doc) {
      Logger::error("JSON parse error: {0}", llvm::toString(doc.takeError()));
      return makeUp(mlirscope::lspserver::kParseErrorMethod, nullptr);
    }
    llvm::json::Object *o = doc->getAsObject();
    llvm::json::Value id = nullptr;
    if (o && o->get("id"))
      id = *o->get("id");
    if (!o ||
        o->getString("jsonrpc") != std::optional<llvm::StringRef>("2.0") ||
        (o->get("method") && !o->getString("method")) ||
        (!o->get("method") && !o->get("id"))) {
      Logger::error("not a JSON-RPC 2.0 message");
      return makeUp(mlirscope::lspserver::kInvalidRequestMethod, std::move(id));
    }
  }

  std::FILE *in;
};
} // namespace

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
  llvm::cl::opt<bool> litTest{
      "lit-test",
      llvm::cl::desc("Abbreviation for -input-style=delimited -pretty "
                     "-log=verbose; for lit tests"),
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
  llvm::cl::ParseCommandLineOptions(argc, argv, "mlirscope language server\n");

  if (litTest) {
    inputStyle = JSONStreamStyle::Delimited;
    logLevel = Logger::Level::Debug;
    prettyPrint = true;
  }
  Logger::setLogLevel(logLevel);

  // MLIR is linked in: no plugin to load.
  mlirscope::registerMLIRBridge(mlirscope_mlir_bridge_v1());

  llvm::sys::ChangeStdinToBinary();
  JSONTransport transport(std::make_unique<Input>(stdin, inputStyle),
                          llvm::outs(), prettyPrint);
  // The scheme vscode-mlir uses for the text view of a bytecode file.
  URIForFile::registerSupportedScheme("mlir.bytecode-mlir");

  mlirscope::lspserver::MLIRScopeServer server;
  server.setProgressThreshold(progressThreshold);
  return llvm::failed(mlirscope::lspserver::runLSPServer(server, transport))
             ? 1
             : 0;
}
