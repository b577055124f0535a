// The meetings-server binary as operators run it, beside a real membership-server: health,
// reflection, authentication on every method, metrics, the outbox to membership delivered
// exactly once across membership's restart, a caller's deadline bounding meetings' call to a hung
// membership, and shutdown with a watch open.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/grpcpp.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "coalition/meetings/v1/meetings_service.grpc.pb.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/testing/child_process.h"
#include "libs/testing/temp_dir.h"
#include "libs/testing/test_pki.h"
#include "libs/testing/test_store.h"
#include "nlohmann/json.hpp"
#include "tests/integration/service_process.h"

namespace coalition::testing {
namespace {

namespace mv1 = ::coalition::membership::v1;
namespace v1 = ::coalition::meetings::v1;

constexpr char kService[] = "coalition.meetings.v1.MeetingsService";

// The value of the unlabelled metric `name` in a Prometheus text scrape; nullopt if absent.
std::optional<double> ScrapedValue(const std::string& scrape, absl::string_view name) {
  for (absl::string_view line : absl::StrSplit(scrape, '\n')) {
    if (!absl::ConsumePrefix(&line, name) || !absl::ConsumePrefix(&line, " ")) continue;
    double value = 0;
    if (absl::SimpleAtod(line, &value)) return value;
  }
  return std::nullopt;
}

// The duration_ms of the access log line of the call to `method` (its last part, e.g.
// "CreateCommitment") in a service's `log`; nullopt when there is none.
std::optional<double> LoggedDuration(const std::string& log, absl::string_view method) {
  const std::string suffix = absl::StrCat("/", method);
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    const nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!entry.is_object() || entry.value("msg", "") != "request" ||
        !absl::EndsWith(entry.value("method", ""), suffix) || !entry["duration_ms"].is_number()) {
      continue;
    }
    return entry["duration_ms"].get<double>();
  }
  return std::nullopt;
}

// Polls `done` every 250 ms until it holds or `timeout` passes; returns its last answer.
bool WaitUntil(absl::Duration timeout, const std::function<bool()>& done) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() >= deadline) return false;
    absl::SleepFor(absl::Milliseconds(250));
  }
  return true;
}

class MeetingsProcessTest : public ::testing::Test {
 protected:
  // A real membership-server with an admin key and a service key for meetings.
  void SetUp() override {
    auto dir = TempDir::Create("meetings-process");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = std::make_unique<TempDir>(std::move(*dir));
    auto membership_store = TestStoreUrl(dir_->path(), "membership");
    ASSERT_TRUE(membership_store.ok()) << membership_store.status();
    const std::string store = *membership_store;
    auto admin = CreateAdminKey(MEMBERSHIP_SERVER_PATH, store);
    ASSERT_TRUE(admin.ok()) << admin.status();
    admin_key_ = *admin;
    auto service_key =
        CreateKey(MEMBERSHIP_SERVER_PATH, store, "create_service_key", "meetings-server");
    ASSERT_TRUE(service_key.ok()) << service_key.status();
    key_file_ = dir_->path() + "/meetings.key";
    std::ofstream(key_file_) << *service_key << "\n";
    auto membership = StartService(MEMBERSHIP_SERVER_PATH, dir_->path(), "membership");
    ASSERT_TRUE(membership.ok()) << membership.status();
    membership_ = std::move(*membership);
    ConnectToMembership();
  }

  void ConnectToMembership(
      std::shared_ptr<grpc::ChannelCredentials> credentials = grpc::InsecureChannelCredentials()) {
    membership_stub_ = mv1::MembershipService::NewStub(
        grpc::CreateChannel(membership_.address(), std::move(credentials)));
  }

  // Restarts membership requiring client certificates signed by the PKI's ca, as production
  // runs it, and connects the test's own stub with the client certificate.
  void RequireMutualTlsAtMembership(const TestPki& pki) {
    ASSERT_TRUE(RestartService(
                    MEMBERSHIP_SERVER_PATH, dir_->path(), "membership", membership_,
                    {"--tls_cert=" + pki.Path("server.pem"), "--tls_key=" + pki.Path("server.key"),
                     "--tls_client_ca=" + pki.Path("ca.pem")})
                    .ok());
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = pki.Read("ca.pem");
    tls.pem_cert_chain = pki.Read("client.pem");
    tls.pem_private_key = pki.Read("client.key");
    ConnectToMembership(grpc::SslCredentials(tls));
  }

