// Connection: one accepted client socket, serving its requests one at a time. Internal.
//
// Everything a connection does runs on its own strand; the only entry points from other threads
// are the Respond callbacks it hands out (which post onto the strand) and NotifyStopping. The
// ServerCore registry owns the connection while it is open, so a request parked in a slow handler
// needs no other owner, and Stop() can reach every connection.
//
// Per request: [wait for the first byte: idle_timeout] -> read header and body (read_timeout)
// -> handler -> write (write_timeout) -> next request, or close. Protocol errors are answered
// (400/413/431), then the connection "lingers": it stops sending, discards what the client is
// still sending for a moment, and closes, so the client sees the answer instead of a reset.
#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/http_types.h"
#include "server/message_conversion.h"
#include "server/server_core.h"

namespace streamhook::server {

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // `socket` must use a strand of core.io_context as its executor.
  Connection(ServerCore& core, boost::asio::ip::tcp::socket socket);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Begins serving; call once, after core.Register accepted it.
  void Start();
  // For a connection the core refused: writes a 503 without reading anything and closes.
  void Reject();
  // Thread-safe. The server is stopping: an idle connection closes now, a busy one after its
  // current response (which goes out with Connection: close).
  void NotifyStopping();
  // Closes the socket from the thread that stopped the I/O threads (none may be running).
  void CloseAfterIoStopped();

  // Called on the strand with the handler's answer to the current request.
  void OnHandlerResponse(HttpResponse response);
  boost::asio::any_io_executor executor() { return stream_.get_executor(); }

 private:
  enum class State { kAwaitingRequest, kReading, kHandling, kWriting, kLingering, kClosed };
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;
  using ErrorCode = boost::beast::error_code;

  void AwaitRequest();
  void OnFirstBytes(ErrorCode ec, size_t bytes);
  void ReadHeader();
  void OnHeader(ErrorCode ec);
  void ReadBody();
  void OnBody(ErrorCode ec);
  void OnReadError(ErrorCode ec);
  void HandleRequest();
  void SendResponse(HttpResponse response, bool keep_alive);
  void OnWritten(ErrorCode ec);
  void SendErrorAndLinger(int status, std::string_view code, std::string_view message);
  void Linger();
  void OnLingerRead(ErrorCode ec, size_t bytes);
  void Close();

  ServerCore& core_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;  // reused for every request on the connection
  std::optional<Parser> parser_;
  BeastResponse response_;  // alive while async_write sends it
  HttpRequest request_;     // handed to the handler; valid until it responds
  std::string remote_;
  State state_ = State::kAwaitingRequest;
  bool first_request_ = true;
  bool keep_alive_ = false;
  bool head_request_ = false;
  bool linger_after_write_ = false;
  unsigned version_ = 11;
  size_t lingered_bytes_ = 0;
};

}  // namespace streamhook::server
