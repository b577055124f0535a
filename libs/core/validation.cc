#include "libs/core/validation.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace coalition {

size_t Utf8Length(absl::string_view text) {
  size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

void RequireText(FieldViolations& v, std::string field, absl::string_view value,
                 size_t max_length) {
  if (value.find_first_not_of(" \t\r\n") == absl::string_view::npos) {
    v.Add(std::move(field), "is required");
    return;
  }
  LimitText(v, std::move(field), value, max_length);
}

void LimitText(FieldViolations& v, std::string field, absl::string_view value,
               size_t max_length) {
  if (Utf8Length(value) > max_length) {
    v.Add(std::move(field), absl::StrCat("must be at most ", max_length, " characters"));
  }
}

void LimitItems(FieldViolations& v, std::string field, int count, int max_count) {
  if (count > max_count) {
    v.Add(std::move(field), absl::StrCat("must have at most ", max_count, " items"));
  }
}

void CheckRequestId(FieldViolations& v, absl::string_view request_id) {
  if (request_id.size() > kMaxRequestIdLength) {
    v.Add("request_id", absl::StrCat("must be at most ", kMaxRequestIdLength, " characters"));
    return;
  }
  for (char c : request_id) {
    if (c < 0x21 || c > 0x7e) {
      v.Add("request_id", "must be printable ASCII without spaces");
      return;
    }
  }
}

bool IsValidEmail(absl::string_view email) {
  if (email.size() < 3 || email.size() > 254) return false;
  const size_t at = email.find('@');
  if (at == absl::string_view::npos || at == 0 || email.find('@', at + 1) != absl::string_view::npos) {
    return false;
  }
  const absl::string_view domain = email.substr(at + 1);
  const size_t dot = domain.rfind('.');
  if (dot == absl::string_view::npos || dot == 0 || dot + 1 >= domain.size()) return false;
  for (char c : email) {
    if (c <= 0x20 || c == 0x7f || c == ',' || c == ';' || c == '<' || c == '>') return false;
  }
  return true;
}

bool IsUsJurisdictionCode(absl::string_view code) {
  static const auto* const kCodes = new absl::flat_hash_set<absl::string_view>{
      "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
      "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
      "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
      "VA", "WA", "WV", "WI", "WY", "DC", "AS", "GU", "MP", "PR", "VI", "FM", "MH", "PW"};
  return kCodes->contains(code);
}

}  // namespace coalition