  void StartMeetings(const std::vector<std::string>& extra_args = {}) {
    std::vector<std::string> args = {"--membership=" + membership_.address(),
                                     "--membership_key_file=" + key_file_};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    auto meetings = StartService(MEETINGS_SERVER_PATH, dir_->path(), "meetings", args);
    ASSERT_TRUE(meetings.ok()) << meetings.status();
    meetings_ = std::move(*meetings);
    channel_ = grpc::CreateChannel(meetings_.address(), grpc::InsecureChannelCredentials());
    stub_ = v1::MeetingsService::NewStub(channel_);
  }

  std::unique_ptr<grpc::ClientContext> Context() const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", "Bearer " + admin_key_);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return context;
  }

  // A network with one coalition in Virginia; returns the coalition's name.
  std::string MakeCoalition() {
    mv1::CreateNetworkRequest network_request;
    network_request.mutable_network()->set_display_name("Process test network");
    network_request.mutable_network()->add_states("VA");
    mv1::Network network;
    grpc::Status status =
        membership_stub_->CreateNetwork(Context().get(), network_request, &network);
    EXPECT_TRUE(status.ok()) << status.error_message();
    mv1::CreateCoalitionRequest coalition_request;
    coalition_request.set_parent(network.name());
    coalition_request.mutable_coalition()->set_display_name("Roanoke school health");
    coalition_request.mutable_coalition()->set_state("VA");
    mv1::Coalition coalition;
    status = membership_stub_->CreateCoalition(Context().get(), coalition_request, &coalition);
    EXPECT_TRUE(status.ok()) << status.error_message();
    network_ = network.name();
    return coalition.name();
  }

  std::string CreatePerson(const std::string& display_name) {
    mv1::CreatePersonRequest request;
    request.set_parent(network_);
    request.mutable_person()->set_display_name(display_name);
    request.mutable_person()->set_stakeholder_type(mv1::COMMUNITY_ORGANIZATIONS);
    mv1::Person person;
    grpc::Status status = membership_stub_->CreatePerson(Context().get(), request, &person);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return person.name();
  }

  std::string AddMember(const std::string& coalition, const std::string& display_name) {
    const std::string person = CreatePerson(display_name);
    mv1::CreateMembershipRequest request;
    request.set_parent(coalition);
    request.mutable_membership()->set_member(person);
    request.mutable_membership()->set_role(mv1::MEMBER);
    mv1::Membership membership;
    grpc::Status status = membership_stub_->CreateMembership(Context().get(), request, &membership);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return person;
  }

  // A manual commitment of `person` in `coalition`, due in 2030.
  static v1::CreateCommitmentRequest NewCommitment(const std::string& coalition,
                                                   const std::string& person,
                                                   const std::string& what) {
    v1::CreateCommitmentRequest request;
    request.set_parent(coalition);
    request.mutable_commitment()->set_person(person);
    request.mutable_commitment()->set_what(what);
    request.mutable_commitment()->mutable_due_date()->set_year(2030);
    request.mutable_commitment()->mutable_due_date()->set_month(1);
    request.mutable_commitment()->mutable_due_date()->set_day(15);
    request.mutable_commitment()->mutable_source()->set_kind(v1::CommitmentSource::MANUAL);
    return request;
  }

  // Records one stage of `one_to_one` (name and etag filled in) and keeps the answer in it.
  grpc::Status RecordStage(v1::RecordOneToOneStageRequest request, v1::OneToOne& one_to_one) {
    request.set_name(one_to_one.name());
    request.set_etag(one_to_one.etag());
    v1::OneToOne recorded;
    grpc::Status status = stub_->RecordOneToOneStage(Context().get(), request, &recorded);
    if (status.ok()) one_to_one = std::move(recorded);
    return status;
  }

  // The actors of `coalition` that are `person`.
  std::vector<mv1::Actor> ActorsFor(const std::string& coalition, const std::string& person) {
    mv1::ListActorsRequest request;
    request.set_parent(coalition);
    request.set_page_size(500);
    mv1::ListActorsResponse response;
    std::vector<mv1::Actor> found;
    if (!membership_stub_->ListActors(Context().get(), request, &response).ok()) return found;
    for (const mv1::Actor& actor : response.actors()) {
      if (actor.person() == person) found.push_back(actor);
    }
    return found;
  }

  int RevisionCount(const std::string& actor) {
    mv1::ListActorRevisionsRequest request;
    request.set_parent(actor);
    request.set_page_size(500);
    mv1::ListActorRevisionsResponse response;
    grpc::Status status = membership_stub_->ListActorRevisions(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.revisions_size();
  }

  std::optional<double> MeetingsMetric(absl::string_view name) {
    auto scrape = HttpGet(meetings_.metrics_port, "/metrics");
    if (!scrape.ok()) return std::nullopt;
    return ScrapedValue(*scrape, name);
  }

  std::unique_ptr<TempDir> dir_;
  std::string admin_key_;
  std::string key_file_;
  std::string network_;
  ServiceProcess membership_;
  std::unique_ptr<mv1::MembershipService::Stub> membership_stub_;
  ServiceProcess meetings_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::MeetingsService::Stub> stub_;
};

