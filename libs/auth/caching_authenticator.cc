#include "libs/auth/caching_authenticator.h"

#include <utility>

#include "libs/auth/api_key.h"

namespace coalition::auth {

CachingAuthenticator::CachingAuthenticator(std::unique_ptr<Authenticator> inner, const Clock* clock,
                                           Options options)
    : inner_(std::move(inner)), clock_(clock), options_(options) {}

namespace {

using Entries = absl::flat_hash_map<std::string, CachingAuthenticator::Entry>;

// Makes room for one more entry: the expired ones go first, then one arbitrary entry, so a
// full table never loses more than it must.
void MakeRoom(Entries& entries, size_t max_entries, absl::Time now) {
  if (entries.size() < max_entries) return;
  absl::erase_if(entries, [now](const auto& kv) { return kv.second.expires <= now; });
  if (entries.size() >= max_entries && !entries.empty()) entries.erase(entries.begin());
}

}  // namespace

absl::StatusOr<Caller> CachingAuthenticator::Authenticate(absl::string_view secret) {
  if (!IsWellFormedApiKeySecret(secret)) {
    return absl::UnauthenticatedError("unknown or revoked API key");
  }
  const std::string hash = HashApiKeySecret(secret);
  const absl::Time now = clock_->Now();
  {
    absl::MutexLock lock(&mu_);
    for (const Entries* entries : {&known_, &unknown_}) {
      auto it = entries->find(hash);
      if (it != entries->end() && it->second.expires > now) return it->second.result;
    }
  }
  absl::StatusOr<Caller> result = inner_->Authenticate(secret);
  if (result.ok()) {
    absl::MutexLock lock(&mu_);
    unknown_.erase(hash);
    MakeRoom(known_, options_.max_entries, now);
    known_[hash] = {result, now + options_.ttl};
  } else if (absl::IsUnauthenticated(result.status())) {
    absl::MutexLock lock(&mu_);
    known_.erase(hash);
    MakeRoom(unknown_, options_.max_negative_entries, now);
    unknown_[hash] = {result, now + options_.negative_ttl};
  }
  return result;
}

}  // namespace coalition::auth
