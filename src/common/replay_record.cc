#include "common/replay_record.h"

namespace streamhook {
namespace {

// Layout (little-endian): tag u8 | received_at i64 | four strings, each u32 length + bytes:
// hook_id, message_id, partition_key, data. Event records start with their version byte, 1.
constexpr uint8_t kReplayTag = 0xA1;

void PutU64(uint64_t v, std::string* out) {
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

void PutString(std::string_view s, std::string* out) {
  const auto n = static_cast<uint32_t>(s.size());
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((n >> (8 * i)) & 0xFF));
  out->append(s);
}

bool GetString(std::string_view* in, std::string* s) {
  if (in->size() < 4) return false;
  uint32_t len = 0;
  for (int i = 0; i < 4; ++i) len |= static_cast<uint32_t>(static_cast<uint8_t>((*in)[i])) << (8 * i);
  in->remove_prefix(4);
  if (in->size() < len) return false;
  s->assign(in->substr(0, len));
  in->remove_prefix(len);
  return true;
}

}  // namespace

bool IsReplayRecord(std::string_view record) {
  return !record.empty() && static_cast<uint8_t>(record[0]) == kReplayTag;
}

void EncodeReplayRecord(const ReplayRecord& replay, std::string* out) {
  out->push_back(static_cast<char>(kReplayTag));
  PutU64(static_cast<uint64_t>(replay.received_at_ms), out);
  PutString(replay.hook_id, out);
  PutString(replay.message_id, out);
  PutString(replay.partition_key, out);
  PutString(replay.data, out);
}

Result<ReplayRecord> DecodeReplayRecord(std::string_view record) {
  if (record.size() < 9 || !IsReplayRecord(record)) return Status::Corruption("not a replay record");
  ReplayRecord replay;
  uint64_t t = 0;
  for (int i = 0; i < 8; ++i) t |= static_cast<uint64_t>(static_cast<uint8_t>(record[1 + i])) << (8 * i);
  replay.received_at_ms = static_cast<int64_t>(t);
  std::string_view in = record.substr(9);
  if (!GetString(&in, &replay.hook_id) || !GetString(&in, &replay.message_id) ||
      !GetString(&in, &replay.partition_key) || !GetString(&in, &replay.data) || !in.empty()) {
    return Status::Corruption("replay record is truncated or has trailing bytes");
  }
  return replay;
}

}  // namespace streamhook
