#ifndef COALITION_TESTS_UNIT_MEETINGS_MEETINGS_TEST_FIXTURE_H_
#define COALITION_TESTS_UNIT_MEETINGS_MEETINGS_TEST_FIXTURE_H_

#include <memory>
#include <string>
#include <vector>

#include <prometheus/registry.h>

#include "coalition/meetings/v1/meetings_service.grpc.pb.h"
#include "libs/cache/cache.h"
#include "libs/clients/membership_client.h"
#include "libs/server/grpc_server.h"
#include "libs/storage/database.h"
#include "services/meetings/background.h"
#include "services/meetings/meetings_service.h"
#include "tests/unit/membership/membership_test_fixture.h"

// MeetingsService started in-process on 127.0.0.1:0 over a fresh in-memory SQLite store,
// talking over gRPC to the real in-process membership service of the base fixture, both on
// the same FakeClock (2026-01-01 00:00 UTC at the start; days are UTC days).
namespace coalition::meetings::testing {

namespace v1 = ::coalition::meetings::v1;
namespace mv1 = ::coalition::membership::v1;
using coalition::common::v1::Date;
using membership::testing::HasCode;
using membership::testing::InvalidArgumentOn;
using membership::testing::IsOk;

class MeetingsServiceTest : public membership::testing::MembershipServiceTest {
 protected:
  void SetUp() override;
  void TearDown() override;

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

  // The world on top of the membership fixture's:
  //   convener_a1_: a convener key of a1; convener_a2_: of a2 only.
  //   alice_ and bob_: active members of a1; alice_key_: alice's member key for a1.
  //   carol_: a person of network A who is in no coalition. dana_b_: a member of b1.
  //   team_a1_: a team of a1 led by alice with bob in it.
  //   service_a_: a service-account key of network A (how decisions and assessment call).
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
  std::unique_ptr<storage::Database> meetings_db_;
  std::unique_ptr<cache::Cache> meetings_cache_;
  std::shared_ptr<prometheus::Registry> registry_;
  std::unique_ptr<clients::MembershipClient> membership_client_;
  std::unique_ptr<BackgroundWork> background_;
  std::unique_ptr<MeetingsService> meetings_service_;
  std::unique_ptr<server::GrpcServer> meetings_server_;
  std::unique_ptr<v1::MeetingsService::Stub> meetings_stub_;
  int request_count_ = 0;
};

}  // namespace coalition::meetings::testing

#endif  // COALITION_TESTS_UNIT_MEETINGS_MEETINGS_TEST_FIXTURE_H_
