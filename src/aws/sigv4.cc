#include "aws/sigv4.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <mutex>

namespace streamhook::aws {
namespace {

constexpr char kUpperHex[] = "0123456789ABCDEF";

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

unsigned char ToLowerAscii(unsigned char c) {
  return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (ToLowerAscii(a[i]) != ToLowerAscii(b[i])) return false;
  }
  return true;
}

// Byte order of the lower-cased names: the order of canonical headers.
bool LessIgnoringCase(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = ToLowerAscii(a[i]), y = ToLowerAscii(b[i]);
    if (x != y) return x < y;
  }
  return a.size() < b.size();
}

void AppendLowerAscii(std::string_view text, std::string* out) {
  for (char c : text) out->push_back(static_cast<char>(ToLowerAscii(c)));
}

// Appends the value with leading/trailing whitespace dropped and inner runs made one space
// (the "Trimall" of the SigV4 spec).
void AppendTrimmedValue(std::string_view value, std::string* out) {
  bool pending_space = false;
  bool any = false;
  for (char c : value) {
    if (IsSpace(c)) {
      pending_space = any;
      continue;
    }
    if (pending_space) out->push_back(' ');
    pending_space = false;
    any = true;
    out->push_back(c);
  }
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Decodes %XX escapes; a '%' not followed by two hex digits stays as it is (and is encoded later).
std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = HexValue(text[i + 1]), lo = HexValue(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

void AppendCanonicalHeaders(const std::vector<std::pair<std::string, std::string>>& headers, std::string* out,
                            std::string* signed_headers) {
  // Views into the request sorted by name: no per-header copies on this per-request path.
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(headers.size());
  std::string lower_name;
  for (const auto& header : headers) {
    lower_name.clear();
    AppendLowerAscii(header.first, &lower_name);
    if (!IsUnsignedHeader(lower_name)) sorted.push_back(&header);
  }
  // Stable: repeated headers keep their order when their values are joined.
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const auto* a, const auto* b) { return LessIgnoringCase(a->first, b->first); });
  std::string signed_list;
  for (size_t i = 0; i < sorted.size(); ++i) {
    const std::string_view name = sorted[i]->first;
    const bool continues_previous = i > 0 && EqualsIgnoringCase(sorted[i - 1]->first, name);
    if (continues_previous) {
      out->push_back(',');
    } else {
      if (i > 0) out->push_back('\n');
      AppendLowerAscii(name, out);
      out->push_back(':');
      if (!signed_list.empty()) signed_list.push_back(';');
      AppendLowerAscii(name, &signed_list);
    }
    AppendTrimmedValue(sorted[i]->second, out);
  }
  if (!sorted.empty()) out->push_back('\n');
  out->push_back('\n');
  out->append(signed_list);
  if (signed_headers) *signed_headers = std::move(signed_list);
}

}  // namespace

std::string FormatAmzDate(std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto seconds_since_epoch = floor<seconds>(time);
  const auto day = floor<days>(seconds_since_epoch);
  const year_month_day ymd{day};
  const hh_mm_ss clock{seconds_since_epoch - day};
  char text[32];
  std::snprintf(text, sizeof text, "%04d%02u%02uT%02d%02d%02dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(clock.hours().count()), static_cast<int>(clock.minutes().count()),
                static_cast<int>(clock.seconds().count()));
  return text;
}

void AppendUriEncoded(std::string_view bytes, bool keep_slash, std::string* out) {
  for (char c : bytes) {
    const auto b = static_cast<unsigned char>(c);
    if (IsUnreserved(b) || (keep_slash && c == '/')) {
      out->push_back(c);
    } else {
      out->push_back('%');
      out->push_back(kUpperHex[b >> 4]);
      out->push_back(kUpperHex[b & 15]);
    }
  }
}

std::string NormalizePath(std::string_view path) {
  if (path.empty()) return "/";
  std::vector<std::string_view> segments;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    const std::string_view segment = path.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  out.reserve(path.size());
  if (path.front() == '/') out.push_back('/');
  for (size_t i = 0; i < segments.size(); ++i) {
    if (i > 0) out.push_back('/');
    out.append(segments[i]);
  }
  if (path.back() == '/' && !segments.empty()) out.push_back('/');
  return out;
}

std::string CanonicalUri(std::string_view path) {
  std::string out;
  AppendUriEncoded(NormalizePath(path), /*keep_slash=*/true, &out);
  return out;
}

std::string CanonicalQueryString(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string_view::npos) end = query.size();
    const std::string_view param = query.substr(start, end - start);
    start = end + 1;
    if (param.empty()) continue;
    const size_t eq = param.find('=');
    std::pair<std::string, std::string> encoded;
    AppendUriEncoded(PercentDecode(param.substr(0, eq)), false, &encoded.first);
    if (eq != std::string_view::npos)
      AppendUriEncoded(PercentDecode(param.substr(eq + 1)), false, &encoded.second);
    params.push_back(std::move(encoded));
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out.push_back('&');
    out.append(name).append("=").append(value);
  }
  return out;
}

bool IsUnsignedHeader(std::string_view lower_name) {
  return lower_name == "authorization" || lower_name == "user-agent" || lower_name == "expect" ||
         lower_name == "x-amzn-trace-id";
}

