#ifndef COALITION_LIBS_AUTH_CACHING_AUTHENTICATOR_H_
#define COALITION_LIBS_AUTH_CACHING_AUTHENTICATOR_H_

#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "libs/auth/caller.h"
#include "libs/core/clock.h"

namespace coalition::auth {

// Remembers what another authenticator said, so services other than membership authenticate
// without a round trip per call. An answer is kept for `ttl` (30 s by default), so a revoked
// key stops working within that time; "unknown key" answers are kept for `negative_ttl`, apart
// from the known keys, so that a flood of unknown strings never pushes a known key out.
// A secret that is not shaped like a key is refused without asking. Errors other than
// UNAUTHENTICATED (membership unreachable) are never remembered.
class CachingAuthenticator final : public Authenticator {
 public:
  struct Options {
    absl::Duration ttl = absl::Seconds(30);
    absl::Duration negative_ttl = absl::Seconds(5);
    size_t max_entries = 100000;          // known keys
    size_t max_negative_entries = 10000;  // unknown ones
  };
  CachingAuthenticator(std::unique_ptr<Authenticator> inner, const Clock* clock, Options options);

  absl::StatusOr<Caller> Authenticate(absl::string_view secret) override;

  struct Entry {
    absl::StatusOr<Caller> result;
    absl::Time expires;
  };

 private:
  std::unique_ptr<Authenticator> inner_;
  const Clock* clock_;
  Options options_;
  absl::Mutex mu_;
  // Keyed by the secret's hash, so the secrets themselves are not kept in memory.
  absl::flat_hash_map<std::string, Entry> known_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, Entry> unknown_ ABSL_GUARDED_BY(mu_);
};

}  // namespace coalition::auth

#endif  // COALITION_LIBS_AUTH_CACHING_AUTHENTICATOR_H_
