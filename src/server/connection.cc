#include "server/connection.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <limits>

#include "server/json_error.h"

namespace streamhook::server {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Read size for one socket read; also the per-connection buffer reserved up front, so a typical
// batch of events arrives in a few reads without the buffer growing or being reallocated.
constexpr size_t kReadChunk = 16 << 10;
// After an error answer: how long and how much of the client's remaining upload to discard
// before closing, so that the close does not become a reset that destroys the answer in flight.
constexpr auto kLingerTimeout = std::chrono::seconds(2);
constexpr size_t kMaxLingerBytes = 4 << 20;

constexpr std::string_view k100Continue = "HTTP/1.1 100 Continue\r\n\r\n";

const std::string& RejectionResponse() {
  static const std::string response = [] {
    const std::string body =
        JsonErrorBody("unavailable", "the server has too many connections open; retry shortly");
    return fmt::format(
        "HTTP/1.1 503 Service Unavailable\r\nServer: streamhook\r\nContent-Type: application/json\r\n"
        "Content-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{}",
        body.size(), body);
  }();
  return response;
}

std::string FormatRemote(const net::ip::tcp::socket& socket) {
  beast::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  const auto address = endpoint.address();
  return address.is_v6() ? fmt::format("[{}]:{}", address.to_string(), endpoint.port())
                         : fmt::format("{}:{}", address.to_string(), endpoint.port());
}

bool AsksToClose(const HttpResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (beast::iequals(name, "connection") && beast::iequals(value, "close")) return true;
  }
  return false;
}

// The shared state behind one request's Respond callback: answered at most once, and answered
// with a 500 if every copy of the callback is dropped unanswered, so the client is not left
// waiting and the connection is not parked forever.
class PendingResponse {
 public:
  PendingResponse(std::weak_ptr<Connection> connection, ServerCore& core)
      : connection_(std::move(connection)), gate_(core.gate), core_(&core) {}
  ~PendingResponse() {
    if (answered_.exchange(true)) return;
    Deliver(JsonErrorResponse(500, "internal", "the request handler did not answer"), /*dropped=*/true);
  }
  PendingResponse(const PendingResponse&) = delete;
  PendingResponse& operator=(const PendingResponse&) = delete;

  void Answer(HttpResponse response) {
    if (answered_.exchange(true)) return;  // exactly once: later calls are ignored
    Deliver(std::move(response), /*dropped=*/false);
  }

 private:
  void Deliver(HttpResponse response, bool dropped) {
    // Under the gate lock the server (core, io_context) is alive; once closed it is going away.
    std::lock_guard lock(gate_->mu);
    if (!gate_->open) return;
    if (dropped) Increment(core_->counters.dropped_responses);
    std::shared_ptr<Connection> connection = connection_.lock();
    if (!connection) return;
    net::any_io_executor strand = connection->executor();
    net::post(strand, [connection = std::move(connection), response = std::move(response)]() mutable {
      connection->OnHandlerResponse(std::move(response));
    });
  }

  std::atomic<bool> answered_{false};
  std::weak_ptr<Connection> connection_;
  std::shared_ptr<ResponseGate> gate_;
  ServerCore* core_;  // dereferenced only while the gate is open
};

}  // namespace

Connection::Connection(ServerCore& core, net::ip::tcp::socket socket)
    : core_(core), stream_(std::move(socket)), remote_(FormatRemote(stream_.socket())) {}

void Connection::Start() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->state_ == State::kClosed) return;  // Stop() got here first
    self->buffer_.reserve(kReadChunk);
    // A new connection has read_timeout, from now, to deliver its first request.
    self->stream_.expires_after(self->core_.options.read_timeout);
    self->AwaitRequest();
  });
}

void Connection::Reject() {
  // Not registered and never shared: no other thread can touch this socket.
  auto& socket = stream_.socket();
  ErrorCode ignored;
  socket.non_blocking(true, ignored);
  socket.write_some(net::buffer(RejectionResponse()), ignored);
  socket.shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  socket.close(ignored);
  state_ = State::kClosed;
}

void Connection::NotifyStopping() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    if (self->state_ == State::kAwaitingRequest || self->state_ == State::kLingering) self->Close();
    // Busy connections see core_.stopping() when their response is written, and close then.
  });
}

void Connection::CloseAfterIoStopped() {
  state_ = State::kClosed;
  stream_.close();
}

void Connection::AwaitRequest() {
  state_ = State::kAwaitingRequest;
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(
      std::min<size_t>(core_.options.header_limit, std::numeric_limits<uint32_t>::max())));
  parser_->body_limit(core_.options.body_limit);
  if (buffer_.size() > 0) {  // a pipelined request is already here
    ReadHeader();
    return;
  }
  if (!first_request_) stream_.expires_after(core_.options.idle_timeout);
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Connection::OnFirstBytes, shared_from_this()));
}

void Connection::OnFirstBytes(ErrorCode ec, size_t bytes) {
  if (state_ == State::kClosed) return;  // Stop() closed it as bytes arrived
  if (ec) {
    if (ec == beast::error::timeout) {
      Increment(first_request_ ? core_.counters.read_timeouts : core_.counters.idle_timeouts);
    } else if (ec != net::error::eof && ec != net::error::operation_aborted) {
      Increment(core_.counters.connection_errors);
    }
    Close();
    return;
  }
  buffer_.commit(bytes);
  ReadHeader();
}

void Connection::ReadHeader() {
  state_ = State::kReading;
  // The first request keeps the deadline set at accept; later ones get read_timeout from here.
  if (!first_request_) stream_.expires_after(core_.options.read_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          [self = shared_from_this()](ErrorCode ec, size_t) { self->OnHeader(ec); });
}

