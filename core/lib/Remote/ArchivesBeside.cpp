//===- ArchivesBeside.cpp - Parameter archives next to a remote model -----===//
//
// A URL has no folder to list, so "the archives beside the model" is asked
// of the store: an S3 prefix is listed (ListObjectsV2); an HTTP server is
// asked for the names an archive of each scope would have, all at once
// (libcurl's multi interface), one byte each.
//
//===----------------------------------------------------------------------===//

#include "HttpTransport.h"
#include "S3.h"

#include "mlirscope/Remote/Remote.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>

using namespace mlirscope;
using namespace mlirscope::remote;

static const char *const kArchiveExtensions[] = {".irpa", ".safetensors",
                                                 ".gguf"};

namespace {
/// One GET: its answer's status and (up to a bound) body.
struct Probe {
  Endpoint endpoint;
  /// "0-0" for a one-byte range; empty for the whole body.
  std::string range;
  long status = 0;
  std::string body;
  char error[CURL_ERROR_SIZE] = {0};
  curl_slist *headers = nullptr;
};
} // namespace

static size_t keepBody(char *data, size_t size, size_t n, void *p) {
  auto *probe = static_cast<Probe *>(p);
  // A listing is kilobytes; a server answering a one-byte range with the
  // whole archive is cut off (its status is known by then).
  size_t limit = probe->range.empty() ? (64u << 20) : 1;
  if (probe->body.size() + size * n > limit)
    return 0;
  probe->body.append(data, size * n);
  return size * n;
}

/// Runs every probe, `parallel` at a time; statuses and bodies in place (0
/// for a transfer that failed, its message in `error`).
static void runProbes(std::vector<Probe> &probes,
                      const RemoteOptions &options) {
  initCurlOnce();
  CURLM *multi = curl_multi_init();
  curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                    long(std::max(options.maxParallel, 1u)));
  std::vector<CURL *> handles;
  for (Probe &p : probes) {
    CURL *e = curl_easy_init();
    handles.push_back(e);
    setRequestPolicy(e, p.endpoint.url, options);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, p.error);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, keepBody);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &p);
    curl_easy_setopt(e, CURLOPT_PRIVATE, &p);
    if (!p.range.empty())
      curl_easy_setopt(e, CURLOPT_RANGE, p.range.c_str());
    if (!p.endpoint.sigv4.empty()) {
      curl_easy_setopt(e, CURLOPT_AWS_SIGV4, p.endpoint.sigv4.c_str());
      curl_easy_setopt(e, CURLOPT_USERPWD, p.endpoint.userPassword.c_str());
      p.headers = curl_slist_append(
          p.headers, "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb924"
                     "27ae41e4649b934ca495991b7852b855");
      if (!p.endpoint.sessionToken.empty())
        p.headers = curl_slist_append(
            p.headers,
            ("x-amz-security-token: " + p.endpoint.sessionToken).c_str());
      curl_easy_setopt(e, CURLOPT_HTTPHEADER, p.headers);
    }
    curl_multi_add_handle(multi, e);
    if (options.counters)
      ++options.counters->requests;
  }
  if (options.counters && !probes.empty())
    ++options.counters->roundTrips;
  int running = 1;
  while (running) {
    if (options.progress.isCancelled())
      break;
    curl_multi_perform(multi, &running);
    if (running)
      curl_multi_poll(multi, nullptr, 0, 100, nullptr);
  }
  while (CURLMsg *m = curl_multi_info_read(multi, &running)) {
    if (m->msg != CURLMSG_DONE)
      continue;
    Probe *p = nullptr;
    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &p);
    if (m->data.result == CURLE_OK || m->data.result == CURLE_WRITE_ERROR)
      curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &p->status);
  }
  for (CURL *e : handles) {
    curl_multi_remove_handle(multi, e);
    curl_easy_cleanup(e);
  }
  curl_multi_cleanup(multi);
  for (Probe &p : probes)
    curl_slist_free_all(p.headers);
  if (options.counters)
    for (const Probe &p : probes)
      options.counters->bytesFetched += p.body.size();
}

