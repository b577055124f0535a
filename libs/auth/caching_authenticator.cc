#include "libs/auth/caching_authenticator.h"

#include <utility>

#include "libs/auth/api_key.h"

namespace coalition::auth {

CachingAuthenticator::CachingAuthenticator(std::unique_ptr<Authenticator> inner, const Clock* clock,
                                           Options options)
    : inner_(std::move(inner)), clock_(clock), options_(options) {}

absl::StatusOr<Caller> CachingAuthenticator::Authenticate(absl::string_view secret) {
  const std::string hash = HashApiKeySecret(secret);
  const absl::Time now = clock_->Now();
  {
    absl::MutexLock lock(&mu_);
    auto it = entries_.find(hash);
    if (it != entries_.end() && it->second.expires > now) return it->second.result;
  }
  absl::StatusOr<Caller> result = inner_->Authenticate(secret);
  const bool remember = result.ok() || absl::IsUnauthenticated(result.status());
  if (remember) {
    absl::MutexLock lock(&mu_);
    if (entries_.size() >= options_.max_entries) {
      absl::erase_if(entries_, [now](const auto& kv) { return kv.second.expires <= now; });
      if (entries_.size() >= options_.max_entries) entries_.clear();
    }
    entries_[hash] = {result, now + (result.ok() ? options_.ttl : options_.negative_ttl)};
  }
  return result;
}

}  // namespace coalition::auth
