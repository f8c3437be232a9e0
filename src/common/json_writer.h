// JsonWriter: appends compact JSON to a string, with commas and escaping handled.
//
// Parsing is simdjson's job; this is the other direction, kept small because it sits on hot paths
// (request bodies for PutRecords, payloads). Usage:
//   JsonWriter w(&out);
//   w.BeginObject(); w.Key("a"); w.String("x"); w.Key("n"); w.Int(3); w.EndObject();
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace streamhook {

// Appends `text` as a JSON string literal (with quotes) to *out. Invalid UTF-8 is passed through
// byte for byte; control characters are escaped.
void AppendJsonString(std::string_view text, std::string* out);

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}

  void BeginObject() { Open('{'); }
  void EndObject() { Close('}'); }
  void BeginArray() { Open('['); }
  void EndArray() { Close(']'); }
  void Key(std::string_view key);
  void String(std::string_view value);
  void Int(int64_t value);
  void Uint(uint64_t value);
  void Double(double value);
  void Bool(bool value);
  void Null();
  // Inserts already-valid JSON text as one value.
  void Raw(std::string_view json);

 private:
  void BeforeValue();
  void Open(char c);
  void Close(char c);

  std::string* out_;
  // One entry per open container: true once it holds an element (so the next needs a comma).
  std::vector<bool> has_element_;
  bool after_key_ = false;
};

}  // namespace streamhook
