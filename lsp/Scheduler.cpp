//===- Scheduler.cpp - The threads of mlirscope-lsp and their queue -------===//

#include "Scheduler.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/LSP/Logging.h"

using namespace mlirscope;
using namespace mlirscope::lspserver;
using Clock = std::chrono::steady_clock;

/// The key of a request id in Scheduler::inFlight.
static std::string idKey(const llvm::json::Value &id) {
  return llvm::formatv("{0}", id).str();
}

void Scheduler::start() {
  worker = std::thread([this] { workerLoop(); });
}

void Scheduler::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    stopping = true;
    wake.notify_all();
  }
  if (worker.joinable())
    worker.join();
  // What is still in flight now runs on a job thread: cancel and join it.
  std::list<std::thread> running;
  {
    std::lock_guard<std::mutex> lock(mutex);
    for (auto &[id, flag] : inFlight)
      flag->store(true);
    running = std::move(jobs);
  }
  for (std::thread &t : running)
    t.join();
}

//===----------------------------------------------------------------------===//
// The thread reading messages
//===----------------------------------------------------------------------===//

void Scheduler::post(llvm::unique_function<void()> task) {
  std::unique_lock<std::mutex> lock(mutex);
  tasks.push_back(std::move(task));
  wake.notify_all();
  if (sync)
    idle.wait(lock, [&] { return tasks.empty() && !busy && jobsRunning == 0; });
}

Scheduler::Flag Scheduler::track(const std::optional<llvm::json::Value> &id,
                                 std::optional<std::string> &key) {
  if (id)
    key = idKey(*id);
  auto flag = std::make_shared<std::atomic<bool>>(false);
  if (key) {
    std::lock_guard<std::mutex> lock(mutex);
    inFlight[*key] = flag;
  }
  return flag;
}

void Scheduler::untrack(const std::optional<std::string> &key,
                        const Flag &flag) {
  if (!key)
    return;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = inFlight.find(*key);
  if (it != inFlight.end() && it->second == flag)
    inFlight.erase(it);
}

void Scheduler::cancel(const llvm::json::Value &id) {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = inFlight.find(idKey(id));
  if (it == inFlight.end()) {
    llvm::lsp::Logger::info("$/cancelRequest for {0}: not in flight", id);
    return;
  }
  it->second->store(true);
}

void Scheduler::noteVersion(llvm::StringRef file,
                            std::optional<int64_t> version) {
  std::lock_guard<std::mutex> lock(mutex);
  if (version)
    latestVersion[file.str()] = *version;
  else
    latestVersion.erase(file.str());
}

bool Scheduler::tryClaim(llvm::StringRef document) {
  std::lock_guard<std::mutex> lock(mutex);
  // Jobs (runJob) own what they read and never touch MLIRScopeServer.
  if (busy || !tasks.empty() || pending.count(document.str()))
    return false;
  claimed = true;
  return true;
}

void Scheduler::release() {
  std::lock_guard<std::mutex> lock(mutex);
  claimed = false;
  // A parse that came due meanwhile left the worker waiting for the claim
  // to end. Otherwise it sleeps on as it was: waking it for nothing would
  // cost each request answered here a context switch, on a loaded machine
  // more than the hand-off it saved.
  if (waitingForClaim)
    wake.notify_all();
}

//===----------------------------------------------------------------------===//
// The worker
//===----------------------------------------------------------------------===//

void Scheduler::workerLoop() {
  std::unique_lock<std::mutex> lock(mutex);
  while (true) {
    // The reading thread is answering a request with the server (tryClaim);
    // it posts nothing meanwhile.
    if (claimed) {
      waitingForClaim = true;
      wake.wait(lock);
      waitingForClaim = false;
      continue;
    }
    if (!tasks.empty()) {
      llvm::unique_function<void()> task = std::move(tasks.front());
      tasks.pop_front();
      busy = true;
      lock.unlock();
      task();
      task = nullptr; // its captures go on the worker, before idle
      lock.lock();
      busy = false;
      idle.notify_all();
      continue;
    }
    if (stopping)
      return; // pending parses are dropped
    auto next = pending.end();
    for (auto it = pending.begin(); it != pending.end(); ++it)
      if (next == pending.end() || it->second.due < next->second.due)
        next = it;
    if (next == pending.end()) {
      wake.wait(lock);
      continue;
    }
    if (Clock::now() < next->second.due) {
      wake.wait_until(lock, next->second.due);
      continue;
    }
    PendingParse due = std::move(next->second);
    pending.erase(next);
    busy = true;
    lock.unlock();
    parse(std::move(due));
    lock.lock();
    busy = false;
    idle.notify_all();
  }
}

void Scheduler::schedule(PendingParse p) {
  if (debounceMs == 0)
    return parse(std::move(p));
  p.due = Clock::now() + std::chrono::milliseconds(debounceMs);
  std::lock_guard<std::mutex> lock(mutex);
  std::string key = p.uri.file().str();
  pending[key] = std::move(p); // supersedes a pending parse
}

std::optional<PendingParse> Scheduler::takePending(llvm::StringRef file) {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = pending.find(file.str());
  if (it == pending.end())
    return std::nullopt;
  PendingParse p = std::move(it->second);
  pending.erase(it);
  return p;
}

void Scheduler::flush(llvm::StringRef file) {
  if (std::optional<PendingParse> p = takePending(file))
    parse(std::move(*p));
}

void Scheduler::flushAll() {
  while (true) {
    std::string key;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (pending.empty())
        return;
      key = pending.begin()->first;
    }
    flush(key);
  }
}

bool Scheduler::isLatest(llvm::StringRef file, int64_t version) {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = latestVersion.find(file.str());
  return it != latestVersion.end() && it->second == version;
}

void Scheduler::runJob(llvm::unique_function<void()> fn) {
  std::lock_guard<std::mutex> lock(mutex);
  // Threads that ended are joined here (at once: they only had to exit).
  for (std::thread::id id : endedJobs)
    for (auto it = jobs.begin(); it != jobs.end(); ++it)
      if (it->get_id() == id) {
        it->join();
        jobs.erase(it);
        break;
      }
  endedJobs.clear();
  ++jobsRunning;
  jobs.emplace_back([this, fn = std::move(fn)]() mutable {
    fn();
    fn = nullptr; // its captures (the reply, the index) go before idle
    std::lock_guard<std::mutex> lock(mutex);
    endedJobs.push_back(std::this_thread::get_id());
    --jobsRunning;
    idle.notify_all();
  });
}