/// `text` with XML's five entities replaced.
static std::string xmlText(llvm::StringRef text) {
  std::string out;
  while (!text.empty()) {
    size_t amp = text.find('&');
    out += text.take_front(amp).str();
    if (amp == llvm::StringRef::npos)
      break;
    text = text.drop_front(amp);
    static const std::pair<const char *, char> entities[] = {{"&amp;", '&'},
                                                             {"&lt;", '<'},
                                                             {"&gt;", '>'},
                                                             {"&quot;", '"'},
                                                             {"&apos;", '\''}};
    bool found = false;
    for (const auto &[name, c] : entities)
      if (text.consume_front(name)) {
        out += c;
        found = true;
        break;
      }
    if (!found) {
      out += '&';
      text = text.drop_front();
    }
  }
  return out;
}

static bool hasArchiveName(llvm::StringRef name) {
  return llvm::any_of(kArchiveExtensions,
                      [&](const char *ext) { return name.ends_with(ext); });
}

llvm::Expected<std::vector<std::string>>
mlirscope::findArchivesBeside(llvm::StringRef url,
                              llvm::ArrayRef<std::string> scopes,
                              const RemoteOptions &options) {
  std::vector<std::string> found;
  std::vector<Probe> probes;
  if (url.starts_with_insensitive("s3://")) {
    auto model = resolveS3(url);
    if (!model)
      return model.takeError();
    llvm::StringRef rest = url.drop_front(5);
    auto [bucket, key] = rest.split('/');
    llvm::StringRef prefix = key.take_front(key.rfind('/') + 1);
    // The bucket's URL: the model's, without its key.
    std::string base = model->url.substr(
        0, model->url.size() - percentEncode(key, /*keepSlashes=*/true).size());
    if (llvm::StringRef(base).ends_with("/") &&
        llvm::StringRef(base).drop_back().count('/') > 2)
      base.pop_back(); // path-style: GET /bucket?list-type=2
    Probe list;
    list.endpoint = *model;
    // SigV4 signs the query sorted and encoded: written that way.
    list.endpoint.url = base + "?delimiter=%2F&list-type=2&prefix=" +
                        percentEncode(prefix, /*keepSlashes=*/false);
    probes.push_back(std::move(list));
    runProbes(probes, options);
    const Probe &p = probes.front();
    if (options.progress.isCancelled())
      return cancelledError();
    if (p.status != 200)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(), "%s: listing s3://%s/%s: %s",
          url.str().c_str(), bucket.str().c_str(), prefix.str().c_str(),
          p.status ? ("HTTP " + std::to_string(p.status) + " " +
                      reasonPhrase(p.status).str())
                         .c_str()
                   : p.error);
    llvm::StringRef body = p.body;
    while (true) {
      size_t at = body.find("<Key>");
      if (at == llvm::StringRef::npos)
        break;
      body = body.drop_front(at + 5);
      size_t end = body.find("</Key>");
      std::string name = xmlText(body.take_front(end));
      if (hasArchiveName(name))
        found.push_back("s3://" + bucket.str() + "/" + name);
      body = body.drop_front(std::min(end, body.size()));
    }
  } else {
    // Beside the URL: its path up to the last slash (no query: a model URL
    // with a query names no folder).
    llvm::StringRef folder = url.take_front(url.rfind('/') + 1);
    for (const std::string &scope : scopes)
      for (const char *ext : kArchiveExtensions) {
        Probe p;
        p.endpoint.url = p.endpoint.name =
            folder.str() + percentEncode(scope, /*keepSlashes=*/false) + ext;
        p.range = "0-0";
        probes.push_back(std::move(p));
      }
    runProbes(probes, options);
    if (options.progress.isCancelled())
      return cancelledError();
    // 404 (and any other refusal) is no archive, quietly.
    for (const Probe &p : probes)
      if (p.status == 206 || p.status == 200)
        found.push_back(p.endpoint.url);
  }
  llvm::sort(found);
  return found;
}
