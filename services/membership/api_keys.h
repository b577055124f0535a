#ifndef COALITION_SERVICES_MEMBERSHIP_API_KEYS_H_
#define COALITION_SERVICES_MEMBERSHIP_API_KEYS_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "libs/auth/caller.h"
#include "libs/core/clock.h"
#include "libs/storage/database.h"
#include "services/membership/repository.h"

namespace coalition::membership {

// Membership owns the API keys, so it authenticates against its own store: one indexed read
// by the secret's hash per call, and a revocation takes effect at once.
class StoreAuthenticator final : public auth::Authenticator {
 public:
  StoreAuthenticator(storage::Database& db, const Clock& clock) : db_(db), clock_(clock) {}
  absl::StatusOr<auth::Caller> Authenticate(absl::string_view secret) override;

 private:
  storage::Database& db_;
  const Clock& clock_;
  MembershipRepository repo_;
};

// Whether a stored key works at `now`: active, and not past its expire_time.
bool KeyIsLive(const v1::ApiKey& key, absl::Time now);

// A key's name: networks/{n}/apiKeys/{k}, or apiKeys/{k} for a platform key (network "").
struct ApiKeyName {
  std::string network;
  std::string id;
  std::string Name() const;
};
absl::StatusOr<ApiKeyName> ParseApiKeyName(absl::string_view name, absl::string_view field);

// Revokes a stored key (NOT_FOUND when there is none) in the open transaction and returns it;
// `audit` records the change, once: revoking a revoked key changes and audits nothing.
absl::StatusOr<v1::ApiKey> RevokeStoredApiKey(
    storage::Session& s, MembershipRepository& repo, const ApiKeyName& name, absl::Time now,
    absl::FunctionRef<absl::Status(const v1::ApiKey&)> audit);

// The caller a stored key stands for.
auth::Caller CallerFromKey(const v1::ApiKey& key, const std::string& network_id);

// What a platform key is made with, from the command line.
struct PlatformKeyOptions {
  std::string holder;  // its display name: who or what holds it
  // How long it works; zero: until revoked.
  absl::Duration expires_in = absl::ZeroDuration();
  // Full method names it is limited to (see ApiKey.allowed_methods); empty: all its role may.
  std::vector<std::string> allowed_methods;
  // Revoke the holder's earlier live keys of the same role: the command line always does, so
  // that minting a key again rotates it instead of leaving the old one working.
  bool rotate = false;

  // Defaults for `holder`.
  static PlatformKeyOptions Of(std::string holder) {
    PlatformKeyOptions options;
    options.holder = std::move(holder);
    return options;
  }
};

struct CreatedPlatformKey {
  std::string secret;  // shown once: only its hash is stored
  v1::ApiKey key;
  // With `rotate`: the earlier live keys of the same holder and role, revoked in the same
  // transaction.
  std::vector<std::string> revoked;
};

// Makes a platform key of `role` (ROLE_NETWORK_ADMIN: a platform admin, which can create
// networks; ROLE_SERVICE_ACCOUNT: a platform service account for a service that serves every
// network, such as meetings-server, which reads any network and calls the service methods),
// audited under the platform. This is how the first keys of a deployment are made:
// `membership-server --create_admin_key="<who>"`, `--create_service_key="meetings-server"`.
absl::StatusOr<CreatedPlatformKey> CreatePlatformKey(storage::Database& db, const Clock& clock,
                                                     coalition::common::v1::Role role,
                                                     const PlatformKeyOptions& options);

// The same with defaults; returns the secret. For tests and tools.
absl::StatusOr<std::string> CreatePlatformAdminKey(storage::Database& db, const Clock& clock,
                                                   const std::string& display_name);
absl::StatusOr<std::string> CreatePlatformServiceKey(storage::Database& db, const Clock& clock,
                                                     const std::string& display_name);

// `membership-server --revoke_key=NAME`: revokes any key (a platform key apiKeys/{k} or a
// network's), audited as done from the command line. Returns the key as it is now.
absl::StatusOr<v1::ApiKey> RevokeKeyFromCommandLine(storage::Database& db, const Clock& clock,
                                                    const std::string& name);

// `membership-server --list_platform_keys`: every platform key, live or not.
absl::StatusOr<std::vector<v1::ApiKey>> ListPlatformKeys(storage::Database& db);

}  // namespace coalition::membership

#endif  // COALITION_SERVICES_MEMBERSHIP_API_KEYS_H_
