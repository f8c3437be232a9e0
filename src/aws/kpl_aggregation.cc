#include "aws/kpl_aggregation.h"

#include <simdjson.h>

#include <cstring>
#include <unordered_map>

#include "common/encoding.h"
#include "kpl_messages.pb.h"

namespace streamhook::aws {
namespace {
constexpr size_t kDigestBytes = 16;

// Corruption naming the table (`which` key) when one of its keys is not UTF-8.
Status CheckUtf8Keys(const google::protobuf::RepeatedPtrField<std::string>& table, std::string_view which) {
  for (const std::string& key : table) {
    if (!simdjson::validate_utf8(key.data(), key.size())) {
      return Status::Corruption("KPL aggregated record: a " + std::string(which) + " key is not UTF-8");
    }
  }
  return Status::Ok();
}
}  // namespace

bool IsAggregated(std::string_view data) {
  return data.size() >= kKplMagic.size() + kDigestBytes && data.substr(0, kKplMagic.size()) == kKplMagic;
}

Result<std::vector<UserRecord>> Deaggregate(std::string_view data) {
  if (!IsAggregated(data)) return Status::InvalidArgument("not a KPL aggregated record");
  const std::string_view message =
      data.substr(kKplMagic.size(), data.size() - kKplMagic.size() - kDigestBytes);
  const std::string_view digest = data.substr(data.size() - kDigestBytes);
  if (AsBytes(Md5(message)) != digest) {
    return Status::Corruption("KPL aggregated record: MD5 of the protobuf does not match its trailer");
  }
  kpl::AggregatedRecord aggregated;
  // ParsePartial + IsInitialized: ParseFromArray would also log an ERROR line for every record
  // missing a required field, and a stream can carry any bytes.
  if (!aggregated.ParsePartialFromArray(message.data(), static_cast<int>(message.size()))) {
    return Status::Corruption("KPL aggregated record: the protobuf AggregatedRecord is malformed");
  }
  if (!aggregated.IsInitialized()) {
    return Status::Corruption("KPL aggregated record: a user record lacks its partition key index or data");
  }
  if (Status s = CheckUtf8Keys(aggregated.partition_key_table(), "partition"); !s.ok()) return s;
  if (Status s = CheckUtf8Keys(aggregated.explicit_hash_key_table(), "explicit hash"); !s.ok()) return s;
  std::vector<UserRecord> out;
  out.reserve(aggregated.records_size());
  for (int i = 0; i < aggregated.records_size(); ++i) {
    const kpl::Record& r = aggregated.records(i);
    if (r.partition_key_index() >= static_cast<uint64_t>(aggregated.partition_key_table_size())) {
      return Status::Corruption("KPL aggregated record: user record " + std::to_string(i) +
                                " points past the partition key table");
    }
    UserRecord user;
    user.partition_key = aggregated.partition_key_table(static_cast<int>(r.partition_key_index()));
    if (r.has_explicit_hash_key_index()) {
      if (r.explicit_hash_key_index() >= static_cast<uint64_t>(aggregated.explicit_hash_key_table_size())) {
        return Status::Corruption("KPL aggregated record: user record " + std::to_string(i) +
                                  " points past the explicit hash key table");
      }
      user.explicit_hash_key =
          aggregated.explicit_hash_key_table(static_cast<int>(r.explicit_hash_key_index()));
    }
    user.data = r.data();
    out.push_back(std::move(user));
  }
  return out;
}

std::string Aggregate(std::span<const UserRecord> records) {
  kpl::AggregatedRecord aggregated;
  std::unordered_map<std::string_view, uint64_t> key_index, hash_index;
  for (const UserRecord& user : records) {
    auto [key_it, new_key] = key_index.try_emplace(user.partition_key, key_index.size());
    if (new_key) aggregated.add_partition_key_table(user.partition_key);
    kpl::Record* r = aggregated.add_records();
    r->set_partition_key_index(key_it->second);
    if (!user.explicit_hash_key.empty()) {
      auto [hash_it, new_hash] = hash_index.try_emplace(user.explicit_hash_key, hash_index.size());
      if (new_hash) aggregated.add_explicit_hash_key_table(user.explicit_hash_key);
      r->set_explicit_hash_key_index(hash_it->second);
    }
    r->set_data(user.data);
  }
  std::string out(kKplMagic);
  const std::string message = aggregated.SerializeAsString();
  out += message;
  out += AsBytes(Md5(message));
  return out;
}

}  // namespace streamhook::aws
