// Fuzzes SigV4 canonicalization and signing. Input: an HTTP request as the AWS SigV4 test suite
// writes its .req files ("METHOD target HTTP/1.1", "Name:value" lines, indented continuation lines,
// a blank line, the body), read leniently so that any bytes make a request.
//
// Properties: no crash; canonicalization is deterministic, idempotent (NormalizePath for paths that
// start with '/', CanonicalQueryString) and emits only unreserved characters and %XX escapes; the
// query's parameter order and the order of differently named headers do not change the canonical
// request; the signed header list is sorted, unique and lower-case; signing again (a retry) replaces
// the earlier signature headers with the same ones.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aws/sigv4.h"
#include "common/encoding.h"
#include "fuzz_check.h"

namespace {

namespace aws = streamhook::aws;

aws::SignableRequest ParseRequest(std::string_view text, std::string* body) {
  aws::SignableRequest request;
  size_t head_end = text.find("\n\n");
  *body = head_end == std::string_view::npos ? "" : std::string(text.substr(head_end + 2));
  std::string_view head = text.substr(0, head_end);
  size_t line_end = head.find('\n');
  std::string_view line = head.substr(0, line_end);
  head = line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 1);
  const size_t space = line.find(' ');
  request.method = std::string(line.substr(0, space));
  std::string_view target = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  if (const size_t version = target.rfind(" HTTP/"); version != std::string_view::npos) {
    target = target.substr(0, version);
  }
  const size_t question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
  while (!head.empty()) {
    line_end = head.find('\n');
    line = head.substr(0, line_end);
    head = line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 1);
    if ((line.starts_with(' ') || line.starts_with('\t')) && !request.headers.empty()) {
      request.headers.back().second.append("\n").append(line);  // a folded (multi-line) value
      continue;
    }
    const size_t colon = line.find(':');
    request.headers.emplace_back(std::string(line.substr(0, colon)),
                                 colon == std::string_view::npos ? "" : std::string(line.substr(colon + 1)));
  }
  return request;
}

bool IsUpperHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

// Only unreserved characters, `also_allowed` and %XX escapes with upper-case hex.
bool IsEncoded(std::string_view text, std::string_view also_allowed) {
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~' || also_allowed.find(c) != std::string_view::npos) {
      continue;
    }
    if (c != '%' || i + 2 >= text.size() || !IsUpperHex(text[i + 1]) || !IsUpperHex(text[i + 2]))
      return false;
    i += 2;
  }
  return true;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The query's '&'-separated parameters in reverse order.
std::string ReversedQuery(std::string_view query) {
  std::vector<std::string_view> params;
  size_t start = 0;
  while (true) {
    const size_t end = query.find('&', start);
    params.push_back(query.substr(start, end == std::string_view::npos ? end : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  std::string out;
  for (auto it = params.rbegin(); it != params.rend(); ++it) {
    if (it != params.rbegin()) out.push_back('&');
    out.append(*it);
  }
  return out;
}

// Only for requests whose header names are non-empty and hold no ';' (which the list cannot show).
void CheckSignedHeaders(const aws::SignableRequest& request, std::string_view signed_headers) {
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= signed_headers.size() && !signed_headers.empty()) {
    const size_t end = std::min(signed_headers.find(';', start), signed_headers.size());
    names.emplace_back(signed_headers.substr(start, end - start));
    start = end + 1;
  }
  FUZZ_CHECK(std::is_sorted(names.begin(), names.end()));
  FUZZ_CHECK(std::adjacent_find(names.begin(), names.end()) == names.end());
  for (const std::string& name : names) {
    FUZZ_CHECK(Lower(name) == name);
    FUZZ_CHECK(!aws::IsUnsignedHeader(name));
  }
  for (const auto& [name, value] : request.headers) {
    const std::string lower = Lower(name);
    if (!aws::IsUnsignedHeader(lower)) FUZZ_CHECK(std::binary_search(names.begin(), names.end(), lower));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string body;
  aws::SignableRequest request =
      ParseRequest(std::string_view(reinterpret_cast<const char*>(data), size), &body);
  request.body = body;

  const std::string normalized = aws::NormalizePath(request.path);
  if (request.path.starts_with('/')) {
    FUZZ_CHECK(normalized.starts_with('/'));
    FUZZ_CHECK(normalized.find("//") == std::string::npos);
    FUZZ_CHECK(aws::NormalizePath(normalized) == normalized);
  }
  FUZZ_CHECK(IsEncoded(aws::CanonicalUri(request.path), "/"));

  const std::string query = aws::CanonicalQueryString(request.query);
  FUZZ_CHECK(IsEncoded(query, "=&"));
  FUZZ_CHECK(aws::CanonicalQueryString(query) == query);
  FUZZ_CHECK(aws::CanonicalQueryString(ReversedQuery(request.query)) == query);

  const std::string payload_hash = streamhook::HexEncode(streamhook::AsBytes(streamhook::Sha256(body)));
  std::string signed_headers;
  const std::string canonical = aws::CanonicalRequest(request, payload_hash, &signed_headers);
  FUZZ_CHECK(aws::CanonicalRequest(request, payload_hash) == canonical);
  const bool listable = std::all_of(request.headers.begin(), request.headers.end(), [](const auto& header) {
    return !header.first.empty() && header.first.find(';') == std::string::npos;
  });
  if (listable) CheckSignedHeaders(request, signed_headers);
  // Headers of different names may come in any order; same-named ones keep theirs (stable sort).
  aws::SignableRequest sorted = request;
  std::stable_sort(sorted.headers.begin(), sorted.headers.end(),
                   [](const auto& a, const auto& b) { return Lower(a.first) < Lower(b.first); });
  FUZZ_CHECK(aws::CanonicalRequest(sorted, payload_hash) == canonical);

  // Sign, then sign the signed request again as a retry does: same headers, same signature.
  const aws::SigV4Signer signer("us-east-1", "service");
  const aws::Credentials credentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "token", {}};
  const auto now = std::chrono::system_clock::time_point(std::chrono::seconds(1440938160));
  aws::SigningDetail first_detail, second_detail;
  signer.Sign(credentials, now, &request, &first_detail);
  const auto signed_once = request.headers;
  signer.Sign(credentials, now, &request, &second_detail);
  FUZZ_CHECK(request.headers == signed_once);
  FUZZ_CHECK(second_detail.canonical_request == first_detail.canonical_request);
  FUZZ_CHECK(second_detail.authorization == first_detail.authorization);
  FUZZ_CHECK(signer.signing_key_derivations() == 1);
  return 0;
}
