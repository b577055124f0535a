// The snowflake: teams around a leadership team, queried as a tree.
#include <set>
#include <string>
#include <vector>

#include "tests/unit/membership/membership_test_fixture.h"

namespace coalition::membership::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StartsWith;

class TeamApiTest : public MembershipServiceTest {
 protected:
  void SetUp() override {
    MembershipServiceTest::SetUp();
    if (HasFatalFailure()) return;
    lead_ = CreateMemberPerson(a1_.name(), "Ana Lopez", v1::CONVENER);
    member_ = CreateMemberPerson(a1_.name(), "Ben Ortiz");
    root_ = CreateTeam(a1_.name(), "Leadership team", "", {lead_.name()}, {member_.name()});
    ASSERT_FALSE(HasFailure());
  }

  v1::CreateTeamRequest TeamRequest(const std::string& display_name,
                                    const std::string& parent_team) {
    v1::CreateTeamRequest request;
    request.set_parent(a1_.name());
    request.mutable_team()->set_display_name(display_name);
    request.mutable_team()->set_parent_team(parent_team);
    return request;
  }

  grpc::Status Reparent(const v1::Team& team, const std::string& parent_team) {
    v1::UpdateTeamRequest request;
    request.mutable_team()->set_name(team.name());
    request.mutable_team()->set_parent_team(parent_team);
    request.mutable_update_mask()->add_paths("parent_team");
    v1::Team updated;
    return stub().UpdateTeam(Ctx(admin_a_).get(), request, &updated);
  }

  v1::Person lead_;
  v1::Person member_;
  v1::Team root_;
};

std::vector<std::string> ChildNames(const v1::SnowflakeNode& node) {
  std::vector<std::string> names;
  for (const auto& child : node.children()) names.push_back(child.team().display_name());
  return names;
}

TEST_F(TeamApiTest, LeadershipTeamSitsAtTheCentre) {
  EXPECT_THAT(root_.name(), StartsWith(a1_.name() + "/teams/"));
  EXPECT_TRUE(root_.parent_team().empty());
  EXPECT_THAT(root_.leads(), ElementsAre(lead_.name()));
  EXPECT_THAT(root_.members(), ElementsAre(member_.name()));
  EXPECT_FALSE(root_.etag().empty());
}

TEST_F(TeamApiTest, SnowflakeIsATreeWithChildrenByDisplayName) {
  v1::Team outreach = CreateTeam(a1_.name(), "Outreach", root_.name(), {member_.name()});
  v1::Team data = CreateTeam(a1_.name(), "Data", root_.name());
  CreateTeam(a1_.name(), "Dashboards", data.name());
  CreateTeam(a1_.name(), "Church visits", outreach.name());
  CreateTeam(a1_.name(), "Barbershops", outreach.name());
  CreateTeam(a2_.name(), "Other coalition's centre");

  v1::GetSnowflakeRequest request;
  request.set_parent(a1_.name());
  v1::Snowflake snowflake;
  ASSERT_THAT(stub().GetSnowflake(Ctx(admin_a_).get(), request, &snowflake), IsOk());
  ASSERT_TRUE(snowflake.has_root());
  EXPECT_EQ(snowflake.root().team().name(), root_.name());
  EXPECT_THAT(ChildNames(snowflake.root()), ElementsAre("Data", "Outreach"));
  EXPECT_THAT(ChildNames(snowflake.root().children(0)), ElementsAre("Dashboards"));
  EXPECT_THAT(ChildNames(snowflake.root().children(1)),
              ElementsAre("Barbershops", "Church visits"));
  EXPECT_THAT(snowflake.root().children(0).children(0).children(), IsEmpty());
}

TEST_F(TeamApiTest, SnowflakeOfACoalitionWithoutTeamsHasNoRoot) {
  v1::GetSnowflakeRequest request;
  request.set_parent(a2_.name());
  v1::Snowflake snowflake;
  ASSERT_THAT(stub().GetSnowflake(Ctx(admin_a_).get(), request, &snowflake), IsOk());
  EXPECT_FALSE(snowflake.has_root());
}

