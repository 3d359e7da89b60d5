//===- S3.h - s3://bucket/key to a signed HTTP endpoint ---------*- C++ -*-===//
//
// Where an S3 object's requests go and what signs them, from the usual AWS
// environment variables and ~/.aws files (see Remote.h).
//
//===----------------------------------------------------------------------===//

#ifndef MLIRSCOPE_LIB_REMOTE_S3_H
#define MLIRSCOPE_LIB_REMOTE_S3_H

#include "HttpTransport.h"

namespace mlirscope::remote {

/// The endpoint of `url` (s3://bucket/key): AWS_ENDPOINT_URL_S3 /
/// AWS_ENDPOINT_URL with path-style addressing, else AWS's virtual-hosted
/// URL in the region. Signed with SigV4 when credentials are found,
/// unsigned (public objects) otherwise.
llvm::Expected<Endpoint> resolveS3(llvm::StringRef url);

/// `key` percent-encoded as SigV4's canonical URI (keepSlashes: a key as a
/// path) and canonical query string (no slash kept) want it.
std::string percentEncode(llvm::StringRef key, bool keepSlashes);

/// `key` of section `section` of an INI file as ~/.aws files write them;
/// empty when absent.
std::string readAwsIni(llvm::StringRef path, llvm::StringRef section,
                       llvm::StringRef key);

} // namespace mlirscope::remote

#endif // MLIRSCOPE_LIB_REMOTE_S3_H
