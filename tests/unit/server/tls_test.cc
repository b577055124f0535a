#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/str_cat.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/server/grpc_server.h"
#include "libs/testing/test_pki.h"
#include "tests/unit/server/fake_membership.h"
#include "tests/unit/telemetry/generic_call.h"

namespace coalition::server {
namespace {

using ::coalition::membership::v1::CreateNetworkRequest;
using ::coalition::membership::v1::GetNetworkRequest;
using ::coalition::membership::v1::MembershipService;
using ::coalition::membership::v1::Network;
using ::coalition::testing::FakeMembership;
using ::coalition::testing::kMembershipService;
using ::grpc::health::v1::Health;
using ::grpc::health::v1::HealthCheckRequest;
using ::grpc::health::v1::HealthCheckResponse;
using ::testing::HasSubstr;

// The throwaway PKI of libs/testing/test_pki.h: ca signs server (for localhost and 127.0.0.1)
// and client; rogue_ca signs rogue_client.
class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<const testing::TestPki*> pki = testing::TestPki::Shared();
    ASSERT_TRUE(pki.ok()) << pki.status();
    pki_ = *pki;
  }

  std::string Path(const std::string& name) const { return pki_->Path(name); }

  void StartServer(bool mutual, const std::string& health_listen = "") {
    ServerOptions options;
    options.tls.cert = Path("server.pem");
    options.tls.key = Path("server.key");
    if (mutual) options.tls.client_ca = Path("ca.pem");
    options.health_listen = health_listen;
    options.services = {kMembershipService};
    absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start(options, {&service_});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  // A plaintext channel to the health-only port.
  std::shared_ptr<grpc::Channel> HealthPortChannel() const {
    return grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->health_port()),
                               grpc::InsecureChannelCredentials());
  }

  // A CreateNetwork over TLS that works for `work` on the server (FakeMembership).
  std::thread SlowCallOverTls(absl::Duration work, grpc::Status* status) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = pki_->Read("ca.pem");
    auto channel =
        grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()), grpc::SslCredentials(ssl));
    return std::thread([channel, work, status] {
      grpc::ClientContext context;
      context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
      CreateNetworkRequest request;
      request.mutable_network()->set_display_name(absl::FormatDuration(work));
      Network response;
      *status = MembershipService::NewStub(channel)->CreateNetwork(&context, request, &response);
    });
  }

  // A GetNetwork over TLS trusting `ca`, presenting `client` ("" for no certificate).
  grpc::Status CallAs(const std::string& client, const std::string& ca = "ca") {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = pki_->Read(ca + ".pem");
    if (!client.empty()) {
      ssl.pem_cert_chain = pki_->Read(client + ".pem");
      ssl.pem_private_key = pki_->Read(client + ".key");
    }
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    auto channel = grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                             grpc::SslCredentials(ssl), args);
    auto stub = MembershipService::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    GetNetworkRequest request;
    request.set_name("networks/tls");
    Network response;
    return stub->GetNetwork(&context, request, &response);
  }

  const testing::TestPki* pki_ = nullptr;
  FakeMembership service_;
  std::unique_ptr<GrpcServer> server_;
};

