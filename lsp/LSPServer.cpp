//===- LSPServer.cpp - JSON-RPC <-> MLIRScopeServer -----------------------===//
//
// Binds each method of the protocol to its handler. A handler decodes its
// message (Protocol.h), notes what the reading thread must know, and hands
// the work to the Scheduler (Scheduler.h), which runs it on the worker; the
// worker alone calls MLIRScopeServer.
//
//===----------------------------------------------------------------------===//

#include "LSPServer.h"
#include "BlobJobs.h"
#include "MessageContext.h"
#include "MessageInput.h"
#include "Protocol.h"
#include "QueuedOutput.h"
#include "Scheduler.h"
#include "Server.h"
#include "StatsJobs.h"
#include "mlirscope/Support/FaultGuard.h"
#include "mlirscope/Support/Format.h"

#include "llvm/Support/Base64.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/LSP/Logging.h"
#include "llvm/Support/LSP/Protocol.h"
#include "llvm/Support/LSP/Transport.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>

using namespace mlirscope;
using namespace mlirscope::lspserver;
using llvm::lsp::Callback;
using llvm::lsp::Logger;
using llvm::lsp::OutgoingNotification;
namespace lsp = llvm::lsp;

//===----------------------------------------------------------------------===//
// LSPServer: the handlers
//===----------------------------------------------------------------------===//

namespace {
/// The reading thread (dispatchMessages) calls the handlers below; they
/// decode, note what the reading thread must know (the latest version of
/// each document, the cancellation flag of each request) and post a task to
/// the Scheduler's worker thread, which alone touches MLIRScopeServer and
/// runs tasks in the order they came. Small requests answered from a
/// document's parse are the exception: when the worker is idle, the reading
/// thread answers them itself (answerHere). Replies and notifications go out
/// through MessageHandler, which serializes them with its output mutex.
struct LSPServer {
  LSPServer(MLIRScopeServer &server, MessageContext &context,
            const LSPServerOptions &options)
      : server(server), context(context), options(options),
        scheduler(options.debounceMs, options.sync,
                  [this](PendingParse parse) { parseNow(std::move(parse)); }),
        stats(
            scheduler,
            [this](const std::string &uri, const std::string &name) {
              statisticsReady(uri, name);
            },
            [this](uint64_t id, const std::string &name, uint64_t done,
                   uint64_t total) { statsProgress(id, name, done, total); }) {}

  void onInitialize(const InitializeWithOptions &params,
                    Callback<llvm::json::Value> reply);
  void onDidChangeConfiguration(const ConfigurationParams &params) {
    if (params.hoverStatistics)
      scheduler.post([this, on = *params.hoverStatistics] {
        server.setHoverStatistics(on);
      });
    if (params.parameters)
      scheduler.post([this, parameters = *params.parameters] {
        // Other archives: every open document is indexed again, and gets
        // the diagnostics of its new binding. Clients send every setting on
        // each change: the same archives re-index nothing.
        if (!server.setParameters(parameters))
          return;
        for (auto &[uri, version] : server.openDocuments()) {
          PendingParse parse;
          parse.uri = uri;
          parse.version = version;
          parse.edited = true;
          parseNow(std::move(parse));
        }
      });
  }
  void onInitialized(const lsp::InitializedParams &) {}
  void onShutdown(const lsp::NoParams &, Callback<std::nullptr_t> reply) {
    postRequest<std::nullptr_t>(
        std::nullopt, std::move(reply),
        [this](Callback<std::nullptr_t> reply, std::atomic<bool> &) {
          // Diagnostics still pending go out before the reply.
          scheduler.flushAll();
          shutdownRequestReceived = true;
          reply(nullptr);
        });
  }
  void onCancelRequest(const CancelParams &params) {
    scheduler.cancel(params.id);
  }
  /// The user cancelled a progress of ours: background statistics stop.
  void onWorkDoneProgressCancel(const ProgressCancelParams &params) {
    std::optional<uint64_t> job;
    {
      std::lock_guard<std::mutex> lock(statsProgressMutex);
      if (statsReport && statsReport->token == params.token)
        job = statsReport->job;
    }
    if (job)
      stats.cancelJob(*job);
  }

  void onDocumentDidOpen(const lsp::DidOpenTextDocumentParams &params);
  void onDocumentDidClose(const lsp::DidCloseTextDocumentParams &params);
  void onDocumentDidChange(const lsp::DidChangeTextDocumentParams &params);

  void onHover(const lsp::TextDocumentPositionParams &params,
               Callback<std::optional<lsp::Hover>> reply);
  void onGoToDefinition(const lsp::TextDocumentPositionParams &params,
                        Callback<std::vector<lsp::Location>> reply) {
    query<std::vector<lsp::Location>>(
        params.textDocument.uri, std::move(reply), [this, params] {
          return server.findDefinition(params.textDocument.uri,
                                       params.position);
        });
  }
  void onReference(const lsp::ReferenceParams &params,
                   Callback<std::vector<lsp::Location>> reply) {
    query<std::vector<lsp::Location>>(
        params.textDocument.uri, std::move(reply), [this, params] {
          return server.findReferences(params.textDocument.uri, params.position,
                                       params.context.includeDeclaration);
        });
  }
  void onDocumentSymbol(const lsp::DocumentSymbolParams &params,
                        Callback<std::vector<lsp::DocumentSymbol>> reply) {
    query<std::vector<lsp::DocumentSymbol>>(
        params.textDocument.uri, std::move(reply), [this, params] {
          return server.findDocumentSymbols(params.textDocument.uri);
        });
  }
  void onFoldingRange(const FoldingRangeParams &params,
                      Callback<std::vector<FoldingRange>> reply) {
    query<std::vector<FoldingRange>>(
        params.textDocument.uri, std::move(reply), [this, params] {
          return server.getFoldingRanges(params.textDocument.uri);
        });
  }
  void onInlayHint(const lsp::InlayHintsParams &params,
                   Callback<std::vector<lsp::InlayHint>> reply) {
    query<std::vector<lsp::InlayHint>>(
        params.textDocument.uri, std::move(reply), [this, params] {
          return server.getInlayHints(params.textDocument.uri, params.range);
        });
  }
  void onCompletion(const lsp::CompletionParams &params,
                    Callback<lsp::CompletionList> reply) {
    // MLIR parses the chunk again, in completion mode: on the worker.
    postRequest<lsp::CompletionList>(
        params.textDocument.uri, std::move(reply),
        [this, params](Callback<lsp::CompletionList> reply,
                       std::atomic<bool> &) {
          reply(server.getCompletion(params.textDocument.uri, params.position));
        });
  }

