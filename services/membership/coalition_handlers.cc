// Coalitions and their measurable aims.
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
const std::vector<std::string> kCoalitionUpdatable = {
    "display_name", "state", "region", "status", "organizing_sentence", "default_norms"};
const std::vector<std::string> kAimUpdatable = {"metric", "unit",          "baseline",
                                                "target", "current_value", "due_date"};

void SetAimProgress(v1::MeasurableAim& aim) {
  aim.set_progress(AimProgress(aim.baseline(), aim.target(), aim.current_value()));
}

}  // namespace

MembershipService::Reactor* MembershipService::CreateCoalition(
    Ctx* ctx, const v1::CreateCoalitionRequest* req, v1::Coalition* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkName parent = call.scope().Network();
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          *resp,
          CreateOnceThenGet<v1::Coalition>(
              s, parent.network, "CreateCoalition", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                ASSIGN_OR_RETURN(
                    auto network,
                    ExistingOrNotFound(repo_.GetNetwork(s, parent.network), parent.Name()));
                RETURN_IF_ERROR(ValidateCoalition(req->coalition(), network.resource, "coalition"));
                const std::string id = NewResourceId();
                v1::Coalition coalition = req->coalition();
                StampCreated(coalition, CoalitionName{parent.network, id}.Name(), clock_.Now());
                if (coalition.status() == v1::COALITION_STATUS_UNSPECIFIED) {
                  coalition.set_status(v1::FORMING);
                }
                RETURN_IF_ERROR(Coalitions::Insert(s, parent.network, id, coalition));
                RETURN_IF_ERROR(
                    call.Audit(s, coalition.name(),
                               absl::StrCat("created coalition \"", coalition.display_name(), "\""),
                               clock_.Now()));
                return coalition.name();
              },
              [&](const std::string& created) { return Coalitions::GetNamed(s, created); }));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::GetCoalition(Ctx* ctx,
                                                            const v1::GetCoalitionRequest* req,
                                                            v1::Coalition* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName name = call.scope().Coalition();
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          auto stored,
          ExistingOrNotFound(Coalitions::Get(s, name.network, name.coalition), req->name()));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::ListCoalitions(Ctx* ctx,
                                                              const v1::ListCoalitionsRequest* req,
                                                              v1::ListCoalitionsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkName parent = call.scope().Network();
    FieldViolations v;
    if (!req->state().empty() && !IsUsJurisdictionCode(req->state())) {
      v.Add("state", "must be a two-letter US state or territory code");
    }
    if (!v1::CoalitionStatus_IsValid(req->status())) v.Add("status", "is not a known value");
    LimitText(v, "region", req->region(), kMaxNameLength);
    RETURN_IF_ERROR(v.ToStatus());
    // Conveners and members see only the coalitions their key is scoped to.
    const Caller& caller = call.caller();
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
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName name = call.scope().Coalition();
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored, ExistingAtEtag(Coalitions::Get(s, name.network, name.coalition),
                                                   name.Name(), req->coalition().etag()));
      ASSIGN_OR_RETURN(v1::Coalition coalition,
                       Patched(stored.resource, req->coalition(), req->update_mask(),
                               kCoalitionUpdatable, clock_.Now()));
      if (coalition.status() == v1::COALITION_STATUS_UNSPECIFIED) {
        return InvalidField("coalition.status", "cannot be unset");
      }
      ASSIGN_OR_RETURN(auto network,
                       ExistingOrNotFound(repo_.GetNetwork(s, name.network), name.network));
      RETURN_IF_ERROR(ValidateCoalition(coalition, network.resource, "coalition"));
      ASSIGN_OR_RETURN(
          *resp, Coalitions::Update(s, name.network, name.coalition, coalition, stored.revision));
      return call.Audit(s, name.Name(), "updated the coalition", clock_.Now());
    });
  });
}

MembershipService::Reactor* MembershipService::CreateMeasurableAim(
    Ctx* ctx, const v1::CreateMeasurableAimRequest* req, v1::MeasurableAim* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    RETURN_IF_ERROR(ValidateAim(req->aim(), "aim"));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          *resp,
          CreateOnceThenGet<v1::MeasurableAim>(
              s, parent.network, "CreateMeasurableAim", req->request_id(), req->parent(),
              clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                RETURN_IF_ERROR(RequireCoalition(s, parent.network, parent.coalition));
                const std::string id = NewResourceId();
                v1::MeasurableAim aim = req->aim();
                StampCreated(aim, CoalitionChild(parent.network, parent.coalition, "aims", id),
                             clock_.Now());
                SetAimProgress(aim);
                RETURN_IF_ERROR(Aims::Insert(s, parent.network, parent.coalition, id, aim));
                RETURN_IF_ERROR(call.Audit(
                    s, aim.name(), absl::StrCat("added aim \"", aim.metric(), "\""), clock_.Now()));
                return aim.name();
              },
              [&](const std::string& created) { return Aims::GetNamed(s, created); }));
      return absl::OkStatus();
    });
  });
}

MembershipService::Reactor* MembershipService::GetMeasurableAim(
    Ctx* ctx, const v1::GetMeasurableAimRequest* req, v1::MeasurableAim* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) {
    return server::GetInCoalition<Aims>(db_, call.scope(), resp);
  });
}

MembershipService::Reactor* MembershipService::ListMeasurableAims(
    Ctx* ctx, const v1::ListMeasurableAimsRequest* req, v1::ListMeasurableAimsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    ASSIGN_OR_RETURN(
        auto aims, ListChildren<Aims>(call, req->parent(), req->page_size(), req->page_token(), "",
                                      {}, resp->mutable_next_page_token()));
    for (auto& aim : aims) *resp->add_aims() = std::move(aim);
    return absl::OkStatus();
  });
}

MembershipService::Reactor* MembershipService::UpdateMeasurableAim(
    Ctx* ctx, const v1::UpdateMeasurableAimRequest* req, v1::MeasurableAim* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       ExistingAtEtag(Aims::Get(s, name.network, name.coalition, name.id),
                                      req->aim().name(), req->aim().etag()));
      ASSIGN_OR_RETURN(
          v1::MeasurableAim aim,
          Patched(stored.resource, req->aim(), req->update_mask(), kAimUpdatable, clock_.Now()));
      RETURN_IF_ERROR(ValidateAim(aim, "aim"));
      SetAimProgress(aim);
      ASSIGN_OR_RETURN(
          *resp, Aims::Update(s, name.network, name.coalition, name.id, aim, stored.revision));
      return call.Audit(s, aim.name(), absl::StrCat("updated aim \"", aim.metric(), "\""),
                        clock_.Now());
    });
  });
}

MembershipService::Reactor* MembershipService::DeleteMeasurableAim(
    Ctx* ctx, const v1::DeleteMeasurableAimRequest* req, google::protobuf::Empty*) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) {
    return DeleteChild<Aims>(call, req->etag(), NothingFirst);
  });
}

}  // namespace coalition::membership