TEST_F(TlsTest, ClientTrustingTheCaConnectsOverTls) {
  StartServer(/*mutual=*/false);
  grpc::Status status = CallAs("");
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(TlsTest, ClientTrustingAnotherCaIsRefused) {
  StartServer(/*mutual=*/false);
  EXPECT_EQ(CallAs("", "rogue_ca").error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, PlaintextClientCannotTalkToTlsServer) {
  StartServer(/*mutual=*/false);
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                     grpc::InsecureChannelCredentials());
  auto stub = MembershipService::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  GetNetworkRequest request;
  Network response;
  EXPECT_EQ(stub->GetNetwork(&context, request, &response).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsRefusesClientWithoutCertificate) {
  StartServer(/*mutual=*/true);
  EXPECT_EQ(CallAs("").error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsRefusesCertificateFromAnotherCa) {
  StartServer(/*mutual=*/true);
  EXPECT_EQ(CallAs("rogue_client").error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsAcceptsClientWithCertificateFromTheCa) {
  StartServer(/*mutual=*/true);
  grpc::Status status = CallAs("client");
  EXPECT_TRUE(status.ok()) << status.error_message();
}

HealthCheckResponse::ServingStatus CheckHealth(const std::shared_ptr<grpc::Channel>& channel,
                                               const std::string& service, grpc::Status* status) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  HealthCheckRequest request;
  request.set_service(service);
  HealthCheckResponse response;
  *status = Health::NewStub(channel)->Check(&context, request, &response);
  return response.status();
}

TEST_F(TlsTest, HealthPortAnswersServingInPlaintextWhileTheMainPortServesTls) {
  StartServer(/*mutual=*/true, "127.0.0.1:0");
  ASSERT_GT(server_->health_port(), 0);
  ASSERT_NE(server_->health_port(), server_->port());
  for (const std::string service : {"", kMembershipService}) {
    grpc::Status status;
    EXPECT_EQ(CheckHealth(HealthPortChannel(), service, &status), HealthCheckResponse::SERVING)
        << service;
    EXPECT_TRUE(status.ok()) << service << ": " << status.error_message();
  }
  // The main port still speaks TLS only.
  grpc::Status plaintext_on_main;
  CheckHealth(grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                  grpc::InsecureChannelCredentials()),
              "", &plaintext_on_main);
  EXPECT_EQ(plaintext_on_main.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, HealthPortServesNothingButHealth) {
  StartServer(/*mutual=*/false, "127.0.0.1:0");
  auto channel = HealthPortChannel();
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  GetNetworkRequest request;
  request.set_name("networks/tls");
  Network response;
  EXPECT_EQ(
      MembershipService::NewStub(channel)->GetNetwork(&context, request, &response).error_code(),
      grpc::StatusCode::UNIMPLEMENTED);
  const testing::GenericCallResult reflection = testing::GenericCall(
      channel, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
      {std::string("\x3a\x01*", 3)});
  EXPECT_EQ(reflection.status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

TEST_F(TlsTest, HealthPortTurnsNotServingWhenTheDrainStartsAndClosesAfterIt) {
  StartServer(/*mutual=*/false, "127.0.0.1:0");
  auto channel = HealthPortChannel();
  grpc::ClientContext watch_context;
  HealthCheckRequest request;
  request.set_service(kMembershipService);
  auto watch = Health::NewStub(channel)->Watch(&watch_context, request);
  HealthCheckResponse update;
  ASSERT_TRUE(watch->Read(&update));
  ASSERT_EQ(update.status(), HealthCheckResponse::SERVING);

  // A call in flight on the TLS port keeps the server draining while the probe looks.
  grpc::Status slow_status;
  std::thread slow = SlowCallOverTls(absl::Seconds(1), &slow_status);
  service_.create_entered().WaitForNotification();
  std::thread shutdown([this] { server_->Shutdown(absl::Seconds(10)); });
  ASSERT_TRUE(watch->Read(&update));
  EXPECT_EQ(update.status(), HealthCheckResponse::NOT_SERVING);
  grpc::Status check;
  EXPECT_EQ(CheckHealth(channel, "", &check), HealthCheckResponse::NOT_SERVING);
  EXPECT_TRUE(check.ok()) << check.error_message();
  watch_context.TryCancel();
  watch->Finish();
  slow.join();
  shutdown.join();
  EXPECT_TRUE(slow_status.ok()) << slow_status.error_message();
  CheckHealth(channel, "", &check);
  EXPECT_EQ(check.error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, BusyHealthAddressIsUnavailableNamingItsFlag) {
  StartServer(/*mutual=*/false, "127.0.0.1:0");
  ServerOptions options;
  options.health_listen = absl::StrCat("127.0.0.1:", server_->health_port());
  absl::StatusOr<std::unique_ptr<GrpcServer>> second = GrpcServer::Start(options, {&service_});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(), HasSubstr("--health_listen"));
}

TEST_F(TlsTest, UnreadableOrWrongFilesNameTheFlag) {
  TlsFiles missing{Path("nope.pem"), Path("server.key"), ""};
  absl::Status status = ServerCredentialsFromFiles(missing).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("--tls_cert"));

  TlsFiles swapped{Path("server.pem"), Path("server.pem"), ""};
  status = ServerCredentialsFromFiles(swapped).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("--tls_key"));

  TlsFiles bad_ca{Path("server.pem"), Path("server.key"), Path("server.key")};
  status = ServerCredentialsFromFiles(bad_ca).status();
  EXPECT_THAT(status.message(), HasSubstr("--tls_client_ca"));
}

}  // namespace
}  // namespace coalition::server
