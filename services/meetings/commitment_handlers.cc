// The commitment RPCs of MeetingsService: who will do what by when, and its reports.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/core/etag.h"
#include "libs/core/field_mask.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validation.h"
#include "libs/storage/platform_tables.h"
#include "services/meetings/domain/commitments.h"
#include "services/meetings/domain/validation.h"
#include "services/meetings/meetings_service.h"

namespace coalition::meetings {

using server::CreateOnceThenGet;
using server::ExistingOrNotFound;
using server::NextToken;
using server::PageOf;
using server::StampCreated;
using storage::Session;

namespace {

constexpr int kDefaultDueSoonDays = 7;
constexpr int kMaxDueSoonDays = 90;

const std::vector<std::string> kCommitmentUpdatable = {"what", "due_date", "team"};

// A horizon in whole days from a Duration field: default when unset, 1 to kMaxDueSoonDays.
absl::StatusOr<int> HorizonDays(const google::protobuf::Duration& within, bool set,
                                absl::string_view field) {
  if (!set) return kDefaultDueSoonDays;
  const int64_t seconds = within.seconds();
  if (within.nanos() != 0 || seconds <= 0 || seconds % 86400 != 0 ||
      seconds / 86400 > kMaxDueSoonDays) {
    return InvalidField(field, absl::StrCat("must be whole days, 1 to ", kMaxDueSoonDays));
  }
  return static_cast<int>(seconds / 86400);
}

}  // namespace

absl::StatusOr<std::string> MeetingsService::InsertCommitment(Session& s,
                                                              const CoalitionName& coalition,
                                                              v1::Commitment commitment,
                                                              const std::string& recorded_by) {
  const std::string id = NewResourceId();
  StartCommitment(commitment, clock_.Now(), recorded_by);
  StampCreated(commitment,
               CoalitionChild(coalition.network, coalition.coalition, "commitments", id),
               clock_.Now());
  RETURN_IF_ERROR(Commitments::Insert(s, coalition.network, coalition.coalition, id, commitment));
  v1::CommitmentEvent event;
  event.set_kind(v1::CommitmentEvent::CREATED);
  *event.mutable_time() = ToProtoTimestamp(clock_.Now());
  *event.mutable_commitment() = commitment;
  event.mutable_commitment()->set_etag(EtagFor(commitment.name(), 1));
  RETURN_IF_ERROR(repo_.AppendCommitmentEvent(s, coalition.network, coalition.coalition, event));
  return commitment.name();
}

absl::StatusOr<bool> MeetingsService::SeenRequest(const std::string& network,
                                                  absl::string_view method,
                                                  const std::string& request_id) {
  if (request_id.empty()) return false;
  std::optional<std::string> seen;
  RETURN_IF_ERROR(db_.Read([&](Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(seen, storage::FindRequest(s, network, method, request_id));
    return absl::OkStatus();
  }));
  return seen.has_value();
}

MeetingsService::Reactor* MeetingsService::CreateCommitment(Ctx* ctx,
                                                            const v1::CreateCommitmentRequest* req,
                                                            v1::Commitment* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    v1::Commitment commitment = req->commitment();
    // The decisions and assessment services create commitments with their service keys.
    RETURN_IF_ERROR(call.RequireOwnOrWrite(commitment.person()));
    RETURN_IF_ERROR(ValidateCommitment(commitment, parent.network, parent.coalition, "commitment"));
    ASSIGN_OR_RETURN(bool retried,
                     SeenRequest(parent.network, "CreateCommitment", req->request_id()));
    if (!retried) {
      RETURN_IF_ERROR(RequireActiveMember(parent, commitment.person(), "commitment.person"));
      RETURN_IF_ERROR(RequireTeam(parent, commitment.team(), "commitment.team"));
    }
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          *resp,
          CreateOnceThenGet<v1::Commitment>(
              s, parent.network, "CreateCommitment", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                RETURN_IF_ERROR(CheckSourceExists(s, commitment.source()));
                ASSIGN_OR_RETURN(std::string name,
                                 InsertCommitment(s, parent, commitment, call.caller().key));
                RETURN_IF_ERROR(call.Audit(
                    s, name, absl::StrCat("commitment due ", DateToString(commitment.due_date())),
                    clock_.Now()));
                return name;
              },
              [&](const std::string& created) { return Commitments::GetNamed(s, created); }));
      return absl::OkStatus();
    });
  });
}

