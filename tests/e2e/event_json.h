// Request bodies the end-to-end tests send, and what they look for in the records read back.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "e2e/serve_fixture.h"

namespace streamhook::e2e {

// Every trigger, as a hook's "triggers" JSON array.
inline constexpr std::string_view kAllTriggersJson =
    R"(["TRACK","IDENTIFY","PAGE","SCREEN","GROUP","ALIAS","EVENT","MESSAGE_LOG"])";

// {"batch":[...]} of track events "<event>" with the given messageIds; event i belongs to user
// "<user_prefix><i % users>" and carries {"n": i}.
std::string TrackBatchJson(const std::vector<std::string>& message_ids, const std::string& user_prefix,
                           int users, const std::string& event = "Tick");

// "<prefix>0" ... "<prefix><count-1>".
std::vector<std::string> NumberedIds(const std::string& prefix, int count);

// messageId -> how many records carry it, for records whose data is a Segment message (the
// "segment" payload). Records that are not JSON or have no messageId count under "".
std::map<std::string, int> CountMessageIds(const std::vector<StreamRecord>& records);

}  // namespace streamhook::e2e
