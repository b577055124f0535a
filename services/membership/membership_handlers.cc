// Memberships of coalitions, with their history of roles.
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
const std::vector<std::string> kMembershipUpdatable = {"role"};

}  // namespace

MembershipService::Reactor* MembershipService::CreateMembership(
    Ctx* ctx, const v1::CreateMembershipRequest* req, v1::Membership* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    RETURN_IF_ERROR(ValidateNewMembership(req->membership(), parent.network, "membership"));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          *resp,
          CreateOnceThenGet<v1::Membership>(
              s, parent.network, "CreateMembership", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                RETURN_IF_ERROR(RequireCoalition(s, parent.network, parent.coalition));
                const std::string& member = req->membership().member();
                auto person = ParseNetworkChild("people", member, "membership.member");
                bool exists = false;
                if (person.ok()) {
                  ASSIGN_OR_RETURN(auto found, People::Get(s, person->network, person->id));
                  exists = found.has_value();
                } else {
                  ASSIGN_OR_RETURN(auto o,
                                   ParseNetworkChild("organizations", member, "membership.member"));
                  ASSIGN_OR_RETURN(auto found, Organizations::Get(s, o.network, o.id));
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
                    Memberships::Insert(s, parent.network, parent.coalition, id, membership));
                RETURN_IF_ERROR(call.Audit(
                    s, membership.name(),
                    absl::StrCat(member, " joined as ", v1::MembershipRole_Name(membership.role())),
                    clock_.Now()));
                DropCachedRosterOnCommit(s, parent.network, parent.coalition);
                return membership.name();
              },
              [&](const std::string& created) { return Memberships::GetNamed(s, created); }));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::GetMembership(Ctx* ctx,
                                                             const v1::GetMembershipRequest* req,
                                                             v1::Membership* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) {
    return server::GetInCoalition<Memberships>(db_, call.scope(), resp);
  });
}

MembershipService::Reactor* MembershipService::ListMemberships(
    Ctx* ctx, const v1::ListMembershipsRequest* req, v1::ListMembershipsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    FieldViolations v;
    if (!v1::MembershipRole_IsValid(req->role())) v.Add("role", "is not a known value");
    if (!v1::Membership::State_IsValid(req->state())) v.Add("state", "is not a known value");
    RETURN_IF_ERROR(v.ToStatus());
    storage::Columns filters;
    if (req->role() != v1::MEMBERSHIP_ROLE_UNSPECIFIED) {
      filters.emplace_back("role", int64_t{req->role()});
    }
    if (req->state() != v1::Membership::STATE_UNSPECIFIED) {
      filters.emplace_back("state", int64_t{req->state()});
    }
    ASSIGN_OR_RETURN(auto memberships, ListChildren<Memberships>(
                                           call, req->parent(), req->page_size(), req->page_token(),
                                           absl::StrCat(req->role(), "|", req->state()), filters,
                                           resp->mutable_next_page_token()));
    for (auto& m : memberships) *resp->add_memberships() = std::move(m);
    return absl::OkStatus();
  });
}

absl::Status MembershipService::ChangeMembership(
    const server::Call& call, const std::string& etag,
    absl::FunctionRef<absl::StatusOr<std::string>(v1::Membership&)> change, v1::Membership* resp) {
  const CoalitionChildName name = call.scope().InCoalition();
  const std::string resource = CoalitionChild(name.network, name.coalition, "memberships", name.id);
  return db_.Transact([&](Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(
        auto stored,
        ExistingAtEtag(Memberships::Get(s, name.network, name.coalition, name.id), resource, etag));
    v1::Membership membership = stored.resource;
    ASSIGN_OR_RETURN(std::string summary, change(membership));
    *membership.mutable_update_time() = ToProtoTimestamp(clock_.Now());
    ASSIGN_OR_RETURN(*resp, Memberships::Update(s, name.network, name.coalition, name.id,
                                                membership, stored.revision));
    DropCachedRosterOnCommit(s, name.network, name.coalition);
    return call.Audit(s, resource, summary, clock_.Now());
  });
}

MembershipService::Reactor* MembershipService::UpdateMembership(
    Ctx* ctx, const v1::UpdateMembershipRequest* req, v1::Membership* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    return ChangeMembership(
        call, req->membership().etag(),
        [&](v1::Membership& membership) -> absl::StatusOr<std::string> {
          v1::Membership patched = membership;
          RETURN_IF_ERROR(ApplyFieldMask(req->membership(), req->update_mask(),
                                         kMembershipUpdatable, &patched));
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
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    FieldViolations v;
    LimitText(v, "note", req->note(), kMaxTextLength);
    RETURN_IF_ERROR(v.ToStatus());
    return ChangeMembership(
        call, req->etag(),
        [&](v1::Membership& membership) -> absl::StatusOr<std::string> {
          RETURN_IF_ERROR(LeaveMembership(membership, clock_.Now(), req->note()));
          return absl::StrCat(membership.member(), " left");
        },
        resp);
  });
}

MembershipService::Reactor* MembershipService::RejoinCoalition(
    Ctx* ctx, const v1::RejoinCoalitionRequest* req, v1::Membership* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    FieldViolations v;
    LimitText(v, "note", req->note(), kMaxTextLength);
    if (!v1::MembershipRole_IsValid(req->role())) v.Add("role", "is not a known value");
    RETURN_IF_ERROR(v.ToStatus());
    return ChangeMembership(
        call, req->etag(),
        [&](v1::Membership& membership) -> absl::StatusOr<std::string> {
          RETURN_IF_ERROR(RejoinMembership(membership, req->role(), clock_.Now(), req->note()));
          return absl::StrCat(membership.member(), " rejoined");
        },
        resp);
  });
}

MembershipService::Reactor* MembershipService::ListPersonCoalitions(
    Ctx* ctx, const v1::ListPersonCoalitionsRequest* req, v1::ListPersonCoalitionsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkChildName person = call.scope().InNetwork();
    const std::vector<std::string>* visible = call.visible_coalitions();
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          auto found, ExistingOrNotFound(People::Get(s, person.network, person.id), req->person()));
      ASSIGN_OR_RETURN(auto memberships,
                       repo_.MembershipsOfMember(s, person.network, req->person()));
      int active = 0;
      for (auto& m : memberships) {
        if (visible != nullptr) {
          ASSIGN_OR_RETURN(auto in, ParseCoalitionChild("memberships", m.name(), "membership"));
          if (!call.caller().HasCoalition(in.coalition)) continue;  // `visible` is the key's scope
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

}  // namespace coalition::membership
