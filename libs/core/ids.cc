#include "libs/core/ids.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "libs/core/status.h"

namespace coalition {

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  // RAND_bytes fails only when the OS entropy source is broken: nothing sensible can go on.
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    std::abort();
  }
  return out;
}

std::string NewResourceId() {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
  const std::string bytes = RandomBytes(20);
  std::string id(20, 'a');
  for (size_t i = 0; i < id.size(); ++i) {
    id[i] = kAlphabet[static_cast<unsigned char>(bytes[i]) & 31];
  }
  return id;
}

std::string TimeOrderedId(absl::Time time) {
  const int64_t micros = std::max<int64_t>(absl::ToUnixMicros(time), 0);
  return absl::StrFormat("%019d-%s", micros, NewResourceId());
}

std::string Sha256Hex(absl::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), sizeof(digest)));
}

std::string HmacSha256(absl::string_view key, absl::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest, &length);
  return std::string(reinterpret_cast<const char*>(digest), length);
}

bool IsValidIdSegment(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

absl::StatusOr<std::vector<std::string>> ParseResourceName(absl::string_view pattern,
                                                           absl::string_view name,
                                                           absl::string_view field) {
  if (name.empty()) return InvalidField(field, "is required");
  std::vector<absl::string_view> want = absl::StrSplit(pattern, '/');
  std::vector<absl::string_view> got = absl::StrSplit(name, '/');
  const std::string expected = absl::StrCat("must look like \"", pattern, "\"");
  if (want.size() != got.size()) return InvalidField(field, expected);
  std::vector<std::string> ids;
  for (size_t i = 0; i < want.size(); ++i) {
    if (!want[i].empty() && want[i].front() == '{') {
      if (!IsValidIdSegment(got[i])) return InvalidField(field, expected);
      ids.emplace_back(got[i]);
    } else if (want[i] != got[i]) {
      return InvalidField(field, expected);
    }
  }
  return ids;
}

}  // namespace coalition
