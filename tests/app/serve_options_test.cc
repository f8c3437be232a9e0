#include "app/serve_options.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <string_view>

#include "support/test_env.h"

namespace streamhook::app {
namespace {

using std::chrono::milliseconds;

class ServeConfigFileTest : public ::testing::Test {
 protected:
  // Writes `text` as the config file and loads it over `options_`.
  Status Load(std::string_view text) {
    std::ofstream(path_, std::ios::binary | std::ios::trunc) << text;
    return LoadServeConfigFile(path_, &options_);
  }

  // Loads `text`, expecting an InvalidArgument whose message names `key`.
  void ExpectRejectedNaming(std::string_view text, std::string_view key) {
    const Status status = Load(text);
    ASSERT_FALSE(status.ok()) << text;
    EXPECT_EQ(status.code(), Status::Code::kInvalidArgument) << status.ToString();
    EXPECT_NE(status.message().find("'" + std::string(key) + "'"), std::string::npos)
        << "message does not name '" << key << "': " << status.message();
  }

  testing::TempDir dir_;
  std::filesystem::path path_ = dir_.path() / "streamhook.json";
  ServeOptions options_;
};

TEST_F(ServeConfigFileTest, ReadsEveryKey) {
  const Status status = Load(R"({
    "listen": "0.0.0.0:9090",
    "dataDir": "/var/lib/streamhook",
    "spool": {"maxBytes": 1073741824, "segmentBytes": 8388608, "fsync": false},
    "http": {"ioThreads": 4, "bodyLimit": 2097152, "headerLimit": 32768, "readTimeoutMs": 5000,
             "idleTimeoutMs": 30000, "maxConnections": 500},
    "profiles": {"enabled": false},
    "drainTimeoutMs": 2500
  })");
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(options_.listen, "0.0.0.0:9090");
  EXPECT_EQ(options_.data_dir, std::filesystem::path("/var/lib/streamhook"));
  EXPECT_EQ(options_.spool_max_bytes, 1073741824u);
  EXPECT_EQ(options_.spool_segment_bytes, 8388608u);
  EXPECT_FALSE(options_.fsync);
  EXPECT_EQ(options_.http.io_threads, 4);
  EXPECT_EQ(options_.http.body_limit, 2097152u);
  EXPECT_EQ(options_.http.header_limit, 32768u);
  EXPECT_EQ(options_.http.read_timeout, milliseconds(5000));
  EXPECT_EQ(options_.http.idle_timeout, milliseconds(30000));
  EXPECT_EQ(options_.http.max_connections, 500u);
  EXPECT_EQ(options_.drain_timeout, milliseconds(2500));
  EXPECT_FALSE(options_.profiles);
}

TEST_F(ServeConfigFileTest, AbsentKeysKeepTheirValues) {
  options_.listen = "127.0.0.1:1234";
  options_.fsync = false;
  ASSERT_TRUE(Load(R"({"spool": {"maxBytes": 4096}, "http": {}})").ok());
  const ServeOptions defaults;
  EXPECT_EQ(options_.listen, "127.0.0.1:1234");
  EXPECT_FALSE(options_.fsync);
  EXPECT_EQ(options_.spool_max_bytes, 4096u);
  EXPECT_EQ(options_.spool_segment_bytes, defaults.spool_segment_bytes);
  EXPECT_EQ(options_.data_dir, defaults.data_dir);
  EXPECT_EQ(options_.http.io_threads, defaults.http.io_threads);
  EXPECT_EQ(options_.http.body_limit, defaults.http.body_limit);
  EXPECT_EQ(options_.http.read_timeout, defaults.http.read_timeout);
  EXPECT_EQ(options_.drain_timeout, defaults.drain_timeout);
}

TEST_F(ServeConfigFileTest, EmptyObjectChangesNothing) {
  ASSERT_TRUE(Load("{}").ok());
  const ServeOptions defaults;
  EXPECT_EQ(options_.listen, defaults.listen);
  EXPECT_EQ(options_.spool_max_bytes, defaults.spool_max_bytes);
  EXPECT_EQ(options_.fsync, defaults.fsync);
}

TEST_F(ServeConfigFileTest, ZeroIoThreadsMeansOne) {
  ASSERT_TRUE(Load(R"({"http": {"ioThreads": 0}})").ok());
  EXPECT_EQ(options_.http.io_threads, 1);
}

TEST_F(ServeConfigFileTest, UnknownKeysAreNamed) {
  ExpectRejectedNaming(R"({"listne": "127.0.0.1:1"})", "listne");
  ExpectRejectedNaming(R"({"spool": {"compress": true}})", "spool.compress");
  ExpectRejectedNaming(R"({"http": {"writeTimeoutMs": 5}})", "http.writeTimeoutMs");
  ExpectRejectedNaming(R"({"DataDir": "x"})", "DataDir");  // keys are case-sensitive
}

TEST_F(ServeConfigFileTest, UnknownKeyIsReportedAsUnknownWhateverItsValue) {
  // A misspelt key must be reported as unknown, not as a value of the wrong type.
  for (std::string_view text :
       {R"({"spool": {"fsynk": "yes"}})", R"({"http": {"bodyLimt": "1MB"}})", R"({"draintimeout": "10s"})"}) {
    const Status status = Load(text);
    ASSERT_FALSE(status.ok()) << text;
    EXPECT_NE(status.message().find("unknown"), std::string::npos) << text << " -> " << status.message();
  }
}

TEST_F(ServeConfigFileTest, WrongTypesNameTheKey) {
  ExpectRejectedNaming(R"({"listen": 8088})", "listen");
  ExpectRejectedNaming(R"({"dataDir": ["a"]})", "dataDir");
  ExpectRejectedNaming(R"({"spool": true})", "spool");
  ExpectRejectedNaming(R"({"http": "fast"})", "http");
  ExpectRejectedNaming(R"({"drainTimeoutMs": "10s"})", "drainTimeoutMs");
  ExpectRejectedNaming(R"({"spool": {"maxBytes": "4GiB"}})", "spool.maxBytes");
  ExpectRejectedNaming(R"({"spool": {"segmentBytes": null}})", "spool.segmentBytes");
  ExpectRejectedNaming(R"({"spool": {"fsync": "false"}})", "spool.fsync");
  ExpectRejectedNaming(R"({"spool": {"fsync": 0}})", "spool.fsync");
  ExpectRejectedNaming(R"({"http": {"ioThreads": 2.5}})", "http.ioThreads");
  ExpectRejectedNaming(R"({"http": {"bodyLimit": -1}})", "http.bodyLimit");
  ExpectRejectedNaming(R"({"http": {"headerLimit": true}})", "http.headerLimit");
  ExpectRejectedNaming(R"({"http": {"readTimeoutMs": "5000"}})", "http.readTimeoutMs");
  ExpectRejectedNaming(R"({"http": {"idleTimeoutMs": {}}})", "http.idleTimeoutMs");
  ExpectRejectedNaming(R"({"http": {"maxConnections": 1e3}})", "http.maxConnections");
  ExpectRejectedNaming(R"({"profiles": false})", "profiles");
  ExpectRejectedNaming(R"({"profiles": {"enabled": "no"}})", "profiles.enabled");
  ExpectRejectedNaming(R"({"profiles": {"off": true}})", "profiles.off");
}

// Values too large for the option's type must not wrap into zero or negative numbers: the
// server would then refuse to start (or stop at once) with a message that does not name the key.
// Loads `text` over fresh options: either rejects it naming `key`, or returns true so the caller
// checks that the stored value is in range.
bool LoadedOutOfRange(ServeOptions* options, const std::filesystem::path& path, std::string_view text,
                      std::string_view key) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
  *options = ServeOptions();
  const Status status = LoadServeConfigFile(path, options);
  if (status.ok()) return true;
  EXPECT_NE(status.message().find(std::string(key)), std::string::npos) << status.message();
  return false;
}

