//===- Remote.h - Models read over HTTP and S3 ------------------*- C++ -*-===//
//
// A model where it lives: `https://`, `http://` and `s3://bucket/key` URLs
// open as a ByteSource that fetches only the bytes asked for, with HTTP range
// GETs (libcurl). The first request is a speculative range GET of the
// object's head (bytecode's header and leading sections in one round trip)
// whose Content-Range gives the size and whose ETag / Last-Modified pin the
// version every later request asks for (If-Match), so an object replaced
// while it is read stops with an error instead of mixing versions.
//
// Reads go through a bounded in-memory LRU block cache; a read that misses a
// run of blocks is one GET, several runs are fetched in parallel (the multi
// interface, connections reused), a large read is split into parallel parts
// of 8-16 MB. An optional on-disk cache keyed by URL and ETag makes a second
// run start warm with one revalidation request.
//
// Settings come from RemoteOptions, whose defaults read the environment:
//
//   MLIRSCOPE_REMOTE_BLOCK_SIZE   block of the caches, bytes (default 1 MiB)
//   MLIRSCOPE_REMOTE_CACHE_SIZE   in-memory cache budget, bytes (256 MiB)
//   MLIRSCOPE_REMOTE_FIRST_READ   the speculative first read, bytes (2 MiB)
//   MLIRSCOPE_REMOTE_PART_SIZE    part of a large read, bytes (16 MiB)
//   MLIRSCOPE_REMOTE_PARALLEL     transfers in flight at most (8)
//   MLIRSCOPE_REMOTE_RETRIES      attempts after a failed one (4)
//   MLIRSCOPE_REMOTE_TIMEOUT      seconds without a byte before a transfer
//                                 is retried (30)
//   MLIRSCOPE_REMOTE_CACHE_DIR    the on-disk cache; "off" disables it
//                                 (default $XDG_CACHE_HOME/mlirscope/remote,
//                                 else ~/.cache/mlirscope/remote); shared
//                                 safely by processes running at once
//   MLIRSCOPE_REMOTE_DISK_CACHE_SIZE  its budget, bytes on disk (10 GiB): the
//                                 least recently used models' entries are
//                                 removed when a model opens and closes
//   MLIRSCOPE_REMOTE_STATS        "1": print the counters to stderr when the
//                                 source closes (benchmarks, debugging)
//
// S3: credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
// AWS_SESSION_TOKEN, else profile AWS_PROFILE ("default") of
// ~/.aws/credentials (AWS_SHARED_CREDENTIALS_FILE); region from AWS_REGION /
// AWS_DEFAULT_REGION / ~/.aws/config (AWS_CONFIG_FILE), else us-east-1;
// AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL for S3-compatible stores (path-style
// addressing there). Requests are signed with libcurl's CURLOPT_AWS_SIGV4.
//
// Failure is normal input: every message starts with the URL and names the
// offset (`URL: offset N: HTTP 404 Not Found`). A server that ignores Range
// (200 instead of 206) is refused before its body is read; timeouts, dropped
// connections and 5xx are retried with bounded backoff; the cancel flag
// stops transfers at once.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_REMOTE_REMOTE_H
#define MLIRSCOPE_REMOTE_REMOTE_H

#include "mlirscope/Support/ByteSource.h"
#include "mlirscope/Support/Progress.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mlirscope {

/// What a remote source did, for front-ends to print (`--verbose`, a status
/// bar). Shared with whoever holds it; updated from any thread.
struct RemoteCounters {
  /// HTTP requests sent (retries included).
  std::atomic<uint64_t> requests{0};
  /// Batches of requests in flight together: what latency costs.
  std::atomic<uint64_t> roundTrips{0};
  /// Body bytes received.
  std::atomic<uint64_t> bytesFetched{0};
  /// Blocks found in the memory cache / read from the disk cache / fetched.
  std::atomic<uint64_t> cacheHits{0};
  std::atomic<uint64_t> diskHits{0};
  std::atomic<uint64_t> cacheMisses{0};
  /// Attempts repeated after a timeout, a dropped connection or a 5xx.
  std::atomic<uint64_t> retries{0};
};

/// One line: "12 requests in 3 round trips, 2.1 MB fetched, 40 cache hits".
std::string formatCounters(const RemoteCounters &counters);

struct RemoteOptions {
  /// Defaults from the environment (see the top of this file).
  static RemoteOptions fromEnvironment();

  uint64_t blockSize = 1 << 20;
  uint64_t cacheBudget = 256ull << 20;
  uint64_t firstRead = 2 << 20;
  uint64_t partSize = 16 << 20;
  unsigned maxParallel = 8;
  unsigned retries = 4;
  /// A transfer that receives nothing for this long is retried.
  unsigned stallSeconds = 30;
  /// The on-disk cache's folder; empty: no disk cache.
  std::string diskCacheDir;
  /// The on-disk cache's budget (bytes on disk; the entry in use is kept).
  uint64_t diskCacheBudget = 10ull << 30;
  /// Print the counters to stderr when the source closes.
  bool printCounters = false;
  /// Filled as the source works; made by openUrl when null.
  std::shared_ptr<RemoteCounters> counters;
  /// Told the bytes fetched so far (phase "fetching") as transfers go,
  /// from the threads that read; false, or its cancel flag, stops every
  /// transfer at once.
  Progress progress;
};

/// True for what openUrl opens (http://, https://, s3://).
bool isUrl(llvm::StringRef name);

/// Opens `url` with one request (the speculative first read). Errors start
/// with the URL: an unreachable host, 403/404 with the status, a server that
/// does not serve byte ranges.
llvm::Expected<std::unique_ptr<ByteSource>>
openUrl(llvm::StringRef url, const RemoteOptions &options);

/// Parameter archives (.irpa, .safetensors, .gguf) beside the model at
/// `url`, found as a local model's folder is searched for them. For
/// s3://bucket/dir/model: the objects of prefix dir/ (one ListObjectsV2,
/// signed as every request) with an archive's name. For http(s), which
/// lists nothing: `SCOPE.irpa`, `SCOPE.safetensors` and `SCOPE.gguf` beside
/// the URL for each of `scopes`, asked all at once with a one-byte range
/// GET each (404: not there, quietly). Their URLs, sorted; only names are
/// learned here. An error when an S3 listing is refused.
llvm::Expected<std::vector<std::string>>
findArchivesBeside(llvm::StringRef url, llvm::ArrayRef<std::string> scopes,
                   const RemoteOptions &options);

/// The whole of `source` in memory, fetched in large parallel parts with
/// progress, for readers that still need memory() (the text indexer). The
/// copy keeps the source's name and says isRemote(). Refused, with the size,
/// when it would not fit in half the machine's memory.
llvm::Expected<std::unique_ptr<ByteSource>>
fetchWholeIntoMemory(const ByteSource &source, const Progress &progress = {});

} // namespace mlirscope

#endif // MLIRSCOPE_REMOTE_REMOTE_H
