#include "server/message_conversion.h"

#include <algorithm>
#include <string_view>

namespace streamhook::server {
namespace http = boost::beast::http;

namespace {

void AssignLowerCase(std::string_view text, std::string* out) {
  out->resize(text.size());
  std::transform(text.begin(), text.end(), out->begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
  });
}

bool HasLineBreak(std::string_view text) {
  return text.find_first_of("\r\n") != std::string_view::npos;
}

// Headers the server sets itself; a handler's copy would contradict the framing.
bool IsServerOwnedHeader(std::string_view name) {
  static constexpr std::string_view kOwned[] = {"content-length", "transfer-encoding", "connection", "server",
                                                "content-type"};
  for (std::string_view owned : kOwned) {
    if (boost::beast::iequals(name, owned)) return true;
  }
  return false;
}

}  // namespace

void FillHttpRequest(BeastRequest& message, const std::string& remote, HttpRequest* out) {
  out->method.assign(message.method_string());
  std::string_view target = message.target();
  const size_t question = target.find('?');
  if (question == std::string_view::npos) {
    out->path.assign(target);
    out->query.clear();
  } else {
    out->path.assign(target.substr(0, question));
    out->query.assign(target.substr(question + 1));
  }

  size_t count = 0;
  for (const auto& field : message) {
    if (count == out->headers.size()) out->headers.emplace_back();
    auto& [name, value] = out->headers[count++];
    AssignLowerCase(field.name_string(), &name);
    value.assign(field.value());
  }
  out->headers.resize(count);

  out->body = std::move(message.body());
  out->remote = remote;
}

void FillBeastResponse(HttpResponse&& response, unsigned version, bool keep_alive, bool head_request,
                       BeastResponse* out) {
  *out = BeastResponse();
  const bool valid_status = response.status >= 100 && response.status <= 599;
  out->result(valid_status ? response.status : 500);
  out->version(version);
  out->set(http::field::server, "streamhook");
  for (const auto& [name, value] : response.headers) {
    if (name.empty() || HasLineBreak(name) || HasLineBreak(value) || IsServerOwnedHeader(name)) continue;
    out->insert(name, value);
  }

  const int status = out->result_int();
  const bool body_forbidden = status < 200 || status == 204 || status == 304;
  if (body_forbidden) {
    // RFC 9110: these carry neither a body nor a Content-Length.
    response.body.clear();
  } else {
    if (!HasLineBreak(response.content_type) && !response.content_type.empty()) {
      out->set(http::field::content_type, response.content_type);
    }
    out->content_length(response.body.size());
    if (head_request) response.body.clear();
  }
  out->body() = std::move(response.body);
  out->keep_alive(keep_alive);
}

}  // namespace streamhook::server