TEST_F(TeamApiTest, SnowflakeOfUnknownCoalitionIsNotFound) {
  v1::GetSnowflakeRequest request;
  request.set_parent(network_a_.name() + "/coalitions/doesnotexist");
  v1::Snowflake snowflake;
  EXPECT_THAT(stub().GetSnowflake(Ctx(admin_a_).get(), request, &snowflake),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(TeamApiTest, SecondLeadershipTeamIsRefused) {
  v1::Team team;
  EXPECT_THAT(stub().CreateTeam(Ctx(admin_a_).get(), TeamRequest("Rival centre", ""), &team),
              InvalidArgumentOn("team.parent_team"));
}

TEST_F(TeamApiTest, ParentTeamOfAnotherCoalitionIsRefused) {
  v1::Team elsewhere = CreateTeam(a2_.name(), "a2 centre");
  v1::Team team;
  EXPECT_THAT(
      stub().CreateTeam(Ctx(admin_a_).get(), TeamRequest("Outreach", elsewhere.name()), &team),
      InvalidArgumentOn("team.parent_team"));
}

TEST_F(TeamApiTest, UnknownParentTeamIsRefused) {
  v1::Team team;
  EXPECT_THAT(stub().CreateTeam(Ctx(admin_a_).get(),
                                TeamRequest("Outreach", a1_.name() + "/teams/doesnotexist"), &team),
              InvalidArgumentOn("team.parent_team"));
}

TEST_F(TeamApiTest, MovingATeamUnderItsOwnDescendantIsRefusedAsACycle) {
  v1::Team outreach = CreateTeam(a1_.name(), "Outreach", root_.name());
  v1::Team churches = CreateTeam(a1_.name(), "Church visits", outreach.name());
  EXPECT_THAT(Reparent(outreach, churches.name()), InvalidArgumentOn("team.parent_team"));
  EXPECT_THAT(Reparent(root_, churches.name()), InvalidArgumentOn("team.parent_team"));
  EXPECT_THAT(Reparent(churches, churches.name()), InvalidArgumentOn("team.parent_team"));
}

TEST_F(TeamApiTest, TurningATeamIntoASecondCentreIsRefused) {
  v1::Team outreach = CreateTeam(a1_.name(), "Outreach", root_.name());
  EXPECT_THAT(Reparent(outreach, ""), InvalidArgumentOn("team.parent_team"));
}

TEST_F(TeamApiTest, MovingATeamUnderASiblingReshapesTheTree) {
  v1::Team outreach = CreateTeam(a1_.name(), "Outreach", root_.name());
  v1::Team data = CreateTeam(a1_.name(), "Data", root_.name());
  ASSERT_THAT(Reparent(data, outreach.name()), IsOk());
  v1::GetSnowflakeRequest request;
  request.set_parent(a1_.name());
  v1::Snowflake snowflake;
  ASSERT_THAT(stub().GetSnowflake(Ctx(admin_a_).get(), request, &snowflake), IsOk());
  EXPECT_THAT(ChildNames(snowflake.root()), ElementsAre("Outreach"));
  EXPECT_THAT(ChildNames(snowflake.root().children(0)), ElementsAre("Data"));
}

TEST_F(TeamApiTest, LeadWhoIsNotAMemberIsRefused) {
  v1::Person outsider = CreatePerson(network_a_.name(), "Outsider");
  v1::CreateTeamRequest request = TeamRequest("Outreach", root_.name());
  request.mutable_team()->add_leads(outsider.name());
  v1::Team team;
  EXPECT_THAT(stub().CreateTeam(Ctx(admin_a_).get(), request, &team),
              InvalidArgumentOn("team.leads[0]"));
}

TEST_F(TeamApiTest, MemberWhoLeftTheCoalitionIsRefused) {
  v1::Person leaver = CreatePerson(network_a_.name(), "Leaver");
  v1::Membership membership = CreateMembership(a1_.name(), leaver.name());
  v1::LeaveCoalitionRequest leave;
  leave.set_name(membership.name());
  v1::Membership left;
  ASSERT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &left), IsOk());
  v1::CreateTeamRequest request = TeamRequest("Outreach", root_.name());
  request.mutable_team()->add_leads(lead_.name());
  request.mutable_team()->add_members(member_.name());
  request.mutable_team()->add_members(leaver.name());
  v1::Team team;
  EXPECT_THAT(stub().CreateTeam(Ctx(admin_a_).get(), request, &team),
              InvalidArgumentOn("team.members[1]"));
}