std::string CanonicalRequest(const SignableRequest& request, std::string_view payload_sha256_hex,
                             std::string* signed_headers) {
  std::string out;
  size_t header_bytes = 0;
  for (const auto& [name, value] : request.headers) header_bytes += name.size() + value.size() + 2;
  out.reserve(request.method.size() + request.path.size() * 3 + request.query.size() * 3 + 2 * header_bytes +
              payload_sha256_hex.size() + 8);
  out.append(request.method).push_back('\n');
  AppendUriEncoded(NormalizePath(request.path), /*keep_slash=*/true, &out);
  out.push_back('\n');
  if (!request.query.empty()) out.append(CanonicalQueryString(request.query));
  out.push_back('\n');
  AppendCanonicalHeaders(request.headers, &out, signed_headers);
  out.push_back('\n');
  out.append(payload_sha256_hex);
  return out;
}

std::string CredentialScope(std::string_view date, std::string_view region, std::string_view service) {
  std::string out;
  out.reserve(date.size() + region.size() + service.size() + 16);
  out.append(date).append("/").append(region).append("/").append(service).append("/aws4_request");
  return out;
}

std::string StringToSign(std::string_view amz_date, std::string_view scope,
                         std::string_view canonical_request) {
  std::string out;
  out.reserve(kSigV4Algorithm.size() + amz_date.size() + scope.size() + 64 + 3);
  out.append(kSigV4Algorithm).append("\n").append(amz_date).append("\n").append(scope).append("\n");
  out.append(HexEncode(AsBytes(Sha256(canonical_request))));
  return out;
}

Sha256Digest DeriveSigningKey(std::string_view secret_access_key, std::string_view date,
                              std::string_view region, std::string_view service) {
  std::string date_key_secret;
  date_key_secret.reserve(4 + secret_access_key.size());
  date_key_secret.append("AWS4").append(secret_access_key);
  const Sha256Digest date_key = HmacSha256(date_key_secret, date);
  const Sha256Digest region_key = HmacSha256(AsBytes(date_key), region);
  const Sha256Digest service_key = HmacSha256(AsBytes(region_key), service);
  return HmacSha256(AsBytes(service_key), "aws4_request");
}

// A few recently used signing keys. More than one entry so that signers shared by connectors with
// different keys do not evict each other on every request.
struct SigV4Signer::KeyCache {
  struct Entry {
    std::string date;
    std::string secret;
    Sha256Digest key{};
    uint64_t last_used = 0;
  };
  std::mutex mutex;
  std::array<Entry, 4> entries;
  uint64_t uses = 0;
  uint64_t derivations = 0;
};

SigV4Signer::SigV4Signer(std::string region, std::string service)
    : region_(std::move(region)), service_(std::move(service)), key_cache_(std::make_shared<KeyCache>()) {}

uint64_t SigV4Signer::signing_key_derivations() const {
  std::lock_guard lock(key_cache_->mutex);
  return key_cache_->derivations;
}

Sha256Digest SigV4Signer::SigningKey(std::string_view secret, std::string_view date) const {
  KeyCache& cache = *key_cache_;
  std::lock_guard lock(cache.mutex);
  ++cache.uses;
  KeyCache::Entry* oldest = &cache.entries[0];
  for (auto& entry : cache.entries) {
    if (entry.last_used != 0 && entry.date == date && entry.secret == secret) {
      entry.last_used = cache.uses;
      return entry.key;
    }
    if (entry.last_used < oldest->last_used) oldest = &entry;
  }
  ++cache.derivations;
  oldest->date.assign(date);
  oldest->secret.assign(secret);
  oldest->key = DeriveSigningKey(secret, date, region_, service_);
  oldest->last_used = cache.uses;
  return oldest->key;
}

void SigV4Signer::Sign(const Credentials& credentials, std::chrono::system_clock::time_point now,
                       SignableRequest* request, SigningDetail* detail) const {
  const std::string amz_date = FormatAmzDate(now);
  const std::string_view date = std::string_view(amz_date).substr(0, 8);
  auto& headers = request->headers;
  std::erase_if(headers, [](const auto& header) {
    return EqualsIgnoringCase(header.first, "authorization") ||
           EqualsIgnoringCase(header.first, "x-amz-date") ||
           EqualsIgnoringCase(header.first, "x-amz-security-token");
  });
  headers.emplace_back("X-Amz-Date", amz_date);
  if (!credentials.session_token.empty())
    headers.emplace_back("X-Amz-Security-Token", credentials.session_token);

  // The body can be megabytes: hashed once, in one pass.
  const std::string payload_hash = HexEncode(AsBytes(Sha256(request->body)));
  std::string signed_headers;
  std::string canonical_request = CanonicalRequest(*request, payload_hash, &signed_headers);
  const std::string scope = CredentialScope(date, region_, service_);
  std::string string_to_sign = StringToSign(amz_date, scope, canonical_request);
  const Sha256Digest key = SigningKey(credentials.secret_access_key, date);
  std::string signature = HexEncode(AsBytes(HmacSha256(AsBytes(key), string_to_sign)));

  std::string authorization;
  authorization.reserve(kSigV4Algorithm.size() + credentials.access_key_id.size() + scope.size() +
                        signed_headers.size() + signature.size() + 48);
  authorization.append(kSigV4Algorithm)
      .append(" Credential=")
      .append(credentials.access_key_id)
      .append("/")
      .append(scope)
      .append(", SignedHeaders=")
      .append(signed_headers)
      .append(", Signature=")
      .append(signature);
  if (detail) {
    detail->canonical_request = std::move(canonical_request);
    detail->string_to_sign = std::move(string_to_sign);
    detail->signature = std::move(signature);
    detail->authorization = authorization;
  }
  headers.emplace_back("Authorization", std::move(authorization));
}

}  // namespace streamhook::aws
