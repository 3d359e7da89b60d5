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

void mlirscope::remote::initCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void mlirscope::remote::setRequestPolicy(void *easy, const std::string &url,
                                         const RemoteOptions &options) {
  CURL *e = easy;
  curl_easy_setopt(e, CURLOPT_URL, url.c_str());
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, long(options.stallSeconds));
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, long(options.stallSeconds));
}

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
  /// A multi-range request: the ranges it asks for (sorted, disjoint;
  /// `range` spans them all), its Range header's value, the body as it came
  /// (a retry starts it again; `got` counts every byte received), and how
  /// large that body may grow.
  std::vector<RangeRequest> parts;
  std::string rangeSpec;
  std::vector<uint8_t> body;
  uint64_t bodyLimit = 0;
  std::string contentType;

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
         options.progress.isCancelled() || ThreadCancelScope::cancelled();
}

/// Why a response is not of the version the transfer is pinned to, or
/// empty: a server may ignore If-Match, so the version is checked here too.
static std::string changedVersion(const HttpTransport::Transfer &t,
                                  uint64_t total) {
  const ObjectVersion *v = t.version;
  if (!v || !(total != v->size || (!v->etag.empty() && t.etag != v->etag) ||
              (v->etag.empty() && !v->lastModified.empty() &&
               t.lastModified != v->lastModified)))
    return {};
  return "the object changed while it was read (now " + std::to_string(total) +
         " bytes" + (t.etag.empty() ? std::string() : ", ETag " + t.etag) +
         "); open it again";
}

