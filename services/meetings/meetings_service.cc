#include "services/meetings/meetings_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "libs/core/etag.h"
#include "libs/core/field_mask.h"
#include "libs/core/ids.h"
#include "libs/core/proto_body.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validation.h"
#include "libs/storage/platform_tables.h"
#include "services/meetings/access_rules.h"
#include "services/meetings/background.h"
#include "services/meetings/domain/commitments.h"
#include "services/meetings/domain/meetings.h"
#include "services/meetings/domain/one_to_ones.h"
#include "services/meetings/domain/validation.h"

namespace coalition::meetings {

namespace mv1 = ::coalition::membership::v1;

using server::CreateOnceThenGet;
using server::ExistingOrNotFound;
using server::NextToken;
using server::PageOf;
using server::StampCreated;
using storage::Session;

namespace {

// A coalition's first meeting has no previous one to look back to: its check-in covers the
// commitments due in the four weeks before it (and any older ones still open).
constexpr int kFirstCheckInDays = 28;

const std::vector<std::string> kMeetingUpdatable = {"display_name", "team",   "start_time",
                                                    "end_time",     "place",  "link",
                                                    "norms",        "agenda", "minutes"};

}  // namespace

MeetingsService::MeetingsService(storage::Database& db, const Clock& clock,
                                 std::unique_ptr<auth::Authenticator> authenticator,
                                 clients::Membership& membership, std::string page_token_secret,
                                 MeetingsOptions options, BackgroundWork* background)
    : db_(db),
      clock_(clock),
      authenticator_(std::move(authenticator)),
      membership_(membership),
      page_tokens_(std::move(page_token_secret), clock),
      options_(std::move(options)),
      background_(background),
      watchers_(db, clock, options_.time_zone, options_.watch_poll, options_.watch_limits),
      rpc_(MeetingsAccessRules(), *authenticator_) {}

MeetingsService::~MeetingsService() = default;

void MeetingsService::BeginShutdown() { watchers_.EndAll(); }

absl::CivilDay MeetingsService::Today() const {
  return absl::ToCivilDay(clock_.Now(), options_.time_zone);
}

absl::CivilDay MeetingsService::DayOf(const google::protobuf::Timestamp& time) const {
  return absl::ToCivilDay(FromProtoTimestamp(time), options_.time_zone);
}

absl::Status MeetingsService::RequireActiveMember(const CoalitionName& coalition,
                                                  const std::string& person,
                                                  const std::string& field) {
  ASSIGN_OR_RETURN(mv1::CheckMembershipResponse check,
                   membership_.CheckMembership(coalition.Name(), person));
  if (!check.active()) {
    return InvalidField(field, absl::StrCat("is not an active member of ", coalition.Name()));
  }
  return absl::OkStatus();
}

absl::Status MeetingsService::RequireTeam(const CoalitionName& coalition, const std::string& team,
                                          const std::string& field) {
  if (team.empty()) return absl::OkStatus();
  // Only a team of the caller's coalition is asked about: membership answers this service for
  // every network, so asking about any other team would tell the caller whether it exists.
  FieldViolations v;
  CheckCoalitionRef(v, field, team, "teams", coalition.network, coalition.coalition);
  RETURN_IF_ERROR(v.ToStatus());
  // A reference membership does not know is the request's fault: INVALID_ARGUMENT naming the
  // field, not NOT_FOUND, which would say the resource called was missing.
  absl::Status found = membership_.GetTeam(team).status();
  if (absl::IsNotFound(found)) return InvalidField(field, "does not exist");
  return found;
}

absl::Status MeetingsService::FillOrganizations(
    const std::string& network, google::protobuf::RepeatedPtrField<v1::Attendance>& attendance,
    const std::string& field) {
  if (attendance.empty()) return absl::OkStatus();
  std::vector<std::string> names;
  names.reserve(attendance.size());
  for (const v1::Attendance& entry : attendance) names.push_back(entry.person());
  absl::StatusOr<std::vector<mv1::Person>> people =
      membership_.BatchGetPeople(NetworkName{network}.Name(), names);
  if (absl::IsNotFound(people.status())) {
    return InvalidField(field, std::string(people.status().message()));
  }
  if (!people.ok()) return people.status();
  for (int i = 0; i < attendance.size() && i < static_cast<int>(people->size()); ++i) {
    attendance[i].set_organization((*people)[i].organization());
  }
  return absl::OkStatus();
}

// ---- Meetings ----

absl::StatusOr<v1::AgendaItem> MeetingsService::CheckInFor(Session& s,
                                                           const CoalitionChildName& name,
                                                           v1::Meeting& meeting) {
  ASSIGN_OR_RETURN(std::vector<v1::Meeting> same_team,
                   repo_.PreviousMeetingOf(s, name.network, name.coalition, name.id, meeting));
  const v1::Meeting* previous = FindPreviousMeeting(same_team, meeting);
  const absl::CivilDay day = DayOf(meeting.start_time());
  const absl::CivilDay from =
      previous != nullptr ? DayOf(previous->start_time()) + 1 : day - kFirstCheckInDays;
  ASSIGN_OR_RETURN(
      std::vector<v1::Commitment> commitments,
      repo_.CommitmentsForPeriod(s, name.network, name.coalition, std::min(from, day), day));
  meeting.set_previous_meeting(previous != nullptr ? previous->name() : "");
  return BuildCheckInItem(meeting, previous, commitments, options_.time_zone);
}

absl::Status MeetingsService::SetMeetingOutputs(Session& s, const CoalitionChildName& name,
                                                v1::Meeting& meeting) {
  ASSIGN_OR_RETURN(int64_t count, repo_.CountCommitmentsFrom(s, name.network, meeting.name()));
  meeting.set_commitment_count(static_cast<int32_t>(count));
  return absl::OkStatus();
}

absl::StatusOr<Stored<v1::Meeting>> MeetingsService::LoadMeeting(Session& s,
                                                                 const CoalitionChildName& name) {
  const std::string full = CoalitionChild(name.network, name.coalition, "meetings", name.id);
  ASSIGN_OR_RETURN(auto stored, ExistingOrNotFound(
                                    Meetings::Get(s, name.network, name.coalition, name.id), full));
  RETURN_IF_ERROR(SetMeetingOutputs(s, name, stored.resource));
  return stored;
}

MeetingsService::Reactor* MeetingsService::CreateMeeting(Ctx* ctx,
                                                         const v1::CreateMeetingRequest* req,
                                                         v1::Meeting* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    v1::Meeting meeting = req->meeting();
    RETURN_IF_ERROR(ValidateMeeting(meeting, parent.network, parent.coalition, "meeting"));
    ScheduleMeeting(meeting);
    // What only membership knows, before anything is written.
    ASSIGN_OR_RETURN(mv1::Coalition coalition, membership_.GetCoalition(parent.Name()));
    if (meeting.norms().empty()) *meeting.mutable_norms() = coalition.default_norms();
    RETURN_IF_ERROR(RequireTeam(parent, meeting.team(), "meeting.team"));
    RETURN_IF_ERROR(
        FillOrganizations(parent.network, *meeting.mutable_attendance(), "meeting.attendance"));
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          std::string created,
          storage::CreateOnce(
              s, parent.network, "CreateMeeting", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                const CoalitionChildName name{parent.network, parent.coalition, NewResourceId()};
                StampCreated(meeting,
                             CoalitionChild(name.network, name.coalition, "meetings", name.id),
                             clock_.Now());
                ASSIGN_OR_RETURN(v1::AgendaItem check_in, CheckInFor(s, name, meeting));
                PlaceCheckInItem(meeting, std::move(check_in));
                RETURN_IF_ERROR(
                    Meetings::Insert(s, name.network, name.coalition, name.id, meeting));
                RETURN_IF_ERROR(call.Audit(
                    s, meeting.name(), absl::StrCat("scheduled \"", meeting.display_name(), "\""),
                    clock_.Now()));
                return meeting.name();
              }));
      ASSIGN_OR_RETURN(auto name, ParseCoalitionChild("meetings", created, "name"));
      ASSIGN_OR_RETURN(auto stored, LoadMeeting(s, name));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MeetingsService::Reactor* MeetingsService::GetMeeting(Ctx* ctx, const v1::GetMeetingRequest* req,
                                                      v1::Meeting* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored, LoadMeeting(s, call.scope().InCoalition()));
      *resp = std::move(stored.resource);
      return absl::OkStatus();
    });
  });
}

