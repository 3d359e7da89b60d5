//===- HttpTransport.cpp - Byte ranges of one object over HTTP ------------===//

#include "HttpTransport.h"

#include "mlirscope/Support/Version.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Errc.h"

#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

using namespace mlirscope;
using namespace mlirscope::remote;

namespace {
using Clock = std::chrono::steady_clock;

void initCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

llvm::Error error(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 message.str().c_str());
}

/// Transient failures: worth another attempt.
bool isRetryable(CURLcode code) {
  switch (code) {
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_COULDNT_CONNECT:
  case CURLE_RECV_ERROR:
  case CURLE_SEND_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM:
  case CURLE_SSL_CONNECT_ERROR:
    return true;
  default:
    return false;
  }
}

bool isRetryableStatus(long status) {
  return status >= 500 || status == 429 || status == 408;
}

/// "bytes 0-99/1000" (or "bytes */1000") into its numbers.
bool parseContentRange(llvm::StringRef v, uint64_t &first, uint64_t &last,
                       uint64_t &total, bool &unsatisfied) {
  v = v.trim();
  if (!v.consume_front_insensitive("bytes"))
    return false;
  v = v.ltrim();
  auto [range, tot] = v.split('/');
  if (tot.trim().getAsInteger(10, total))
    return false;
  unsatisfied = range.trim() == "*";
  if (unsatisfied)
    return true;
  auto [a, b] = range.split('-');
  return !a.trim().getAsInteger(10, first) &&
         !b.trim().getAsInteger(10, last) && first <= last && last < total;
}

/// S3 and its clones explain a refusal in XML: <Code>X</Code>.
std::string s3ErrorCode(llvm::StringRef body) {
  size_t a = body.find("<Code>");
  size_t b = body.find("</Code>");
  if (a == llvm::StringRef::npos || b == llvm::StringRef::npos || b < a)
    return {};
  return body.substr(a + 6, b - a - 6).str();
}
} // namespace

llvm::StringRef remote::reasonPhrase(long status) {
  switch (status) {
  case 400:
    return "Bad Request";
  case 401:
    return "Unauthorized";
  case 403:
    return "Forbidden";
  case 404:
    return "Not Found";
  case 405:
    return "Method Not Allowed";
  case 408:
    return "Request Timeout";
  case 410:
    return "Gone";
  case 412:
    return "Precondition Failed";
  case 416:
    return "Range Not Satisfiable";
  case 429:
    return "Too Many Requests";
  case 500:
    return "Internal Server Error";
  case 501:
    return "Not Implemented";
  case 502:
    return "Bad Gateway";
  case 503:
    return "Service Unavailable";
  case 504:
    return "Gateway Timeout";
  default:
    return {};
  }
}

/// Handles shared by every transfer of the object: the connection cache,
/// DNS and TLS sessions (one curl share, locked per kind of data), and the
/// idle easy handles.
struct HttpTransport::Shared {
  CURLSH *share = nullptr;
  std::array<std::mutex, CURL_LOCK_DATA_LAST> locks;
  std::mutex poolMutex;
  std::vector<CURL *> idle;
};

/// One range in flight, across its attempts.
struct HttpTransport::Transfer {
  HttpTransport *owner = nullptr;
  RangeRequest range;
  const ObjectVersion *version = nullptr; // null for the first request
  const ObjectVersion *cached = nullptr;  // first request: revalidate this
  std::vector<uint8_t> *grow = nullptr;   // first request's buffer
  CURL *easy = nullptr;
  curl_slist *headers = nullptr;
  char errorBuffer[CURL_ERROR_SIZE] = {0};
  uint64_t got = 0;
  unsigned attempt = 0;
  Clock::time_point notBefore;
  // Per response.
  long status = 0;
  bool headersDone = false;
  std::string etag, lastModified, contentRange, errorBody;
  /// Set by a callback that aborted the transfer on purpose.
  std::string refusal;
  bool done = false;

  uint64_t at() const { return range.offset + got; }
};

