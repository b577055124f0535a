#include "tests/unit/meetings/meetings_test_fixture.h"

#include <utility>

#include <grpcpp/create_channel.h>

#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "libs/core/resource_names.h"
#include "libs/telemetry/log.h"
#include "services/meetings/domain/commitments.h"
#include "services/meetings/repository.h"
#include "tests/unit/storage/test_backends.h"

namespace coalition::meetings::testing {
namespace {

using coalition::common::v1::ROLE_NETWORK_ADMIN;

mv1::Network NetworkNamed(const std::string& id, const std::string& display_name) {
  mv1::Network network;
  network.set_name("networks/" + id);
  network.set_display_name(display_name);
  return network;
}

}  // namespace

void MeetingsServiceTest::SetUp() {
  // One access log line per call would drown the test output.
  telemetry::LogOptions log;
  log.service = "meetings-test";
  log.level = telemetry::LogLevel::kError;
  telemetry::ConfigureLogging(log);

  auto db = storage::testing::OpenTestStore();
  ASSERT_TRUE(db.ok()) << db.status();
  meetings_db_ = std::move(*db);
  ASSERT_TRUE(meetings_db_->Migrate("meetings", MeetingsMigrations()).ok());
  registry_ = std::make_shared<prometheus::Registry>();

  BackgroundWork::Options background_options;
  background_options.first_retry = absl::Seconds(1);
  background_ = std::make_unique<BackgroundWork>(*meetings_db_, clock(), membership_,
                                                 registry_.get(), background_options);
  MeetingsOptions options;
  options.time_zone = absl::UTCTimeZone();
  options.overload_threshold = 3;
  options.watch_poll = watch_poll_;
  options.watch_limits = watch_limits_;
  auto authenticator = std::make_unique<coalition::testing::FakeAuthenticator>();
  keys_ = authenticator.get();
  meetings_service_ = std::make_unique<MeetingsService>(
      *meetings_db_, clock(), std::move(authenticator), membership_, "meetings-page-token-secret",
      options, background_.get());
  server::ServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  auto server = server::GrpcServer::Start(server_options, {meetings_service_.get()});
  ASSERT_TRUE(server.ok()) << server.status();
  meetings_server_ = std::move(*server);
  meetings_stub_ = v1::MeetingsService::NewStub(
      grpc::CreateChannel(meetings_address(), grpc::InsecureChannelCredentials()));

  auth::Caller platform_admin;
  platform_admin.role = ROLE_NETWORK_ADMIN;
  platform_key_ = keys().AddKey(platform_admin);
  network_a_ = NetworkNamed("atlantic", "Atlantic Quality Network");
  network_b_ = NetworkNamed("carolina", "Carolina Quality Network");
  admin_a_ = NetworkAdminKey(network_a_.name());
  admin_b_ = NetworkAdminKey(network_b_.name());
  a1_ = membership().AddCoalition(network_a_.name(), "Southwest Virginia Care Transitions", "VA");
  a2_ = membership().AddCoalition(network_a_.name(), "Baltimore Medication Safety", "MD");
  b1_ = membership().AddCoalition(network_b_.name(), "Triangle Diabetes Coalition", "NC");

  convener_a1_ = ConvenerKey(network_a_.name(), {a1_.name()});
  convener_a2_ = ConvenerKey(network_a_.name(), {a2_.name()});
  alice_ = CreateMemberPerson(a1_.name(), "Alice Moreno");
  bob_ = CreateMemberPerson(a1_.name(), "Bob Okafor");
  carol_ = CreatePerson(network_a_.name(), "Carol Jensen");
  dana_b_ = CreateMemberPerson(b1_.name(), "Dana Whitfield");
  alice_key_ = MemberKey(a1_.name(), alice_.name());
  service_a_ = ServiceAccountKey(network_a_.name());
  team_a1_ = CreateTeam(a1_.name(), "Discharge follow-up team", "", {alice_.name()}, {bob_.name()});
}

void MeetingsServiceTest::TearDown() {
  meetings_stub_.reset();
  if (meetings_service_ != nullptr) meetings_service_->BeginShutdown();
  if (meetings_server_ != nullptr) meetings_server_->Shutdown(absl::Seconds(1));
  meetings_server_.reset();
  meetings_service_.reset();
  background_.reset();
  meetings_db_.reset();
}

std::unique_ptr<grpc::ClientContext> MeetingsServiceTest::Ctx(const std::string& secret,
                                                              absl::Duration deadline) {
  return coalition::testing::CallContext(secret, deadline);
}

std::unique_ptr<grpc::ClientContext> MeetingsServiceTest::AnonymousCtx() {
  return coalition::testing::CallContext("");
}

mv1::CreateApiKeyResponse MeetingsServiceTest::NewKey(const std::string& network, Role role,
                                                      const std::vector<std::string>& coalitions,
                                                      const std::string& person) {
  auth::Caller caller;
  caller.role = role;
  caller.network_id = ParseNetworkName(network, "network").value().network;
  for (const std::string& coalition : coalitions) {
    caller.coalition_ids.push_back(ParseCoalitionName(coalition, "coalition").value().coalition);
  }
  caller.person = person;
  caller.key = absl::StrCat(network, "/apiKeys/key", ++key_count_);
  mv1::CreateApiKeyResponse response;
  response.mutable_api_key()->set_name(caller.key);
  response.mutable_api_key()->set_role(role);
  response.set_secret(keys().AddKey(std::move(caller)));
  return response;
}

mv1::Person MeetingsServiceTest::CreatePerson(const std::string& network,
                                              const std::string& display_name,
                                              const std::string& organization) {
  return membership().AddPerson(network, display_name, organization);
}

mv1::Organization MeetingsServiceTest::CreateOrganization(const std::string& network,
                                                          const std::string& display_name) {
  return membership().AddOrganization(network, display_name);
}

void MeetingsServiceTest::CreateMembership(const std::string& coalition, const std::string& member,
                                           mv1::MembershipRole role) {
  membership().AddMembership(coalition, member, role);
}

mv1::Person MeetingsServiceTest::CreateMemberPerson(const std::string& coalition,
                                                    const std::string& display_name,
                                                    mv1::MembershipRole role) {
  mv1::Person person = CreatePerson(coalition::testing::NetworkOf(coalition), display_name);
  CreateMembership(coalition, person.name(), role);
  return person;
}

mv1::MeasurableAim MeetingsServiceTest::CreateAim(const std::string& coalition,
                                                  const std::string& metric, double baseline,
                                                  double target, double current_value) {
  mv1::MeasurableAim aim;
  aim.set_metric(metric);
  aim.set_unit("%");
  aim.set_baseline(baseline);
  aim.set_target(target);
  aim.set_current_value(current_value);
  return membership().AddAim(coalition, std::move(aim));
}

mv1::Actor MeetingsServiceTest::CreateActor(const std::string& coalition,
                                            const std::string& display_name,
                                            mv1::ActorCategory category) {
  mv1::Actor actor;
  actor.set_display_name(display_name);
  actor.set_category(category);
  return membership().AddActor(coalition, std::move(actor));
}

mv1::Team MeetingsServiceTest::CreateTeam(const std::string& coalition,
                                          const std::string& display_name,
                                          const std::string& parent_team,
                                          const std::vector<std::string>& leads,
                                          const std::vector<std::string>& members) {
  mv1::Team team;
  team.set_display_name(display_name);
  team.set_parent_team(parent_team);
  for (const std::string& lead : leads) team.add_leads(lead);
  for (const std::string& member : members) team.add_members(member);
  return membership().AddTeam(coalition, std::move(team));
}

std::string MeetingsServiceTest::meetings_address() const {
  return absl::StrCat("127.0.0.1:", meetings_server_->port());
}

Date MeetingsServiceTest::Day(int days) const {
  return ToDate(absl::ToCivilDay(clock_.Now(), absl::UTCTimeZone()) + days);
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