MeetingsService::Reactor* MeetingsService::ListMeetings(Ctx* ctx,
                                                        const v1::ListMeetingsRequest* req,
                                                        v1::ListMeetingsResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    FieldViolations v;
    if (!v1::Meeting::Kind_IsValid(req->kind())) v.Add("kind", "is not a known value");
    if (!v1::Meeting::State_IsValid(req->state())) v.Add("state", "is not a known value");
    CheckCoalitionRef(v, "team", req->team(), "teams", parent.network, parent.coalition, false);
    RETURN_IF_ERROR(v.ToStatus());
    storage::Columns filters;
    if (req->kind() != v1::Meeting::KIND_UNSPECIFIED)
      filters.emplace_back("kind", int64_t{req->kind()});
    if (req->state() != v1::Meeting::STATE_UNSPECIFIED) {
      filters.emplace_back("state", int64_t{req->state()});
    }
    if (!req->team().empty()) filters.emplace_back("team", req->team());
    const std::string query = absl::StrCat("ListMeetings/", req->parent(), "/", req->kind(), "/",
                                           req->state(), "/", req->team());
    ASSIGN_OR_RETURN(storage::ListQuery q,
                     PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page, Meetings::List(s, parent.network, parent.coalition, filters, q));
      for (v1::Meeting& meeting : page.items) {
        RETURN_IF_ERROR(SetMeetingOutputs(s, {parent.network, parent.coalition, ""}, meeting));
        *resp->add_meetings() = std::move(meeting);
      }
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MeetingsService::Reactor* MeetingsService::UpdateMeeting(Ctx* ctx,
                                                         const v1::UpdateMeetingRequest* req,
                                                         v1::Meeting* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    ASSIGN_OR_RETURN(std::vector<std::string> paths,
                     EffectiveUpdatePaths(req->meeting(), req->update_mask(), kMeetingUpdatable));
    if (std::find(paths.begin(), paths.end(), "team") != paths.end()) {
      RETURN_IF_ERROR(RequireTeam(name.Coalition(), req->meeting().team(), "meeting.team"));
    }
    return ChangeMeeting(
        call, name, req->meeting().etag(),
        [&](Session& s, v1::Meeting& meeting) -> absl::StatusOr<std::string> {
          RETURN_IF_ERROR(CheckMeetingUpdatable(meeting, paths));
          v1::AgendaItem check_in;
          const bool had_check_in = meeting.agenda_size() > 0 && meeting.agenda(0).check_in();
          if (had_check_in) check_in = meeting.agenda(0);
          RETURN_IF_ERROR(
              ApplyFieldMask(req->meeting(), req->update_mask(), kMeetingUpdatable, &meeting));
          RETURN_IF_ERROR(ValidateMeeting(meeting, name.network, name.coalition, "meeting"));
          // The check-in item is the service's: a client's agenda cannot replace or forge it.
          auto* agenda = meeting.mutable_agenda();
          agenda->erase(std::remove_if(agenda->begin(), agenda->end(),
                                       [](const v1::AgendaItem& item) { return item.check_in(); }),
                        agenda->end());
          const bool moved = std::find(paths.begin(), paths.end(), "start_time") != paths.end() ||
                             std::find(paths.begin(), paths.end(), "team") != paths.end();
          if (moved && meeting.state() == v1::Meeting::SCHEDULED) {
            ASSIGN_OR_RETURN(check_in, CheckInFor(s, name, meeting));
            PlaceCheckInItem(meeting, std::move(check_in));
          } else if (had_check_in) {
            PlaceCheckInItem(meeting, std::move(check_in));
          }
          return absl::StrCat("updated ", absl::StrJoin(paths, ", "));
        },
        resp);
  });
}

