#ifndef COALITION_LIBS_CORE_PAGE_TOKEN_H_
#define COALITION_LIBS_CORE_PAGE_TOKEN_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace coalition {

inline constexpr int kDefaultPageSize = 50;
inline constexpr int kMaxPageSize = 500;

// The page size to use for a List request: default when 0, capped at kMaxPageSize;
// INVALID_ARGUMENT on page_size when negative.
absl::StatusOr<int> EffectivePageSize(int requested);

// Opaque keyset page tokens. A token holds the last key of the page and is bound, by an HMAC
// under a secret of the service's store, to the query it came from (the parent and filters):
// a client can neither edit it nor reuse it for another query.
class PageTokenCodec {
 public:
  explicit PageTokenCodec(std::string secret) : secret_(std::move(secret)) {}

  // `query` identifies the request's parent and filters; `last_key` is the keyset position.
  std::string Encode(absl::string_view query, absl::string_view last_key) const;

  // The last key, or INVALID_ARGUMENT on page_token. An empty token yields an empty key.
  absl::StatusOr<std::string> Decode(absl::string_view query, absl::string_view token) const;

 private:
  std::string secret_;
};

}  // namespace coalition

#endif  // COALITION_LIBS_CORE_PAGE_TOKEN_H_
