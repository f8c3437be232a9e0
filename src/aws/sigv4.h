// AWS Signature Version 4 for requests with headers (not presigned URLs), as botocore signs them.
//
// Sign() is the whole job; the building blocks below it are exported so tests can check each step
// against the AWS test suite: canonical request -> string to sign -> signature with the derived key.
// Paths are normalized (dot segments and repeated slashes removed) as for every service but S3.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aws/credentials.h"
#include "common/encoding.h"

namespace streamhook::aws {

struct SignableRequest {
  std::string method;                                        // "POST"
  std::string path;                                          // as sent on the wire, e.g. "/"
  std::string query;                                         // raw query string without '?', may be empty
  std::vector<std::pair<std::string, std::string>> headers;  // as sent; includes "host"
  std::string_view body;
};

struct SigningDetail {  // for tests and debugging (contains no secret)
  std::string canonical_request, string_to_sign, signature, authorization;
};

class SigV4Signer {
 public:
  SigV4Signer(std::string region, std::string service);  // e.g. ("eu-central-1", "kinesis")

  // Adds X-Amz-Date, X-Amz-Security-Token (when credentials.session_token is set) and Authorization
  // headers to request->headers, first removing any left from an earlier signing (so a retry can be
  // signed again). Thread-safe. The signing key is derived once per (date, secret) and cached.
  void Sign(const Credentials& credentials, std::chrono::system_clock::time_point now,
            SignableRequest* request, SigningDetail* detail = nullptr) const;

  const std::string& region() const { return region_; }
  const std::string& service() const { return service_; }
  // How many signing keys were derived so far (the rest of the signatures reused a cached key).
  uint64_t signing_key_derivations() const;

 private:
  struct KeyCache;

  Sha256Digest SigningKey(std::string_view secret, std::string_view date) const;

  std::string region_;
  std::string service_;
  // Shared so that copies of a signer share (and stay safe with) one cache.
  std::shared_ptr<KeyCache> key_cache_;
};

// ---- Building blocks, in the order Sign() uses them ----

inline constexpr std::string_view kSigV4Algorithm = "AWS4-HMAC-SHA256";

// The request time as SigV4 spells it: "20150830T123600Z" (UTC). The first 8 characters are the
// date of the credential scope.
std::string FormatAmzDate(std::chrono::system_clock::time_point time);

// Appends `bytes` percent-encoded as SigV4 wants: every byte except A-Z a-z 0-9 - _ . ~ (and '/'
// when keep_slash) becomes %XX with upper-case hex.
void AppendUriEncoded(std::string_view bytes, bool keep_slash, std::string* out);

// Path with "." and ".." segments and empty segments (repeated slashes) removed, keeping a leading
// and trailing slash; "" becomes "/". Not for S3, whose keys may contain such segments.
std::string NormalizePath(std::string_view path);

// The canonical URI: NormalizePath, then URI-encoded keeping '/'. The path is encoded as given, so
// a path already percent-encoded on the wire is encoded a second time, as SigV4 requires.
std::string CanonicalUri(std::string_view path);

// The canonical query string: parameters split on '&' (a name without '=' gets an empty value),
// percent-decoded and encoded again (so raw and pre-encoded input agree), sorted by name then value.
std::string CanonicalQueryString(std::string_view query);

// Headers left out of the signature because proxies or clients may change them (as botocore does),
// plus Authorization itself. `lower_name` is lower-case.
bool IsUnsignedHeader(std::string_view lower_name);

// The canonical request for `request` with the given hex SHA-256 of the payload. When
// `signed_headers` is given it receives the "host;x-amz-date" list. Headers with the same name
// (any case) are joined with ',' in their order; values are trimmed and inner whitespace runs
// become one space.
std::string CanonicalRequest(const SignableRequest& request, std::string_view payload_sha256_hex,
                             std::string* signed_headers = nullptr);

// "20150830/us-east-1/service/aws4_request".
std::string CredentialScope(std::string_view date, std::string_view region, std::string_view service);

// "AWS4-HMAC-SHA256\n<amz_date>\n<scope>\n<hex sha256 of the canonical request>".
std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request);

// kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request").
Sha256Digest DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                              std::string_view region, std::string_view service);

}  // namespace streamhook::aws
