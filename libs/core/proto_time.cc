#include "libs/core/proto_time.h"

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace coalition {

google::protobuf::Timestamp ToProtoTimestamp(absl::Time t) {
  google::protobuf::Timestamp ts;
  const int64_t micros = absl::ToUnixMicros(t);
  int64_t seconds = micros / 1000000;
  int64_t rem = micros % 1000000;
  if (rem < 0) {
    rem += 1000000;
    --seconds;
  }
  ts.set_seconds(seconds);
  ts.set_nanos(static_cast<int32_t>(rem * 1000));
  return ts;
}

absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

bool IsValidDate(const coalition::common::v1::Date& date) {
  if (date.year() < 1900 || date.year() > 2200) return false;
  if (date.month() < 1 || date.month() > 12 || date.day() < 1) return false;
  const absl::CivilDay day(date.year(), date.month(), date.day());
  return day.year() == date.year() && day.month() == date.month() && day.day() == date.day();
}

std::string DateToString(const coalition::common::v1::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(), date.day());
}

bool ParseDate(absl::string_view text, coalition::common::v1::Date* date) {
  absl::CivilDay day;
  if (!absl::ParseCivilTime(text, &day)) return false;
  date->set_year(static_cast<int32_t>(day.year()));
  date->set_month(day.month());
  date->set_day(day.day());
  return true;
}

}  // namespace coalition
