//===- S3.cpp - s3://bucket/key to a signed HTTP endpoint -----------------===//

#include "S3.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdlib>

using namespace mlirscope;
using namespace mlirscope::remote;

static std::string env(const char *name) {
  const char *v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

static std::string homeFile(const char *variable, const char *underHome) {
  std::string p = env(variable);
  if (!p.empty())
    return p;
  std::string home = env("HOME");
  return home.empty() ? std::string() : home + "/" + underHome;
}

std::string remote::readAwsIni(llvm::StringRef path, llvm::StringRef section,
                               llvm::StringRef key) {
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/true);
  if (!buffer)
    return {};
  llvm::SmallVector<llvm::StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  bool inSection = false;
  for (llvm::StringRef line : lines) {
    line = line.trim();
    if (line.empty() || line.starts_with("#") || line.starts_with(";"))
      continue;
    if (line.starts_with("[") && line.ends_with("]")) {
      inSection = line.drop_front().drop_back().trim() == section;
      continue;
    }
    if (!inSection)
      continue;
    auto [k, v] = line.split('=');
    if (k.trim() == key)
      return v.trim().str();
  }
  return {};
}

std::string remote::percentEncode(llvm::StringRef key, bool keepSlashes) {
  std::string out;
  for (unsigned char c : key) {
    if (llvm::isAlnum(c) || c == '-' || c == '_' || c == '.' || c == '~' ||
        (keepSlashes && c == '/'))
      out += char(c);
    else
      out += "%" + llvm::utohexstr(c, /*LowerCase=*/false, /*Width=*/2);
  }
  return out;
}

llvm::Expected<Endpoint> remote::resolveS3(llvm::StringRef url) {
  llvm::StringRef rest = url;
  rest.consume_front("s3://");
  auto [bucket, key] = rest.split('/');
  if (bucket.empty() || key.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "%s: expected s3://bucket/key",
                                   url.str().c_str());
  Endpoint ep;
  ep.name = url.str();

  std::string profile = env("AWS_PROFILE");
  if (profile.empty())
    profile = "default";
  std::string id = env("AWS_ACCESS_KEY_ID");
  std::string secret = env("AWS_SECRET_ACCESS_KEY");
  std::string token = env("AWS_SESSION_TOKEN");
  if (id.empty() || secret.empty()) {
    std::string file =
        homeFile("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
    id = readAwsIni(file, profile, "aws_access_key_id");
    secret = readAwsIni(file, profile, "aws_secret_access_key");
    token = readAwsIni(file, profile, "aws_session_token");
  }
  std::string region = env("AWS_REGION");
  if (region.empty())
    region = env("AWS_DEFAULT_REGION");
  if (region.empty()) {
    std::string file = homeFile("AWS_CONFIG_FILE", ".aws/config");
    region = readAwsIni(
        file, profile == "default" ? profile : "profile " + profile, "region");
  }
  if (region.empty())
    region = "us-east-1";

  std::string endpoint = env("AWS_ENDPOINT_URL_S3");
  if (endpoint.empty())
    endpoint = env("AWS_ENDPOINT_URL");
  std::string path = percentEncode(key, /*keepSlashes=*/true);
  if (!endpoint.empty()) {
    // S3-compatible stores (MinIO, Ceph, s3rver) expect path-style URLs.
    while (llvm::StringRef(endpoint).ends_with("/"))
      endpoint.pop_back();
    ep.url = endpoint + "/" + bucket.str() + "/" + path;
  } else if (bucket.contains('.')) {
    // A dotted bucket breaks the wildcard certificate of virtual hosts.
    ep.url =
        "https://s3." + region + ".amazonaws.com/" + bucket.str() + "/" + path;
  } else {
    ep.url =
        "https://" + bucket.str() + ".s3." + region + ".amazonaws.com/" + path;
  }
  if (!id.empty() && !secret.empty()) {
    ep.sigv4 = "aws:amz:" + region + ":s3";
    ep.userPassword = id + ":" + secret;
    ep.sessionToken = token;
  }
  return ep;
}
