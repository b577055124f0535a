// The campaign, accomplishment and audit RPCs of MeetingsService.
#include <map>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/etag.h"
#include "libs/core/field_mask.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validation.h"
#include "libs/storage/platform_tables.h"
#include "services/meetings/domain/campaigns.h"
#include "services/meetings/domain/validation.h"
#include "services/meetings/meetings_service.h"

namespace coalition::meetings {

using server::CreateOnceThenGet;
using server::ExistingAtEtag;
using server::ExistingOrNotFound;
using server::NextToken;
using server::PageOf;
using server::Patched;
using server::StampCreated;
using storage::Session;

namespace {

const std::vector<std::string> kCampaignUpdatable = {
    "display_name",        "mountain_top_goal", "aim",
    "strong_foundation",   "kick_off_meeting",  "peak_goals",
    "celebration_meeting", "celebration_date"};

// Whether a coalition resource of this service exists, by its full name.
absl::StatusOr<bool> Exists(Session& s, absl::string_view name) {
  for (absl::string_view collection : {"meetings", "commitments", "campaigns"}) {
    auto parsed = ParseCoalitionChild(collection, name, "name");
    if (!parsed.ok()) continue;
    const auto& [network, coalition, id] = *parsed;
    if (collection == "meetings") {
      ASSIGN_OR_RETURN(auto found, Meetings::Get(s, network, coalition, id));
      return found.has_value();
    }
    if (collection == "commitments") {
      ASSIGN_OR_RETURN(auto found, Commitments::Get(s, network, coalition, id));
      return found.has_value();
    }
    ASSIGN_OR_RETURN(auto found, Campaigns::Get(s, network, coalition, id));
    return found.has_value();
  }
  return false;
}

}  // namespace

absl::Status MeetingsService::CheckCampaignRefs(Session& s, const CoalitionName&,
                                                const v1::Campaign& campaign) {
  FieldViolations v;
  for (const auto& [field, name] :
       {std::pair<std::string, std::string>{"campaign.kick_off_meeting",
                                            campaign.kick_off_meeting()},
        {"campaign.celebration_meeting", campaign.celebration_meeting()}}) {
    if (name.empty()) continue;
    ASSIGN_OR_RETURN(bool found, Exists(s, name));
    if (!found) v.Add(field, "does not exist");
  }
  for (int g = 0; g < campaign.peak_goals_size(); ++g) {
    const v1::PeakGoal& goal = campaign.peak_goals(g);
    for (int t = 0; t < goal.tactics_size(); ++t) {
      const v1::Tactic& tactic = goal.tactics(t);
      for (int c = 0; c < tactic.commitments_size(); ++c) {
        ASSIGN_OR_RETURN(bool found, Exists(s, tactic.commitments(c).commitment()));
        if (!found) {
          v.Add(absl::StrCat("campaign.peak_goals[", g, "].tactics[", t, "].commitments[", c,
                             "].commitment"),
                "does not exist");
        }
      }
    }
  }
  return v.ToStatus();
}

absl::Status MeetingsService::RollUp(Session& s, const CoalitionName&, v1::Campaign& campaign) {
  std::map<std::string, v1::Commitment::Status> statuses;
  for (const v1::PeakGoal& goal : campaign.peak_goals()) {
    for (const v1::Tactic& tactic : goal.tactics()) {
      for (const v1::TacticCommitment& tc : tactic.commitments()) {
        if (statuses.count(tc.commitment()) > 0) continue;
        auto name = ParseCoalitionChild("commitments", tc.commitment(), "commitment");
        if (!name.ok()) continue;
        ASSIGN_OR_RETURN(auto found, Commitments::Get(s, name->network, name->coalition, name->id));
        if (found) statuses[tc.commitment()] = found->resource.status();
      }
    }
  }
  RollUpCampaignProgress(campaign, statuses);
  return absl::OkStatus();
}

MeetingsService::Reactor* MeetingsService::CreateCampaign(Ctx* ctx,
                                                          const v1::CreateCampaignRequest* req,
                                                          v1::Campaign* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    v1::Campaign campaign = req->campaign();
    RETURN_IF_ERROR(ValidateCampaign(campaign, parent.network, parent.coalition, "campaign"));
    RETURN_IF_ERROR(RequireAim(campaign.aim()));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          *resp,
          CreateOnceThenGet<v1::Campaign>(
              s, parent.network, "CreateCampaign", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                RETURN_IF_ERROR(CheckCampaignRefs(s, parent, campaign));
                const std::string id = NewResourceId();
                StampCreated(campaign,
                             CoalitionChild(parent.network, parent.coalition, "campaigns", id),
                             clock_.Now());
                RETURN_IF_ERROR(
                    Campaigns::Insert(s, parent.network, parent.coalition, id, campaign));
                RETURN_IF_ERROR(call.Audit(
                    s, campaign.name(), absl::StrCat("created \"", campaign.display_name(), "\""),
                    clock_.Now()));
                return campaign.name();
              },
              [&](const std::string& created) { return Campaigns::GetNamed(s, created); }));
      return RollUp(s, parent, *resp);
    });
  });
}

absl::Status MeetingsService::RequireAim(const std::string& aim) {
  if (aim.empty()) return absl::OkStatus();
  absl::Status found = membership_.GetMeasurableAim(aim).status();
  if (absl::IsNotFound(found)) return InvalidField("campaign.aim", "does not exist");
  return found;
}

