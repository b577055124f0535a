#include "services/membership/membership_service.h"

#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/auth/api_key.h"
#include "libs/core/etag.h"
#include "libs/core/field_mask.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/resource_names.h"
#include "libs/core/status.h"
#include "libs/core/validation.h"
#include "libs/server/call_context.h"
#include "libs/server/executor.h"
#include "libs/server/resource_calls.h"
#include "libs/server/stream_budget.h"
#include "libs/server/unary.h"
#include "libs/storage/platform_tables.h"
#include "services/membership/api_keys.h"
#include "services/membership/domain/rules.h"
#include "services/membership/domain/validation.h"

namespace coalition::membership {
namespace {

using auth::Access;
using auth::Authorize;
using auth::Caller;
using server::Found;
using server::NextToken;
using server::NotFound;
using server::PageOf;
using server::StampCreated;
using storage::Session;

constexpr absl::string_view kService = "coalition.membership.v1.MembershipService/";
constexpr absl::Duration kRosterTtl = absl::Minutes(5);
constexpr absl::Duration kCountsTtl = absl::Minutes(5);

std::string RosterKey(absl::string_view network, absl::string_view coalition) {
  return absl::StrCat("roster/", network, "/", coalition);
}
std::string ActorCountsKey(absl::string_view network, absl::string_view coalition) {
  return absl::StrCat("actor-counts/", network, "/", coalition);
}

// The fields clients may change, per resource (AIP-134); the rest are output only or immutable.
const std::vector<std::string> kNetworkUpdatable = {"display_name", "states"};
const std::vector<std::string> kCoalitionUpdatable = {
    "display_name", "state", "region", "status", "organizing_sentence", "default_norms"};
const std::vector<std::string> kAimUpdatable = {"metric", "unit",          "baseline",
                                                "target", "current_value", "due_date"};
const std::vector<std::string> kPersonUpdatable = {"display_name",     "email",        "phone",
                                                   "stakeholder_type", "organization", "state"};
const std::vector<std::string> kOrganizationUpdatable = {"display_name", "stakeholder_type",
                                                         "state", "website"};
const std::vector<std::string> kMembershipUpdatable = {"role"};
const std::vector<std::string> kActorUpdatable = {"display_name", "person",    "organization",
                                                  "category",     "interests", "resources",
                                                  "tie_strength", "influence", "notes"};
const std::vector<std::string> kTeamUpdatable = {"display_name", "purpose", "parent_team", "leads",
                                                 "members"};

template <typename T>
absl::Status Mask(const T& patch, const google::protobuf::FieldMask& mask,
                  const std::vector<std::string>& updatable, T& target) {
  return ApplyFieldMask(patch, mask, updatable, &target);
}

void SetAimProgress(v1::MeasurableAim& aim) {
  aim.set_progress(AimProgress(aim.baseline(), aim.target(), aim.current_value()));
}

}  // namespace

MembershipService::MembershipService(storage::Database& db, cache::Cache& cache, const Clock& clock,
                                     std::unique_ptr<auth::Authenticator> authenticator,
                                     std::string page_token_secret)
    : db_(db),
      cache_(cache),
      clock_(clock),
      authenticator_(std::move(authenticator)),
      page_tokens_(std::move(page_token_secret), clock) {}

absl::StatusOr<Caller> MembershipService::Authenticate(const Ctx* ctx) {
  return auth::AuthenticateCall(*authenticator_, *ctx, server::MethodOf(ctx));
}

absl::Status MembershipService::Audit(Session& s, const Caller& caller, const Ctx* ctx,
                                      absl::string_view network, absl::string_view method,
                                      absl::string_view resource, absl::string_view summary) {
  return server::AppendAudit(s, *ctx, network,
                             {caller.key, caller.person, absl::StrCat(kService, method),
                              std::string(resource), std::string(summary)},
                             clock_.Now());
}

absl::Status MembershipService::RequireCoalition(Session& s, const std::string& network,
                                                 const std::string& coalition) {
  ASSIGN_OR_RETURN(auto found, repo_.GetCoalition(s, network, coalition));
  if (!found) return NotFound(CoalitionName{network, coalition}.Name());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Membership>> MembershipService::Roster(
    const std::string& network, const std::string& coalition) {
  ASSIGN_OR_RETURN(
      std::string cached,
      cache_.GetOrLoad(
          RosterKey(network, coalition), kRosterTtl, [&]() -> absl::StatusOr<std::string> {
            v1::ListMembershipsResponse all;
            RETURN_IF_ERROR(db_.Read([&](Session& s) -> absl::Status {
              RETURN_IF_ERROR(RequireCoalition(s, network, coalition));
              ASSIGN_OR_RETURN(auto memberships,
                               repo_.AllChildren<v1::Membership>(s, network, coalition));
              for (auto& m : memberships) {
                *all.add_memberships() = std::move(m);
              }
              return absl::OkStatus();
            }));
            return all.SerializeAsString();
          }));
  v1::ListMembershipsResponse all;
  if (!all.ParseFromString(cached)) return absl::DataLossError("cached roster is unreadable");
  return std::vector<v1::Membership>(all.memberships().begin(), all.memberships().end());
}

void MembershipService::InvalidateRoster(const std::string& network, const std::string& coalition) {
  cache_.Invalidate(RosterKey(network, coalition));
}

// ---- Networks ----

MembershipService::Reactor* MembershipService::CreateNetwork(Ctx* ctx,
                                                             const v1::CreateNetworkRequest* req,
                                                             v1::Network* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    RETURN_IF_ERROR(Authorize(caller, Access::kPlatform, ""));
    RETURN_IF_ERROR(ValidateNetwork(req->network(), "network"));
    return db_.Transact([&](Session& s) -> absl::Status {
      // Networks have no parent: their request ids are kept under the platform ("").
      ASSIGN_OR_RETURN(std::string created,
                       storage::CreateOnce(
                           s, "", "CreateNetwork", req->request_id(), "", clock_.Now(),
                           [&]() -> absl::StatusOr<std::string> {
                             const std::string id = NewResourceId();
                             v1::Network network = req->network();
                             StampCreated(network, NetworkName{id}.Name(), clock_.Now());
                             RETURN_IF_ERROR(repo_.InsertNetwork(s, id, network));
                             RETURN_IF_ERROR(Audit(
                                 s, caller, ctx, id, "CreateNetwork", network.name(),
                                 absl::StrCat("created network \"", network.display_name(), "\"")));
                             return network.name();
                           }));
      ASSIGN_OR_RETURN(auto name, ParseNetworkName(created, "name"));
      ASSIGN_OR_RETURN(auto stored, Found(repo_.GetNetwork(s, name.network), created));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::GetNetwork(Ctx* ctx,
                                                          const v1::GetNetworkRequest* req,
                                                          v1::Network* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseNetworkName(req->name(), "name"));
    RETURN_IF_ERROR(Authorize(caller, Access::kReadNetwork, name.network));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored, Found(repo_.GetNetwork(s, name.network), req->name()));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::ListNetworks(Ctx* ctx,
                                                            const v1::ListNetworksRequest* req,
                                                            v1::ListNetworksResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    const std::string query = absl::StrCat("networks|", caller.network_id);
    ASSIGN_OR_RETURN(ListQuery q, PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page, repo_.ListNetworks(s, q, caller.network_id));
      for (auto& network : page.items) *resp->add_networks() = std::move(network);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::UpdateNetwork(Ctx* ctx,
                                                             const v1::UpdateNetworkRequest* req,
                                                             v1::Network* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseNetworkName(req->network().name(), "network.name"));
    RETURN_IF_ERROR(Authorize(caller, Access::kAdminNetwork, name.network));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored, Found(repo_.GetNetwork(s, name.network), name.Name()));
      RETURN_IF_ERROR(CheckEtag(req->network().etag(), name.Name(), stored.revision));
      v1::Network network = stored.resource;
      RETURN_IF_ERROR(Mask(req->network(), req->update_mask(), kNetworkUpdatable, network));
      RETURN_IF_ERROR(ValidateNetwork(network, "network"));
      // A state cannot leave the network while a coalition is in it.
      absl::flat_hash_set<std::string> kept(network.states().begin(), network.states().end());
      for (const std::string& state : stored.resource.states()) {
        if (kept.contains(state)) continue;
        v1::ListCoalitionsRequest filter;
        filter.set_state(state);
        ASSIGN_OR_RETURN(auto in_state,
                         repo_.ListCoalitions(s, name.network, filter, nullptr, ListQuery{"", 1}));
        if (!in_state.items.empty()) {
          return absl::FailedPreconditionError(absl::StrCat(
              "network.states: ", state, " still has coalitions, e.g. ", in_state.items[0].name()));
        }
      }
      *network.mutable_update_time() = ToProtoTimestamp(clock_.Now());
      RETURN_IF_ERROR(repo_.UpdateNetwork(s, name.network, network, stored.revision));
      RETURN_IF_ERROR(
          Audit(s, caller, ctx, name.network, "UpdateNetwork", name.Name(), "updated the network"));
      ASSIGN_OR_RETURN(auto updated, Found(repo_.GetNetwork(s, name.network), name.Name()));
      *resp = std::move(updated.resource);
      return absl::OkStatus();
    });
  });
}

// ---- API keys ----