TEST_F(TeamApiTest, MemberOfAnotherCoalitionIsRefused) {
  v1::Person elsewhere = CreateMemberPerson(a2_.name(), "Elsewhere");
  v1::CreateTeamRequest request = TeamRequest("Outreach", root_.name());
  request.mutable_team()->add_leads(lead_.name());
  request.mutable_team()->add_leads(elsewhere.name());
  v1::Team team;
  EXPECT_THAT(stub().CreateTeam(Ctx(admin_a_).get(), request, &team),
              InvalidArgumentOn("team.leads[1]"));
}

TEST_F(TeamApiTest, LeadListedTwiceIsRefused) {
  v1::CreateTeamRequest request = TeamRequest("Outreach", root_.name());
  request.mutable_team()->add_leads(lead_.name());
  request.mutable_team()->add_leads(lead_.name());
  v1::Team team;
  EXPECT_THAT(stub().CreateTeam(Ctx(admin_a_).get(), request, &team),
              InvalidArgumentOn("team.leads[1]"));
}

TEST_F(TeamApiTest, LeadOfAnotherNetworkIsRefused) {
  v1::Person dana = CreatePerson(network_b_.name(), "Dana");
  v1::CreateTeamRequest request = TeamRequest("Outreach", root_.name());
  request.mutable_team()->add_leads(dana.name());
  v1::Team team;
  EXPECT_THAT(stub().CreateTeam(Ctx(admin_a_).get(), request, &team),
              InvalidArgumentOn("team.leads[0]"));
}

TEST_F(TeamApiTest, CreateTeamNamesMissingDisplayName) {
  v1::Team team;
  EXPECT_THAT(stub().CreateTeam(Ctx(admin_a_).get(), TeamRequest("", root_.name()), &team),
              InvalidArgumentOn("team.display_name"));
}

