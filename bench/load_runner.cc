#include "load_runner.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>

#include "common/encoding.h"

namespace streamhook::bench {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Clock = std::chrono::steady_clock;
using asio::awaitable;
using asio::use_awaitable;

constexpr auto kReconnectPause = std::chrono::milliseconds(100);

// One request of the schedule.
struct Slot {
  const BatchTemplate* batch = nullptr;
  uint64_t first_sequence = 0;  // messageId sequence of its first event
  Clock::time_point due;
};

class Runner {
 public:
  Runner(const RunSettings& settings, const RequestPool& pool) : settings_(settings), pool_(pool) {
    batch_events_ = pool.batches.front().events();
    if (settings.max_events > 0) {
      total_requests_ = settings.max_events / batch_events_ + (pool.tail ? 1 : 0);
    }
    if (settings.rate_events_per_s > 0) {
      interval_ = std::chrono::duration_cast<Clock::duration>(
          std::chrono::duration<double>(static_cast<double>(batch_events_) / settings.rate_events_per_s));
    }
  }

  Result<LoadResult> Run() {
    asio::co_spawn(context_, Main(), asio::detached);
    context_.run();
    if (streams_.empty()) {
      return Status::Unavailable("could not connect to " + settings_.target.host_header +
                                 ": is the server running?");
    }
    return std::move(result_);
  }

 private:
  struct Connection {
    explicit Connection(asio::io_context& context) : stream(context), timer(context) {}
    beast::tcp_stream stream;
    asio::steady_timer timer;
    bool open = false;
  };

  awaitable<bool> Connect(Connection* c) {
    boost::system::error_code ec;
    c->stream.expires_after(std::chrono::seconds(5));
    co_await c->stream.async_connect(settings_.target.endpoints, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      ++result_.connect_errors;
      co_return false;
    }
    c->stream.socket().set_option(asio::ip::tcp::no_delay(true));
    c->open = true;
    co_return true;
  }

  awaitable<void> Main() {
    // Connect everything before the clock starts: connection setup is not what we measure.
    for (size_t i = 0; i < settings_.connections; ++i) {
      auto c = std::make_unique<Connection>(context_);
      if (co_await Connect(c.get())) streams_.push_back(std::move(c));
    }
    if (streams_.empty()) co_return;
    start_ = Clock::now();
    deadline_ = std::make_unique<asio::steady_timer>(context_);
    deadline_->expires_at(start_ + std::chrono::duration_cast<Clock::duration>(settings_.hard_deadline));
    deadline_->async_wait([this](boost::system::error_code ec) {
      if (!ec) CutOff();
    });
    running_ = streams_.size();
    for (auto& c : streams_) asio::co_spawn(context_, Drive(c.get()), asio::detached);
  }

  // Stops everything still in flight: the run has overstayed its hard deadline.
  void CutOff() {
    stopping_ = true;
    result_.cut_off = running_ > 0;
    for (auto& c : streams_) {
      c->timer.cancel();
      beast::error_code ignored;
      c->stream.socket().close(ignored);
    }
  }

  bool ScheduleDone(Clock::time_point now) const {
    if (stopping_) return true;
    if (total_requests_ > 0 && next_request_ >= total_requests_) return true;
    if (settings_.duration.count() > 0) {
      const auto end = start_ + std::chrono::duration_cast<Clock::duration>(settings_.duration);
      const auto due = interval_.count() > 0 ? DueTime(next_request_) : now;
      if (due >= end) return true;
    }
    return false;
  }

  Clock::time_point DueTime(uint64_t index) const {
    return start_ + interval_ * static_cast<Clock::rep>(index);
  }

  std::optional<Slot> TakeSlot() {
    const auto now = Clock::now();
    if (ScheduleDone(now)) return std::nullopt;
    Slot slot;
    const uint64_t index = next_request_++;
    const bool last = total_requests_ > 0 && index + 1 == total_requests_;
    slot.batch = last && pool_.tail ? &*pool_.tail : &pool_.batches[index % pool_.batches.size()];
    slot.first_sequence = index * batch_events_;
    slot.due = interval_.count() > 0 ? DueTime(index) : now;
    return slot;
  }

