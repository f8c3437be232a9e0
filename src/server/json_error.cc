#include "server/json_error.h"

#include "common/json_writer.h"

namespace streamhook::server {

std::string JsonErrorBody(std::string_view code, std::string_view message) {
  std::string body;
  body.reserve(48 + code.size() + message.size());
  JsonWriter writer(&body);
  writer.BeginObject();
  writer.Key("success");
  writer.Bool(false);
  writer.Key("code");
  writer.String(code);
  writer.Key("message");
  writer.String(message);
  writer.EndObject();
  return body;
}

HttpResponse JsonErrorResponse(int status, std::string_view code, std::string_view message) {
  HttpResponse response;
  response.status = status;
  response.body = JsonErrorBody(code, message);
  return response;
}

}  // namespace streamhook::server
