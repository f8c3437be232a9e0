#include "common/status.h"

#include <gtest/gtest.h>

namespace streamhook {
namespace {

TEST(Status, OkAndErrors) {
  EXPECT_TRUE(Status::Ok().ok());
  EXPECT_EQ(Status::Ok().ToString(), "OK");
  const Status s = Status::InvalidArgument("partition key is empty");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.ToString(), "InvalidArgument: partition key is empty");
}

TEST(Result, HoldsValueOrStatus) {
  Result<int> v = 5;
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 5);
  Result<int> e = Status::NotFound("stream x");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace streamhook