TEST_F(ServeConfigFileTest, IoThreadsTooLargeForAnIntDoNotWrap) {
  // 2^32 wraps to 0 and 3e9 to a negative count when narrowed to int.
  for (std::string_view text :
       {R"({"http": {"ioThreads": 4294967296}})", R"({"http": {"ioThreads": 3000000000}})"}) {
    if (LoadedOutOfRange(&options_, path_, text, "http.ioThreads")) {
      EXPECT_GE(options_.http.io_threads, 1) << text;
    }
  }
}

TEST_F(ServeConfigFileTest, TimeoutsTooLargeForMillisecondsDoNotWrap) {
  // A uint64 above INT64_MAX becomes a negative std::chrono::milliseconds.
  if (LoadedOutOfRange(&options_, path_, R"({"http": {"readTimeoutMs": 18446744073709551615}})",
                       "http.readTimeoutMs")) {
    EXPECT_GT(options_.http.read_timeout.count(), 0);
  }
  if (LoadedOutOfRange(&options_, path_, R"({"http": {"idleTimeoutMs": 9223372036854775808}})",
                       "http.idleTimeoutMs")) {
    EXPECT_GT(options_.http.idle_timeout.count(), 0);
  }
  if (LoadedOutOfRange(&options_, path_, R"({"drainTimeoutMs": 18446744073709551615})", "drainTimeoutMs")) {
    EXPECT_GT(options_.drain_timeout.count(), 0);
  }
}

