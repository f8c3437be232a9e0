#include "cli/record_printer.h"

#include <gtest/gtest.h>

namespace streamhook::cli {
namespace {

TailedRecord Record(std::string data) {
  TailedRecord r;
  r.shard_id = "shardId-000000000001";
  r.sequence_number = "4960";
  r.partition_key = "user-1";
  r.arrival_ms = 1795782896789;
  r.data = std::move(data);
  return r;
}

TEST(RecordPrinter, JsonLineEmbedsJsonData) {
  EXPECT_EQ(FormatRecord(Record(R"({ "a" : [1, 2] })"), TailFormat::kJson),
            R"({"arrivalTime":"2026-11-27T12:34:56.789Z","shardId":"shardId-000000000001",)"
            R"("sequenceNumber":"4960","partitionKey":"user-1","data":{"a":[1,2]}})"
            "\n");
}

TEST(RecordPrinter, TextAndBinaryData) {
  EXPECT_NE(FormatRecord(Record("plain text"), TailFormat::kJson).find(R"("text":"plain text")"),
            std::string::npos);
  EXPECT_NE(
      FormatRecord(Record(std::string("\xff\x00\x01", 3)), TailFormat::kJson).find(R"("base64":"/wAB")"),
      std::string::npos);
  EXPECT_EQ(FormatRecord(Record("raw bytes"), TailFormat::kRaw), "raw bytes\n");
}

TEST(RecordPrinter, PrettyBlock) {
  TailedRecord r = Record(R"({"a":{"b":"x,y"},"c":[],"d":{}})");
  r.sub_sequence = 2;
  EXPECT_EQ(FormatRecord(r, TailFormat::kPretty),
            "2026-11-27T12:34:56.789Z  shardId-000000000001  4960/2  key=user-1\n"
            "  {\n"
            "    \"a\": {\n"
            "      \"b\": \"x,y\"\n"
            "    },\n"
            "    \"c\": [],\n"
            "    \"d\": {}\n"
            "  }\n");
}

TEST(RecordPrinter, ParsesFormats) {
  TailFormat f;
  EXPECT_TRUE(ParseTailFormat("json", &f));
  EXPECT_EQ(f, TailFormat::kJson);
  EXPECT_FALSE(ParseTailFormat("yaml", &f));
}

}  // namespace
}  // namespace streamhook::cli