MembershipService::Reactor* MembershipService::CreateApiKey(Ctx* ctx,
                                                            const v1::CreateApiKeyRequest* req,
                                                            v1::CreateApiKeyResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto parent, ParseNetworkName(req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kAdminNetwork, parent.network));
    RETURN_IF_ERROR(ValidateApiKey(req->api_key(), parent.network, "api_key", clock_.Now()));
    return db_.Transact([&](Session& s) -> absl::Status {
      // The secret is never stored, so a retried create cannot show it again.
      std::string secret;
      ASSIGN_OR_RETURN(
          std::string created,
          storage::CreateOnce(
              s, parent.network, "CreateApiKey", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                ASSIGN_OR_RETURN(auto network,
                                 Found(repo_.GetNetwork(s, parent.network), parent.Name()));
                for (int i = 0; i < req->api_key().coalitions_size(); ++i) {
                  ASSIGN_OR_RETURN(auto c,
                                   ParseCoalitionName(req->api_key().coalitions(i), "coalitions"));
                  ASSIGN_OR_RETURN(auto found, repo_.GetCoalition(s, c.network, c.coalition));
                  if (!found) {
                    return InvalidField(absl::StrCat("api_key.coalitions[", i, "]"),
                                        "does not exist");
                  }
                }
                if (!req->api_key().person().empty()) {
                  ASSIGN_OR_RETURN(auto p,
                                   ParseNetworkChild("people", req->api_key().person(), "person"));
                  ASSIGN_OR_RETURN(auto person, repo_.GetPerson(s, p.network, p.id));
                  if (!person) return InvalidField("api_key.person", "does not exist");
                }
                const std::string id = NewResourceId();
                secret = auth::NewApiKeySecret();
                v1::ApiKey key = req->api_key();
                key.set_name(NetworkChild(parent.network, "apiKeys", id));
                key.set_state(v1::ApiKey::ACTIVE);
                *key.mutable_create_time() = ToProtoTimestamp(clock_.Now());
                key.clear_revoke_time();
                key.set_key_prefix(auth::ApiKeyPrefix(secret));
                RETURN_IF_ERROR(
                    repo_.InsertApiKey(s, parent.network, id, auth::HashApiKeySecret(secret), key));
                RETURN_IF_ERROR(
                    Audit(s, caller, ctx, parent.network, "CreateApiKey", key.name(),
                          absl::StrCat("created a ", coalition::common::v1::Role_Name(key.role()),
                                       " key")));
                return key.name();
              }));
      ASSIGN_OR_RETURN(auto key_name, ParseNetworkChild("apiKeys", created, "name"));
      ASSIGN_OR_RETURN(auto key, repo_.GetApiKey(s, parent.network, key_name.id));
      if (!key) return NotFound(created);
      *resp->mutable_api_key() = *std::move(key);
      resp->set_secret(secret);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::ListApiKeys(Ctx* ctx,
                                                           const v1::ListApiKeysRequest* req,
                                                           v1::ListApiKeysResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    // An empty parent lists the platform's own keys (network ""): platform admins only.
    NetworkName parent;
    if (req->parent().empty()) {
      RETURN_IF_ERROR(Authorize(caller, Access::kPlatform, ""));
    } else {
      ASSIGN_OR_RETURN(parent, ParseNetworkName(req->parent(), "parent"));
      RETURN_IF_ERROR(Authorize(caller, Access::kAdminNetwork, parent.network));
    }
    const std::string query = absl::StrCat("apiKeys|", req->parent());
    ASSIGN_OR_RETURN(ListQuery q, PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page, repo_.ListApiKeys(s, parent.network, q));
      for (auto& key : page.items) *resp->add_api_keys() = std::move(key);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::RevokeApiKey(Ctx* ctx,
                                                            const v1::RevokeApiKeyRequest* req,
                                                            v1::ApiKey* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(ApiKeyName name, ParseApiKeyName(req->name(), "name"));
    RETURN_IF_ERROR(name.network.empty() ? Authorize(caller, Access::kPlatform, "")
                                         : Authorize(caller, Access::kAdminNetwork, name.network));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(*resp,
                       RevokeStoredApiKey(s, repo_, name, clock_.Now(), [&](const v1::ApiKey& key) {
                         return Audit(s, caller, ctx, name.network, "RevokeApiKey", key.name(),
                                      "revoked the key");
                       }));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::IntrospectApiKey(
    Ctx* ctx, const v1::IntrospectApiKeyRequest* req, v1::IntrospectApiKeyResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    RETURN_IF_ERROR(Authorize(caller, Access::kServiceCall, caller.network_id));
    if (req->secret().empty()) return InvalidField("secret", "is required");
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       repo_.FindApiKeyByHash(s, auth::HashApiKeySecret(req->secret())));
      // A network's service account sees only keys of its own network, others look like unknown
      // keys; a platform service account (meetings-server, ...) sees the keys of every network.
      if (!stored || !Authorize(caller, Access::kServiceCall, stored->network_id).ok()) {
        resp->set_active(false);
        return absl::OkStatus();
      }
      resp->set_active(KeyIsLive(stored->key, clock_.Now()));
      *resp->mutable_api_key() = stored->key;
      resp->set_network(stored->network_id.empty() ? "" : NetworkName{stored->network_id}.Name());
      return absl::OkStatus();
    });
  });
}

// ---- Coalitions ----

MembershipService::Reactor* MembershipService::CreateCoalition(
    Ctx* ctx, const v1::CreateCoalitionRequest* req, v1::Coalition* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto parent, ParseNetworkName(req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kAdminNetwork, parent.network));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          std::string created,
          storage::CreateOnce(
              s, parent.network, "CreateCoalition", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                ASSIGN_OR_RETURN(auto network,
                                 Found(repo_.GetNetwork(s, parent.network), parent.Name()));
                RETURN_IF_ERROR(ValidateCoalition(req->coalition(), network.resource, "coalition"));
                const std::string id = NewResourceId();
                v1::Coalition coalition = req->coalition();
                StampCreated(coalition, CoalitionName{parent.network, id}.Name(), clock_.Now());
                if (coalition.status() == v1::COALITION_STATUS_UNSPECIFIED) {
                  coalition.set_status(v1::FORMING);
                }
                RETURN_IF_ERROR(repo_.InsertCoalition(s, parent.network, id, coalition));
                RETURN_IF_ERROR(
                    Audit(s, caller, ctx, parent.network, "CreateCoalition", coalition.name(),
                          absl::StrCat("created coalition \"", coalition.display_name(), "\"")));
                return coalition.name();
              }));
      ASSIGN_OR_RETURN(auto name, ParseCoalitionName(created, "name"));
      ASSIGN_OR_RETURN(auto stored,
                       Found(repo_.GetCoalition(s, name.network, name.coalition), created));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::GetCoalition(Ctx* ctx,
                                                            const v1::GetCoalitionRequest* req,
                                                            v1::Coalition* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseCoalitionName(req->name(), "name"));
    RETURN_IF_ERROR(Authorize(caller, Access::kReadCoalition, name.network, name.coalition));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       Found(repo_.GetCoalition(s, name.network, name.coalition), req->name()));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::ListCoalitions(Ctx* ctx,
                                                              const v1::ListCoalitionsRequest* req,
                                                              v1::ListCoalitionsResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto parent, ParseNetworkName(req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kReadNetwork, parent.network));
    FieldViolations v;
    if (!req->state().empty() && !IsUsJurisdictionCode(req->state())) {
      v.Add("state", "must be a two-letter US state or territory code");
    }
    if (!v1::CoalitionStatus_IsValid(req->status())) v.Add("status", "is not a known value");
    LimitText(v, "region", req->region(), kMaxNameLength);
    RETURN_IF_ERROR(v.ToStatus());
    // Conveners and members see only the coalitions their key is scoped to.
    const bool scoped = caller.role == coalition::common::v1::ROLE_CONVENER ||
                        caller.role == coalition::common::v1::ROLE_MEMBER;
    const std::string query =
        absl::StrCat("coalitions|", req->parent(), "|", req->state(), "|", req->region(), "|",
                     req->status(), "|", scoped ? caller.key : "");
    ASSIGN_OR_RETURN(ListQuery q, PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page,
                       repo_.ListCoalitions(s, parent.network, *req,
                                            scoped ? &caller.coalition_ids : nullptr, q));
      for (auto& c : page.items) *resp->add_coalitions() = std::move(c);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::UpdateCoalition(
    Ctx* ctx, const v1::UpdateCoalitionRequest* req, v1::Coalition* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseCoalitionName(req->coalition().name(), "coalition.name"));
    RETURN_IF_ERROR(Authorize(caller, Access::kWriteCoalition, name.network, name.coalition));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       Found(repo_.GetCoalition(s, name.network, name.coalition), name.Name()));
      RETURN_IF_ERROR(CheckEtag(req->coalition().etag(), name.Name(), stored.revision));
      v1::Coalition coalition = stored.resource;
      RETURN_IF_ERROR(Mask(req->coalition(), req->update_mask(), kCoalitionUpdatable, coalition));
      if (coalition.status() == v1::COALITION_STATUS_UNSPECIFIED) {
        return InvalidField("coalition.status", "cannot be unset");
      }
      ASSIGN_OR_RETURN(auto network, Found(repo_.GetNetwork(s, name.network), name.network));
      RETURN_IF_ERROR(ValidateCoalition(coalition, network.resource, "coalition"));
      *coalition.mutable_update_time() = ToProtoTimestamp(clock_.Now());
      RETURN_IF_ERROR(
          repo_.UpdateCoalition(s, name.network, name.coalition, coalition, stored.revision));
      RETURN_IF_ERROR(Audit(s, caller, ctx, name.network, "UpdateCoalition", name.Name(),
                            "updated the coalition"));
      ASSIGN_OR_RETURN(auto updated,
                       Found(repo_.GetCoalition(s, name.network, name.coalition), name.Name()));
      *resp = std::move(updated.resource);
      return absl::OkStatus();
    });
  });
}

// ---- Shared shapes of the resources under a coalition ----

template <typename T>
absl::Status MembershipService::GetChild(const Ctx* ctx, absl::string_view collection,
                                         const std::string& name, T* resp) {
  ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
  ASSIGN_OR_RETURN(auto parsed, ParseCoalitionChild(collection, name, "name"));
  RETURN_IF_ERROR(Authorize(caller, Access::kReadCoalition, parsed.network, parsed.coalition));
  return db_.Read([&](Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(
        auto stored,
        Found(repo_.GetChild<T>(s, parsed.network, parsed.coalition, parsed.id), name));
    *resp = std::move(stored.resource);
    return absl::OkStatus();
  });
}

