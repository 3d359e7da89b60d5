//===- Job.h - Work off the UI thread, with progress and cancel -*- C++ -*-===//
//
// Indexing, statistics, heatmap pooling, saves: everything that may take
// longer than a frame runs as a Job on its own thread. The UI polls
// `finished()` each frame and reads the result the work function left in
// state the two share; nothing here touches ImGui.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_VIEWER_JOB_H
#define MLIRSCOPE_VIEWER_JOB_H

#include "mlirscope/Support/Progress.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace mlirscope::view {

class Job {
public:
  /// Starts `work` on a new thread. It should poll `cancelled()` and report
  /// progress through `progress(done, total)`.
  static std::shared_ptr<Job> start(std::string label,
                                    std::function<void(Job &)> work) {
    auto job = std::shared_ptr<Job>(new Job(std::move(label)));
    ++running();
    job->thread = std::thread([j = job.get(), work = std::move(work)] {
      work(*j);
      j->isFinished.store(true, std::memory_order_release);
      --running();
      if (void (*wake)() = wakeUp().load())
        wake();
    });
    return job;
  }
  /// Cancels and waits.
  ~Job() {
    cancel.store(true);
    if (thread.joinable())
      thread.join();
  }

  const std::string &label() const { return name; }
  bool finished() const { return isFinished.load(std::memory_order_acquire); }
  bool cancelled() const { return cancel.load(std::memory_order_relaxed); }
  void requestCancel() { cancel.store(true); }
  /// A progress callback in the shape core takes; false once cancelled.
  bool progress(uint64_t d, uint64_t t) {
    done.store(d, std::memory_order_relaxed);
    total.store(t, std::memory_order_relaxed);
    return !cancelled();
  }
  float fraction() const {
    uint64_t t = total.load(), d = done.load();
    return t ? float(double(d) / double(t)) : 0.f;
  }
  /// The address core's options take for cancellation.
  std::atomic<bool> *cancelFlag() { return &cancel; }
  /// This job as core's progress: reports into the job, cancelled with it.
  mlirscope::Progress reporter() {
    return mlirscope::Progress(
        [this](uint64_t d, uint64_t t) { return progress(d, t); }, &cancel);
  }

  /// Jobs started and not finished, in the whole process (scripts wait for
  /// zero).
  static std::atomic<int> &running() {
    static std::atomic<int> count{0};
    return count;
  }

  /// Called on the worker when any job finishes (the app wakes its event
  /// loop, which sleeps while jobs run instead of drawing frames that would
  /// take the workers' cores).
  static std::atomic<void (*)()> &wakeUp() {
    static std::atomic<void (*)()> hook{nullptr};
    return hook;
  }

private:
  explicit Job(std::string label) : name(std::move(label)) {}
  std::string name;
  std::thread thread;
  std::atomic<bool> cancel{false}, isFinished{false};
  std::atomic<uint64_t> done{0}, total{0};
};

} // namespace mlirscope::view

#endif
