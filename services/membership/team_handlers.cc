// The snowflake: a coalition's teams.
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
const std::vector<std::string> kTeamUpdatable = {"display_name", "purpose", "parent_team", "leads",
                                                 "members"};

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

MembershipService::Reactor* MembershipService::CreateTeam(Ctx* ctx,
                                                          const v1::CreateTeamRequest* req,
                                                          v1::Team* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    RETURN_IF_ERROR(ValidateTeam(req->team(), parent.network, parent.coalition, "team"));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          *resp,
          CreateOnceThenGet<v1::Team>(
              s, parent.network, "CreateTeam", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                RETURN_IF_ERROR(RequireCoalition(s, parent.network, parent.coalition));
                const std::string id = NewResourceId();
                v1::Team team = req->team();
                StampCreated(team, CoalitionChild(parent.network, parent.coalition, "teams", id),
                             clock_.Now());
                ASSIGN_OR_RETURN(auto teams, Teams::All(s, parent.network, parent.coalition));
                RETURN_IF_ERROR(CheckTeamPlacement(teams, team.name(), team.parent_team()));
                RETURN_IF_ERROR(RequireActiveMembers(s, team, parent.network, parent.coalition));
                RETURN_IF_ERROR(Teams::Insert(s, parent.network, parent.coalition, id, team));
                RETURN_IF_ERROR(call.Audit(
                    s, team.name(), absl::StrCat("formed team \"", team.display_name(), "\""),
                    clock_.Now()));
                return team.name();
              },
              [&](const std::string& created) { return Teams::GetNamed(s, created); }));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::GetTeam(Ctx* ctx, const v1::GetTeamRequest* req,
                                                       v1::Team* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) {
    return server::GetInCoalition<Teams>(db_, call.scope(), resp);
  });
}

MembershipService::Reactor* MembershipService::ListTeams(Ctx* ctx, const v1::ListTeamsRequest* req,
                                                         v1::ListTeamsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    ASSIGN_OR_RETURN(auto teams,
                     ListChildren<Teams>(call, req->parent(), req->page_size(), req->page_token(),
                                         "", {}, resp->mutable_next_page_token()));
    for (auto& t : teams) *resp->add_teams() = std::move(t);
    return absl::OkStatus();
  });
}

MembershipService::Reactor* MembershipService::UpdateTeam(Ctx* ctx,
                                                          const v1::UpdateTeamRequest* req,
                                                          v1::Team* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       ExistingAtEtag(Teams::Get(s, name.network, name.coalition, name.id),
                                      req->team().name(), req->team().etag()));
      ASSIGN_OR_RETURN(v1::Team team, Patched(stored.resource, req->team(), req->update_mask(),
                                              kTeamUpdatable, clock_.Now()));
      RETURN_IF_ERROR(ValidateTeam(team, name.network, name.coalition, "team"));
      ASSIGN_OR_RETURN(auto teams, Teams::All(s, name.network, name.coalition));
      RETURN_IF_ERROR(CheckTeamPlacement(teams, team.name(), team.parent_team()));
      RETURN_IF_ERROR(RequireActiveMembers(s, team, name.network, name.coalition));
      ASSIGN_OR_RETURN(
          *resp, Teams::Update(s, name.network, name.coalition, name.id, team, stored.revision));
      return call.Audit(s, team.name(), absl::StrCat("updated team \"", team.display_name(), "\""),
                        clock_.Now());
    });
  });
}

MembershipService::Reactor* MembershipService::DeleteTeam(Ctx* ctx,
                                                          const v1::DeleteTeamRequest* req,
                                                          google::protobuf::Empty*) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) {
    return DeleteChild<Teams>(
        call, req->etag(), [&](Session& s, const CoalitionChildName& name) -> absl::Status {
          ASSIGN_OR_RETURN(auto children,
                           Teams::List(s, name.network, name.coalition,
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
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName name = call.scope().Coalition();
    return db_.Read([&](Session& s) -> absl::Status {
      RETURN_IF_ERROR(RequireCoalition(s, name.network, name.coalition));
      ASSIGN_OR_RETURN(auto teams, Teams::All(s, name.network, name.coalition));
      *resp = BuildSnowflake(teams);
      return absl::OkStatus();
    });
  });
}

}  // namespace coalition::membership