template <typename T>
absl::Status MembershipService::DeleteChild(
    const Ctx* ctx, absl::string_view collection, absl::string_view method, const std::string& name,
    const std::string& etag,
    absl::FunctionRef<absl::Status(Session&, const CoalitionChildName&)> before) {
  ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
  ASSIGN_OR_RETURN(auto parsed, ParseCoalitionChild(collection, name, "name"));
  RETURN_IF_ERROR(Authorize(caller, Access::kWriteCoalition, parsed.network, parsed.coalition));
  return db_.Transact([&](Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(
        auto stored,
        Found(repo_.GetChild<T>(s, parsed.network, parsed.coalition, parsed.id), name));
    RETURN_IF_ERROR(CheckEtag(etag, name, stored.revision));
    RETURN_IF_ERROR(before(s, parsed));
    RETURN_IF_ERROR(repo_.DeleteChild<T>(s, parsed.network, parsed.coalition, parsed.id));
    return Audit(s, caller, ctx, parsed.network, method, name, "deleted");
  });
}

template <typename T>
absl::StatusOr<Page<T>> MembershipService::ListChildren(
    const Caller& caller, absl::string_view collection, const std::string& parent, int page_size,
    const std::string& page_token, absl::string_view filter_key,
    const std::vector<std::pair<std::string, storage::Value>>& filters,
    std::string* next_page_token) {
  ASSIGN_OR_RETURN(auto name, ParseCoalitionName(parent, "parent"));
  RETURN_IF_ERROR(Authorize(caller, Access::kReadCoalition, name.network, name.coalition));
  const std::string query = absl::StrCat(collection, "|", parent, "|", filter_key);
  ASSIGN_OR_RETURN(ListQuery q, PageOf(page_tokens_, query, page_size, page_token));
  Page<T> page;
  RETURN_IF_ERROR(db_.Read([&](Session& s) -> absl::Status {
    RETURN_IF_ERROR(RequireCoalition(s, name.network, name.coalition));
    ASSIGN_OR_RETURN(page, repo_.ListChildren<T>(s, name.network, name.coalition, filters, q));
    return absl::OkStatus();
  }));
  *next_page_token = NextToken(page_tokens_, query, page.last_key);
  return page;
}

namespace {
absl::Status NothingFirst(Session&, const CoalitionChildName&) { return absl::OkStatus(); }
}  // namespace

// ---- Measurable aims ----

MembershipService::Reactor* MembershipService::CreateMeasurableAim(
    Ctx* ctx, const v1::CreateMeasurableAimRequest* req, v1::MeasurableAim* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto parent, ParseCoalitionName(req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kWriteCoalition, parent.network, parent.coalition));
    RETURN_IF_ERROR(ValidateAim(req->aim(), "aim"));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          std::string created,
          storage::CreateOnce(
              s, parent.network, "CreateMeasurableAim", req->request_id(), req->parent(),
              clock_.Now(), [&]() -> absl::StatusOr<std::string> {
                RETURN_IF_ERROR(RequireCoalition(s, parent.network, parent.coalition));
                const std::string id = NewResourceId();
                v1::MeasurableAim aim = req->aim();
                StampCreated(aim, CoalitionChild(parent.network, parent.coalition, "aims", id),
                             clock_.Now());
                SetAimProgress(aim);
                RETURN_IF_ERROR(repo_.InsertChild(s, parent.network, parent.coalition, id, aim));
                RETURN_IF_ERROR(Audit(s, caller, ctx, parent.network, "CreateMeasurableAim",
                                      aim.name(),
                                      absl::StrCat("added aim \"", aim.metric(), "\"")));
                return aim.name();
              }));
      ASSIGN_OR_RETURN(auto n, ParseCoalitionChild("aims", created, "name"));
      const std::string& id = n.id;
      ASSIGN_OR_RETURN(
          auto stored,
          Found(repo_.GetChild<v1::MeasurableAim>(s, parent.network, parent.coalition, id), id));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::GetMeasurableAim(
    Ctx* ctx, const v1::GetMeasurableAimRequest* req, v1::MeasurableAim* resp) {
  return server::FinishUnary(ctx, [=] { return GetChild(ctx, "aims", req->name(), resp); });
}

MembershipService::Reactor* MembershipService::ListMeasurableAims(
    Ctx* ctx, const v1::ListMeasurableAimsRequest* req, v1::ListMeasurableAimsResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto page, ListChildren<v1::MeasurableAim>(
                                    caller, "aims", req->parent(), req->page_size(),
                                    req->page_token(), "", {}, resp->mutable_next_page_token()));
    for (auto& aim : page.items) *resp->add_aims() = std::move(aim);
    return absl::OkStatus();
  });
}

MembershipService::Reactor* MembershipService::UpdateMeasurableAim(
    Ctx* ctx, const v1::UpdateMeasurableAimRequest* req, v1::MeasurableAim* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseCoalitionChild("aims", req->aim().name(), "aim.name"));
    RETURN_IF_ERROR(Authorize(caller, Access::kWriteCoalition, name.network, name.coalition));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored, Found(repo_.GetChild<v1::MeasurableAim>(
                                              s, name.network, name.coalition, name.id),
                                          req->aim().name()));
      RETURN_IF_ERROR(CheckEtag(req->aim().etag(), req->aim().name(), stored.revision));
      v1::MeasurableAim aim = stored.resource;
      RETURN_IF_ERROR(Mask(req->aim(), req->update_mask(), kAimUpdatable, aim));
      RETURN_IF_ERROR(ValidateAim(aim, "aim"));
      SetAimProgress(aim);
      *aim.mutable_update_time() = ToProtoTimestamp(clock_.Now());
      RETURN_IF_ERROR(
          repo_.UpdateChild(s, name.network, name.coalition, name.id, aim, stored.revision));
      RETURN_IF_ERROR(Audit(s, caller, ctx, name.network, "UpdateMeasurableAim", aim.name(),
                            absl::StrCat("updated aim \"", aim.metric(), "\"")));
      ASSIGN_OR_RETURN(auto updated, Found(repo_.GetChild<v1::MeasurableAim>(
                                               s, name.network, name.coalition, name.id),
                                           aim.name()));
      *resp = std::move(updated.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::DeleteMeasurableAim(
    Ctx* ctx, const v1::DeleteMeasurableAimRequest* req, google::protobuf::Empty*) {
  return server::FinishUnary(ctx, [=] {
    return DeleteChild<v1::MeasurableAim>(ctx, "aims", "DeleteMeasurableAim", req->name(),
                                          req->etag(), NothingFirst);
  });
}

// ---- People ----

namespace {
absl::Status ExplainDuplicateEmail(absl::Status status) {
  if (absl::IsAlreadyExists(status)) {
    return absl::AlreadyExistsError("person.email: a person with this email is in the network");
  }
  return status;
}
}  // namespace

MembershipService::Reactor* MembershipService::CreatePerson(Ctx* ctx,
                                                            const v1::CreatePersonRequest* req,
                                                            v1::Person* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto parent, ParseNetworkName(req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kWriteDirectory, parent.network));
    RETURN_IF_ERROR(ValidatePerson(req->person(), parent.network, "person"));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          std::string created,
          storage::CreateOnce(
              s, parent.network, "CreatePerson", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                ASSIGN_OR_RETURN(auto network,
                                 Found(repo_.GetNetwork(s, parent.network), parent.Name()));
                if (!req->person().organization().empty()) {
                  ASSIGN_OR_RETURN(auto o,
                                   ParseNetworkChild("organizations", req->person().organization(),
                                                     "person.organization"));
                  ASSIGN_OR_RETURN(auto org, repo_.GetOrganization(s, o.network, o.id));
                  if (!org) return InvalidField("person.organization", "does not exist");
                }
                const std::string id = NewResourceId();
                v1::Person person = req->person();
                person.set_email(NormalizeEmail(person.email()));
                StampCreated(person, NetworkChild(parent.network, "people", id), clock_.Now());
                RETURN_IF_ERROR(
                    ExplainDuplicateEmail(repo_.InsertPerson(s, parent.network, id, person)));
                RETURN_IF_ERROR(Audit(s, caller, ctx, parent.network, "CreatePerson", person.name(),
                                      "added a person"));
                return person.name();
              }));
      ASSIGN_OR_RETURN(auto n, ParseNetworkChild("people", created, "name"));
      const std::string& id = n.id;
      ASSIGN_OR_RETURN(auto stored, Found(repo_.GetPerson(s, parent.network, id), id));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::GetPerson(Ctx* ctx, const v1::GetPersonRequest* req,
                                                         v1::Person* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseNetworkChild("people", req->name(), "name"));
    // Members read only their own record.
    if (caller.person != req->name() || caller.network_id != name.network) {
      RETURN_IF_ERROR(Authorize(caller, Access::kReadDirectory, name.network));
    }
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored, Found(repo_.GetPerson(s, name.network, name.id), req->name()));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::ListPeople(Ctx* ctx,
                                                          const v1::ListPeopleRequest* req,
                                                          v1::ListPeopleResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto parent, ParseNetworkName(req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kReadDirectory, parent.network));
    FieldViolations v;
    LimitText(v, "name_contains", req->name_contains(), kMaxNameLength);
    LimitText(v, "email", req->email(), 254);
    if (!v1::StakeholderType_IsValid(req->stakeholder_type())) {
      v.Add("stakeholder_type", "is not a known value");
    }
    RETURN_IF_ERROR(v.ToStatus());
    PeopleFilter filter{req->name_contains(), req->email(), req->stakeholder_type()};
    const std::string query =
        absl::StrCat("people|", req->parent(), "|", filter.name_contains, "|",
                     NormalizeEmail(filter.email), "|", filter.stakeholder_type);
    ASSIGN_OR_RETURN(ListQuery q, PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page, repo_.ListPeople(s, parent.network, filter, q));
      for (auto& p : page.items) *resp->add_people() = std::move(p);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::UpdatePerson(Ctx* ctx,
                                                            const v1::UpdatePersonRequest* req,
                                                            v1::Person* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseNetworkChild("people", req->person().name(), "person.name"));
    RETURN_IF_ERROR(Authorize(caller, Access::kWriteDirectory, name.network));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       Found(repo_.GetPerson(s, name.network, name.id), req->person().name()));
      RETURN_IF_ERROR(CheckEtag(req->person().etag(), req->person().name(), stored.revision));
      v1::Person person = stored.resource;
      RETURN_IF_ERROR(Mask(req->person(), req->update_mask(), kPersonUpdatable, person));
      RETURN_IF_ERROR(ValidatePerson(person, name.network, "person"));
      if (!person.organization().empty() &&
          person.organization() != stored.resource.organization()) {
        ASSIGN_OR_RETURN(auto o, ParseNetworkChild("organizations", person.organization(),
                                                   "person.organization"));
        ASSIGN_OR_RETURN(auto org, repo_.GetOrganization(s, o.network, o.id));
        if (!org) return InvalidField("person.organization", "does not exist");
      }
      person.set_email(NormalizeEmail(person.email()));
      *person.mutable_update_time() = ToProtoTimestamp(clock_.Now());
      RETURN_IF_ERROR(ExplainDuplicateEmail(
          repo_.UpdatePerson(s, name.network, name.id, person, stored.revision)));
      RETURN_IF_ERROR(
          Audit(s, caller, ctx, name.network, "UpdatePerson", person.name(), "updated a person"));
      ASSIGN_OR_RETURN(auto updated,
                       Found(repo_.GetPerson(s, name.network, name.id), person.name()));
      *resp = std::move(updated.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::DeletePerson(Ctx* ctx,
                                                            const v1::DeletePersonRequest* req,
                                                            google::protobuf::Empty*) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseNetworkChild("people", req->name(), "name"));
    RETURN_IF_ERROR(Authorize(caller, Access::kAdminNetwork, name.network));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored, Found(repo_.GetPerson(s, name.network, name.id), req->name()));
      RETURN_IF_ERROR(CheckEtag(req->etag(), req->name(), stored.revision));
      ASSIGN_OR_RETURN(bool has_memberships,
                       repo_.MemberHasMemberships(s, name.network, req->name()));
      if (has_memberships) {
        return absl::FailedPreconditionError(
            "the person has memberships, which keep the coalition's history; record that they "
            "left instead");
      }
      ASSIGN_OR_RETURN(bool mapped, repo_.IsMappedAsActor(s, name.network, req->name()));
      if (mapped) {
        return absl::FailedPreconditionError(
            "the person is on a coalition's map of actors; remove them from the map first");
      }
      ASSIGN_OR_RETURN(bool has_keys, repo_.HasKeysActingAs(s, name.network, req->name()));
      if (has_keys) {
        return absl::FailedPreconditionError("API keys act as this person; revoke them first");
      }
      RETURN_IF_ERROR(repo_.DeletePerson(s, name.network, name.id));
      return Audit(s, caller, ctx, name.network, "DeletePerson", req->name(), "deleted a person");
    });
  });
}

