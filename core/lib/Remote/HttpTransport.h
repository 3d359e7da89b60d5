//===- HttpTransport.h - Byte ranges of one object over HTTP ----*- C++ -*-===//
//
// The only code that speaks HTTP (libcurl). One transport serves one object:
// the first request learns its version, every later range GET is pinned to
// that version (If-Match), several ranges go out at once through a multi
// handle, and connections are shared by all of the object's transfers (a
// curl share handle), so read()s from many threads reuse them.
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LIB_REMOTE_HTTPTRANSPORT_H
#define MLIRSCOPE_LIB_REMOTE_HTTPTRANSPORT_H

#include "mlirscope/Remote/Remote.h"

#include "llvm/ADT/ArrayRef.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace mlirscope::remote {

/// Where an object's requests go and how they are signed.
struct Endpoint {
  /// The http(s) URL requests go to.
  std::string url;
  /// What the user named (an s3:// URL stays one): messages start with it.
  std::string name;
  /// S3: libcurl's CURLOPT_AWS_SIGV4 provider string ("aws:amz:REGION:s3")
  /// and "KEY:SECRET"; empty for unsigned requests.
  std::string sigv4;
  std::string userPassword;
  std::string sessionToken;
};

/// The object as the first response described it.
struct ObjectVersion {
  uint64_t size = 0;
  std::string etag;
  std::string lastModified;
  bool operator==(const ObjectVersion &o) const {
    return size == o.size && etag == o.etag && lastModified == o.lastModified;
  }
  /// Whether later requests can be pinned to this version.
  bool hasValidator() const { return !etag.empty() || !lastModified.empty(); }
};

/// `length` bytes at `offset`, written to `dest`.
struct RangeRequest {
  uint64_t offset = 0;
  uint64_t length = 0;
  uint8_t *dest = nullptr;
};

class HttpTransport {
public:
  /// `stop` (may be null) aborts transfers as the options' cancel flag does:
  /// the owner's own flag, set when it closes.
  HttpTransport(Endpoint endpoint, const RemoteOptions &options,
                const std::atomic<bool> *stop);
  ~HttpTransport();
  HttpTransport(const HttpTransport &) = delete;
  HttpTransport &operator=(const HttpTransport &) = delete;

  const std::string &name() const { return endpoint.name; }

  /// The first request: bytes [0, n) (fewer for a smaller object) into
  /// `head`, the version from its headers. With `cached`, asks whether that
  /// version is still current and returns true (nothing in `head`, `version`
  /// = *cached) when the server answers 304 Not Modified.
  llvm::Expected<bool> fetchFirst(uint64_t n, std::vector<uint8_t> &head,
                                  ObjectVersion &version,
                                  const ObjectVersion *cached);

  /// Every range into its destination, pinned to `version`: at most
  /// `parallel` (0: the options' maxParallel) transfers in flight, each
  /// retried on timeouts, dropped connections and 5xx (resuming where it
  /// stopped). The first error that cannot be retried stops them all.
  llvm::Error fetch(llvm::ArrayRef<RangeRequest> ranges,
                    const ObjectVersion &version, unsigned parallel = 0);

  /// Many small ranges (sorted by offset, disjoint) in few requests: each
  /// GET names as many as fit in one Range header (`bytes=a-b,c-d,...`) and
  /// the server answers 206 multipart/byteranges, so thousands of ranges
  /// cost a few dozen requests, all in flight at once. Fails, and makes
  /// multiRangeUsable() false for later batches, when the server does not
  /// (S3 and most object stores answer 200 or one range): the caller then
  /// fetches the ranges one each.
  llvm::Error fetchMultiRange(llvm::ArrayRef<RangeRequest> ranges,
                              const ObjectVersion &version);
  /// False for signed (S3) endpoints, which never serve several ranges in
  /// one response, and once a server has shown it does not.
  bool multiRangeUsable() const {
    return endpoint.sigv4.empty() && !multiRangeRefused.load();
  }

  /// One range in flight across its attempts (the curl callbacks' data).
  struct Transfer;

private:
  llvm::Error run(std::vector<Transfer> &transfers, unsigned parallel);
  void *takeHandle();
  void giveBack(void *easy);
  bool cancelled() const;

  Endpoint endpoint;
  RemoteOptions options;
  const std::atomic<bool> *stop;
  std::atomic<bool> multiRangeRefused{false};
  struct Shared;
  std::unique_ptr<Shared> shared;
};

/// "Not Found" for 404, and so on; empty when unknown.
llvm::StringRef reasonPhrase(long status);

/// libcurl's global state, set up once per process.
void initCurlOnce();

/// What every request of ours sets on a libcurl easy handle (`easy`, a
/// CURL *): the URL, redirects followed within http(s) only, and a transfer
/// that stalls for options.stallSeconds ended (and retried by the caller).
void setRequestPolicy(void *easy, const std::string &url,
                      const RemoteOptions &options);

} // namespace mlirscope::remote

#endif // MLIRSCOPE_LIB_REMOTE_HTTPTRANSPORT_H
