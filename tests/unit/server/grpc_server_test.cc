#include "libs/server/grpc_server.h"

#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <prometheus/registry.h>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/core/status.h"
#include "libs/server/call_context.h"
#include "libs/testing/captured_log.h"
#include "tests/unit/server/fake_membership.h"
#include "tests/unit/telemetry/generic_call.h"
#include "tests/unit/telemetry/metric_values.h"

namespace coalition::server {
namespace {

using ::coalition::membership::v1::CreateNetworkRequest;
using ::coalition::membership::v1::GetNetworkRequest;
using ::coalition::membership::v1::MembershipService;
using ::coalition::membership::v1::Network;
using ::coalition::testing::CapturedLog;
using ::coalition::testing::CounterValue;
using ::coalition::testing::FakeMembership;
using ::coalition::testing::HistogramCount;
using ::coalition::testing::kMembershipService;
using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;
using ::testing::Not;

std::chrono::system_clock::time_point In(absl::Duration d) {
  return std::chrono::system_clock::now() + std::chrono::milliseconds(absl::ToInt64Milliseconds(d));
}

class GrpcServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    options.services = {kMembershipService};
    options.registry = registry_;
    absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start(options, {&service_});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                   grpc::InsecureChannelCredentials());
    stub_ = MembershipService::NewStub(channel_);
    health_ = Health::NewStub(channel_);
  }

  grpc::Status GetNetwork(const std::string& name, Network* response = nullptr,
                          grpc::ClientContext* context = nullptr) {
    grpc::ClientContext own_context;
    if (context == nullptr) context = &own_context;
    context->set_deadline(In(absl::Seconds(10)));
    GetNetworkRequest request;
    request.set_name(name);
    Network ignored;
    return stub_->GetNetwork(context, request, response == nullptr ? &ignored : response);
  }

  // A CreateNetwork that works for `work`, on its own thread.
  std::thread SlowCall(absl::Duration work, grpc::Status* status) {
    return std::thread([this, work, status] {
      grpc::ClientContext context;
      context.set_deadline(In(absl::Seconds(30)));
      CreateNetworkRequest request;
      request.mutable_network()->set_display_name(absl::FormatDuration(work));
      Network response;
      *status = stub_->CreateNetwork(&context, request, &response);
    });
  }

  HealthCheckResponse::ServingStatus CheckHealth(const std::string& service,
                                                 grpc::Status* status_out = nullptr) {
    grpc::ClientContext context;
    context.set_deadline(In(absl::Seconds(5)));
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    grpc::Status status = health_->Check(&context, request, &response);
    if (status_out != nullptr) *status_out = status;
    return status.ok() ? response.status() : HealthCheckResponse::UNKNOWN;
  }

  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  FakeMembership service_;
  std::unique_ptr<GrpcServer> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<MembershipService::Stub> stub_;
  std::unique_ptr<Health::Stub> health_;
};

TEST_F(GrpcServerTest, PortZeroReportsTheChosenPort) {
  StartServer();
  EXPECT_GT(server_->port(), 0);
  EXPECT_TRUE(GetNetwork("networks/a").ok());
}