  void onCodeAction(const lsp::CodeActionParams &params,
                    Callback<std::vector<lsp::CodeAction>> reply) {
    postRequest<std::vector<lsp::CodeAction>>(
        params.textDocument.uri, std::move(reply),
        [this, params](Callback<std::vector<lsp::CodeAction>> reply,
                       std::atomic<bool> &) {
          reply(server.getCodeActions(params.textDocument.uri, params.context));
        });
  }

  void onConvertFromBytecode(const ConvertBytecodeParams &params,
                             Callback<llvm::json::Value> reply);
  void onConvertToBytecode(const ConvertBytecodeParams &params,
                           Callback<llvm::json::Value> reply);
  /// Worker: indexes the model at `path` for `uri`, holds it, and replies
  /// its elided view; fileStatus before and after.
  void openModel(const lsp::URIForFile &uri, const std::string &path,
                 llvm::StringRef mode, Callback<llvm::json::Value> reply,
                 std::atomic<bool> *cancel = nullptr);
  /// The cancellation of a model's source. The source outlives the request
  /// that opens it (hovers, previews and exports read it later), the
  /// request's flag does not: the source watches a flag of its own, set from
  /// the request's until the open is over (detach).
  struct SourceCancel {
    std::mutex mutex;
    const std::atomic<bool> *request = nullptr;
    std::atomic<bool> own{false};
    /// Whether the transfers must stop; copies the request's flag.
    bool check() {
      std::lock_guard<std::mutex> lock(mutex);
      if (request && request->load())
        own = true;
      return own.load();
    }
    /// The open is over. A model that opened is kept, so a cancel that came
    /// late (after its index was made) must not stop its later reads.
    void detach(bool opened) {
      std::lock_guard<std::mutex> lock(mutex);
      request = nullptr;
      if (opened)
        own = false;
    }
  };
  /// The remote options of a model opened from a URL: `$/progress` (when
  /// the client takes it) with the bytes fetched and requests made, at most
  /// a few times a second; `cancel` stops the transfers.
  RemoteOptions remoteOptions(const std::string &url,
                              std::shared_ptr<SourceCancel> cancel);
  void onSummary(const SummaryParams &params,
                 Callback<llvm::json::Value> reply);
  void onWeights(const WeightsParams &params,
                 Callback<llvm::json::Value> reply);
  void onTensorPreview(const BlobParams &params,
                       Callback<llvm::json::Value> reply);
  void onExportResource(const BlobParams &params,
                        Callback<llvm::json::Value> reply);
  /// `$/progress` on the client's token from a job: begin now, a report
  /// for each new percent, end when the returned object goes.
  struct JobProgressReporter;
  void onOpenFile(const OpenFileParams &params,
                  Callback<llvm::json::Value> reply);
  void convertToBytecode(const ConvertBytecodeParams &params,
                         Callback<llvm::json::Value> reply);

  void onParseError(const AnyParams &, Callback<llvm::json::Value> reply) {
    postRequest<llvm::json::Value>(
        std::nullopt, std::move(reply),
        [](Callback<llvm::json::Value> reply, std::atomic<bool> &) {
          reply(llvm::make_error<lsp::LSPError>("invalid JSON",
                                                lsp::ErrorCode::ParseError));
        });
  }
  void onInvalidRequest(const AnyParams &, Callback<llvm::json::Value> reply) {
    postRequest<llvm::json::Value>(
        std::nullopt, std::move(reply),
        [](Callback<llvm::json::Value> reply, std::atomic<bool> &) {
          reply(llvm::make_error<lsp::LSPError>(
              "not a JSON-RPC 2.0 message", lsp::ErrorCode::InvalidRequest));
        });
  }

  /// Posts a request to the scheduler under the id of the message being
  /// handled; see Scheduler::postRequest.
  template <typename T>
  void postRequest(
      std::optional<lsp::URIForFile> document, Callback<T> reply,
      llvm::unique_function<void(Callback<T>, std::atomic<bool> &)> body) {
    std::optional<std::string> file;
    if (document)
      file = document->file().str();
    scheduler.postRequest<T>(context.getRequestId(), std::move(file),
                             std::move(reply), std::move(body));
  }
  /// A request on an open document answered by one call of the server from
  /// what the document's parse left (no blob read, no parse): on this
  /// thread when it can be (answerHere), else on the worker.
  template <typename T>
  void query(const lsp::URIForFile &document, Callback<T> reply,
             llvm::unique_function<llvm::Expected<T>()> fn) {
    if (answerHere<T>(document, reply, fn))
      return;
    postRequest<T>(
        document, std::move(reply),
        [fn = std::move(fn)](Callback<T> reply, std::atomic<bool> &) mutable {
          reply(fn());
        });
  }
  /// Answers a request on `document` on the reading thread, if the worker
  /// is idle (Scheduler::tryClaim says why the answer then sees every edit
  /// read before it), the document is small and `cheap` (if given) agrees
  /// that `fn` reads no blob: handing a small request to the worker and
  /// waking it costs more than the answer. Returns whether it answered. The
  /// answer is the worker's (the same server, in the same state); nothing
  /// could cancel it meanwhile, since `$/cancelRequest` is read by this
  /// thread, after it.
  template <typename T>
  bool answerHere(const lsp::URIForFile &document, Callback<T> &reply,
                  llvm::function_ref<llvm::Expected<T>()> fn,
                  llvm::function_ref<bool()> cheap = {}) {
    if (!scheduler.tryClaim(document.file()))
      return false;
    bool here = server.isSmallDocument(document) && (!cheap || cheap());
    if (here)
      reply(fn());
    scheduler.release();
    return here;
  }
  /// Worker: parses and publishes diagnostics if `parse` is still the latest
  /// version the transport thread has seen.
  void parseNow(PendingParse parse);
  /// A stats job's thread: tells the client that the statistics of weight
  /// `name` of `uri` are ready (or failed) for its next hover, and asks it
  /// to refresh inlay hints when it can.
  void statisticsReady(const std::string &uri, const std::string &name);
  /// A stats job's threads: `$/progress` of background statistics that run
  /// longer than kStatsProgressDelay (a quicker job shows no bar).
  void statsProgress(uint64_t job, const std::string &name, uint64_t done,
                     uint64_t total);

