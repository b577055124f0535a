// How a service other than membership authenticates its callers: by asking membership, and
// remembering the answer for at most 30 seconds.
#include "libs/clients/membership_authenticator.h"

#include <grpcpp/create_channel.h>

#include "tests/unit/membership/membership_test_fixture.h"

namespace coalition::membership::testing {
namespace {

using coalition::common::v1::ROLE_CONVENER;
using coalition::common::v1::ROLE_SERVICE_ACCOUNT;

class MembershipAuthenticatorTest : public MembershipServiceTest {
 protected:
  std::unique_ptr<auth::Authenticator> Authenticator(const std::string& service_key) {
    return clients::NewMembershipAuthenticator(
        grpc::CreateChannel(address(), grpc::InsecureChannelCredentials()),
        {.service_key = service_key}, &clock());
  }
  void Revoke(const std::string& key_name) {
    v1::RevokeApiKeyRequest request;
    request.set_name(key_name);
    v1::ApiKey revoked;
    ASSERT_THAT(stub().RevokeApiKey(Ctx(admin_a_).get(), request, &revoked), IsOk());
  }
};

TEST_F(MembershipAuthenticatorTest, ResolvesAKeyToItsCallerWithRoleNetworkAndScope) {
  auto authenticator = Authenticator(ServiceAccountKey(network_a_.name()));
  v1::CreateApiKeyResponse convener = CreateKey(network_a_.name(), ROLE_CONVENER, {a1_.name()});
  absl::StatusOr<auth::Caller> caller = authenticator->Authenticate(convener.secret());
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->key, convener.api_key().name());
  EXPECT_EQ(caller->role, ROLE_CONVENER);
  EXPECT_EQ("networks/" + caller->network_id, network_a_.name());
  EXPECT_TRUE(caller->HasCoalition(a1_.name().substr(a1_.name().rfind('/') + 1)));
}

TEST_F(MembershipAuthenticatorTest, UnknownKeyIsUnauthenticated) {
  auto authenticator = Authenticator(ServiceAccountKey(network_a_.name()));
  EXPECT_TRUE(absl::IsUnauthenticated(authenticator->Authenticate("ck_nobody").status()));
}

TEST_F(MembershipAuthenticatorTest, RevokedKeyStopsWorkingWithinThirtySeconds) {
  auto authenticator = Authenticator(ServiceAccountKey(network_a_.name()));
  v1::CreateApiKeyResponse convener = CreateKey(network_a_.name(), ROLE_CONVENER, {a1_.name()});
  ASSERT_TRUE(authenticator->Authenticate(convener.secret()).ok());
  Revoke(convener.api_key().name());
  // Remembered: no round trip per call, so the revocation is not seen at once...
  EXPECT_TRUE(authenticator->Authenticate(convener.secret()).ok());
  // ...but it is within 30 seconds, well inside the 60 the platform promises.
  clock().Advance(absl::Seconds(31));
  EXPECT_TRUE(absl::IsUnauthenticated(authenticator->Authenticate(convener.secret()).status()));
}

TEST_F(MembershipAuthenticatorTest, KeysOfAnotherNetworkAreUnknownToAServiceAccount) {
  auto authenticator = Authenticator(ServiceAccountKey(network_a_.name()));
  v1::CreateApiKeyResponse other = CreateKey(network_b_.name(), ROLE_CONVENER, {b1_.name()});
  EXPECT_TRUE(absl::IsUnauthenticated(authenticator->Authenticate(other.secret()).status()));
}

TEST_F(MembershipAuthenticatorTest, PlatformServiceKeyResolvesKeysOfEveryNetwork) {
  auto authenticator = Authenticator(PlatformServiceKey("meetings-server"));
  v1::CreateApiKeyResponse in_a = CreateKey(network_a_.name(), ROLE_CONVENER, {a1_.name()});
  v1::CreateApiKeyResponse in_b = CreateKey(network_b_.name(), ROLE_CONVENER, {b1_.name()});
  absl::StatusOr<auth::Caller> a = authenticator->Authenticate(in_a.secret());
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ("networks/" + a->network_id, network_a_.name());
  absl::StatusOr<auth::Caller> b = authenticator->Authenticate(in_b.secret());
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ("networks/" + b->network_id, network_b_.name());
}

TEST_F(MembershipAuthenticatorTest, PlatformKeysResolveToCallersOfNoNetwork) {
  auto authenticator = Authenticator(PlatformServiceKey("meetings-server"));
  absl::StatusOr<auth::Caller> admin = authenticator->Authenticate(platform_key());
  ASSERT_TRUE(admin.ok()) << admin.status();
  EXPECT_TRUE(admin->IsPlatformAdmin());
  absl::StatusOr<auth::Caller> decisions =
      authenticator->Authenticate(PlatformServiceKey("decisions-server"));
  ASSERT_TRUE(decisions.ok()) << decisions.status();
  EXPECT_TRUE(decisions->IsPlatformService());
  EXPECT_EQ(decisions->role, ROLE_SERVICE_ACCOUNT);
}

TEST_F(MembershipAuthenticatorTest,
       MembershipRefusingTheServiceKeyIsUnavailableNotUnauthenticated) {
  auto authenticator = Authenticator("ck_not-the-service-key");
  v1::CreateApiKeyResponse convener = CreateKey(network_a_.name(), ROLE_CONVENER, {a1_.name()});
  EXPECT_TRUE(absl::IsUnavailable(authenticator->Authenticate(convener.secret()).status()));
}

}  // namespace
}  // namespace coalition::membership::testing
