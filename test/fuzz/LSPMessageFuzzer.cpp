//===- LSPMessageFuzzer.cpp - Fuzz target: LSP framing and dispatch -------===//
//
// Input: what an editor writes to the server's stdin, Content-Length framed.
// Each input runs a fresh server (its own MLIRContext and documents) over the
// stream to its end, as `mlirscope-lsp` does over stdin: message framing
// (MessageInput), JSON-RPC dispatch, params decoding and every handler,
// including text documents parsed by MLIR and files named in requests. The
// server must reach the end of the stream, whatever it holds, without a
// crash, a hang or a leak. Replies go nowhere; writing files on request is
// switched off so made-up messages cannot write anywhere.
//
//===----------------------------------------------------------------------===//

#include "LSPServer.h"
#include "MessageContext.h"
#include "MessageInput.h"
#include "Server.h"

#include "mlirscope/Text/MLIRBridge.h"

#include "llvm/Support/LSP/Logging.h"
#include "llvm/Support/LSP/Protocol.h"
#include "llvm/Support/LSP/Transport.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>

extern "C" const mlirscope::MLIRBridge *mlirscope_mlir_bridge_v1();

using namespace llvm::lsp;

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  Logger::setLogLevel(Logger::Level::Error);
  mlirscope::registerMLIRBridge(mlirscope_mlir_bridge_v1());
  URIForFile::registerSupportedScheme("mlir.bytecode-mlir");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0)
    return 0; // fmemopen refuses an empty buffer
  std::FILE *in = fmemopen(const_cast<uint8_t *>(data), size, "rb");
  if (!in)
    return 0;
  {
    llvm::raw_null_ostream out;
    // What the input side hands the handlers: fresh for each input, as the
    // server is.
    mlirscope::lspserver::MessageContext context;
    std::unique_ptr<mlirscope::lspserver::MessageInput> input =
        mlirscope::lspserver::createMessageInput(in, JSONStreamStyle::Standard,
                                                 context);
    mlirscope::lspserver::MLIRScopeServer server;
    mlirscope::lspserver::LSPServerOptions options;
    options.debounceMs = 0;
    options.sync = true;
    options.allowFileOutput = false;
    (void)mlirscope::lspserver::runLSPServer(server, *input, out, context,
                                             options);
  }
  std::fclose(in);
  return 0;
}