absl::Status MeetingsService::ChangeMeeting(
    const server::Call& call, const CoalitionChildName& name, const std::string& etag,
    absl::FunctionRef<absl::StatusOr<std::string>(Session&, v1::Meeting&)> change,
    v1::Meeting* resp) {
  return db_.Transact([&](Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(auto stored, LoadMeeting(s, name));
    RETURN_IF_ERROR(CheckEtag(etag, stored.resource.name(), stored.revision));
    v1::Meeting meeting = stored.resource;
    ASSIGN_OR_RETURN(std::string summary, change(s, meeting));
    *meeting.mutable_update_time() = ToProtoTimestamp(clock_.Now());
    ASSIGN_OR_RETURN(*resp, Meetings::Update(s, name.network, name.coalition, name.id, meeting,
                                             stored.revision));
    return call.Audit(s, meeting.name(), summary, clock_.Now());
  });
}

MeetingsService::Reactor* MeetingsService::StartMeeting(Ctx* ctx,
                                                        const v1::StartMeetingRequest* req,
                                                        v1::Meeting* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    return ChangeMeeting(
        call, name, req->etag(),
        [&](Session& s, v1::Meeting& meeting) -> absl::StatusOr<std::string> {
          RETURN_IF_ERROR(meetings::StartMeeting(meeting));
          // The check-in is as of now: commitments settled since scheduling show their status.
          ASSIGN_OR_RETURN(v1::AgendaItem check_in, CheckInFor(s, name, meeting));
          PlaceCheckInItem(meeting, std::move(check_in));
          return std::string("started");
        },
        resp);
  });
}

