#include "libs/auth/caller.h"

#include <iterator>
#include <string>
#include <vector>

#include <grpcpp/server_context.h>
#include <grpcpp/test/server_context_test_spouse.h>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace coalition::auth {
namespace {

using coalition::common::v1::Role;
using coalition::common::v1::ROLE_CONVENER;
using coalition::common::v1::ROLE_MEMBER;
using coalition::common::v1::ROLE_NETWORK_ADMIN;
using coalition::common::v1::ROLE_OPERATOR;
using coalition::common::v1::ROLE_SERVICE_ACCOUNT;
using coalition::common::v1::ROLE_UNSPECIFIED;

constexpr Access kAllAccesses[] = {
    Access::kReadNetwork,   Access::kReadDirectory,  Access::kWriteDirectory,
    Access::kReadCoalition, Access::kWriteCoalition, Access::kServiceCall,
    Access::kAdminNetwork,  Access::kPlatform,
};

const char* AccessName(Access access) {
  switch (access) {
    case Access::kReadNetwork:
      return "kReadNetwork";
    case Access::kReadDirectory:
      return "kReadDirectory";
    case Access::kWriteDirectory:
      return "kWriteDirectory";
    case Access::kReadCoalition:
      return "kReadCoalition";
    case Access::kWriteCoalition:
      return "kWriteCoalition";
    case Access::kServiceCall:
      return "kServiceCall";
    case Access::kAdminNetwork:
      return "kAdminNetwork";
    case Access::kPlatform:
      return "kPlatform";
  }
  return "?";
}

Caller KeyOf(Role role) {
  Caller caller;
  caller.key = "networks/n1/apiKeys/k1";
  caller.role = role;
  caller.network_id = "n1";
  caller.coalition_ids = {"c1", "c2"};
  return caller;
}

// The policy of caller.h, one row per role and access: what a key of the role may do in its
// own network, on a coalition in its scope and on one outside it. Another network: nothing.
// ROLE_UNSPECIFIED is no role at all and has its own test below.
struct PolicyRow {
  Role role;
  Access access;
  bool in_scope;
  bool out_of_scope;
};

constexpr bool Y = true;
constexpr bool N = false;

const PolicyRow kPolicy[] = {
    {ROLE_NETWORK_ADMIN, Access::kReadNetwork, Y, Y},
    {ROLE_NETWORK_ADMIN, Access::kReadDirectory, Y, Y},
    {ROLE_NETWORK_ADMIN, Access::kWriteDirectory, Y, Y},
    {ROLE_NETWORK_ADMIN, Access::kReadCoalition, Y, Y},
    {ROLE_NETWORK_ADMIN, Access::kWriteCoalition, Y, Y},
    {ROLE_NETWORK_ADMIN, Access::kServiceCall, Y, Y},
    {ROLE_NETWORK_ADMIN, Access::kAdminNetwork, Y, Y},
    {ROLE_NETWORK_ADMIN, Access::kPlatform, N, N},

    {ROLE_CONVENER, Access::kReadNetwork, Y, Y},
    {ROLE_CONVENER, Access::kReadDirectory, Y, Y},
    {ROLE_CONVENER, Access::kWriteDirectory, Y, Y},
    {ROLE_CONVENER, Access::kReadCoalition, Y, N},
    {ROLE_CONVENER, Access::kWriteCoalition, Y, N},
    {ROLE_CONVENER, Access::kServiceCall, N, N},
    {ROLE_CONVENER, Access::kAdminNetwork, N, N},
    {ROLE_CONVENER, Access::kPlatform, N, N},

    {ROLE_MEMBER, Access::kReadNetwork, Y, Y},
    {ROLE_MEMBER, Access::kReadDirectory, N, N},
    {ROLE_MEMBER, Access::kWriteDirectory, N, N},
    {ROLE_MEMBER, Access::kReadCoalition, Y, N},
    {ROLE_MEMBER, Access::kWriteCoalition, N, N},
    {ROLE_MEMBER, Access::kServiceCall, N, N},
    {ROLE_MEMBER, Access::kAdminNetwork, N, N},
    {ROLE_MEMBER, Access::kPlatform, N, N},

    {ROLE_SERVICE_ACCOUNT, Access::kReadNetwork, Y, Y},
    {ROLE_SERVICE_ACCOUNT, Access::kReadDirectory, Y, Y},
    {ROLE_SERVICE_ACCOUNT, Access::kWriteDirectory, N, N},
    {ROLE_SERVICE_ACCOUNT, Access::kReadCoalition, Y, Y},
    {ROLE_SERVICE_ACCOUNT, Access::kWriteCoalition, N, N},
    {ROLE_SERVICE_ACCOUNT, Access::kServiceCall, Y, Y},
    {ROLE_SERVICE_ACCOUNT, Access::kAdminNetwork, N, N},
    {ROLE_SERVICE_ACCOUNT, Access::kPlatform, N, N},

    {ROLE_OPERATOR, Access::kReadNetwork, Y, Y},
    {ROLE_OPERATOR, Access::kReadDirectory, Y, Y},
    {ROLE_OPERATOR, Access::kWriteDirectory, N, N},
    {ROLE_OPERATOR, Access::kReadCoalition, Y, Y},
    {ROLE_OPERATOR, Access::kWriteCoalition, N, N},
    {ROLE_OPERATOR, Access::kServiceCall, N, N},
    {ROLE_OPERATOR, Access::kAdminNetwork, N, N},
    {ROLE_OPERATOR, Access::kPlatform, N, N},
};

void ExpectDecision(const absl::Status& status, bool allowed) {
  if (allowed) {
    EXPECT_TRUE(status.ok()) << status;
  } else {
    EXPECT_EQ(status.code(), absl::StatusCode::kPermissionDenied) << status;
  }
}

TEST(AuthorizeTest, PolicyTableCoversEveryRoleAndAccess) {
  int rows = 0;
  for (int role = coalition::common::v1::Role_MIN + 1; role <= coalition::common::v1::Role_MAX;
       ++role) {
    for (Access access : kAllAccesses) {
      int matches = 0;
      for (const PolicyRow& row : kPolicy) matches += row.role == role && row.access == access;
      EXPECT_EQ(matches, 1) << Role_Name(static_cast<Role>(role)) << " x " << AccessName(access);
      ++rows;
    }
  }
  EXPECT_EQ(rows, static_cast<int>(std::size(kPolicy)));
}

TEST(AuthorizeTest, EachRoleGetsExactlyItsAccessesInItsOwnNetwork) {
  for (const PolicyRow& row : kPolicy) {
    SCOPED_TRACE(absl::StrCat(Role_Name(row.role), " x ", AccessName(row.access)));
    const Caller caller = KeyOf(row.role);
    {
      SCOPED_TRACE("coalition in the key's scope");
      ExpectDecision(Authorize(caller, row.access, "n1", "c2"), row.in_scope);
    }
    {
      SCOPED_TRACE("coalition outside the key's scope");
      ExpectDecision(Authorize(caller, row.access, "n1", "c9"), row.out_of_scope);
    }
  }
}

// Fail closed: a key without a role, or with a role this build does not know yet (a newer
// membership service may answer with one), is no role of the network and may do nothing.
TEST(AuthorizeTest, KeyWithoutAKnownRoleMayDoNothing) {
  for (Role role : {ROLE_UNSPECIFIED, static_cast<Role>(coalition::common::v1::Role_MAX + 1)}) {
    for (Access access : kAllAccesses) {
      SCOPED_TRACE(absl::StrCat("role ", static_cast<int>(role), " x ", AccessName(access)));
      const Caller caller = KeyOf(role);
      ExpectDecision(Authorize(caller, access, "n1", "c1"), false);
      ExpectDecision(Authorize(caller, access, "n1", "c9"), false);
    }
  }
}

TEST(AuthorizeTest, NoRoleReachesAnotherNetwork) {
  for (const PolicyRow& row : kPolicy) {
    SCOPED_TRACE(absl::StrCat(Role_Name(row.role), " x ", AccessName(row.access)));
    const Caller caller = KeyOf(row.role);
    // The same coalition id in another network is another coalition.
    ExpectDecision(Authorize(caller, row.access, "n2", "c1"), false);
    ExpectDecision(Authorize(caller, row.access, "n2"), false);
    ExpectDecision(Authorize(caller, row.access, ""), false);
  }
}

TEST(AuthorizeTest, PlatformAdminMayDoEverythingEverywhere) {
  Caller admin;
  admin.key = "apiKeys/root";
  admin.role = ROLE_NETWORK_ADMIN;
  ASSERT_TRUE(admin.IsPlatformAdmin());
  for (Access access : kAllAccesses) {
    SCOPED_TRACE(AccessName(access));
    EXPECT_TRUE(Authorize(admin, access, "n1", "c1").ok());
    EXPECT_TRUE(Authorize(admin, access, "n2", "c9").ok());
    EXPECT_TRUE(Authorize(admin, access, "").ok());
  }
}

// A service account without a network is the platform service account, tested below.
TEST(AuthorizeTest, OnlyANetworkAdminWithoutANetworkIsPlatformAdmin) {
  EXPECT_FALSE(KeyOf(ROLE_NETWORK_ADMIN).IsPlatformAdmin());
  for (Role role : {ROLE_CONVENER, ROLE_MEMBER, ROLE_SERVICE_ACCOUNT, ROLE_OPERATOR}) {
    SCOPED_TRACE(Role_Name(role));
    Caller caller = KeyOf(role);
    caller.network_id.clear();
    EXPECT_FALSE(caller.IsPlatformAdmin());
    EXPECT_EQ(Authorize(caller, Access::kPlatform, "").code(), absl::StatusCode::kPermissionDenied);
    if (role == ROLE_SERVICE_ACCOUNT) continue;
    EXPECT_EQ(Authorize(caller, Access::kReadNetwork, "n1").code(),
              absl::StatusCode::kPermissionDenied);
  }
}

Caller PlatformService() {
  Caller caller;
  caller.key = "apiKeys/meetings";
  caller.role = ROLE_SERVICE_ACCOUNT;
  return caller;
}

TEST(AuthorizeTest, OnlyAServiceAccountWithoutANetworkIsPlatformService) {
  EXPECT_TRUE(PlatformService().IsPlatformService());
  EXPECT_FALSE(PlatformService().IsPlatformAdmin());
  EXPECT_FALSE(KeyOf(ROLE_SERVICE_ACCOUNT).IsPlatformService());
  for (Role role :
       {ROLE_UNSPECIFIED, ROLE_NETWORK_ADMIN, ROLE_CONVENER, ROLE_MEMBER, ROLE_OPERATOR}) {
    SCOPED_TRACE(Role_Name(role));
    Caller caller = KeyOf(role);
    caller.network_id.clear();
    EXPECT_FALSE(caller.IsPlatformService());
  }
}

TEST(AuthorizeTest, PlatformServiceReadsAndCallsServiceMethodsInEveryNetworkAndChangesNothing) {
  const Caller service = PlatformService();
  for (Access access : kAllAccesses) {
    SCOPED_TRACE(AccessName(access));
    const bool allowed = access == Access::kReadNetwork || access == Access::kReadDirectory ||
                         access == Access::kReadCoalition || access == Access::kServiceCall;
    ExpectDecision(Authorize(service, access, "n1", "c1"), allowed);
    ExpectDecision(Authorize(service, access, "n2", "c9"), allowed);
    ExpectDecision(Authorize(service, access, "n2"), allowed);
    // "": the platform's own keys, which introspection must be able to see.
    ExpectDecision(Authorize(service, access, ""), allowed);
  }
}

TEST(AuthorizeTest, ANetworksServiceAccountStillReachesOnlyItsNetwork) {
  const Caller service = KeyOf(ROLE_SERVICE_ACCOUNT);
  for (Access access : {Access::kReadNetwork, Access::kReadDirectory, Access::kReadCoalition,
                        Access::kServiceCall}) {
    SCOPED_TRACE(AccessName(access));
    ExpectDecision(Authorize(service, access, "n1", "c1"), true);
    ExpectDecision(Authorize(service, access, "n2", "c1"), false);
    ExpectDecision(Authorize(service, access, ""), false);
  }
}

TEST(AuthorizeTest, ScopedKeyWithoutCoalitionIdReachesNoCoalition) {
  for (Role role : {ROLE_CONVENER, ROLE_MEMBER}) {
    SCOPED_TRACE(Role_Name(role));
    const Caller caller = KeyOf(role);
    EXPECT_EQ(Authorize(caller, Access::kReadCoalition, "n1").code(),
              absl::StatusCode::kPermissionDenied);
    EXPECT_EQ(Authorize(caller, Access::kWriteCoalition, "n1").code(),
              absl::StatusCode::kPermissionDenied);
  }
}

TEST(AuthorizeTest, ScopedKeyWithAnEmptyScopeReachesNoCoalition) {
  Caller caller = KeyOf(ROLE_CONVENER);
  caller.coalition_ids.clear();
  EXPECT_EQ(Authorize(caller, Access::kReadCoalition, "n1", "c1").code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Authorize(caller, Access::kWriteCoalition, "n1", "c1").code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(CallerTest, HasCoalitionMatchesWholeIds) {
  const Caller caller = KeyOf(ROLE_MEMBER);
  EXPECT_TRUE(caller.HasCoalition("c1"));
  EXPECT_TRUE(caller.HasCoalition("c2"));
  EXPECT_FALSE(caller.HasCoalition("c"));
  EXPECT_FALSE(caller.HasCoalition("c12"));
  EXPECT_FALSE(caller.HasCoalition(""));
}

// A server context holding the given "authorization" metadata (none when null).
class BearerSecretTest : public ::testing::Test {
 protected:
  const grpc::ServerContext& ContextWith(const char* authorization) {
    if (authorization != nullptr) spouse_.AddClientMetadata("authorization", authorization);
    return context_;
  }

 private:
  grpc::ServerContext context_;
  grpc::testing::ServerContextTestSpouse spouse_{&context_};
};

TEST_F(BearerSecretTest, MissingAuthorizationIsUnauthenticated) {
  EXPECT_EQ(BearerSecret(ContextWith(nullptr)).status().code(), absl::StatusCode::kUnauthenticated);
}

TEST_F(BearerSecretTest, BearerSchemeYieldsTheSecret) {
  absl::StatusOr<std::string> secret = BearerSecret(ContextWith("Bearer ck_abc123"));
  ASSERT_TRUE(secret.ok()) << secret.status();
  EXPECT_EQ(*secret, "ck_abc123");
}

TEST_F(BearerSecretTest, SchemeIsCaseInsensitive) {
  absl::StatusOr<std::string> secret = BearerSecret(ContextWith("bEARER ck_abc123"));
  ASSERT_TRUE(secret.ok()) << secret.status();
  EXPECT_EQ(*secret, "ck_abc123");
}

TEST_F(BearerSecretTest, SurroundingSpacesAreTrimmed) {
  absl::StatusOr<std::string> secret = BearerSecret(ContextWith("Bearer   ck_abc123  "));
  ASSERT_TRUE(secret.ok()) << secret.status();
  EXPECT_EQ(*secret, "ck_abc123");
}

TEST_F(BearerSecretTest, OtherSchemesAreUnauthenticated) {
  EXPECT_EQ(BearerSecret(ContextWith("Basic YWxpY2U6c2VjcmV0")).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(BearerSecretTest, SecretWithoutSchemeIsUnauthenticated) {
  EXPECT_EQ(BearerSecret(ContextWith("ck_abc123")).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(BearerSecretTest, BearerWithoutSecretIsUnauthenticated) {
  EXPECT_EQ(BearerSecret(ContextWith("Bearer")).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(BearerSecretTest, BearerWithOnlyTrailingSpaceIsUnauthenticated) {
  EXPECT_EQ(BearerSecret(ContextWith("Bearer ")).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(BearerSecretTest, BearerWithOnlySpacesIsUnauthenticated) {
  EXPECT_EQ(BearerSecret(ContextWith("Bearer    ")).status().code(),
            absl::StatusCode::kUnauthenticated);
}

// Remembers the secret it was given.
class RecordingAuthenticator final : public Authenticator {
 public:
  absl::StatusOr<Caller> Authenticate(absl::string_view secret) override {
    secrets.emplace_back(secret);
    return KeyOf(ROLE_OPERATOR);
  }
  std::vector<std::string> secrets;
};

TEST_F(BearerSecretTest, AuthenticateCallPassesTheSecretOn) {
  RecordingAuthenticator authenticator;
  absl::StatusOr<Caller> caller = AuthenticateCall(authenticator, ContextWith("Bearer ck_xyz"), "");
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->role, ROLE_OPERATOR);
  EXPECT_EQ(authenticator.secrets, std::vector<std::string>{"ck_xyz"});
}

TEST_F(BearerSecretTest, AuthenticateCallWithoutMetadataDoesNotAskTheAuthenticator) {
  RecordingAuthenticator authenticator;
  EXPECT_EQ(AuthenticateCall(authenticator, ContextWith(nullptr), "").status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(authenticator.secrets.empty());
}

}  // namespace
}  // namespace coalition::auth
