//===- StatsJobs.h - Hover statistics, in the background -------*- C++ -*-===//
//
// A hover answers from the index at once; the statistics of a weight too
// large to read within a keystroke (Server.h: setInlineStatsBytes) are
// computed here, on a thread of the Scheduler's (runJob), one weight at a
// time (computeStats already uses every core). A job is cancelled through
// core's Progress cancel flag when it is no longer wanted: its document
// changed or closed, a newer hover asked for another weight, the server
// stops. When the statistics are in the document's StatsCache, `ready` is
// called (on the job's thread): LSPServer.cpp tells the client, whose next
// hover then shows them. A failure is remembered so that the hover shows it
// instead of asking again. How far a job got is told to `report` (the
// server turns it into `$/progress` for the jobs that take long), and a job
// is cancelled by its id too (the client's cancel of that progress).
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LSP_STATSJOBS_H
#define MLIRSCOPE_LSP_STATSJOBS_H

#include "Server.h"

#include "mlirscope/Blob/BlobStats.h"

#include <atomic>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

namespace mlirscope {
namespace lspserver {

class Scheduler;

/// The statistics a hover shows: the cache key of hovers (computed in the
/// hover itself or here) is the same.
StatsOptions hoverStatsOptions();

class StatsJobs {
public:
  /// Called with (uri, weight name) once the statistics are cached or have
  /// failed.
  using Ready = std::function<void(const std::string &, const std::string &)>;
  /// Called on the job's thread with (job id, weight name, bytes done,
  /// bytes total): once with 0 done when the job starts, as it reads (maybe
  /// from several threads at once), and once with done == total when it
  /// ends, however it ends.
  using Report =
      std::function<void(uint64_t, const std::string &, uint64_t, uint64_t)>;
  StatsJobs(Scheduler &scheduler, Ready ready, Report report = {})
      : scheduler(scheduler), ready(std::move(ready)),
        report(std::move(report)) {}

  /// Computes the statistics of `job.weight` of the document `uri` in the
  /// background, unless they are already queued or running; any other job
  /// is cancelled (a newer hover elsewhere).
  void request(const std::string &uri, BlobJob job, bool recheckFiles);
  /// Cancels every job (a hover on something else, or off weights).
  void cancelAll();
  /// Cancels the jobs on `uri` and forgets its failures (it changed or
  /// closed).
  void cancelDocument(const std::string &uri);
  /// Cancels job `id` if it is queued or running; false if there is none.
  bool cancelJob(uint64_t id);
  /// Cancels everything and refuses new jobs (the server stops).
  void stop();
  /// Why the statistics of weight `name` of `uri` could not be computed, if
  /// they failed.
  std::optional<std::string> failure(const std::string &uri,
                                     const std::string &name);
  /// How many jobs are queued or running (tests, through the log).
  size_t pending();

private:
  struct Job {
    std::string uri, name;
    uint64_t id = 0;
    BlobJob blob;
    bool recheckFiles = true;
    std::shared_ptr<std::atomic<bool>> cancel =
        std::make_shared<std::atomic<bool>>(false);
  };
  /// Runs the queued jobs one after the other, on a job thread.
  void drain();
  /// Computes one job's statistics into its cache; the error otherwise
  /// (nullopt when it was cancelled).
  std::optional<std::string> run(const Job &job);

  Scheduler &scheduler;
  Ready ready;
  Report report;
  std::mutex mutex;
  uint64_t nextId = 0;
  std::deque<Job> queue;
  /// The job being computed, if any.
  std::optional<Job> running;
  bool draining = false, stopped = false;
  /// Failures by uri, then weight name.
  std::map<std::string, std::map<std::string, std::string>> failures;
};

} // namespace lspserver
} // namespace mlirscope

#endif // MLIRSCOPE_LSP_STATSJOBS_H
