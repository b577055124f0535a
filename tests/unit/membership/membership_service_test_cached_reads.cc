// Reads the service serves from its cache (rosters, actor counts) never go stale after a
// write, and concurrent retries of one create stay idempotent.
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/membership/membership_test_fixture.h"

namespace coalition::membership::testing {
namespace {

using ::testing::SizeIs;

class CachedReadsTest : public MembershipServiceTest {
 protected:
  std::unique_ptr<cache::Cache> MakeCache() override { return NewKeepForeverCache(); }

  v1::CheckMembershipResponse Check(const std::string& person) {
    v1::CheckMembershipRequest request;
    request.set_coalition(a1_.name());
    request.set_person(person);
    v1::CheckMembershipResponse response;
    EXPECT_THAT(stub().CheckMembership(Ctx(admin_a_).get(), request, &response), IsOk());
    return response;
  }

  int Eligible() {
    v1::ListEligibleMembersRequest request;
    request.set_coalition(a1_.name());
    v1::ListEligibleMembersResponse response;
    EXPECT_THAT(stub().ListEligibleMembers(Ctx(admin_a_).get(), request, &response), IsOk());
    return response.members_size();
  }

  int Supporters() {
    v1::CountActorsByCategoryRequest request;
    request.set_parent(a1_.name());
    v1::CountActorsByCategoryResponse response;
    EXPECT_THAT(stub().CountActorsByCategory(Ctx(admin_a_).get(), request, &response), IsOk());
    for (const auto& count : response.counts()) {
      if (count.category() == v1::SUPPORTER) return count.count();
    }
    return -1;
  }
};

TEST_F(CachedReadsTest, CachedRosterFollowsEveryMembershipChange) {
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez", "ana@x.org");
  EXPECT_FALSE(Check(ana.name()).active());
  EXPECT_EQ(Eligible(), 0);

  v1::Membership membership = CreateMembership(a1_.name(), ana.name(), v1::MEMBER);
  EXPECT_TRUE(Check(ana.name()).active());
  EXPECT_EQ(Eligible(), 1);

  v1::UpdateMembershipRequest update;
  update.mutable_membership()->set_name(membership.name());
  update.mutable_membership()->set_role(v1::CONVENER);
  v1::Membership updated;
  ASSERT_THAT(stub().UpdateMembership(Ctx(admin_a_).get(), update, &updated), IsOk());
  EXPECT_EQ(Check(ana.name()).role(), v1::CONVENER);

  v1::LeaveCoalitionRequest leave;
  leave.set_name(membership.name());
  ASSERT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &updated), IsOk());
  EXPECT_FALSE(Check(ana.name()).active());
  EXPECT_EQ(Eligible(), 0);

  v1::RejoinCoalitionRequest rejoin;
  rejoin.set_name(membership.name());
  ASSERT_THAT(stub().RejoinCoalition(Ctx(admin_a_).get(), rejoin, &updated), IsOk());
  EXPECT_TRUE(Check(ana.name()).active());
  EXPECT_EQ(Eligible(), 1);
}

TEST_F(CachedReadsTest, CachedRosterSeesPeopleOfARosterImport) {
  EXPECT_EQ(Eligible(), 0);
  v1::RosterRow row;
  row.set_display_name("Ben Ortiz");
  row.set_email("ben@x.org");
  row.set_stakeholder_type(v1::PHARMACISTS);
  row.set_role(v1::MEMBER);
  v1::ImportRosterResponse response;
  ASSERT_THAT(ImportRoster(admin_a_, a1_.name(), "", {{row}}, &response), IsOk());
  EXPECT_EQ(Eligible(), 1);
}

TEST_F(CachedReadsTest, CachedActorCountsFollowEveryChangeOfTheMap) {
  EXPECT_EQ(Supporters(), 0);
  v1::Actor actor = CreateActor(a1_.name(), "County", v1::SUPPORTER);
  EXPECT_EQ(Supporters(), 1);
  v1::UpdateActorRequest update;
  update.mutable_actor()->set_name(actor.name());
  update.mutable_actor()->set_category(v1::OPPOSITION);
  ASSERT_THAT(stub().UpdateActor(Ctx(admin_a_).get(), update, &actor), IsOk());
  EXPECT_EQ(Supporters(), 0);
  update.mutable_actor()->set_category(v1::SUPPORTER);
  ASSERT_THAT(stub().UpdateActor(Ctx(admin_a_).get(), update, &actor), IsOk());
  EXPECT_EQ(Supporters(), 1);
  v1::DeleteActorRequest remove;
  remove.set_name(actor.name());
  google::protobuf::Empty empty;
  ASSERT_THAT(stub().DeleteActor(Ctx(admin_a_).get(), remove, &empty), IsOk());
  EXPECT_EQ(Supporters(), 0);
}

using ConcurrentRetryTest = MembershipServiceTest;

TEST_F(ConcurrentRetryTest, ConcurrentRetriesOfOneCreateMakeOnePerson) {
  v1::CreatePersonRequest request;
  request.set_parent(network_a_.name());
  request.set_request_id("import-ana-concurrently");
  request.mutable_person()->set_display_name("Ana Lopez");
  request.mutable_person()->set_email("ana@x.org");
  request.mutable_person()->set_stakeholder_type(v1::PHYSICIANS);
  constexpr int kCallers = 8;
  std::vector<v1::Person> people(kCallers);
  std::vector<grpc::Status> statuses(kCallers);
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back(
        [&, i] { statuses[i] = stub().CreatePerson(Ctx(admin_a_).get(), request, &people[i]); });
  }
  for (auto& caller : callers) caller.join();
  for (int i = 0; i < kCallers; ++i) {
    EXPECT_THAT(statuses[i], IsOk()) << "caller " << i;
    EXPECT_EQ(people[i].name(), people[0].name()) << "caller " << i;
  }
  EXPECT_EQ(CountPeople(network_a_.name()), 1);
}

}  // namespace
}  // namespace coalition::membership::testing