  MLIRScopeServer &server;
  MessageContext &context;
  LSPServerOptions options;
  Scheduler scheduler;
  OutgoingNotification<lsp::PublishDiagnosticsParams> publishDiagnostics;
  OutgoingNotification<ProgressParams> sendProgress;
  OutgoingNotification<FileStatusParams> sendFileStatus;
  OutgoingNotification<lsp::ShowMessageParams> showMessage;
  lsp::OutgoingRequest<CreateProgressParams> createProgress;
  OutgoingNotification<StatisticsReadyParams> sendStatisticsReady;
  lsp::OutgoingRequest<std::nullptr_t> refreshInlayHints;
  /// Statistics of hovered weights, in the background.
  StatsJobs stats;
  /// Set from `initialize`: the client takes workspace/inlayHint/refresh.
  std::atomic<bool> inlayHintRefresh{false};
  std::atomic<unsigned> nextRefreshId{0};
  /// Set from `initialize`: the client takes window/workDoneProgress/create.
  std::atomic<bool> workDoneProgress{false};
  std::atomic<unsigned> nextProgressToken{0};
  /// The background statistics job being reported, if any.
  struct StatsReport {
    uint64_t job;
    std::chrono::steady_clock::time_point start;
    /// Empty until the job has run kStatsProgressDelay.
    std::string token;
    int percent = 0;
  };
  std::mutex statsProgressMutex;
  std::optional<StatsReport> statsReport;
  std::atomic<bool> shutdownRequestReceived{false};
};
} // namespace

static llvm::json::Value
initializeResult(const lsp::ClientCapabilities &client);

void LSPServer::onInitialize(const InitializeWithOptions &params,
                             Callback<llvm::json::Value> reply) {
  lsp::ClientCapabilities client = params.base.capabilities;
  inlayHintRefresh = params.inlayHintRefresh;
  std::optional<bool> hoverStatistics = params.hoverStatistics;
  std::optional<std::vector<std::string>> parameters = params.parameters;
  postRequest<llvm::json::Value>(
      std::nullopt, std::move(reply),
      [this, client, hoverStatistics,
       parameters](Callback<llvm::json::Value> reply, std::atomic<bool> &) {
        workDoneProgress = client.workDoneProgress;
        if (hoverStatistics)
          server.setHoverStatistics(*hoverStatistics);
        if (parameters)
          server.setParameters(*parameters);
        reply(initializeResult(client));
      });
}

/// Upstream mlir-lsp-server's capabilities (ours answer everything it
/// answers) and more: folding ranges, inlay hints, document symbols also
/// for clients that only take a flat list.
static llvm::json::Value
initializeResult(const lsp::ClientCapabilities &client) {
  llvm::json::Value codeActions = true;
  // Clients that take CodeAction literals learn the kinds, as upstream.
  if (client.codeActionStructure)
    codeActions = llvm::json::Object{
        {"codeActionKinds",
         {lsp::CodeAction::kQuickFix, lsp::CodeAction::kRefactor,
          lsp::CodeAction::kInfo}}};
  llvm::json::Object caps{
      {"textDocumentSync",
       llvm::json::Object{
           {"openClose", true},
           {"change", (int)lsp::TextDocumentSyncKind::Incremental},
           {"save", true},
       }},
      {"hoverProvider", true},
      {"definitionProvider", true},
      {"referencesProvider", true},
      {"documentSymbolProvider", true},
      {"foldingRangeProvider", true},
      {"inlayHintProvider", true},
      {"codeActionProvider", std::move(codeActions)},
      {"completionProvider",
       llvm::json::Object{{"allCommitCharacters", {"\t", ";", ",", ".", "="}},
                          {"resolveProvider", false},
                          {"triggerCharacters",
                           {".", "%", "^", "!", "#", "(", ",", "<", ":", "[",
                            " ", "\"", "/"}}}},
  };
  return llvm::json::Object{
      {"serverInfo",
       llvm::json::Object{{"name", "mlirscope-lsp"}, {"version", "0.1.0"}}},
      {"capabilities", std::move(caps)}};
}

void LSPServer::onDocumentDidOpen(
    const lsp::DidOpenTextDocumentParams &params) {
  PendingParse parse;
  parse.uri = params.textDocument.uri;
  parse.version = params.textDocument.version;
  // A large text was unescaped into the buffer the document keeps.
  parse.buffer = context.takeParkedText();
  if (!parse.buffer)
    parse.text = params.textDocument.text;
  scheduler.noteVersion(parse.uri.file(), parse.version);
  // The debounce is for edits in a row: a newly opened document gets its
  // diagnostics at once. A small text, when the worker is idle, is parsed
  // here (as answerHere answers a request): it takes about a millisecond,
  // and waking the worker for it costs the open more than that on a loaded
  // machine. Its output never blocks this thread (QueuedOutput.h).
  if (!parse.buffer && parse.text.size() <= MLIRScopeServer::kSmallIRBytes &&
      scheduler.tryClaim(parse.uri.file())) {
    parseNow(std::move(parse));
    scheduler.release();
    return;
  }
  scheduler.post([this, parse = std::move(parse)]() mutable {
    scheduler.takePending(parse.uri.file());
    parseNow(std::move(parse));
  });
}

