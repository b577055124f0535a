#include <memory>
#include <string>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/str_cat.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/server/grpc_server.h"
#include "libs/testing/test_pki.h"
#include "tests/unit/server/fake_membership.h"

namespace coalition::server {
namespace {

using ::coalition::membership::v1::GetNetworkRequest;
using ::coalition::membership::v1::MembershipService;
using ::coalition::membership::v1::Network;
using ::coalition::testing::FakeMembership;
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

  void StartServer(bool mutual) {
    ServerOptions options;
    options.tls.cert = Path("server.pem");
    options.tls.key = Path("server.key");
    if (mutual) options.tls.client_ca = Path("ca.pem");
    absl::StatusOr<std::unique_ptr<GrpcServer>> server = GrpcServer::Start(options, {&service_});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
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
