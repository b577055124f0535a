#include "libs/core/page_token.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"

namespace coalition {
namespace {
constexpr size_t kMacBytes = 16;
}

absl::StatusOr<int> EffectivePageSize(int requested) {
  if (requested < 0) return InvalidField("page_size", "must not be negative");
  if (requested == 0) return kDefaultPageSize;
  return requested > kMaxPageSize ? kMaxPageSize : requested;
}

std::string PageTokenCodec::Encode(absl::string_view query, absl::string_view last_key) const {
  const std::string mac =
      HmacSha256(secret_, absl::StrCat(query.size(), ":", query, last_key)).substr(0, kMacBytes);
  return absl::WebSafeBase64Escape(absl::StrCat(mac, last_key));
}

absl::StatusOr<std::string> PageTokenCodec::Decode(absl::string_view query,
                                                   absl::string_view token) const {
  if (token.empty()) return std::string();
  std::string raw;
  if (!absl::WebSafeBase64Unescape(token, &raw) || raw.size() <= kMacBytes) {
    return InvalidField("page_token", "is not a token this list returned");
  }
  std::string last_key = raw.substr(kMacBytes);
  const std::string mac =
      HmacSha256(secret_, absl::StrCat(query.size(), ":", query, last_key)).substr(0, kMacBytes);
  // Constant-time compare: the MAC is what makes the token unforgeable.
  unsigned char diff = 0;
  for (size_t i = 0; i < kMacBytes; ++i) diff |= static_cast<unsigned char>(mac[i] ^ raw[i]);
  if (diff != 0) {
    return InvalidField("page_token", "does not belong to this query (parent and filters)");
  }
  return last_key;
}

}  // namespace coalition