void Connection::OnHeader(ErrorCode ec) {
  if (ec) {
    OnReadError(ec);
    return;
  }
  if (parser_->is_done()) {
    HandleRequest();
    return;
  }
  const auto& message = parser_->get();
  if (message.version() >= 11 && beast::iequals(message[http::field::expect], "100-continue")) {
    // Clients such as curl wait (about a second) for this before sending a large body.
    net::async_write(stream_, net::buffer(k100Continue), [self = shared_from_this()](ErrorCode ec, size_t) {
      if (ec) {
        Increment(self->core_.counters.connection_errors);
        self->Close();
        return;
      }
      self->ReadBody();
    });
    return;
  }
  ReadBody();
}

void Connection::ReadBody() {
  http::async_read(stream_, buffer_, *parser_,
                   [self = shared_from_this()](ErrorCode ec, size_t) { self->OnBody(ec); });
}

void Connection::OnBody(ErrorCode ec) {
  if (ec) {
    OnReadError(ec);
    return;
  }
  HandleRequest();
}

void Connection::OnReadError(ErrorCode ec) {
  auto& counters = core_.counters;
  if (ec == http::error::body_limit) {
    Increment(counters.bodies_too_large);
    SendErrorAndLinger(413, "payload_too_large",
                       fmt::format("the request body is larger than the server's limit of {} bytes",
                                   core_.options.body_limit));
  } else if (ec == http::error::header_limit) {
    Increment(counters.headers_too_large);
    SendErrorAndLinger(
        431, "headers_too_large",
        fmt::format("the request line and headers are larger than the server's limit of {} bytes",
                    core_.options.header_limit));
  } else if (ec == beast::error::timeout) {
    Increment(counters.read_timeouts);  // the stream is already closed: no time left to answer
    Close();
  } else if (ec == http::error::end_of_stream || ec == net::error::operation_aborted) {
    Close();
  } else if (ec == http::error::partial_message ||
             ec.category() != http::make_error_code(http::error::body_limit).category()) {
    Increment(counters.connection_errors);  // the client went away mid-request, or the socket failed
    Close();
  } else {
    Increment(counters.malformed_requests);
    SendErrorAndLinger(400, "bad_request", fmt::format("malformed HTTP request: {}", ec.message()));
  }
}

void Connection::HandleRequest() {
  state_ = State::kHandling;
  stream_.expires_never();  // handlers take the time they need; Stop() bounds it with drain_timeout
  auto& message = parser_->get();
  version_ = message.version();
  keep_alive_ = message.keep_alive();
  head_request_ = message.method() == http::verb::head;
  FillHttpRequest(message, remote_, &request_);

  auto pending = std::make_shared<PendingResponse>(weak_from_this(), core_);
  Respond respond = [pending](HttpResponse response) { pending->Answer(std::move(response)); };
  try {
    core_.handler(request_, respond);
  } catch (const std::exception& e) {
    spdlog::debug("http: handler for {} threw: {}", request_.path, e.what());
    respond(JsonErrorResponse(500, "internal", "the request handler failed"));
  } catch (...) {
    respond(JsonErrorResponse(500, "internal", "the request handler failed"));
  }
}

void Connection::OnHandlerResponse(HttpResponse response) {
  if (state_ != State::kHandling) return;  // closed by Stop() while the handler worked
  const bool keep_alive = keep_alive_ && !core_.stopping() && !AsksToClose(response);
  SendResponse(std::move(response), keep_alive);
}

void Connection::SendResponse(HttpResponse response, bool keep_alive) {
  state_ = State::kWriting;
  try {
    FillBeastResponse(std::move(response), version_, keep_alive, head_request_, &response_);
  } catch (const std::exception& e) {  // e.g. a header beyond Beast's 64 KiB field limit
    spdlog::debug("http: cannot encode the response for {}: {}", request_.path, e.what());
    FillBeastResponse(JsonErrorResponse(500, "internal", "the response could not be encoded"), version_,
                      keep_alive, head_request_, &response_);
  }
  stream_.expires_after(core_.options.write_timeout);
  http::async_write(stream_, response_,
                    [self = shared_from_this()](ErrorCode ec, size_t) { self->OnWritten(ec); });
}

void Connection::OnWritten(ErrorCode ec) {
  if (ec) {
    Increment(core_.counters.connection_errors);
    Close();
    return;
  }
  core_.counters.RecordResponse(response_.result_int());
  if (linger_after_write_) {
    Linger();
    return;
  }
  if (!response_.keep_alive() || core_.stopping()) {
    Close();
    return;
  }
  first_request_ = false;
  AwaitRequest();
}

void Connection::SendErrorAndLinger(int status, std::string_view code, std::string_view message) {
  linger_after_write_ = true;
  head_request_ = false;
  version_ = parser_ && parser_->is_header_done() ? parser_->get().version() : 11;
  SendResponse(JsonErrorResponse(status, code, message), /*keep_alive=*/false);
}

void Connection::Linger() {
  state_ = State::kLingering;
  ErrorCode ignored;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_send, ignored);
  stream_.expires_after(std::min<std::chrono::milliseconds>(kLingerTimeout, core_.options.read_timeout));
  buffer_.clear();
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Connection::OnLingerRead, shared_from_this()));
}

void Connection::OnLingerRead(ErrorCode ec, size_t bytes) {
  lingered_bytes_ += bytes;
  if (ec || lingered_bytes_ > kMaxLingerBytes || state_ != State::kLingering) {
    Close();
    return;
  }
  stream_.async_read_some(buffer_.prepare(kReadChunk),
                          beast::bind_front_handler(&Connection::OnLingerRead, shared_from_this()));
}

void Connection::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  stream_.close();
  core_.Unregister(this);  // may release the registry's reference; callers hold their own
}

}  // namespace streamhook::server