MeetingsService::Reactor* MeetingsService::CloseMeeting(Ctx* ctx,
                                                        const v1::CloseMeetingRequest* req,
                                                        v1::Meeting* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    FieldViolations v;
    LimitText(v, "no_commitment_reason", req->no_commitment_reason(), kMaxTextLength);
    LimitText(v, "minutes", req->minutes(), kMaxMinutesLength);
    RETURN_IF_ERROR(v.ToStatus());
    return ChangeMeeting(
        call, name, req->etag(),
        [&](Session&, v1::Meeting& meeting) -> absl::StatusOr<std::string> {
          if (!req->minutes().empty()) meeting.set_minutes(req->minutes());
          RETURN_IF_ERROR(meetings::CloseMeeting(meeting, meeting.commitment_count(),
                                                 req->no_commitment_reason(), clock_.Now()));
          return meeting.commitment_count() > 0
                     ? absl::StrCat("closed with ", meeting.commitment_count(), " commitments")
                     : std::string("closed without a commitment");
        },
        resp);
  });
}

MeetingsService::Reactor* MeetingsService::CancelMeeting(Ctx* ctx,
                                                         const v1::CancelMeetingRequest* req,
                                                         v1::Meeting* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    FieldViolations v;
    LimitText(v, "reason", req->reason(), kMaxTextLength);
    RETURN_IF_ERROR(v.ToStatus());
    return ChangeMeeting(
        call, name, req->etag(),
        [&](Session&, v1::Meeting& meeting) -> absl::StatusOr<std::string> {
          RETURN_IF_ERROR(meetings::CancelMeeting(meeting, req->reason()));
          return std::string("cancelled");
        },
        resp);
  });
}

MeetingsService::Reactor* MeetingsService::RecordAttendance(Ctx* ctx,
                                                            const v1::RecordAttendanceRequest* req,
                                                            v1::Meeting* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    RETURN_IF_ERROR(ValidateAttendance(*req, name.network));
    google::protobuf::RepeatedPtrField<v1::Attendance> entries = req->attendance();
    RETURN_IF_ERROR(FillOrganizations(name.network, entries, "attendance"));
    return ChangeMeeting(
        call, name, req->etag(),
        [&](Session&, v1::Meeting& meeting) -> absl::StatusOr<std::string> {
          RETURN_IF_ERROR(meetings::RecordAttendance(
              meeting, std::vector<v1::Attendance>(entries.begin(), entries.end())));
          return absl::StrCat("recorded attendance of ", entries.size(), " people");
        },
        resp);
  });
}

