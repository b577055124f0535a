// The membership-server binary as operators run it: health, reflection, authentication on every
// method, metrics, graceful shutdown with calls in flight, and reads that outlive Redis.
#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/grpcpp.h>

#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "google/protobuf/descriptor.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/testing/child_process.h"
#include "libs/testing/redis_server.h"
#include "libs/testing/temp_dir.h"
#include "libs/testing/test_store.h"
#include "tests/integration/service_process.h"

namespace coalition::testing {
namespace {

namespace v1 = ::coalition::membership::v1;

constexpr char kService[] = "coalition.membership.v1.MembershipService";

class MembershipProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto dir = TempDir::Create("membership-process");
    ASSERT_TRUE(dir.ok()) << dir.status();
    dir_ = std::make_unique<TempDir>(std::move(*dir));
  }

  void Start(const std::vector<std::string>& extra_args = {}) {
    auto key = CreateAdminKey(MEMBERSHIP_SERVER_PATH, Store());
    ASSERT_TRUE(key.ok()) << key.status();
    admin_key_ = *key;
    auto service = StartService(MEMBERSHIP_SERVER_PATH, dir_->path(), "membership", extra_args);
    ASSERT_TRUE(service.ok()) << service.status();
    service_ = std::move(*service);
    channel_ = grpc::CreateChannel(service_.address(), grpc::InsecureChannelCredentials());
    stub_ = v1::MembershipService::NewStub(channel_);
  }

  std::string Store() const { return *TestStoreUrl(dir_->path(), "membership"); }

  std::unique_ptr<grpc::ClientContext> Context() const {
    auto context = std::make_unique<grpc::ClientContext>();
    context->AddMetadata("authorization", "Bearer " + admin_key_);
    context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return context;
  }

  // A network with one coalition in Virginia; returns the coalition's name.
  std::string MakeCoalition() {
    v1::CreateNetworkRequest network_request;
    network_request.mutable_network()->set_display_name("Process test network");
    network_request.mutable_network()->add_states("VA");
    v1::Network network;
    EXPECT_TRUE(stub_->CreateNetwork(Context().get(), network_request, &network).ok());
    v1::CreateCoalitionRequest coalition_request;
    coalition_request.set_parent(network.name());
    coalition_request.mutable_coalition()->set_display_name("Roanoke care transitions");
    coalition_request.mutable_coalition()->set_state("VA");
    v1::Coalition coalition;
    EXPECT_TRUE(stub_->CreateCoalition(Context().get(), coalition_request, &coalition).ok());
    network_ = network.name();
    return coalition.name();
  }

  std::string AddMember(const std::string& coalition, const std::string& name) {
    v1::CreatePersonRequest person_request;
    person_request.set_parent(network_);
    person_request.mutable_person()->set_display_name(name);
    person_request.mutable_person()->set_stakeholder_type(v1::PHARMACISTS);
    v1::Person person;
    EXPECT_TRUE(stub_->CreatePerson(Context().get(), person_request, &person).ok());
    v1::CreateMembershipRequest membership_request;
    membership_request.set_parent(coalition);
    membership_request.mutable_membership()->set_member(person.name());
    membership_request.mutable_membership()->set_role(v1::MEMBER);
    v1::Membership membership;
    EXPECT_TRUE(stub_->CreateMembership(Context().get(), membership_request, &membership).ok());
    return person.name();
  }