void LSPServer::onDocumentDidClose(
    const lsp::DidCloseTextDocumentParams &params) {
  lsp::URIForFile uri = params.textDocument.uri;
  scheduler.noteVersion(uri.file(), std::nullopt);
  // Statistics of its weights are no longer wanted.
  stats.cancelDocument(uri.uri().str());
  scheduler.post([this, uri] {
    // Also what a hover read before the close asked for meanwhile.
    stats.cancelDocument(uri.uri().str());
    std::optional<int64_t> version;
    if (std::optional<PendingParse> pending = scheduler.takePending(uri.file()))
      version = pending->version;
    if (std::optional<int64_t> removed = server.removeDocument(uri))
      version = removed;
    if (!version)
      return;
    // Clear what the client shows for the document.
    publishDiagnostics(lsp::PublishDiagnosticsParams(uri, *version));
  });
}

void LSPServer::onDocumentDidChange(
    const lsp::DidChangeTextDocumentParams &params) {
  // A large full text was parked by the input side (see kLargeTextBytes).
  std::shared_ptr<TextBuffer> parked = context.takeParkedText();
  scheduler.noteVersion(params.textDocument.uri.file(),
                        params.textDocument.version);
  // Statistics of the old text's weights are no longer wanted.
  stats.cancelDocument(params.textDocument.uri.uri().str());
  scheduler.post([this, params, parked = std::move(parked)]() mutable {
    const lsp::URIForFile &uri = params.textDocument.uri;
    // Also what a hover read before the edit asked for meanwhile.
    stats.cancelDocument(uri.uri().str());
    // The edits go to the server's copy of the text at once, in place (the
    // next change's positions are in the edited text); the re-index waits
    // for the debounce, and a newer edit joins it.
    // A large full text is already in the buffer the document keeps.
    if (llvm::Error e =
            parked ? server.replaceText(uri, params.textDocument.version,
                                        std::move(parked))
                   : server.applyChanges(uri, params.textDocument.version,
                                         params.contentChanges)) {
      std::string message = llvm::toString(std::move(e));
      Logger::error("could not apply the changes: {0}", message);
      if (!server.isOpen(uri))
        return;
      // The text the server has is no longer the editor's: say so where
      // the user sees it, and re-index what there is.
      showMessage(lsp::ShowMessageParams(
          lsp::MessageType::Error,
          "mlirscope: " + message +
              "; the server's copy of the document no longer matches the "
              "editor's: close and reopen it"));
    }
    PendingParse parse;
    parse.uri = uri;
    parse.version = params.textDocument.version;
    parse.edited = true;
    scheduler.schedule(std::move(parse));
  });
}

void LSPServer::onHover(const lsp::TextDocumentPositionParams &params,
                        Callback<std::optional<lsp::Hover>> reply) {
  // The IR's hovers come from its parse; a resource's may read its blob
  // (seconds, with progress and cancellation): that one goes to the worker.
  if (answerHere<std::optional<lsp::Hover>>(
          params.textDocument.uri, reply,
          [&] {
            // A hover off weights: statistics being computed for another
            // are no longer wanted.
            stats.cancelAll();
            return server.findHover(params.textDocument.uri, params.position);
          },
          [&] {
            return !server.isHoverOnResource(params.textDocument.uri,
                                             params.position);
          }))
    return;
  postRequest<std::optional<lsp::Hover>>(
      params.textDocument.uri, std::move(reply),
      [this, params](Callback<std::optional<lsp::Hover>> reply,
                     std::atomic<bool> &cancel) {
        std::string token;
        bool ended = false;
        ProgressCallback progress;
        if (workDoneProgress)
          progress = [&](llvm::StringRef title, uint64_t done, uint64_t total) {
            if (ended)
              return;
            if (token.empty()) {
              token = "mlirscope-stats-" + std::to_string(nextProgressToken++);
              createProgress(CreateProgressParams{token}, token);
              sendProgress({token, llvm::json::Object{{"kind", "begin"},
                                                      {"title", title.str()},
                                                      {"percentage", 0}}});
              return;
            }
            if (done >= total) {
              ended = true;
              sendProgress({token, llvm::json::Object{{"kind", "end"}}});
              return;
            }
            sendProgress(
                {token,
                 llvm::json::Object{
                     {"kind", "report"},
                     {"percentage", int64_t(total ? done * 100 / total : 0)}}});
          };
        // Statistics of a large weight are computed in the background
        // (StatsJobs.h): the hover answers from the index at once.
        std::string uri = params.textDocument.uri.uri().str();
        DeferredStats deferred;
        deferred.failure = [this, uri](const std::string &name) {
          return stats.failure(uri, name);
        };
        auto hover = server.findHover(params.textDocument.uri, params.position,
                                      progress, &cancel, &deferred);
        if (deferred.job)
          stats.request(uri, std::move(*deferred.job),
                        server.getRecheckFiles());
        else
          stats.cancelAll();
        reply(std::move(hover));
      });
}

//===----------------------------------------------------------------------===//
// Bytecode
//===----------------------------------------------------------------------===//

/// Runs `fn` under the SIGBUS guard (FaultGuard.h): a model file that shrinks
/// while it is read yields an error instead of the end of the server.
template <typename T>
static llvm::Expected<T> guarded(llvm::StringRef path,
                                 llvm::function_ref<llvm::Expected<T>()> fn) {
  std::optional<llvm::Expected<T>> result;
  if (runGuarded([&] { result.emplace(fn()); })) {
    if (!*result)
      llvm::consumeError(result->takeError());
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        (path + ": changed on disk while it was read; reopen it").str());
  }
  return std::move(*result);
}

