#include "drills/drill_fixture.h"

#include <simdjson.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <thread>

namespace streamhook::drills {

void DrillTest::TearDown() {
  if (HasFailure() && server_) {
    const std::string log = server_->Log();
    const size_t keep = 60000;
    std::printf("---- streamhook serve log (%s) ----\n%s\n---- end of log ----\n",
                server_->data_dir().c_str(),
                (log.size() <= keep ? log : "..." + log.substr(log.size() - keep)).c_str());
  }
  if (server_ && server_->Running()) {
    const int status = server_->Stop();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "SIGTERM exit status " << status;
  }
}

bool DrillTest::StartAll(const std::string& config_json) {
  if (!StartStandin()) return false;
  MakeServer(config_json);
  return StartServer();
}

bool DrillTest::StartStandin() {
  standin_ = std::make_unique<StandinProcess>();
  return standin_->Start();
}

void DrillTest::MakeServer(const std::string& config_json, std::map<std::string, std::string> env) {
  std::vector<std::string> args;
  if (!config_json.empty()) {
    const auto path = config_dir_.path() / "serve.json";
    std::ofstream(path) << config_json;
    args = {"--config", path.string()};
  }
  server_ = std::make_unique<e2e::StreamhookServer>(std::move(args), std::move(env));
}

bool DrillTest::StartServer() {
  if (!server_->Start()) return false;
  const e2e::HttpReply source = server_->Admin("POST", "/admin/v1/sources", R"({"name":"drill"})");
  simdjson::dom::parser parser;
  std::string_view key;
  if (source.status != 201 || parser.parse(source.body).at_key("writeKey").get(key) != simdjson::SUCCESS) {
    ADD_FAILURE() << "POST /admin/v1/sources: " << source.status << " " << source.error << source.body;
    return false;
  }
  write_key_ = std::string(key);
  const std::string connector =
      R"({"region":"us-east-1","accessKeyId":"AKIDEXAMPLE",)"
      R"("secretAccessKey":"wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY","endpoint":")" +
      standin_->endpoint() + R"(","active":true})";
  const e2e::HttpReply reply = server_->Admin("PUT", "/admin/v1/connectors/kinesis", connector);
  EXPECT_EQ(reply.status, 200) << reply.error << reply.body;
  return reply.status == 200;
}

std::string DrillTest::CreateHook(const std::string& stream) {
  // Batches as large as Kinesis allows, a short linger: the drills are about faults, not batching.
  const std::string json = R"({"name":"drill-)" + stream + R"(","streamName":")" + stream +
                           R"(","triggers":["TRACK"],"batch":{"maxRecords":500,"lingerMs":20}})";
  const e2e::HttpReply reply = server_->Admin("POST", "/admin/v1/hooks", json);
  simdjson::dom::parser parser;
  std::string_view id;
  if (reply.status != 201 || parser.parse(reply.body).at_key("id").get(id) != simdjson::SUCCESS) {
    ADD_FAILURE() << "POST /admin/v1/hooks " << json << ": " << reply.status << " " << reply.error
                  << reply.body;
    return {};
  }
  const std::string hook(id);
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  while (Metric("streamhook_hook_active", hook) != 1) {
    if (Clock::now() >= deadline) {
      ADD_FAILURE() << "hook " << hook << " did not become active";
      return {};
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return hook;
}

std::unique_ptr<LoadSender> DrillTest::StartWithSteadyLoad(const std::string& stream, std::string* hook) {
  if (!StartAll()) return nullptr;
  *hook = CreateHook(stream);
  if (hook->empty()) return nullptr;
  auto load = std::make_unique<LoadSender>(server().port(), write_key(),
                                           LoadOptions{.pause = std::chrono::milliseconds(200)});
  load->Start();
  if (!load->WaitForAcknowledged(5, std::chrono::seconds(60))) {
    ADD_FAILURE() << "the load's first 5 requests were not acknowledged within 60 s";
    return nullptr;
  }
  return load;
}

double DrillTest::Metric(std::string_view name, std::string_view hook) const {
  return server_->Metric(name, hook).value_or(0);
}

bool DrillTest::WaitForDelivery(std::chrono::milliseconds timeout) {
  return e2e::WaitForDelivery(*server_, timeout);
}

}  // namespace streamhook::drills