MeetingsService::Reactor* MeetingsService::PreviewCheckIn(Ctx* ctx,
                                                          const v1::PreviewCheckInRequest* req,
                                                          v1::AgendaItem* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored, LoadMeeting(s, name));
      ASSIGN_OR_RETURN(*resp, CheckInFor(s, name, stored.resource));
      return absl::OkStatus();
    });
  });
}

MeetingsService::Reactor* MeetingsService::GetAttendanceReport(
    Ctx* ctx, const v1::GetAttendanceReportRequest* req, v1::AttendanceReport* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    RETURN_IF_ERROR(ValidateReportWindow(req->window(), "window"));
    FieldViolations v;
    CheckCoalitionRef(v, "team", req->team(), "teams", parent.network, parent.coalition, false);
    RETURN_IF_ERROR(v.ToStatus());
    const absl::CivilDay start = ToCivilDay(req->window().start_date());
    const absl::CivilDay end = ToCivilDay(req->window().end_date());
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(std::vector<v1::Meeting> meetings,
                       repo_.MeetingsStartedBetween(s, parent.network, parent.coalition,
                                                    absl::FromCivil(start, options_.time_zone),
                                                    absl::FromCivil(end + 1, options_.time_zone)));
      if (!req->team().empty()) {
        meetings.erase(
            std::remove_if(meetings.begin(), meetings.end(),
                           [&](const v1::Meeting& m) { return m.team() != req->team(); }),
            meetings.end());
      }
      *resp = ComputeAttendanceReport(meetings, start, end, options_.time_zone);
      return absl::OkStatus();
    });
  });
}

// ---- One-to-ones ----

MeetingsService::Reactor* MeetingsService::CreateOneToOne(Ctx* ctx,
                                                          const v1::CreateOneToOneRequest* req,
                                                          v1::OneToOne* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    v1::OneToOne one_to_one = req->one_to_one();
    // Members record their own one-to-ones; conveners and admins anyone's.
    RETURN_IF_ERROR(call.RequireOwnOrWrite(one_to_one.organizer()));
    RETURN_IF_ERROR(
        ValidateNewOneToOne(one_to_one, parent.network, parent.coalition, "one_to_one"));
    StartOneToOne(one_to_one);
    RETURN_IF_ERROR(RequireActiveMember(parent, one_to_one.organizer(), "one_to_one.organizer"));
    if (!one_to_one.counterpart_person().empty()) {
      absl::StatusOr<std::vector<mv1::Person>> found = membership_.BatchGetPeople(
          NetworkName{parent.network}.Name(), {one_to_one.counterpart_person()});
      if (absl::IsNotFound(found.status())) {
        return InvalidField("one_to_one.counterpart_person", "is not a person of the network");
      }
      RETURN_IF_ERROR(found.status());
    } else {
      absl::Status actor = membership_.GetActor(one_to_one.counterpart_actor()).status();
      if (absl::IsNotFound(actor)) {
        return InvalidField("one_to_one.counterpart_actor", "is not on the coalition's map");
      }
      RETURN_IF_ERROR(actor);
    }
    return db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(
          *resp,
          CreateOnceThenGet<v1::OneToOne>(
              s, parent.network, "CreateOneToOne", req->request_id(), req->parent(), clock_.Now(),
              [&]() -> absl::StatusOr<std::string> {
                const std::string id = NewResourceId();
                StampCreated(one_to_one,
                             CoalitionChild(parent.network, parent.coalition, "oneToOnes", id),
                             clock_.Now());
                RETURN_IF_ERROR(
                    OneToOnes::Insert(s, parent.network, parent.coalition, id, one_to_one));
                RETURN_IF_ERROR(
                    call.Audit(s, one_to_one.name(), "planned a one-to-one", clock_.Now()));
                return one_to_one.name();
              },
              [&](const std::string& created) { return OneToOnes::GetNamed(s, created); }));
      return absl::OkStatus();
    });
  });
}

