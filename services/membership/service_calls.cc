// What the other services ask membership, and the audit log.
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
MembershipService::Reactor* MembershipService::IntrospectApiKey(
    Ctx* ctx, const v1::IntrospectApiKeyRequest* req, v1::IntrospectApiKeyResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    if (req->secret().empty()) return InvalidField("secret", "is required");
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       repo_.FindApiKeyByHash(s, auth::HashApiKeySecret(req->secret())));
      // A network's service account sees only keys of its own network, others look like unknown
      // keys; a platform service account (meetings-server, ...) sees the keys of every network.
      if (!stored ||
          !auth::Authorize(call.caller(), Access::kServiceCall, stored->network_id).ok()) {
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

MembershipService::Reactor* MembershipService::CheckMembership(
    Ctx* ctx, const v1::CheckMembershipRequest* req, v1::CheckMembershipResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName coalition = call.scope().Coalition();
    ASSIGN_OR_RETURN(auto person, ParseNetworkChild("people", req->person(), "person"));
    if (person.network != coalition.network) {
      return InvalidField("person", "must be in the coalition's network");
    }
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
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkName parent = call.scope().Network();
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
                         ExistingOrNotFound(People::Get(s, parent.network, ids[i]), req->names(i)));
        *resp->add_people() = std::move(stored.resource);
      }
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::ListEligibleMembers(
    Ctx* ctx, const v1::ListEligibleMembersRequest* req, v1::ListEligibleMembersResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName coalition = call.scope().Coalition();
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
  return rpc_.Unary(ctx, req, [=](const server::Call& call) {
    return server::AnswerListAuditEvents(db_, page_tokens_, call.scope().network, *req, resp);
  });
}

}  // namespace coalition::membership
