// Shared helpers for the server tests: an echo handler and a started server on 127.0.0.1:0.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/http_types.h"
#include "server/http_server.h"

namespace streamhook::server::testing {

// Answers 200 text/plain "<METHOD> <path>?<query>|<body>", so tests see what the server parsed.
inline void EchoHandler(const HttpRequest& request, Respond respond) {
  HttpResponse response;
  response.content_type = "text/plain";
  response.body = request.method + " " + request.path + "?" + request.query + "|" + request.body;
  respond(std::move(response));
}

// Options for tests: loopback, an ephemeral port, two I/O threads (so races can show).
inline HttpServerOptions TestOptions() {
  HttpServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  options.io_threads = 2;
  return options;
}

// A started server (the test fails if Start does).
inline std::unique_ptr<HttpServer> StartServer(HttpServerOptions options, HttpHandler handler = EchoHandler) {
  auto server = std::make_unique<HttpServer>(std::move(options), std::move(handler));
  Status started = server->Start();
  EXPECT_TRUE(started.ok()) << started.ToString();
  EXPECT_GT(server->port(), 0);
  return server;
}

// Polls `condition` until it holds or `timeout` passes; returns its last value.
inline bool Eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace streamhook::server::testing