absl::Status MeetingsService::CheckSourceExists(Session& s, const v1::CommitmentSource& source) {
  // Meetings and one-to-ones are this service's own; decisions and improvement plans belong to
  // other services, which vouch for them when they call.
  absl::StatusOr<CoalitionChildName> name;
  bool found = true;
  if (source.kind() == v1::CommitmentSource::MEETING) {
    ASSIGN_OR_RETURN(name, ParseCoalitionChild("meetings", source.resource(), "source"));
    ASSIGN_OR_RETURN(auto meeting, Meetings::Get(s, name->network, name->coalition, name->id));
    found = meeting.has_value();
  } else if (source.kind() == v1::CommitmentSource::ONE_TO_ONE) {
    ASSIGN_OR_RETURN(name, ParseCoalitionChild("oneToOnes", source.resource(), "source"));
    ASSIGN_OR_RETURN(auto one_to_one, OneToOnes::Get(s, name->network, name->coalition, name->id));
    found = one_to_one.has_value();
  }
  if (!found) return InvalidField("commitment.source.resource", "does not exist");
  return absl::OkStatus();
}

MeetingsService::Reactor* MeetingsService::GetCommitment(Ctx* ctx,
                                                         const v1::GetCommitmentRequest* req,
                                                         v1::Commitment* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    return server::GetInCoalition<Commitments>(db_, call.scope(), resp);
  });
}

MeetingsService::Reactor* MeetingsService::ListCommitments(Ctx* ctx,
                                                           const v1::ListCommitmentsRequest* req,
                                                           v1::ListCommitmentsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    FieldViolations v;
    if (!v1::Commitment::Status_IsValid(req->status())) v.Add("status", "is not a known value");
    if (!v1::CommitmentSource::Kind_IsValid(req->source_kind())) {
      v.Add("source_kind", "is not a known value");
    }
    CheckPersonRef(v, "person", req->person(), parent.network, false);
    CheckCoalitionRef(v, "team", req->team(), "teams", parent.network, parent.coalition, false);
    LimitText(v, "source", req->source(), 500);
    RETURN_IF_ERROR(v.ToStatus());
    storage::Columns filters;
    if (req->status() != v1::Commitment::STATUS_UNSPECIFIED) {
      filters.emplace_back("status", int64_t{req->status()});
    }
    if (!req->person().empty()) filters.emplace_back("person", req->person());
    if (!req->team().empty()) filters.emplace_back("team", req->team());
    if (req->source_kind() != v1::CommitmentSource::KIND_UNSPECIFIED) {
      filters.emplace_back("source_kind", int64_t{req->source_kind()});
    }
    if (!req->source().empty()) filters.emplace_back("source", req->source());
    const std::string query =
        absl::StrCat("ListCommitments/", req->parent(), "/", req->status(), "/", req->person(), "/",
                     req->team(), "/", req->source_kind(), "/", req->source());
    ASSIGN_OR_RETURN(storage::ListQuery q,
                     PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page,
                       Commitments::List(s, parent.network, parent.coalition, filters, q));
      for (v1::Commitment& c : page.items) *resp->add_commitments() = std::move(c);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

absl::Status MeetingsService::ChangeCommitment(
    const server::Call& call, const CoalitionChildName& name, const std::string& etag,
    absl::FunctionRef<absl::StatusOr<std::string>(v1::Commitment&)> change, v1::Commitment* resp) {
  const std::string commitment_name =
      CoalitionChild(name.network, name.coalition, "commitments", name.id);
  return db_.Transact([&](Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(auto stored,
                     ExistingOrNotFound(Commitments::Get(s, name.network, name.coalition, name.id),
                                        commitment_name));
    RETURN_IF_ERROR(call.RequireOwnOrWrite(stored.resource.person()));
    RETURN_IF_ERROR(CheckEtag(etag, commitment_name, stored.revision));
    v1::Commitment commitment = stored.resource;
    ASSIGN_OR_RETURN(std::string summary, change(commitment));
    *commitment.mutable_update_time() = ToProtoTimestamp(clock_.Now());
    ASSIGN_OR_RETURN(commitment, Commitments::Update(s, name.network, name.coalition, name.id,
                                                     commitment, stored.revision));
    if (commitment.status() == v1::Commitment::DONE &&
        stored.resource.status() != v1::Commitment::DONE) {
      v1::CommitmentEvent event;
      event.set_kind(v1::CommitmentEvent::DONE);
      *event.mutable_time() = ToProtoTimestamp(clock_.Now());
      *event.mutable_commitment() = commitment;
      RETURN_IF_ERROR(repo_.AppendCommitmentEvent(s, name.network, name.coalition, event));
    }
    RETURN_IF_ERROR(call.Audit(s, commitment.name(), summary, clock_.Now()));
    *resp = std::move(commitment);
    return absl::OkStatus();
  });
}

MeetingsService::Reactor* MeetingsService::UpdateCommitment(Ctx* ctx,
                                                            const v1::UpdateCommitmentRequest* req,
                                                            v1::Commitment* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    // Readers of the coalition get this far; whose commitment it is is checked once it is loaded.
    const CoalitionChildName name = call.scope().InCoalition();
    ASSIGN_OR_RETURN(
        std::vector<std::string> paths,
        EffectiveUpdatePaths(req->commitment(), req->update_mask(), kCommitmentUpdatable));
    if (std::find(paths.begin(), paths.end(), "team") != paths.end()) {
      RETURN_IF_ERROR(RequireTeam(name.Coalition(), req->commitment().team(), "commitment.team"));
    }
    return ChangeCommitment(
        call, name, req->commitment().etag(),
        [&](v1::Commitment& commitment) -> absl::StatusOr<std::string> {
          if (commitment.status() != v1::Commitment::OPEN) {
            return absl::FailedPreconditionError(
                "only an open commitment can be changed; reopen it first");
          }
          RETURN_IF_ERROR(ApplyFieldMask(req->commitment(), req->update_mask(),
                                         kCommitmentUpdatable, &commitment));
          RETURN_IF_ERROR(
              ValidateCommitment(commitment, name.network, name.coalition, "commitment"));
          return absl::StrCat("updated ", absl::StrJoin(paths, ", "));
        },
        resp);
  });
}

