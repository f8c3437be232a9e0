#include "cli/record_printer.h"

#include <simdjson.h>

#include "common/encoding.h"
#include "common/json_writer.h"
#include "common/time_format.h"

namespace streamhook::cli {
namespace {

enum class DataKind { kJson, kText, kBinary };

struct Classified {
  DataKind kind;
  std::string compact_json;  // for kJson: the data re-serialized without insignificant whitespace
};

// One parse per record: the kind, and for JSON its compact text.
Classified Classify(std::string_view data) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::element doc;
  if (!data.empty() && parser.parse(data.data(), data.size()).get(doc) == simdjson::SUCCESS)
    return {DataKind::kJson, simdjson::minify(doc)};
  return {simdjson::validate_utf8(data.data(), data.size()) ? DataKind::kText : DataKind::kBinary, {}};
}

void Newline(std::string* out, int indent) {
  out->push_back('\n');
  out->append(static_cast<size_t>(indent) * 2, ' ');
}

}  // namespace

bool ParseTailFormat(std::string_view text, TailFormat* format) {
  if (text == "pretty")
    *format = TailFormat::kPretty;
  else if (text == "json")
    *format = TailFormat::kJson;
  else if (text == "raw")
    *format = TailFormat::kRaw;
  else
    return false;
  return true;
}

std::string PrettyJson(std::string_view json, int base_indent) {
  std::string out;
  out.reserve(json.size() * 2);
  int indent = base_indent;
  bool in_string = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < json.size())
        out.push_back(json[++i]);
      else if (c == '"')
        in_string = false;
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        out.push_back(c);
        break;
      case '{':
      case '[':
        out.push_back(c);
        if (i + 1 < json.size() && (json[i + 1] == '}' || json[i + 1] == ']')) {
          out.push_back(json[++i]);  // {} and [] stay on one line
        } else {
          Newline(&out, ++indent);
        }
        break;
      case '}':
      case ']':
        Newline(&out, --indent);
        out.push_back(c);
        break;
      case ',':
        out.push_back(c);
        Newline(&out, indent);
        break;
      case ':': out.append(": "); break;
      case ' ':
      case '\n':
      case '\r':
      case '\t': break;
      default: out.push_back(c);
    }
  }
  return out;
}

std::string FormatRecord(const TailedRecord& record, TailFormat format) {
  std::string out;
  if (format == TailFormat::kRaw) {
    out = record.data;
    out.push_back('\n');
    return out;
  }
  const Classified data = Classify(record.data);
  const DataKind kind = data.kind;
  if (format == TailFormat::kJson) {
    JsonWriter w(&out);
    w.BeginObject();
    w.Key("arrivalTime");
    w.String(FormatIso8601Millis(record.arrival_ms));
    w.Key("shardId");
    w.String(record.shard_id);
    w.Key("sequenceNumber");
    w.String(record.sequence_number);
    if (record.sub_sequence >= 0) {
      w.Key("subSequence");
      w.Int(record.sub_sequence);
    }
    w.Key("partitionKey");
    w.String(record.partition_key);
    if (kind == DataKind::kJson) {
      w.Key("data");
      w.Raw(data.compact_json);
    } else if (kind == DataKind::kText) {
      w.Key("text");
      w.String(record.data);
    } else {
      w.Key("base64");
      w.String(Base64Encode(record.data));
    }
    if (!record.note.empty()) {
      w.Key("note");
      w.String(record.note);
    }
    w.EndObject();
    out.push_back('\n');
    return out;
  }
  out = FormatIso8601Millis(record.arrival_ms) + "  " + record.shard_id + "  " + record.sequence_number;
  if (record.sub_sequence >= 0) out += "/" + std::to_string(record.sub_sequence);
  out += "  key=" + record.partition_key;
  if (!record.note.empty()) out += "  (" + record.note + ")";
  out += "\n  ";
  if (kind == DataKind::kJson) {
    out += PrettyJson(data.compact_json, 1);
  } else if (kind == DataKind::kText) {
    out += record.data;
  } else {
    out += "base64:" + Base64Encode(record.data);
  }
  out += "\n";
  return out;
}

}  // namespace streamhook::cli