/// Copies a multi-range request's 206 body into the ranges it asked for:
/// a multipart/byteranges body, or one range (a server may merge ranges,
/// and answers a single one without parts). A server never splits a
/// range, so each must lie inside one part. Returns why not, or empty.
static std::string scatterBody(HttpTransport::Transfer &t) {
  std::vector<bool> covered(t.parts.size());
  uint64_t size = t.version ? t.version->size : 0;
  auto take = [&](uint64_t first, const uint8_t *data, uint64_t len) {
    auto it = std::lower_bound(
        t.parts.begin(), t.parts.end(), first,
        [](const RangeRequest &r, uint64_t at) { return r.offset < at; });
    for (; it != t.parts.end() && it->offset < first + len; ++it) {
      if (it->offset + it->length > first + len)
        break;
      std::memcpy(it->dest, data + (it->offset - first), it->length);
      covered[it - t.parts.begin()] = true;
    }
  };
  llvm::StringRef body(reinterpret_cast<const char *>(t.body.data()),
                       t.body.size());
  llvm::StringRef type = llvm::StringRef(t.contentType).trim();
  if (!type.starts_with_insensitive("multipart/byteranges")) {
    uint64_t first = 0, last = 0, total = 0;
    bool unsatisfied = false;
    if (!parseContentRange(t.contentRange, first, last, total, unsatisfied) ||
        unsatisfied || body.size() != last - first + 1)
      return "a multi-range answer of " + std::to_string(body.size()) +
             " bytes for Content-Range '" + t.contentRange + "'";
    take(first, t.body.data(), body.size());
  } else {
    size_t b = type.find_insensitive("boundary=");
    if (b == llvm::StringRef::npos)
      return "a boundary in Content-Type '" + t.contentType + "'";
    llvm::StringRef boundary = type.substr(b + 9).split(';').first.trim();
    if (boundary.size() >= 2 && boundary.front() == '"' &&
        boundary.back() == '"')
      boundary = boundary.drop_front().drop_back();
    std::string delimiter = "--" + boundary.str();
    size_t pos = body.find(delimiter);
    while (pos != llvm::StringRef::npos) {
      pos += delimiter.size();
      if (body.substr(pos).starts_with("--"))
        break; // the closing delimiter
      size_t headersEnd = body.find("\r\n\r\n", pos);
      if (headersEnd == llvm::StringRef::npos)
        return "the headers of a multipart/byteranges part";
      llvm::StringRef headers = body.slice(pos, headersEnd);
      std::optional<std::string> range;
      while (!headers.empty()) {
        auto [line, rest] = headers.split("\r\n");
        headers = rest;
        auto [key, value] = line.split(':');
        if (key.trim().equals_insensitive("content-range"))
          range = value.trim().str();
      }
      uint64_t first = 0, last = 0, total = 0;
      bool unsatisfied = false;
      if (!range ||
          !parseContentRange(*range, first, last, total, unsatisfied) ||
          unsatisfied)
        return "a Content-Range in each multipart/byteranges part";
      if (total != size)
        return "the object changed while it was read (now " +
               std::to_string(total) + " bytes); open it again";
      size_t dataAt = headersEnd + 4;
      uint64_t len = last - first + 1;
      if (len > body.size() - dataAt)
        return "a multipart/byteranges part of " + std::to_string(len) +
               " bytes (the body ends first)";
      take(first, t.body.data() + dataAt, len);
      pos = body.find(delimiter, dataAt + len);
    }
  }
  size_t missing = std::count(covered.begin(), covered.end(), false);
  if (missing)
    return "the server answered " + std::to_string(covered.size() - missing) +
           " of " + std::to_string(covered.size()) +
           " ranges of a multi-range request";
  return {};
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
    t->contentType.clear();
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
    else if (key.equals_insensitive("content-type"))
      t->contentType = value.str();
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
  bool multipart =
      !t->parts.empty() && llvm::StringRef(t->contentType)
                               .trim()
                               .starts_with_insensitive("multipart/byteranges");
  uint64_t first = 0, last = 0, total = 0;
  bool unsatisfied = false;
  if (multipart) {
    // Each part's Content-Range gives the size (scatterBody checks it).
    total = t->version ? t->version->size : 0;
  } else if (!parseContentRange(t->contentRange, first, last, total,
                                unsatisfied) ||
             unsatisfied || (t->parts.empty() && first != t->at())) {
    t->refusal = "the server answered a range request with Content-Range '" +
                 t->contentRange + "'";
    return 0;
  }
  if (std::string why = changedVersion(*t, total); !why.empty()) {
    t->refusal = why;
    return 0;
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
  if (!t->parts.empty()) {
    if (t->body.size() + n > t->bodyLimit) {
      t->refusal = "the server sent more bytes than the ranges asked for";
      return 0;
    }
    t->body.insert(t->body.end(), data, data + n);
    t->got += n;
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

llvm::Error HttpTransport::fetchMultiRange(llvm::ArrayRef<RangeRequest> ranges,
                                           const ObjectVersion &version) {
  // nginx reads a request header line into an 8 KiB buffer, Apache allows
  // 8,190 bytes: a Range header stays well under both.
  constexpr size_t kMaxRangeHeader = 6000;
  // Ranges this close are asked for as one (the gap costs less than the
  // text of another range and a part's headers).
  constexpr uint64_t kJoinGap = 256;
  std::vector<Transfer> ts;
  std::vector<std::pair<uint64_t, uint64_t>> spec; // [first, last] each
  auto close = [&] {
    if (spec.empty())
      return;
    Transfer &t = ts.back();
    uint64_t bytes = 0;
    for (auto [a, b] : spec) {
      if (!t.rangeSpec.empty())
        t.rangeSpec += ',';
      t.rangeSpec += std::to_string(a) + "-" + std::to_string(b);
      bytes += b - a + 1;
    }
    t.range = {spec.front().first, spec.back().second - spec.front().first + 1,
               nullptr};
    // The parts' headers: a boundary, Content-Type and Content-Range.
    t.bodyLimit = bytes + 512 * spec.size() + 4096;
    spec.clear();
  };
  size_t specLength = 0;
  for (const RangeRequest &r : ranges) {
    if (!r.length)
      continue;
    uint64_t last = r.offset + r.length - 1;
    if (!spec.empty() && r.offset <= spec.back().second + kJoinGap &&
        r.offset >= spec.back().first) {
      spec.back().second = std::max(spec.back().second, last);
    } else {
      size_t add =
          std::to_string(r.offset).size() + std::to_string(last).size() + 2;
      if (ts.empty() || specLength + add > kMaxRangeHeader) {
        close();
        ts.emplace_back();
        ts.back().version = &version;
        specLength = 0;
      }
      spec.push_back({r.offset, last});
      specLength += add;
    }
    ts.back().parts.push_back(r);
  }
  close();
  if (ts.empty())
    return llvm::Error::success();
  unsigned parallel = unsigned(std::min<size_t>(ts.size(), 64));
  llvm::Error e = run(ts, parallel);
  if (e && !cancelled())
    multiRangeRefused = true;
  return e;
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
    setRequestPolicy(e, endpoint.url, options);
    curl_easy_setopt(e, CURLOPT_SHARE, shared->share);
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
    t.body.clear();
    std::string range =
        !t.parts.empty()
            ? t.rangeSpec
            : std::to_string(t.at()) + "-" +
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
    return endpoint.name + ": offset " +
           std::to_string(t.parts.empty() ? t.at() : t.range.offset) + ": ";
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
    } else if (t.status == 206 && !t.parts.empty()) {
      if (std::string why = scatterBody(t); !why.empty())
        return error(where(t) + why);
      t.done = true;
      return llvm::Error::success();
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
