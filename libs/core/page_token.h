#ifndef COALITION_LIBS_CORE_PAGE_TOKEN_H_
#define COALITION_LIBS_CORE_PAGE_TOKEN_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/core/clock.h"

namespace coalition {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// The page size to use for a List request: default when 0, capped at kMaxPageSize;
// INVALID_ARGUMENT on page_size when negative.
absl::StatusOr<int> EffectivePageSize(int requested);

// Opaque keyset page tokens. A token holds the last key of the page and is bound, by an HMAC,
// to the query it came from (the parent and filters): a client can neither edit it nor reuse
// it for another query. The HMAC key is derived from the store's secret for each period of
// `lifetime` and a token names its period, so keys rotate every period and a token is refused
// (INVALID_ARGUMENT: list again from the start) once it is more than one period old.
class PageTokenCodec {
 public:
  static constexpr absl::Duration kDefaultLifetime = absl::Hours(24);

  explicit PageTokenCodec(std::string secret, const Clock& clock = *SystemClock::Get(),
                          absl::Duration lifetime = kDefaultLifetime)
      : secret_(std::move(secret)), clock_(clock), lifetime_(lifetime) {}

  // `query` identifies the request's parent and filters; `last_key` is the keyset position.
  std::string Encode(absl::string_view query, absl::string_view last_key) const;

  // The last key, or INVALID_ARGUMENT on page_token. An empty token yields an empty key.
  absl::StatusOr<std::string> Decode(absl::string_view query, absl::string_view token) const;

 private:
  int64_t PeriodAt(absl::Time t) const;
  std::string Mac(int64_t period, absl::string_view query, absl::string_view last_key) const;

  std::string secret_;
  const Clock& clock_;
  absl::Duration lifetime_;
};

}  // namespace coalition

#endif  // COALITION_LIBS_CORE_PAGE_TOKEN_H_
