#include "config/model.h"

#include <utility>

namespace streamhook::config {

std::string_view PayloadFormatName(PayloadFormat format) {
  switch (format) {
    case PayloadFormat::kSegment: return "segment";
    case PayloadFormat::kNetmera: return "netmera";
  }
  return "segment";
}

std::optional<PayloadFormat> PayloadFormatFromName(std::string_view name) {
  if (name == "segment") return PayloadFormat::kSegment;
  if (name == "netmera") return PayloadFormat::kNetmera;
  return std::nullopt;
}

ConfigSnapshot::ConfigSnapshot(uint64_t version, std::optional<KinesisConnector> connector,
                               std::vector<Hook> hooks, std::vector<Source> sources)
    : version(version),
      connector(std::move(connector)),
      hooks(std::move(hooks)),
      sources(std::move(sources)) {
  source_id_by_write_key_.reserve(this->sources.size());
  for (const Source& source : this->sources) source_id_by_write_key_.emplace(source.write_key, source.id);
}

std::optional<std::string> ConfigSnapshot::SourceIdForWriteKey(std::string_view write_key) const {
  const auto it = source_id_by_write_key_.find(write_key);
  if (it == source_id_by_write_key_.end()) return std::nullopt;
  return it->second;
}

const Hook* ConfigSnapshot::FindHook(std::string_view id) const {
  for (const Hook& hook : hooks) {
    if (hook.id == id) return &hook;
  }
  return nullptr;
}

const Source* ConfigSnapshot::FindSource(std::string_view id) const {
  for (const Source& source : sources) {
    if (source.id == id) return &source;
  }
  return nullptr;
}

}  // namespace streamhook::config
