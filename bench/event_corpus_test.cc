#include "event_corpus.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <map>
#include <set>
#include <string>

namespace streamhook::bench {
namespace {

CorpusOptions Options(uint64_t seed) {
  CorpusOptions options;
  options.seed = seed;
  options.run_id = "0123abcd";
  return options;
}

std::string Field(simdjson::dom::element event, const char* key) {
  std::string_view value;
  if (event[key].get(value) != simdjson::SUCCESS) return {};
  return std::string(value);
}

TEST(EventCorpusTest, EventsAreSegmentMessagesOfTwoToSixHundredBytes) {
  EventCorpus corpus(Options(7));
  simdjson::dom::parser parser;
  for (int i = 0; i < 3000; ++i) {
    size_t slot = 0;
    const std::string event = corpus.MakeEvent(&slot);
    ASSERT_GE(event.size(), kMinEventBytes) << event;
    ASSERT_LE(event.size(), kMaxEventBytes) << event;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(event).get(doc), simdjson::SUCCESS) << event;
    const std::string type = Field(doc, "type");
    ASSERT_FALSE(type.empty()) << event;
    ASSERT_FALSE(Field(doc, "userId").empty() && Field(doc, "anonymousId").empty()) << event;
    ASSERT_FALSE(Field(doc, "timestamp").empty()) << event;
    const char* required = type == "track"   ? "event"
                           : type == "group" ? "groupId"
                           : type == "alias" ? "previousId"
                                             : "type";
    ASSERT_FALSE(Field(doc, required).empty()) << event;
    // The slot points at the unstamped sequence digits right after "<run id>-".
    ASSERT_EQ(Field(doc, "messageId"), "0123abcd-" + std::string(kSequenceDigits, '0'));
    ASSERT_EQ(event.substr(slot - 9, 9 + kSequenceDigits), "0123abcd-" + std::string(kSequenceDigits, '0'));
  }
}

TEST(EventCorpusTest, MixIsMostlyTrackWithDozensOfNamesAndSkewedUsers) {
  EventCorpus corpus(Options(11));
  simdjson::dom::parser parser;
  std::map<std::string, int> types;
  std::set<std::string> track_names;
  std::map<std::string, int> per_user;
  int with_user = 0;
  const int n = 6000;
  for (int i = 0; i < n; ++i) {
    size_t slot = 0;
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(corpus.MakeEvent(&slot)).get(doc), simdjson::SUCCESS);
    ++types[Field(doc, "type")];
    if (Field(doc, "type") == "track") track_names.insert(Field(doc, "event"));
    const std::string user = Field(doc, "userId");
    if (!user.empty()) {
      ++per_user[user];
      ++with_user;
    }
  }
  auto share = [&](const char* type) { return static_cast<double>(types[type]) / n; };
  EXPECT_NEAR(share("track"), 0.70, 0.03);
  EXPECT_NEAR(share("identify"), 0.10, 0.02);
  EXPECT_NEAR(share("page"), 0.10, 0.02);
  EXPECT_NEAR(share("screen"), 0.05, 0.015);
  EXPECT_NEAR(share("group"), 0.03, 0.01);
  EXPECT_GT(types["alias"], 0);
  EXPECT_EQ(types.size(), 6u);
  EXPECT_GE(track_names.size(), 30u);
  // Zipf(1.1) over 100k users: the top user sends ~13% of identified events, uniform would be 0.001%.
  int top = 0;
  for (const auto& [user, count] : per_user) top = std::max(top, count);
  EXPECT_GT(top, with_user / 20);
  EXPECT_GT(per_user.size(), 500u);
}

TEST(EventCorpusTest, StampingGivesEveryEventItsOwnSequenceNumber) {
  EventCorpus corpus(Options(3));
  const BatchTemplate batch = corpus.MakeBatch(100);
  ASSERT_EQ(batch.events(), 100u);
  simdjson::dom::parser parser;
  std::set<std::string> ids;
  for (const uint64_t first : {uint64_t{0}, uint64_t{100}, uint64_t{0xfedcba9876543200}}) {
    std::string body;
    StampMessageIds(batch, first, &body);
    ASSERT_EQ(body.size(), batch.body.size());
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(body).get(doc), simdjson::SUCCESS);
    simdjson::dom::array events;
    ASSERT_EQ(doc["batch"].get(events), simdjson::SUCCESS);
    uint64_t expected = first;
    for (simdjson::dom::element event : events) {
      char want[40];
      std::snprintf(want, sizeof want, "0123abcd-%016llx", static_cast<unsigned long long>(expected++));
      ASSERT_EQ(Field(event, "messageId"), want);
      ids.insert(Field(event, "messageId"));
    }
  }
  EXPECT_EQ(ids.size(), 300u);
}

TEST(EventCorpusTest, SeparateCorporaGetSeparateRunIds) {
  EventCorpus a{CorpusOptions{}};
  EventCorpus b{CorpusOptions{}};
  EXPECT_EQ(a.run_id().size(), kRunIdLength);
  EXPECT_NE(a.run_id(), b.run_id());
}

}  // namespace
}  // namespace streamhook::bench