MeetingsService::Reactor* MeetingsService::GetOneToOne(Ctx* ctx, const v1::GetOneToOneRequest* req,
                                                       v1::OneToOne* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    return server::GetInCoalition<OneToOnes>(db_, call.scope(), resp);
  });
}

MeetingsService::Reactor* MeetingsService::ListOneToOnes(Ctx* ctx,
                                                         const v1::ListOneToOnesRequest* req,
                                                         v1::ListOneToOnesResponse* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionName parent = call.scope().Coalition();
    FieldViolations v;
    if (!v1::OneToOne::State_IsValid(req->state())) v.Add("state", "is not a known value");
    CheckPersonRef(v, "organizer", req->organizer(), parent.network, false);
    RETURN_IF_ERROR(v.ToStatus());
    storage::Columns filters;
    if (!req->organizer().empty()) filters.emplace_back("organizer", req->organizer());
    if (req->state() != v1::OneToOne::STATE_UNSPECIFIED) {
      filters.emplace_back("state", int64_t{req->state()});
    }
    const std::string query =
        absl::StrCat("ListOneToOnes/", req->parent(), "/", req->organizer(), "/", req->state());
    ASSIGN_OR_RETURN(storage::ListQuery q,
                     PageOf(page_tokens_, query, req->page_size(), req->page_token()));
    return db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto page, OneToOnes::List(s, parent.network, parent.coalition, filters, q));
      for (v1::OneToOne& o : page.items) *resp->add_one_to_ones() = std::move(o);
      resp->set_next_page_token(NextToken(page_tokens_, query, page.last_key));
      return absl::OkStatus();
    });
  });
}

