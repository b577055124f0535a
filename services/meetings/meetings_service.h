#ifndef COALITION_SERVICES_MEETINGS_MEETINGS_SERVICE_H_
#define COALITION_SERVICES_MEETINGS_MEETINGS_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "coalition/meetings/v1/meetings_service.grpc.pb.h"
#include "libs/auth/caller.h"
#include "libs/clients/membership.h"
#include "libs/core/clock.h"
#include "libs/core/page_token.h"
#include "libs/core/resource_names.h"
#include "libs/server/rpc.h"
#include "libs/server/standard_methods.h"
#include "libs/storage/database.h"
#include "services/meetings/background.h"
#include "services/meetings/repository.h"
#include "services/meetings/watch.h"

namespace coalition::meetings {

struct MeetingsOptions {
  // More open commitments than this across coalitions is overload, unless a request says.
  int overload_threshold = 5;
  // The days of due dates, check-ins and reports are the days of this zone.
  absl::TimeZone time_zone = absl::UTCTimeZone();
  // How often a watch looks for new commitment events and for a new day.
  absl::Duration watch_poll = absl::Seconds(1);
  // Open watches per key and per process, events queued per watch, how often callers are
  // checked again.
  server::WatchLimits watch_limits;
};

// The gRPC edge of the meetings service: each handler runs through rpc_, which admits the call
// by its declared access rule (access_rules.cc); the handler validates, asks membership what
// only it knows (before any transaction, so nothing is half-written when it is down), then the
// domain rules (domain/) and the repository, in one transaction per call.
// Changes that membership must learn of go through the outbox (outbox.h) in that transaction.
class MeetingsService final : public v1::MeetingsService::CallbackService {
 public:
  MeetingsService(storage::Database& db, const Clock& clock,
                  std::unique_ptr<auth::Authenticator> authenticator,
                  clients::Membership& membership, std::string page_token_secret,
                  MeetingsOptions options, BackgroundWork* background = nullptr);
  ~MeetingsService() override;

  // Ends the open watch streams, so that they do not hold up the server's drain.
  void BeginShutdown();

  using Ctx = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* CreateMeeting(Ctx*, const v1::CreateMeetingRequest*, v1::Meeting*) override;
  Reactor* GetMeeting(Ctx*, const v1::GetMeetingRequest*, v1::Meeting*) override;
  Reactor* ListMeetings(Ctx*, const v1::ListMeetingsRequest*, v1::ListMeetingsResponse*) override;
  Reactor* UpdateMeeting(Ctx*, const v1::UpdateMeetingRequest*, v1::Meeting*) override;
  Reactor* StartMeeting(Ctx*, const v1::StartMeetingRequest*, v1::Meeting*) override;
  Reactor* CloseMeeting(Ctx*, const v1::CloseMeetingRequest*, v1::Meeting*) override;
  Reactor* CancelMeeting(Ctx*, const v1::CancelMeetingRequest*, v1::Meeting*) override;
  Reactor* RecordAttendance(Ctx*, const v1::RecordAttendanceRequest*, v1::Meeting*) override;
  Reactor* PreviewCheckIn(Ctx*, const v1::PreviewCheckInRequest*, v1::AgendaItem*) override;
  Reactor* GetAttendanceReport(Ctx*, const v1::GetAttendanceReportRequest*,
                               v1::AttendanceReport*) override;

  Reactor* CreateOneToOne(Ctx*, const v1::CreateOneToOneRequest*, v1::OneToOne*) override;
  Reactor* GetOneToOne(Ctx*, const v1::GetOneToOneRequest*, v1::OneToOne*) override;
  Reactor* ListOneToOnes(Ctx*, const v1::ListOneToOnesRequest*,
                         v1::ListOneToOnesResponse*) override;
  Reactor* RecordOneToOneStage(Ctx*, const v1::RecordOneToOneStageRequest*, v1::OneToOne*) override;

  Reactor* CreateCommitment(Ctx*, const v1::CreateCommitmentRequest*, v1::Commitment*) override;
  Reactor* GetCommitment(Ctx*, const v1::GetCommitmentRequest*, v1::Commitment*) override;
  Reactor* ListCommitments(Ctx*, const v1::ListCommitmentsRequest*,
                           v1::ListCommitmentsResponse*) override;
  Reactor* UpdateCommitment(Ctx*, const v1::UpdateCommitmentRequest*, v1::Commitment*) override;
  Reactor* CheckInCommitment(Ctx*, const v1::CheckInCommitmentRequest*, v1::Commitment*) override;
  Reactor* ReopenCommitment(Ctx*, const v1::ReopenCommitmentRequest*, v1::Commitment*) override;
  Reactor* ListDueSoonCommitments(Ctx*, const v1::ListDueSoonCommitmentsRequest*,
                                  v1::ListCommitmentsResponse*) override;
  Reactor* ListOverdueCommitments(Ctx*, const v1::ListOverdueCommitmentsRequest*,
                                  v1::ListCommitmentsResponse*) override;
  Reactor* ListPersonCommitments(Ctx*, const v1::ListPersonCommitmentsRequest*,
                                 v1::ListCommitmentsResponse*) override;
  Reactor* GetFollowThroughReport(Ctx*, const v1::GetFollowThroughReportRequest*,
                                  v1::FollowThroughReport*) override;
  Reactor* ListOverloadedPeople(Ctx*, const v1::ListOverloadedPeopleRequest*,
                                v1::ListOverloadedPeopleResponse*) override;
  grpc::ServerWriteReactor<v1::CommitmentEvent>* WatchCommitmentEvents(
      Ctx*, const v1::WatchCommitmentEventsRequest*) override;

