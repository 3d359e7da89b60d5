//===- WeightStream.cpp - Whole-weight passes in bounded windows ----------===//
//
// kWindowsInMemory - 1 fetch threads take windows in order and read each into
// the slot of its number (window w uses slot w % kWindowsInMemory), waiting
// while that slot still holds a window the caller has not finished; the
// calling thread takes the windows in order as they arrive. The fetch threads
// run under the caller's cancel flag (ThreadCancelScope), so a cancel stops
// their transfers mid-window.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Blob/WeightStream.h"
#include "mlirscope/Support/FormatError.h"

#include "llvm/ADT/Twine.h"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using namespace mlirscope;

uint64_t mlirscope::streamWindowBytes() {
  if (const char *v = std::getenv("MLIRSCOPE_STREAM_WINDOW")) {
    char *end = nullptr;
    unsigned long long n = std::strtoull(v, &end, 10);
    if (end != v && *end == '\0')
      return std::max<uint64_t>(n, 64);
  }
  return 64ull << 20;
}

llvm::Error mlirscope::streamElements(
    const WeightView &view, uint64_t first, uint64_t count,
    const Progress &progress,
    llvm::function_ref<llvm::Error(uint64_t, uint64_t, const uint8_t *)> fn) {
  const uint64_t esz = dtypeSize(view.getDType());
  const uint64_t windowBytes = streamWindowBytes();
  const uint64_t per = std::max<uint64_t>(1, windowBytes / esz);
  // Window edges at multiples of the window size in the source where
  // elements allow (the first window is shorter): a remote source's blocks
  // then never straddle two windows, and no edge block is fetched twice.
  uint64_t lead = std::min(per, count);
  const uint64_t start = view.getDataOffset() + first * esz;
  if (windowBytes % esz == 0 && start % esz == 0)
    lead = std::min(count, (windowBytes - start % windowBytes) / esz);
  const uint64_t numWindows =
      count == 0 ? 0 : 1 + (count - lead + per - 1) / per;
  auto windowOf = [&](uint64_t w) {
    uint64_t at = w == 0 ? first : first + lead + (w - 1) * per;
    uint64_t end = w == 0 ? first + lead : at + per;
    return std::make_pair(at, std::min(end, first + count) - at);
  };

  // Bytes already in memory (a mapping, hex digits, a splat): no threads.
  if (!view.isStreamed()) {
    std::vector<uint8_t> buffer;
    for (uint64_t w = 0; w < numWindows; ++w) {
      if (progress.isCancelled())
        return cancelledError();
      auto [at, n] = windowOf(w);
      buffer.resize(size_t(n * esz));
      view.readBytes(at, n, buffer.data());
      if (llvm::Error e = fn(at, n, buffer.data()))
        return e;
    }
    return llvm::Error::success();
  }

  const ByteSource &source = view.getSource();
  constexpr unsigned kSlots = kWindowsInMemory;
  struct Slot {
    std::vector<uint8_t> bytes;
    int64_t window = -1; // the window the bytes hold, once read
    std::string error;   // why reading it failed
  };
  std::vector<Slot> slots(kSlots);
  std::mutex mutex;
  std::condition_variable changed;
  uint64_t nextToFetch = 0, consumed = 0;
  bool stop = false;

  auto fetcher = [&] {
    ThreadCancelScope scope(progress);
    std::unique_lock<std::mutex> lock(mutex);
    while (true) {
      if (stop || nextToFetch >= numWindows)
        return;
      uint64_t w = nextToFetch++;
      changed.wait(lock, [&] { return stop || w < consumed + kSlots; });
      if (stop)
        return;
      Slot &slot = slots[w % kSlots];
      lock.unlock();
      auto [at, n] = windowOf(w);
      uint64_t offset = view.getDataOffset() + at * esz;
      std::vector<uint8_t> bytes = std::move(slot.bytes);
      bytes.resize(size_t(n * esz));
      std::string error;
      if (source.readAt(offset, bytes.data(), bytes.size()) != bytes.size()) {
        llvm::Error e = source.takeReadError();
        if (!e)
          e = makeFormatError(source.getName(), offset,
                              llvm::Twine(bytes.size()) +
                                  " bytes of the weight '" +
                                  view.getWeight().name + "'");
        error = llvm::toString(std::move(e));
        if (error.empty())
          error = source.getName() + ": offset " + std::to_string(offset) +
                  ": read failed";
      }
      lock.lock();
      slot.bytes = std::move(bytes);
      slot.error = std::move(error);
      slot.window = int64_t(w);
      changed.notify_all();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t + 1 < kSlots && t < numWindows; ++t)
    pool.emplace_back(fetcher);
  auto finish = [&](llvm::Error e) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      stop = true;
    }
    changed.notify_all();
    for (std::thread &t : pool)
      t.join();
    return e;
  };

  for (uint64_t w = 0; w < numWindows; ++w) {
    Slot *slot = &slots[w % kSlots];
    {
      std::unique_lock<std::mutex> lock(mutex);
      // Woken by every window read; checks the cancel flag at least every
      // 50 ms while a slow window comes in.
      while (slot->window != int64_t(w) && !progress.isCancelled())
        changed.wait_for(lock, std::chrono::milliseconds(50));
    }
    if (progress.isCancelled())
      return finish(cancelledError());
    if (!slot->error.empty()) {
      // A read the cancel flag stopped says "cancelled" as any cancel does.
      if (progress.isCancelled())
        return finish(cancelledError());
      return finish(
          llvm::createStringError(llvm::inconvertibleErrorCode(), slot->error));
    }
    auto [at, n] = windowOf(w);
    if (llvm::Error e = fn(at, n, slot->bytes.data()))
      return finish(std::move(e));
    {
      std::lock_guard<std::mutex> lock(mutex);
      ++consumed;
    }
    changed.notify_all();
  }
  return finish(llvm::Error::success());
}
