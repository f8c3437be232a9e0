#include "config/secret_box.h"

#include <gtest/gtest.h>

#include "common/encoding.h"
#include "config/random_tokens.h"

namespace streamhook::config {
namespace {

SecretBox MakeBox(std::string key = RandomBytes(32)) {
  Result<SecretBox> box = SecretBox::Create(key);
  EXPECT_TRUE(box.ok()) << box.status().ToString();
  return std::move(box).value();
}

TEST(SecretBoxTest, RejectsKeysThatAreNot32Bytes) {
  EXPECT_EQ(SecretBox::Create(std::string(31, 'k')).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(SecretBox::Create(std::string(33, 'k')).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(SecretBox::Create("").status().code(), Status::Code::kInvalidArgument);
}

TEST(SecretBoxTest, RoundTripsValuesOfEveryShape) {
  const SecretBox box = MakeBox();
  for (const std::string& plaintext : {std::string(), std::string("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                                       std::string("\0\x01\xff", 3), std::string(10000, 'x')}) {
    Result<std::string> sealed = box.Seal(plaintext, "ctx");
    ASSERT_TRUE(sealed.ok());
    Result<std::string> opened = box.Open(*sealed, "ctx");
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    EXPECT_EQ(*opened, plaintext);
  }
}

TEST(SecretBoxTest, SealedFormIsVersionNonceCiphertextTagWithFreshNonces) {
  const SecretBox box = MakeBox();
  const std::string secret = "super-secret-value";
  const std::string first = *box.Seal(secret);
  const std::string second = *box.Seal(secret);
  EXPECT_NE(first, second) << "each value needs its own random nonce";
  const std::optional<std::string> raw = Base64Decode(first);
  ASSERT_TRUE(raw.has_value());
  ASSERT_EQ(raw->size(), 1 + SecretBox::kNonceSize + secret.size() + SecretBox::kTagSize);
  EXPECT_EQ(static_cast<uint8_t>((*raw)[0]), SecretBox::kFormatVersion);
  EXPECT_EQ(raw->find(secret), std::string::npos);
  EXPECT_NE(Base64Decode(second)->substr(1, SecretBox::kNonceSize), raw->substr(1, SecretBox::kNonceSize));
}

TEST(SecretBoxTest, TamperedCiphertextTagOrNonceIsRefused) {
  const SecretBox box = MakeBox();
  const std::string raw = *Base64Decode(*box.Seal("the secret access key"));
  for (size_t position : {size_t{1}, size_t{13}, raw.size() - 1}) {  // nonce, ciphertext, tag
    std::string tampered = raw;
    tampered[position] = static_cast<char>(tampered[position] ^ 0x01);
    Result<std::string> opened = box.Open(Base64Encode(tampered));
    EXPECT_FALSE(opened.ok()) << "flipping byte " << position << " went unnoticed";
    EXPECT_EQ(opened.status().code(), Status::Code::kPermissionDenied);
  }
}

TEST(SecretBoxTest, WrongKeyGivesAnErrorNamingTheMasterKey) {
  const SecretBox sealing = MakeBox();
  const SecretBox other = MakeBox();
  const std::string secret = "AKIA-secret-payload-123";
  Result<std::string> opened = other.Open(*sealing.Seal(secret));
  ASSERT_FALSE(opened.ok());
  EXPECT_EQ(opened.status().code(), Status::Code::kPermissionDenied);
  EXPECT_NE(opened.status().message().find("master key"), std::string::npos) << opened.status().message();
  EXPECT_NE(opened.status().message().find("STREAMHOOK_MASTER_KEY"), std::string::npos);
  EXPECT_EQ(opened.status().message().find(secret), std::string::npos);
}

TEST(SecretBoxTest, ContextMustMatch) {
  const SecretBox box = MakeBox();
  const std::string sealed = *box.Seal("write-key-1234", "source/a/write_key");
  EXPECT_TRUE(box.Open(sealed, "source/a/write_key").ok());
  EXPECT_EQ(box.Open(sealed, "source/b/write_key").status().code(), Status::Code::kPermissionDenied);
}

TEST(SecretBoxTest, MalformedInputIsCorruptionNotACrash) {
  const SecretBox box = MakeBox();
  EXPECT_EQ(box.Open("not base64 !!").status().code(), Status::Code::kCorruption);
  EXPECT_EQ(box.Open(Base64Encode("short")).status().code(), Status::Code::kCorruption);
  std::string raw = *Base64Decode(*box.Seal("x"));
  raw[0] = 9;  // unknown format version
  Result<std::string> opened = box.Open(Base64Encode(raw));
  EXPECT_EQ(opened.status().code(), Status::Code::kCorruption);
  EXPECT_NE(opened.status().message().find("version 9"), std::string::npos);
}

TEST(SecretBoxTest, DigestIsDeterministicAndKeyed) {
  const std::string key = RandomBytes(32);
  const SecretBox box = MakeBox(key);
  const SecretBox same_key = MakeBox(key);
  const SecretBox other_key = MakeBox();
  EXPECT_EQ(box.Digest("wk"), same_key.Digest("wk"));
  EXPECT_NE(box.Digest("wk"), box.Digest("wk2"));
  EXPECT_NE(box.Digest("wk"), other_key.Digest("wk"));
  EXPECT_EQ(box.Digest("wk").size(), 64u);
  EXPECT_NE(box.Digest("wk"), HexEncode(AsBytes(Sha256("wk")))) << "the digest must depend on the key";
}

}  // namespace
}  // namespace streamhook::config