TEST_F(MeetingsProcessTest, AnswersHealthWithServing) {
  ASSERT_NO_FATAL_FAILURE(StartMeetings());
  auto health = grpc::health::v1::Health::NewStub(channel_);
  for (const std::string service : {"", kService}) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, request, &response).ok()) << service;
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
}

TEST_F(MeetingsProcessTest, ListsTheServiceByReflection) {
  ASSERT_NO_FATAL_FAILURE(StartMeetings());
  auto services = ListServicesByReflection(channel_);
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_NE(std::find(services->begin(), services->end(), kService), services->end());
}

TEST_F(MeetingsProcessTest, EveryMethodWithoutAValidKeyIsUnauthenticated) {
  ASSERT_NO_FATAL_FAILURE(StartMeetings());
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(kService);
  ASSERT_NE(descriptor, nullptr);
  ASSERT_GE(descriptor->method_count(), 30);
  for (int i = 0; i < descriptor->method_count(); ++i) {
    const std::string method = "/" + std::string(kService) + "/" + descriptor->method(i)->name();
    EXPECT_EQ(CallWithEmptyRequest(channel_, method).error_code(), grpc::UNAUTHENTICATED) << method;
    // Not a key membership knows: meetings asks membership, which refuses it.
    EXPECT_EQ(CallWithEmptyRequest(channel_, method, "ck_not-a-real-key").error_code(),
              grpc::UNAUTHENTICATED)
        << method;
  }
}

// An empty request passes some handlers' validation; these do not, and must still learn nothing
// (not even whether a team exists) before the caller is known.
TEST_F(MeetingsProcessTest, InvalidRequestsWithoutAKeyAreUnauthenticatedNotValidated) {
  ASSERT_NO_FATAL_FAILURE(StartMeetings());
  const std::string commitment = "networks/n1/coalitions/c1/commitments/m1";
  auto anonymous = [] {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return context;
  };
  v1::Commitment response;

  v1::UpdateCommitmentRequest update;
  update.mutable_commitment()->set_name(commitment);
  update.mutable_commitment()->set_team("networks/n1/coalitions/c1/teams/t1");
  update.mutable_update_mask()->add_paths("team");
  EXPECT_EQ(stub_->UpdateCommitment(anonymous().get(), update, &response).error_code(),
            grpc::UNAUTHENTICATED);

  v1::CheckInCommitmentRequest check_in;
  check_in.set_name(commitment);
  check_in.set_status(v1::Commitment::OPEN);
  EXPECT_EQ(stub_->CheckInCommitment(anonymous().get(), check_in, &response).error_code(),
            grpc::UNAUTHENTICATED);

  v1::ReopenCommitmentRequest reopen;
  reopen.set_name(commitment);
  EXPECT_EQ(stub_->ReopenCommitment(anonymous().get(), reopen, &response).error_code(),
            grpc::UNAUTHENTICATED);
}

