// How `tail` shows a record: one JSON line, a pretty block for people, or the raw data.
#pragma once

#include <string>
#include <string_view>

#include "cli/stream_tailer.h"

namespace streamhook::cli {

enum class TailFormat { kPretty, kJson, kRaw };

// Parses "pretty" | "json" | "raw".
bool ParseTailFormat(std::string_view text, TailFormat* format);

// The text to print for one record, ending in a newline.
//  json:   {"arrivalTime":...,"shardId":...,"sequenceNumber":...,["subSequence":n,]"partitionKey":...,
//           "data":<the data when it is JSON> | "text":"<UTF-8 data>" | "base64":"<other bytes>"}
//  pretty: a header line (time, shard, sequence, key) and the data indented, JSON pretty-printed.
//  raw:    the data as it is.
std::string FormatRecord(const TailedRecord& record, TailFormat format);

// Indents compact JSON text with two spaces per level (the text must be valid JSON).
std::string PrettyJson(std::string_view json, int base_indent = 0);

}  // namespace streamhook::cli