MeetingsService::Reactor* MeetingsService::CheckInCommitment(
    Ctx* ctx, const v1::CheckInCommitmentRequest* req, v1::Commitment* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    FieldViolations v;
    LimitText(v, "note", req->note(), kMaxTextLength);
    if (!v1::Commitment::Status_IsValid(req->status()) || req->status() == v1::Commitment::OPEN) {
      v.Add("status", "must be DONE, MISSED, RELEASED or unspecified (a note only)");
    }
    CheckCoalitionRef(v, "meeting", req->meeting(), "meetings", name.network, name.coalition,
                      false);
    RETURN_IF_ERROR(v.ToStatus());
    if (!req->meeting().empty()) {
      ASSIGN_OR_RETURN(auto meeting, ParseCoalitionChild("meetings", req->meeting(), "meeting"));
      RETURN_IF_ERROR(db_.Read([&](Session& s) -> absl::Status {
        ASSIGN_OR_RETURN(auto found,
                         Meetings::Get(s, meeting.network, meeting.coalition, meeting.id));
        if (!found) return InvalidField("meeting", "does not exist");
        return absl::OkStatus();
      }));
    }
    return ChangeCommitment(
        call, name, req->etag(),
        [&](v1::Commitment& commitment) -> absl::StatusOr<std::string> {
          RETURN_IF_ERROR(meetings::CheckInCommitment(commitment, req->status(), req->note(),
                                                      req->meeting(), call.caller().key,
                                                      clock_.Now(), Today()));
          return req->status() == v1::Commitment::STATUS_UNSPECIFIED
                     ? std::string("checked in")
                     : absl::StrCat("marked ", v1::Commitment::Status_Name(req->status()));
        },
        resp);
  });
}

MeetingsService::Reactor* MeetingsService::ReopenCommitment(Ctx* ctx,
                                                            const v1::ReopenCommitmentRequest* req,
                                                            v1::Commitment* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    FieldViolations v;
    RequireText(v, "note", req->note(), kMaxTextLength);
    if (req->has_due_date() && !IsValidDate(req->due_date())) {
      v.Add("due_date", "must be a real calendar date");
    }
    RETURN_IF_ERROR(v.ToStatus());
    std::optional<Date> due_date;
    if (req->has_due_date()) due_date = req->due_date();
    return ChangeCommitment(
        call, name, req->etag(),
        [&](v1::Commitment& commitment) -> absl::StatusOr<std::string> {
          RETURN_IF_ERROR(meetings::ReopenCommitment(commitment, req->note(), due_date,
                                                     call.caller().key, clock_.Now(), Today()));
          return absl::StrCat("reopened (", commitment.reopen_count(), " of ", kMaxReopens, ")");
        },
        resp);
  });
}

