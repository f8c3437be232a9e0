#include "common/time_format.h"

#include <gtest/gtest.h>

namespace streamhook {
namespace {

TEST(TimeFormat, FormatsMillis) {
  EXPECT_EQ(FormatIso8601Millis(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatIso8601Millis(1795782896789), "2026-11-27T12:34:56.789Z");
  EXPECT_EQ(FormatIso8601Millis(951782400000), "2000-02-29T00:00:00.000Z");
}

TEST(TimeFormat, ParsesTheFormsClientsSend) {
  EXPECT_EQ(ParseIso8601Millis("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseIso8601Millis("2026-11-27T12:34:56.789Z"), 1795782896789);
  EXPECT_EQ(ParseIso8601Millis("2026-11-27T12:34:56.789123Z"), 1795782896789);
  EXPECT_EQ(ParseIso8601Millis("2026-11-27T15:34:56.789+03:00"), 1795782896789);
  EXPECT_EQ(ParseIso8601Millis("2026-11-27T07:34:56.789-0500"), 1795782896789);
  EXPECT_EQ(ParseIso8601Millis("2026-11-27T12:34:56.789"), 1795782896789);
  EXPECT_EQ(ParseIso8601Millis("2000-02-29"), 951782400000);
}

TEST(TimeFormat, RejectsWhatIsNotADate) {
  EXPECT_FALSE(ParseIso8601Millis(""));
  EXPECT_FALSE(ParseIso8601Millis("yesterday"));
  EXPECT_FALSE(ParseIso8601Millis("2001-02-29"));
  EXPECT_FALSE(ParseIso8601Millis("2026-13-01T00:00:00Z"));
  EXPECT_FALSE(ParseIso8601Millis("2026-11-27T25:00:00Z"));
  EXPECT_FALSE(ParseIso8601Millis("2026-11-27T10:00:00Zjunk"));
  EXPECT_FALSE(ParseIso8601Millis("2026-11-27T10:00:00."));
}

TEST(TimeFormat, RoundTrips) {
  for (int64_t ms = -86400000LL * 400; ms < 86400000LL * 365 * 60; ms += 86400000LL * 7 + 12345) {
    EXPECT_EQ(ParseIso8601Millis(FormatIso8601Millis(ms)), ms) << ms;
  }
}

}  // namespace
}  // namespace streamhook
