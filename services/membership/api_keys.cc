#include "services/membership/api_keys.h"

#include <optional>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/api_key.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/resource_names.h"
#include "libs/core/status.h"
#include "libs/server/standard_methods.h"
#include "libs/storage/platform_tables.h"
#include "services/membership/domain/validation.h"

namespace coalition::membership {

std::string ApiKeyName::Name() const {
  return network.empty() ? absl::StrCat("apiKeys/", id) : NetworkChild(network, "apiKeys", id);
}

absl::StatusOr<ApiKeyName> ParseApiKeyName(absl::string_view name, absl::string_view field) {
  constexpr absl::string_view kPlatform = "apiKeys/";
  if (absl::StartsWith(name, kPlatform)) {
    const absl::string_view id = name.substr(kPlatform.size());
    if (!IsValidIdSegment(id)) {
      return InvalidField(field,
                          "must look like \"apiKeys/{key}\" or "
                          "\"networks/{network}/apiKeys/{key}\"");
    }
    return ApiKeyName{"", std::string(id)};
  }
  ASSIGN_OR_RETURN(NetworkChildName parsed, ParseNetworkChild("apiKeys", name, field));
  return ApiKeyName{parsed.network, parsed.id};
}

absl::StatusOr<v1::ApiKey> RevokeStoredApiKey(
    storage::Session& s, MembershipRepository& repo, const ApiKeyName& name, absl::Time now,
    absl::FunctionRef<absl::Status(const v1::ApiKey&)> audit) {
  ASSIGN_OR_RETURN(std::optional<v1::ApiKey> key, repo.GetApiKey(s, name.network, name.id));
  if (!key) return server::NotFound(name.Name());
  if (key->state() == v1::ApiKey::REVOKED) return *std::move(key);
  key->set_state(v1::ApiKey::REVOKED);
  *key->mutable_revoke_time() = ToProtoTimestamp(now);
  RETURN_IF_ERROR(repo.UpdateApiKey(s, name.network, name.id, *key));
  RETURN_IF_ERROR(audit(*key));
  return *std::move(key);
}

bool KeyIsLive(const v1::ApiKey& key, absl::Time now) {
  if (key.state() != v1::ApiKey::ACTIVE) return false;
  return !key.has_expire_time() || FromProtoTimestamp(key.expire_time()) > now;
}

auth::Caller CallerFromKey(const v1::ApiKey& key, const std::string& network_id) {
  auth::Caller caller;
  caller.key = key.name();
  caller.role = key.role();
  caller.network_id = network_id;
  caller.person = key.person();
  caller.allowed_methods.assign(key.allowed_methods().begin(), key.allowed_methods().end());
  for (const std::string& coalition : key.coalitions()) {
    auto parsed = ParseCoalitionName(coalition, "coalitions");
    if (parsed.ok()) caller.coalition_ids.push_back(parsed->coalition);
  }
  return caller;
}

absl::StatusOr<auth::Caller> StoreAuthenticator::Authenticate(absl::string_view secret) {
  if (!auth::IsWellFormedApiKeySecret(secret)) {
    return absl::UnauthenticatedError("unknown or revoked API key");
  }
  std::optional<StoredApiKey> stored;
  RETURN_IF_ERROR(db_.Read([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(stored, repo_.FindApiKeyByHash(s, auth::HashApiKeySecret(secret)));
    return absl::OkStatus();
  }));
  if (!stored || !KeyIsLive(stored->key, clock_.Now())) {
    return absl::UnauthenticatedError("unknown, revoked or expired API key");
  }
  return CallerFromKey(stored->key, stored->network_id);
}

namespace {

coalition::common::v1::AuditEvent CommandLineEvent(const Clock& clock, absl::string_view flag,
                                                   absl::string_view method,
                                                   absl::string_view resource,
                                                   absl::string_view summary) {
  coalition::common::v1::AuditEvent event;
  *event.mutable_time() = ToProtoTimestamp(clock.Now());
  event.set_actor(absl::StrCat("membership-server --", flag));
  event.set_method(absl::StrCat("membership-server/", method));
  event.set_resource(std::string(resource));
  event.set_summary(std::string(summary));
  return event;
}

// Every platform key (network ""), page by page.
absl::StatusOr<std::vector<v1::ApiKey>> AllPlatformKeys(storage::Session& s,
                                                        MembershipRepository& repo) {
  std::vector<v1::ApiKey> keys;
  storage::ListQuery q{"", 500, false};
  do {
    ASSIGN_OR_RETURN(auto page, repo.ListApiKeys(s, "", q));
    for (auto& key : page.items) keys.push_back(std::move(key));
    q.after_key = page.last_key;
  } while (!q.after_key.empty());
  return keys;
}

}  // namespace

absl::StatusOr<CreatedPlatformKey> CreatePlatformKey(storage::Database& db, const Clock& clock,
                                                     coalition::common::v1::Role role,
                                                     const PlatformKeyOptions& options) {
  const bool admin = role == coalition::common::v1::ROLE_NETWORK_ADMIN;
  const absl::string_view flag = admin ? "create_admin_key" : "create_service_key";
  const absl::string_view method = admin ? "CreateAdminKey" : "CreateServiceKey";
  const absl::string_view kind = admin ? "platform admin" : "platform service account";
  if (options.holder.empty()) return InvalidField(flag, "must name the key's holder");
  if (options.expires_in < absl::ZeroDuration()) {
    return InvalidField("key_expires_in", "must not be negative");
  }
  const absl::Time now = clock.Now();
  CreatedPlatformKey created;
  created.secret = auth::NewApiKeySecret();
  const std::string id = NewResourceId();
  v1::ApiKey& key = created.key;
  key.set_name(absl::StrCat("apiKeys/", id));
  key.set_display_name(options.holder);
  key.set_role(role);
  key.set_state(v1::ApiKey::ACTIVE);
  *key.mutable_create_time() = ToProtoTimestamp(now);
  key.set_key_prefix(auth::ApiKeyPrefix(created.secret));
  if (options.expires_in > absl::ZeroDuration()) {
    *key.mutable_expire_time() = ToProtoTimestamp(now + options.expires_in);
  }
  for (const std::string& m : options.allowed_methods) key.add_allowed_methods(m);
  FieldViolations v;
  CheckAllowedMethods(v, "service_key_methods", key.allowed_methods());
  RETURN_IF_ERROR(v.ToStatus());
  MembershipRepository repo;
  RETURN_IF_ERROR(db.Transact([&](storage::Session& s) -> absl::Status {
    created.revoked.clear();  // a retried transaction starts again
    ASSIGN_OR_RETURN(std::vector<v1::ApiKey> existing, AllPlatformKeys(s, repo));
    for (const v1::ApiKey& old : existing) {
      if (!options.rotate || old.role() != role || old.display_name() != options.holder ||
          old.state() != v1::ApiKey::ACTIVE) {
        continue;
      }
      ASSIGN_OR_RETURN(ApiKeyName old_name, ParseApiKeyName(old.name(), "name"));
      ASSIGN_OR_RETURN(
          v1::ApiKey revoked, RevokeStoredApiKey(s, repo, old_name, now, [&](const v1::ApiKey& k) {
            return storage::AppendAuditEvent(
                s, "",
                CommandLineEvent(clock, flag, method, k.name(),
                                 absl::StrCat("revoked on rotation: a new ", kind,
                                              " key was made for \"", options.holder, "\"")));
          }));
      created.revoked.push_back(revoked.name());
    }
    RETURN_IF_ERROR(repo.InsertApiKey(s, "", id, auth::HashApiKeySecret(created.secret), key));
    return storage::AppendAuditEvent(
        s, "",
        CommandLineEvent(clock, flag, method, key.name(),
                         absl::StrCat("created ", kind, " key for \"", options.holder, "\"")));
  }));
  return created;
}

absl::StatusOr<std::string> CreatePlatformAdminKey(storage::Database& db, const Clock& clock,
                                                   const std::string& display_name) {
  ASSIGN_OR_RETURN(CreatedPlatformKey created,
                   CreatePlatformKey(db, clock, coalition::common::v1::ROLE_NETWORK_ADMIN,
                                     PlatformKeyOptions::Of(display_name)));
  return created.secret;
}

absl::StatusOr<std::string> CreatePlatformServiceKey(storage::Database& db, const Clock& clock,
                                                     const std::string& display_name) {
  ASSIGN_OR_RETURN(CreatedPlatformKey created,
                   CreatePlatformKey(db, clock, coalition::common::v1::ROLE_SERVICE_ACCOUNT,
                                     PlatformKeyOptions::Of(display_name)));
  return created.secret;
}

absl::StatusOr<v1::ApiKey> RevokeKeyFromCommandLine(storage::Database& db, const Clock& clock,
                                                    const std::string& name) {
  ASSIGN_OR_RETURN(ApiKeyName parsed, ParseApiKeyName(name, "revoke_key"));
  MembershipRepository repo;
  v1::ApiKey revoked;
  RETURN_IF_ERROR(db.Transact([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(revoked,
                     RevokeStoredApiKey(s, repo, parsed, clock.Now(), [&](const v1::ApiKey& k) {
                       return storage::AppendAuditEvent(
                           s, parsed.network,
                           CommandLineEvent(clock, "revoke_key", "RevokeKey", k.name(),
                                            "revoked the key from the command line"));
                     }));
    return absl::OkStatus();
  }));
  return revoked;
}

absl::StatusOr<std::vector<v1::ApiKey>> ListPlatformKeys(storage::Database& db) {
  MembershipRepository repo;
  std::vector<v1::ApiKey> keys;
  RETURN_IF_ERROR(db.Read([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(keys, AllPlatformKeys(s, repo));
    return absl::OkStatus();
  }));
  return keys;
}

}  // namespace coalition::membership