TEST_F(MeetingsProcessTest, ServesHandledCountsAndTheCommitmentAndOutboxGauges) {
  ASSERT_NO_FATAL_FAILURE(StartMeetings());
  const std::string coalition = MakeCoalition();
  v1::ListCommitmentsRequest request;
  request.set_parent(coalition);
  v1::ListCommitmentsResponse response;
  grpc::Status status = stub_->ListCommitments(Context().get(), request, &response);
  ASSERT_TRUE(status.ok()) << status.error_message();

  auto scrape = HttpGet(meetings_.metrics_port, "/metrics");
  ASSERT_TRUE(scrape.ok()) << scrape.status();
  EXPECT_NE(scrape->find("grpc_server_handled_total{"), std::string::npos);
  EXPECT_NE(scrape->find("grpc_method=\"ListCommitments\""), std::string::npos);
  for (absl::string_view gauge :
       {"coalition_commitments_open", "coalition_commitments_overdue", "coalition_outbox_messages",
        "coalition_outbox_oldest_age_seconds"}) {
    std::optional<double> value = ScrapedValue(*scrape, gauge);
    ASSERT_TRUE(value.has_value()) << gauge;
    EXPECT_EQ(*value, 0) << gauge;
  }
}

TEST_F(MeetingsProcessTest, ActorObservationReachesMembershipExactlyOnceAfterItComesBack) {
  ASSERT_NO_FATAL_FAILURE(StartMeetings());
  const std::string coalition = MakeCoalition();
  const std::string organizer = AddMember(coalition, "Pat Organizer");
  const std::string counterpart = CreatePerson("Quinn Counterpart");

  v1::CreateOneToOneRequest create;
  create.set_parent(coalition);
  create.mutable_one_to_one()->set_organizer(organizer);
  create.mutable_one_to_one()->set_counterpart_person(counterpart);
  v1::OneToOne one_to_one;
  grpc::Status status = stub_->CreateOneToOne(Context().get(), create, &one_to_one);
  ASSERT_TRUE(status.ok()) << status.error_message();

  v1::RecordOneToOneStageRequest selection;
  selection.mutable_selection()->set_why_this_person("Runs the PTA's food drive");
  selection.mutable_selection()->set_how_connected("Neighbours for ten years");
  selection.mutable_selection()->set_tie_strength(mv1::STRONG);
  status = RecordStage(selection, one_to_one);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::RecordOneToOneStageRequest purpose;
  purpose.mutable_purpose()->set_kind(v1::OneToOne::Purpose::BUILD);
  status = RecordStage(purpose, one_to_one);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::RecordOneToOneStageRequest exploration;
  exploration.mutable_exploration()->add_interests("school nutrition");
  exploration.mutable_exploration()->add_resources(mv1::VOLUNTEERS);
  status = RecordStage(exploration, one_to_one);
  ASSERT_TRUE(status.ok()) << status.error_message();
  v1::RecordOneToOneStageRequest exchange;
  exchange.mutable_exchange()->set_offered("An introduction to the food bank");
  exchange.mutable_exchange()->set_received("Ten volunteers for the spring drive");
  status = RecordStage(exchange, one_to_one);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Membership goes away; meetings still knows the caller's key (cached), and the commitment
  // stage without commitments asks membership nothing.
  ASSERT_TRUE(membership_.process->Signal(SIGTERM).ok());
  auto stopped = membership_.process->Wait(absl::Seconds(15));
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  v1::RecordOneToOneStageRequest outcome;
  outcome.mutable_outcome()->set_no_commitment_reason("Wants to ask the PTA board first");
  outcome.set_request_id("9b2f6c1e-3d4a-4e5b-8c7d-0a1b2c3d4e5f");
  status = RecordStage(outcome, one_to_one);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(one_to_one.state(), v1::OneToOne::COMPLETED);

  // A write that needs membership's answer fails UNAVAILABLE and leaves nothing behind.
  v1::CreateCommitmentRequest commitment =
      NewCommitment(coalition, organizer, "Bring the PTA board's answer");
  commitment.set_request_id("c0ffee00-1111-4222-8333-444455556666");
  v1::Commitment not_made;
  EXPECT_EQ(stub_->CreateCommitment(Context().get(), commitment, &not_made).error_code(),
            grpc::UNAVAILABLE);
  v1::ListCommitmentsRequest list;
  list.set_parent(coalition);
  v1::ListCommitmentsResponse listed;
  status = stub_->ListCommitments(Context().get(), list, &listed);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(listed.commitments_size(), 0);

  // The observation waits in the outbox. The relay refreshes the backlog gauge after each round
  // that found messages due, and every 15 s in any case.
  EXPECT_TRUE(WaitUntil(absl::Seconds(20), [&] {
    return MeetingsMetric("coalition_outbox_messages") == std::optional<double>(1);
  })) << meetings_.process->LogTail();
  EXPECT_GT(MeetingsMetric("coalition_outbox_oldest_age_seconds").value_or(0), 0);

  ASSERT_TRUE(RestartService(MEMBERSHIP_SERVER_PATH, dir_->path(), "membership", membership_).ok());
  ConnectToMembership();
  std::vector<mv1::Actor> actors;
  ASSERT_TRUE(WaitUntil(absl::Seconds(40), [&] {
    actors = ActorsFor(coalition, counterpart);
    return !actors.empty();
  })) << meetings_.process->LogTail();
  ASSERT_EQ(actors.size(), 1u);
  const mv1::Actor& actor = actors[0];
  EXPECT_EQ(std::vector<std::string>(actor.interests().begin(), actor.interests().end()),
            std::vector<std::string>{"school nutrition"});
  ASSERT_EQ(actor.resources_size(), 1);
  EXPECT_EQ(actor.resources(0), mv1::VOLUNTEERS);
  EXPECT_EQ(actor.tie_strength(), mv1::STRONG);
  EXPECT_EQ(RevisionCount(actor.name()), 1);
  EXPECT_TRUE(WaitUntil(absl::Seconds(5), [&] {
    return MeetingsMetric("coalition_outbox_messages") == std::optional<double>(0);
  }));

  // Delivered once and gone: the relay's later rounds change nothing.
  absl::SleepFor(absl::Seconds(3));
  EXPECT_EQ(RevisionCount(actor.name()), 1);
  EXPECT_EQ(ActorsFor(coalition, counterpart).size(), 1u);
  EXPECT_EQ(MeetingsMetric("coalition_outbox_messages"), std::optional<double>(0));
}