TEST_F(GrpcServerTest, AddressInUseIsUnavailable) {
  StartServer();
  ServerOptions options;
  options.listen = absl::StrCat("127.0.0.1:", server_->port());
  FakeMembership other;
  EXPECT_EQ(GrpcServer::Start(options, {&other}).status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(GrpcServerTest, HandledCallsAreCountedByMethodAndCode) {
  StartServer();
  ASSERT_TRUE(GetNetwork("networks/a").ok());
  ASSERT_TRUE(GetNetwork("networks/b").ok());
  ASSERT_EQ(GetNetwork("").error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  const testing::MetricLabels get_network = {
      {"grpc_service", kMembershipService}, {"grpc_method", "GetNetwork"}, {"grpc_type", "unary"}};
  testing::MetricLabels ok = get_network;
  ok["grpc_code"] = "OK";
  testing::MetricLabels invalid = get_network;
  invalid["grpc_code"] = "InvalidArgument";
  EXPECT_EQ(CounterValue(*registry_, "grpc_server_started_total", get_network), 3);
  EXPECT_EQ(CounterValue(*registry_, "grpc_server_handled_total", ok), 2);
  EXPECT_EQ(CounterValue(*registry_, "grpc_server_handled_total", invalid), 1);
  EXPECT_EQ(HistogramCount(*registry_, "grpc_server_handling_seconds", get_network), 3);
}

TEST_F(GrpcServerTest, MethodTheServiceDoesNotImplementIsCountedAsUnimplemented) {
  StartServer();
  grpc::ClientContext context;
  membership::v1::ListNetworksRequest request;
  membership::v1::ListNetworksResponse response;
  ASSERT_EQ(stub_->ListNetworks(&context, request, &response).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);

  EXPECT_EQ(CounterValue(*registry_, "grpc_server_handled_total",
                         {{"grpc_service", kMembershipService},
                          {"grpc_method", "ListNetworks"},
                          {"grpc_code", "Unimplemented"}}),
            1);
}

TEST_F(GrpcServerTest, UnknownServiceIsCountedUnderUnknownLabels) {
  StartServer();
  testing::GenericCallResult result = testing::GenericCall(channel_, "/scan.Me/Now", {""});
  ASSERT_EQ(result.status.error_code(), grpc::StatusCode::UNIMPLEMENTED);

  EXPECT_EQ(CounterValue(*registry_, "grpc_server_handled_total",
                         {{"grpc_service", "unknown"}, {"grpc_code", "Unimplemented"}}),
            1);
}

TEST_F(GrpcServerTest, FieldViolationsTravelAsBadRequestInStatusDetails) {
  StartServer();
  grpc::Status status = GetNetwork("");
  ASSERT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(status.error_details()));
  EXPECT_EQ(details.code(), static_cast<int>(grpc::StatusCode::INVALID_ARGUMENT));
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::BadRequest bad_request;
  ASSERT_TRUE(details.details(0).UnpackTo(&bad_request));
  ASSERT_EQ(bad_request.field_violations_size(), 1);
  EXPECT_EQ(bad_request.field_violations(0).field(), "name");
  EXPECT_EQ(bad_request.field_violations(0).description(), "required");
}

TEST_F(GrpcServerTest, InternalErrorDetailIsLoggedButNotSentToTheClient) {
  StartServer();
  CapturedLog log;
  grpc::ClientContext context;
  context.AddMetadata(kRequestIdKey, "req-boom");
  grpc::Status status = GetNetwork("networks/boom", nullptr, &context);

  EXPECT_EQ(status.error_code(), grpc::StatusCode::INTERNAL);
  EXPECT_THAT(status.error_message(), Not(HasSubstr("sqlite")));
  EXPECT_THAT(status.error_message(), HasSubstr("req-boom"));
  std::vector<nlohmann::json> access = log.WithMessage("request");
  ASSERT_EQ(access.size(), 1u);
  EXPECT_EQ(access[0]["level"], "error");
  EXPECT_EQ(access[0]["code"], "Internal");
  EXPECT_EQ(access[0]["request_id"], "req-boom");
  EXPECT_THAT(access[0]["error"].get<std::string>(), HasSubstr("disk I/O error"));
}

TEST_F(GrpcServerTest, ClientRequestIdIsEchoedInInitialMetadataAndSeenByTheHandler) {
  StartServer();
  grpc::ClientContext context;
  context.AddMetadata(kRequestIdKey, "req-42");
  Network response;
  ASSERT_TRUE(GetNetwork("networks/a", &response, &context).ok());

  const auto& metadata = context.GetServerInitialMetadata();
  auto it = metadata.find(kRequestIdKey);
  ASSERT_NE(it, metadata.end());
  EXPECT_EQ(std::string(it->second.data(), it->second.size()), "req-42");
  EXPECT_EQ(response.display_name(), "req-42");  // RequestIdOf inside the handler
}

TEST_F(GrpcServerTest, ServerMakesUpARequestIdWhenTheClientSendsNone) {
  StartServer();
  grpc::ClientContext context;
  Network response;
  ASSERT_TRUE(GetNetwork("networks/a", &response, &context).ok());

  auto it = context.GetServerInitialMetadata().find(kRequestIdKey);
  ASSERT_NE(it, context.GetServerInitialMetadata().end());
  const std::string id(it->second.data(), it->second.size());
  EXPECT_TRUE(IsUsableRequestId(id)) << id;
  EXPECT_EQ(response.display_name(), id);
}

TEST_F(GrpcServerTest, CallThatFailsAtOnceCarriesTheRequestIdInItsTrailers) {
  StartServer();
  grpc::ClientContext context;
  context.AddMetadata(kRequestIdKey, "req-invalid");
  ASSERT_EQ(GetNetwork("", nullptr, &context).error_code(), grpc::StatusCode::INVALID_ARGUMENT);

  // No initial metadata: a trailers-only response, which a client's retry policy may retry.
  EXPECT_EQ(context.GetServerInitialMetadata().count(kRequestIdKey), 0u);
  auto it = context.GetServerTrailingMetadata().find(kRequestIdKey);
  ASSERT_NE(it, context.GetServerTrailingMetadata().end());
  EXPECT_EQ(std::string(it->second.data(), it->second.size()), "req-invalid");
}

TEST_F(GrpcServerTest, UnusableClientRequestIdIsReplaced) {
  StartServer();
  grpc::ClientContext context;
  context.AddMetadata(kRequestIdKey, "{\"forged\": true}");
  Network response;
  ASSERT_TRUE(GetNetwork("networks/a", &response, &context).ok());

  auto it = context.GetServerInitialMetadata().find(kRequestIdKey);
  ASSERT_NE(it, context.GetServerInitialMetadata().end());
  const std::string id(it->second.data(), it->second.size());
  EXPECT_NE(id, "{\"forged\": true}");
  EXPECT_TRUE(IsUsableRequestId(id));
}

TEST_F(GrpcServerTest, LogLinesInsideTheHandlerAndTheAccessLineCarryTheRequestId) {
  StartServer();
  CapturedLog log;
  grpc::ClientContext context;
  context.AddMetadata(kRequestIdKey, "req-7");
  ASSERT_TRUE(GetNetwork("networks/a", nullptr, &context).ok());

  std::vector<nlohmann::json> inside = log.WithMessage("looking up network");
  ASSERT_EQ(inside.size(), 1u);
  EXPECT_EQ(inside[0]["request_id"], "req-7");
  std::vector<nlohmann::json> access = log.WithMessage("request");
  ASSERT_EQ(access.size(), 1u);
  EXPECT_EQ(access[0]["request_id"], "req-7");
  EXPECT_EQ(access[0]["method"], "/coalition.membership.v1.MembershipService/GetNetwork");
  EXPECT_EQ(access[0]["code"], "OK");
  EXPECT_EQ(access[0]["level"], "info");
  EXPECT_TRUE(access[0]["duration_ms"].is_number());
}

TEST_F(GrpcServerTest, MessagesAboveTheSizeLimitAreRefused) {
  ServerOptions options;
  options.max_message_bytes = 1024;
  StartServer(options);
  EXPECT_EQ(GetNetwork(std::string(2000, 'n')).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_TRUE(GetNetwork("networks/small").ok());
}

TEST_F(GrpcServerTest, HealthReportsServingForTheServerAndEachService) {
  StartServer();
  EXPECT_EQ(CheckHealth(""), HealthCheckResponse::SERVING);
  EXPECT_EQ(CheckHealth(kMembershipService), HealthCheckResponse::SERVING);
  grpc::Status status;
  CheckHealth("coalition.nothing.v1.Nothing", &status);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(GrpcServerTest, ReflectionListsTheServices) {
  StartServer();
  // ServerReflectionRequest{list_services: ""}: field 7, length-delimited, empty.
  const std::string list_services("\x3a\x00", 2);
  testing::GenericCallResult result = testing::GenericCall(
      channel_, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", {list_services});
  ASSERT_TRUE(result.status.ok()) << result.status.error_message();
  ASSERT_EQ(result.responses.size(), 1u);
  EXPECT_THAT(result.responses[0], HasSubstr(kMembershipService));
  EXPECT_THAT(result.responses[0], HasSubstr("grpc.health.v1.Health"));
}

TEST_F(GrpcServerTest, HealthTurnsNotServingWhenShutdownStarts) {
  StartServer();
  grpc::ClientContext watch_context;
  HealthCheckRequest request;
  request.set_service(kMembershipService);
  std::unique_ptr<grpc::ClientReader<HealthCheckResponse>> watch =
      health_->Watch(&watch_context, request);
  HealthCheckResponse update;
  ASSERT_TRUE(watch->Read(&update));
  ASSERT_EQ(update.status(), HealthCheckResponse::SERVING);

  // A call in flight keeps the server draining while the watcher looks.
  grpc::Status slow_status;
  std::thread slow = SlowCall(absl::Seconds(1), &slow_status);
  service_.create_entered().WaitForNotification();
  std::thread shutdown([this] { server_->Shutdown(absl::Seconds(10)); });

  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::NOT_SERVING);
  watch_context.TryCancel();
  watch->Finish();
  slow.join();
  shutdown.join();
  EXPECT_TRUE(slow_status.ok()) << slow_status.error_message();
}

TEST_F(GrpcServerTest, CallInFlightCompletesDuringGracefulShutdown) {
  StartServer();
  grpc::Status slow_status;
  std::thread slow = SlowCall(absl::Milliseconds(700), &slow_status);
  service_.create_entered().WaitForNotification();

  const absl::Time start = absl::Now();
  server_->Shutdown(absl::Seconds(10));
  slow.join();
  EXPECT_TRUE(slow_status.ok()) << slow_status.error_message();
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));  // did not wait for the whole drain
}

TEST_F(GrpcServerTest, NewCallsAreRefusedOnceShutDown) {
  StartServer();
  ASSERT_TRUE(GetNetwork("networks/a").ok());
  server_->Shutdown(absl::Seconds(1));
  EXPECT_EQ(GetNetwork("networks/a").error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(GrpcServerTest, CallStillRunningAtTheDrainDeadlineIsCancelled) {
  StartServer();
  grpc::Status slow_status;
  std::thread slow = SlowCall(absl::Seconds(2), &slow_status);
  service_.create_entered().WaitForNotification();

  server_->Shutdown(absl::Milliseconds(200));
  slow.join();
  EXPECT_FALSE(slow_status.ok());
}

TEST_F(GrpcServerTest, ShutdownTwiceIsHarmless) {
  StartServer();
  server_->Shutdown(absl::Seconds(1));
  server_->Shutdown(absl::Seconds(1));
}

}  // namespace
}  // namespace coalition::server