// ---- Organizations ----

MembershipService::Reactor* MembershipService::CreateOrganization(
    Ctx* ctx, const v1::CreateOrganizationRequest* req, v1::Organization* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto parent, ParseNetworkName(req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kWriteDirectory, parent.network));
    RETURN_IF_ERROR(ValidateOrganization(req->organization(), "organization"));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          std::string created,
          storage::CreateOnce(
              s, parent.network, "CreateOrganization", req->request_id(), req->parent(),
              clock_.Now(), [&]() -> absl::StatusOr<std::string> {
                ASSIGN_OR_RETURN(auto network,
                                 Found(repo_.GetNetwork(s, parent.network), parent.Name()));
                const std::string id = NewResourceId();
                v1::Organization organization = req->organization();
                StampCreated(organization, NetworkChild(parent.network, "organizations", id),
                             clock_.Now());
                RETURN_IF_ERROR(repo_.InsertOrganization(s, parent.network, id, organization));
                RETURN_IF_ERROR(Audit(s, caller, ctx, parent.network, "CreateOrganization",
                                      organization.name(),
                                      absl::StrCat("added \"", organization.display_name(), "\"")));
                return organization.name();
              }));
      ASSIGN_OR_RETURN(auto n, ParseNetworkChild("organizations", created, "name"));
      const std::string& id = n.id;
      ASSIGN_OR_RETURN(auto stored, Found(repo_.GetOrganization(s, parent.network, id), id));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::GetOrganization(
    Ctx* ctx, const v1::GetOrganizationRequest* req, v1::Organization* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseNetworkChild("organizations", req->name(), "name"));
    RETURN_IF_ERROR(Authorize(caller, Access::kReadDirectory, name.network));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       Found(repo_.GetOrganization(s, name.network, name.id), req->name()));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::ListOrganizations(
    Ctx* ctx, const v1::ListOrganizationsRequest* req, v1::ListOrganizationsResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto parent, ParseNetworkName(req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kReadDirectory, parent.network));
    FieldViolations v;
    LimitText(v, "name_contains", req->name_contains(), kMaxNameLength);
    if (!v1::StakeholderType_IsValid(req->stakeholder_type())) {
      v.Add("stakeholder_type", "is not a known value");
    }
    RETURN_IF_ERROR(v.ToStatus());
    const std::string query = absl::StrCat("organizations|", req->parent(), "|",
                                           req->name_contains(), "|", req->stakeholder_type());
    ASSIGN_OR_RETURN(ListQuery q, PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page, repo_.ListOrganizations(s, parent.network, req->name_contains(),
                                                          req->stakeholder_type(), q));
      for (auto& o : page.items) *resp->add_organizations() = std::move(o);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::UpdateOrganization(
    Ctx* ctx, const v1::UpdateOrganizationRequest* req, v1::Organization* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseNetworkChild("organizations", req->organization().name(),
                                                  "organization.name"));
    RETURN_IF_ERROR(Authorize(caller, Access::kWriteDirectory, name.network));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored, Found(repo_.GetOrganization(s, name.network, name.id),
                                          req->organization().name()));
      RETURN_IF_ERROR(
          CheckEtag(req->organization().etag(), req->organization().name(), stored.revision));
      v1::Organization organization = stored.resource;
      RETURN_IF_ERROR(
          Mask(req->organization(), req->update_mask(), kOrganizationUpdatable, organization));
      RETURN_IF_ERROR(ValidateOrganization(organization, "organization"));
      *organization.mutable_update_time() = ToProtoTimestamp(clock_.Now());
      RETURN_IF_ERROR(
          repo_.UpdateOrganization(s, name.network, name.id, organization, stored.revision));
      RETURN_IF_ERROR(Audit(s, caller, ctx, name.network, "UpdateOrganization", organization.name(),
                            "updated an organization"));
      ASSIGN_OR_RETURN(auto updated,
                       Found(repo_.GetOrganization(s, name.network, name.id), organization.name()));
      *resp = std::move(updated.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::DeleteOrganization(
    Ctx* ctx, const v1::DeleteOrganizationRequest* req, google::protobuf::Empty*) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseNetworkChild("organizations", req->name(), "name"));
    RETURN_IF_ERROR(Authorize(caller, Access::kAdminNetwork, name.network));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       Found(repo_.GetOrganization(s, name.network, name.id), req->name()));
      RETURN_IF_ERROR(CheckEtag(req->etag(), req->name(), stored.revision));
      ASSIGN_OR_RETURN(bool has_memberships,
                       repo_.MemberHasMemberships(s, name.network, req->name()));
      if (has_memberships) {
        return absl::FailedPreconditionError(
            "the organization has memberships, which keep the coalition's history; record that "
            "it left instead");
      }
      ASSIGN_OR_RETURN(bool has_people, repo_.OrganizationHasPeople(s, name.network, req->name()));
      if (has_people) {
        return absl::FailedPreconditionError("people of the network still name this organization");
      }
      ASSIGN_OR_RETURN(bool mapped, repo_.IsMappedAsActor(s, name.network, req->name()));
      if (mapped) {
        return absl::FailedPreconditionError(
            "the organization is on a coalition's map of actors; remove it from the map first");
      }
      RETURN_IF_ERROR(repo_.DeleteOrganization(s, name.network, name.id));
      return Audit(s, caller, ctx, name.network, "DeleteOrganization", req->name(),
                   "deleted an organization");
    });
  });
}

// ---- Memberships ----

MembershipService::Reactor* MembershipService::CreateMembership(
    Ctx* ctx, const v1::CreateMembershipRequest* req, v1::Membership* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto parent, ParseCoalitionName(req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kWriteCoalition, parent.network, parent.coalition));
    RETURN_IF_ERROR(ValidateNewMembership(req->membership(), parent.network, "membership"));
    bool created = false;
    RETURN_IF_ERROR(db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          std::string created,
          storage::CreateOnce(
              s, parent.network, "CreateMembership", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                RETURN_IF_ERROR(RequireCoalition(s, parent.network, parent.coalition));
                const std::string& member = req->membership().member();
                auto person = ParseNetworkChild("people", member, "membership.member");
                bool exists = false;
                if (person.ok()) {
                  ASSIGN_OR_RETURN(auto found, repo_.GetPerson(s, person->network, person->id));
                  exists = found.has_value();
                } else {
                  ASSIGN_OR_RETURN(auto o,
                                   ParseNetworkChild("organizations", member, "membership.member"));
                  ASSIGN_OR_RETURN(auto found, repo_.GetOrganization(s, o.network, o.id));
                  exists = found.has_value();
                }
                if (!exists) return InvalidField("membership.member", "does not exist");
                ASSIGN_OR_RETURN(auto existing, repo_.FindMembershipOf(s, parent.network,
                                                                       parent.coalition, member));
                if (existing) {
                  return absl::AlreadyExistsError(absl::StrCat(
                      "membership.member: already has ", existing->resource.name(),
                      existing->resource.state() == v1::Membership::LEFT ? "; use RejoinCoalition"
                                                                         : ""));
                }
                const std::string id = NewResourceId();
                v1::Membership membership;
                membership.set_member(member);
                membership.set_role(req->membership().role());
                StampCreated(membership,
                             CoalitionChild(parent.network, parent.coalition, "memberships", id),
                             clock_.Now());
                StartMembership(membership, clock_.Now());
                RETURN_IF_ERROR(
                    repo_.InsertChild(s, parent.network, parent.coalition, id, membership));
                RETURN_IF_ERROR(Audit(s, caller, ctx, parent.network, "CreateMembership",
                                      membership.name(),
                                      absl::StrCat(member, " joined as ",
                                                   v1::MembershipRole_Name(membership.role()))));
                created = true;
                return membership.name();
              }));
      ASSIGN_OR_RETURN(auto n, ParseCoalitionChild("memberships", created, "name"));
      const std::string& id = n.id;
      ASSIGN_OR_RETURN(
          auto stored,
          Found(repo_.GetChild<v1::Membership>(s, parent.network, parent.coalition, id), id));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    }));
    if (created) InvalidateRoster(parent.network, parent.coalition);
    return absl::OkStatus();
  });
}