TEST_F(TeamApiTest, CreateTeamInUnknownCoalitionIsNotFound) {
  v1::CreateTeamRequest request = TeamRequest("Centre", "");
  request.set_parent(network_a_.name() + "/coalitions/doesnotexist");
  v1::Team team;
  EXPECT_THAT(stub().CreateTeam(Ctx(admin_a_).get(), request, &team),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(TeamApiTest, RetriedCreateTeamReturnsTheSameTeamAndNoDuplicate) {
  v1::CreateTeamRequest request = TeamRequest("Outreach", root_.name());
  request.set_request_id("team-outreach-1");
  v1::Team first, second;
  ASSERT_THAT(stub().CreateTeam(Ctx(admin_a_).get(), request, &first), IsOk());
  ASSERT_THAT(stub().CreateTeam(Ctx(admin_a_).get(), request, &second), IsOk());
  EXPECT_EQ(second.name(), first.name());
  v1::ListTeamsRequest list;
  list.set_parent(a1_.name());
  v1::ListTeamsResponse teams;
  ASSERT_THAT(stub().ListTeams(Ctx(admin_a_).get(), list, &teams), IsOk());
  EXPECT_THAT(teams.teams(), SizeIs(2));
}

TEST_F(TeamApiTest, ConvenerFormsTeamsOnlyInTheirScope) {
  v1::Team team;
  EXPECT_THAT(stub().CreateTeam(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(),
                                TeamRequest("Outreach", root_.name()), &team),
              IsOk());
  EXPECT_THAT(stub().CreateTeam(Ctx(ConvenerKey(network_a_.name(), {a2_.name()})).get(),
                                TeamRequest("Data", root_.name()), &team),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(TeamApiTest, GetTeamReturnsItAndUnknownIsNotFound) {
  v1::GetTeamRequest request;
  request.set_name(root_.name());
  v1::Team team;
  ASSERT_THAT(stub().GetTeam(Ctx(admin_a_).get(), request, &team), IsOk());
  EXPECT_EQ(team.display_name(), "Leadership team");
  request.set_name(a1_.name() + "/teams/doesnotexist");
  EXPECT_THAT(stub().GetTeam(Ctx(admin_a_).get(), request, &team),
              HasCode(grpc::StatusCode::NOT_FOUND));
  request.set_name("teams/x");
  EXPECT_THAT(stub().GetTeam(Ctx(admin_a_).get(), request, &team), InvalidArgumentOn("name"));
}

TEST_F(TeamApiTest, ListTeamsWalksEveryTeamOnceWithPageSizeTwo) {
  std::set<std::string> expected = {root_.name()};
  for (int i = 0; i < 4; ++i) {
    expected.insert(CreateTeam(a1_.name(), "Team " + std::to_string(i), root_.name()).name());
  }
  v1::ListTeamsRequest request;
  request.set_parent(a1_.name());
  const auto [seen, pages] = WalkPages(&v1::MembershipService::Stub::ListTeams, request, admin_a_,
                                       [](const v1::ListTeamsResponse& r) { return r.teams(); });
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
}

TEST_F(TeamApiTest, UpdateTeamChangesOnlyMaskedFields) {
  v1::UpdateTeamRequest request;
  request.mutable_team()->set_name(root_.name());
  request.mutable_team()->set_etag(root_.etag());
  request.mutable_team()->set_purpose("Hold the coalition's strategy");
  request.mutable_team()->set_display_name("not in the mask");
  request.mutable_update_mask()->add_paths("purpose");
  v1::Team team;
  ASSERT_THAT(stub().UpdateTeam(Ctx(admin_a_).get(), request, &team), IsOk());
  EXPECT_EQ(team.purpose(), "Hold the coalition's strategy");
  EXPECT_EQ(team.display_name(), "Leadership team");
  EXPECT_THAT(team.leads(), ElementsAre(lead_.name()));
}

TEST_F(TeamApiTest, UpdateTeamChecksNewLeadsAreActiveMembers) {
  v1::Person outsider = CreatePerson(network_a_.name(), "Outsider");
  v1::UpdateTeamRequest request;
  request.mutable_team()->set_name(root_.name());
  request.mutable_team()->add_leads(lead_.name());
  request.mutable_team()->add_leads(outsider.name());
  request.mutable_update_mask()->add_paths("leads");
  v1::Team team;
  EXPECT_THAT(stub().UpdateTeam(Ctx(admin_a_).get(), request, &team),
              InvalidArgumentOn("team.leads[1]"));
}

TEST_F(TeamApiTest, UpdateTeamWithStaleEtagIsAborted) {
  v1::UpdateTeamRequest request;
  request.mutable_team()->set_name(root_.name());
  request.mutable_team()->set_etag(root_.etag());
  request.mutable_team()->set_purpose("first");
  request.mutable_update_mask()->add_paths("purpose");
  v1::Team team;
  ASSERT_THAT(stub().UpdateTeam(Ctx(admin_a_).get(), request, &team), IsOk());
  request.mutable_team()->set_purpose("second");
  EXPECT_THAT(stub().UpdateTeam(Ctx(admin_a_).get(), request, &team),
              HasCode(grpc::StatusCode::ABORTED));
}

TEST_F(TeamApiTest, UpdateTeamRefusesAnOutputOnlyMaskPath) {
  v1::UpdateTeamRequest request;
  request.mutable_team()->set_name(root_.name());
  request.mutable_update_mask()->add_paths("create_time");
  v1::Team team;
  EXPECT_THAT(stub().UpdateTeam(Ctx(admin_a_).get(), request, &team),
              InvalidArgumentOn("update_mask"));
}

TEST_F(TeamApiTest, UpdateUnknownTeamIsNotFound) {
  v1::UpdateTeamRequest request;
  request.mutable_team()->set_name(a1_.name() + "/teams/doesnotexist");
  request.mutable_team()->set_purpose("x");
  v1::Team team;
  EXPECT_THAT(stub().UpdateTeam(Ctx(admin_a_).get(), request, &team),
              HasCode(grpc::StatusCode::NOT_FOUND));
  request.mutable_team()->set_name("teams/x");
  EXPECT_THAT(stub().UpdateTeam(Ctx(admin_a_).get(), request, &team),
              InvalidArgumentOn("team.name"));
}

TEST_F(TeamApiTest, MemberCannotChangeTeams) {
  v1::UpdateTeamRequest request;
  request.mutable_team()->set_name(root_.name());
  request.mutable_team()->set_purpose("mine now");
  v1::Team team;
  EXPECT_THAT(stub().UpdateTeam(Ctx(MemberKey(a1_.name(), member_.name())).get(), request, &team),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(TeamApiTest, DeletingATeamWithChildrenIsFailedPrecondition) {
  v1::Team outreach = CreateTeam(a1_.name(), "Outreach", root_.name());
  v1::Team churches = CreateTeam(a1_.name(), "Church visits", outreach.name());
  v1::DeleteTeamRequest request;
  request.set_name(outreach.name());
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeleteTeam(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  request.set_name(root_.name());
  EXPECT_THAT(stub().DeleteTeam(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));

  request.set_name(churches.name());
  request.set_etag(churches.etag());
  ASSERT_THAT(stub().DeleteTeam(Ctx(admin_a_).get(), request, &empty), IsOk());
  request.set_name(outreach.name());
  request.set_etag(outreach.etag());
  EXPECT_THAT(stub().DeleteTeam(Ctx(admin_a_).get(), request, &empty), IsOk());
  v1::GetTeamRequest get;
  get.set_name(outreach.name());
  v1::Team team;
  EXPECT_THAT(stub().GetTeam(Ctx(admin_a_).get(), get, &team),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(TeamApiTest, DeleteTeamWithStaleEtagIsAborted) {
  v1::Team outreach = CreateTeam(a1_.name(), "Outreach", root_.name());
  v1::UpdateTeamRequest update;
  update.mutable_team()->set_name(outreach.name());
  update.mutable_team()->set_purpose("x");
  v1::Team team;
  ASSERT_THAT(stub().UpdateTeam(Ctx(admin_a_).get(), update, &team), IsOk());
  v1::DeleteTeamRequest request;
  request.set_name(outreach.name());
  request.set_etag(outreach.etag());
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeleteTeam(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::ABORTED));
}

TEST_F(TeamApiTest, DeleteUnknownTeamIsNotFound) {
  v1::DeleteTeamRequest request;
  request.set_name(a1_.name() + "/teams/doesnotexist");
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeleteTeam(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(TeamApiTest, ConvenerCannotDeleteTeamsOutsideTheirScope) {
  v1::Team outreach = CreateTeam(a1_.name(), "Outreach", root_.name());
  v1::DeleteTeamRequest request;
  request.set_name(outreach.name());
  google::protobuf::Empty empty;
  EXPECT_THAT(
      stub().DeleteTeam(Ctx(ConvenerKey(network_a_.name(), {a2_.name()})).get(), request, &empty),
      HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(TeamApiTest, AdminOfAnotherNetworkCannotReadTheSnowflake) {
  v1::GetSnowflakeRequest request;
  request.set_parent(a1_.name());
  v1::Snowflake snowflake;
  EXPECT_THAT(stub().GetSnowflake(Ctx(admin_b_).get(), request, &snowflake),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

}  // namespace
}  // namespace coalition::membership::testing
