// What reached the stream compared with what the server acknowledged: the figures every drill
// prints and the properties it asserts (nothing acknowledged missing, one key's records in order).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "drills/standin_process.h"

namespace streamhook::drills {

struct DeliveryCheck {
  size_t acknowledged = 0;    // events answered 200
  size_t records = 0;         // records on the stream
  size_t missing = 0;         // acknowledged, not on the stream
  size_t duplicates = 0;      // extra copies of acknowledged events
  size_t unacknowledged = 0;  // distinct events on the stream that were never answered 200 (allowed)
  size_t foreign = 0;         // records without a messageId (never expected)
  // Records of a key that arrived after a later-acknowledged event of the same key. Only first
  // copies count: a copy re-sent after a crash legitimately follows newer records.
  size_t order_violations = 0;
  std::vector<std::string> missing_examples;  // the first few missing messageIds
  std::string order_example;                  // the first violation, described
};

// `acknowledged` in the order the server acknowledged them; `records` in acceptance order.
DeliveryCheck CheckDelivery(const std::vector<std::string>& acknowledged,
                            const std::vector<AcceptedRecord>& records);

// Prints "[drill] <what>: N acknowledged, N records, N missing, N duplicates, ..." on one line.
void PrintCheck(const std::string& what, const DeliveryCheck& check);

}  // namespace streamhook::drills