TEST_F(MeetingsProcessTest, CallersDeadlineBoundsTheCallToAHungMembership) {
  ASSERT_NO_FATAL_FAILURE(StartMeetings());
  const std::string coalition = MakeCoalition();
  const std::string person = AddMember(coalition, "Rae Hurried");
  // Meetings learns the caller's key (and remembers it for 30 s) while membership answers.
  v1::ListCommitmentsRequest list;
  list.set_parent(coalition);
  v1::ListCommitmentsResponse listed;
  grpc::Status status = stub_->ListCommitments(Context().get(), list, &listed);
  ASSERT_TRUE(status.ok()) << status.error_message();

  // Membership stops answering but keeps its connections open, as a hung process does.
  ASSERT_TRUE(membership_.process->Freeze().ok());
  const v1::CreateCommitmentRequest request =
      NewCommitment(coalition, person, "Bring the discharge checklist");
  auto context = Context();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::milliseconds(500));
  v1::Commitment made;
  status = stub_->CreateCommitment(context.get(), request, &made);
  EXPECT_EQ(status.error_code(), grpc::DEADLINE_EXCEEDED) << status.error_message();

  // Meetings' own work ended with the caller's deadline: its question to membership had the
  // 500 ms the caller had left, not 2 s of its own.
  std::optional<double> took;
  EXPECT_TRUE(WaitUntil(absl::Seconds(5), [&] {
    took = LoggedDuration(meetings_.process->LogTail(), "CreateCommitment");
    return took.has_value();
  })) << meetings_.process->LogTail();
  EXPECT_LT(took.value_or(0), 1500) << meetings_.process->LogTail();
  ASSERT_TRUE(membership_.process->Signal(SIGCONT).ok());
}

