//===- Scheduler.h - Threads, debounce and cancellation ---------*- C++ -*-===//
//
// Where and when the server's work runs. The thread reading messages
// (dispatchMessages) decodes each one and posts a task; one worker thread
// runs the tasks in the order they came, and alone touches MLIRScopeServer
// (it is not thread-safe), except while the reading thread has claimed it
// for a request cheaper than the hand-off (tryClaim). Edits are parsed after a
// debounce delay, a newer edit of the document superseding the pending parse; a
// request on a document first runs its pending parse. Requests can be cancelled
// (`$/cancelRequest`) until they are answered. Reading a whole blob takes
// seconds: such jobs run on threads of their own (runJob) so the worker goes
// on meanwhile. See README.md ("Threads", "Debounce", "Cancellation").
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LSP_SCHEDULER_H
#define MLIRSCOPE_LSP_SCHEDULER_H

#include "llvm/ADT/FunctionExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/LSP/Protocol.h"
#include "llvm/Support/LSP/Transport.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace mlirscope {
namespace lspserver {

/// A document text waiting for its parse (see Scheduler::schedule).
class TextBuffer;

struct PendingParse {
  llvm::lsp::URIForFile uri;
  std::string text;
  /// Instead of `text`: a large text, in the buffer the document keeps.
  std::shared_ptr<TextBuffer> buffer;
  /// The text is the server's copy, already edited (didChange): re-index
  /// it (`text` is empty).
  bool edited = false;
  int64_t version = 0;
  std::chrono::steady_clock::time_point due;
};

class Scheduler {
public:
  /// `parse` parses a document and publishes what it found; it runs on the
  /// worker. `debounceMs` is the delay from an edit to its parse (0: at once).
  /// With `sync`, post returns only once the worker and every job are idle.
  Scheduler(unsigned debounceMs, bool sync,
            llvm::unique_function<void(PendingParse)> parse)
      : debounceMs(debounceMs), sync(sync), parse(std::move(parse)) {}

  /// Starts the worker.
  void start();
  /// Runs what is queued, drops pending parses, joins the worker, then
  /// cancels the jobs still running and joins them.
  void stop();

  //===--------------------------------------------------------------------===//
  // The thread reading messages
  //===--------------------------------------------------------------------===//

  /// Queues `task` for the worker.
  void post(llvm::unique_function<void()> task);
  /// Posts a request: registers its cancellation flag under `id` (none for a
  /// request made up by the input side without one), runs the pending parse
  /// of `document` (a file path) first if there is one, and replies
  /// RequestCancelled instead of any result once the flag is set (also when
  /// it was set before the request started).
  template <typename T>
  void postRequest(
      const std::optional<llvm::json::Value> &id,
      std::optional<std::string> document, llvm::lsp::Callback<T> reply,
      llvm::unique_function<void(llvm::lsp::Callback<T>, std::atomic<bool> &)>
          body);
  /// `$/cancelRequest`: sets the flag of request `id` if it is in flight.
  void cancel(const llvm::json::Value &id);
  /// Records the latest version of the document at `file` the reader has
  /// seen (none: it was closed).
  void noteVersion(llvm::StringRef file, std::optional<int64_t> version);
  /// Claims what the worker alone touches (MLIRScopeServer) for the reading
  /// thread, to answer a request there: a hand-off to the worker costs
  /// more than a small request itself. Succeeds only when the worker is
  /// idle with no task queued and no parse of `document` (a file path)
  /// waits for its debounce. Until release(), the
  /// worker starts nothing (not even a parse that comes due).
  ///
  /// Why the request sees every edit that came before it: each didChange
  /// and didOpen posts its task before the next message is read, and the
  /// reading thread is the only one that posts; an empty queue and an idle
  /// worker mean those tasks have run to their end (the mutex orders their
  /// writes before this read). What they left for later is a pending parse,
  /// and a pending parse of `document` makes the claim fail: the request
  /// then goes to the worker, which runs that parse first.
  bool tryClaim(llvm::StringRef document);
  /// Gives the worker back what tryClaim claimed.
  void release();

