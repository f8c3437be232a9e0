// streamhook dlq: list, inspect, replay and purge a hook's dead letters through the admin API.
#include <simdjson.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "cli/admin_client.h"
#include "cli/commands.h"

namespace streamhook::cli {
namespace {

struct DlqFlags {
  std::string url = "http://127.0.0.1:8088";
  std::string data_dir = "./data";
  std::string hook;
  size_t index = 0;
  size_t offset = 0;
  size_t limit = 100;
  int64_t up_to = -1;  // -1: every letter there now
  bool json = false;
  bool wait = true;
  bool yes = false;
  int timeout_seconds = 600;
};

std::string LettersPath(const DlqFlags& flags) {
  return "/admin/v1/hooks/" + flags.hook + "/dead-letters";
}

std::string UpToBody(const DlqFlags& flags) {
  return flags.up_to < 0 ? std::string() : "{\"upTo\":" + std::to_string(flags.up_to) + "}";
}

// Calls the admin API; prints the error and returns nullopt on failure (exit code set).
std::optional<AdminReply> Call(const DlqFlags& flags, std::string_view method, const std::string& path,
                               const std::string& body = {}) {
  Result<AdminClient> client = AdminClient::Create(flags.url, flags.data_dir);
  if (!client.ok()) {
    std::cerr << "streamhook dlq: " << client.status().message() << "\n";
    SetExitCode(2);
    return std::nullopt;
  }
  Result<AdminReply> reply = client->Call(method, path, body);
  if (!reply.ok()) {
    std::cerr << "streamhook dlq: " << reply.status().message() << "\n";
    SetExitCode(1);
    return std::nullopt;
  }
  if (reply->status / 100 != 2) {
    std::cerr << "streamhook dlq: " << AdminErrorMessage(*reply) << "\n";
    SetExitCode(1);
    return std::nullopt;
  }
  return std::move(*reply);
}

std::string Field(simdjson::dom::element letter, const char* key) {
  std::string_view text;
  return letter[key].get_string().get(text) == simdjson::SUCCESS ? std::string(text) : "";
}

void RunList(const DlqFlags& flags) {
  const auto reply = Call(flags, "GET",
                          LettersPath(flags) + "?offset=" + std::to_string(flags.offset) +
                              "&limit=" + std::to_string(flags.limit));
  if (!reply) return;
  if (flags.json) {
    std::cout << reply->body << "\n";
    return;
  }
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::array letters;
  uint64_t total = 0;
  if (parser.parse(reply->body).get(doc) != simdjson::SUCCESS || doc["letters"].get_array().get(letters) ||
      doc["total"].get_uint64().get(total)) {
    std::cerr << "streamhook dlq: unexpected answer from the server\n";
    return SetExitCode(1);
  }
  std::printf("%llu dead letters for hook %s\n", static_cast<unsigned long long>(total), flags.hook.c_str());
  size_t index = flags.offset;
  for (simdjson::dom::element letter : letters) {
    std::printf("%6zu  %s  %-36s  key=%s  %s\n", index++, Field(letter, "time").c_str(),
                Field(letter, "messageId").c_str(), Field(letter, "partitionKey").c_str(),
                Field(letter, "reason").c_str());
  }
}

void RunShow(const DlqFlags& flags) {
  if (const auto reply = Call(flags, "GET", LettersPath(flags) + "/" + std::to_string(flags.index)))
    std::cout << reply->body << "\n";
}

bool ReadProgress(const std::string& body, uint64_t* queued, uint64_t* delivered) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  return parser.parse(body).get(doc) == simdjson::SUCCESS && !doc["queued"].get_uint64().get(*queued) &&
         !doc["delivered"].get_uint64().get(*delivered);
}

void RunReplay(const DlqFlags& flags) {
  const auto started = Call(flags, "POST", LettersPath(flags) + "/replay", UpToBody(flags));
  if (!started) return;
  simdjson::dom::parser parser;
  uint64_t queued_now = 0;
  if (parser.parse(started->body)["queued"].get_uint64().get(queued_now) != simdjson::SUCCESS) {
    std::cerr << "streamhook dlq: unexpected answer from the server\n";
    return SetExitCode(1);
  }
  std::printf("%llu dead letters queued for replay to hook %s\n", static_cast<unsigned long long>(queued_now),
              flags.hook.c_str());
  if (!flags.wait || queued_now == 0) return;
  // Progress on a terminal: one line redrawn; elsewhere a line per change.
  const bool tty = ::isatty(STDOUT_FILENO) != 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(flags.timeout_seconds);
  uint64_t last = UINT64_MAX;
  for (;;) {
    const auto reply = Call(flags, "GET", LettersPath(flags) + "/replay");
    if (!reply) return;
    uint64_t queued = 0, delivered = 0;
    if (!ReadProgress(reply->body, &queued, &delivered)) {
      std::cerr << "streamhook dlq: unexpected answer from the server\n";
      return SetExitCode(1);
    }
    if (delivered != last) {
      const int width = 30;
      const int filled = queued == 0 ? width : static_cast<int>(width * delivered / queued);
      std::printf("%s[%s%s] %llu/%llu replayed%s", tty ? "\r" : "", std::string(filled, '#').c_str(),
                  std::string(width - filled, '.').c_str(), static_cast<unsigned long long>(delivered),
                  static_cast<unsigned long long>(queued), tty ? "" : "\n");
      std::fflush(stdout);
      last = delivered;
    }
    if (delivered >= queued) break;
    if (std::chrono::steady_clock::now() >= deadline) {
      std::printf("%s", tty ? "\n" : "");
      std::cerr << "streamhook dlq: replay still running after " << flags.timeout_seconds
                << " s (the hook keeps going; check again with `streamhook dlq list`)\n";
      return SetExitCode(3);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::printf("%sdone: replayed letters that failed again are back in the dead letters\n", tty ? "\n" : "");
}

void RunPurge(const DlqFlags& flags) {
  if (!flags.yes) {
    std::cerr << "streamhook dlq purge deletes dead letters for good; add --yes to confirm\n";
    return SetExitCode(2);
  }
  std::string path = LettersPath(flags);
  if (flags.up_to >= 0) path += "?upTo=" + std::to_string(flags.up_to);
  const auto reply = Call(flags, "DELETE", path);
  if (!reply) return;
  simdjson::dom::parser parser;
  uint64_t purged = 0;
  if (parser.parse(reply->body)["purged"].get_uint64().get(purged) != simdjson::SUCCESS) {
    std::cerr << "streamhook dlq: unexpected answer from the server\n";
    return SetExitCode(1);
  }
  std::printf("%llu dead letters purged from hook %s\n", static_cast<unsigned long long>(purged),
              flags.hook.c_str());
}

void AddCommon(CLI::App* command, DlqFlags* flags) {
  command->add_option("hook", flags->hook, "Hook id")->required();
  command->add_option("--url", flags->url, "The server's base URL")->envname("STREAMHOOK_URL");
  command->add_option(
      "--data-dir", flags->data_dir,
      "The server's data directory, for its admin.token (when STREAMHOOK_ADMIN_TOKEN is unset)");
}

}  // namespace

void RegisterDlq(CLI::App& app) {
  auto flags = std::make_shared<DlqFlags>();
  CLI::App* dlq = app.add_subcommand("dlq", "Dead letters of a hook: list, show, replay, purge");
  dlq->require_subcommand(1);

  CLI::App* list = dlq->add_subcommand("list", "List a hook's dead letters, oldest first");
  AddCommon(list, flags.get());
  list->add_option("--offset", flags->offset, "Skip this many");
  list->add_option("--limit", flags->limit, "Show at most this many")->check(CLI::Range(1, 1000));
  list->add_flag("--json", flags->json, "Print the server's JSON answer");
  list->callback([flags] { RunList(*flags); });

  CLI::App* show = dlq->add_subcommand("show", "Print one dead letter (JSON), by its index in `list`");
  AddCommon(show, flags.get());
  show->add_option("index", flags->index, "Index in the list")->required();
  show->callback([flags] { RunShow(*flags); });

  CLI::App* replay = dlq->add_subcommand("replay", "Send a hook's dead letters again (fix the cause first)");
  AddCommon(replay, flags.get());
  replay->add_option("--up-to", flags->up_to, "Only the oldest N letters (default: all)")
      ->check(CLI::NonNegativeNumber);
  replay->add_flag("!--no-wait", flags->wait, "Return once queued, without showing progress");
  replay->add_option("--timeout", flags->timeout_seconds, "Stop showing progress after this many seconds");
  replay->callback([flags] { RunReplay(*flags); });

  CLI::App* purge = dlq->add_subcommand("purge", "Delete a hook's dead letters");
  AddCommon(purge, flags.get());
  purge->add_option("--up-to", flags->up_to, "Only the oldest N letters (default: all)")
      ->check(CLI::NonNegativeNumber);
  purge->add_flag("--yes", flags->yes, "Confirm");
  purge->callback([flags] { RunPurge(*flags); });
}

}  // namespace streamhook::cli