/// convertToBytecode under the guard. After a fault the save refused to
/// commit (AtomicFile), so `out` is still what it was: left alone, it may be
/// the user's model itself.
static llvm::Error guardedConvert(MLIRScopeServer &server,
                                  llvm::StringRef source, llvm::StringRef text,
                                  llvm::StringRef out) {
  std::optional<llvm::Error> result;
  if (runGuarded([&] {
        result.emplace(server.convertToBytecode(source, text, out));
      })) {
    llvm::consumeError(std::move(*result));
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        (source + ": changed on disk while it was read; reopen it").str());
  }
  return std::move(*result);
}

void LSPServer::onConvertFromBytecode(const ConvertBytecodeParams &params,
                                      Callback<llvm::json::Value> reply) {
  std::string path = params.uri.file().str();
  postRequest<llvm::json::Value>(
      std::nullopt, std::move(reply),
      [this, uri = params.uri, path](Callback<llvm::json::Value> reply,
                                     std::atomic<bool> &cancel) {
        openModel(uri, path, "bytecode", std::move(reply), &cancel);
      });
}

RemoteOptions LSPServer::remoteOptions(const std::string &url,
                                       std::shared_ptr<SourceCancel> cancel) {
  RemoteOptions remote = RemoteOptions::fromEnvironment();
  remote.counters = std::make_shared<RemoteCounters>();
  remote.progress = Progress(
      [cancel](uint64_t, uint64_t) { return !cancel->check(); }, &cancel->own);
  if (!workDoneProgress)
    return remote;
  // Shared by the copies of the callback the remote layer makes; the worker
  // is the only thread that reports.
  struct State {
    std::string token;
    std::chrono::steady_clock::time_point last;
  };
  auto state = std::make_shared<State>();
  std::shared_ptr<RemoteCounters> counters = remote.counters;
  remote.progress = Progress(
      [this, state, counters, url, cancel](uint64_t done, uint64_t total) {
        if (cancel->check())
          return false;
        auto now = std::chrono::steady_clock::now();
        bool finished = total && done >= total;
        std::string message = formatBytes(counters->bytesFetched) +
                              " fetched, " + formatCount(counters->requests) +
                              " requests";
        if (state->token.empty()) {
          if (finished)
            return true; // the end of a fetch that never began
          state->token =
              "mlirscope-fetch-" + std::to_string(nextProgressToken++);
          state->last = now;
          createProgress(CreateProgressParams{state->token}, state->token);
          sendProgress(
              {state->token, llvm::json::Object{{"kind", "begin"},
                                                {"title", "Fetching " + url},
                                                {"cancellable", true},
                                                {"message", message}}});
        } else if (finished) {
          sendProgress(
              {state->token,
               llvm::json::Object{{"kind", "end"}, {"message", message}}});
          state->token = "-"; // ended: nothing more on this token
        } else if (state->token != "-" &&
                   now - state->last >= std::chrono::milliseconds(200)) {
          state->last = now;
          llvm::json::Object report{{"kind", "report"}, {"message", message}};
          if (total)
            report["percentage"] = int64_t(done * 100 / total);
          sendProgress({state->token, std::move(report)});
        }
        return true;
      },
      &cancel->own);
  return remote;
}

void LSPServer::openModel(const lsp::URIForFile &uri, const std::string &path,
                          llvm::StringRef mode,
                          Callback<llvm::json::Value> reply,
                          std::atomic<bool> *cancel) {
  FileStatus parsing;
  parsing.state = "parsing";
  parsing.mode = mode.str();
  parsing.detail = "indexing " + path;
  sendFileStatus({uri, parsing});
  FileStatus status;
  RemoteOptions remote;
  auto sourceCancel = std::make_shared<SourceCancel>();
  sourceCancel->request = cancel;
  if (isUrl(path))
    remote = remoteOptions(path, sourceCancel);
  auto text = guarded<std::string>(
      path, [&] { return server.openModel(uri, path, mode, status, remote); });
  sourceCancel->detach(bool(text));
  // Ends the fetch's `$/progress` if the model's size was never reached (an
  // error, or a source that reported bytes only).
  if (remote.progress)
    remote.progress.report(1, 1);
  if (!text) {
    std::string message = llvm::toString(text.takeError());
    if (!llvm::json::isUTF8(message))
      message = llvm::json::fixUTF8(message);
    FileStatus failed;
    failed.state = "error";
    failed.mode = mode.str();
    failed.detail = message;
    sendFileStatus({uri, failed});
    return reply(llvm::make_error<lsp::LSPError>(
        message, lsp::ErrorCode::RequestFailed));
  }
  sendFileStatus({uri, status});
  // A key that is not UTF-8 cannot travel in JSON (nor show in an editor):
  // its bytes become U+FFFD.
  if (!llvm::json::isUTF8(*text))
    *text = llvm::json::fixUTF8(*text);
  reply(llvm::json::Object{{"output", std::move(*text)}});
}

void LSPServer::onConvertToBytecode(const ConvertBytecodeParams &params,
                                    Callback<llvm::json::Value> reply) {
  // The open document's text is that of its latest version: parse it first.
  postRequest<llvm::json::Value>(
      params.uri, std::move(reply),
      [this, params](Callback<llvm::json::Value> reply, std::atomic<bool> &) {
        convertToBytecode(params, std::move(reply));
      });
}

