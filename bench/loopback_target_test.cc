#include "loopback_target.h"

#include <gtest/gtest.h>

namespace streamhook::bench {
namespace {

TEST(LoopbackTargetTest, AcceptsLoopbackAddresses) {
  auto v4 = ResolveLoopbackTarget("http://127.0.0.1:8088");
  ASSERT_TRUE(v4.ok()) << v4.status().ToString();
  ASSERT_EQ(v4->endpoints.size(), 1u);
  EXPECT_EQ(v4->endpoints[0].port(), 8088);
  EXPECT_EQ(v4->host_header, "127.0.0.1:8088");

  auto other = ResolveLoopbackTarget("http://127.4.5.6/");
  ASSERT_TRUE(other.ok()) << other.status().ToString();
  EXPECT_EQ(other->endpoints[0].port(), 80);

  auto v6 = ResolveLoopbackTarget("http://[::1]:9000");
  ASSERT_TRUE(v6.ok()) << v6.status().ToString();
  EXPECT_TRUE(v6->endpoints[0].address().is_v6());

  auto name = ResolveLoopbackTarget("http://localhost:9000");
  ASSERT_TRUE(name.ok()) << name.status().ToString();
  for (const auto& endpoint : name->endpoints) EXPECT_TRUE(endpoint.address().is_loopback());
}

TEST(LoopbackTargetTest, RefusesEverythingElse) {
  for (const char* url : {"http://10.0.0.1:8088", "http://192.168.1.10", "http://8.8.8.8:80",
                          "http://[2001:db8::1]:80", "http://[::ffff:8.8.8.8]:80", "http://0.0.0.0:8088"}) {
    auto target = ResolveLoopbackTarget(url);
    ASSERT_FALSE(target.ok()) << url;
    EXPECT_EQ(target.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(target.status().message().find("loopback"), std::string::npos) << target.status().message();
  }
  for (const char* url : {"https://127.0.0.1:8443", "http://127.0.0.1:8088/v1/batch", "127.0.0.1:8088",
                          "not a url", "http://:8088"}) {
    EXPECT_FALSE(ResolveLoopbackTarget(url).ok()) << url;
  }
}

}  // namespace
}  // namespace streamhook::bench
