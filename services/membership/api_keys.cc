#include "services/membership/api_keys.h"

#include "absl/strings/str_cat.h"
#include "libs/auth/api_key.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/resource_names.h"
#include "libs/core/status.h"
#include "libs/storage/platform_tables.h"

namespace coalition::membership {

auth::Caller CallerFromKey(const v1::ApiKey& key, const std::string& network_id) {
  auth::Caller caller;
  caller.key = key.name();
  caller.role = key.role();
  caller.network_id = network_id;
  caller.person = key.person();
  for (const std::string& coalition : key.coalitions()) {
    auto parsed = ParseCoalitionName(coalition, "coalitions");
    if (parsed.ok()) caller.coalition_ids.push_back(parsed->coalition);
  }
  return caller;
}

absl::StatusOr<auth::Caller> StoreAuthenticator::Authenticate(absl::string_view secret) {
  std::optional<StoredApiKey> stored;
  RETURN_IF_ERROR(db_.Read([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(stored, repo_.FindApiKeyByHash(s, auth::HashApiKeySecret(secret)));
    return absl::OkStatus();
  }));
  if (!stored || stored->key.state() != v1::ApiKey::ACTIVE) {
    return absl::UnauthenticatedError("unknown or revoked API key");
  }
  return CallerFromKey(stored->key, stored->network_id);
}

namespace {

// A key of no network, made from the command line (`flag`) and audit-logged under the platform.
absl::StatusOr<std::string> CreatePlatformKey(storage::Database& db, const Clock& clock,
                                              const std::string& display_name,
                                              coalition::common::v1::Role role,
                                              absl::string_view flag, absl::string_view method,
                                              absl::string_view kind) {
  if (display_name.empty()) return InvalidField(flag, "must name the key's holder");
  const std::string id = NewResourceId();
  const std::string secret = auth::NewApiKeySecret();
  v1::ApiKey key;
  key.set_name(absl::StrCat("apiKeys/", id));
  key.set_display_name(display_name);
  key.set_role(role);
  key.set_state(v1::ApiKey::ACTIVE);
  *key.mutable_create_time() = ToProtoTimestamp(clock.Now());
  key.set_key_prefix(auth::ApiKeyPrefix(secret));
  MembershipRepository repo;
  RETURN_IF_ERROR(db.Transact([&](storage::Session& s) -> absl::Status {
    RETURN_IF_ERROR(repo.InsertApiKey(s, "", id, auth::HashApiKeySecret(secret), key));
    coalition::common::v1::AuditEvent event;
    *event.mutable_time() = ToProtoTimestamp(clock.Now());
    event.set_actor(absl::StrCat("membership-server --", flag));
    event.set_method(absl::StrCat("membership-server/", method));
    event.set_resource(key.name());
    event.set_summary(absl::StrCat("created ", kind, " key for \"", display_name, "\""));
    return storage::AppendAuditEvent(s, "", event);
  }));
  return secret;
}

}  // namespace

absl::StatusOr<std::string> CreatePlatformAdminKey(storage::Database& db, const Clock& clock,
                                                   const std::string& display_name) {
  return CreatePlatformKey(db, clock, display_name, coalition::common::v1::ROLE_NETWORK_ADMIN,
                           "create_admin_key", "CreateAdminKey", "platform admin");
}

absl::StatusOr<std::string> CreatePlatformServiceKey(storage::Database& db, const Clock& clock,
                                                     const std::string& display_name) {
  return CreatePlatformKey(db, clock, display_name, coalition::common::v1::ROLE_SERVICE_ACCOUNT,
                           "create_service_key", "CreateServiceKey", "platform service account");
}

}  // namespace coalition::membership
