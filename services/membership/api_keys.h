#ifndef COALITION_SERVICES_MEMBERSHIP_API_KEYS_H_
#define COALITION_SERVICES_MEMBERSHIP_API_KEYS_H_

#include <string>

#include "absl/status/statusor.h"
#include "libs/auth/caller.h"
#include "libs/core/clock.h"
#include "libs/storage/database.h"
#include "services/membership/repository.h"

namespace coalition::membership {

// Membership owns the API keys, so it authenticates against its own store: one indexed read
// by the secret's hash per call, and a revocation takes effect at once.
class StoreAuthenticator final : public auth::Authenticator {
 public:
  explicit StoreAuthenticator(storage::Database& db) : db_(db) {}
  absl::StatusOr<auth::Caller> Authenticate(absl::string_view secret) override;

 private:
  storage::Database& db_;
  MembershipRepository repo_;
};

// The caller a stored key stands for.
auth::Caller CallerFromKey(const v1::ApiKey& key, const std::string& network_id);

// Makes a platform admin key (a network admin of no network, which can create networks) and
// returns its secret, which is not stored and cannot be shown again. This is how the first key
// of a deployment is made: `membership-server --create_admin_key="<who>"`.
absl::StatusOr<std::string> CreatePlatformAdminKey(storage::Database& db, const Clock& clock,
                                                   const std::string& display_name);

// Makes a platform service account key (a service account of no network) for a service that
// serves every network, such as meetings-server, and returns its secret. It reads any network
// and calls the service methods, and changes nothing else. Only the command line makes one:
// `membership-server --create_service_key="meetings-server"`.
absl::StatusOr<std::string> CreatePlatformServiceKey(storage::Database& db, const Clock& clock,
                                                     const std::string& display_name);

}  // namespace coalition::membership

#endif  // COALITION_SERVICES_MEMBERSHIP_API_KEYS_H_
