#include "producer/dead_letter_store.h"

#include <gtest/gtest.h>

#include "support/test_env.h"

namespace streamhook::producer {
namespace {

DeadLetter Letter(std::string message_id, std::string data) {
  DeadLetter letter;
  letter.time_ms = 1700000000123;
  letter.hook_id = "hook-a";
  letter.stream = "events";
  letter.lsn = 42;
  letter.message_id = std::move(message_id);
  letter.partition_key = "user-1";
  letter.reason = "no partition key";
  letter.data = std::move(data);
  return letter;
}

TEST(DeadLetterStoreTest, LinesParseBackToTheLetterWithExactData) {
  const std::string binary("\x00\x01\xfe{", 4);
  const std::string looks_like_base64 = R"({"base64":"QUJD"})";  // JSON data that resembles the wrapper
  for (const std::string& data : {std::string(R"({"event":"Order","n":1})"), binary, looks_like_base64}) {
    Result<DeadLetter> back = ParseDeadLetterJson(DeadLetterJson(Letter("m", data)));
    ASSERT_TRUE(back.ok()) << back.status().message();
    EXPECT_EQ(back->data, data);
    EXPECT_EQ(back->time_ms, 1700000000123);
    EXPECT_EQ(back->lsn, 42u);
    EXPECT_EQ(back->hook_id, "hook-a");
    EXPECT_EQ(back->partition_key, "user-1");
    EXPECT_EQ(back->reason, "no partition key");
  }
  EXPECT_FALSE(ParseDeadLetterJson("not json").ok());
  EXPECT_FALSE(ParseDeadLetterJson(R"({"hookId":"h"})").ok());
}

TEST(DeadLetterStoreTest, RemoveFirstKeepsTheRestInOrder) {
  testing::TempDir dir;
  auto store = DeadLetterStore::Open(dir.path() / "dead-letters");
  ASSERT_TRUE(store.ok());
  std::vector<DeadLetter> letters;
  for (int i = 0; i < 5; ++i) letters.push_back(Letter("m" + std::to_string(i), "{}"));
  ASSERT_TRUE((*store)->Append(letters).ok());

  Result<size_t> removed = (*store)->RemoveFirst("hook-a", 2);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 2u);
  auto lines = (*store)->ReadLines("hook-a");
  ASSERT_TRUE(lines.ok());
  ASSERT_EQ(lines->size(), 3u);
  for (size_t i = 0; i < lines->size(); ++i) {
    EXPECT_EQ(ParseDeadLetterJson((*lines)[i])->message_id, "m" + std::to_string(i + 2));
  }
  // Appends after a removal land behind the kept letters.
  ASSERT_TRUE((*store)->Append({Letter("m5", "{}")}).ok());
  removed = (*store)->RemoveFirst("hook-a", 100);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 4u);
  EXPECT_TRUE((*store)->ReadLines("hook-a")->empty());
  EXPECT_EQ(*(*store)->RemoveFirst("other-hook", 3), 0u);
  EXPECT_FALSE((*store)->RemoveFirst("../escape", 1).ok());
}

}  // namespace
}  // namespace streamhook::producer