  Reactor* CreateCampaign(Ctx*, const v1::CreateCampaignRequest*, v1::Campaign*) override;
  Reactor* GetCampaign(Ctx*, const v1::GetCampaignRequest*, v1::Campaign*) override;
  Reactor* ListCampaigns(Ctx*, const v1::ListCampaignsRequest*,
                         v1::ListCampaignsResponse*) override;
  Reactor* UpdateCampaign(Ctx*, const v1::UpdateCampaignRequest*, v1::Campaign*) override;
  Reactor* DeleteCampaign(Ctx*, const v1::DeleteCampaignRequest*,
                          google::protobuf::Empty*) override;

  Reactor* CreateAccomplishment(Ctx*, const v1::CreateAccomplishmentRequest*,
                                v1::Accomplishment*) override;
  Reactor* ListAccomplishments(Ctx*, const v1::ListAccomplishmentsRequest*,
                               v1::ListAccomplishmentsResponse*) override;

  Reactor* ListAuditEvents(Ctx*, const v1::ListAuditEventsRequest*,
                           v1::ListAuditEventsResponse*) override;

 private:
  absl::CivilDay Today() const;
  absl::CivilDay DayOf(const google::protobuf::Timestamp& time) const;

  // Whether a create with `request_id` already happened: its retry then returns the first
  // result without asking membership again (whose answer may have changed, or who may be down).
  absl::StatusOr<bool> SeenRequest(const std::string& network, absl::string_view method,
                                   const std::string& request_id);
  // Membership's answers a write needs, asked before its transaction.
  absl::Status RequireActiveMember(const CoalitionName& coalition, const std::string& person,
                                   const std::string& field);
  // INVALID_ARGUMENT naming `field` unless `team` is empty or an existing team of `coalition`.
  absl::Status RequireTeam(const CoalitionName& coalition, const std::string& team,
                           const std::string& field);
  absl::Status RequireAim(const std::string& aim);
  // Sets each entry's organization from membership (people must exist).
  absl::Status FillOrganizations(const std::string& network,
                                 google::protobuf::RepeatedPtrField<v1::Attendance>& attendance,
                                 const std::string& field);

  // The check-in item `meeting` would open with now, and the meeting it looks back to.
  absl::StatusOr<v1::AgendaItem> CheckInFor(storage::Session& s, const CoalitionChildName& name,
                                            v1::Meeting& meeting);
  absl::Status SetMeetingOutputs(storage::Session& s, const CoalitionChildName& name,
                                 v1::Meeting& meeting);
  // Load, check the etag, apply `change` (returning the audit summary), store, audit: the
  // lifecycle calls of a meeting, after the caller was authorized.
  absl::Status ChangeMeeting(
      const server::Call& call, const CoalitionChildName& name, const std::string& etag,
      absl::FunctionRef<absl::StatusOr<std::string>(storage::Session&, v1::Meeting&)> change,
      v1::Meeting* resp);
  // The stored meeting with its computed outputs, or NOT_FOUND.
  absl::StatusOr<Stored<v1::Meeting>> LoadMeeting(storage::Session& s,
                                                  const CoalitionChildName& name);

  // A new commitment in the open transaction: stored, with its CREATED event. Returns its name.
  absl::StatusOr<std::string> InsertCommitment(storage::Session& s, const CoalitionName& coalition,
                                               v1::Commitment commitment,
                                               const std::string& recorded_by);
  // After the caller was authenticated and may read the coalition: load, check the etag,
  // authorize (writers of the coalition, or the member whose commitment it is), apply `change`
  // (returning the audit summary), store, audit, and record a DONE event when it became done.
  absl::Status ChangeCommitment(
      const server::Call& call, const CoalitionChildName& name, const std::string& etag,
      absl::FunctionRef<absl::StatusOr<std::string>(v1::Commitment&)> change, v1::Commitment* resp);

  // A meeting or one-to-one a commitment names as its source must exist here.
  absl::Status CheckSourceExists(storage::Session& s, const v1::CommitmentSource& source);
  // Campaign references that live in this service's store, and its computed progress.
  absl::Status CheckCampaignRefs(storage::Session& s, const CoalitionName& coalition,
                                 const v1::Campaign& campaign);
  absl::Status RollUp(storage::Session& s, const CoalitionName& coalition, v1::Campaign& campaign);
  // The outbox message telling membership's map what a completed one-to-one heard; false when
  // it heard nothing for the map.
  absl::StatusOr<bool> EnqueueActorObservation(storage::Session& s, const CoalitionChildName& name,
                                               const v1::OneToOne& one_to_one);

  storage::Database& db_;
  const Clock& clock_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  clients::Membership& membership_;
  PageTokenCodec page_tokens_;
  MeetingsOptions options_;
  BackgroundWork* background_;  // may be null (tests deliver by hand)
  MeetingsRepository repo_;
  CommitmentWatchers watchers_;
  server::RpcEdge rpc_;  // every handler runs through it
};

}  // namespace coalition::meetings

#endif  // COALITION_SERVICES_MEETINGS_MEETINGS_SERVICE_H_