MeetingsService::Reactor* MeetingsService::ListDueSoonCommitments(
    Ctx* ctx, const v1::ListDueSoonCommitmentsRequest* req, v1::ListCommitmentsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    ASSIGN_OR_RETURN(int days, HorizonDays(req->within(), req->has_within(), "within"));
    const absl::CivilDay today = Today();
    // The token is bound to the day too: tomorrow's list is another list.
    const std::string query = absl::StrCat("ListDueSoonCommitments/", req->parent(), "/", days, "/",
                                           absl::FormatCivilTime(today));
    ASSIGN_OR_RETURN(storage::ListQuery q,
                     PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page, repo_.OpenCommitmentsDueBy(s, parent.network, parent.coalition,
                                                             today, today + days, q));
      for (v1::Commitment& c : page.items) *resp->add_commitments() = std::move(c);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MeetingsService::Reactor* MeetingsService::ListOverdueCommitments(
    Ctx* ctx, const v1::ListOverdueCommitmentsRequest* req, v1::ListCommitmentsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    const absl::CivilDay today = Today();
    const std::string query =
        absl::StrCat("ListOverdueCommitments/", req->parent(), "/", absl::FormatCivilTime(today));
    ASSIGN_OR_RETURN(storage::ListQuery q,
                     PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page, repo_.OpenCommitmentsDueBy(s, parent.network, parent.coalition,
                                                             std::nullopt, today - 1, q));
      for (v1::Commitment& c : page.items) *resp->add_commitments() = std::move(c);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MeetingsService::Reactor* MeetingsService::ListPersonCommitments(
    Ctx* ctx, const v1::ListPersonCommitmentsRequest* req, v1::ListCommitmentsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const NetworkChildName person = call.scope().InNetwork();
    if (!v1::Commitment::Status_IsValid(req->status())) {
      return InvalidField("status", "is not a known value");
    }
    const std::string query =
        absl::StrCat("ListPersonCommitments/", req->person(), "/", req->status());
    ASSIGN_OR_RETURN(storage::ListQuery q,
                     PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page,
                       repo_.PersonCommitments(s, person.network, req->person(), req->status(),
                                               call.visible_coalitions(), q));
      for (v1::Commitment& c : page.items) *resp->add_commitments() = std::move(c);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MeetingsService::Reactor* MeetingsService::GetFollowThroughReport(
    Ctx* ctx, const v1::GetFollowThroughReportRequest* req, v1::FollowThroughReport* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    RETURN_IF_ERROR(ValidateReportWindow(req->window(), "window"));
    const absl::CivilDay start = ToCivilDay(req->window().start_date());
    const absl::CivilDay end = ToCivilDay(req->window().end_date());
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(std::vector<v1::Commitment> commitments,
                       repo_.CommitmentsForPeriod(s, parent.network, parent.coalition, start, end));
      *resp = BuildFollowThroughReport(parent.Name(), commitments, start, end, Today());
      return absl::OkStatus();
    });
  });
}

MeetingsService::Reactor* MeetingsService::ListOverloadedPeople(
    Ctx* ctx, const v1::ListOverloadedPeopleRequest* req, v1::ListOverloadedPeopleResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    // Overload is counted across every coalition: network admins see it.
    const NetworkName parent = call.scope().Network();
    if (req->threshold() < 0 || req->threshold() > 1000) {
      return InvalidField("threshold", "must be from 1 to 1000, or 0 for the service's default");
    }
    const int threshold = req->threshold() > 0 ? req->threshold() : options_.overload_threshold;
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(std::vector<v1::Commitment> open,
                       repo_.OpenCommitmentsOfNetwork(s, parent.network));
      for (v1::OverloadedPerson& person : FindOverloadedPeople(open, threshold)) {
        *resp->add_people() = std::move(person);
      }
      resp->set_threshold(threshold);
      return absl::OkStatus();
    });
  });
}

grpc::ServerWriteReactor<v1::CommitmentEvent>* MeetingsService::WatchCommitmentEvents(
    Ctx* ctx, const v1::WatchCommitmentEventsRequest* req) {
  // The subscription is settled on the handler executor, and the caller is admitted again with
  // the same key and request for as long as the watch lasts; the watch keeps `ctx` alive while
  // either runs.
  return watchers_.Open(
      ctx, [this, ctx, request = *req]() -> absl::StatusOr<CommitmentSubscription> {
        ASSIGN_OR_RETURN(std::string secret, auth::BearerSecret(*ctx));
        ASSIGN_OR_RETURN(server::Call call, rpc_.Admit(*ctx, secret, request));
        const CoalitionName parent = call.scope().Coalition();
        ASSIGN_OR_RETURN(int days, HorizonDays(request.due_soon_within(),
                                               request.has_due_soon_within(), "due_soon_within"));
        CommitmentSubscription subscription;
        subscription.network = parent.network;
        subscription.coalition = parent.coalition;
        subscription.due_soon_days = days;
        subscription.caller = call.caller().key;
        subscription.recheck = [this, ctx, secret, request]() -> absl::Status {
          return rpc_.Admit(*ctx, secret, request).status();
        };
        return subscription;
      });
}

}  // namespace coalition::meetings
