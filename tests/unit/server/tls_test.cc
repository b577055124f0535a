#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/str_cat.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/server/grpc_server.h"
#include "tests/unit/server/fake_membership.h"

namespace coalition::server {
namespace {

using ::coalition::membership::v1::GetNetworkRequest;
using ::coalition::membership::v1::MembershipService;
using ::coalition::membership::v1::Network;
using ::coalition::testing::FakeMembership;
using ::testing::HasSubstr;

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// A throwaway PKI, made with the openssl command at test time so that no key is checked in:
// ca signs server (for localhost and 127.0.0.1) and client; rogue_ca signs rogue_client.
class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    char pattern[] = "/tmp/coalition_tls_XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = new std::filesystem::path(pattern);
    const std::string d = dir_->string();
    const std::string key = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    const std::string script = absl::StrCat(
        "set -e; cd ", d, "\n", "ca() { openssl req -x509 ", key,
        " -keyout $1.key -out $1.pem -days 1 -subj /CN=$1",
        " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign; }\n",
        "leaf() { openssl req ", key, " -keyout $1.key -out $1.csr -subj /CN=$1;",
        " printf '%s\\n' \"$3\" > $1.ext;",
        " openssl x509 -req -in $1.csr -CA $2.pem -CAkey $2.key -CAcreateserial -days 1",
        " -out $1.pem -extfile $1.ext; }\n", "ca ca; ca rogue_ca\n",
        "leaf server ca 'subjectAltName=DNS:localhost,IP:127.0.0.1'\n",
        "leaf client ca 'extendedKeyUsage=clientAuth'\n",
        "leaf rogue_client rogue_ca 'extendedKeyUsage=clientAuth'\n");
    const std::string command =
        absl::StrCat("sh -c '", EscapeSingleQuotes(script), "' > ", d, "/openssl.log 2>&1");
    ASSERT_EQ(std::system(command.c_str()), 0) << ReadFile(*dir_ / "openssl.log");
  }

  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }

  static std::string EscapeSingleQuotes(const std::string& s) {
    std::string out;
    for (char c : s) {
      if (c == '\'') {
        out += "'\\''";
      } else {
        out += c;
      }
    }
    return out;
  }

  static std::string Path(const std::string& name) { return (*dir_ / name).string(); }

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
    ssl.pem_root_certs = ReadFile(Path(ca + ".pem"));
    if (!client.empty()) {
      ssl.pem_cert_chain = ReadFile(Path(client + ".pem"));
      ssl.pem_private_key = ReadFile(Path(client + ".key"));
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

  static std::filesystem::path* dir_;
  FakeMembership service_;
  std::unique_ptr<GrpcServer> server_;
};

std::filesystem::path* TlsTest::dir_ = nullptr;

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
