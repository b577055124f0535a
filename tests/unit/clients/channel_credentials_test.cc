// Credentials for calling a peer service, against a real server that requires client
// certificates (membership with --tls_client_ca), with certificates made at test time.
#include "libs/clients/channel_credentials.h"

#include <chrono>
#include <memory>
#include <string>

#include <grpcpp/create_channel.h>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "gtest/gtest.h"
#include "libs/server/grpc_server.h"
#include "libs/testing/test_pki.h"

namespace coalition::clients {
namespace {

using ::testing::HasSubstr;

class ChannelCredentialsTest : public ::testing::Test {
 protected:
  // A server requiring a client certificate signed by ca, as membership-server runs with
  // --tls_cert, --tls_key and --tls_client_ca.
  void SetUp() override {
    absl::StatusOr<const testing::TestPki*> pki = testing::TestPki::Shared();
    ASSERT_TRUE(pki.ok()) << pki.status();
    pki_ = *pki;
    server::ServerOptions options;
    options.tls = {Path("server.pem"), Path("server.key"), Path("ca.pem")};
    absl::StatusOr<std::unique_ptr<server::GrpcServer>> server =
        server::GrpcServer::Start(options, {});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  std::string Path(const std::string& name) const { return pki_->Path(name); }

  // A health check over a channel with the credentials for `files`.
  grpc::Status Check(const PeerTlsFiles& files) {
    absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> credentials =
        PeerChannelCredentials("membership", files);
    if (!credentials.ok()) return grpc::Status(grpc::StatusCode::INTERNAL, "no credentials");
    auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()), *credentials);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
    grpc::health::v1::HealthCheckRequest request;
    grpc::health::v1::HealthCheckResponse response;
    return grpc::health::v1::Health::NewStub(channel)->Check(&context, request, &response);
  }

  const testing::TestPki* pki_ = nullptr;
  std::unique_ptr<server::GrpcServer> server_;
};

TEST_F(ChannelCredentialsTest, ClientCertificateSignedByTheCaIsAccepted) {
  grpc::Status status = Check({Path("ca.pem"), Path("client.pem"), Path("client.key")});
  EXPECT_TRUE(status.ok()) << status.error_message();
}

TEST_F(ChannelCredentialsTest, ClientWithoutACertificateIsRefused) {
  EXPECT_EQ(Check({Path("ca.pem"), "", ""}).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ChannelCredentialsTest, PlaintextClientIsRefused) {
  EXPECT_EQ(Check({}).error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ChannelCredentialsTest, ClientCertificateFromAnotherCaIsRefused) {
  EXPECT_EQ(
      Check({Path("ca.pem"), Path("rogue_client.pem"), Path("rogue_client.key")}).error_code(),
      grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ChannelCredentialsTest, PeerCertificateFromAnotherCaIsRefused) {
  EXPECT_EQ(Check({Path("rogue_ca.pem"), Path("client.pem"), Path("client.key")}).error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(ChannelCredentialsTest, CertificateWithoutItsKeyNamesTheMissingFlag) {
  absl::Status status =
      PeerChannelCredentials("membership", {Path("ca.pem"), Path("client.pem"), ""}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("--membership_tls_key"));

  status = PeerChannelCredentials("membership", {Path("ca.pem"), "", Path("client.key")}).status();
  EXPECT_THAT(status.message(), HasSubstr("--membership_tls_cert"));
}

TEST_F(ChannelCredentialsTest, ClientCertificateWithoutTheCaNamesTheCaFlag) {
  absl::Status status =
      PeerChannelCredentials("membership", {"", Path("client.pem"), Path("client.key")}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("--membership_tls_ca"));
}

TEST_F(ChannelCredentialsTest, UnreadableOrWrongFilesNameTheirFlag) {
  absl::Status status = PeerChannelCredentials("membership", {Path("nope.pem"), "", ""}).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("--membership_tls_ca"));

  status =
      PeerChannelCredentials("membership", {Path("ca.pem"), Path("client.key"), Path("client.key")})
          .status();
  EXPECT_THAT(status.message(), HasSubstr("--membership_tls_cert"));

  status =
      PeerChannelCredentials("membership", {Path("ca.pem"), Path("client.pem"), Path("client.pem")})
          .status();
  EXPECT_THAT(status.message(), HasSubstr("--membership_tls_key"));
}

TEST(PeerTlsFlagsTest, NameTheThreeFlagsAfterThePeer) {
  std::vector<std::string> names;
  for (const server::FlagSpec& flag : PeerTlsFlags("membership")) names.push_back(flag.name);
  EXPECT_THAT(names, ::testing::ElementsAre("membership_tls_ca", "membership_tls_cert",
                                            "membership_tls_key"));
}

}  // namespace
}  // namespace coalition::clients