HttpTransport::HttpTransport(Endpoint endpoint, const RemoteOptions &options,
                             const std::atomic<bool> *stop)
    : endpoint(std::move(endpoint)), options(options), stop(stop),
      shared(std::make_unique<Shared>()) {
  initCurlOnce();
  shared->share = curl_share_init();
  auto lock = [](CURL *, curl_lock_data data, curl_lock_access, void *p) {
    static_cast<Shared *>(p)->locks[data].lock();
  };
  auto unlock = [](CURL *, curl_lock_data data, void *p) {
    static_cast<Shared *>(p)->locks[data].unlock();
  };
  curl_share_setopt(shared->share, CURLSHOPT_LOCKFUNC,
                    static_cast<curl_lock_function>(lock));
  curl_share_setopt(shared->share, CURLSHOPT_UNLOCKFUNC,
                    static_cast<curl_unlock_function>(unlock));
  curl_share_setopt(shared->share, CURLSHOPT_USERDATA, shared.get());
  curl_share_setopt(shared->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
  curl_share_setopt(shared->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
  curl_share_setopt(shared->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

HttpTransport::~HttpTransport() {
  for (CURL *e : shared->idle)
    curl_easy_cleanup(e);
  curl_share_cleanup(shared->share);
}

void *HttpTransport::takeHandle() {
  std::lock_guard<std::mutex> lock(shared->poolMutex);
  if (shared->idle.empty())
    return curl_easy_init();
  CURL *e = shared->idle.back();
  shared->idle.pop_back();
  return e;
}

void HttpTransport::giveBack(void *easy) {
  std::lock_guard<std::mutex> lock(shared->poolMutex);
  shared->idle.push_back(static_cast<CURL *>(easy));
}

bool HttpTransport::cancelled() const {
  return (stop && stop->load(std::memory_order_relaxed)) ||
         options.progress.isCancelled();
}

static size_t onHeader(char *data, size_t size, size_t count, void *p) {
  auto *t = static_cast<HttpTransport::Transfer *>(p);
  size_t n = size * count;
  llvm::StringRef line(data, n);
  if (line.starts_with("HTTP/")) {
    // A new response (after a redirect or a 100): forget the last one's.
    t->status = 0;
    t->headersDone = false;
    t->etag.clear();
    t->lastModified.clear();
    t->contentRange.clear();
    return n;
  }
  line = line.trim();
  if (!line.empty()) {
    auto [key, value] = line.split(':');
    value = value.trim();
    if (key.equals_insensitive("etag"))
      t->etag = value.str();
    else if (key.equals_insensitive("last-modified"))
      t->lastModified = value.str();
    else if (key.equals_insensitive("content-range"))
      t->contentRange = value.str();
    return n;
  }
  // The end of a response's headers.
  long status = 0;
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
  t->status = status;
  if (status < 200 || (status >= 300 && status < 400 && status != 304))
    return n; // an interim response or a redirect being followed
  t->headersDone = true;
  if (status == 200) {
    // Never download the body of a server that ignores Range: it may be the
    // whole 100 GB object.
    t->refusal = "the server ignores byte ranges (HTTP 200 instead of 206 "
                 "Partial Content); refusing to download the whole object";
    return 0;
  }
  if (status != 206)
    return n;
  uint64_t first = 0, last = 0, total = 0;
  bool unsatisfied = false;
  if (!parseContentRange(t->contentRange, first, last, total, unsatisfied) ||
      unsatisfied || first != t->at()) {
    t->refusal = "the server answered a range request with Content-Range '" +
                 t->contentRange + "'";
    return 0;
  }
  if (const ObjectVersion *v = t->version) {
    // A server may ignore If-Match: the version is checked here as well.
    if (total != v->size || (!v->etag.empty() && t->etag != v->etag) ||
        (v->etag.empty() && !v->lastModified.empty() &&
         t->lastModified != v->lastModified)) {
      t->refusal = "the object changed while it was read (now " +
                   std::to_string(total) + " bytes" +
                   (t->etag.empty() ? std::string() : ", ETag " + t->etag) +
                   "); open it again";
      return 0;
    }
  }
  return n;
}

static size_t onBody(char *data, size_t size, size_t count, void *p) {
  auto *t = static_cast<HttpTransport::Transfer *>(p);
  size_t n = size * count;
  if (t->status != 206) {
    if (t->errorBody.size() < 4096)
      t->errorBody.append(data, std::min<size_t>(n, 4096));
    return n;
  }
  if (t->got + n > t->range.length) {
    t->refusal = "the server sent more bytes than the range asked for";
    return 0;
  }
  if (t->grow && t->grow->size() < t->got + n)
    t->grow->resize(t->got + n);
  uint8_t *dest = t->grow ? t->grow->data() : t->range.dest;
  std::memcpy(dest + t->got, data, n);
  t->got += n;
  return n;
}

static int onProgress(void *p, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto *cancelled = static_cast<std::function<bool()> *>(p);
  return (*cancelled)() ? 1 : 0;
}

llvm::Expected<bool> HttpTransport::fetchFirst(uint64_t n,
                                               std::vector<uint8_t> &head,
                                               ObjectVersion &version,
                                               const ObjectVersion *cached) {
  std::vector<Transfer> ts(1);
  Transfer &t = ts[0];
  t.range = {0, std::max<uint64_t>(n, 1), nullptr};
  t.cached = cached;
  head.clear();
  head.reserve(t.range.length);
  t.grow = &head;
  if (llvm::Error e = run(ts, options.maxParallel))
    return std::move(e);
  if (t.status == 304 && cached) {
    version = *cached;
    return true;
  }
  if (t.status == 416) {
    // An empty object has no byte 0.
    uint64_t first, last, total = 0;
    bool unsatisfied = false;
    if (parseContentRange(t.contentRange, first, last, total, unsatisfied) &&
        unsatisfied && total == 0) {
      version = {0, t.etag, t.lastModified};
      return false;
    }
    return error(endpoint.name + ": offset 0: HTTP 416 Range Not Satisfiable");
  }
  uint64_t first = 0, last = 0, total = 0;
  bool unsatisfied = false;
  parseContentRange(t.contentRange, first, last, total, unsatisfied);
  version.size = total;
  version.etag = t.etag;
  version.lastModified = t.lastModified;
  // A weak ETag cannot be matched with If-Match (strong comparison).
  if (llvm::StringRef(version.etag).starts_with("W/"))
    version.etag.clear();
  return false;
}

llvm::Error HttpTransport::fetch(llvm::ArrayRef<RangeRequest> ranges,
                                 const ObjectVersion &version,
                                 unsigned parallel) {
  std::vector<Transfer> ts(ranges.size());
  for (size_t i = 0; i < ranges.size(); ++i) {
    ts[i].range = ranges[i];
    ts[i].version = &version;
  }
  return run(ts, parallel ? parallel : options.maxParallel);
}

llvm::Error HttpTransport::run(std::vector<Transfer> &ts, unsigned parallel) {
  RemoteCounters &counters = *options.counters;
  std::function<bool()> isCancelled = [this] { return cancelled(); };
  CURLM *multi = curl_multi_init();
  std::deque<Transfer *> waiting;
  for (Transfer &t : ts) {
    t.owner = this;
    if (t.range.length)
      waiting.push_back(&t);
  }
  size_t active = 0;
  // Round trips: the transfers go out `parallel` at a time, so a batch
  // costs ceil(n / parallel) of them (a retry after backoff, one more).
  if (!waiting.empty())
    counters.roundTrips += (waiting.size() + parallel - 1) / parallel - 1;
  bool newWave = true;
  // The first error that stops the batch.
  std::optional<llvm::Error> failure;

  auto start = [&](Transfer &t) {
    t.easy = takeHandle();
    CURL *e = t.easy;
    curl_easy_reset(e);
    t.status = 0;
    t.headersDone = false;
    t.refusal.clear();
    t.errorBody.clear();
    t.errorBuffer[0] = 0;
    curl_easy_setopt(e, CURLOPT_URL, endpoint.url.c_str());
    curl_easy_setopt(e, CURLOPT_SHARE, shared->share);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, long(options.stallSeconds));
    // A transfer that stalls (no byte for stallSeconds) is retried.
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, long(options.stallSeconds));
    curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
    // Large reads: fewer callbacks and system calls per megabyte.
    curl_easy_setopt(e, CURLOPT_BUFFERSIZE, 512L << 10);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.errorBuffer);
    std::string agent = "mlirscope/" + std::string(getVersionString());
    curl_easy_setopt(e, CURLOPT_USERAGENT, agent.c_str());
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, onHeader);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, onProgress);
    curl_easy_setopt(e, CURLOPT_XFERINFODATA, &isCancelled);
    std::string range = std::to_string(t.at()) + "-" +
                        std::to_string(t.range.offset + t.range.length - 1);
    curl_easy_setopt(e, CURLOPT_RANGE, range.c_str());
    if (t.headers)
      curl_slist_free_all(t.headers);
    t.headers = nullptr;
    auto add = [&](const std::string &h) {
      t.headers = curl_slist_append(t.headers, h.c_str());
    };
    if (const ObjectVersion *v = t.version) {
      // Pinned to the version the first response described.
      if (!v->etag.empty())
        add("If-Match: " + v->etag);
      else if (!v->lastModified.empty())
        add("If-Unmodified-Since: " + v->lastModified);
    } else if (const ObjectVersion *c = t.cached) {
      if (!c->etag.empty())
        add("If-None-Match: " + c->etag);
      else if (!c->lastModified.empty())
        add("If-Modified-Since: " + c->lastModified);
    }
    if (!endpoint.sigv4.empty()) {
      curl_easy_setopt(e, CURLOPT_AWS_SIGV4, endpoint.sigv4.c_str());
      curl_easy_setopt(e, CURLOPT_USERPWD, endpoint.userPassword.c_str());
      // The SHA-256 of an empty payload, which is what libcurl signs for a
      // GET; S3 wants it as a header too.
      add("x-amz-content-sha256: "
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
      if (!endpoint.sessionToken.empty())
        add("x-amz-security-token: " + endpoint.sessionToken);
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);
    curl_multi_add_handle(multi, e);
    ++active;
    ++counters.requests;
  };
  auto release = [&](Transfer &t) {
    curl_multi_remove_handle(multi, t.easy);
    curl_easy_setopt(t.easy, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(t.easy, CURLOPT_SHARE, nullptr);
    giveBack(t.easy);
    t.easy = nullptr;
    if (t.headers)
      curl_slist_free_all(t.headers);
    t.headers = nullptr;
    --active;
  };
  auto where = [&](const Transfer &t) {
    return endpoint.name + ": offset " + std::to_string(t.at()) + ": ";
  };
  // What a finished attempt means: done, retry, or fail with a message.
  auto finish = [&](Transfer &t, CURLcode code) -> llvm::Error {
    bool first = !t.version;
    if (code == CURLE_ABORTED_BY_CALLBACK)
      return cancelledError();
    if (!t.refusal.empty())
      return error(where(t) + t.refusal);
    bool retry = false;
    std::string why;
    if (code != CURLE_OK) {
      why = t.errorBuffer[0] ? t.errorBuffer : curl_easy_strerror(code);
      if (!isRetryable(code))
        return error(where(t) + why);
      retry = true;
    } else if (t.status == 206) {
      if (t.got == t.range.length || (first && t.got > 0)) {
        t.done = true;
        return llvm::Error::success();
      }
      // A body cut short without an error: ask for the rest.
      why = "the response ended after " + std::to_string(t.got) + " bytes";
      retry = true;
    } else if ((first && (t.status == 304 || t.status == 416))) {
      t.done = true;
      return llvm::Error::success();
    } else if (t.status == 412) {
      return error(where(t) + "the object changed while it was read (HTTP 412 "
                              "Precondition Failed); open it again");
    } else if (isRetryableStatus(t.status)) {
      why = "HTTP " + std::to_string(t.status);
      retry = true;
    } else {
      std::string m = "HTTP " + std::to_string(t.status);
      if (llvm::StringRef p = reasonPhrase(t.status); !p.empty())
        m += " " + p.str();
      if (std::string code = s3ErrorCode(t.errorBody); !code.empty())
        m += " (" + code + ")";
      return error(where(t) + m);
    }
    if (retry && t.attempt < options.retries) {
      // Bounded exponential backoff: 100 ms, 200 ms, ... at most 2 s.
      unsigned ms = std::min(2000u, 100u << std::min(t.attempt, 5u));
      ++t.attempt;
      ++counters.retries;
      t.notBefore = Clock::now() + std::chrono::milliseconds(ms);
      waiting.push_back(&t);
      newWave = true;
      return llvm::Error::success();
    }
    return error(where(t) + why + " (after " + std::to_string(t.attempt + 1) +
                 " attempts)");
  };

  uint64_t lastBytes = 0;
  auto bytesNow = [&] {
    uint64_t b = 0;
    for (const Transfer &t : ts)
      b += t.got;
    return b;
  };
  while (!waiting.empty() || active) {
    if (cancelled()) {
      failure = cancelledError();
      break;
    }
    // Start what may start: waiting transfers whose backoff is over, up to
    // the parallel limit.
    auto now = Clock::now();
    size_t n = waiting.size();
    for (size_t i = 0; i < n && active < parallel; ++i) {
      Transfer *t = waiting.front();
      waiting.pop_front();
      if (t->notBefore > now) {
        waiting.push_back(t);
        continue;
      }
      if (newWave) {
        ++counters.roundTrips;
        newWave = false;
      }
      start(*t);
    }
    int running = 0;
    curl_multi_perform(multi, &running);
    while (CURLMsg *m = curl_multi_info_read(multi, &running)) {
      if (m->msg != CURLMSG_DONE)
        continue;
      Transfer *t = nullptr;
      for (Transfer &x : ts)
        if (x.easy == m->easy_handle)
          t = &x;
      if (!t)
        continue;
      CURLcode code = m->data.result;
      release(*t);
      if (llvm::Error e = finish(*t, code)) {
        failure = std::move(e);
        break;
      }
    }
    if (failure)
      break;
    uint64_t b = bytesNow();
    if (b != lastBytes) {
      counters.bytesFetched += b - lastBytes;
      lastBytes = b;
      if (options.progress &&
          !options.progress.report(counters.bytesFetched.load(), 0,
                                   "fetching")) {
        failure = cancelledError();
        break;
      }
    }
    if (!waiting.empty() || active)
      curl_multi_poll(multi, nullptr, 0, active ? 50 : 10, nullptr);
  }
  uint64_t b = bytesNow();
  if (b > lastBytes)
    counters.bytesFetched += b - lastBytes;
  for (Transfer &t : ts)
    if (t.easy)
      release(t);
  curl_multi_cleanup(multi);
  return failure ? std::move(*failure) : llvm::Error::success();
}
