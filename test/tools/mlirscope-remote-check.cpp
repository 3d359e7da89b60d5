//===- mlirscope-remote-check.cpp - A remote source against its file ------===//
//
// Reads a URL through openUrl the ways core will (read() spans inside a
// block and across blocks, readAt, reads after prefetch and populate hints,
// reads larger than a quarter of the cache), from several threads at once,
// at seeded random places, and checks every byte against the same file
// mapped locally:
//
//   mlirscope-remote-check URL FILE [--reads N] [--threads T] [--seed S]
//   mlirscope-remote-check URL FILE --cancel-after-ms MS
//
// Prints "N reads equal" and the counters, or the first difference (exit 1).
// With --cancel-after-ms, reads the whole object and sets the cancel flag
// after MS milliseconds from another thread, and prints how the read ended.
// The cache's shape comes from the MLIRSCOPE_REMOTE_* variables (Remote.h),
// so a test can make blocks small and the budget tight.
//
//===----------------------------------------------------------------------===//

#include "mlirscope/Remote/Remote.h"
#include "mlirscope/Support/MappedFile.h"

#include "llvm/Support/raw_ostream.h"

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace mlirscope;

int main(int argc, char **argv) {
  std::vector<std::string> pos;
  unsigned reads = 200, threads = 4, seed = 1, cancelAfterMs = 0;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--reads" && i + 1 < argc)
      reads = std::stoul(argv[++i]);
    else if (a == "--threads" && i + 1 < argc)
      threads = std::stoul(argv[++i]);
    else if (a == "--seed" && i + 1 < argc)
      seed = std::stoul(argv[++i]);
    else if (a == "--cancel-after-ms" && i + 1 < argc)
      cancelAfterMs = std::stoul(argv[++i]);
    else
      pos.push_back(a);
  }
  if (pos.size() != 2) {
    llvm::errs() << "usage: mlirscope-remote-check URL FILE [--reads N] "
                    "[--threads T] [--seed S]\n";
    return 2;
  }
  RemoteOptions options = RemoteOptions::fromEnvironment();
  options.counters = std::make_shared<RemoteCounters>();
  std::atomic<bool> cancel{false};
  options.progress = Progress(&cancel);
  auto remote = openUrl(pos[0], options);
  if (!remote) {
    llvm::errs() << llvm::toString(remote.takeError()) << "\n";
    return 1;
  }
  auto local = MappedFile::open(pos[1]);
  if (!local) {
    llvm::errs() << llvm::toString(local.takeError()) << "\n";
    return 1;
  }
  const ByteSource &r = **remote;
  if (cancelAfterMs) {
    std::thread canceller([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(cancelAfterMs));
      cancel = true;
    });
    auto span = r.read(0, r.size());
    canceller.join();
    llvm::outs() << "whole read: "
                 << (span ? std::string("done")
                          : llvm::toString(span.takeError()))
                 << "\n";
    return 0;
  }
  const uint8_t *want = (*local)->data();
  uint64_t size = (*local)->size();
  if (r.size() != size) {
    llvm::errs() << "size " << r.size() << " instead of " << size << "\n";
    return 1;
  }
  std::mutex outMutex;
  std::atomic<bool> failed{false};
  auto fail = [&](const std::string &what) {
    std::lock_guard<std::mutex> lock(outMutex);
    if (!failed.exchange(true))
      llvm::errs() << what << "\n";
  };
  uint64_t block = options.blockSize, large = options.cacheBudget / 4 + 1;
  auto worker = [&](unsigned id) {
    std::mt19937_64 rng(seed * 7919 + id);
    for (unsigned i = id; i < reads && !failed; i += threads) {
      // Sizes: a few bytes, up to three blocks, or a large read.
      unsigned kind = rng() % 8;
      uint64_t n = kind < 3   ? 1 + rng() % 64
                   : kind < 7 ? 1 + rng() % (3 * block)
                              : large + rng() % block;
      n = std::min(n, size);
      uint64_t offset = rng() % (size - n + 1);
      std::string where = "read " + std::to_string(i) + " at " +
                          std::to_string(offset) + " of " + std::to_string(n);
      unsigned how = rng() % 4;
      if (how == 2)
        r.prefetch(offset, n);
      if (how == 3)
        r.populate(offset, n);
      if (how == 1) {
        std::vector<uint8_t> buf(n);
        size_t got = r.readAt(offset, buf.data(), n);
        if (got != n) {
          llvm::Error e = r.takeReadError();
          fail(where + ": readAt got " + std::to_string(got) + ": " +
               llvm::toString(std::move(e)));
        } else if (std::memcmp(buf.data(), want + offset, n) != 0) {
          fail(where + ": readAt bytes differ");
        }
        continue;
      }
      auto span = r.read(offset, n);
      if (!span) {
        fail(where + ": " + llvm::toString(span.takeError()));
        continue;
      }
      if (span->size() != n || std::memcmp(span->begin(), want + offset, n))
        fail(where + ": read bytes differ");
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back(worker, t);
  for (std::thread &t : pool)
    t.join();
  // Past the end: an error that names the URL and the offset, no bytes.
  auto past = r.read(size, 1);
  if (past) {
    fail("a read past the end succeeded");
  } else {
    std::string m = llvm::toString(past.takeError());
    llvm::outs() << "past the end: " << m << "\n";
  }
  uint8_t byte;
  if (r.readAt(size, &byte, 1) != 0)
    fail("a readAt past the end returned bytes");
  if (failed)
    return 1;
  llvm::outs() << reads << " reads equal; " << formatCounters(*options.counters)
               << "\n";
  return 0;
}
