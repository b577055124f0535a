#ifndef COALITION_LIBS_TESTING_FAKE_AUTHENTICATOR_H_
#define COALITION_LIBS_TESTING_FAKE_AUTHENTICATOR_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "libs/auth/caller.h"

namespace coalition::testing {

// API keys held in memory, each secret naming the caller it authenticates, for the unit tests
// of a service that would ask membership. Thread-safe.
class FakeAuthenticator final : public auth::Authenticator {
 public:
  // A new secret (of the shape real keys have) for `caller`; a caller without a key name gets
  // a new one under its network (or under the platform's keys when it has none).
  std::string AddKey(auth::Caller caller);
  // The key stops authenticating at once.
  void Revoke(const std::string& secret);

  // UNAUTHENTICATED for a secret it does not hold, as membership answers.
  absl::StatusOr<auth::Caller> Authenticate(absl::string_view secret) override;

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, auth::Caller> callers_ ABSL_GUARDED_BY(mu_);
};

}  // namespace coalition::testing

#endif  // COALITION_LIBS_TESTING_FAKE_AUTHENTICATOR_H_