MembershipService::Reactor* MembershipService::GetMembership(Ctx* ctx,
                                                             const v1::GetMembershipRequest* req,
                                                             v1::Membership* resp) {
  return server::FinishUnary(ctx, [=] { return GetChild(ctx, "memberships", req->name(), resp); });
}

MembershipService::Reactor* MembershipService::ListMemberships(
    Ctx* ctx, const v1::ListMembershipsRequest* req, v1::ListMembershipsResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    FieldViolations v;
    if (!v1::MembershipRole_IsValid(req->role())) v.Add("role", "is not a known value");
    if (!v1::Membership::State_IsValid(req->state())) v.Add("state", "is not a known value");
    RETURN_IF_ERROR(v.ToStatus());
    std::vector<std::pair<std::string, storage::Value>> filters;
    if (req->role() != v1::MEMBERSHIP_ROLE_UNSPECIFIED) {
      filters.emplace_back("role", int64_t{req->role()});
    }
    if (req->state() != v1::Membership::STATE_UNSPECIFIED) {
      filters.emplace_back("state", int64_t{req->state()});
    }
    ASSIGN_OR_RETURN(auto page, ListChildren<v1::Membership>(
                                    caller, "memberships", req->parent(), req->page_size(),
                                    req->page_token(), absl::StrCat(req->role(), "|", req->state()),
                                    filters, resp->mutable_next_page_token()));
    for (auto& m : page.items) *resp->add_memberships() = std::move(m);
    return absl::OkStatus();
  });
}

absl::Status MembershipService::ChangeMembership(
    const Ctx* ctx, const Caller& caller, const CoalitionChildName& name, const std::string& etag,
    absl::string_view method,
    absl::FunctionRef<absl::StatusOr<std::string>(v1::Membership&)> change, v1::Membership* resp) {
  const std::string resource = CoalitionChild(name.network, name.coalition, "memberships", name.id);
  RETURN_IF_ERROR(db_.Transact([&](Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(
        auto stored,
        Found(repo_.GetChild<v1::Membership>(s, name.network, name.coalition, name.id), resource));
    RETURN_IF_ERROR(CheckEtag(etag, resource, stored.revision));
    v1::Membership membership = stored.resource;
    ASSIGN_OR_RETURN(std::string summary, change(membership));
    *membership.mutable_update_time() = ToProtoTimestamp(clock_.Now());
    RETURN_IF_ERROR(
        repo_.UpdateChild(s, name.network, name.coalition, name.id, membership, stored.revision));
    RETURN_IF_ERROR(Audit(s, caller, ctx, name.network, method, resource, summary));
    ASSIGN_OR_RETURN(
        auto updated,
        Found(repo_.GetChild<v1::Membership>(s, name.network, name.coalition, name.id), resource));
    *resp = std::move(updated.resource);
    return absl::OkStatus();
  }));
  InvalidateRoster(name.network, name.coalition);
  return absl::OkStatus();
}

MembershipService::Reactor* MembershipService::UpdateMembership(
    Ctx* ctx, const v1::UpdateMembershipRequest* req, v1::Membership* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(
        auto name, ParseCoalitionChild("memberships", req->membership().name(), "membership.name"));
    RETURN_IF_ERROR(Authorize(caller, Access::kWriteCoalition, name.network, name.coalition));
    return ChangeMembership(
        ctx, caller, name, req->membership().etag(), "UpdateMembership",
        [&](v1::Membership& membership) -> absl::StatusOr<std::string> {
          v1::Membership patched = membership;
          RETURN_IF_ERROR(
              Mask(req->membership(), req->update_mask(), kMembershipUpdatable, patched));
          if (patched.role() == v1::MEMBERSHIP_ROLE_UNSPECIFIED ||
              !v1::MembershipRole_IsValid(patched.role())) {
            return InvalidField("membership.role", "must be a known role");
          }
          RETURN_IF_ERROR(ChangeMembershipRole(membership, patched.role(), clock_.Now()));
          return absl::StrCat("role is now ", v1::MembershipRole_Name(membership.role()));
        },
        resp);
  });
}

MembershipService::Reactor* MembershipService::LeaveCoalition(Ctx* ctx,
                                                              const v1::LeaveCoalitionRequest* req,
                                                              v1::Membership* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseCoalitionChild("memberships", req->name(), "name"));
    RETURN_IF_ERROR(Authorize(caller, Access::kWriteCoalition, name.network, name.coalition));
    FieldViolations v;
    LimitText(v, "note", req->note(), kMaxTextLength);
    RETURN_IF_ERROR(v.ToStatus());
    return ChangeMembership(
        ctx, caller, name, req->etag(), "LeaveCoalition",
        [&](v1::Membership& membership) -> absl::StatusOr<std::string> {
          RETURN_IF_ERROR(LeaveMembership(membership, clock_.Now(), req->note()));
          return absl::StrCat(membership.member(), " left");
        },
        resp);
  });
}

MembershipService::Reactor* MembershipService::RejoinCoalition(
    Ctx* ctx, const v1::RejoinCoalitionRequest* req, v1::Membership* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseCoalitionChild("memberships", req->name(), "name"));
    RETURN_IF_ERROR(Authorize(caller, Access::kWriteCoalition, name.network, name.coalition));
    FieldViolations v;
    LimitText(v, "note", req->note(), kMaxTextLength);
    if (!v1::MembershipRole_IsValid(req->role())) v.Add("role", "is not a known value");
    RETURN_IF_ERROR(v.ToStatus());
    return ChangeMembership(
        ctx, caller, name, req->etag(), "RejoinCoalition",
        [&](v1::Membership& membership) -> absl::StatusOr<std::string> {
          RETURN_IF_ERROR(RejoinMembership(membership, req->role(), clock_.Now(), req->note()));
          return absl::StrCat(membership.member(), " rejoined");
        },
        resp);
  });
}

MembershipService::Reactor* MembershipService::ListPersonCoalitions(
    Ctx* ctx, const v1::ListPersonCoalitionsRequest* req, v1::ListPersonCoalitionsResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto person, ParseNetworkChild("people", req->person(), "person"));
    ASSIGN_OR_RETURN(const std::vector<std::string>* visible,
                     auth::CoalitionsVisibleAboutPerson(caller, person.network, req->person()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto found,
                       Found(repo_.GetPerson(s, person.network, person.id), req->person()));
      ASSIGN_OR_RETURN(auto memberships,
                       repo_.MembershipsOfMember(s, person.network, req->person()));
      int active = 0;
      for (auto& m : memberships) {
        if (visible != nullptr) {
          ASSIGN_OR_RETURN(auto in, ParseCoalitionChild("memberships", m.name(), "membership"));
          if (!caller.HasCoalition(in.coalition)) continue;  // `visible` is the key's scope
        }
        const bool is_active = m.state() == v1::Membership::ACTIVE;
        active += is_active;
        if (is_active || req->include_left()) *resp->add_memberships() = std::move(m);
      }
      resp->set_active_count(active);
      return absl::OkStatus();
    });
  });
}

// ---- The map of actors ----

namespace {
v1::ActorRevision RevisionOf(const v1::Actor& actor, int64_t revision,
                             v1::ActorCategory previous_category, absl::Time now,
                             const std::string& changed_by, const std::string& source) {
  v1::ActorRevision out;
  out.set_name(absl::StrCat(actor.name(), "/revisions/", revision));
  out.set_revision(revision);
  *out.mutable_actor() = actor;
  out.mutable_actor()->clear_etag();
  out.set_previous_category(previous_category);
  *out.mutable_change_time() = ToProtoTimestamp(now);
  out.set_changed_by(changed_by);
  out.set_source(source.empty() ? "api" : source);
  return out;
}
}  // namespace

absl::Status MembershipService::RequireActiveMembers(Session& s, const v1::Team& team,
                                                     const std::string& network,
                                                     const std::string& coalition) {
  FieldViolations v;
  for (const char* list : {"leads", "members"}) {
    const auto& people = std::string(list) == "leads" ? team.leads() : team.members();
    for (int i = 0; i < people.size(); ++i) {
      ASSIGN_OR_RETURN(auto membership, repo_.FindMembershipOf(s, network, coalition, people[i]));
      if (!membership || membership->resource.state() != v1::Membership::ACTIVE) {
        v.Add(absl::StrCat("team.", list, "[", i, "]"),
              "must be an active member of the coalition");
      }
    }
  }
  return v.ToStatus();
}

namespace {
// An actor naming a person or organization must name one that exists.
absl::Status RequireActorSubject(MembershipRepository& repo, Session& s, const v1::Actor& actor) {
  if (!actor.person().empty()) {
    ASSIGN_OR_RETURN(auto p, ParseNetworkChild("people", actor.person(), "actor.person"));
    ASSIGN_OR_RETURN(auto found, repo.GetPerson(s, p.network, p.id));
    if (!found) return InvalidField("actor.person", "does not exist");
  }
  if (!actor.organization().empty()) {
    ASSIGN_OR_RETURN(
        auto o, ParseNetworkChild("organizations", actor.organization(), "actor.organization"));
    ASSIGN_OR_RETURN(auto found, repo.GetOrganization(s, o.network, o.id));
    if (!found) return InvalidField("actor.organization", "does not exist");
  }
  return absl::OkStatus();
}
}  // namespace

