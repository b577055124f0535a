#ifndef COALITION_LIBS_AUTH_API_KEY_H_
#define COALITION_LIBS_AUTH_API_KEY_H_

#include <string>

#include "absl/strings/string_view.h"

namespace coalition::auth {

// A new API key secret: "ck_" and 43 characters of base64url (256 random bits).
std::string NewApiKeySecret();

// Whether `secret` has the shape NewApiKeySecret gives every key. Anything else is refused
// before any lookup, so that junk bearer strings cost no store read or call to membership.
bool IsWellFormedApiKeySecret(absl::string_view secret);

// What is stored instead of the secret: its SHA-256, hex. The secret has 256 random bits, so
// a fast hash is enough: there is nothing to brute-force, unlike a password.
std::string HashApiKeySecret(absl::string_view secret);

// The first characters of a secret, shown in lists so a person can tell keys apart.
std::string ApiKeyPrefix(absl::string_view secret);

}  // namespace coalition::auth

#endif  // COALITION_LIBS_AUTH_API_KEY_H_
