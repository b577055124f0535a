// The handler executor: bodies run off gRPC's threads, and a full queue is refused at once.
#include "libs/server/executor.h"

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/server/grpc_server.h"
#include "tests/unit/server/fake_membership.h"

namespace coalition::server {
namespace {

using ::coalition::membership::v1::CreateNetworkRequest;
using ::coalition::membership::v1::GetNetworkRequest;
using ::coalition::membership::v1::MembershipService;
using ::coalition::membership::v1::Network;
using ::coalition::testing::FakeMembership;
using ::coalition::testing::kMembershipService;

// Each test runs in its own process (ctest), so the process's executor can be made small here,
// before any call uses it: two threads and one waiting call.
const bool kConfigured = ConfigureHandlerExecutor(2, 1);

std::chrono::system_clock::time_point In(absl::Duration d) {
  return std::chrono::system_clock::now() + absl::ToChronoMilliseconds(d);
}

TEST(BlockingExecutorTest, RunsEveryTaskSubmitted) {
  BlockingExecutor executor(3, 100);
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(executor.TrySubmit([&ran] { ++ran; }));
  while (ran.load() < 50) absl::SleepFor(absl::Milliseconds(1));
  EXPECT_EQ(ran.load(), 50);
}

TEST(BlockingExecutorTest, RefusesWhenEveryThreadIsBusyAndTheQueueIsFull) {
  BlockingExecutor executor(1, 1);
  absl::Notification release;
  absl::Notification started;
  ASSERT_TRUE(executor.TrySubmit([&] {
    started.Notify();
    release.WaitForNotification();
  }));
  started.WaitForNotification();
  EXPECT_TRUE(executor.TrySubmit([] {}));   // waits in the queue
  EXPECT_FALSE(executor.TrySubmit([] {}));  // no room
  release.Notify();
}

TEST(BlockingExecutorTest, TasksRunOnExecutorThreads) {
  EXPECT_FALSE(BlockingExecutor::OnExecutorThread());
  BlockingExecutor executor(1, 1);
  absl::Notification done;
  bool on_executor = false;
  ASSERT_TRUE(executor.TrySubmit([&] {
    on_executor = BlockingExecutor::OnExecutorThread();
    done.Notify();
  }));
  done.WaitForNotification();
  EXPECT_TRUE(on_executor);
}

TEST(BlockingExecutorTest, DestructionRunsWhatIsQueued) {
  std::atomic<int> ran{0};
  {
    BlockingExecutor executor(1, 10);
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(executor.TrySubmit([&ran] {
        absl::SleepFor(absl::Milliseconds(2));
        ++ran;
      }));
    }
  }
  EXPECT_EQ(ran.load(), 10);
}

class HandlerExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(kConfigured);
    ServerOptions options;
    options.services = {kMembershipService};
    absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start(options, {&service_});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = MembershipService::NewStub(channel_);
  }

  grpc::Status Create(absl::Duration work) {
    grpc::ClientContext context;
    context.set_deadline(In(absl::Seconds(30)));
    CreateNetworkRequest request;
    request.mutable_network()->set_display_name(absl::FormatDuration(work));
    Network response;
    return stub_->CreateNetwork(&context, request, &response);
  }

  FakeMembership service_;
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<MembershipService::Stub> stub_;
};

TEST_F(HandlerExecutorTest, HandlerBodiesRunOnTheExecutor) {
  grpc::ClientContext context;
  GetNetworkRequest request;
  request.set_name("networks/where");
  Network response;
  ASSERT_TRUE(stub_->GetNetwork(&context, request, &response).ok());
  EXPECT_EQ(response.display_name(), "executor");
}

TEST_F(HandlerExecutorTest, FullExecutorAnswersResourceExhaustedWhileHealthStaysServing) {
  // Two calls hold both threads and a third waits: the executor is full.
  std::vector<std::thread> slow;
  std::vector<grpc::Status> slow_status(3);
  for (int i = 0; i < 3; ++i) {
    slow.emplace_back([this, i, &slow_status] { slow_status[i] = Create(absl::Seconds(2)); });
  }
  // Settled once one call has waited in the queue for a while (the two others hold the threads
  // for 2 s); a moment's count can include a call an idle thread has not yet taken.
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  int settled = 0;
  while (settled < 10 && absl::Now() < give_up) {
    settled = HandlerExecutor().queued() == 1 ? settled + 1 : 0;
    absl::SleepFor(absl::Milliseconds(20));
  }
  ASSERT_EQ(HandlerExecutor().queued(), 1u);

  const grpc::Status refused = Create(absl::ZeroDuration());
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_NE(refused.error_message().find("busy"), std::string::npos);

  // Health is gRPC's own service, answered however busy the handlers are.
  auto health = grpc::health::v1::Health::NewStub(channel_);
  grpc::ClientContext health_context;
  health_context.set_deadline(In(absl::Seconds(5)));
  grpc::health::v1::HealthCheckRequest health_request;
  grpc::health::v1::HealthCheckResponse health_response;
  ASSERT_TRUE(health->Check(&health_context, health_request, &health_response).ok());
  EXPECT_EQ(health_response.status(), grpc::health::v1::HealthCheckResponse::SERVING);

  for (std::thread& t : slow) t.join();
  for (const grpc::Status& status : slow_status) EXPECT_TRUE(status.ok()) << status.error_message();
}

}  // namespace
}  // namespace coalition::server