MembershipService::Reactor* MembershipService::CreateActor(Ctx* ctx,
                                                           const v1::CreateActorRequest* req,
                                                           v1::Actor* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto parent, ParseCoalitionName(req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kWriteCoalition, parent.network, parent.coalition));
    RETURN_IF_ERROR(ValidateActor(req->actor(), parent.network, "actor"));
    bool created = false;
    RETURN_IF_ERROR(db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          std::string created,
          storage::CreateOnce(
              s, parent.network, "CreateActor", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                RETURN_IF_ERROR(RequireCoalition(s, parent.network, parent.coalition));
                RETURN_IF_ERROR(RequireActorSubject(repo_, s, req->actor()));
                const std::string id = NewResourceId();
                v1::Actor actor = req->actor();
                StampCreated(actor, CoalitionChild(parent.network, parent.coalition, "actors", id),
                             clock_.Now());
                RETURN_IF_ERROR(repo_.InsertChild(s, parent.network, parent.coalition, id, actor));
                RETURN_IF_ERROR(
                    repo_.InsertActorRevision(s, parent.network, parent.coalition, id,
                                              RevisionOf(actor, 1, v1::ACTOR_CATEGORY_UNSPECIFIED,
                                                         clock_.Now(), caller.key, "")));
                RETURN_IF_ERROR(Audit(s, caller, ctx, parent.network, "CreateActor", actor.name(),
                                      absl::StrCat("mapped \"", actor.display_name(), "\" as ",
                                                   v1::ActorCategory_Name(actor.category()))));
                created = true;
                return actor.name();
              }));
      ASSIGN_OR_RETURN(auto n, ParseCoalitionChild("actors", created, "name"));
      const std::string& id = n.id;
      ASSIGN_OR_RETURN(
          auto stored,
          Found(repo_.GetChild<v1::Actor>(s, parent.network, parent.coalition, id), id));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    }));
    if (created) cache_.Invalidate(ActorCountsKey(parent.network, parent.coalition));
    return absl::OkStatus();
  });
}

MembershipService::Reactor* MembershipService::GetActor(Ctx* ctx, const v1::GetActorRequest* req,
                                                        v1::Actor* resp) {
  return server::FinishUnary(ctx, [=] { return GetChild(ctx, "actors", req->name(), resp); });
}

MembershipService::Reactor* MembershipService::ListActors(Ctx* ctx,
                                                          const v1::ListActorsRequest* req,
                                                          v1::ListActorsResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    if (!v1::ActorCategory_IsValid(req->category())) {
      return InvalidField("category", "is not a known value");
    }
    std::vector<std::pair<std::string, storage::Value>> filters;
    if (req->category() != v1::ACTOR_CATEGORY_UNSPECIFIED) {
      filters.emplace_back("category", int64_t{req->category()});
    }
    ASSIGN_OR_RETURN(auto page,
                     ListChildren<v1::Actor>(caller, "actors", req->parent(), req->page_size(),
                                             req->page_token(), absl::StrCat(req->category()),
                                             filters, resp->mutable_next_page_token()));
    for (auto& a : page.items) *resp->add_actors() = std::move(a);
    return absl::OkStatus();
  });
}

MembershipService::Reactor* MembershipService::UpdateActor(Ctx* ctx,
                                                           const v1::UpdateActorRequest* req,
                                                           v1::Actor* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseCoalitionChild("actors", req->actor().name(), "actor.name"));
    RETURN_IF_ERROR(Authorize(caller, Access::kWriteCoalition, name.network, name.coalition));
    FieldViolations v;
    LimitText(v, "source", req->source(), 100);
    RETURN_IF_ERROR(v.ToStatus());
    RETURN_IF_ERROR(db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       Found(repo_.GetChild<v1::Actor>(s, name.network, name.coalition, name.id),
                             req->actor().name()));
      RETURN_IF_ERROR(CheckEtag(req->actor().etag(), req->actor().name(), stored.revision));
      v1::Actor actor = stored.resource;
      RETURN_IF_ERROR(Mask(req->actor(), req->update_mask(), kActorUpdatable, actor));
      RETURN_IF_ERROR(ValidateActor(actor, name.network, "actor"));
      RETURN_IF_ERROR(RequireActorSubject(repo_, s, actor));
      *actor.mutable_update_time() = ToProtoTimestamp(clock_.Now());
      RETURN_IF_ERROR(
          repo_.UpdateChild(s, name.network, name.coalition, name.id, actor, stored.revision));
      RETURN_IF_ERROR(repo_.InsertActorRevision(
          s, name.network, name.coalition, name.id,
          RevisionOf(actor, stored.revision + 1, stored.resource.category(), clock_.Now(),
                     caller.key, req->source())));
      RETURN_IF_ERROR(Audit(s, caller, ctx, name.network, "UpdateActor", actor.name(),
                            absl::StrCat("updated \"", actor.display_name(), "\" (",
                                         v1::ActorCategory_Name(actor.category()), ")")));
      ASSIGN_OR_RETURN(
          auto updated,
          Found(repo_.GetChild<v1::Actor>(s, name.network, name.coalition, name.id), actor.name()));
      *resp = std::move(updated.resource);
      return absl::OkStatus();
    }));
    cache_.Invalidate(ActorCountsKey(name.network, name.coalition));
    return absl::OkStatus();
  });
}

MembershipService::Reactor* MembershipService::DeleteActor(Ctx* ctx,
                                                           const v1::DeleteActorRequest* req,
                                                           google::protobuf::Empty*) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    RETURN_IF_ERROR(DeleteChild<v1::Actor>(ctx, "actors", "DeleteActor", req->name(), req->etag(),
                                           NothingFirst));
    auto name = ParseCoalitionChild("actors", req->name(), "name");
    if (name.ok()) cache_.Invalidate(ActorCountsKey(name->network, name->coalition));
    return absl::OkStatus();
  });
}

MembershipService::Reactor* MembershipService::ListActorRevisions(
    Ctx* ctx, const v1::ListActorRevisionsRequest* req, v1::ListActorRevisionsResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto actor, ParseCoalitionChild("actors", req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kReadCoalition, actor.network, actor.coalition));
    const std::string query = absl::StrCat("actorRevisions|", req->parent());
    ASSIGN_OR_RETURN(ListQuery q, PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto found,
                       Found(repo_.GetChild<v1::Actor>(s, actor.network, actor.coalition, actor.id),
                             req->parent()));
      ASSIGN_OR_RETURN(auto page,
                       repo_.ListActorRevisions(s, actor.network, actor.coalition, actor.id, q));
      for (auto& r : page.items) *resp->add_revisions() = std::move(r);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::CountActorsByCategory(
    Ctx* ctx, const v1::CountActorsByCategoryRequest* req,
    v1::CountActorsByCategoryResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseCoalitionName(req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kReadCoalition, name.network, name.coalition));
    ASSIGN_OR_RETURN(
        std::string counts,
        cache_.GetOrLoad(ActorCountsKey(name.network, name.coalition), kCountsTtl,
                         [&]() -> absl::StatusOr<std::string> {
                           std::vector<v1::Actor> actors;
                           RETURN_IF_ERROR(db_.Read([&](Session& s) -> absl::Status {
                             RETURN_IF_ERROR(RequireCoalition(s, name.network, name.coalition));
                             ASSIGN_OR_RETURN(actors, repo_.AllChildren<v1::Actor>(s, name.network,
                                                                                   name.coalition));
                             return absl::OkStatus();
                           }));
                           return membership::CountActorsByCategory(actors).SerializeAsString();
                         }));
    if (!resp->ParseFromString(counts)) return absl::DataLossError("cached counts unreadable");
    return absl::OkStatus();
  });
}

MembershipService::Reactor* MembershipService::RecordActorObservation(
    Ctx* ctx, const v1::RecordActorObservationRequest* req, v1::Actor* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto coalition, ParseCoalitionName(req->coalition(), "coalition"));
    RETURN_IF_ERROR(Authorize(caller, Access::kServiceCall, coalition.network));
    RETURN_IF_ERROR(ValidateActorObservation(*req, coalition.network, coalition.coalition));
    constexpr absl::string_view kMethod = "RecordActorObservation";
    const std::string& network = coalition.network;
    bool changed = false;
    RETURN_IF_ERROR(db_.Transact([&](Session& s) -> absl::Status {
      changed = false;
      ASSIGN_OR_RETURN(auto done, storage::FindRequest(s, network, kMethod, req->request_id()));
      if (done) {
        // Already applied: the actor as it is now, with no second revision or audit event.
        ASSIGN_OR_RETURN(auto name, ParseCoalitionChild("actors", *done, "actor"));
        ASSIGN_OR_RETURN(
            auto current,
            Found(repo_.GetChild<v1::Actor>(s, name.network, name.coalition, name.id), *done));
        *resp = std::move(current.resource);
        return absl::OkStatus();
      }
      RETURN_IF_ERROR(RequireCoalition(s, network, coalition.coalition));
      std::optional<Stored<v1::Actor>> stored;
      v1::Person person;
      if (!req->actor().empty()) {
        ASSIGN_OR_RETURN(auto name, ParseCoalitionChild("actors", req->actor(), "actor"));
        ASSIGN_OR_RETURN(
            stored,
            Found(repo_.GetChild<v1::Actor>(s, network, name.coalition, name.id), req->actor()));
      } else {
        ASSIGN_OR_RETURN(auto name, ParseNetworkChild("people", req->person(), "person"));
        ASSIGN_OR_RETURN(auto found, Found(repo_.GetPerson(s, network, name.id), req->person()));
        person = std::move(found.resource);
        ASSIGN_OR_RETURN(stored,
                         repo_.FindActorBySubject(s, network, coalition.coalition, req->person()));
      }
      const absl::Time now = clock_.Now();
      const bool created = !stored.has_value();
      v1::Actor actor = created ? NewActorForPerson(person) : stored->resource;
      std::string id;
      if (created) {
        id = NewResourceId();
        StampCreated(actor, CoalitionChild(network, coalition.coalition, "actors", id), now);
      } else {
        ASSIGN_OR_RETURN(auto name, ParseCoalitionChild("actors", actor.name(), "actor"));
        id = name.id;
        *actor.mutable_update_time() = ToProtoTimestamp(now);
      }
      const int dropped = MergeActorObservation(actor, *req);
      RETURN_IF_ERROR(ValidateActor(actor, network, "actor"));
      if (created) {
        RETURN_IF_ERROR(repo_.InsertChild(s, network, coalition.coalition, id, actor));
      } else {
        RETURN_IF_ERROR(
            repo_.UpdateChild(s, network, coalition.coalition, id, actor, stored->revision));
      }
      const std::string source = req->source().empty() ? "one-to-one" : req->source();
      RETURN_IF_ERROR(repo_.InsertActorRevision(
          s, network, coalition.coalition, id,
          RevisionOf(actor, created ? 1 : stored->revision + 1,
                     created ? v1::ACTOR_CATEGORY_UNSPECIFIED : stored->resource.category(), now,
                     caller.key, source)));
      RETURN_IF_ERROR(Audit(
          s, caller, ctx, network, kMethod, actor.name(),
          absl::StrCat(created ? "mapped \"" : "updated \"", actor.display_name(),
                       "\" from an observation (", source, ")",
                       dropped > 0 ? absl::StrCat("; ", dropped, " interests over the limit of ",
                                                  kMaxActorInterests, " dropped")
                                   : "")));
      RETURN_IF_ERROR(
          storage::RecordRequest(s, network, kMethod, req->request_id(), actor.name(), now));
      ASSIGN_OR_RETURN(
          auto updated,
          Found(repo_.GetChild<v1::Actor>(s, network, coalition.coalition, id), actor.name()));
      *resp = std::move(updated.resource);
      changed = true;
      return absl::OkStatus();
    }));
    if (changed) cache_.Invalidate(ActorCountsKey(network, coalition.coalition));
    return absl::OkStatus();
  });
}