TEST_F(ServeConfigFileTest, MissingFileNamesThePath) {
  const Status status = LoadServeConfigFile(dir_.path() / "absent.json", &options_);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(status.message().find("absent.json"), std::string::npos) << status.message();
}

TEST_F(ServeConfigFileTest, NotAnObjectIsRejected) {
  for (std::string_view text : {R"(["listen", "127.0.0.1:1"])", R"("127.0.0.1:1")", "42", "null"}) {
    const Status status = Load(text);
    ASSERT_FALSE(status.ok()) << text;
    EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
    EXPECT_NE(status.message().find(path_.string()), std::string::npos) << status.message();
    EXPECT_NE(status.message().find("object"), std::string::npos) << status.message();
  }
}

TEST_F(ServeConfigFileTest, MalformedJsonNamesThePath) {
  for (std::string_view text : {R"({"listen": "127.0.0.1:1",})", R"({"listen")", ""}) {
    const Status status = Load(text);
    ASSERT_FALSE(status.ok()) << text;
    EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
    EXPECT_NE(status.message().find(path_.string()), std::string::npos) << status.message();
  }
}

TEST(ApplyListenAddress, Ipv4) {
  server::HttpServerOptions http;
  ASSERT_TRUE(ApplyListenAddress("192.0.2.10:8088", &http).ok());
  EXPECT_EQ(http.host, "192.0.2.10");
  EXPECT_EQ(http.port, 8088);
  ASSERT_TRUE(ApplyListenAddress("0.0.0.0:0", &http).ok());
  EXPECT_EQ(http.host, "0.0.0.0");
  EXPECT_EQ(http.port, 0);
  ASSERT_TRUE(ApplyListenAddress("localhost:65535", &http).ok());
  EXPECT_EQ(http.host, "localhost");
  EXPECT_EQ(http.port, 65535);
}

TEST(ApplyListenAddress, BracketedIpv6) {
  server::HttpServerOptions http;
  ASSERT_TRUE(ApplyListenAddress("[::1]:8088", &http).ok());
  EXPECT_EQ(http.host, "::1");
  EXPECT_EQ(http.port, 8088);
  ASSERT_TRUE(ApplyListenAddress("[::]:80", &http).ok());
  EXPECT_EQ(http.host, "::");
  EXPECT_EQ(http.port, 80);
  ASSERT_TRUE(ApplyListenAddress("[2001:db8::7]:443", &http).ok());
  EXPECT_EQ(http.host, "2001:db8::7");
  EXPECT_EQ(http.port, 443);
}

TEST(ApplyListenAddress, BadPortsAreRejectedAndChangeNothing) {
  for (const char* listen :
       {"127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:", "127.0.0.1:http", "127.0.0.1:80x", "127.0.0.1: 80",
        "127.0.0.1:+80", "127.0.0.1:99999999999999999999", "[::1]:", "[::1]:70000"}) {
    server::HttpServerOptions http;
    http.host = "unchanged";
    http.port = 7;
    const Status status = ApplyListenAddress(listen, &http);
    ASSERT_FALSE(status.ok()) << listen << " gave " << http.host << " port " << http.port;
    EXPECT_EQ(status.code(), Status::Code::kInvalidArgument);
    EXPECT_NE(status.message().find("port"), std::string::npos) << status.message();
    EXPECT_EQ(http.host, "unchanged");
    EXPECT_EQ(http.port, 7);
  }
}

TEST(ApplyListenAddress, NoColonOrNoHostIsRejected) {
  for (const char* listen : {"127.0.0.1", "localhost", "8088", "", ":8088"}) {
    server::HttpServerOptions http;
    http.port = 7;
    const Status status = ApplyListenAddress(listen, &http);
    EXPECT_FALSE(status.ok()) << "'" << listen << "' gave " << http.host << " port " << http.port;
    EXPECT_EQ(http.port, 7) << listen;
    if (!status.ok()) {
      EXPECT_NE(status.message().find(listen), std::string::npos) << status.message();
    }
  }
}

TEST(ApplyListenAddress, BracketedIpv6WithoutPortIsRejected) {
  server::HttpServerOptions http;
  EXPECT_FALSE(ApplyListenAddress("[::1]", &http).ok())
      << "gave host '" << http.host << "' port " << http.port;
}

TEST(ApplyListenAddress, UnbracketedIpv6IsRejected) {
  // "::1" has no port; splitting at the last colon would make host ":" and port 1.
  server::HttpServerOptions http;
  const Status status = ApplyListenAddress("::1", &http);
  EXPECT_FALSE(status.ok()) << "gave host '" << http.host << "' port " << http.port;
}

}  // namespace
}  // namespace streamhook::app
