#ifndef COALITION_LIBS_CORE_IDS_H_
#define COALITION_LIBS_CORE_IDS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace coalition {

// A new resource id: 20 characters of lowercase base32 (100 random bits from the OS CSPRNG).
std::string NewResourceId();

// A unique key that sorts by `time` as text: zero-padded microseconds since the epoch, a dash,
// and NewResourceId(), so keys of the same microsecond stay apart. For logs, outboxes and
// event streams read in time order with a plain key scan.
std::string TimeOrderedId(absl::Time time);

// `n` bytes from the OS CSPRNG.
std::string RandomBytes(size_t n);

// Lowercase hex SHA-256 of `data`.
std::string Sha256Hex(absl::string_view data);

// HMAC-SHA256 of `data` under `key`, raw bytes.
std::string HmacSha256(absl::string_view key, absl::string_view data);

// Splits a resource name against a pattern such as "networks/{network}/coalitions/{coalition}"
// and returns the ids in order. `field` names the request field in the error.
absl::StatusOr<std::vector<std::string>> ParseResourceName(absl::string_view pattern,
                                                           absl::string_view name,
                                                           absl::string_view field);

// True when `id` is a well-formed id segment (what NewResourceId makes, or a user-chosen id of
// lowercase letters, digits and hyphens, 1-63 characters).
bool IsValidIdSegment(absl::string_view id);

}  // namespace coalition

#endif  // COALITION_LIBS_CORE_IDS_H_
