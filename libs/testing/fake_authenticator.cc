#include "libs/testing/fake_authenticator.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/auth/api_key.h"
#include "libs/core/ids.h"

namespace coalition::testing {

std::string FakeAuthenticator::AddKey(auth::Caller caller) {
  if (caller.key.empty()) {
    caller.key = caller.network_id.empty()
                     ? absl::StrCat("apiKeys/", NewResourceId())
                     : absl::StrCat("networks/", caller.network_id, "/apiKeys/", NewResourceId());
  }
  std::string secret = auth::NewApiKeySecret();
  absl::MutexLock lock(&mu_);
  callers_[secret] = std::move(caller);
  return secret;
}

void FakeAuthenticator::Revoke(const std::string& secret) {
  absl::MutexLock lock(&mu_);
  callers_.erase(secret);
}

absl::StatusOr<auth::Caller> FakeAuthenticator::Authenticate(absl::string_view secret) {
  absl::MutexLock lock(&mu_);
  auto it = callers_.find(secret);
  if (it == callers_.end()) return absl::UnauthenticatedError("unknown or revoked API key");
  return it->second;
}

}  // namespace coalition::testing