  void Record(const Slot& slot, unsigned status, Clock::time_point sent_at) {
    const auto now = Clock::now();
    ++result_.responses;
    const auto from = interval_.count() > 0 ? slot.due : sent_at;
    result_.latencies_ns.push_back(
        static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - from).count()));
    if (status >= 200 && status < 300) {
      ++result_.status_2xx;
      result_.events_accepted += slot.batch->events();
    } else if (status >= 400 && status < 500) {
      ++result_.status_4xx;
    } else if (status == 503) {
      ++result_.status_503;
    } else if (status >= 500) {
      ++result_.status_5xx;
    } else {
      ++result_.status_other;
    }
  }

  awaitable<void> Pause(Connection* c, Clock::time_point until) {
    boost::system::error_code ec;
    c->timer.expires_at(until);
    co_await c->timer.async_wait(asio::redirect_error(use_awaitable, ec));
  }

  awaitable<void> Drive(Connection* c) {
    http::request<http::string_body> request{http::verb::post, "/v1/batch", 11};
    request.set(http::field::host, settings_.target.host_header);
    request.set(http::field::content_type, "application/json");
    request.set(http::field::user_agent, "streamhook-load-generator");
    request.set(http::field::authorization, "Basic " + Base64Encode(settings_.write_key + ":"));
    beast::flat_buffer buffer;
    const auto timeout = std::chrono::duration_cast<Clock::duration>(settings_.request_timeout);

    while (!ScheduleDone(Clock::now())) {
      if (!c->open && !co_await Connect(c)) {
        co_await Pause(c, Clock::now() + kReconnectPause);
        continue;
      }
      const std::optional<Slot> slot = TakeSlot();
      if (!slot) break;
      if (slot->due > Clock::now()) co_await Pause(c, slot->due);
      if (stopping_) break;

      StampMessageIds(*slot->batch, slot->first_sequence, &request.body());
      request.prepare_payload();
      const auto sent_at = Clock::now();
      ++result_.requests_sent;
      result_.events_sent += slot->batch->events();
      result_.bytes_sent += request.body().size();

      boost::system::error_code ec;
      c->stream.expires_after(timeout);
      co_await http::async_write(c->stream, request, asio::redirect_error(use_awaitable, ec));
      http::response<http::string_body> response;
      if (!ec)
        co_await http::async_read(c->stream, buffer, response, asio::redirect_error(use_awaitable, ec));
      if (ec) {
        ++result_.transport_errors;
        Close(c, &buffer);
        continue;
      }
      Record(*slot, response.result_int(), sent_at);
      if (response.need_eof()) Close(c, &buffer);  // the server asked to close (e.g. after an error)
    }
    Close(c, &buffer);
    FinishOne();
  }

  void Close(Connection* c, beast::flat_buffer* buffer) {
    beast::error_code ignored;
    c->stream.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    c->stream.socket().close(ignored);
    buffer->clear();
    c->open = false;
  }

  void FinishOne() {
    if (--running_ > 0) return;
    result_.elapsed_s = std::chrono::duration<double>(Clock::now() - start_).count();
    deadline_->cancel();
  }

  const RunSettings& settings_;
  const RequestPool& pool_;
  asio::io_context context_;
  std::vector<std::unique_ptr<Connection>> streams_;
  std::unique_ptr<asio::steady_timer> deadline_;
  size_t batch_events_ = 1;
  uint64_t total_requests_ = 0;  // 0: no event limit
  uint64_t next_request_ = 0;
  Clock::duration interval_{0};  // between due times; 0: flat out
  Clock::time_point start_;
  size_t running_ = 0;
  bool stopping_ = false;
  LoadResult result_;
};

}  // namespace

RequestPool BuildRequestPool(EventCorpus* corpus, size_t batch_events, size_t distinct, uint64_t max_events) {
  RequestPool pool;
  uint64_t full_batches_needed = distinct;
  if (max_events > 0) full_batches_needed = std::min<uint64_t>(distinct, max_events / batch_events);
  for (uint64_t i = 0; i < std::max<uint64_t>(full_batches_needed, 1); ++i) {
    pool.batches.push_back(corpus->MakeBatch(batch_events));
  }
  if (max_events > 0 && max_events % batch_events != 0)
    pool.tail = corpus->MakeBatch(max_events % batch_events);
  return pool;
}

Result<LoadResult> RunLoad(const RunSettings& settings, const RequestPool& pool) {
  if (pool.batches.empty() || pool.batches.front().events() == 0) {
    return Status::InvalidArgument("the request pool holds no events");
  }
  if (settings.duration.count() <= 0 && settings.max_events == 0) {
    return Status::InvalidArgument("a load run needs a duration or an event limit");
  }
  Runner runner(settings, pool);
  return runner.Run();
}

}  // namespace streamhook::bench
