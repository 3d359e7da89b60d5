//===- StatsJobs.cpp - Hover statistics, in the background ----------------===//

#include "StatsJobs.h"
#include "Scheduler.h"

#include "mlirscope/Archive/ParameterArchive.h"
#include "mlirscope/Blob/WeightView.h"
#include "mlirscope/Support/FaultGuard.h"

using namespace mlirscope;
using namespace mlirscope::lspserver;

StatsOptions lspserver::hoverStatsOptions() {
  StatsOptions options;
  options.bins = 8;
  options.firstValues = 8;
  return options;
}

void StatsJobs::request(const std::string &uri, BlobJob blob,
                        bool recheckFiles) {
  std::lock_guard<std::mutex> lock(mutex);
  if (stopped)
    return;
  const std::string &name = blob.weight->name;
  auto same = [&](const Job &j) { return j.uri == uri && j.name == name; };
  bool wanted = false;
  // A job cancelled but still winding down does not count: a hover back on
  // its weight right after a hover elsewhere wants it again.
  if (running && !running->cancel->load()) {
    if (same(*running))
      wanted = true;
    else
      running->cancel->store(true);
  }
  for (auto it = queue.begin(); it != queue.end();) {
    if (same(*it)) {
      wanted = true;
      ++it;
      continue;
    }
    it = queue.erase(it);
  }
  if (wanted)
    return;
  Job job;
  job.uri = uri;
  job.name = name;
  job.id = nextId++;
  job.blob = std::move(blob);
  job.recheckFiles = recheckFiles;
  queue.push_back(std::move(job));
  if (!draining) {
    draining = true;
    scheduler.runJob([this] { drain(); });
  }
}

void StatsJobs::cancelAll() {
  std::lock_guard<std::mutex> lock(mutex);
  queue.clear();
  if (running)
    running->cancel->store(true);
}

void StatsJobs::cancelDocument(const std::string &uri) {
  std::lock_guard<std::mutex> lock(mutex);
  for (auto it = queue.begin(); it != queue.end();)
    it = it->uri == uri ? queue.erase(it) : std::next(it);
  if (running && running->uri == uri)
    running->cancel->store(true);
  failures.erase(uri);
}

bool StatsJobs::cancelJob(uint64_t id) {
  std::lock_guard<std::mutex> lock(mutex);
  for (auto it = queue.begin(); it != queue.end(); ++it)
    if (it->id == id) {
      queue.erase(it);
      return true;
    }
  if (running && running->id == id && !running->cancel->load()) {
    running->cancel->store(true);
    return true;
  }
  return false;
}

void StatsJobs::stop() {
  std::lock_guard<std::mutex> lock(mutex);
  stopped = true;
  queue.clear();
  if (running)
    running->cancel->store(true);
}

std::optional<std::string> StatsJobs::failure(const std::string &uri,
                                              const std::string &name) {
  std::lock_guard<std::mutex> lock(mutex);
  auto doc = failures.find(uri);
  if (doc == failures.end())
    return std::nullopt;
  auto it = doc->second.find(name);
  if (it == doc->second.end())
    return std::nullopt;
  return it->second;
}

size_t StatsJobs::pending() {
  std::lock_guard<std::mutex> lock(mutex);
  return queue.size() + (running ? 1 : 0);
}

void StatsJobs::drain() {
  std::unique_lock<std::mutex> lock(mutex);
  while (!queue.empty() && !stopped) {
    running = std::move(queue.front());
    queue.pop_front();
    Job job = *running;
    lock.unlock();
    std::optional<std::string> error = run(job);
    if (report) {
      uint64_t bytes = job.blob.weight->size;
      report(job.id, job.name, bytes, bytes);
    }
    bool cancelled = job.cancel->load();
    lock.lock();
    running.reset();
    if (cancelled)
      continue;
    if (error)
      failures[job.uri][job.name] = *error;
    // Told without the lock: the client may ask again at once.
    lock.unlock();
    ready(job.uri, job.name);
    lock.lock();
  }
  queue.clear();
  draining = false;
}

std::optional<std::string> StatsJobs::run(const Job &job) {
  const ModelIndex &index = *job.blob.index;
  const Weight &w = *job.blob.weight;
  // A model on disk may have changed since it was indexed: reading its
  // mapping past a new end would fault.
  if (job.recheckFiles) {
    if (job.blob.onDisk)
      if (llvm::Error e = checkUnchanged(*index.file))
        return llvm::toString(std::move(e));
    if (w.kind == WeightKind::Parameter && w.archive != kNone)
      if (llvm::Error e =
              checkUnchanged(*index.archives[w.archive].archive->file))
        return llvm::toString(std::move(e));
  }
  std::optional<std::string> error;
  bool faulted = runGuarded([&] {
    auto view = WeightView::get(index, w);
    if (!view) {
      error = llvm::toString(view.takeError());
      return;
    }
    StatsOptions options = hoverStatsOptions();
    options.progress = Progress(job.cancel.get());
    if (report) {
      report(job.id, job.name, 0, view->sizeInBytes());
      options.progress = Progress(
          [&](uint64_t done, uint64_t total) {
            // The end is told once, by drain, however the job ends.
            if (done < total)
              report(job.id, job.name, done, total);
          },
          job.cancel.get());
    }
    auto stats = job.blob.stats->get(index, *view, options);
    if (!stats)
      error = llvm::toString(stats.takeError());
  });
  if (faulted) {
    const std::string &file =
        w.kind == WeightKind::Parameter && w.archive != kNone
            ? index.archives[w.archive].path
            : index.file->getName();
    return file + ": changed on disk while it was read; reopen it";
  }
  return error;
}
