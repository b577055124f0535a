#include "libs/core/page_token.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"

namespace coalition {
namespace {
constexpr size_t kPeriodBytes = 8;
constexpr size_t kMacBytes = 16;
}  // namespace

absl::StatusOr<int> EffectivePageSize(int requested) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return requested > kMaxPageSize ? kMaxPageSize : requested;
}

int64_t PageTokenCodec::PeriodAt(absl::Time t) const {
  return absl::ToUnixSeconds(t) / std::max<int64_t>(1, absl::ToInt64Seconds(lifetime_));
}

std::string PageTokenCodec::Mac(int64_t period, absl::string_view query,
                                absl::string_view last_key) const {
  const std::string key = HmacSha256(secret_, absl::StrCat("page-token-key:", period));
  return HmacSha256(key, absl::StrCat(query.size(), ":", query, last_key)).substr(0, kMacBytes);
}

std::string PageTokenCodec::Encode(absl::string_view query, absl::string_view last_key) const {
  const int64_t period = PeriodAt(clock_.Now());
  std::string header(kPeriodBytes, '\0');
  for (size_t i = 0; i < kPeriodBytes; ++i) {
    header[kPeriodBytes - 1 - i] =
        static_cast<char>((static_cast<uint64_t>(period) >> (8 * i)) & 0xFF);
  }
  return absl::WebSafeBase64Escape(absl::StrCat(header, Mac(period, query, last_key), last_key));
}

absl::StatusOr<std::string> PageTokenCodec::Decode(absl::string_view query,
                                                   absl::string_view token) const {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() <= kPeriodBytes + kMacBytes) {
    return InvalidField("page_token", "is not a token this list returned");
  }
  uint64_t period = 0;
  for (size_t i = 0; i < kPeriodBytes; ++i) {
    period = (period << 8) | static_cast<unsigned char>(raw[i]);
  }
  const std::string last_key = raw.substr(kPeriodBytes + kMacBytes);
  const std::string mac = Mac(static_cast<int64_t>(period), query, last_key);
  // Constant-time compare: the MAC is what makes the token unforgeable.
  unsigned char diff = 0;
  for (size_t i = 0; i < kMacBytes; ++i) {
    diff |= static_cast<unsigned char>(mac[i] ^ raw[kPeriodBytes + i]);
  }
  if (diff != 0) {
    return InvalidField("page_token", "does not belong to this query (parent and filters)");
  }
  const int64_t now = PeriodAt(clock_.Now());
  if (static_cast<int64_t>(period) < now - 1 || static_cast<int64_t>(period) > now) {
    return InvalidField("page_token", "has expired; list again from the first page");
  }
  return last_key;
}

}  // namespace coalition