void LSPServer::convertToBytecode(const ConvertBytecodeParams &params,
                                  Callback<llvm::json::Value> reply) {
  std::string text;
  if (params.text)
    text = *params.text;
  else if (auto open = server.getDocumentText(params.uri))
    text = *open;
  else
    return reply(llvm::make_error<lsp::LSPError>(
        "no text given and the document is not open: " + params.uri.uri().str(),
        lsp::ErrorCode::InvalidParams));
  auto fail = [&](llvm::Error e) {
    reply(llvm::make_error<lsp::LSPError>(llvm::toString(std::move(e)),
                                          lsp::ErrorCode::RequestFailed));
  };
  // A model read from a URL has no file to write back to (and its blobs are
  // only in this server's memory): the user makes a local copy first.
  std::string remote = server.getRemoteModel(params.uri);
  if (remote.empty() && isUrl(params.uri.uri()))
    remote = params.uri.uri().str();
  if (!remote.empty())
    return reply(llvm::make_error<lsp::LSPError>(
        remote +
            ": a remote model cannot be saved; make a local copy first "
            "(mlirscope rewrite " +
            remote +
            " -o local.mlirbc) and "
            "edit that",
        lsp::ErrorCode::RequestFailed));
  if (params.output) {
    if (!options.allowFileOutput)
      return reply(llvm::make_error<lsp::LSPError>(
          "this server does not write files (output)",
          lsp::ErrorCode::InvalidParams));
    if (auto e =
            guardedConvert(server, params.uri.file(), text, *params.output))
      return fail(std::move(e));
    uint64_t size = 0;
    llvm::sys::fs::file_size(*params.output, size);
    return reply(
        llvm::json::Object{{"path", *params.output}, {"bytes", int64_t(size)}});
  }
  // As upstream: the bytecode, base64-encoded.
  llvm::SmallString<128> tmp;
  if (std::error_code ec =
          llvm::sys::fs::createTemporaryFile("mlirscope-lsp", "mlirbc", tmp))
    return fail(llvm::createStringError(ec, "cannot create a temporary file"));
  llvm::Error e = guardedConvert(server, params.uri.file(), text, tmp);
  auto buffer = llvm::MemoryBuffer::getFile(tmp, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  llvm::sys::fs::remove(tmp);
  if (e)
    return fail(std::move(e));
  if (!buffer)
    return fail(llvm::createStringError(buffer.getError(), "cannot read %s",
                                        tmp.c_str()));
  reply(llvm::json::Object{
      {"output", llvm::encodeBase64((*buffer)->getBuffer())}});
}

void LSPServer::onOpenFile(const OpenFileParams &params,
                           Callback<llvm::json::Value> reply) {
  std::string path = params.path;
  std::optional<lsp::URIForFile> uri = params.uri;
  if (!uri && isUrl(path)) {
    // A model where it lives is shown under its own URL.
    auto fromUrl = lsp::URIForFile::fromURI(path);
    if (!fromUrl)
      return reply(llvm::make_error<lsp::LSPError>(
          llvm::toString(fromUrl.takeError()), lsp::ErrorCode::InvalidParams));
    uri = *fromUrl;
  }
  if (!uri) {
    llvm::SmallString<256> absolute(path);
    llvm::sys::fs::make_absolute(absolute);
    auto fromPath = lsp::URIForFile::fromFile(absolute);
    if (!fromPath)
      return reply(llvm::make_error<lsp::LSPError>(
          llvm::toString(fromPath.takeError()), lsp::ErrorCode::InvalidParams));
    uri = *fromPath;
  }
  postRequest<llvm::json::Value>(
      std::nullopt, std::move(reply),
      [this, path, uri = *uri](Callback<llvm::json::Value> reply,
                               std::atomic<bool> &cancel) {
        openModel(uri, path, "disk", std::move(reply), &cancel);
      });
}

//===----------------------------------------------------------------------===//
// Summary, tensor preview, export
//===----------------------------------------------------------------------===//

/// A chunk number from the client (1-based, as `--chunk`).
static llvm::Expected<std::optional<uint32_t>>
chunkParam(std::optional<int64_t> chunk) {
  if (!chunk)
    return std::nullopt;
  if (*chunk < 1 || *chunk > UINT32_MAX)
    return invalidParams("chunk numbers start at 1");
  return uint32_t(*chunk);
}

void LSPServer::onSummary(const SummaryParams &params,
                          Callback<llvm::json::Value> reply) {
  postRequest<llvm::json::Value>(
      params.uri, std::move(reply),
      [this, params](Callback<llvm::json::Value> reply, std::atomic<bool> &) {
        auto chunk = chunkParam(params.chunk);
        if (!chunk)
          return reply(chunk.takeError());
        // A from-disk model may shrink while its IR is read.
        std::optional<llvm::Expected<llvm::json::Value>> result;
        if (runGuarded([&] {
              result.emplace(server.getSummary(params.uri, *chunk));
            })) {
          if (!*result)
            llvm::consumeError(result->takeError());
          return reply(llvm::make_error<lsp::LSPError>(
              params.uri.file().str() +
                  ": changed on disk while it was read; reopen it",
              lsp::ErrorCode::RequestFailed));
        }
        reply(std::move(*result));
      });
}

/// At most this many weights in a `mlirscope/weights` reply unless the
/// client asks for another limit: a model may hold millions, and the reply
/// is one JSON message.
static constexpr int64_t kDefaultWeightLimit = 10000;

void LSPServer::onWeights(const WeightsParams &params,
                          Callback<llvm::json::Value> reply) {
  postRequest<llvm::json::Value>(
      params.uri, std::move(reply),
      [this, params](Callback<llvm::json::Value> reply, std::atomic<bool> &) {
        int64_t limit = params.limit.value_or(kDefaultWeightLimit);
        if (limit < 0)
          return reply(invalidParams("limit must not be negative"));
        reply(server.getWeights(params.uri, params.kind, uint64_t(limit)));
      });
}

struct LSPServer::JobProgressReporter {
  JobProgressReporter(LSPServer &lsp, std::optional<llvm::json::Value> token,
                      std::string title)
      : lsp(lsp), token(std::move(token)) {
    if (this->token)
      lsp.sendProgress({*this->token, llvm::json::Object{{"kind", "begin"},
                                                         {"title", title},
                                                         {"cancellable", true},
                                                         {"percentage", 0}}});
  }
  ~JobProgressReporter() {
    if (token)
      lsp.sendProgress({*token, llvm::json::Object{{"kind", "end"}}});
  }
  /// Called on the job's thread only.
  JobProgress callback() {
    if (!token)
      return {};
    return [this](double fraction) {
      int percent = int(std::clamp(fraction, 0.0, 1.0) * 100);
      if (percent <= last)
        return;
      last = percent;
      lsp.sendProgress({*token, llvm::json::Object{{"kind", "report"},
                                                   {"percentage", percent}}});
    };
  }
  LSPServer &lsp;
  std::optional<llvm::json::Value> token;
  int last = 0;
};

void LSPServer::onTensorPreview(const BlobParams &params,
                                Callback<llvm::json::Value> reply) {
  postRequest<llvm::json::Value>(
      params.uri, std::move(reply),
      [this, params](Callback<llvm::json::Value> reply,
                     std::atomic<bool> &cancel) {
        auto chunk = chunkParam(params.chunk);
        if (!chunk)
          return reply(chunk.takeError());
        PreviewRequest request;
        if (params.rowAxis)
          request.rowAxis =
              int(std::clamp<int64_t>(*params.rowAxis, -2, 1 << 20));
        if (params.colAxis)
          request.colAxis =
              int(std::clamp<int64_t>(*params.colAxis, -2, 1 << 20));
        if (params.fixed)
          request.fixed = *params.fixed;
        request.quick = params.quick.value_or(false);
        request.cheapBytes = server.getInlineStatsBytes();
        request.maxCells = unsigned(
            std::clamp<int64_t>(params.maxCells.value_or(256), 1, 2048));
        request.bins =
            unsigned(std::clamp<int64_t>(params.bins.value_or(64), 1, 4096));
        auto job = server.findBlob(params.uri, params.key, *chunk);
        if (!job)
          return reply(job.takeError());
        bool recheck = server.getRecheckFiles();
        scheduler.runJob([this, job = std::move(*job), request, recheck,
                          token = params.workDoneToken,
                          reply = std::move(reply),
                          cancel = &cancel]() mutable {
          std::optional<llvm::Expected<llvm::json::Value>> result;
          {
            JobProgressReporter progress(*this, token,
                                         "preview of " + job.weight->name);
            result.emplace(previewTensor(job, request, recheck,
                                         progress.callback(), cancel));
          }
          reply(std::move(*result));
        });
      });
}

void LSPServer::onExportResource(const BlobParams &params,
                                 Callback<llvm::json::Value> reply) {
  postRequest<llvm::json::Value>(
      params.uri, std::move(reply),
      [this, params](Callback<llvm::json::Value> reply,
                     std::atomic<bool> &cancel) {
        auto chunk = chunkParam(params.chunk);
        if (!chunk)
          return reply(chunk.takeError());
        if (!options.allowFileOutput)
          return reply(invalidParams("this server does not write files"));
        if (!params.path || !llvm::sys::path::is_absolute(*params.path))
          return reply(invalidParams("path must be an absolute path"));
        if (params.format && *params.format != "npy")
          return reply(invalidParams("format must be \"npy\""));
        auto job = server.findBlob(params.uri, params.key, *chunk);
        if (!job)
          return reply(job.takeError());
        bool recheck = server.getRecheckFiles();
        scheduler.runJob([this, job = std::move(*job), path = *params.path,
                          recheck, token = params.workDoneToken,
                          reply = std::move(reply),
                          cancel = &cancel]() mutable {
          std::optional<llvm::Expected<uint64_t>> bytes;
          {
            JobProgressReporter progress(*this, token,
                                         "export of " + job.weight->name);
            bytes.emplace(
                exportTensor(job, path, recheck, progress.callback(), cancel));
          }
          if (!*bytes)
            return reply(bytes->takeError());
          // Written and renamed: a cancel that came too late to stop it gets
          // the result (the file is there), not RequestCancelled.
          cancel->store(false);
          reply(llvm::json::Object{{"path", path}, {"bytes", **bytes}});
        });
      });
}

void LSPServer::statisticsReady(const std::string &uri,
                                const std::string &name) {
  auto parsed = lsp::URIForFile::fromURI(uri);
  if (!parsed) {
    llvm::consumeError(parsed.takeError());
    return;
  }
  sendStatisticsReady({*parsed, name});
  if (inlayHintRefresh)
    refreshInlayHints(nullptr, "mlirscope-inlay-refresh-" +
                                   std::to_string(nextRefreshId++));
}

/// How long background statistics run before they show a progress bar.
static constexpr std::chrono::milliseconds kStatsProgressDelay{300};

void LSPServer::statsProgress(uint64_t job, const std::string &name,
                              uint64_t done, uint64_t total) {
  if (!workDoneProgress)
    return;
  auto now = std::chrono::steady_clock::now();
  // computeStats reports from each of its threads: one at a time here.
  std::lock_guard<std::mutex> lock(statsProgressMutex);
  if (!statsReport || statsReport->job != job)
    statsReport = StatsReport{job, now, "", 0};
  StatsReport &r = *statsReport;
  if (done >= total) {
    if (!r.token.empty())
      sendProgress({r.token, llvm::json::Object{{"kind", "end"}}});
    statsReport.reset();
    return;
  }
  int percent = int(total ? done * 100 / total : 0);
  if (r.token.empty()) {
    if (now - r.start < kStatsProgressDelay)
      return;
    r.token = "mlirscope-stats-" + std::to_string(nextProgressToken++);
    r.percent = percent;
    createProgress(CreateProgressParams{r.token}, r.token);
    sendProgress(
        {r.token, llvm::json::Object{{"kind", "begin"},
                                     {"title", "statistics of " + name},
                                     {"cancellable", true},
                                     {"percentage", percent}}});
    return;
  }
  if (percent <= r.percent)
    return;
  r.percent = percent;
  sendProgress({r.token, llvm::json::Object{{"kind", "report"},
                                            {"percentage", percent}}});
}

void LSPServer::parseNow(PendingParse parse) {
  // "parsing" only where the index takes a while: a small document's is
  // ready within milliseconds, and the status would only flicker (and cost
  // the open a message). An edit re-parses the IR; the blocks it leaves are
  // not scanned again.
  bool small = parse.edited ? server.isSmallDocument(parse.uri)
                            : (parse.buffer ? parse.buffer->size()
                                            : parse.text.size()) <=
                                  MLIRScopeServer::kSmallIRBytes;
  if (!small) {
    FileStatus parsing;
    parsing.state = "parsing";
    parsing.mode = server.getMode(parse.uri).str();
    parsing.detail = "indexing " + parse.uri.file().str();
    sendFileStatus({parse.uri, parsing});
  }
  lsp::PublishDiagnosticsParams diags(parse.uri, parse.version);
  if (parse.edited)
    server.reindexDocument(parse.uri, parse.version, diags.diagnostics);
  else if (parse.buffer)
    server.addOrUpdateDocument(parse.uri, std::move(parse.buffer),
                               parse.version, diags.diagnostics);
  else
    server.addOrUpdateDocument(parse.uri, parse.text, parse.version,
                               diags.diagnostics);
  sendFileStatus({parse.uri, server.getFileStatus(parse.uri)});
  std::string().swap(parse.text);
  if (scheduler.isLatest(parse.uri.file(), parse.version))
    publishDiagnostics(diags);
  else
    Logger::info("not publishing diagnostics of {0} version {1}: outdated",
                 parse.uri.uri(), parse.version);
}

//===----------------------------------------------------------------------===//
// Entry point
//===----------------------------------------------------------------------===//

llvm::LogicalResult lspserver::runLSPServer(MLIRScopeServer &server,
                                            MessageInput &input,
                                            llvm::raw_ostream &output,
                                            MessageContext &context,
                                            const LSPServerOptions &options) {
  LSPServer s(server, context, options);
  // No thread ever blocks on the client reading (QueuedOutput.h), except in
  // -sync, whose transcripts read everything as it comes.
  QueuedOutput queued(output, !options.sync);
  // Writes only: messages are read and parsed by `input` (dispatchMessages),
  // never by JSONTransport::run, which would parse each one again.
  lsp::JSONTransport transport(std::unique_ptr<lsp::JSONTransportInput>(),
                               queued, options.prettyOutput);
  lsp::MessageHandler handler(transport);

  handler.method("initialize", &s, &LSPServer::onInitialize);
  handler.notification("initialized", &s, &LSPServer::onInitialized);
  handler.method("shutdown", &s, &LSPServer::onShutdown);
  handler.notification("$/cancelRequest", &s, &LSPServer::onCancelRequest);
  handler.notification("window/workDoneProgress/cancel", &s,
                       &LSPServer::onWorkDoneProgressCancel);

  handler.notification("textDocument/didOpen", &s,
                       &LSPServer::onDocumentDidOpen);
  handler.notification("textDocument/didClose", &s,
                       &LSPServer::onDocumentDidClose);
  handler.notification("textDocument/didChange", &s,
                       &LSPServer::onDocumentDidChange);

  handler.method("textDocument/hover", &s, &LSPServer::onHover);
  handler.method("textDocument/definition", &s, &LSPServer::onGoToDefinition);
  handler.method("textDocument/references", &s, &LSPServer::onReference);
  handler.method("textDocument/documentSymbol", &s,
                 &LSPServer::onDocumentSymbol);
  handler.method("textDocument/foldingRange", &s, &LSPServer::onFoldingRange);
  handler.method("textDocument/inlayHint", &s, &LSPServer::onInlayHint);
  handler.method("textDocument/completion", &s, &LSPServer::onCompletion);
  handler.method("textDocument/codeAction", &s, &LSPServer::onCodeAction);

  handler.method("mlir/convertFromBytecode", &s,
                 &LSPServer::onConvertFromBytecode);
  handler.method("mlir/convertToBytecode", &s, &LSPServer::onConvertToBytecode);
  handler.method("mlirscope/openFile", &s, &LSPServer::onOpenFile);
  handler.method("mlirscope/summary", &s, &LSPServer::onSummary);
  handler.method("mlirscope/weights", &s, &LSPServer::onWeights);
  handler.method("mlirscope/tensorPreview", &s, &LSPServer::onTensorPreview);
  handler.method("mlirscope/exportResource", &s, &LSPServer::onExportResource);
  handler.notification("workspace/didChangeConfiguration", &s,
                       &LSPServer::onDidChangeConfiguration);

  // Replies to input that was not JSON-RPC (made up by the input filter).
  handler.method(kParseErrorMethod, &s, &LSPServer::onParseError);
  handler.method(kInvalidRequestMethod, &s, &LSPServer::onInvalidRequest);

  s.publishDiagnostics =
      handler.outgoingNotification<lsp::PublishDiagnosticsParams>(
          "textDocument/publishDiagnostics");
  s.showMessage = handler.outgoingNotification<lsp::ShowMessageParams>(
      "window/showMessage");
  s.sendProgress = handler.outgoingNotification<ProgressParams>("$/progress");
  s.sendFileStatus =
      handler.outgoingNotification<FileStatusParams>("mlirscope/fileStatus");
  s.createProgress =
      handler.outgoingRequest<CreateProgressParams, std::nullptr_t>(
          "window/workDoneProgress/create",
          [](llvm::json::Value, llvm::Expected<std::nullptr_t> r) {
            if (!r)
              llvm::consumeError(r.takeError());
          });

  s.sendStatisticsReady = handler.outgoingNotification<StatisticsReadyParams>(
      "mlirscope/statisticsReady");
  s.refreshInlayHints = handler.outgoingRequest<std::nullptr_t, std::nullptr_t>(
      "workspace/inlayHint/refresh",
      [](llvm::json::Value, llvm::Expected<std::nullptr_t> r) {
        if (!r)
          llvm::consumeError(r.takeError());
      });

  s.scheduler.start();
  llvm::Error error = dispatchMessages(input, handler);
  // What was read before `exit` (or the end of input) is still answered;
  // statistics nobody will see are not computed.
  s.stats.stop();
  s.scheduler.stop();
  queued.drain();
  if (error) {
    Logger::error("Transport error: {0}", error);
    llvm::consumeError(std::move(error));
    return llvm::failure();
  }
  return llvm::success(s.shutdownRequestReceived);
}