MeetingsService::Reactor* MeetingsService::RecordOneToOneStage(
    Ctx* ctx, const v1::RecordOneToOneStageRequest* req, v1::OneToOne* resp) {
  return rpc_.Unary(ctx, req, [=](const server::Call& call) -> absl::Status {
    const CoalitionChildName name = call.scope().InCoalition();
    RETURN_IF_ERROR(ValidateStageRequest(*req, name.network));
    {
      FieldViolations v;
      CheckRequestId(v, req->request_id());
      RETURN_IF_ERROR(v.ToStatus());
    }
    const v1::OneToOne::Stage stage = StageOf(*req);
    const CoalitionName coalition = name.Coalition();
    // Its organizer (or a writer of the coalition) records it; checked again in the transaction.
    RETURN_IF_ERROR(db_.Read([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       ExistingOrNotFound(OneToOnes::Get(s, name.network, name.coalition, name.id),
                                          req->name()));
      return call.RequireOwnOrWrite(stored.resource.organizer());
    }));
    // Who makes the commitments must be a member: asked before anything is written. As with
    // CreateCommitment, a member records commitments for themselves only.
    const auto& outcome = req->outcome().commitments();
    if (stage == v1::OneToOne::COMMITMENT) {
      for (int i = 0; i < outcome.size(); ++i) {
        if (!call.RequireOwnOrWrite(outcome[i].person()).ok()) {
          return absl::PermissionDeniedError(
              absl::StrCat("outcome.commitments[", i,
                           "].person: a member key records only its own person's commitments"));
        }
      }
      for (int i = 0; i < outcome.size(); ++i) {
        RETURN_IF_ERROR(RequireActiveMember(coalition, outcome[i].person(),
                                            absl::StrCat("outcome.commitments[", i, "].person")));
      }
    }
    bool enqueued = false;
    RETURN_IF_ERROR(db_.Transact([&](Session& s) -> absl::Status {
      ASSIGN_OR_RETURN(auto stored,
                       ExistingOrNotFound(OneToOnes::Get(s, name.network, name.coalition, name.id),
                                          req->name()));
      RETURN_IF_ERROR(call.RequireOwnOrWrite(stored.resource.organizer()));
      if (stage == v1::OneToOne::COMMITMENT && !req->request_id().empty()) {
        // A retried commitment stage: the one-to-one is already complete with its outcome.
        ASSIGN_OR_RETURN(auto seen, storage::FindRequest(s, name.network, "RecordOneToOneStage",
                                                         req->request_id()));
        // The id is kept per network: one that completed another one-to-one is no retry.
        if (seen && *seen != stored.resource.name()) {
          return InvalidField("request_id", "was already used for another one-to-one");
        }
        if (seen) {
          *resp = std::move(stored.resource);
          return absl::OkStatus();
        }
      }
      RETURN_IF_ERROR(CheckEtag(req->etag(), req->name(), stored.revision));
      v1::OneToOne one_to_one = stored.resource;
      RETURN_IF_ERROR(CheckStageCanBeRecorded(one_to_one, stage));
      std::vector<std::string> created;
      for (const v1::OutcomeCommitment& made : outcome) {
        if (stage != v1::OneToOne::COMMITMENT) break;
        v1::Commitment commitment;
        commitment.set_person(made.person());
        commitment.set_what(made.what());
        *commitment.mutable_due_date() = made.due_date();
        commitment.mutable_source()->set_kind(v1::CommitmentSource::ONE_TO_ONE);
        commitment.mutable_source()->set_resource(one_to_one.name());
        ASSIGN_OR_RETURN(std::string commitment_name,
                         InsertCommitment(s, coalition, std::move(commitment), call.caller().key));
        // Each commitment has its own event, as one made through CreateCommitment has.
        RETURN_IF_ERROR(call.Audit(s, commitment_name,
                                   absl::StrCat("commitment due ", DateToString(made.due_date()),
                                                " from one-to-one ", name.id),
                                   clock_.Now()));
        created.push_back(std::move(commitment_name));
      }
      RETURN_IF_ERROR(RecordStage(one_to_one, *req, created, clock_.Now()));
      *one_to_one.mutable_update_time() = ToProtoTimestamp(clock_.Now());
      ASSIGN_OR_RETURN(one_to_one, OneToOnes::Update(s, name.network, name.coalition, name.id,
                                                     one_to_one, stored.revision));
      if (one_to_one.state() == v1::OneToOne::COMPLETED) {
        ASSIGN_OR_RETURN(enqueued, EnqueueActorObservation(s, name, one_to_one));
        if (!req->request_id().empty()) {
          RETURN_IF_ERROR(storage::RecordRequest(s, name.network, "RecordOneToOneStage",
                                                 req->request_id(), one_to_one.name(),
                                                 clock_.Now()));
        }
      }
      RETURN_IF_ERROR(call.Audit(s, one_to_one.name(),
                                 absl::StrCat("recorded the ", StageLabel(stage), " stage"),
                                 clock_.Now()));
      *resp = std::move(one_to_one);
      return absl::OkStatus();
    }));
    // Committed: the relay need not wait for its next poll.
    if (enqueued && background_ != nullptr) background_->Wake();
    return absl::OkStatus();
  });
}

absl::StatusOr<bool> MeetingsService::EnqueueActorObservation(Session& s,
                                                              const CoalitionChildName& name,
                                                              const v1::OneToOne& one_to_one) {
  std::optional<ActorMapUpdate> update = ActorMapUpdateFrom(one_to_one);
  if (!update) return false;
  mv1::RecordActorObservationRequest request;
  request.set_coalition(name.Coalition().Name());
  request.set_actor(one_to_one.counterpart_actor());
  request.set_person(one_to_one.counterpart_actor().empty() ? one_to_one.counterpart_person() : "");
  *request.mutable_interests() = update->actor.interests();
  *request.mutable_resources() = update->actor.resources();
  request.set_tie_strength(update->actor.tie_strength());
  request.set_source(one_to_one.name());
  OutboxMessage message;
  message.network_id = name.network;
  message.id = TimeOrderedId(clock_.Now());
  // The message id is the request id membership deduplicates on: delivered at least once,
  // applied exactly once.
  request.set_request_id(absl::StrCat("outbox-", message.id));
  message.kind = kActorObservation;
  message.body = EncodeBody(request);
  message.create_time = clock_.Now();
  message.next_attempt_time = clock_.Now();
  RETURN_IF_ERROR(repo_.EnqueueOutbox(s, message));
  return true;
}

}  // namespace coalition::meetings
