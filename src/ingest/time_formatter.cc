#include "ingest/time_formatter.h"

#include "common/time_format.h"

namespace streamhook::ingest {
namespace {

constexpr int64_t kMillisPerDay = 86400000;

void AppendTwoDigits(int value, std::string* out) {
  out->push_back(static_cast<char>('0' + value / 10));
  out->push_back(static_cast<char>('0' + value % 10));
}

}  // namespace

void TimeFormatter::Append(int64_t epoch_ms, std::string* out) {
  // Floor division: times before 1970 belong to the previous day.
  int64_t day = epoch_ms / kMillisPerDay;
  if (epoch_ms % kMillisPerDay < 0) --day;
  if (day != day_) {
    const std::string full = FormatIso8601Millis(epoch_ms);
    date_.assign(full, 0, full.find('T') + 1);
    day_ = day;
  }
  const auto ms_of_day = static_cast<int>(epoch_ms - day * kMillisPerDay);
  out->append(date_);
  AppendTwoDigits(ms_of_day / 3600000, out);
  out->push_back(':');
  AppendTwoDigits(ms_of_day / 60000 % 60, out);
  out->push_back(':');
  AppendTwoDigits(ms_of_day / 1000 % 60, out);
  out->push_back('.');
  const int millis = ms_of_day % 1000;
  out->push_back(static_cast<char>('0' + millis / 100));
  AppendTwoDigits(millis % 100, out);
  out->push_back('Z');
}

}  // namespace streamhook::ingest
