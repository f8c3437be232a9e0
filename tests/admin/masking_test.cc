#include "admin/masking.h"

#include <gtest/gtest.h>

namespace streamhook::admin {
namespace {

TEST(MaskingTest, ShowsOnlyAFewCharactersOfLongSecrets) {
  EXPECT_EQ(MaskSecretTail("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "****EKEY");
  EXPECT_EQ(MaskWriteKey("abcdEFGHijklMNOP"), "abcd****");
  EXPECT_EQ(MaskSecretTail("shortsecret"), "****");
  EXPECT_EQ(MaskWriteKey("shortkey"), "****");
}

}  // namespace
}  // namespace streamhook::admin