TEST_F(MeetingsProcessTest, CallsMembershipOverMutualTlsWithItsClientCertificate) {
  absl::StatusOr<TestPki> pki = TestPki::Create();
  ASSERT_TRUE(pki.ok()) << pki.status();
  ASSERT_NO_FATAL_FAILURE(RequireMutualTlsAtMembership(*pki));
  ASSERT_NO_FATAL_FAILURE(StartMeetings({"--membership_tls_ca=" + pki->Path("ca.pem"),
                                         "--membership_tls_cert=" + pki->Path("client.pem"),
                                         "--membership_tls_key=" + pki->Path("client.key")}));
  const std::string coalition = MakeCoalition();
  ASSERT_FALSE(coalition.empty());

  // Meetings asks membership about the key, then about the coalition, over mutual TLS.
  v1::ListCommitmentsRequest request;
  request.set_parent(coalition);
  v1::ListCommitmentsResponse response;
  grpc::Status status = stub_->ListCommitments(Context().get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message() << "\n"
                           << meetings_.process->LogTail();
}

TEST_F(MeetingsProcessTest, WithoutItsClientCertificateMeetingsCannotReachMembership) {
  absl::StatusOr<TestPki> pki = TestPki::Create();
  ASSERT_TRUE(pki.ok()) << pki.status();
  ASSERT_NO_FATAL_FAILURE(RequireMutualTlsAtMembership(*pki));
  ASSERT_NO_FATAL_FAILURE(StartMeetings({"--membership_tls_ca=" + pki->Path("ca.pem")}));
  const std::string coalition = MakeCoalition();

  v1::ListCommitmentsRequest request;
  request.set_parent(coalition);
  v1::ListCommitmentsResponse response;
  EXPECT_EQ(stub_->ListCommitments(Context().get(), request, &response).error_code(),
            grpc::UNAVAILABLE);
}

TEST_F(MeetingsProcessTest, ClientCertificateWithoutItsKeyStopsStartupNamingTheFlag) {
  absl::StatusOr<TestPki> pki = TestPki::Create();
  ASSERT_TRUE(pki.ok()) << pki.status();
  auto process = ChildProcess::Start(
      {MEETINGS_SERVER_PATH, "--listen=127.0.0.1:0", "--metrics_listen=off",
       "--store=" + *TestStoreUrl(dir_->path(), "meetings"), "--membership_key_file=" + key_file_,
       "--membership_tls_ca=" + pki->Path("ca.pem"),
       "--membership_tls_cert=" + pki->Path("client.pem")},
      dir_->path() + "/meetings-bad-tls.log");
  ASSERT_TRUE(process.ok()) << process.status();
  auto exit_code = (*process)->Wait(absl::Seconds(15));
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 1);
  EXPECT_NE((*process)->LogTail().find("--membership_tls_key"), std::string::npos)
      << (*process)->LogTail();
}

TEST_F(MeetingsProcessTest, SigtermEndsAnOpenWatchAndExitsZeroPromptly) {
  ASSERT_NO_FATAL_FAILURE(StartMeetings({"--drain_timeout=10s"}));
  const std::string coalition = MakeCoalition();
  auto context = Context();
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::WatchCommitmentEventsRequest request;
  request.set_parent(coalition);
  auto reader = stub_->WatchCommitmentEvents(context.get(), request);
  // The watch sends its headers once it is live on the server.
  reader->WaitForInitialMetadata();

  const absl::Time signalled = absl::Now();
  ASSERT_TRUE(meetings_.process->Signal(SIGTERM).ok());
  v1::CommitmentEvent event;
  while (reader->Read(&event)) {
  }
  grpc::Status status = reader->Finish();
  const absl::Duration stream_ended = absl::Now() - signalled;
  EXPECT_TRUE(status.ok() || status.error_code() == grpc::UNAVAILABLE)
      << status.error_code() << " " << status.error_message();
  // The watch is ended before the drain starts: it does not wait for the drain timeout.
  EXPECT_LT(stream_ended, absl::Seconds(2));

  // The server's drain waits for its clients to close their connections, and an idle C++
  // channel reads the server's GOAWAY only at its backup poll (every 5 s): the watcher, told
  // that the server is going away, lets go of its channel as a client moving elsewhere does.
  reader.reset();
  context.reset();
  stub_.reset();
  channel_.reset();
  auto exit_code = meetings_.process->Wait(absl::Seconds(15));
  const absl::Duration took = absl::Now() - signalled;
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0) << meetings_.process->LogTail();
  EXPECT_LT(took, absl::Seconds(4)) << meetings_.process->LogTail();
}

}  // namespace
}  // namespace coalition::testing
