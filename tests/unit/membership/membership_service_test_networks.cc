// Networks, API keys and authentication.
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/storage/platform_tables.h"
#include "services/membership/api_keys.h"
#include "services/membership/repository.h"
#include "tests/unit/membership/membership_test_fixture.h"
#include "tests/unit/storage/test_backends.h"

namespace coalition::membership::testing {
namespace {

using coalition::common::v1::ROLE_CONVENER;
using coalition::common::v1::ROLE_MEMBER;
using coalition::common::v1::ROLE_NETWORK_ADMIN;
using coalition::common::v1::ROLE_OPERATOR;
using coalition::common::v1::ROLE_SERVICE_ACCOUNT;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;

using NetworkApiTest = MembershipServiceTest;
using ApiKeyTest = MembershipServiceTest;
using AuthenticationTest = MembershipServiceTest;

v1::CreateNetworkRequest NetworkRequest(const std::string& display_name,
                                        const std::vector<std::string>& states) {
  v1::CreateNetworkRequest request;
  request.mutable_network()->set_display_name(display_name);
  for (const auto& s : states) request.mutable_network()->add_states(s);
  return request;
}

TEST_F(NetworkApiTest, PlatformAdminCreatesNetwork) {
  v1::Network network;
  ASSERT_THAT(stub().CreateNetwork(Ctx(platform_key()).get(),
                                   NetworkRequest("Great Lakes QIN", {"MI", "OH"}), &network),
              IsOk());
  EXPECT_THAT(network.name(), StartsWith("networks/"));
  EXPECT_EQ(network.display_name(), "Great Lakes QIN");
  EXPECT_THAT(network.states(), ElementsAre("MI", "OH"));
  EXPECT_EQ(FromProtoTimestamp(network.create_time()), clock().Now());
  EXPECT_FALSE(network.etag().empty());
}

TEST_F(NetworkApiTest, CreateNetworkNamesMissingDisplayName) {
  v1::Network network;
  EXPECT_THAT(
      stub().CreateNetwork(Ctx(platform_key()).get(), NetworkRequest(" ", {"MI"}), &network),
      InvalidArgumentOn("network.display_name"));
}

TEST_F(NetworkApiTest, CreateNetworkNamesTheBadState) {
  v1::Network network;
  EXPECT_THAT(stub().CreateNetwork(Ctx(platform_key()).get(),
                                   NetworkRequest("Great Lakes QIN", {"MI", "Michigan"}), &network),
              InvalidArgumentOn("network.states[1]"));
}

TEST_F(NetworkApiTest, CreateNetworkNamesAStateListedTwice) {
  v1::Network network;
  EXPECT_THAT(stub().CreateNetwork(Ctx(platform_key()).get(),
                                   NetworkRequest("Great Lakes QIN", {"MI", "MI"}), &network),
              InvalidArgumentOn("network.states[1]"));
}

TEST_F(NetworkApiTest, CreateNetworkNeedsAtLeastOneState) {
  v1::Network network;
  EXPECT_THAT(stub().CreateNetwork(Ctx(platform_key()).get(), NetworkRequest("Great Lakes QIN", {}),
                                   &network),
              InvalidArgumentOn("network.states"));
}

TEST_F(NetworkApiTest, CreateNetworkRefusesAMalformedRequestId) {
  v1::CreateNetworkRequest request = NetworkRequest("Great Lakes QIN", {"MI"});
  request.set_request_id("has spaces in it");
  v1::Network network;
  EXPECT_THAT(stub().CreateNetwork(Ctx(platform_key()).get(), request, &network),
              InvalidArgumentOn("request_id"));
}

TEST_F(NetworkApiTest, NetworkAdminCannotCreateNetworks) {
  v1::Network network;
  EXPECT_THAT(stub().CreateNetwork(Ctx(admin_a_).get(), NetworkRequest("Rogue", {"MI"}), &network),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(NetworkApiTest, RetriedCreateNetworkReturnsTheFirstNetworkAndCreatesNoDuplicate) {
  v1::CreateNetworkRequest request = NetworkRequest("Great Lakes QIN", {"MI"});
  request.set_request_id("create-great-lakes-1");
  v1::Network first, second;
  ASSERT_THAT(stub().CreateNetwork(Ctx(platform_key()).get(), request, &first), IsOk());
  clock().Advance(absl::Minutes(1));
  ASSERT_THAT(stub().CreateNetwork(Ctx(platform_key()).get(), request, &second), IsOk());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.create_time().seconds(), first.create_time().seconds());

  v1::ListNetworksRequest list;
  v1::ListNetworksResponse networks;
  ASSERT_THAT(stub().ListNetworks(Ctx(platform_key()).get(), list, &networks), IsOk());
  EXPECT_THAT(networks.networks(), SizeIs(3));  // A, B and this one
}

TEST_F(NetworkApiTest, GetNetworkReturnsTheNetworkToAnyRoleOfIt) {
  for (const std::string& key :
       {admin_a_, OperatorKey(network_a_.name()), ConvenerKey(network_a_.name(), {a1_.name()})}) {
    v1::GetNetworkRequest request;
    request.set_name(network_a_.name());
    v1::Network network;
    ASSERT_THAT(stub().GetNetwork(Ctx(key).get(), request, &network), IsOk());
    EXPECT_EQ(network.display_name(), "Atlantic Quality Network");
    EXPECT_EQ(network.etag(), network_a_.etag());
  }
}

TEST_F(NetworkApiTest, GetNetworkOfAnotherNetworkIsDenied) {
  v1::GetNetworkRequest request;
  request.set_name(network_b_.name());
  v1::Network network;
  EXPECT_THAT(stub().GetNetwork(Ctx(admin_a_).get(), request, &network),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(NetworkApiTest, GetUnknownNetworkIsNotFound) {
  v1::GetNetworkRequest request;
  request.set_name("networks/doesnotexist");
  v1::Network network;
  EXPECT_THAT(stub().GetNetwork(Ctx(platform_key()).get(), request, &network),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(NetworkApiTest, GetNetworkNamesAMalformedName) {
  v1::GetNetworkRequest request;
  request.set_name("coalitions/x");
  v1::Network network;
  EXPECT_THAT(stub().GetNetwork(Ctx(platform_key()).get(), request, &network),
              InvalidArgumentOn("name"));
}

TEST_F(NetworkApiTest, ListNetworksShowsANetworkKeyOnlyItsOwnNetwork) {
  v1::ListNetworksRequest request;
  v1::ListNetworksResponse response;
  ASSERT_THAT(stub().ListNetworks(Ctx(admin_a_).get(), request, &response), IsOk());
  ASSERT_THAT(response.networks(), SizeIs(1));
  EXPECT_EQ(response.networks(0).name(), network_a_.name());
}

TEST_F(NetworkApiTest, ListNetworksWalksEveryNetworkOnceWithPageSizeTwo) {
  for (int i = 0; i < 3; ++i) CreateNetwork("Extra network", {"TX"});
  v1::ListNetworksRequest request;
  const auto [seen, pages] =
      WalkPages(&v1::MembershipService::Stub::ListNetworks, request, platform_key(),
                [](const v1::ListNetworksResponse& r) { return r.networks(); });
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 5u);
  EXPECT_EQ(pages, 3);
}

TEST_F(NetworkApiTest, ListNetworksRefusesANegativePageSize) {
  v1::ListNetworksRequest request;
  request.set_page_size(-1);
  v1::ListNetworksResponse response;
  EXPECT_THAT(stub().ListNetworks(Ctx(platform_key()).get(), request, &response),
              InvalidArgumentOn("page_size"));
}

TEST_F(NetworkApiTest, ListNetworksRefusesAForgedPageToken) {
  v1::ListNetworksRequest request;
  request.set_page_token("bm90LWEtdG9rZW4tYXQtYWxsLWp1c3QtdGV4dA");
  v1::ListNetworksResponse response;
  EXPECT_THAT(stub().ListNetworks(Ctx(platform_key()).get(), request, &response),
              InvalidArgumentOn("page_token"));
}

TEST_F(NetworkApiTest, UpdateNetworkChangesOnlyMaskedFields) {
  v1::UpdateNetworkRequest request;
  request.mutable_network()->set_name(network_a_.name());
  request.mutable_network()->set_display_name("Mid-Atlantic QIN");
  request.mutable_network()->add_states("VA");  // not in the mask: ignored
  request.mutable_update_mask()->add_paths("display_name");
  clock().Advance(absl::Hours(1));
  v1::Network network;
  ASSERT_THAT(stub().UpdateNetwork(Ctx(admin_a_).get(), request, &network), IsOk());
  EXPECT_EQ(network.display_name(), "Mid-Atlantic QIN");
  EXPECT_THAT(network.states(), ElementsAre("VA", "MD", "DC"));
  EXPECT_EQ(FromProtoTimestamp(network.update_time()), clock().Now());
  EXPECT_NE(network.etag(), network_a_.etag());
}

TEST_F(NetworkApiTest, UpdateNetworkWithStaleEtagIsAborted) {
  v1::UpdateNetworkRequest request;
  request.mutable_network()->set_name(network_a_.name());
  request.mutable_network()->set_display_name("First edit");
  request.mutable_network()->set_etag(network_a_.etag());
  request.mutable_update_mask()->add_paths("display_name");
  v1::Network network;
  ASSERT_THAT(stub().UpdateNetwork(Ctx(admin_a_).get(), request, &network), IsOk());
  request.mutable_network()->set_display_name("Second edit from a stale read");
  EXPECT_THAT(stub().UpdateNetwork(Ctx(admin_a_).get(), request, &network),
              HasCode(grpc::StatusCode::ABORTED));
}

TEST_F(NetworkApiTest, UpdateNetworkRefusesAnOutputOnlyMaskPath) {
  v1::UpdateNetworkRequest request;
  request.mutable_network()->set_name(network_a_.name());
  request.mutable_update_mask()->add_paths("create_time");
  v1::Network network;
  EXPECT_THAT(stub().UpdateNetwork(Ctx(admin_a_).get(), request, &network),
              InvalidArgumentOn("update_mask"));
}

TEST_F(NetworkApiTest, UpdateNetworkRefusesAnUnknownMaskPath) {
  v1::UpdateNetworkRequest request;
  request.mutable_network()->set_name(network_a_.name());
  request.mutable_update_mask()->add_paths("no_such_field");
  v1::Network network;
  EXPECT_THAT(stub().UpdateNetwork(Ctx(admin_a_).get(), request, &network),
              InvalidArgumentOn("update_mask"));
}

TEST_F(NetworkApiTest, UpdateNetworkNamesABadState) {
  v1::UpdateNetworkRequest request;
  request.mutable_network()->set_name(network_a_.name());
  request.mutable_network()->add_states("VA");
  request.mutable_network()->add_states("MD");
  request.mutable_network()->add_states("Z9");
  request.mutable_update_mask()->add_paths("states");
  v1::Network network;
  EXPECT_THAT(stub().UpdateNetwork(Ctx(admin_a_).get(), request, &network),
              InvalidArgumentOn("network.states[2]"));
}

TEST_F(NetworkApiTest, UpdateNetworkCannotDropAStateThatStillHasCoalitions) {
  v1::UpdateNetworkRequest request;
  request.mutable_network()->set_name(network_a_.name());
  request.mutable_network()->add_states("VA");  // MD has a2
  request.mutable_update_mask()->add_paths("states");
  v1::Network network;
  EXPECT_THAT(stub().UpdateNetwork(Ctx(admin_a_).get(), request, &network),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
}

TEST_F(NetworkApiTest, UpdateNetworkDropsAStateWithoutCoalitions) {
  v1::UpdateNetworkRequest request;
  request.mutable_network()->set_name(network_a_.name());
  request.mutable_network()->add_states("VA");
  request.mutable_network()->add_states("MD");  // DC has none
  request.mutable_update_mask()->add_paths("states");
  v1::Network network;
  ASSERT_THAT(stub().UpdateNetwork(Ctx(admin_a_).get(), request, &network), IsOk());
  EXPECT_THAT(network.states(), ElementsAre("VA", "MD"));
}

TEST_F(NetworkApiTest, ConvenerCannotUpdateTheirNetwork) {
  v1::UpdateNetworkRequest request;
  request.mutable_network()->set_name(network_a_.name());
  request.mutable_network()->set_display_name("Taken over");
  v1::Network network;
  EXPECT_THAT(stub().UpdateNetwork(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(), request,
                                   &network),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(NetworkApiTest, AdminOfAnotherNetworkCannotUpdateIt) {
  v1::UpdateNetworkRequest request;
  request.mutable_network()->set_name(network_a_.name());
  request.mutable_network()->set_display_name("Taken over");
  v1::Network network;
  EXPECT_THAT(stub().UpdateNetwork(Ctx(admin_b_).get(), request, &network),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(NetworkApiTest, UpdateUnknownNetworkIsNotFound) {
  v1::UpdateNetworkRequest request;
  request.mutable_network()->set_name("networks/doesnotexist");
  request.mutable_network()->set_display_name("Ghost");
  v1::Network network;
  EXPECT_THAT(stub().UpdateNetwork(Ctx(platform_key()).get(), request, &network),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(NetworkApiTest, UpdateNetworkNamesAMalformedName) {
  v1::UpdateNetworkRequest request;
  request.mutable_network()->set_name("networks");
  v1::Network network;
  EXPECT_THAT(stub().UpdateNetwork(Ctx(platform_key()).get(), request, &network),
              InvalidArgumentOn("network.name"));
}

// ---- API keys ----

v1::CreateApiKeyRequest KeyRequest(const std::string& network, Role role,
                                   const std::vector<std::string>& coalitions = {},
                                   const std::string& person = "") {
  v1::CreateApiKeyRequest request;
  request.set_parent(network);
  request.mutable_api_key()->set_display_name("Reporting pipeline");
  request.mutable_api_key()->set_role(role);
  for (const auto& c : coalitions) request.mutable_api_key()->add_coalitions(c);
  request.mutable_api_key()->set_person(person);
  return request;
}

TEST_F(ApiKeyTest, NetworkAdminCreatesAConvenerKeyThatWorksOnlyInItsCoalition) {
  v1::CreateApiKeyResponse response;
  ASSERT_THAT(
      stub().CreateApiKey(Ctx(admin_a_).get(),
                          KeyRequest(network_a_.name(), ROLE_CONVENER, {a1_.name()}), &response),
      IsOk());
  EXPECT_THAT(response.secret(), StartsWith("ck_"));
  EXPECT_THAT(response.api_key().name(), StartsWith(network_a_.name() + "/apiKeys/"));
  EXPECT_EQ(response.api_key().state(), v1::ApiKey::ACTIVE);
  EXPECT_FALSE(response.api_key().key_prefix().empty());
  EXPECT_THAT(response.secret(), StartsWith(response.api_key().key_prefix()));

  v1::GetCoalitionRequest get;
  get.set_name(a1_.name());
  v1::Coalition coalition;
  EXPECT_THAT(stub().GetCoalition(Ctx(response.secret()).get(), get, &coalition), IsOk());
  get.set_name(a2_.name());
  EXPECT_THAT(stub().GetCoalition(Ctx(response.secret()).get(), get, &coalition),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(ApiKeyTest, CreateApiKeyNamesMissingDisplayName) {
  v1::CreateApiKeyRequest request = KeyRequest(network_a_.name(), ROLE_OPERATOR);
  request.mutable_api_key()->clear_display_name();
  v1::CreateApiKeyResponse response;
  EXPECT_THAT(stub().CreateApiKey(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("api_key.display_name"));
}

TEST_F(ApiKeyTest, CreateApiKeyNamesMissingRole) {
  v1::CreateApiKeyResponse response;
  EXPECT_THAT(
      stub().CreateApiKey(Ctx(admin_a_).get(),
                          KeyRequest(network_a_.name(), common::v1::ROLE_UNSPECIFIED), &response),
      InvalidArgumentOn("api_key.role"));
}

TEST_F(ApiKeyTest, ConvenerKeyNeedsCoalitions) {
  v1::CreateApiKeyResponse response;
  EXPECT_THAT(stub().CreateApiKey(Ctx(admin_a_).get(), KeyRequest(network_a_.name(), ROLE_CONVENER),
                                  &response),
              InvalidArgumentOn("api_key.coalitions"));
}

TEST_F(ApiKeyTest, OperatorKeyTakesNoCoalitions) {
  v1::CreateApiKeyResponse response;
  EXPECT_THAT(
      stub().CreateApiKey(Ctx(admin_a_).get(),
                          KeyRequest(network_a_.name(), ROLE_OPERATOR, {a1_.name()}), &response),
      InvalidArgumentOn("api_key.coalitions"));
}

TEST_F(ApiKeyTest, MemberKeyNeedsAPerson) {
  v1::CreateApiKeyResponse response;
  EXPECT_THAT(
      stub().CreateApiKey(Ctx(admin_a_).get(),
                          KeyRequest(network_a_.name(), ROLE_MEMBER, {a1_.name()}), &response),
      InvalidArgumentOn("api_key.person"));
}

TEST_F(ApiKeyTest, KeyScopeCannotNameAnotherNetworksCoalition) {
  v1::CreateApiKeyResponse response;
  EXPECT_THAT(
      stub().CreateApiKey(Ctx(admin_a_).get(),
                          KeyRequest(network_a_.name(), ROLE_CONVENER, {b1_.name()}), &response),
      InvalidArgumentOn("api_key.coalitions[0]"));
}

TEST_F(ApiKeyTest, KeyScopeCannotNameAnUnknownCoalition) {
  v1::CreateApiKeyResponse response;
  EXPECT_THAT(
      stub().CreateApiKey(Ctx(admin_a_).get(),
                          KeyRequest(network_a_.name(), ROLE_CONVENER,
                                     {a1_.name(), network_a_.name() + "/coalitions/doesnotexist"}),
                          &response),
      InvalidArgumentOn("api_key.coalitions[1]"));
}

TEST_F(ApiKeyTest, MemberKeyCannotBindAnUnknownPerson) {
  v1::CreateApiKeyResponse response;
  EXPECT_THAT(stub().CreateApiKey(Ctx(admin_a_).get(),
                                  KeyRequest(network_a_.name(), ROLE_MEMBER, {a1_.name()},
                                             network_a_.name() + "/people/doesnotexist"),
                                  &response),
              InvalidArgumentOn("api_key.person"));
}

TEST_F(ApiKeyTest, MemberKeyCannotBindAPersonOfAnotherNetwork) {
  v1::Person dana = CreatePerson(network_b_.name(), "Dana");
  v1::CreateApiKeyResponse response;
  EXPECT_THAT(stub().CreateApiKey(
                  Ctx(admin_a_).get(),
                  KeyRequest(network_a_.name(), ROLE_MEMBER, {a1_.name()}, dana.name()), &response),
              InvalidArgumentOn("api_key.person"));
}

TEST_F(ApiKeyTest, CreateApiKeyNamesAMalformedParent) {
  v1::CreateApiKeyResponse response;
  EXPECT_THAT(
      stub().CreateApiKey(Ctx(admin_a_).get(), KeyRequest("network-a", ROLE_OPERATOR), &response),
      InvalidArgumentOn("parent"));
}

TEST_F(ApiKeyTest, RetriedCreateApiKeyReturnsTheSameKeyWithoutItsSecret) {
  v1::CreateApiKeyRequest request = KeyRequest(network_a_.name(), ROLE_SERVICE_ACCOUNT);
  request.set_request_id("key-for-meetings-1");
  v1::CreateApiKeyResponse first, second;
  ASSERT_THAT(stub().CreateApiKey(Ctx(admin_a_).get(), request, &first), IsOk());
  v1::ListApiKeysRequest list;
  list.set_parent(network_a_.name());
  v1::ListApiKeysResponse before, after;
  ASSERT_THAT(stub().ListApiKeys(Ctx(admin_a_).get(), list, &before), IsOk());

  ASSERT_THAT(stub().CreateApiKey(Ctx(admin_a_).get(), request, &second), IsOk());
  EXPECT_EQ(second.api_key().name(), first.api_key().name());
  EXPECT_FALSE(first.secret().empty());
  EXPECT_TRUE(second.secret().empty());
  ASSERT_THAT(stub().ListApiKeys(Ctx(admin_a_).get(), list, &after), IsOk());
  EXPECT_EQ(after.api_keys_size(), before.api_keys_size());
}

TEST_F(ApiKeyTest, ConvenerCannotCreateApiKeys) {
  v1::CreateApiKeyResponse response;
  EXPECT_THAT(
      stub().CreateApiKey(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(),
                          KeyRequest(network_a_.name(), ROLE_CONVENER, {a1_.name()}), &response),
      HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(ApiKeyTest, AdminOfAnotherNetworkCannotCreateKeysInIt) {
  v1::CreateApiKeyResponse response;
  EXPECT_THAT(stub().CreateApiKey(Ctx(admin_b_).get(),
                                  KeyRequest(network_a_.name(), ROLE_NETWORK_ADMIN), &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(ApiKeyTest, PlatformAdminCreatingAKeyInAnUnknownNetworkIsNotFound) {
  v1::CreateApiKeyResponse response;
  EXPECT_THAT(stub().CreateApiKey(Ctx(platform_key()).get(),
                                  KeyRequest("networks/doesnotexist", ROLE_OPERATOR), &response),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(ApiKeyTest, ListApiKeysWalksEveryKeyOnceAndShowsNoSecret) {
  std::set<std::string> created;
  for (int i = 0; i < 3; ++i) {
    created.insert(CreateKey(network_a_.name(), ROLE_OPERATOR).api_key().name());
  }
  std::set<std::string> seen;
  int total = 0;
  std::string token;
  do {
    v1::ListApiKeysRequest request;
    request.set_parent(network_a_.name());
    request.set_page_size(2);
    request.set_page_token(token);
    v1::ListApiKeysResponse response;
    ASSERT_THAT(stub().ListApiKeys(Ctx(admin_a_).get(), request, &response), IsOk());
    for (const auto& key : response.api_keys()) {
      seen.insert(key.name());
      ++total;
      EXPECT_THAT(key.name(), StartsWith(network_a_.name() + "/"));
    }
    token = response.next_page_token();
  } while (!token.empty() && total < 100);
  EXPECT_EQ(total, 4);  // admin_a_ and the three operators
  EXPECT_EQ(seen.size(), 4u);
  for (const auto& name : created) EXPECT_TRUE(seen.count(name)) << name;
}

TEST_F(ApiKeyTest, OperatorCannotListApiKeys) {
  v1::ListApiKeysRequest request;
  request.set_parent(network_a_.name());
  v1::ListApiKeysResponse response;
  EXPECT_THAT(stub().ListApiKeys(Ctx(OperatorKey(network_a_.name())).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(ApiKeyTest, AdminCannotListAnotherNetworksKeys) {
  v1::ListApiKeysRequest request;
  request.set_parent(network_b_.name());
  v1::ListApiKeysResponse response;
  EXPECT_THAT(stub().ListApiKeys(Ctx(admin_a_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(ApiKeyTest, ListApiKeysRefusesAPageTokenOfAnotherNetwork) {
  for (int i = 0; i < 3; ++i) CreateKey(network_a_.name(), ROLE_OPERATOR);
  v1::ListApiKeysRequest request;
  request.set_parent(network_a_.name());
  request.set_page_size(1);
  v1::ListApiKeysResponse response;
  ASSERT_THAT(stub().ListApiKeys(Ctx(platform_key()).get(), request, &response), IsOk());
  ASSERT_FALSE(response.next_page_token().empty());
  request.set_parent(network_b_.name());
  request.set_page_token(response.next_page_token());
  EXPECT_THAT(stub().ListApiKeys(Ctx(platform_key()).get(), request, &response),
              InvalidArgumentOn("page_token"));
}

TEST_F(ApiKeyTest, RevokedKeyIsUnauthenticatedOnItsNextCall) {
  v1::CreateApiKeyResponse key = CreateKey(network_a_.name(), ROLE_OPERATOR);
  v1::GetNetworkRequest get;
  get.set_name(network_a_.name());
  v1::Network network;
  ASSERT_THAT(stub().GetNetwork(Ctx(key.secret()).get(), get, &network), IsOk());

  clock().Advance(absl::Minutes(5));
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(key.api_key().name());
  v1::ApiKey revoked;
  ASSERT_THAT(stub().RevokeApiKey(Ctx(admin_a_).get(), revoke, &revoked), IsOk());
  EXPECT_EQ(revoked.state(), v1::ApiKey::REVOKED);
  EXPECT_EQ(FromProtoTimestamp(revoked.revoke_time()), clock().Now());

  EXPECT_THAT(stub().GetNetwork(Ctx(key.secret()).get(), get, &network),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
}

TEST_F(ApiKeyTest, KeyWithAnExpiryWorksUntilThenAndIsUnauthenticatedAfter) {
  v1::CreateApiKeyRequest request;
  request.set_parent(network_a_.name());
  request.mutable_api_key()->set_display_name("quarterly export");
  request.mutable_api_key()->set_role(ROLE_OPERATOR);
  *request.mutable_api_key()->mutable_expire_time() =
      ToProtoTimestamp(clock().Now() + absl::Hours(1));
  v1::CreateApiKeyResponse key;
  ASSERT_THAT(stub().CreateApiKey(Ctx(admin_a_).get(), request, &key), IsOk());
  v1::GetNetworkRequest get;
  get.set_name(network_a_.name());
  v1::Network network;
  ASSERT_THAT(stub().GetNetwork(Ctx(key.secret()).get(), get, &network), IsOk());
  clock().Advance(absl::Hours(1));
  EXPECT_THAT(stub().GetNetwork(Ctx(key.secret()).get(), get, &network),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));

  // Introspection tells the other services the same.
  v1::IntrospectApiKeyRequest introspect;
  introspect.set_secret(key.secret());
  v1::IntrospectApiKeyResponse answer;
  ASSERT_THAT(stub().IntrospectApiKey(Ctx(PlatformServiceKey()).get(), introspect, &answer),
              IsOk());
  EXPECT_FALSE(answer.active());
}

TEST_F(ApiKeyTest, CreateApiKeyNamesAnExpiryInThePast) {
  v1::CreateApiKeyRequest request;
  request.set_parent(network_a_.name());
  request.mutable_api_key()->set_display_name("late");
  request.mutable_api_key()->set_role(ROLE_OPERATOR);
  *request.mutable_api_key()->mutable_expire_time() = ToProtoTimestamp(clock().Now());
  v1::CreateApiKeyResponse key;
  EXPECT_THAT(stub().CreateApiKey(Ctx(admin_a_).get(), request, &key),
              InvalidArgumentOn("api_key.expire_time"));
}

TEST_F(ApiKeyTest, KeyLimitedToSomeMethodsIsDeniedTheOthers) {
  v1::CreateApiKeyRequest request;
  request.set_parent(network_a_.name());
  request.mutable_api_key()->set_display_name("eligibility checker");
  request.mutable_api_key()->set_role(ROLE_SERVICE_ACCOUNT);
  request.mutable_api_key()->add_allowed_methods(
      "coalition.membership.v1.MembershipService/GetCoalition");
  v1::CreateApiKeyResponse key;
  ASSERT_THAT(stub().CreateApiKey(Ctx(admin_a_).get(), request, &key), IsOk());
  v1::GetCoalitionRequest get;
  get.set_name(a1_.name());
  v1::Coalition coalition;
  EXPECT_THAT(stub().GetCoalition(Ctx(key.secret()).get(), get, &coalition), IsOk());
  v1::ListPeopleRequest list;
  list.set_parent(network_a_.name());
  v1::ListPeopleResponse people;
  const grpc::Status denied = stub().ListPeople(Ctx(key.secret()).get(), list, &people);
  EXPECT_THAT(denied, HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(denied.error_message(), HasSubstr("ListPeople"));
}

TEST_F(ApiKeyTest, PlatformAdminListsAndRevokesPlatformKeysThroughTheApi) {
  const std::string service = PlatformServiceKey("reporting pipeline");
  v1::ListApiKeysRequest list;  // no parent: the platform's own keys
  v1::ListApiKeysResponse keys;
  ASSERT_THAT(stub().ListApiKeys(Ctx(platform_key()).get(), list, &keys), IsOk());
  std::string name;
  for (const auto& key : keys.api_keys()) {
    EXPECT_THAT(key.name(), StartsWith("apiKeys/"));
    if (key.display_name() == "reporting pipeline") name = key.name();
  }
  ASSERT_FALSE(name.empty());

  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(name);
  v1::ApiKey revoked;
  ASSERT_THAT(stub().RevokeApiKey(Ctx(platform_key()).get(), revoke, &revoked), IsOk());
  EXPECT_EQ(revoked.state(), v1::ApiKey::REVOKED);
  v1::GetNetworkRequest get;
  get.set_name(network_a_.name());
  v1::Network network;
  EXPECT_THAT(stub().GetNetwork(Ctx(service).get(), get, &network),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
}

TEST_F(ApiKeyTest, OnlyAPlatformAdminListsOrRevokesPlatformKeys) {
  PlatformServiceKey("reporting pipeline");
  v1::ListApiKeysRequest list;
  v1::ListApiKeysResponse keys;
  ASSERT_THAT(stub().ListApiKeys(Ctx(platform_key()).get(), list, &keys), IsOk());
  ASSERT_GT(keys.api_keys_size(), 0);
  for (const std::string& key : {admin_a_, PlatformServiceKey("another service")}) {
    EXPECT_THAT(stub().ListApiKeys(Ctx(key).get(), list, &keys),
                HasCode(grpc::StatusCode::PERMISSION_DENIED));
    v1::RevokeApiKeyRequest revoke;
    revoke.set_name(keys.api_keys(0).name());
    v1::ApiKey revoked;
    EXPECT_THAT(stub().RevokeApiKey(Ctx(key).get(), revoke, &revoked),
                HasCode(grpc::StatusCode::PERMISSION_DENIED));
  }
}

TEST_F(ApiKeyTest, RevokingTwiceKeepsTheFirstRevocation) {
  v1::CreateApiKeyResponse key = CreateKey(network_a_.name(), ROLE_OPERATOR);
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(key.api_key().name());
  v1::ApiKey first, second;
  ASSERT_THAT(stub().RevokeApiKey(Ctx(admin_a_).get(), revoke, &first), IsOk());
  clock().Advance(absl::Hours(1));
  ASSERT_THAT(stub().RevokeApiKey(Ctx(admin_a_).get(), revoke, &second), IsOk());
  EXPECT_EQ(second.state(), v1::ApiKey::REVOKED);
  EXPECT_EQ(second.revoke_time().seconds(), first.revoke_time().seconds());
}

TEST_F(ApiKeyTest, RevokeUnknownKeyIsNotFound) {
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(network_a_.name() + "/apiKeys/doesnotexist");
  v1::ApiKey key;
  EXPECT_THAT(stub().RevokeApiKey(Ctx(admin_a_).get(), revoke, &key),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(ApiKeyTest, RevokeNamesAMalformedName) {
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(network_a_.name() + "/keys/x");
  v1::ApiKey key;
  EXPECT_THAT(stub().RevokeApiKey(Ctx(admin_a_).get(), revoke, &key), InvalidArgumentOn("name"));
}

TEST_F(ApiKeyTest, ConvenerCannotRevokeKeys) {
  v1::CreateApiKeyResponse key = CreateKey(network_a_.name(), ROLE_OPERATOR);
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(key.api_key().name());
  v1::ApiKey revoked;
  EXPECT_THAT(stub().RevokeApiKey(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(), revoke,
                                  &revoked),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(ApiKeyTest, AdminOfAnotherNetworkCannotRevokeItsKeys) {
  v1::CreateApiKeyResponse key = CreateKey(network_a_.name(), ROLE_OPERATOR);
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(key.api_key().name());
  v1::ApiKey revoked;
  EXPECT_THAT(stub().RevokeApiKey(Ctx(admin_b_).get(), revoke, &revoked),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(ApiKeyTest, ServiceAccountIntrospectsAKeyOfItsNetwork) {
  v1::CreateApiKeyResponse convener = CreateKey(network_a_.name(), ROLE_CONVENER, {a1_.name()});
  v1::IntrospectApiKeyRequest request;
  request.set_secret(convener.secret());
  v1::IntrospectApiKeyResponse response;
  ASSERT_THAT(
      stub().IntrospectApiKey(Ctx(ServiceAccountKey(network_a_.name())).get(), request, &response),
      IsOk());
  EXPECT_TRUE(response.active());
  EXPECT_EQ(response.api_key().name(), convener.api_key().name());
  EXPECT_EQ(response.api_key().role(), ROLE_CONVENER);
  EXPECT_THAT(response.api_key().coalitions(), ElementsAre(a1_.name()));
  EXPECT_EQ(response.network(), network_a_.name());
}

TEST_F(ApiKeyTest, IntrospectionShowsARevokedKeyAsInactive) {
  v1::CreateApiKeyResponse key = CreateKey(network_a_.name(), ROLE_OPERATOR);
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(key.api_key().name());
  v1::ApiKey revoked;
  ASSERT_THAT(stub().RevokeApiKey(Ctx(admin_a_).get(), revoke, &revoked), IsOk());
  v1::IntrospectApiKeyRequest request;
  request.set_secret(key.secret());
  v1::IntrospectApiKeyResponse response;
  ASSERT_THAT(stub().IntrospectApiKey(Ctx(admin_a_).get(), request, &response), IsOk());
  EXPECT_FALSE(response.active());
  EXPECT_EQ(response.api_key().state(), v1::ApiKey::REVOKED);
}

TEST_F(ApiKeyTest, IntrospectionHidesKeysOfAnotherNetwork) {
  v1::CreateApiKeyResponse key = CreateKey(network_b_.name(), ROLE_OPERATOR);
  v1::IntrospectApiKeyRequest request;
  request.set_secret(key.secret());
  v1::IntrospectApiKeyResponse response;
  ASSERT_THAT(
      stub().IntrospectApiKey(Ctx(ServiceAccountKey(network_a_.name())).get(), request, &response),
      IsOk());
  EXPECT_FALSE(response.active());
  EXPECT_FALSE(response.has_api_key());
  EXPECT_TRUE(response.network().empty());
}

TEST_F(ApiKeyTest, PlatformServiceAccountIntrospectsKeysOfEveryNetwork) {
  const std::string service = PlatformServiceKey("meetings-server");
  v1::CreateApiKeyResponse convener_a = CreateKey(network_a_.name(), ROLE_CONVENER, {a1_.name()});
  v1::CreateApiKeyResponse operator_b = CreateKey(network_b_.name(), ROLE_OPERATOR);
  for (const auto& [key, network] :
       {std::pair{convener_a, network_a_.name()}, std::pair{operator_b, network_b_.name()}}) {
    v1::IntrospectApiKeyRequest request;
    request.set_secret(key.secret());
    v1::IntrospectApiKeyResponse response;
    ASSERT_THAT(stub().IntrospectApiKey(Ctx(service).get(), request, &response), IsOk());
    EXPECT_TRUE(response.active());
    EXPECT_EQ(response.api_key().name(), key.api_key().name());
    EXPECT_EQ(response.network(), network);
  }
}

TEST_F(ApiKeyTest, PlatformServiceAccountSeesPlatformKeysAsKeysOfNoNetwork) {
  const std::string service = PlatformServiceKey("meetings-server");
  const std::string decisions = PlatformServiceKey("decisions-server");
  for (const std::string& secret : {platform_key(), decisions}) {
    v1::IntrospectApiKeyRequest request;
    request.set_secret(secret);
    v1::IntrospectApiKeyResponse response;
    ASSERT_THAT(stub().IntrospectApiKey(Ctx(service).get(), request, &response), IsOk());
    EXPECT_TRUE(response.active());
    EXPECT_THAT(response.api_key().name(), StartsWith("apiKeys/"));
    EXPECT_TRUE(response.network().empty());
  }
}

TEST_F(ApiKeyTest, NetworkServiceAccountDoesNotSeePlatformKeys) {
  v1::IntrospectApiKeyRequest request;
  request.set_secret(PlatformServiceKey());
  v1::IntrospectApiKeyResponse response;
  ASSERT_THAT(
      stub().IntrospectApiKey(Ctx(ServiceAccountKey(network_a_.name())).get(), request, &response),
      IsOk());
  EXPECT_FALSE(response.active());
  EXPECT_FALSE(response.has_api_key());
}

// Only `membership-server --create_service_key` makes a service account of no network.
TEST_F(ApiKeyTest, CreateApiKeyCannotMakeAKeyWithoutANetwork) {
  for (const std::string parent : {"", "networks/", "networks"}) {
    SCOPED_TRACE(parent);
    v1::CreateApiKeyResponse response;
    EXPECT_THAT(stub().CreateApiKey(Ctx(platform_key()).get(),
                                    KeyRequest(parent, ROLE_SERVICE_ACCOUNT), &response),
                InvalidArgumentOn("parent"));
  }
}

TEST_F(ApiKeyTest, PlatformServiceAccountCannotCreateKeys) {
  v1::CreateApiKeyResponse response;
  EXPECT_THAT(stub().CreateApiKey(Ctx(PlatformServiceKey()).get(),
                                  KeyRequest(network_a_.name(), ROLE_SERVICE_ACCOUNT), &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(ApiKeyTest, IntrospectionOfAnUnknownSecretIsInactive) {
  v1::IntrospectApiKeyRequest request;
  request.set_secret("ck_not-a-key-anyone-made");
  v1::IntrospectApiKeyResponse response;
  ASSERT_THAT(stub().IntrospectApiKey(Ctx(platform_key()).get(), request, &response), IsOk());
  EXPECT_FALSE(response.active());
  EXPECT_FALSE(response.has_api_key());
}

TEST_F(ApiKeyTest, ConvenerLearnsNothingFromIntrospection) {
  v1::CreateApiKeyResponse key = CreateKey(network_a_.name(), ROLE_OPERATOR);
  v1::IntrospectApiKeyRequest request;
  request.set_secret(key.secret());
  v1::IntrospectApiKeyResponse response;
  grpc::Status status = stub().IntrospectApiKey(
      Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(), request, &response);
  // Service methods are not for conveners: either refused outright or told nothing.
  if (status.ok()) {
    EXPECT_FALSE(response.active());
    EXPECT_FALSE(response.has_api_key());
  } else {
    EXPECT_THAT(status, HasCode(grpc::StatusCode::PERMISSION_DENIED));
  }
}

TEST_F(ApiKeyTest, IntrospectionNeedsASecret) {
  v1::IntrospectApiKeyRequest request;
  v1::IntrospectApiKeyResponse response;
  EXPECT_THAT(stub().IntrospectApiKey(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("secret"));
}

// ---- Keys of no network, made from the command line ----

class PlatformKeyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = storage::testing::OpenTestStore();
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Migrate("membership", MembershipMigrations()).ok());
  }
  std::vector<common::v1::AuditEvent> PlatformAuditEvents() {
    std::vector<common::v1::AuditEvent> events;
    EXPECT_TRUE(db_->Read([&](storage::Session& s) -> absl::Status {
                     ASSIGN_OR_RETURN(auto page, storage::ListAuditEvents(s, "", "", "", 100));
                     events = std::move(page.events);
                     return absl::OkStatus();
                   })
                    .ok());
    return events;
  }
  FakeClock clock_;
  std::unique_ptr<storage::Database> db_;
};

TEST_F(PlatformKeyTest, ServiceKeyIsAServiceAccountOfNoNetworkAndIsAudited) {
  absl::StatusOr<std::string> secret = CreatePlatformServiceKey(*db_, clock_, "meetings-server");
  ASSERT_TRUE(secret.ok()) << secret.status();
  StoreAuthenticator authenticator(*db_, clock_);
  absl::StatusOr<auth::Caller> caller = authenticator.Authenticate(*secret);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_EQ(caller->role, ROLE_SERVICE_ACCOUNT);
  EXPECT_TRUE(caller->network_id.empty());
  EXPECT_TRUE(caller->IsPlatformService());
  EXPECT_FALSE(caller->IsPlatformAdmin());
  const auto events = PlatformAuditEvents();
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].resource(), caller->key);
  EXPECT_EQ(events[0].actor(), "membership-server --create_service_key");
  EXPECT_EQ(events[0].summary(), "created platform service account key for \"meetings-server\"");
}

TEST_F(PlatformKeyTest, AdminKeyIsStillANetworkAdminOfNoNetwork) {
  absl::StatusOr<std::string> secret = CreatePlatformAdminKey(*db_, clock_, "Jane Doe");
  ASSERT_TRUE(secret.ok()) << secret.status();
  absl::StatusOr<auth::Caller> caller = StoreAuthenticator(*db_, clock_).Authenticate(*secret);
  ASSERT_TRUE(caller.ok()) << caller.status();
  EXPECT_TRUE(caller->IsPlatformAdmin());
  EXPECT_FALSE(caller->IsPlatformService());
  const auto events = PlatformAuditEvents();
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].actor(), "membership-server --create_admin_key");
}

TEST_F(PlatformKeyTest, RotatingAHoldersKeyRevokesItsEarlierKeys) {
  PlatformKeyOptions options = PlatformKeyOptions::Of("meetings-server");
  options.rotate = true;
  auto first = CreatePlatformKey(*db_, clock_, ROLE_SERVICE_ACCOUNT, options);
  auto other =
      CreatePlatformKey(*db_, clock_, ROLE_SERVICE_ACCOUNT, PlatformKeyOptions::Of("decisions"));
  ASSERT_TRUE(first.ok() && other.ok());
  auto second = CreatePlatformKey(*db_, clock_, ROLE_SERVICE_ACCOUNT, options);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_THAT(second->revoked, ElementsAre(first->key.name()));
  StoreAuthenticator authenticator(*db_, clock_);
  EXPECT_EQ(authenticator.Authenticate(first->secret).status().code(),
            absl::StatusCode::kUnauthenticated);
  EXPECT_TRUE(authenticator.Authenticate(second->secret).ok());
  EXPECT_TRUE(authenticator.Authenticate(other->secret).ok());
}

TEST_F(PlatformKeyTest, ServiceKeyIsLimitedToItsMethodsAndExpires) {
  PlatformKeyOptions options = PlatformKeyOptions::Of("meetings-server");
  options.expires_in = absl::Hours(24);
  options.allowed_methods = {"coalition.membership.v1.MembershipService/CheckMembership"};
  auto created = CreatePlatformKey(*db_, clock_, ROLE_SERVICE_ACCOUNT, options);
  ASSERT_TRUE(created.ok()) << created.status();
  StoreAuthenticator authenticator(*db_, clock_);
  absl::StatusOr<auth::Caller> caller = authenticator.Authenticate(created->secret);
  ASSERT_TRUE(caller.ok());
  EXPECT_TRUE(caller->MayCall("/coalition.membership.v1.MembershipService/CheckMembership"));
  EXPECT_FALSE(caller->MayCall("/coalition.membership.v1.MembershipService/ListPeople"));
  clock_.Advance(absl::Hours(24));
  EXPECT_EQ(authenticator.Authenticate(created->secret).status().code(),
            absl::StatusCode::kUnauthenticated);
}

TEST_F(PlatformKeyTest, UnknownMethodsAreRefusedByName) {
  PlatformKeyOptions options = PlatformKeyOptions::Of("x");
  options.allowed_methods = {"NoSuch/Method"};
  const absl::Status status =
      CreatePlatformKey(*db_, clock_, ROLE_SERVICE_ACCOUNT, options).status();
  ASSERT_THAT(FieldViolationsOf(status), SizeIs(1));
  EXPECT_EQ(FieldViolationsOf(status)[0].field, "service_key_methods[0]");
}

TEST_F(PlatformKeyTest, RevokeFromTheCommandLineIsAudited) {
  auto created = CreatePlatformKey(*db_, clock_, ROLE_NETWORK_ADMIN, PlatformKeyOptions::Of("ops"));
  ASSERT_TRUE(created.ok());
  auto revoked = RevokeKeyFromCommandLine(*db_, clock_, created->key.name());
  ASSERT_TRUE(revoked.ok()) << revoked.status();
  EXPECT_EQ(revoked->state(), v1::ApiKey::REVOKED);
  EXPECT_EQ(StoreAuthenticator(*db_, clock_).Authenticate(created->secret).status().code(),
            absl::StatusCode::kUnauthenticated);
  std::vector<std::string> actors;
  for (const auto& event : PlatformAuditEvents()) actors.push_back(event.actor());
  EXPECT_THAT(actors, ::testing::Contains("membership-server --revoke_key"));
  EXPECT_EQ(RevokeKeyFromCommandLine(*db_, clock_, "apiKeys/nosuchkey").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(PlatformKeyTest, ServiceKeyNeedsAHolder) {
  const absl::Status status = CreatePlatformServiceKey(*db_, clock_, "").status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_THAT(FieldViolationsOf(status), SizeIs(1));
  EXPECT_EQ(FieldViolationsOf(status)[0].field, "create_service_key");
  EXPECT_THAT(PlatformAuditEvents(), ::testing::IsEmpty());
}

// ---- Authentication ----

TEST_F(AuthenticationTest, UnknownKeyIsUnauthenticated) {
  v1::GetNetworkRequest request;
  request.set_name(network_a_.name());
  v1::Network network;
  EXPECT_THAT(stub().GetNetwork(Ctx("ck_made-up-secret").get(), request, &network),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
}

TEST_F(AuthenticationTest, NonBearerAuthorizationIsUnauthenticated) {
  v1::GetNetworkRequest request;
  request.set_name(network_a_.name());
  v1::Network network;
  auto context = AnonymousCtx();
  context->AddMetadata("authorization", "Basic " + admin_a_);
  EXPECT_THAT(stub().GetNetwork(context.get(), request, &network),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
}

TEST_F(AuthenticationTest, BearerSchemeIsCaseInsensitive) {
  v1::GetNetworkRequest request;
  request.set_name(network_a_.name());
  v1::Network network;
  auto context = AnonymousCtx();
  context->AddMetadata("authorization", "bearer " + admin_a_);
  EXPECT_THAT(stub().GetNetwork(context.get(), request, &network), IsOk());
}

}  // namespace
}  // namespace coalition::membership::testing