// ---- The snowflake ----

MembershipService::Reactor* MembershipService::CreateTeam(Ctx* ctx,
                                                          const v1::CreateTeamRequest* req,
                                                          v1::Team* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto parent, ParseCoalitionName(req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kWriteCoalition, parent.network, parent.coalition));
    RETURN_IF_ERROR(ValidateTeam(req->team(), parent.network, parent.coalition, "team"));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          std::string created,
          storage::CreateOnce(
              s, parent.network, "CreateTeam", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                RETURN_IF_ERROR(RequireCoalition(s, parent.network, parent.coalition));
                const std::string id = NewResourceId();
                v1::Team team = req->team();
                StampCreated(team, CoalitionChild(parent.network, parent.coalition, "teams", id),
                             clock_.Now());
                ASSIGN_OR_RETURN(auto teams,
                                 repo_.AllChildren<v1::Team>(s, parent.network, parent.coalition));
                RETURN_IF_ERROR(CheckTeamPlacement(teams, team.name(), team.parent_team()));
                RETURN_IF_ERROR(RequireActiveMembers(s, team, parent.network, parent.coalition));
                RETURN_IF_ERROR(repo_.InsertChild(s, parent.network, parent.coalition, id, team));
                RETURN_IF_ERROR(Audit(s, caller, ctx, parent.network, "CreateTeam", team.name(),
                                      absl::StrCat("formed team \"", team.display_name(), "\"")));
                return team.name();
              }));
      ASSIGN_OR_RETURN(auto n, ParseCoalitionChild("teams", created, "name"));
      const std::string& id = n.id;
      ASSIGN_OR_RETURN(
          auto stored,
          Found(repo_.GetChild<v1::Team>(s, parent.network, parent.coalition, id), id));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::GetTeam(Ctx* ctx, const v1::GetTeamRequest* req,
                                                       v1::Team* resp) {
  return server::FinishUnary(ctx, [=] { return GetChild(ctx, "teams", req->name(), resp); });
}

MembershipService::Reactor* MembershipService::ListTeams(Ctx* ctx, const v1::ListTeamsRequest* req,
                                                         v1::ListTeamsResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto page, ListChildren<v1::Team>(caller, "teams", req->parent(),
                                                       req->page_size(), req->page_token(), "", {},
                                                       resp->mutable_next_page_token()));
    for (auto& t : page.items) *resp->add_teams() = std::move(t);
    return absl::OkStatus();
  });
}

MembershipService::Reactor* MembershipService::UpdateTeam(Ctx* ctx,
                                                          const v1::UpdateTeamRequest* req,
                                                          v1::Team* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseCoalitionChild("teams", req->team().name(), "team.name"));
    RETURN_IF_ERROR(Authorize(caller, Access::kWriteCoalition, name.network, name.coalition));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       Found(repo_.GetChild<v1::Team>(s, name.network, name.coalition, name.id),
                             req->team().name()));
      RETURN_IF_ERROR(CheckEtag(req->team().etag(), req->team().name(), stored.revision));
      v1::Team team = stored.resource;
      RETURN_IF_ERROR(Mask(req->team(), req->update_mask(), kTeamUpdatable, team));
      RETURN_IF_ERROR(ValidateTeam(team, name.network, name.coalition, "team"));
      ASSIGN_OR_RETURN(auto teams, repo_.AllChildren<v1::Team>(s, name.network, name.coalition));
      RETURN_IF_ERROR(CheckTeamPlacement(teams, team.name(), team.parent_team()));
      RETURN_IF_ERROR(RequireActiveMembers(s, team, name.network, name.coalition));
      *team.mutable_update_time() = ToProtoTimestamp(clock_.Now());
      RETURN_IF_ERROR(
          repo_.UpdateChild(s, name.network, name.coalition, name.id, team, stored.revision));
      RETURN_IF_ERROR(Audit(s, caller, ctx, name.network, "UpdateTeam", team.name(),
                            absl::StrCat("updated team \"", team.display_name(), "\"")));
      ASSIGN_OR_RETURN(
          auto updated,
          Found(repo_.GetChild<v1::Team>(s, name.network, name.coalition, name.id), team.name()));
      *resp = std::move(updated.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::DeleteTeam(Ctx* ctx,
                                                          const v1::DeleteTeamRequest* req,
                                                          google::protobuf::Empty*) {
  return server::FinishUnary(ctx, [=] {
    return DeleteChild<v1::Team>(
        ctx, "teams", "DeleteTeam", req->name(), req->etag(),
        [&](Session& s, const CoalitionChildName& name) -> absl::Status {
          ASSIGN_OR_RETURN(auto children, repo_.ListChildren<v1::Team>(
                                              s, name.network, name.coalition,
                                              {{"parent_team", req->name()}}, ListQuery{"", 1}));
          if (!children.items.empty()) {
            return absl::FailedPreconditionError(
                absl::StrCat("the team still has teams under it, e.g. ", children.items[0].name()));
          }
          return absl::OkStatus();
        });
  });
}

MembershipService::Reactor* MembershipService::GetSnowflake(Ctx* ctx,
                                                            const v1::GetSnowflakeRequest* req,
                                                            v1::Snowflake* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto name, ParseCoalitionName(req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kReadCoalition, name.network, name.coalition));
    return db_.Read([&](Session& s) -> absl::Status {
      RETURN_IF_ERROR(RequireCoalition(s, name.network, name.coalition));
      ASSIGN_OR_RETURN(auto teams, repo_.AllChildren<v1::Team>(s, name.network, name.coalition));
      *resp = BuildSnowflake(teams);
      return absl::OkStatus();
    });
  });
}

// ---- Roster import ----

// Checks the caller on the handler executor, authorizes on the first message (which names the
// parent), validates each row as it arrives and keeps only the valid ones, within a size
// limit per import and the process's budget for buffered streams; imports them in one
// transaction on the executor when the stream ends.
class MembershipService::RosterImport final
    : public grpc::ServerReadReactor<v1::ImportRosterRequest> {
 public:
  RosterImport(MembershipService* service, Ctx* ctx, v1::ImportRosterResponse* response)
      : service_(service),
        ctx_(ctx),
        response_(response),
        call_request_id_(server::RequestIdOf(ctx)),
        buffered_(server::BufferedStreamBudget()) {
    // Tells the client at once that the import is accepted (and its x-request-id), before the
    // rows arrive; a long import is then visibly in progress.
    StartSendInitialMetadata();
    if (!server::HandlerExecutor().TrySubmit([this] { AuthenticateThenRead(); })) {
      Finish(ToGrpcStatus(server::BusyError()));
    }
  }

  void OnReadDone(bool ok) override {
    if (!ok) {
      if (first_) {
        Finish(ToGrpcStatus(InvalidField("parent", "the stream sent no message")));
        return;
      }
      if (!server::HandlerExecutor().TrySubmit([this] { Import(); })) {
        Finish(ToGrpcStatus(server::BusyError()));
      }
      return;
    }
    absl::Status status = Accept();
    if (!status.ok()) {
      Finish(ToGrpcStatus(status));
      return;
    }
    StartRead(&request_);
  }

  void OnDone() override { delete this; }

 private:
  void AuthenticateThenRead() {
    absl::StatusOr<Caller> caller = service_->Authenticate(ctx_);
    if (!caller.ok()) {
      Finish(ToGrpcStatus(caller.status()));
      return;
    }
    caller_ = std::move(*caller);
    StartRead(&request_);
  }

  // One message: the parent and permission on the first, then the limits and each row.
  absl::Status Accept() {
    if (first_) {
      first_ = false;
      ASSIGN_OR_RETURN(parent_, ParseCoalitionName(request_.parent(), "parent"));
      RETURN_IF_ERROR(
          Authorize(caller_, Access::kWriteCoalition, parent_.network, parent_.coalition));
      FieldViolations v;
      CheckRequestId(v, request_.request_id());
      RETURN_IF_ERROR(v.ToStatus());
      request_id_ = request_.request_id();
    }
    received_bytes_ += request_.ByteSizeLong();
    if (received_bytes_ > kMaxRosterBytes) {
      return InvalidField("rows", absl::StrCat("an import takes at most ", kMaxRosterBytes >> 20,
                                               " MiB of rows; split the roster"));
    }
    if (rows_received_ + request_.rows_size() > kMaxRosterRows) {
      return InvalidField("rows",
                          absl::StrCat("an import takes at most ", kMaxRosterRows, " rows"));
    }
    for (v1::RosterRow& row : *request_.mutable_rows()) {
      ++rows_received_;
      std::vector<std::string> problems = ValidateRosterRow(row);
      if (!problems.empty()) {
        ++rows_refused_;
        if (response_->errors_size() < kMaxRosterErrorsReported) {
          auto* error = response_->add_errors();
          error->set_row(rows_received_);
          for (auto& p : problems) error->add_field_violations(std::move(p));
        }
        continue;
      }
      row.DiscardUnknownFields();
      if (!buffered_.Grow(row.ByteSizeLong())) {
        return absl::ResourceExhaustedError(
            "the server holds too many roster imports at once; retry later");
      }
      rows_.push_back(std::move(row));
    }
    request_.Clear();
    return absl::OkStatus();
  }

  void Import() {
    response_->set_rows_received(rows_received_);
    response_->set_rows_refused(rows_refused_);
    Finish(ToGrpcStatus(
        service_->ImportRows(caller_, call_request_id_, request_id_, parent_, rows_, response_)));
  }

  MembershipService* service_;
  Ctx* ctx_;
  v1::ImportRosterResponse* response_;
  const std::string call_request_id_;
  Caller caller_;
  v1::ImportRosterRequest request_;
  bool first_ = true;
  CoalitionName parent_;
  std::string request_id_;
  size_t received_bytes_ = 0;
  int rows_received_ = 0;
  int rows_refused_ = 0;
  std::vector<v1::RosterRow> rows_;  // the valid ones
  server::StreamReservation buffered_;
};

