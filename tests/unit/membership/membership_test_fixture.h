#ifndef COALITION_TESTS_UNIT_MEMBERSHIP_MEMBERSHIP_TEST_FIXTURE_H_
#define COALITION_TESTS_UNIT_MEMBERSHIP_MEMBERSHIP_TEST_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/client_context.h>

#include "absl/time/time.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/cache/cache.h"
#include "libs/core/clock.h"
#include "libs/server/grpc_server.h"
#include "libs/storage/database.h"
#include "libs/testing/grpc_calls.h"
#include "libs/testing/role_keys.h"
#include "services/membership/membership_service.h"

// The membership service started in-process on 127.0.0.1:0 over a fresh in-memory SQLite
// store and a FakeClock, with factories that build the world of a test through the API.
namespace coalition::membership::testing {

namespace v1 = ::coalition::membership::v1;
using coalition::common::v1::Role;

using coalition::testing::HasCode;
using coalition::testing::InvalidArgumentOn;
using coalition::testing::IsOk;
using coalition::testing::StatusCodeName;
using coalition::testing::ViolatedFields;

// A cache that keeps every value until it is invalidated (no TTL), so a missing invalidation
// after a write shows up as a stale read.
std::unique_ptr<cache::Cache> NewKeepForeverCache();

class MembershipServiceTest : public ::testing::Test, public coalition::testing::RoleKeys {
 protected:
  void SetUp() override;
  void TearDown() override;
  // The service's cache; pass-through unless a fixture wants to catch stale reads.
  virtual std::unique_ptr<cache::Cache> MakeCache() { return cache::NewPassThroughCache(); }

  v1::MembershipService::Stub& stub() { return *stub_; }
  FakeClock& clock() { return clock_; }

  // A context that authenticates with the API key `secret` and gives the call a deadline.
  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& secret,
                                           absl::Duration deadline = absl::Seconds(10));
  // A context without credentials.
  std::unique_ptr<grpc::ClientContext> AnonymousCtx();

  const std::string& platform_key() const { return platform_key_; }
  // Where the in-process server listens, for clients other than stub().
  std::string address() const;

  // Factories. Each goes through the API with the platform admin key (unless it takes a key)
  // and fails the test when the call fails.
  // Keys of each role: RoleKeys, through CreateApiKey.
  v1::Network CreateNetwork(const std::string& display_name,
                            const std::vector<std::string>& states);
  // A service account of no network (membership-server --create_service_key).
  std::string PlatformServiceKey(const std::string& holder = "meetings-server");
  v1::Coalition CreateCoalition(const std::string& network, const std::string& display_name,
                                const std::string& state, const std::string& region = "");
  v1::Person CreatePerson(const std::string& network, const std::string& display_name,
                          const std::string& email = "");
  v1::Organization CreateOrganization(const std::string& network, const std::string& display_name);
  v1::Membership CreateMembership(const std::string& coalition, const std::string& member,
                                  v1::MembershipRole role = v1::MEMBER);
  // A new person who is an active member of `coalition`.
  v1::Person CreateMemberPerson(const std::string& coalition, const std::string& display_name,
                                v1::MembershipRole role = v1::MEMBER);
  v1::MeasurableAim CreateAim(const std::string& coalition, const std::string& metric,
                              double baseline, double target, double current_value);
  v1::Actor CreateActor(const std::string& coalition, const std::string& display_name,
                        v1::ActorCategory category);
  v1::Team CreateTeam(const std::string& coalition, const std::string& display_name,
                      const std::string& parent_team = "",
                      const std::vector<std::string>& leads = {},
                      const std::vector<std::string>& members = {});

  // Streams `messages` to ImportRoster (parent and request_id in the first message only).
  grpc::Status ImportRoster(const std::string& secret, const std::string& parent,
                            const std::string& request_id,
                            const std::vector<std::vector<v1::RosterRow>>& messages,
                            v1::ImportRosterResponse* response,
                            grpc::ClientContext* context = nullptr);

  // Walks every page of a List call at page_size 2 with the key `secret`: the names seen in
  // order, and how many pages it took. Each page must be OK and hold at most 2 items.
  struct PageWalk {
    std::vector<std::string> names;
    int pages = 0;
  };
  template <typename Request, typename Response, typename Items>
  PageWalk WalkPages(grpc::Status (v1::MembershipService::Stub::*rpc)(grpc::ClientContext*,
                                                                      const Request&, Response*),
                     Request request, const std::string& secret, Items items) {
    PageWalk walk;
    std::string token;
    do {
      request.set_page_size(2);
      request.set_page_token(token);
      Response response;
      const grpc::Status status = (stub().*rpc)(Ctx(secret).get(), request, &response);
      EXPECT_THAT(status, IsOk());
      if (!status.ok()) break;
      EXPECT_LE(items(response).size(), 2);
      for (const auto& item : items(response)) walk.names.push_back(item.name());
      token = response.next_page_token();
      ++walk.pages;
    } while (!token.empty() && walk.pages < 10);
    return walk;
  }

  v1::CreateApiKeyResponse NewKey(const std::string& network, Role role,
                                  const std::vector<std::string>& coalitions,
                                  const std::string& person) override;

  // Reads back through the API with the platform key.
  v1::Coalition GetCoalition(const std::string& name);
  v1::Person GetPerson(const std::string& name);
  v1::Membership GetMembership(const std::string& name);
  int CountPeople(const std::string& network);
  int CountOrganizations(const std::string& network);
  int CountCoalitions(const std::string& network);
  std::vector<common::v1::AuditEvent> AuditEvents(const std::string& network,
                                                  const std::string& resource_prefix = "");

  // The world every test starts with:
  //   network A (VA, MD, DC) with an admin key, coalitions a1 (VA) and a2 (MD);
  //   network B (NC) with an admin key and coalition b1.
  v1::Network network_a_;
  v1::Network network_b_;
  std::string admin_a_;
  std::string admin_b_;
  v1::Coalition a1_;
  v1::Coalition a2_;
  v1::Coalition b1_;

 private:
  FakeClock clock_;
  std::unique_ptr<storage::Database> db_;
  std::unique_ptr<cache::Cache> cache_;
  std::unique_ptr<MembershipService> service_;
  std::unique_ptr<server::GrpcServer> server_;
  std::unique_ptr<v1::MembershipService::Stub> stub_;
  std::string platform_key_;
  int key_count_ = 0;
};

}  // namespace coalition::membership::testing

#endif  // COALITION_TESTS_UNIT_MEMBERSHIP_MEMBERSHIP_TEST_FIXTURE_H_