  int EligibleCount(const std::string& coalition) {
    v1::ListEligibleMembersRequest request;
    request.set_coalition(coalition);
    v1::ListEligibleMembersResponse response;
    grpc::Status status = stub_->ListEligibleMembers(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.members_size();
  }

  std::unique_ptr<TempDir> dir_;
  ServiceProcess service_;
  std::string admin_key_;
  std::string network_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<v1::MembershipService::Stub> stub_;
};

TEST_F(MembershipProcessTest, AnswersHealthWithServing) {
  Start();
  auto health = grpc::health::v1::Health::NewStub(channel_);
  for (const std::string service : {"", kService}) {
    grpc::ClientContext context;
    grpc::health::v1::HealthCheckRequest request;
    request.set_service(service);
    grpc::health::v1::HealthCheckResponse response;
    ASSERT_TRUE(health->Check(&context, request, &response).ok());
    EXPECT_EQ(response.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
}

TEST_F(MembershipProcessTest, ListsTheServiceByReflection) {
  Start();
  auto services = ListServicesByReflection(channel_);
  ASSERT_TRUE(services.ok()) << services.status();
  EXPECT_NE(std::find(services->begin(), services->end(), kService), services->end());
}

TEST_F(MembershipProcessTest, EveryMethodWithoutCredentialsIsUnauthenticated) {
  Start();
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(kService);
  ASSERT_NE(descriptor, nullptr);
  ASSERT_GT(descriptor->method_count(), 40);
  for (int i = 0; i < descriptor->method_count(); ++i) {
    const std::string method = "/" + std::string(kService) + "/" + descriptor->method(i)->name();
    EXPECT_EQ(CallWithEmptyRequest(channel_, method).error_code(), grpc::UNAUTHENTICATED) << method;
    EXPECT_EQ(CallWithEmptyRequest(channel_, method, "ck_not-a-real-key").error_code(),
              grpc::UNAUTHENTICATED)
        << method;
  }
}

TEST_F(MembershipProcessTest, ServiceKeyFromTheCommandLineReadsButWritesNothing) {
  Start();
  const std::string coalition = MakeCoalition();
  auto key = CreateKey(MEMBERSHIP_SERVER_PATH, Store(), "create_service_key", "meetings-server");
  ASSERT_TRUE(key.ok()) << key.status();
  auto context = [&] {
    auto c = std::make_unique<grpc::ClientContext>();
    c->AddMetadata("authorization", "Bearer " + *key);
    c->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    return c;
  };
  v1::GetCoalitionRequest get;
  get.set_name(coalition);
  v1::Coalition found;
  grpc::Status status = stub_->GetCoalition(context().get(), get, &found);
  EXPECT_TRUE(status.ok()) << status.error_message();
  v1::UpdateCoalitionRequest update;
  update.mutable_coalition()->set_name(coalition);
  update.mutable_coalition()->set_region("all of VA");
  update.mutable_update_mask()->add_paths("region");
  v1::Coalition updated;
  EXPECT_EQ(stub_->UpdateCoalition(context().get(), update, &updated).error_code(),
            grpc::PERMISSION_DENIED);
}

TEST_F(MembershipProcessTest, CreatingAnAdminAndAServiceKeyAtOnceIsAUsageError) {
  const std::string command = std::string(MEMBERSHIP_SERVER_PATH) + " --store=" + Store() +
                              " --create_admin_key=a --create_service_key=b >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
}

TEST_F(MembershipProcessTest, ServesMetricsWithHandledCounts) {
  Start();
  MakeCoalition();
  auto metrics = HttpGet(service_.metrics_port, "/metrics");
  ASSERT_TRUE(metrics.ok()) << metrics.status();
  EXPECT_NE(metrics->find("grpc_server_handled_total{"), std::string::npos);
  EXPECT_NE(metrics->find("grpc_method=\"CreateCoalition\""), std::string::npos);
  EXPECT_NE(metrics->find("grpc_server_handling_seconds_bucket"), std::string::npos);
}

TEST_F(MembershipProcessTest, SigtermLetsCallsInFlightCompleteAndExitsZero) {
  Start({"--drain_timeout=10s"});
  const std::string coalition = MakeCoalition();
  // A roster import is a client stream: it stays in flight until the client closes it.
  auto context = Context();
  v1::ImportRosterResponse response;
  auto writer = stub_->ImportRoster(context.get(), &response);
  v1::ImportRosterRequest first;
  first.set_parent(coalition);
  auto* row = first.add_rows();
  row->set_display_name("Ada Quinn");
  row->set_email("ada.quinn@example.org");
  row->set_stakeholder_type(v1::HOSPITALS);
  row->set_role(v1::MEMBER);
  ASSERT_TRUE(writer->Write(first));
  // The server has started the call once it sends its initial metadata: only then is the call
  // in flight, rather than still on its way.
  writer->WaitForInitialMetadata();

  ASSERT_TRUE(service_.process->Signal(SIGTERM).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(300));

  v1::ImportRosterRequest second;
  auto* late = second.add_rows();
  late->set_display_name("Ben Ortiz");
  late->set_email("ben.ortiz@example.org");
  late->set_stakeholder_type(v1::PHYSICIANS);
  late->set_role(v1::MEMBER);
  ASSERT_TRUE(writer->Write(second));
  ASSERT_TRUE(writer->WritesDone());
  grpc::Status status = writer->Finish();
  EXPECT_TRUE(status.ok()) << status.error_code() << " " << status.error_message();
  EXPECT_EQ(response.memberships_created(), 2);

  auto exit_code = service_.process->Wait(absl::Seconds(15));
  ASSERT_TRUE(exit_code.ok()) << exit_code.status();
  EXPECT_EQ(*exit_code, 0) << service_.process->LogTail();
}

TEST_F(MembershipProcessTest, ReadsKeepSucceedingWhenRedisDiesAndNeverGoStale) {
  auto redis = RedisServer::Start();
  ASSERT_TRUE(redis.ok()) << redis.status();
  Start({"--redis=127.0.0.1:" + std::to_string((*redis)->port())});
  const std::string coalition = MakeCoalition();
  AddMember(coalition, "Cora Lee");
  EXPECT_EQ(EligibleCount(coalition), 1);  // loads and fills the cache
  EXPECT_EQ(EligibleCount(coalition), 1);  // served from Redis

  ASSERT_TRUE((*redis)->Kill().ok());
  EXPECT_EQ(EligibleCount(coalition), 1);
  AddMember(coalition, "Dev Patel");  // invalidation cannot reach Redis
  EXPECT_EQ(EligibleCount(coalition), 2);

  // Redis comes back holding nothing stale for this key: the new member is still seen.
  ASSERT_TRUE((*redis)->Restart().ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_EQ(EligibleCount(coalition), 2);
  AddMember(coalition, "Eve Santos");
  EXPECT_EQ(EligibleCount(coalition), 3);
}

}  // namespace
}  // namespace coalition::testing
