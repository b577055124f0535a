#include "libs/telemetry/grpc_metrics.h"

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/security/server_credentials.h>
#include <grpcpp/server.h>
#include <grpcpp/server_builder.h>
#include <prometheus/registry.h>

#include "absl/strings/str_cat.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/unit/telemetry/generic_call.h"
#include "tests/unit/telemetry/metric_values.h"

namespace coalition::telemetry {
namespace {

using ::coalition::membership::v1::GetNetworkRequest;
using ::coalition::membership::v1::MembershipService;
using ::coalition::membership::v1::Network;
using ::coalition::testing::CounterValue;
using ::coalition::testing::HistogramBounds;
using ::coalition::testing::HistogramCount;
using ::testing::ElementsAre;

constexpr char kService[] = "coalition.membership.v1.MembershipService";

// GetNetwork answers NOT_FOUND for "networks/missing" and OK otherwise; every other method is
// left unimplemented.
class NetworkLookup final : public MembershipService::CallbackService {
  grpc::ServerUnaryReactor* GetNetwork(grpc::CallbackServerContext* ctx,
                                       const GetNetworkRequest* request,
                                       Network* response) override {
    grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
    if (request->name() == "networks/missing") {
      reactor->Finish(grpc::Status(grpc::StatusCode::NOT_FOUND, "no such network"));
    } else {
      response->set_name(request->name());
      reactor->Finish(grpc::Status::OK);
    }
    return reactor;
  }
};

class ServerMetricsInterceptorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerMetricsOptions options;
    options.registry = registry_;
    options.services = {kService};
    std::vector<std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>> factories;
    factories.push_back(NewServerMetricsInterceptorFactory(options));

    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(&service_);
    builder.experimental().SetInterceptorCreators(std::move(factories));
    server_ = builder.BuildAndStart();
    ASSERT_NE(server_, nullptr);
    channel_ =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
    stub_ = MembershipService::NewStub(channel_);
  }

  void TearDown() override { server_->Shutdown(); }

  grpc::Status GetNetwork(const std::string& name) {
    grpc::ClientContext context;
    GetNetworkRequest request;
    request.set_name(name);
    Network response;
    return stub_->GetNetwork(&context, request, &response);
  }

  std::shared_ptr<prometheus::Registry> registry_ = std::make_shared<prometheus::Registry>();
  NetworkLookup service_;
  std::unique_ptr<grpc::Server> server_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<MembershipService::Stub> stub_;
};

TEST_F(ServerMetricsInterceptorTest, CountsStartedAndHandledCallsByMethodTypeAndCode) {
  ASSERT_TRUE(GetNetwork("networks/a").ok());
  ASSERT_TRUE(GetNetwork("networks/b").ok());
  ASSERT_EQ(GetNetwork("networks/missing").error_code(), grpc::StatusCode::NOT_FOUND);

  const testing::MetricLabels method = {
      {"grpc_service", kService}, {"grpc_method", "GetNetwork"}, {"grpc_type", "unary"}};
  EXPECT_EQ(CounterValue(*registry_, "grpc_server_started_total", method), 3);
  auto with_code = [&](const char* code) {
    testing::MetricLabels labels = method;
    labels["grpc_code"] = code;
    return labels;
  };
  EXPECT_EQ(CounterValue(*registry_, "grpc_server_handled_total", with_code("OK")), 2);
  EXPECT_EQ(CounterValue(*registry_, "grpc_server_handled_total", with_code("NotFound")), 1);
  EXPECT_EQ(HistogramCount(*registry_, "grpc_server_handling_seconds", method), 3);
}

TEST_F(ServerMetricsInterceptorTest, HistogramUsesTheGoGrpcPrometheusBuckets) {
  ASSERT_TRUE(GetNetwork("networks/a").ok());

  EXPECT_THAT(
      HistogramBounds(*registry_, "grpc_server_handling_seconds", {{"grpc_method", "GetNetwork"}}),
      ElementsAre(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10,
                  std::numeric_limits<double>::infinity()));
}

TEST_F(ServerMetricsInterceptorTest, MethodWithoutHandlerCountsAsUnimplemented) {
  grpc::ClientContext context;
  membership::v1::GetCoalitionRequest request;
  membership::v1::Coalition response;
  ASSERT_EQ(stub_->GetCoalition(&context, request, &response).error_code(),
            grpc::StatusCode::UNIMPLEMENTED);

  EXPECT_EQ(CounterValue(*registry_, "grpc_server_handled_total",
                         {{"grpc_service", kService},
                          {"grpc_method", "GetCoalition"},
                          {"grpc_code", "Unimplemented"}}),
            1);
}

TEST_F(ServerMetricsInterceptorTest, CallerChosenServiceNamesCollapseIntoUnknown) {
  testing::GenericCallResult result = testing::GenericCall(channel_, "/attacker.Chosen/Name", {""});
  ASSERT_EQ(result.status.error_code(), grpc::StatusCode::UNIMPLEMENTED);

  EXPECT_EQ(CounterValue(*registry_, "grpc_server_handled_total",
                         {{"grpc_service", "unknown"},
                          {"grpc_method", "unknown"},
                          {"grpc_code", "Unimplemented"}}),
            1);
  for (const auto& family : registry_->Collect()) {
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) EXPECT_NE(label.value, "attacker.Chosen");
    }
  }
}

TEST_F(ServerMetricsInterceptorTest, CallerChosenMethodNamesOfAKnownServiceCollapseIntoUnknown) {
  for (int i = 0; i < 50; ++i) {
    testing::GenericCallResult result =
        testing::GenericCall(channel_, absl::StrCat("/", kService, "/Scan", i), {""});
    ASSERT_EQ(result.status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  }

  EXPECT_EQ(CounterValue(*registry_, "grpc_server_handled_total",
                         {{"grpc_service", "unknown"},
                          {"grpc_method", "unknown"},
                          {"grpc_code", "Unimplemented"}}),
            50);
  for (const auto& family : registry_->Collect()) {
    for (const auto& metric : family.metric) {
      for (const auto& label : metric.label) {
        EXPECT_THAT(label.value, ::testing::Not(::testing::StartsWith("Scan")));
      }
    }
  }
}

TEST(GrpcCodeNameTest, SpellsEveryCodeAsGoGrpcPrometheusDoes) {
  const std::vector<std::string> expected = {
      "OK",       "Canceled",       "Unknown",          "InvalidArgument",   "DeadlineExceeded",
      "NotFound", "AlreadyExists",  "PermissionDenied", "ResourceExhausted", "FailedPrecondition",
      "Aborted",  "OutOfRange",     "Unimplemented",    "Internal",          "Unavailable",
      "DataLoss", "Unauthenticated"};
  for (int code = 0; code <= 16; ++code) {
    EXPECT_EQ(GrpcCodeName(static_cast<grpc::StatusCode>(code)), expected[code]) << code;
  }
  EXPECT_EQ(GrpcCodeName(static_cast<grpc::StatusCode>(42)), "Code(42)");
}

TEST(GrpcTypeNameTest, NamesEachKindOfCall) {
  using Type = grpc::experimental::ServerRpcInfo::Type;
  EXPECT_EQ(GrpcTypeName(Type::UNARY), "unary");
  EXPECT_EQ(GrpcTypeName(Type::CLIENT_STREAMING), "client_stream");
  EXPECT_EQ(GrpcTypeName(Type::SERVER_STREAMING), "server_stream");
  EXPECT_EQ(GrpcTypeName(Type::BIDI_STREAMING), "bidi_stream");
}

}  // namespace
}  // namespace coalition::telemetry
