#include "tests/unit/meetings/meetings_test_fixture.h"

#include <grpcpp/create_channel.h>

#include "absl/strings/str_cat.h"
#include "libs/clients/membership_authenticator.h"
#include "libs/core/proto_time.h"
#include "services/meetings/domain/commitments.h"
#include "services/meetings/repository.h"

namespace coalition::meetings::testing {

void MeetingsServiceTest::SetUp() {
  MembershipServiceTest::SetUp();
  if (HasFailure()) return;
  auto db = storage::OpenDatabase("sqlite::memory:");
  ASSERT_TRUE(db.ok()) << db.status();
  meetings_db_ = std::move(*db);
  ASSERT_TRUE(meetings_db_->Migrate("meetings", MeetingsMigrations()).ok());
  meetings_cache_ = cache::NewPassThroughCache();
  registry_ = std::make_shared<prometheus::Registry>();

  const std::string service_key = PlatformServiceKey("meetings tests");
  auto channel = grpc::CreateChannel(address(), grpc::InsecureChannelCredentials());
  membership_client_ = std::make_unique<clients::MembershipClient>(
      channel, *meetings_cache_, clients::MembershipClient::Options{.service_key = service_key});
  BackgroundWork::Options background_options;
  background_options.first_retry = absl::Seconds(1);
  background_ = std::make_unique<BackgroundWork>(*meetings_db_, clock(), *membership_client_,
                                                 registry_.get(), background_options);
  MeetingsOptions options;
  options.time_zone = absl::UTCTimeZone();
  options.overload_threshold = 3;
  options.watch_poll = watch_poll_;
  options.watch_limits = watch_limits_;
  meetings_service_ = std::make_unique<MeetingsService>(
      *meetings_db_, clock(),
      clients::NewMembershipAuthenticator(channel, {.service_key = service_key}, &clock()),
      *membership_client_, "meetings-page-token-secret", options, background_.get());
  server::ServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  auto server = server::GrpcServer::Start(server_options, {meetings_service_.get()});
  ASSERT_TRUE(server.ok()) << server.status();
  meetings_server_ = std::move(*server);
  meetings_stub_ = v1::MeetingsService::NewStub(
      grpc::CreateChannel(meetings_address(), grpc::InsecureChannelCredentials()));

  convener_a1_ = ConvenerKey(network_a_.name(), {a1_.name()});
  convener_a2_ = ConvenerKey(network_a_.name(), {a2_.name()});
  alice_ = CreateMemberPerson(a1_.name(), "Alice Moreno");
  bob_ = CreateMemberPerson(a1_.name(), "Bob Okafor");
  carol_ = CreatePerson(network_a_.name(), "Carol Jensen");
  dana_b_ = CreateMemberPerson(b1_.name(), "Dana Whitfield");
  alice_key_ = MemberKey(a1_.name(), alice_.name());
  service_a_ = ServiceAccountKey(network_a_.name());
  team_a1_ = CreateTeam(a1_.name(), "Discharge follow-up team", "", {alice_.name()}, {bob_.name()});
  ASSERT_FALSE(HasFailure());
}

void MeetingsServiceTest::TearDown() {
  meetings_stub_.reset();
  if (meetings_service_ != nullptr) meetings_service_->BeginShutdown();
  if (meetings_server_ != nullptr) meetings_server_->Shutdown(absl::Seconds(1));
  meetings_server_.reset();
  meetings_service_.reset();
  background_.reset();
  membership_client_.reset();
  meetings_cache_.reset();
  meetings_db_.reset();
  MembershipServiceTest::TearDown();
}

std::string MeetingsServiceTest::meetings_address() const {
  return absl::StrCat("127.0.0.1:", meetings_server_->port());
}

Date MeetingsServiceTest::Day(int days) const {
  return ToDate(
      absl::ToCivilDay(const_cast<MeetingsServiceTest*>(this)->clock().Now(), absl::UTCTimeZone()) +
      days);
}

v1::Meeting MeetingsServiceTest::CreateMeeting(const std::string& coalition,
                                               const std::string& display_name, absl::Time start,
                                               v1::Meeting::Kind kind, const std::string& team,
                                               const std::string& key) {
  v1::CreateMeetingRequest request;
  request.set_parent(coalition);
  v1::Meeting* meeting = request.mutable_meeting();
  meeting->set_kind(kind);
  meeting->set_display_name(display_name);
  meeting->set_team(team);
  *meeting->mutable_start_time() = ToProtoTimestamp(start);
  *meeting->mutable_end_time() = ToProtoTimestamp(start + absl::Hours(1));
  meeting->set_place("Community room, Abingdon library");
  v1::Meeting created;
  const grpc::Status status =
      meetings().CreateMeeting(Ctx(key.empty() ? convener_a1_ : key).get(), request, &created);
  EXPECT_THAT(status, IsOk()) << "CreateMeeting " << display_name;
  return created;
}

v1::Commitment MeetingsServiceTest::CreateCommitment(const std::string& coalition,
                                                     const std::string& person,
                                                     const std::string& what, const Date& due,
                                                     v1::CommitmentSource source,
                                                     const std::string& key) {
  v1::CreateCommitmentRequest request;
  request.set_parent(coalition);
  request.set_request_id(absl::StrCat("fixture-commitment-", ++request_count_));
  v1::Commitment* commitment = request.mutable_commitment();
  commitment->set_person(person);
  commitment->set_what(what);
  *commitment->mutable_due_date() = due;
  if (source.kind() == v1::CommitmentSource::KIND_UNSPECIFIED) {
    source.set_kind(v1::CommitmentSource::MANUAL);
  }
  *commitment->mutable_source() = source;
  v1::Commitment created;
  const grpc::Status status =
      meetings().CreateCommitment(Ctx(key.empty() ? convener_a1_ : key).get(), request, &created);
  EXPECT_THAT(status, IsOk()) << "CreateCommitment " << what;
  return created;
}

v1::OneToOne MeetingsServiceTest::CreateOneToOne(const std::string& coalition,
                                                 const std::string& organizer,
                                                 const std::string& counterpart_person,
                                                 const std::string& key) {
  v1::CreateOneToOneRequest request;
  request.set_parent(coalition);
  request.mutable_one_to_one()->set_organizer(organizer);
  request.mutable_one_to_one()->set_counterpart_person(counterpart_person);
  *request.mutable_one_to_one()->mutable_meeting_time() =
      ToProtoTimestamp(clock().Now() + absl::Hours(24));
  v1::OneToOne created;
  const grpc::Status status =
      meetings().CreateOneToOne(Ctx(key.empty() ? convener_a1_ : key).get(), request, &created);
  EXPECT_THAT(status, IsOk()) << "CreateOneToOne";
  return created;
}

v1::Meeting MeetingsServiceTest::StartMeeting(const v1::Meeting& meeting) {
  v1::StartMeetingRequest request;
  request.set_name(meeting.name());
  v1::Meeting started;
  EXPECT_THAT(meetings().StartMeeting(Ctx(convener_a1_).get(), request, &started), IsOk());
  return started;
}

v1::Commitment MeetingsServiceTest::SetStatus(const v1::Commitment& commitment,
                                              v1::Commitment::Status status,
                                              const std::string& note) {
  v1::CheckInCommitmentRequest request;
  request.set_name(commitment.name());
  request.set_status(status);
  request.set_note(note.empty() ? "checked at the meeting" : note);
  v1::Commitment changed;
  EXPECT_THAT(meetings().CheckInCommitment(Ctx(convener_a1_).get(), request, &changed), IsOk());
  return changed;
}

std::vector<common::v1::AuditEvent> MeetingsServiceTest::MeetingsAuditEvents(
    const std::string& network, const std::string& resource_prefix) {
  v1::ListAuditEventsRequest request;
  request.set_parent(network);
  request.set_resource_prefix(resource_prefix);
  request.set_page_size(500);
  v1::ListAuditEventsResponse response;
  EXPECT_THAT(meetings().ListAuditEvents(Ctx(platform_key()).get(), request, &response), IsOk());
  return {response.audit_events().begin(), response.audit_events().end()};
}

}  // namespace coalition::meetings::testing
