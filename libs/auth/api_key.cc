#include "libs/auth/api_key.h"

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"

namespace coalition::auth {

std::string NewApiKeySecret() {
  return absl::StrCat("ck_", absl::WebSafeBase64Escape(RandomBytes(32)));
}

bool IsWellFormedApiKeySecret(absl::string_view secret) {
  constexpr absl::string_view kPrefix = "ck_";
  constexpr size_t kEncodedLength = 43;  // 32 bytes of base64url without padding
  if (secret.size() != kPrefix.size() + kEncodedLength || secret.substr(0, 3) != kPrefix) {
    return false;
  }
  for (char c : secret.substr(kPrefix.size())) {
    if (!absl::ascii_isalnum(c) && c != '-' && c != '_') return false;
  }
  return true;
}

std::string HashApiKeySecret(absl::string_view secret) { return Sha256Hex(secret); }

std::string ApiKeyPrefix(absl::string_view secret) { return std::string(secret.substr(0, 10)); }

}  // namespace coalition::auth