MeetingsService::Reactor* MeetingsService::GetCampaign(Ctx* ctx, const v1::GetCampaignRequest* req,
                                                       v1::Campaign* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       ExistingOrNotFound(Campaigns::Get(s, name.network, name.coalition, name.id),
                                          req->name()));
      RETURN_IF_ERROR(RollUp(s, name.Coalition(), stored.resource));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MeetingsService::Reactor* MeetingsService::ListCampaigns(Ctx* ctx,
                                                         const v1::ListCampaignsRequest* req,
                                                         v1::ListCampaignsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    const std::string query = absl::StrCat("ListCampaigns/", req->parent());
    ASSIGN_OR_RETURN(storage::ListQuery q,
                     PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page, Campaigns::List(s, parent.network, parent.coalition, {}, q));
      for (v1::Campaign& campaign : page.items) {
        RETURN_IF_ERROR(RollUp(s, parent, campaign));
        *resp->add_campaigns() = std::move(campaign);
      }
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MeetingsService::Reactor* MeetingsService::UpdateCampaign(Ctx* ctx,
                                                          const v1::UpdateCampaignRequest* req,
                                                          v1::Campaign* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    ASSIGN_OR_RETURN(std::vector<std::string> paths,
                     EffectiveUpdatePaths(req->campaign(), req->update_mask(), kCampaignUpdatable));
    if (std::find(paths.begin(), paths.end(), "aim") != paths.end()) {
      FieldViolations v;
      CheckCoalitionRef(v, "campaign.aim", req->campaign().aim(), "aims", name.network,
                        name.coalition, false);
      RETURN_IF_ERROR(v.ToStatus());
      RETURN_IF_ERROR(RequireAim(req->campaign().aim()));
    }
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       ExistingAtEtag(Campaigns::Get(s, name.network, name.coalition, name.id),
                                      req->campaign().name(), req->campaign().etag()));
      ASSIGN_OR_RETURN(v1::Campaign campaign,
                       Patched(stored.resource, req->campaign(), req->update_mask(),
                               kCampaignUpdatable, clock_.Now()));
      RETURN_IF_ERROR(ValidateCampaign(campaign, name.network, name.coalition, "campaign"));
      RETURN_IF_ERROR(CheckCampaignRefs(s, name.Coalition(), campaign));
      ASSIGN_OR_RETURN(*resp, Campaigns::Update(s, name.network, name.coalition, name.id, campaign,
                                                stored.revision));
      RETURN_IF_ERROR(call.Audit(
          s, campaign.name(), absl::StrCat("updated ", absl::StrJoin(paths, ", ")), clock_.Now()));
      return RollUp(s, name.Coalition(), *resp);
    });
  });
}

MeetingsService::Reactor* MeetingsService::DeleteCampaign(Ctx* ctx,
                                                          const v1::DeleteCampaignRequest* req,
                                                          google::protobuf::Empty*) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       ExistingAtEtag(Campaigns::Get(s, name.network, name.coalition, name.id),
                                      req->name(), req->etag()));
      RETURN_IF_ERROR(Campaigns::Delete(s, name.network, name.coalition, name.id));
      return call.Audit(s, req->name(),
                        absl::StrCat("deleted \"", stored.resource.display_name(), "\""),
                        clock_.Now());
    });
  });
}

MeetingsService::Reactor* MeetingsService::CreateAccomplishment(
    Ctx* ctx, const v1::CreateAccomplishmentRequest* req, v1::Accomplishment* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    v1::Accomplishment accomplishment = req->accomplishment();
    RETURN_IF_ERROR(
        ValidateAccomplishment(accomplishment, parent.network, parent.coalition, "accomplishment"));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          *resp,
          CreateOnceThenGet<v1::Accomplishment>(
              s, parent.network, "CreateAccomplishment", req->request_id(), req->parent(),
              clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                if (!accomplishment.source().empty()) {
                  ASSIGN_OR_RETURN(bool found, Exists(s, accomplishment.source()));
                  if (!found) return InvalidField("accomplishment.source", "does not exist");
                }
                const std::string id = NewResourceId();
                accomplishment.set_name(
                    CoalitionChild(parent.network, parent.coalition, "accomplishments", id));
                *accomplishment.mutable_create_time() = ToProtoTimestamp(clock_.Now());
                RETURN_IF_ERROR(Accomplishments::Insert(s, parent.network, parent.coalition, id,
                                                        accomplishment));
                RETURN_IF_ERROR(call.Audit(
                    s, accomplishment.name(),
                    absl::StrCat("celebrated \"", accomplishment.title(), "\""), clock_.Now()));
                return accomplishment.name();
              },
              [&](const std::string& created) { return Accomplishments::GetNamed(s, created); }));
      return absl::OkStatus();
    });
  });
}

MeetingsService::Reactor* MeetingsService::ListAccomplishments(
    Ctx* ctx, const v1::ListAccomplishmentsRequest* req, v1::ListAccomplishmentsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    const std::string query = absl::StrCat("ListAccomplishments/", req->parent());
    ASSIGN_OR_RETURN(storage::ListQuery q,
                     PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    q.descending = true;
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page,
                       Accomplishments::List(s, parent.network, parent.coalition, {}, q));
      for (v1::Accomplishment& a : page.items) *resp->add_accomplishments() = std::move(a);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MeetingsService::Reactor* MeetingsService::ListAuditEvents(Ctx* ctx,
                                                           const v1::ListAuditEventsRequest* req,
                                                           v1::ListAuditEventsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) {
    return server::AnswerListAuditEvents(db_, page_tokens_, call.scope().network, *req, resp);
  });
}

}  // namespace coalition::meetings
