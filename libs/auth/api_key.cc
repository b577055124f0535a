#include "libs/auth/api_key.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"

namespace coalition::auth {

std::string NewApiKeySecret() {
  return absl::StrCat("ck_", absl::WebSafeBase64Escape(RandomBytes(32)));
}

std::string HashApiKeySecret(absl::string_view secret) { return Sha256Hex(secret); }

std::string ApiKeyPrefix(absl::string_view secret) { return std::string(secret.substr(0, 10)); }

}  // namespace coalition::auth