grpc::ServerReadReactor<v1::ImportRosterRequest>* MembershipService::ImportRoster(
    Ctx* ctx, v1::ImportRosterResponse* resp) {
  return new RosterImport(this, ctx, resp);
}

absl::Status MembershipService::ImportRows(const Caller& caller, const std::string& call_request_id,
                                           const std::string& request_id,
                                           const CoalitionName& coalition,
                                           const std::vector<v1::RosterRow>& rows,
                                           v1::ImportRosterResponse* response) {
  const std::string& network = coalition.network;
  bool changed = false;
  RETURN_IF_ERROR(db_.Transact([&](Session& s) -> absl::Status {
    // A retried transaction starts the counts again.
    int people_created = 0, memberships_created = 0, unchanged = 0;
    RETURN_IF_ERROR(RequireCoalition(s, network, coalition.coalition));
    const absl::Time now = clock_.Now();
    for (const v1::RosterRow& row : rows) {
      ASSIGN_OR_RETURN(auto person, repo_.FindPersonByEmail(s, network, row.email()));
      std::string person_name;
      if (person) {
        person_name = person->resource.name();
      } else {
        std::string organization_name;
        if (!row.organization_name().empty()) {
          ASSIGN_OR_RETURN(auto org,
                           repo_.FindOrganizationByName(s, network, row.organization_name()));
          if (org) {
            organization_name = org->resource.name();
          } else {
            const std::string org_id = NewResourceId();
            v1::Organization created;
            created.set_display_name(row.organization_name());
            created.set_stakeholder_type(row.stakeholder_type());
            StampCreated(created, NetworkChild(network, "organizations", org_id), now);
            RETURN_IF_ERROR(repo_.InsertOrganization(s, network, org_id, created));
            organization_name = created.name();
          }
        }
        const std::string person_id = NewResourceId();
        v1::Person created;
        created.set_display_name(row.display_name());
        created.set_email(NormalizeEmail(row.email()));
        created.set_phone(row.phone());
        created.set_stakeholder_type(row.stakeholder_type());
        created.set_organization(organization_name);
        StampCreated(created, NetworkChild(network, "people", person_id), now);
        RETURN_IF_ERROR(repo_.InsertPerson(s, network, person_id, created));
        person_name = created.name();
        ++people_created;
      }
      ASSIGN_OR_RETURN(auto existing,
                       repo_.FindMembershipOf(s, network, coalition.coalition, person_name));
      if (existing) {
        ++unchanged;
        continue;
      }
      const std::string membership_id = NewResourceId();
      v1::Membership membership;
      membership.set_member(person_name);
      membership.set_role(row.role());
      StampCreated(membership,
                   CoalitionChild(network, coalition.coalition, "memberships", membership_id), now);
      StartMembership(membership, now);
      RETURN_IF_ERROR(
          repo_.InsertChild(s, network, coalition.coalition, membership_id, membership));
      ++memberships_created;
    }
    response->set_people_created(people_created);
    response->set_memberships_created(memberships_created);
    response->set_rows_unchanged(unchanged);
    // A re-run that changes nothing is no mutation: nothing to audit, no cache to drop.
    changed = people_created + memberships_created > 0;
    if (!changed) return absl::OkStatus();
    coalition::common::v1::AuditEvent event;
    *event.mutable_time() = ToProtoTimestamp(now);
    event.set_actor(caller.key);
    event.set_actor_person(caller.person);
    event.set_method(absl::StrCat(kService, "ImportRoster"));
    event.set_resource(coalition.Name());
    event.set_request_id(call_request_id);
    event.set_summary(absl::StrCat("imported a roster: ", people_created, " people and ",
                                   memberships_created, " memberships created, ", unchanged,
                                   " rows unchanged, ", response->rows_refused(), " rows refused"));
    return storage::AppendAuditEvent(s, network, event);
  }));
  if (changed) InvalidateRoster(network, coalition.coalition);
  return absl::OkStatus();
}

// ---- For the other services ----

MembershipService::Reactor* MembershipService::CheckMembership(
    Ctx* ctx, const v1::CheckMembershipRequest* req, v1::CheckMembershipResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto coalition, ParseCoalitionName(req->coalition(), "coalition"));
    ASSIGN_OR_RETURN(auto person, ParseNetworkChild("people", req->person(), "person"));
    if (person.network != coalition.network) {
      return InvalidField("person", "must be in the coalition's network");
    }
    RETURN_IF_ERROR(
        Authorize(caller, Access::kReadCoalition, coalition.network, coalition.coalition));
    // One indexed read: cheaper than any cache (docs/architecture.md#cache).
    return db_.Read([&](Session& s) -> absl::Status {
      RETURN_IF_ERROR(RequireCoalition(s, coalition.network, coalition.coalition));
      ASSIGN_OR_RETURN(auto membership, repo_.FindMembershipOf(s, coalition.network,
                                                               coalition.coalition, req->person()));
      if (membership) {
        resp->set_active(membership->resource.state() == v1::Membership::ACTIVE);
        resp->set_role(membership->resource.role());
        resp->set_membership(membership->resource.name());
      }
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::BatchGetPeople(Ctx* ctx,
                                                              const v1::BatchGetPeopleRequest* req,
                                                              v1::BatchGetPeopleResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto parent, ParseNetworkName(req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kReadDirectory, parent.network));
    FieldViolations v;
    const int names = LimitItems(v, "names", req->names_size(), kMaxBatchGet);
    std::vector<std::string> ids;
    for (int i = 0; i < names; ++i) {
      const std::string field = absl::StrCat("names[", i, "]");
      auto name = ParseNetworkChild("people", req->names(i), field);
      if (!name.ok()) {
        v.Add(field, "must look like \"networks/{network}/people/{person}\"");
      } else if (name->network != parent.network) {
        v.Add(field, "must be in the parent network");
      } else {
        ids.push_back(name->id);
      }
    }
    RETURN_IF_ERROR(v.ToStatus());
    return db_.Read([&](Session& s) -> absl::Status {
      for (size_t i = 0; i < ids.size(); ++i) {
        ASSIGN_OR_RETURN(auto stored,
                         Found(repo_.GetPerson(s, parent.network, ids[i]), req->names(i)));
        *resp->add_people() = std::move(stored.resource);
      }
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::ListEligibleMembers(
    Ctx* ctx, const v1::ListEligibleMembersRequest* req, v1::ListEligibleMembersResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto coalition, ParseCoalitionName(req->coalition(), "coalition"));
    RETURN_IF_ERROR(
        Authorize(caller, Access::kReadCoalition, coalition.network, coalition.coalition));
    FieldViolations v;
    absl::flat_hash_set<int> roles;
    const int role_count = LimitItems(v, "roles", req->roles_size(), kMaxRoleFilters);
    for (int i = 0; i < role_count; ++i) {
      if (req->roles(i) == v1::MEMBERSHIP_ROLE_UNSPECIFIED ||
          !v1::MembershipRole_IsValid(req->roles(i))) {
        v.Add(absl::StrCat("roles[", i, "]"), "is not a known role");
      }
      roles.insert(req->roles(i));
    }
    RETURN_IF_ERROR(v.ToStatus());
    const absl::Time as_of = req->has_as_of() ? FromProtoTimestamp(req->as_of()) : clock_.Now();
    ASSIGN_OR_RETURN(auto roster, Roster(coalition.network, coalition.coalition));
    std::vector<v1::ListEligibleMembersResponse::EligibleMember> eligible;
    for (const v1::Membership& m : roster) {
      if (!ParseNetworkChild("people", m.member(), "member").ok()) continue;
      std::optional<v1::MembershipRole> role = RoleAt(m, as_of);
      if (!role || (!roles.empty() && !roles.contains(*role))) continue;
      v1::ListEligibleMembersResponse::EligibleMember member;
      member.set_person(m.member());
      member.set_role(*role);
      eligible.push_back(std::move(member));
    }
    std::sort(eligible.begin(), eligible.end(),
              [](const auto& a, const auto& b) { return a.person() < b.person(); });
    for (auto& member : eligible) *resp->add_members() = std::move(member);
    return absl::OkStatus();
  });
}

MembershipService::Reactor* MembershipService::ListAuditEvents(
    Ctx* ctx, const v1::ListAuditEventsRequest* req, v1::ListAuditEventsResponse* resp) {
  return server::FinishUnary(ctx, [=]() -> absl::Status {
    ASSIGN_OR_RETURN(Caller caller, Authenticate(ctx));
    ASSIGN_OR_RETURN(auto parent, ParseNetworkName(req->parent(), "parent"));
    RETURN_IF_ERROR(Authorize(caller, Access::kAdminNetwork, parent.network));
    FieldViolations v;
    LimitText(v, "resource_prefix", req->resource_prefix(), 500);
    RETURN_IF_ERROR(v.ToStatus());
    const std::string query = absl::StrCat("audit|", req->parent(), "|", req->resource_prefix());
    ASSIGN_OR_RETURN(ListQuery q, PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page,
                       storage::ListAuditEvents(s, parent.network, req->resource_prefix(),
                                                q.after_key, q.page_size));
      for (auto& e : page.events) *resp->add_audit_events() = std::move(e);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

}  // namespace coalition::membership
