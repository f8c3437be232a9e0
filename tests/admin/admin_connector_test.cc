// GET/PUT /admin/v1/connectors/kinesis.
#include <string>

#include "admin_test_fixture.h"

namespace streamhook::admin {
namespace {

const std::string kPath = "/admin/v1/connectors/kinesis";

Members Connector() {
  return {{"region", R"("us-east-1")"},
          {"accessKeyId", R"("AKIAEXAMPLE0001")"},
          {"secretAccessKey", R"("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")"},
          {"active", "true"}};
}

TEST_F(AdminApiTest, ConnectorIs404UntilSet) {
  ExpectError(Call("GET", kPath), 404, "not_found");
}

TEST_F(AdminApiTest, PutThenGetMasksTheSecret) {
  const HttpResponse put = Call("PUT", kPath, std::string(kConnectorBody));
  ASSERT_EQ(put.status, 200) << put.body;
  const HttpResponse get = Call("GET", kPath);
  ASSERT_EQ(get.status, 200) << get.body;
  for (const HttpResponse* response : {&put, &get}) {
    EXPECT_EQ(StringAt(*response, "/region"), "us-east-1");
    EXPECT_EQ(StringAt(*response, "/credentials"), "keys");
    EXPECT_EQ(StringAt(*response, "/accessKeyId"), "AKIAEXAMPLE0001");
    EXPECT_EQ(StringAt(*response, "/secretAccessKey"), "****EKEY");
    EXPECT_EQ(StringAt(*response, "/endpoint"), "http://127.0.0.1:4567");
    EXPECT_TRUE(IsNullAt(*response, "/caFile"));
    EXPECT_TRUE(IsNullAt(*response, "/roleArn"));
    EXPECT_TRUE(IsNullAt(*response, "/externalId"));
    EXPECT_TRUE(BoolAt(*response, "/active"));
    EXPECT_FALSE(StringAt(*response, "/updatedAt").empty());
    EXPECT_EQ(response->body.find(kSecret), std::string::npos);
  }
  EXPECT_EQ(store_->GetConnector()->secret_access_key, kSecret) << "stored in full";
}

TEST_F(AdminApiTest, PutWithoutSecretKeepsTheStoredOne) {
  ExpectFieldError(Call("PUT", kPath, ObjectOf(Without(Connector(), "secretAccessKey"))), "secretAccessKey");
  PutConnectorForTest();
  const HttpResponse put =
      Call("PUT", kPath, ObjectOf(With(Without(Connector(), "secretAccessKey"), "region", R"("eu-west-2")")));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(StringAt(put, "/region"), "eu-west-2");
  EXPECT_EQ(store_->GetConnector()->secret_access_key, kSecret);
  EXPECT_EQ(store_->GetConnector()->endpoint, "") << "PUT replaces: the omitted endpoint is cleared";

  // The stored secret is not carried over to another key id.
  const HttpResponse new_key_only =
      Call("PUT", kPath,
           ObjectOf(With(Without(Connector(), "secretAccessKey"), "accessKeyId", R"("AKIDOTHERKEY0001")")));
  ExpectFieldError(new_key_only, "secretAccessKey");
  EXPECT_NE(new_key_only.body.find("accessKeyId changes"), std::string::npos) << new_key_only.body;
  EXPECT_EQ(store_->GetConnector()->secret_access_key, kSecret);

  const HttpResponse new_secret =
      Call("PUT", kPath, ObjectOf(With(Connector(), "secretAccessKey", R"("another-secret-value-9876")")));
  ASSERT_EQ(new_secret.status, 200);
  EXPECT_EQ(StringAt(new_secret, "/secretAccessKey"), "****9876");
  EXPECT_EQ(store_->GetConnector()->secret_access_key, "another-secret-value-9876");
}

TEST_F(AdminApiTest, MaskedSecretSentBackIsRefused) {
  PutConnectorForTest();
  ExpectFieldError(Call("PUT", kPath, ObjectOf(With(Connector(), "secretAccessKey", R"("****EKEY")"))),
                   "secretAccessKey");
  EXPECT_EQ(store_->GetConnector()->secret_access_key, kSecret);
}

TEST_F(AdminApiTest, ConnectorOptionalFieldsAndReadOnlyEcho) {
  const HttpResponse put =
      Call("PUT", kPath,
           ObjectOf(With(With(Connector(), "caFile", R"("/etc/ssl/certs/ca.pem")"), "endpoint", "null")));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(StringAt(put, "/caFile"), "/etc/ssl/certs/ca.pem");
  EXPECT_TRUE(IsNullAt(put, "/endpoint"));
  // A GET answer (with its masked secret left out) can be sent back as is.
  Members echoed = Without(Connector(), "secretAccessKey");
  echoed = With(echoed, "type", R"("KINESIS")");
  echoed = With(echoed, "updatedAt", R"("2026-01-01T00:00:00.000Z")");
  echoed = With(echoed, "endpoint", R"("")");
  echoed = With(echoed, "caFile", "null");
  const HttpResponse again = Call("PUT", kPath, ObjectOf(echoed));
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(store_->GetConnector()->ca_file, "");
}

TEST_F(AdminApiTest, ConnectorValidationNamesTheField) {
  const std::pair<std::string_view, std::string_view> cases[] = {
      {"region", R"("useast1")"},
      {"region", R"("US-EAST-1")"},
      {"region", "5"},
      {"accessKeyId", R"("has space")"},
      {"accessKeyId", R"("")"},
      {"secretAccessKey", R"("")"},
      {"secretAccessKey", "true"},
      {"endpoint", R"("ftp://example.com")"},
      {"endpoint", R"("localhost:4567")"},
      {"endpoint", "1"},
      {"caFile", R"("relative.pem")"},
      {"active", R"("yes")"},
      {"active", "null"},
      {"type", R"("FIREHOSE")"},
      {"surprise", "1"},
  };
  for (const auto& [field, json] : cases) {
    const HttpResponse response = Call("PUT", kPath, ObjectOf(With(Connector(), field, json)));
    ExpectFieldError(response, field);
    EXPECT_EQ(response.body.find(kSecret), std::string::npos);
  }
  for (std::string_view required : {"region", "active"}) {
    ExpectFieldError(Call("PUT", kPath, ObjectOf(Without(Connector(), required))), required);
  }
  // The keys come as a pair: either one alone is refused, naming the missing one.
  ExpectFieldError(Call("PUT", kPath, ObjectOf(Without(Connector(), "accessKeyId"))), "accessKeyId");
  ExpectFieldError(Call("PUT", kPath, ObjectOf(With(Connector(), "accessKeyId", "null"))), "accessKeyId");
  ExpectFieldError(Call("PUT", kPath, ObjectOf(With(Connector(), "secretAccessKey", "null"))),
                   "secretAccessKey");
  EXPECT_EQ(store_->GetConnector().status().code(), Status::Code::kNotFound) << "nothing invalid was stored";
}

TEST_F(AdminApiTest, ConnectorWithoutKeysUsesTheDefaultChain) {
  const Members keyless = Without(Without(Connector(), "accessKeyId"), "secretAccessKey");
  const HttpResponse put = Call("PUT", kPath, ObjectOf(keyless));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(StringAt(put, "/credentials"), "default chain");
  EXPECT_TRUE(IsNullAt(put, "/accessKeyId"));
  EXPECT_TRUE(IsNullAt(put, "/secretAccessKey"));
  const config::KinesisConnector stored = *store_->GetConnector();
  EXPECT_TRUE(stored.UsesDefaultCredentials());
  EXPECT_EQ(stored.access_key_id, "");

  // Its GET answer goes back as is; null and "" mean "not set" too.
  const HttpResponse echoed = Call("PUT", kPath, Call("GET", kPath).body);
  ASSERT_EQ(echoed.status, 200) << echoed.body;
  EXPECT_EQ(StringAt(echoed, "/credentials"), "default chain");
  const HttpResponse empty =
      Call("PUT", kPath, ObjectOf(With(With(keyless, "accessKeyId", R"("")"), "secretAccessKey", R"("")")));
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_TRUE(store_->GetConnector()->UsesDefaultCredentials());

  // No stored secret to keep: an accessKeyId alone is refused.
  ExpectFieldError(Call("PUT", kPath, ObjectOf(Without(Connector(), "secretAccessKey"))), "secretAccessKey");
  EXPECT_TRUE(store_->GetConnector()->UsesDefaultCredentials());
}

TEST_F(AdminApiTest, LeavingBothKeysOutSwitchesToTheDefaultChain) {
  PutConnectorForTest();
  const HttpResponse put =
      Call("PUT", kPath, ObjectOf(Without(Without(Connector(), "accessKeyId"), "secretAccessKey")));
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(StringAt(put, "/credentials"), "default chain");
  EXPECT_EQ(store_->GetConnector()->secret_access_key, "") << "the old secret is not kept";
  EXPECT_EQ(put.body.find("EKEY"), std::string::npos);
}

TEST_F(AdminApiTest, ConnectorRoleAndExternalId) {
  const std::string role = "arn:aws:iam::123456789012:role/streamhook/KinesisWriter";
  const std::string external_id = "tenant-42:orders/prod";
  Members with_role = With(Connector(), "roleArn", "\"" + role + "\"");
  with_role = With(with_role, "externalId", "\"" + external_id + "\"");
  const HttpResponse put = Call("PUT", kPath, ObjectOf(with_role));
  ASSERT_EQ(put.status, 200) << put.body;
  const HttpResponse get = Call("GET", kPath);
  for (const HttpResponse* response : {&put, &get}) {
    EXPECT_EQ(StringAt(*response, "/roleArn"), role);
    EXPECT_EQ(StringAt(*response, "/externalId"), external_id) << "not a secret: shown in full";
  }
  EXPECT_EQ(store_->GetConnector()->role_arn, role);
  EXPECT_EQ(store_->GetConnector()->external_id, external_id);

  // A role with the default chain, no external id.
  const Members keyless = Without(Without(Connector(), "accessKeyId"), "secretAccessKey");
  const HttpResponse role_only = Call("PUT", kPath, ObjectOf(With(keyless, "roleArn", "\"" + role + "\"")));
  ASSERT_EQ(role_only.status, 200) << role_only.body;
  EXPECT_EQ(StringAt(role_only, "/credentials"), "default chain");
  EXPECT_TRUE(IsNullAt(role_only, "/externalId"));
  EXPECT_EQ(store_->GetConnector()->external_id, "") << "PUT replaces: the omitted externalId is cleared";

  // A GET answer with a role goes back as is (its masked secret left out).
  ASSERT_EQ(Call("PUT", kPath, ObjectOf(with_role)).status, 200);
  Members echoed = Without(with_role, "secretAccessKey");
  echoed = With(echoed, "credentials", R"("keys")");
  echoed = With(echoed, "updatedAt", R"("2026-01-01T00:00:00.000Z")");
  const HttpResponse again = Call("PUT", kPath, ObjectOf(echoed));
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(store_->GetConnector()->role_arn, role);
  EXPECT_EQ(store_->GetConnector()->secret_access_key, kSecret);
}

TEST_F(AdminApiTest, ConnectorRoleValidation) {
  const std::string role = "\"arn:aws:iam::123456789012:role/writer\"";
  const std::pair<std::string_view, std::string> cases[] = {
      {"roleArn", R"("arn:aws:iam::123:role/writer")"},
      {"roleArn", R"("arn:aws:iam::123456789012:user/writer")"},
      {"roleArn", R"("writer")"},
      {"roleArn", "7"},
      {"roleArn", "\"arn:aws:iam::123456789012:role/" + std::string(2030, 'r') + "\""},
      {"externalId", R"("x")"},
      {"externalId", R"("has space")"},
      {"externalId", "\"" + std::string(1225, 'e') + "\""},
      {"externalId", "[]"},
  };
  for (const auto& [field, json] : cases) {
    ExpectFieldError(Call("PUT", kPath, ObjectOf(With(With(Connector(), "roleArn", role), field, json))),
                     field);
  }
  // An external id only means something to a role.
  ExpectFieldError(Call("PUT", kPath, ObjectOf(With(Connector(), "externalId", R"("tenant-42")"))),
                   "externalId");
  ExpectFieldError(Call("PUT", kPath,
                        ObjectOf(With(With(Connector(), "roleArn", "null"), "externalId", R"("tenant-42")"))),
                   "externalId");
  EXPECT_EQ(store_->GetConnector().status().code(), Status::Code::kNotFound) << "nothing invalid was stored";
}

}  // namespace
}  // namespace streamhook::admin