  //===--------------------------------------------------------------------===//
  // The worker
  //===--------------------------------------------------------------------===//

  /// Parses `parse` now (debounce 0) or at its due time, superseding a
  /// parse of the same document still pending.
  void schedule(PendingParse parse);
  /// Takes the pending parse of `file` out of the queue, if any.
  std::optional<PendingParse> takePending(llvm::StringRef file);
  /// Runs the pending parse of `file`, if any.
  void flush(llvm::StringRef file);
  /// Runs every pending parse.
  void flushAll();
  /// Whether `version` is the latest of `file` the reader has seen: an older
  /// parse publishes no diagnostics.
  bool isLatest(llvm::StringRef file, int64_t version);
  /// Runs `fn` on a thread of its own. In sync mode the worker counts as
  /// busy until it ends.
  void runJob(llvm::unique_function<void()> fn);

private:
  using Flag = std::shared_ptr<std::atomic<bool>>;
  /// A new cancellation flag, registered under `id` if there is one; `key`
  /// is set to the key it is registered under.
  Flag track(const std::optional<llvm::json::Value> &id,
             std::optional<std::string> &key);
  /// Unregisters `flag` (a later request may have reused the id).
  void untrack(const std::optional<std::string> &key, const Flag &flag);
  void workerLoop();

  const unsigned debounceMs;
  const bool sync;
  llvm::unique_function<void(PendingParse)> parse;

  std::thread worker;
  /// Guards everything below.
  std::mutex mutex;
  std::condition_variable wake, idle;
  std::deque<llvm::unique_function<void()>> tasks;
  bool busy = false, stopping = false;
  /// The reading thread holds the worker's state (tryClaim).
  bool claimed = false;
  /// The worker waits for release() (it had something to do meanwhile).
  bool waitingForClaim = false;
  /// Threads of jobs (runJob), those that ended to be joined, and how many
  /// still run.
  std::list<std::thread> jobs;
  std::vector<std::thread::id> endedJobs;
  unsigned jobsRunning = 0;
  /// Parses waiting for their due time, by file path.
  std::map<std::string, PendingParse> pending;
  /// The version of each open document in the latest didOpen/didChange the
  /// reader has seen.
  std::map<std::string, int64_t> latestVersion;
  /// Cancellation flags of the requests not yet answered, by id.
  std::map<std::string, Flag> inFlight;
};

template <typename T>
void Scheduler::postRequest(
    const std::optional<llvm::json::Value> &id,
    std::optional<std::string> document, llvm::lsp::Callback<T> reply,
    llvm::unique_function<void(llvm::lsp::Callback<T>, std::atomic<bool> &)>
        body) {
  std::optional<std::string> key;
  Flag flag = track(id, key);
  llvm::lsp::Callback<T> done = [this, key, flag, reply = std::move(reply)](
                                    llvm::Expected<T> result) mutable {
    untrack(key, flag);
    if (flag->load()) {
      if (!result)
        llvm::consumeError(result.takeError());
      return reply(llvm::make_error<llvm::lsp::LSPError>(
          "request cancelled", llvm::lsp::ErrorCode::RequestCancelled));
    }
    reply(std::move(result));
  };
  post([this, document = std::move(document), flag, done = std::move(done),
        body = std::move(body)]() mutable {
    if (flag->load())
      return done(llvm::make_error<llvm::lsp::LSPError>(
          "request cancelled", llvm::lsp::ErrorCode::RequestCancelled));
    // Requests on a document see its latest version: a parse still waiting
    // for its debounce runs now.
    if (document)
      flush(*document);
    body(std::move(done), *flag);
  });
}

} // namespace lspserver
} // namespace mlirscope

#endif // MLIRSCOPE_LSP_SCHEDULER_H
