#ifndef COALITION_TESTS_UNIT_MEETINGS_MEETINGS_TEST_FIXTURE_H_
#define COALITION_TESTS_UNIT_MEETINGS_MEETINGS_TEST_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include <prometheus/registry.h>

#include "coalition/meetings/v1/meetings_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/clock.h"
#include "libs/server/grpc_server.h"
#include "libs/storage/database.h"
#include "libs/testing/fake_authenticator.h"
#include "libs/testing/grpc_calls.h"
#include "libs/testing/in_memory_membership.h"
#include "libs/testing/role_keys.h"
#include "services/meetings/background.h"
#include "services/meetings/meetings_service.h"

// MeetingsService started in-process on 127.0.0.1:0 over a fresh in-memory SQLite store and a
// FakeClock (2026-01-01 00:00 UTC at the start; days are UTC days). What it would ask
// membership is answered by an InMemoryMembership and its callers' keys by a
// FakeAuthenticator, both filled with the world below; calls between the real processes are
// tested in tests/integration.
namespace coalition::meetings::testing {

namespace v1 = ::coalition::meetings::v1;
namespace mv1 = ::coalition::membership::v1;
using coalition::common::v1::Date;
using coalition::common::v1::Role;
using coalition::testing::HasCode;
using coalition::testing::InvalidArgumentOn;
using coalition::testing::IsOk;

class MeetingsServiceTest : public ::testing::Test, public coalition::testing::RoleKeys {
 protected:
  void SetUp() override;
  void TearDown() override;

  FakeClock& clock() { return clock_; }
  // What membership holds and was told, and the keys it knows.
  coalition::testing::InMemoryMembership& membership() { return membership_; }
  coalition::testing::FakeAuthenticator& keys() { return *keys_; }

  // A context that authenticates with the API key `secret` and gives the call a deadline.
  std::unique_ptr<grpc::ClientContext> Ctx(const std::string& secret,
                                           absl::Duration deadline = absl::Seconds(10));
  // A context without credentials.
  std::unique_ptr<grpc::ClientContext> AnonymousCtx();

  v1::MeetingsService::Stub& meetings() { return *meetings_stub_; }
  // The outbox and gauges, run by hand: the tests decide when deliveries happen.
  BackgroundWork& background() { return *background_; }
  prometheus::Registry& registry() { return *registry_; }
  storage::Database& meetings_db() { return *meetings_db_; }
  std::string meetings_address() const;

  // The UTC day `days` after the fake clock's today.
  Date Day(int days) const;

  // Factories through the API (the convener key of a1 unless given); they fail the test when
  // the call fails.
  v1::Meeting CreateMeeting(const std::string& coalition, const std::string& display_name,
                            absl::Time start, v1::Meeting::Kind kind = v1::Meeting::COALITION,
                            const std::string& team = "", const std::string& key = "");
  v1::Commitment CreateCommitment(const std::string& coalition, const std::string& person,
                                  const std::string& what, const Date& due,
                                  v1::CommitmentSource source = {}, const std::string& key = "");
  v1::OneToOne CreateOneToOne(const std::string& coalition, const std::string& organizer,
                              const std::string& counterpart_person, const std::string& key = "");
  v1::Meeting StartMeeting(const v1::Meeting& meeting);
  // A check-in with a new status (or a note only with STATUS_UNSPECIFIED).
  v1::Commitment SetStatus(const v1::Commitment& commitment, v1::Commitment::Status status,
                           const std::string& note = "");
  std::vector<common::v1::AuditEvent> MeetingsAuditEvents(const std::string& network,
                                                          const std::string& resource_prefix = "");

  // The world of membership, as data in the fakes; each factory returns what membership would.
  // Keys of each role come from RoleKeys; a key's secret authenticates its caller until
  // keys().Revoke(secret).
  const std::string& platform_key() const { return platform_key_; }
  mv1::CreateApiKeyResponse NewKey(const std::string& network, Role role,
                                   const std::vector<std::string>& coalitions,
                                   const std::string& person) override;
  mv1::Person CreatePerson(const std::string& network, const std::string& display_name,
                           const std::string& organization = "");
  mv1::Organization CreateOrganization(const std::string& network, const std::string& display_name);
  void CreateMembership(const std::string& coalition, const std::string& member,
                        mv1::MembershipRole role = mv1::MEMBER);
  // A new person who is an active member of `coalition`.
  mv1::Person CreateMemberPerson(const std::string& coalition, const std::string& display_name,
                                 mv1::MembershipRole role = mv1::MEMBER);
  mv1::MeasurableAim CreateAim(const std::string& coalition, const std::string& metric,
                               double baseline, double target, double current_value);
  mv1::Actor CreateActor(const std::string& coalition, const std::string& display_name,
                         mv1::ActorCategory category);
  mv1::Team CreateTeam(const std::string& coalition, const std::string& display_name,
                       const std::string& parent_team = "",
                       const std::vector<std::string>& leads = {},
                       const std::vector<std::string>& members = {});

  // The world every test starts with:
  //   network A (VA, MD, DC) with an admin key, coalitions a1 (VA) and a2 (MD);
  //   network B (NC) with an admin key and coalition b1;
  //   convener_a1_: a convener key of a1; convener_a2_: of a2 only.
  //   alice_ and bob_: active members of a1; alice_key_: alice's member key for a1.
  //   carol_: a person of network A who is in no coalition. dana_b_: a member of b1.
  //   team_a1_: a team of a1 led by alice with bob in it.
  //   service_a_: a service-account key of network A (how decisions and assessment call).
  mv1::Network network_a_;
  mv1::Network network_b_;
  std::string admin_a_;
  std::string admin_b_;
  mv1::Coalition a1_;
  mv1::Coalition a2_;
  mv1::Coalition b1_;
  std::string convener_a1_;
  std::string convener_a2_;
  mv1::Person alice_;
  mv1::Person bob_;
  mv1::Person carol_;
  mv1::Person dana_b_;
  std::string alice_key_;
  std::string service_a_;
  mv1::Team team_a1_;

  // What the service is started with; a derived fixture may change them before SetUp.
  absl::Duration watch_poll_ = absl::Milliseconds(20);
  server::WatchLimits watch_limits_;

 private:
  FakeClock clock_;
  coalition::testing::InMemoryMembership membership_;
  coalition::testing::FakeAuthenticator* keys_ = nullptr;  // owned by the service
  std::string platform_key_;
  std::unique_ptr<storage::Database> meetings_db_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<BackgroundWork> background_;
  std::unique_ptr<MeetingsService> meetings_service_;
  std::unique_ptr<server::GrpcServer> meetings_server_;
  std::unique_ptr<v1::MeetingsService::Stub> meetings_stub_;
  int request_count_ = 0;
  int key_count_ = 0;
};

}  // namespace coalition::meetings::testing

#endif  // COALITION_TESTS_UNIT_MEETINGS_MEETINGS_TEST_FIXTURE_H_
