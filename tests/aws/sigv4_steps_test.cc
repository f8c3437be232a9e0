// The SigV4 building blocks one by one, the signing-key cache, and re-signing a request.
#include <gtest/gtest.h>

#include <thread>

#include "aws/sigv4.h"

namespace streamhook::aws {
namespace {

using std::chrono::seconds;
using std::chrono::system_clock;

const system_clock::time_point k20150830T123600 = system_clock::time_point(seconds(1440938160));
constexpr std::string_view kExampleSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

Credentials ExampleCredentials(std::string session_token = "") {
  return {"AKIAIOSFODNN7EXAMPLE", std::string(kExampleSecret), std::move(session_token), std::nullopt};
}

SignableRequest KinesisRequest(std::string_view body) {
  SignableRequest request;
  request.method = "POST";
  request.path = "/";
  request.headers = {{"host", "kinesis.eu-central-1.amazonaws.com"},
                     {"content-type", "application/x-amz-json-1.1"},
                     {"x-amz-target", "Kinesis_20131202.PutRecords"}};
  request.body = body;
  return request;
}

int CountHeaders(const SignableRequest& request, std::string_view name) {
  int count = 0;
  for (const auto& header : request.headers) count += header.first == name;
  return count;
}

TEST(SigV4StepsTest, FormatsAmzDateInUtc) {
  EXPECT_EQ(FormatAmzDate(k20150830T123600), "20150830T123600Z");
  // 2024-02-29T23:59:59.999Z: a leap day, and fractions are cut, not rounded.
  EXPECT_EQ(FormatAmzDate(system_clock::time_point(std::chrono::milliseconds(1709251199999))),
            "20240229T235959Z");
  EXPECT_EQ(FormatAmzDate(system_clock::time_point()), "19700101T000000Z");
}

TEST(SigV4StepsTest, DerivesTheSigningKeyOfTheAwsDocumentation) {
  // "Examples of how to derive a signing key for Signature Version 4" in the AWS documentation.
  EXPECT_EQ(HexEncode(AsBytes(DeriveSigningKey(kExampleSecret, "20120215", "us-east-1", "iam"))),
            "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d");
}

TEST(SigV4StepsTest, UriEncodesAllButUnreservedBytes) {
  std::string out;
  AppendUriEncoded("aZ09-_.~ /+=%\xE1\x88\xB4", /*keep_slash=*/false, &out);
  EXPECT_EQ(out, "aZ09-_.~%20%2F%2B%3D%25%E1%88%B4");
  out.clear();
  AppendUriEncoded("/a b/", /*keep_slash=*/true, &out);
  EXPECT_EQ(out, "/a%20b/");
}

TEST(SigV4StepsTest, NormalizesPathsAsForNonS3Services) {
  EXPECT_EQ(NormalizePath(""), "/");
  EXPECT_EQ(NormalizePath("/"), "/");
  EXPECT_EQ(NormalizePath("//"), "/");
  EXPECT_EQ(NormalizePath("/./"), "/");
  EXPECT_EQ(NormalizePath("/example/.."), "/");
  EXPECT_EQ(NormalizePath("/a/b/../../.."), "/");
  EXPECT_EQ(NormalizePath("//example//"), "/example/");
  EXPECT_EQ(NormalizePath("/a/./b/../c"), "/a/c");
  EXPECT_EQ(CanonicalUri("/example space/"), "/example%20space/");
  // A path already encoded on the wire is encoded again, as SigV4 requires for non-S3 services.
  EXPECT_EQ(CanonicalUri("/a%20b"), "/a%2520b");
}

TEST(SigV4StepsTest, CanonicalizesQueryStrings) {
  EXPECT_EQ(CanonicalQueryString(""), "");
  EXPECT_EQ(CanonicalQueryString("b=2&a=1"), "a=1&b=2");
  EXPECT_EQ(CanonicalQueryString("a=2&a=1&B=3"), "B=3&a=1&a=2");
  EXPECT_EQ(CanonicalQueryString("flag&x="), "flag=&x=");
  // Raw and pre-encoded input canonicalize the same way.
  EXPECT_EQ(CanonicalQueryString("k=a b"), "k=a%20b");
  EXPECT_EQ(CanonicalQueryString("k=a%20b"), "k=a%20b");
  EXPECT_EQ(CanonicalQueryString("k=a%2fb&k2=%"), "k=a%2Fb&k2=%25");
  EXPECT_EQ(CanonicalQueryString("k=1+1"), "k=1%2B1");
}

TEST(SigV4StepsTest, BuildsTheCanonicalRequestOfAKinesisCall) {
  SignableRequest request = KinesisRequest("{}");
  request.headers.emplace_back("X-Amz-Date", "20150830T123600Z");
  request.headers.emplace_back("User-Agent", "streamhook/0.1");  // left unsigned, as botocore does
  request.headers.emplace_back("My-Header", "  a   b\t c  ");
  request.headers.emplace_back("my-header", "second");
  std::string signed_headers;
  const std::string payload_hash = HexEncode(AsBytes(Sha256("{}")));
  EXPECT_EQ(CanonicalRequest(request, payload_hash, &signed_headers),
            "POST\n/\n\n"
            "content-type:application/x-amz-json-1.1\n"
            "host:kinesis.eu-central-1.amazonaws.com\n"
            "my-header:a b c,second\n"
            "x-amz-date:20150830T123600Z\n"
            "x-amz-target:Kinesis_20131202.PutRecords\n"
            "\n"
            "content-type;host;my-header;x-amz-date;x-amz-target\n" +
                payload_hash);
  EXPECT_EQ(signed_headers, "content-type;host;my-header;x-amz-date;x-amz-target");
  EXPECT_EQ(payload_hash, "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
}

TEST(SigV4StepsTest, StringToSignAndSignatureFollowFromTheCanonicalRequest) {
  const std::string scope = CredentialScope("20150830", "us-east-1", "kinesis");
  EXPECT_EQ(scope, "20150830/us-east-1/kinesis/aws4_request");
  const std::string sts = StringToSign("20150830T123600Z", scope, "canonical");
  EXPECT_EQ(sts, "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/kinesis/aws4_request\n" +
                     HexEncode(AsBytes(Sha256("canonical"))));

  const std::string body = R"({"StreamName":"s","Records":[]})";
  SignableRequest request = KinesisRequest(body);
  SigningDetail detail;
  SigV4Signer("us-east-1", "kinesis").Sign(ExampleCredentials(), k20150830T123600, &request, &detail);
  const std::string expected_sts =
      StringToSign("20150830T123600Z", scope, CanonicalRequest(request, HexEncode(AsBytes(Sha256(body)))));
  EXPECT_EQ(detail.string_to_sign, expected_sts);
  const auto key = DeriveSigningKey(kExampleSecret, "20150830", "us-east-1", "kinesis");
  EXPECT_EQ(detail.signature, HexEncode(AsBytes(HmacSha256(AsBytes(key), expected_sts))));
  EXPECT_EQ(detail.authorization,
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20150830/us-east-1/kinesis/aws4_request, "
            "SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=" +
                detail.signature);
  EXPECT_EQ(detail.canonical_request.find(kExampleSecret), std::string::npos);
  EXPECT_EQ(detail.string_to_sign.find(kExampleSecret), std::string::npos);
}

TEST(SigV4StepsTest, SigningAddsDateTokenAndAuthorizationOnceEvenWhenSignedAgain) {
  SignableRequest request = KinesisRequest("{}");
  const SigV4Signer signer("eu-central-1", "kinesis");
  signer.Sign(ExampleCredentials("TOKEN-1"), k20150830T123600, &request);
  signer.Sign(ExampleCredentials("TOKEN-2"), k20150830T123600 + seconds(5), &request);  // a retry
  EXPECT_EQ(CountHeaders(request, "X-Amz-Date"), 1);
  EXPECT_EQ(CountHeaders(request, "X-Amz-Security-Token"), 1);
  EXPECT_EQ(CountHeaders(request, "Authorization"), 1);
  SigningDetail detail;
  signer.Sign(ExampleCredentials(), k20150830T123600 + seconds(10), &request, &detail);  // long-term keys now
  EXPECT_EQ(CountHeaders(request, "X-Amz-Security-Token"), 0);
  EXPECT_EQ(CountHeaders(request, "X-Amz-Date"), 1);
  EXPECT_EQ(request.headers.size(), 5u);
  EXPECT_EQ(request.headers.back(),
            (std::pair<std::string, std::string>("Authorization", detail.authorization)));
  EXPECT_NE(detail.canonical_request.find("x-amz-date:20150830T123610Z\n"), std::string::npos);

  SignableRequest with_token = KinesisRequest("{}");
  signer.Sign(ExampleCredentials("TOKEN-3"), k20150830T123600, &with_token, &detail);
  EXPECT_NE(detail.canonical_request.find("\nx-amz-security-token:TOKEN-3\n"), std::string::npos);
  EXPECT_NE(detail.authorization.find("SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;"),
            std::string::npos);
}

TEST(SigV4StepsTest, SigningKeyIsDerivedOncePerDayAndSecret) {
  const SigV4Signer signer("eu-west-1", "kinesis");
  EXPECT_EQ(signer.signing_key_derivations(), 0u);
  SigningDetail first, later;
  for (int i = 0; i < 50; ++i) {
    SignableRequest request = KinesisRequest("{}");
    signer.Sign(ExampleCredentials(), k20150830T123600 + seconds(i * 60), &request, i == 0 ? &first : &later);
  }
  EXPECT_EQ(signer.signing_key_derivations(), 1u);

  // A cached key signs exactly like a fresh one.
  SignableRequest request = KinesisRequest("{}");
  SigningDetail fresh;
  SigV4Signer("eu-west-1", "kinesis")
      .Sign(ExampleCredentials(), k20150830T123600 + seconds(49 * 60), &request, &fresh);
  EXPECT_EQ(fresh.signature, later.signature);

  const auto next_day = k20150830T123600 + std::chrono::hours(24);
  signer.Sign(ExampleCredentials(), next_day, &request);
  EXPECT_EQ(signer.signing_key_derivations(), 2u);
  Credentials rotated = ExampleCredentials();
  rotated.secret_access_key = "another/secret/key/of/forty/characters00";
  signer.Sign(rotated, next_day, &request);
  signer.Sign(ExampleCredentials(), next_day, &request);  // still cached beside the rotated one
  signer.Sign(rotated, next_day, &request);
  EXPECT_EQ(signer.signing_key_derivations(), 3u);

  const SigV4Signer copy = signer;  // copies share the cache
  copy.Sign(rotated, next_day, &request);
  EXPECT_EQ(copy.signing_key_derivations(), 3u);
}

TEST(SigV4StepsTest, SignsConcurrentlyWithTheSameResult) {
  const SigV4Signer signer("ap-southeast-2", "kinesis");
  const std::string body(100000, 'x');
  SignableRequest reference = KinesisRequest(body);
  SigningDetail expected;
  SigV4Signer("ap-southeast-2", "kinesis")
      .Sign(ExampleCredentials("T"), k20150830T123600, &reference, &expected);

  std::vector<std::thread> threads;
  std::vector<std::string> signatures(4 * 25);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        SignableRequest request = KinesisRequest(body);
        SigningDetail detail;
        signer.Sign(ExampleCredentials("T"), k20150830T123600, &request, &detail);
        signatures[t * 25 + i] = detail.signature;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& signature : signatures) EXPECT_EQ(signature, expected.signature);
  EXPECT_EQ(signer.signing_key_derivations(), 1u);
}

}  // namespace
}  // namespace streamhook::aws
