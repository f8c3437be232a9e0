// LatencyHistogram: Prometheus cumulative buckets, with room for a backlog's minutes.
#include "producer/producer_metrics.h"

#include <gtest/gtest.h>

#include <map>
#include <sstream>

namespace streamhook::producer {
namespace {

// le label -> cumulative count, plus "sum" and "count".
std::map<std::string, double> Parse(const std::string& text) {
  std::map<std::string, double> out;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const auto space = line.rfind(' ');
    const double value = std::stod(line.substr(space + 1));
    if (const auto le = line.find("le=\""); le != std::string::npos) {
      out[line.substr(le + 4, line.find('"', le + 4) - le - 4)] = value;
    } else {
      out[line.find("_sum{") != std::string::npos ? "sum" : "count"] = value;
    }
  }
  return out;
}

TEST(LatencyHistogram, CumulativeBucketsUpToTenMinutes) {
  LatencyHistogram histogram;
  for (double ms : {0.5, 1.0, 7.0, 15000.0, 90000.0, 700000.0}) histogram.Observe(ms);
  std::string text;
  histogram.AppendPrometheus("lat", "hook=\"h\"", &text);
  const auto values = Parse(text);
  EXPECT_EQ(values.at("0.001000"), 2);  // 0.5 ms and exactly 1 ms
  EXPECT_EQ(values.at("0.010000"), 3);
  EXPECT_EQ(values.at("10.000000"), 3);
  EXPECT_EQ(values.at("30.000000"), 4) << "a 15 s old record is not just '> 10 s'";
  EXPECT_EQ(values.at("120.000000"), 5);
  EXPECT_EQ(values.at("600.000000"), 5);
  EXPECT_EQ(values.at("+Inf"), 6);
  EXPECT_EQ(values.at("count"), 6);
  EXPECT_NEAR(values.at("sum"), (0.5 + 1 + 7 + 15000 + 90000 + 700000) / 1000.0, 1e-6);
  EXPECT_NE(text.find("lat_bucket{hook=\"h\",le=\"+Inf\"} 6\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace streamhook::producer
