#include "profiles/traits_merge.h"

#include <simdjson.h>

#include <unordered_map>
#include <utility>
#include <vector>

#include "common/json_writer.h"

namespace streamhook::profiles {
namespace {

using Members = std::vector<std::pair<std::string, std::string>>;  // key, compact value

// Adds the members of `json` to *members, replacing values of keys already there.
Status Collect(std::string_view json, std::unordered_map<std::string, size_t>* index, Members* members) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object object;
  if (parser.parse(json.data(), json.size()).get_object().get(object) != simdjson::SUCCESS) {
    return Status::InvalidArgument("traits are not a JSON object");
  }
  for (auto field : object) {
    std::string value = simdjson::minify(field.value);
    auto [it, inserted] = index->try_emplace(std::string(field.key), members->size());
    if (inserted) {
      members->emplace_back(std::string(field.key), std::move(value));
    } else {
      (*members)[it->second].second = std::move(value);
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::string> MergeTraits(std::string_view base, std::string_view update) {
  std::unordered_map<std::string, size_t> index;
  Members members;
  if (Status s = Collect(base, &index, &members); !s.ok()) return s;
  if (Status s = Collect(update, &index, &members); !s.ok()) return s;
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  for (const auto& [key, value] : members) {
    w.Key(key);
    w.Raw(value);
  }
  w.EndObject();
  return out;
}

}  // namespace streamhook::profiles
