// Networks and their API keys.
#include "services/membership/membership_service.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
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
#include "libs/server/standard_methods.h"
#include "libs/server/stream_budget.h"
#include "libs/storage/platform_tables.h"
#include "services/membership/access_rules.h"
#include "services/membership/api_keys.h"
#include "services/membership/child_resources.h"
#include "services/membership/domain/rules.h"
#include "services/membership/domain/validation.h"

namespace coalition::membership {
namespace {

// The fields clients may change (AIP-134); the rest are output only or immutable.
const std::vector<std::string> kNetworkUpdatable = {"display_name", "states"};

}  // namespace

MembershipService::Reactor* MembershipService::CreateNetwork(Ctx* ctx,
                                                             const v1::CreateNetworkRequest* req,
                                                             v1::Network* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    RETURN_IF_ERROR(ValidateNetwork(req->network(), "network"));
    return db_.Transact([&](Session& s) -> absl::Status {
      // Networks have no parent: their request ids are kept under the platform ("").
      ASSIGN_OR_RETURN(
          *resp,
          CreateOnceThenGet<v1::Network>(
              s, "", "CreateNetwork", req->request_id(), "", clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                const std::string id = NewResourceId();
                v1::Network network = req->network();
                StampCreated(network, NetworkName{id}.Name(), clock_.Now());
                RETURN_IF_ERROR(repo_.InsertNetwork(s, id, network));
                RETURN_IF_ERROR(
                    call.Audit(s, network.name(),
                               absl::StrCat("created network \"", network.display_name(), "\""),
                               clock_.Now()));
                return network.name();
              },
              [&](const std::string& created) { return repo_.GetNamedNetwork(s, created); }));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::GetNetwork(Ctx* ctx,
                                                          const v1::GetNetworkRequest* req,
                                                          v1::Network* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkName name = call.scope().Network();
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       ExistingOrNotFound(repo_.GetNetwork(s, name.network), req->name()));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::ListNetworks(Ctx* ctx,
                                                            const v1::ListNetworksRequest* req,
                                                            v1::ListNetworksResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const std::string& network = call.scope().network;  // the caller's own
    const std::string query = absl::StrCat("networks|", network);
    ASSIGN_OR_RETURN(ListQuery q, PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page, repo_.ListNetworks(s, q, network));
      for (auto& network : page.items) *resp->add_networks() = std::move(network);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::UpdateNetwork(Ctx* ctx,
                                                             const v1::UpdateNetworkRequest* req,
                                                             v1::Network* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkName name = call.scope().Network();
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored, ExistingAtEtag(repo_.GetNetwork(s, name.network), name.Name(),
                                                   req->network().etag()));
      ASSIGN_OR_RETURN(v1::Network network,
                       Patched(stored.resource, req->network(), req->update_mask(),
                               kNetworkUpdatable, clock_.Now()));
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
      ASSIGN_OR_RETURN(*resp, repo_.UpdateNetwork(s, name.network, network, stored.revision));
      return call.Audit(s, name.Name(), "updated the network", clock_.Now());
    });
  });
}

MembershipService::Reactor* MembershipService::CreateApiKey(Ctx* ctx,
                                                            const v1::CreateApiKeyRequest* req,
                                                            v1::CreateApiKeyResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkName parent = call.scope().Network();
    RETURN_IF_ERROR(ValidateApiKey(req->api_key(), parent.network, "api_key", clock_.Now()));
    return db_.Transact([&](Session& s) -> absl::Status {
      // The secret is never stored, so a retried create cannot show it again.
      std::string secret;
      ASSIGN_OR_RETURN(
          std::string created,
          storage::CreateOnce(
              s, parent.network, "CreateApiKey", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                ASSIGN_OR_RETURN(
                    auto network,
                    ExistingOrNotFound(repo_.GetNetwork(s, parent.network), parent.Name()));
                for (int i = 0; i < req->api_key().coalitions_size(); ++i) {
                  ASSIGN_OR_RETURN(auto c,
                                   ParseCoalitionName(req->api_key().coalitions(i), "coalitions"));
                  ASSIGN_OR_RETURN(auto found, Coalitions::Get(s, c.network, c.coalition));
                  if (!found) {
                    return InvalidField(absl::StrCat("api_key.coalitions[", i, "]"),
                                        "does not exist");
                  }
                }
                if (!req->api_key().person().empty()) {
                  ASSIGN_OR_RETURN(auto p,
                                   ParseNetworkChild("people", req->api_key().person(), "person"));
                  ASSIGN_OR_RETURN(auto person, People::Get(s, p.network, p.id));
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
                    call.Audit(s, key.name(),
                               absl::StrCat("created a ",
                                            coalition::common::v1::Role_Name(key.role()), " key"),
                               clock_.Now()));
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
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    // An empty parent lists the platform's own keys (network ""): platform admins only.
    const NetworkName parent = call.scope().Network();
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
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const ApiKeyName name{call.scope().network, call.scope().id};
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(*resp,
                       RevokeStoredApiKey(s, repo_, name, clock_.Now(), [&](const v1::ApiKey& key) {
                         return call.Audit(s, key.name(), "revoked the key", clock_.Now());
                       }));
      return absl::OkStatus();
    });
  });
}

}  // namespace coalition::membership
