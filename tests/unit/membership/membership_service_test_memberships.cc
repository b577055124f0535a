// Memberships, their history, and the methods other services call about them.
#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "libs/core/proto_time.h"
#include "tests/unit/membership/membership_test_fixture.h"

namespace coalition::membership::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::StartsWith;

using MembershipApiTest = MembershipServiceTest;
using EligibilityTest = MembershipServiceTest;
using BatchGetPeopleTest = MembershipServiceTest;

v1::CreateMembershipRequest MembershipRequest(const std::string& coalition,
                                              const std::string& member, v1::MembershipRole role) {
  v1::CreateMembershipRequest request;
  request.set_parent(coalition);
  request.mutable_membership()->set_member(member);
  request.mutable_membership()->set_role(role);
  return request;
}

std::vector<v1::MembershipEvent::Kind> Kinds(const v1::Membership& membership) {
  std::vector<v1::MembershipEvent::Kind> kinds;
  for (const auto& event : membership.history()) kinds.push_back(event.kind());
  return kinds;
}

TEST_F(MembershipApiTest, PersonJoinsACoalitionWithAJoinedEvent) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership membership;
  ASSERT_THAT(stub().CreateMembership(Ctx(admin_a_).get(),
                                      MembershipRequest(a1_.name(), person.name(), v1::CONVENER),
                                      &membership),
              IsOk());
  EXPECT_THAT(membership.name(), StartsWith(a1_.name() + "/memberships/"));
  EXPECT_EQ(membership.member(), person.name());
  EXPECT_EQ(membership.role(), v1::CONVENER);
  EXPECT_EQ(membership.state(), v1::Membership::ACTIVE);
  EXPECT_EQ(FromProtoTimestamp(membership.join_time()), clock().Now());
  EXPECT_THAT(Kinds(membership), ElementsAre(v1::MembershipEvent::JOINED));
  EXPECT_FALSE(membership.etag().empty());
}

TEST_F(MembershipApiTest, OrganizationJoinsACoalition) {
  v1::Organization hospital = CreateOrganization(network_a_.name(), "Riverside Hospital");
  v1::Membership membership;
  ASSERT_THAT(stub().CreateMembership(Ctx(admin_a_).get(),
                                      MembershipRequest(a1_.name(), hospital.name(), v1::MEMBER),
                                      &membership),
              IsOk());
  EXPECT_EQ(membership.member(), hospital.name());
}

TEST_F(MembershipApiTest, CreateMembershipNamesAMissingMember) {
  v1::Membership membership;
  EXPECT_THAT(stub().CreateMembership(Ctx(admin_a_).get(),
                                      MembershipRequest(a1_.name(), "", v1::MEMBER), &membership),
              InvalidArgumentOn("membership.member"));
}

TEST_F(MembershipApiTest, CreateMembershipNamesAMemberThatIsNeitherPersonNorOrganization) {
  v1::Membership membership;
  EXPECT_THAT(
      stub().CreateMembership(Ctx(admin_a_).get(),
                              MembershipRequest(a1_.name(), a2_.name(), v1::MEMBER), &membership),
      InvalidArgumentOn("membership.member"));
}

TEST_F(MembershipApiTest, CreateMembershipNamesAPersonOfAnotherNetwork) {
  v1::Person other = CreatePerson(network_b_.name(), "Dana");
  v1::Membership membership;
  EXPECT_THAT(
      stub().CreateMembership(Ctx(admin_a_).get(),
                              MembershipRequest(a1_.name(), other.name(), v1::MEMBER), &membership),
      InvalidArgumentOn("membership.member"));
}

TEST_F(MembershipApiTest, CreateMembershipNamesAnUnknownPerson) {
  v1::Membership membership;
  EXPECT_THAT(
      stub().CreateMembership(
          Ctx(admin_a_).get(),
          MembershipRequest(a1_.name(), network_a_.name() + "/people/doesnotexist", v1::MEMBER),
          &membership),
      InvalidArgumentOn("membership.member"));
}

TEST_F(MembershipApiTest, CreateMembershipNamesAMissingRole) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership membership;
  EXPECT_THAT(stub().CreateMembership(
                  Ctx(admin_a_).get(),
                  MembershipRequest(a1_.name(), person.name(), v1::MEMBERSHIP_ROLE_UNSPECIFIED),
                  &membership),
              InvalidArgumentOn("membership.role"));
}

TEST_F(MembershipApiTest, SecondMembershipOfTheSamePersonIsAlreadyExists) {
  v1::Person person = CreateMemberPerson(a1_.name(), "Ana Lopez");
  v1::Membership membership;
  EXPECT_THAT(stub().CreateMembership(Ctx(admin_a_).get(),
                                      MembershipRequest(a1_.name(), person.name(), v1::MEMBER),
                                      &membership),
              HasCode(grpc::StatusCode::ALREADY_EXISTS));
}

TEST_F(MembershipApiTest, CreateMembershipInUnknownCoalitionIsNotFound) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership membership;
  EXPECT_THAT(
      stub().CreateMembership(Ctx(admin_a_).get(),
                              MembershipRequest(network_a_.name() + "/coalitions/doesnotexist",
                                                person.name(), v1::MEMBER),
                              &membership),
      HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(MembershipApiTest, RetriedCreateMembershipReturnsTheSameMembershipAndNoDuplicate) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::CreateMembershipRequest request = MembershipRequest(a1_.name(), person.name(), v1::MEMBER);
  request.set_request_id("join-ana-a1");
  v1::Membership first, second;
  ASSERT_THAT(stub().CreateMembership(Ctx(admin_a_).get(), request, &first), IsOk());
  ASSERT_THAT(stub().CreateMembership(Ctx(admin_a_).get(), request, &second), IsOk());
  EXPECT_EQ(second.name(), first.name());
  v1::ListMembershipsRequest list;
  list.set_parent(a1_.name());
  v1::ListMembershipsResponse memberships;
  ASSERT_THAT(stub().ListMemberships(Ctx(admin_a_).get(), list, &memberships), IsOk());
  EXPECT_THAT(memberships.memberships(), SizeIs(1));
}

TEST_F(MembershipApiTest, ConvenerAddsMembersOnlyInTheirScope) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  const std::string key = ConvenerKey(network_a_.name(), {a1_.name()});
  v1::Membership membership;
  EXPECT_THAT(
      stub().CreateMembership(
          Ctx(key).get(), MembershipRequest(a1_.name(), person.name(), v1::MEMBER), &membership),
      IsOk());
  EXPECT_THAT(
      stub().CreateMembership(
          Ctx(key).get(), MembershipRequest(a2_.name(), person.name(), v1::MEMBER), &membership),
      HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(MembershipApiTest, GetMembershipReturnsItAndUnknownIsNotFound) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership created = CreateMembership(a1_.name(), person.name());
  v1::GetMembershipRequest request;
  request.set_name(created.name());
  v1::Membership membership;
  ASSERT_THAT(stub().GetMembership(Ctx(admin_a_).get(), request, &membership), IsOk());
  EXPECT_EQ(membership.member(), person.name());
  EXPECT_EQ(membership.etag(), created.etag());
  request.set_name(a1_.name() + "/memberships/doesnotexist");
  EXPECT_THAT(stub().GetMembership(Ctx(admin_a_).get(), request, &membership),
              HasCode(grpc::StatusCode::NOT_FOUND));
  request.set_name(a1_.name() + "/members/x");
  EXPECT_THAT(stub().GetMembership(Ctx(admin_a_).get(), request, &membership),
              InvalidArgumentOn("name"));
}

TEST_F(MembershipApiTest, ListMembershipsFiltersByRoleAndState) {
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Person ben = CreatePerson(network_a_.name(), "Ben Ortiz");
  v1::Membership convener = CreateMembership(a1_.name(), ana.name(), v1::CONVENER);
  v1::Membership member = CreateMembership(a1_.name(), ben.name(), v1::MEMBER);
  v1::LeaveCoalitionRequest leave;
  leave.set_name(member.name());
  v1::Membership left;
  ASSERT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &left), IsOk());

  auto names = [&](v1::ListMembershipsRequest request) {
    request.set_parent(a1_.name());
    v1::ListMembershipsResponse response;
    EXPECT_THAT(stub().ListMemberships(Ctx(admin_a_).get(), request, &response), IsOk());
    std::vector<std::string> out;
    for (const auto& m : response.memberships()) out.push_back(m.name());
    return out;
  };
  v1::ListMembershipsRequest by_role;
  by_role.set_role(v1::CONVENER);
  EXPECT_THAT(names(by_role), ElementsAre(convener.name()));
  v1::ListMembershipsRequest by_state;
  by_state.set_state(v1::Membership::LEFT);
  EXPECT_THAT(names(by_state), ElementsAre(member.name()));
}

TEST_F(MembershipApiTest, ListMembershipsWalksEveryMembershipOnceWithPageSizeTwo) {
  std::set<std::string> expected;
  for (int i = 0; i < 5; ++i) {
    v1::Person p = CreatePerson(network_a_.name(), "Member " + std::to_string(i));
    expected.insert(CreateMembership(a1_.name(), p.name()).name());
  }
  v1::ListMembershipsRequest request;
  request.set_parent(a1_.name());
  const auto [seen, pages] =
      WalkPages(&v1::MembershipService::Stub::ListMemberships, request, admin_a_,
                [](const v1::ListMembershipsResponse& r) { return r.memberships(); });
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
}

TEST_F(MembershipApiTest, MembershipsPageTokenReusedWithADifferentFilterIsInvalid) {
  for (int i = 0; i < 3; ++i) CreateMemberPerson(a1_.name(), "Member " + std::to_string(i));
  v1::ListMembershipsRequest request;
  request.set_parent(a1_.name());
  request.set_page_size(1);
  v1::ListMembershipsResponse response;
  ASSERT_THAT(stub().ListMemberships(Ctx(admin_a_).get(), request, &response), IsOk());
  ASSERT_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_role(v1::MEMBER);
  EXPECT_THAT(stub().ListMemberships(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("page_token"));
}

TEST_F(MembershipApiTest, ListMembershipsNamesAnUnknownRoleFilter) {
  v1::ListMembershipsRequest request;
  request.set_parent(a1_.name());
  request.set_role(static_cast<v1::MembershipRole>(12));
  v1::ListMembershipsResponse response;
  EXPECT_THAT(stub().ListMemberships(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("role"));
}

TEST_F(MembershipApiTest, ConvenerCannotListMembershipsOutsideTheirScope) {
  v1::ListMembershipsRequest request;
  request.set_parent(a2_.name());
  v1::ListMembershipsResponse response;
  EXPECT_THAT(stub().ListMemberships(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(),
                                     request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(MembershipApiTest, RoleChangeIsKeptInTheHistory) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership created = CreateMembership(a1_.name(), person.name(), v1::MEMBER);
  clock().Advance(absl::Hours(24 * 30));
  v1::UpdateMembershipRequest request;
  request.mutable_membership()->set_name(created.name());
  request.mutable_membership()->set_etag(created.etag());
  request.mutable_membership()->set_role(v1::LEADERSHIP_TEAM);
  request.mutable_update_mask()->add_paths("role");
  v1::Membership membership;
  ASSERT_THAT(stub().UpdateMembership(Ctx(admin_a_).get(), request, &membership), IsOk());
  EXPECT_EQ(membership.role(), v1::LEADERSHIP_TEAM);
  EXPECT_THAT(Kinds(membership),
              ElementsAre(v1::MembershipEvent::JOINED, v1::MembershipEvent::ROLE_CHANGED));
  EXPECT_EQ(membership.history(1).role(), v1::LEADERSHIP_TEAM);
  EXPECT_EQ(FromProtoTimestamp(membership.history(1).time()), clock().Now());
}

TEST_F(MembershipApiTest, UpdateMembershipRefusesFieldsOtherThanRole) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership created = CreateMembership(a1_.name(), person.name());
  v1::UpdateMembershipRequest request;
  request.mutable_membership()->set_name(created.name());
  request.mutable_membership()->set_state(v1::Membership::LEFT);
  request.mutable_update_mask()->add_paths("state");
  v1::Membership membership;
  EXPECT_THAT(stub().UpdateMembership(Ctx(admin_a_).get(), request, &membership),
              InvalidArgumentOn("update_mask"));
}

TEST_F(MembershipApiTest, UpdateMembershipNamesAnUnsetRole) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership created = CreateMembership(a1_.name(), person.name());
  v1::UpdateMembershipRequest request;
  request.mutable_membership()->set_name(created.name());
  request.mutable_update_mask()->add_paths("role");
  v1::Membership membership;
  EXPECT_THAT(stub().UpdateMembership(Ctx(admin_a_).get(), request, &membership),
              InvalidArgumentOn("membership.role"));
}

TEST_F(MembershipApiTest, UpdateMembershipWithStaleEtagIsAborted) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership created = CreateMembership(a1_.name(), person.name());
  v1::UpdateMembershipRequest request;
  request.mutable_membership()->set_name(created.name());
  request.mutable_membership()->set_etag(created.etag());
  request.mutable_membership()->set_role(v1::CONVENER);
  request.mutable_update_mask()->add_paths("role");
  v1::Membership membership;
  ASSERT_THAT(stub().UpdateMembership(Ctx(admin_a_).get(), request, &membership), IsOk());
  request.mutable_membership()->set_role(v1::BACKBONE_STAFF);
  EXPECT_THAT(stub().UpdateMembership(Ctx(admin_a_).get(), request, &membership),
              HasCode(grpc::StatusCode::ABORTED));
}

TEST_F(MembershipApiTest, RoleOfAMemberWhoLeftCannotChange) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership created = CreateMembership(a1_.name(), person.name());
  v1::LeaveCoalitionRequest leave;
  leave.set_name(created.name());
  v1::Membership left;
  ASSERT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &left), IsOk());
  v1::UpdateMembershipRequest request;
  request.mutable_membership()->set_name(created.name());
  request.mutable_membership()->set_role(v1::CONVENER);
  request.mutable_update_mask()->add_paths("role");
  v1::Membership membership;
  EXPECT_THAT(stub().UpdateMembership(Ctx(admin_a_).get(), request, &membership),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
}

TEST_F(MembershipApiTest, UpdateUnknownMembershipIsNotFound) {
  v1::UpdateMembershipRequest request;
  request.mutable_membership()->set_name(a1_.name() + "/memberships/doesnotexist");
  request.mutable_membership()->set_role(v1::CONVENER);
  v1::Membership membership;
  EXPECT_THAT(stub().UpdateMembership(Ctx(admin_a_).get(), request, &membership),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(MembershipApiTest, UpdateMembershipNamesAMalformedName) {
  v1::UpdateMembershipRequest request;
  request.mutable_membership()->set_name("memberships/x");
  v1::Membership membership;
  EXPECT_THAT(stub().UpdateMembership(Ctx(admin_a_).get(), request, &membership),
              InvalidArgumentOn("membership.name"));
}

TEST_F(MembershipApiTest, LeavingAndRejoiningKeepsTheWholeHistory) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership created = CreateMembership(a1_.name(), person.name(), v1::MEMBER);
  const absl::Time joined = clock().Now();

  clock().Advance(absl::Hours(24 * 90));
  v1::LeaveCoalitionRequest leave;
  leave.set_name(created.name());
  leave.set_etag(created.etag());
  leave.set_note("moved to another hospital");
  v1::Membership left;
  ASSERT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &left), IsOk());
  EXPECT_EQ(left.state(), v1::Membership::LEFT);
  EXPECT_EQ(left.history(1).note(), "moved to another hospital");

  clock().Advance(absl::Hours(24 * 180));
  v1::RejoinCoalitionRequest rejoin;
  rejoin.set_name(created.name());
  rejoin.set_etag(left.etag());
  rejoin.set_role(v1::LEADERSHIP_TEAM);
  v1::Membership rejoined;
  ASSERT_THAT(stub().RejoinCoalition(Ctx(admin_a_).get(), rejoin, &rejoined), IsOk());
  EXPECT_EQ(rejoined.state(), v1::Membership::ACTIVE);
  EXPECT_EQ(rejoined.role(), v1::LEADERSHIP_TEAM);
  EXPECT_EQ(FromProtoTimestamp(rejoined.join_time()), joined);
  EXPECT_THAT(Kinds(rejoined), ElementsAre(v1::MembershipEvent::JOINED, v1::MembershipEvent::LEFT,
                                           v1::MembershipEvent::REJOINED));
  EXPECT_EQ(FromProtoTimestamp(rejoined.history(2).time()), clock().Now());
  EXPECT_EQ(GetMembership(created.name()).history_size(), 3);
}

TEST_F(MembershipApiTest, RejoiningWithoutARoleKeepsThePreviousRole) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership created = CreateMembership(a1_.name(), person.name(), v1::BACKBONE_STAFF);
  v1::LeaveCoalitionRequest leave;
  leave.set_name(created.name());
  v1::Membership membership;
  ASSERT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &membership), IsOk());
  v1::RejoinCoalitionRequest rejoin;
  rejoin.set_name(created.name());
  ASSERT_THAT(stub().RejoinCoalition(Ctx(admin_a_).get(), rejoin, &membership), IsOk());
  EXPECT_EQ(membership.role(), v1::BACKBONE_STAFF);
}

TEST_F(MembershipApiTest, LeavingTwiceIsFailedPrecondition) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership created = CreateMembership(a1_.name(), person.name());
  v1::LeaveCoalitionRequest leave;
  leave.set_name(created.name());
  v1::Membership membership;
  ASSERT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &membership), IsOk());
  EXPECT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &membership),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
}

TEST_F(MembershipApiTest, ActiveMemberCannotRejoin) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership created = CreateMembership(a1_.name(), person.name());
  v1::RejoinCoalitionRequest rejoin;
  rejoin.set_name(created.name());
  v1::Membership membership;
  EXPECT_THAT(stub().RejoinCoalition(Ctx(admin_a_).get(), rejoin, &membership),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
}

TEST_F(MembershipApiTest, LeaveWithStaleEtagIsAborted) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership created = CreateMembership(a1_.name(), person.name());
  v1::UpdateMembershipRequest update;
  update.mutable_membership()->set_name(created.name());
  update.mutable_membership()->set_role(v1::CONVENER);
  v1::Membership membership;
  ASSERT_THAT(stub().UpdateMembership(Ctx(admin_a_).get(), update, &membership), IsOk());
  v1::LeaveCoalitionRequest leave;
  leave.set_name(created.name());
  leave.set_etag(created.etag());
  EXPECT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &membership),
              HasCode(grpc::StatusCode::ABORTED));
}

TEST_F(MembershipApiTest, RejoinWithStaleEtagIsAborted) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership created = CreateMembership(a1_.name(), person.name());
  v1::LeaveCoalitionRequest leave;
  leave.set_name(created.name());
  v1::Membership membership;
  ASSERT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &membership), IsOk());
  v1::RejoinCoalitionRequest rejoin;
  rejoin.set_name(created.name());
  rejoin.set_etag(created.etag());
  EXPECT_THAT(stub().RejoinCoalition(Ctx(admin_a_).get(), rejoin, &membership),
              HasCode(grpc::StatusCode::ABORTED));
}

TEST_F(MembershipApiTest, LeaveNamesATooLongNote) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership created = CreateMembership(a1_.name(), person.name());
  v1::LeaveCoalitionRequest leave;
  leave.set_name(created.name());
  leave.set_note(std::string(4001, 'n'));
  v1::Membership membership;
  EXPECT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &membership),
              InvalidArgumentOn("note"));
}

TEST_F(MembershipApiTest, RejoinNamesAnUnknownRole) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership created = CreateMembership(a1_.name(), person.name());
  v1::RejoinCoalitionRequest rejoin;
  rejoin.set_name(created.name());
  rejoin.set_role(static_cast<v1::MembershipRole>(9));
  v1::Membership membership;
  EXPECT_THAT(stub().RejoinCoalition(Ctx(admin_a_).get(), rejoin, &membership),
              InvalidArgumentOn("role"));
}

TEST_F(MembershipApiTest, LeaveAndRejoinOfUnknownMembershipAreNotFound) {
  v1::LeaveCoalitionRequest leave;
  leave.set_name(a1_.name() + "/memberships/doesnotexist");
  v1::Membership membership;
  EXPECT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &membership),
              HasCode(grpc::StatusCode::NOT_FOUND));
  v1::RejoinCoalitionRequest rejoin;
  rejoin.set_name(leave.name());
  EXPECT_THAT(stub().RejoinCoalition(Ctx(admin_a_).get(), rejoin, &membership),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(MembershipApiTest, MemberCannotLeaveOnTheirOwnKey) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership created = CreateMembership(a1_.name(), person.name());
  v1::LeaveCoalitionRequest leave;
  leave.set_name(created.name());
  v1::Membership membership;
  EXPECT_THAT(
      stub().LeaveCoalition(Ctx(MemberKey(a1_.name(), person.name())).get(), leave, &membership),
      HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(MembershipApiTest, ListPersonCoalitionsCountsTheActiveLoad) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Coalition a3 = CreateCoalition(network_a_.name(), "DC Hypertension", "DC");
  CreateMembership(a1_.name(), person.name(), v1::CONVENER);
  CreateMembership(a2_.name(), person.name(), v1::MEMBER);
  v1::Membership in_a3 = CreateMembership(a3.name(), person.name(), v1::MEMBER);
  v1::LeaveCoalitionRequest leave;
  leave.set_name(in_a3.name());
  v1::Membership left;
  ASSERT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &left), IsOk());

  v1::ListPersonCoalitionsRequest request;
  request.set_person(person.name());
  v1::ListPersonCoalitionsResponse response;
  ASSERT_THAT(stub().ListPersonCoalitions(Ctx(admin_a_).get(), request, &response), IsOk());
  EXPECT_EQ(response.active_count(), 2);
  EXPECT_THAT(response.memberships(), SizeIs(2));
  for (const auto& m : response.memberships()) EXPECT_EQ(m.state(), v1::Membership::ACTIVE);

  request.set_include_left(true);
  ASSERT_THAT(stub().ListPersonCoalitions(Ctx(admin_a_).get(), request, &response), IsOk());
  EXPECT_EQ(response.active_count(), 2);
  EXPECT_THAT(response.memberships(), SizeIs(3));
}

TEST_F(MembershipApiTest, MemberSeesTheirOwnCoalitionsButNotSomeoneElses) {
  v1::Person ana = CreateMemberPerson(a1_.name(), "Ana Lopez");
  v1::Person ben = CreateMemberPerson(a1_.name(), "Ben Ortiz");
  const std::string key = MemberKey(a1_.name(), ana.name());
  v1::ListPersonCoalitionsRequest request;
  request.set_person(ana.name());
  v1::ListPersonCoalitionsResponse response;
  ASSERT_THAT(stub().ListPersonCoalitions(Ctx(key).get(), request, &response), IsOk());
  EXPECT_EQ(response.active_count(), 1);
  request.set_person(ben.name());
  EXPECT_THAT(stub().ListPersonCoalitions(Ctx(key).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(MembershipApiTest, ConvenerSeesAPersonsMembershipsOnlyInTheirOwnCoalitions) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  CreateMembership(a1_.name(), person.name(), v1::MEMBER);
  CreateMembership(a2_.name(), person.name(), v1::LEADERSHIP_TEAM);
  const std::string convener = ConvenerKey(network_a_.name(), {a1_.name()});
  v1::ListPersonCoalitionsRequest request;
  request.set_person(person.name());
  request.set_include_left(true);
  v1::ListPersonCoalitionsResponse response;
  ASSERT_THAT(stub().ListPersonCoalitions(Ctx(convener).get(), request, &response), IsOk());
  ASSERT_THAT(response.memberships(), SizeIs(1));
  EXPECT_THAT(response.memberships(0).name(), StartsWith(a1_.name() + "/"));
  EXPECT_EQ(response.active_count(), 1);
}

TEST_F(MembershipApiTest, ListPersonCoalitionsOfUnknownPersonIsNotFound) {
  v1::ListPersonCoalitionsRequest request;
  request.set_person(network_a_.name() + "/people/doesnotexist");
  v1::ListPersonCoalitionsResponse response;
  EXPECT_THAT(stub().ListPersonCoalitions(Ctx(admin_a_).get(), request, &response),
              HasCode(grpc::StatusCode::NOT_FOUND));
  request.set_person(a1_.name());
  EXPECT_THAT(stub().ListPersonCoalitions(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("person"));
}

// ---- CheckMembership and ListEligibleMembers ----

TEST_F(EligibilityTest, CheckMembershipReportsRoleAndWhetherActive) {
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership membership = CreateMembership(a1_.name(), ana.name(), v1::CONVENER);
  const std::string service = ServiceAccountKey(network_a_.name());
  v1::CheckMembershipRequest request;
  request.set_coalition(a1_.name());
  request.set_person(ana.name());
  v1::CheckMembershipResponse response;
  ASSERT_THAT(stub().CheckMembership(Ctx(service).get(), request, &response), IsOk());
  EXPECT_TRUE(response.active());
  EXPECT_EQ(response.role(), v1::CONVENER);
  EXPECT_EQ(response.membership(), membership.name());

  v1::LeaveCoalitionRequest leave;
  leave.set_name(membership.name());
  v1::Membership left;
  ASSERT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &left), IsOk());
  ASSERT_THAT(stub().CheckMembership(Ctx(service).get(), request, &response), IsOk());
  EXPECT_FALSE(response.active());
  EXPECT_EQ(response.membership(), membership.name());
}

TEST_F(EligibilityTest, CheckMembershipOfANonMemberIsInactive) {
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::CheckMembershipRequest request;
  request.set_coalition(a1_.name());
  request.set_person(ana.name());
  v1::CheckMembershipResponse response;
  ASSERT_THAT(stub().CheckMembership(Ctx(admin_a_).get(), request, &response), IsOk());
  EXPECT_FALSE(response.active());
  EXPECT_TRUE(response.membership().empty());
}

TEST_F(EligibilityTest, CheckMembershipNamesAPersonOfAnotherNetwork) {
  v1::Person dana = CreatePerson(network_b_.name(), "Dana");
  v1::CheckMembershipRequest request;
  request.set_coalition(a1_.name());
  request.set_person(dana.name());
  v1::CheckMembershipResponse response;
  EXPECT_THAT(stub().CheckMembership(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("person"));
  request.set_person("people/x");
  EXPECT_THAT(stub().CheckMembership(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("person"));
  request.set_coalition(network_a_.name());
  EXPECT_THAT(stub().CheckMembership(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("coalition"));
}

TEST_F(EligibilityTest, CheckMembershipInUnknownCoalitionIsNotFound) {
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::CheckMembershipRequest request;
  request.set_coalition(network_a_.name() + "/coalitions/doesnotexist");
  request.set_person(ana.name());
  v1::CheckMembershipResponse response;
  EXPECT_THAT(stub().CheckMembership(Ctx(admin_a_).get(), request, &response),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(EligibilityTest, ServiceAccountOfAnotherNetworkCannotCheckMembership) {
  v1::Person ana = CreateMemberPerson(a1_.name(), "Ana Lopez");
  v1::CheckMembershipRequest request;
  request.set_coalition(a1_.name());
  request.set_person(ana.name());
  v1::CheckMembershipResponse response;
  EXPECT_THAT(
      stub().CheckMembership(Ctx(ServiceAccountKey(network_b_.name())).get(), request, &response),
      HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

std::vector<std::string> EligiblePeople(const v1::ListEligibleMembersResponse& response) {
  std::vector<std::string> people;
  for (const auto& m : response.members()) people.push_back(m.person());
  return people;
}

TEST_F(EligibilityTest, EligibleMembersAreActivePeopleOrderedByName) {
  v1::Person ana = CreateMemberPerson(a1_.name(), "Ana Lopez", v1::CONVENER);
  v1::Person ben = CreateMemberPerson(a1_.name(), "Ben Ortiz", v1::MEMBER);
  v1::Person cy = CreatePerson(network_a_.name(), "Cy Young");
  v1::Membership cy_membership = CreateMembership(a1_.name(), cy.name());
  v1::LeaveCoalitionRequest leave;
  leave.set_name(cy_membership.name());
  v1::Membership left;
  ASSERT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &left), IsOk());
  CreateMembership(a1_.name(), CreateOrganization(network_a_.name(), "Riverside").name());
  CreateMemberPerson(a2_.name(), "Elsewhere");

  v1::ListEligibleMembersRequest request;
  request.set_coalition(a1_.name());
  v1::ListEligibleMembersResponse response;
  ASSERT_THAT(stub().ListEligibleMembers(Ctx(ServiceAccountKey(network_a_.name())).get(), request,
                                         &response),
              IsOk());
  std::vector<std::string> expected = {ana.name(), ben.name()};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(EligiblePeople(response), expected);

  request.add_roles(v1::CONVENER);
  ASSERT_THAT(stub().ListEligibleMembers(Ctx(admin_a_).get(), request, &response), IsOk());
  ASSERT_THAT(response.members(), SizeIs(1));
  EXPECT_EQ(response.members(0).person(), ana.name());
  EXPECT_EQ(response.members(0).role(), v1::CONVENER);
}

TEST_F(EligibilityTest, EligibilityAsOfFollowsJoiningLeavingAndRejoining) {
  const absl::Time before_joining = clock().Now();
  clock().Advance(absl::Hours(24));
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership membership = CreateMembership(a1_.name(), ana.name(), v1::MEMBER);
  clock().Advance(absl::Hours(24 * 10));
  const absl::Time while_member = clock().Now();
  clock().Advance(absl::Hours(24 * 10));
  v1::LeaveCoalitionRequest leave;
  leave.set_name(membership.name());
  v1::Membership left;
  ASSERT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &left), IsOk());
  clock().Advance(absl::Hours(24 * 10));
  const absl::Time after_leaving = clock().Now();
  clock().Advance(absl::Hours(24 * 10));
  v1::RejoinCoalitionRequest rejoin;
  rejoin.set_name(membership.name());
  rejoin.set_role(v1::LEADERSHIP_TEAM);
  v1::Membership rejoined;
  ASSERT_THAT(stub().RejoinCoalition(Ctx(admin_a_).get(), rejoin, &rejoined), IsOk());
  clock().Advance(absl::Hours(1));

  auto eligible_at = [&](std::optional<absl::Time> as_of) {
    v1::ListEligibleMembersRequest request;
    request.set_coalition(a1_.name());
    if (as_of) *request.mutable_as_of() = ToProtoTimestamp(*as_of);
    v1::ListEligibleMembersResponse response;
    EXPECT_THAT(stub().ListEligibleMembers(Ctx(admin_a_).get(), request, &response), IsOk());
    return response;
  };
  EXPECT_THAT(eligible_at(before_joining).members(), IsEmpty());
  v1::ListEligibleMembersResponse then = eligible_at(while_member);
  ASSERT_THAT(then.members(), SizeIs(1));
  EXPECT_EQ(then.members(0).role(), v1::MEMBER);
  EXPECT_THAT(eligible_at(after_leaving).members(), IsEmpty());
  v1::ListEligibleMembersResponse now = eligible_at(std::nullopt);
  ASSERT_THAT(now.members(), SizeIs(1));
  EXPECT_EQ(now.members(0).role(), v1::LEADERSHIP_TEAM);
}

TEST_F(EligibilityTest, EligibilityAsOfReportsTheRoleHeldAtThatTime) {
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership membership = CreateMembership(a1_.name(), ana.name(), v1::MEMBER);
  clock().Advance(absl::Hours(24));
  const absl::Time as_member = clock().Now();
  clock().Advance(absl::Hours(24));
  v1::UpdateMembershipRequest update;
  update.mutable_membership()->set_name(membership.name());
  update.mutable_membership()->set_role(v1::CONVENER);
  update.mutable_update_mask()->add_paths("role");
  v1::Membership updated;
  ASSERT_THAT(stub().UpdateMembership(Ctx(admin_a_).get(), update, &updated), IsOk());

  v1::ListEligibleMembersRequest request;
  request.set_coalition(a1_.name());
  *request.mutable_as_of() = ToProtoTimestamp(as_member);
  request.add_roles(v1::MEMBER);
  v1::ListEligibleMembersResponse response;
  ASSERT_THAT(stub().ListEligibleMembers(Ctx(admin_a_).get(), request, &response), IsOk());
  ASSERT_THAT(response.members(), SizeIs(1));
  EXPECT_EQ(response.members(0).role(), v1::MEMBER);
  request.clear_as_of();
  ASSERT_THAT(stub().ListEligibleMembers(Ctx(admin_a_).get(), request, &response), IsOk());
  EXPECT_THAT(response.members(), IsEmpty());
}

TEST_F(EligibilityTest, ListEligibleMembersNamesAnUnspecifiedRole) {
  v1::ListEligibleMembersRequest request;
  request.set_coalition(a1_.name());
  request.add_roles(v1::MEMBER);
  request.add_roles(v1::MEMBERSHIP_ROLE_UNSPECIFIED);
  v1::ListEligibleMembersResponse response;
  EXPECT_THAT(stub().ListEligibleMembers(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("roles[1]"));
}

TEST_F(EligibilityTest, ListEligibleMembersRefusesMoreRolesThanAFilterNeedsAsOneViolation) {
  v1::ListEligibleMembersRequest request;
  request.set_coalition(a1_.name());
  for (int i = 0; i < 5000; ++i) request.add_roles(v1::MEMBERSHIP_ROLE_UNSPECIFIED);
  v1::ListEligibleMembersResponse response;
  EXPECT_THAT(stub().ListEligibleMembers(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("roles"));
}

TEST_F(EligibilityTest, ListEligibleMembersOfUnknownCoalitionIsNotFound) {
  v1::ListEligibleMembersRequest request;
  request.set_coalition(network_a_.name() + "/coalitions/doesnotexist");
  v1::ListEligibleMembersResponse response;
  EXPECT_THAT(stub().ListEligibleMembers(Ctx(admin_a_).get(), request, &response),
              HasCode(grpc::StatusCode::NOT_FOUND));
  request.set_coalition("coalitions/x");
  EXPECT_THAT(stub().ListEligibleMembers(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("coalition"));
}

TEST_F(EligibilityTest, ConvenerCannotListEligibleMembersOutsideTheirScope) {
  v1::ListEligibleMembersRequest request;
  request.set_coalition(a2_.name());
  v1::ListEligibleMembersResponse response;
  EXPECT_THAT(stub().ListEligibleMembers(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(),
                                         request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

// ---- BatchGetPeople ----

TEST_F(BatchGetPeopleTest, ReturnsPeopleInTheRequestedOrder) {
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Person ben = CreatePerson(network_a_.name(), "Ben Ortiz");
  v1::Person cy = CreatePerson(network_a_.name(), "Cy Young");
  v1::BatchGetPeopleRequest request;
  request.set_parent(network_a_.name());
  request.add_names(cy.name());
  request.add_names(ana.name());
  request.add_names(ben.name());
  v1::BatchGetPeopleResponse response;
  ASSERT_THAT(
      stub().BatchGetPeople(Ctx(ServiceAccountKey(network_a_.name())).get(), request, &response),
      IsOk());
  ASSERT_THAT(response.people(), SizeIs(3));
  EXPECT_EQ(response.people(0).display_name(), "Cy Young");
  EXPECT_EQ(response.people(1).display_name(), "Ana Lopez");
  EXPECT_EQ(response.people(2).display_name(), "Ben Ortiz");
}

TEST_F(BatchGetPeopleTest, AnUnknownPersonIsNotFound) {
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::BatchGetPeopleRequest request;
  request.set_parent(network_a_.name());
  request.add_names(ana.name());
  request.add_names(network_a_.name() + "/people/doesnotexist");
  v1::BatchGetPeopleResponse response;
  EXPECT_THAT(stub().BatchGetPeople(Ctx(admin_a_).get(), request, &response),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(BatchGetPeopleTest, NamesThePersonOfAnotherNetwork) {
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Person dana = CreatePerson(network_b_.name(), "Dana");
  v1::BatchGetPeopleRequest request;
  request.set_parent(network_a_.name());
  request.add_names(ana.name());
  request.add_names(dana.name());
  v1::BatchGetPeopleResponse response;
  EXPECT_THAT(stub().BatchGetPeople(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("names[1]"));
}

TEST_F(BatchGetPeopleTest, RefusesMoreThanFiveHundredNames) {
  v1::BatchGetPeopleRequest request;
  request.set_parent(network_a_.name());
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez");
  for (int i = 0; i < 501; ++i) request.add_names(ana.name());
  v1::BatchGetPeopleResponse response;
  EXPECT_THAT(stub().BatchGetPeople(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("names"));
}

TEST_F(BatchGetPeopleTest, MemberCannotBatchGetPeople) {
  v1::Person ana = CreateMemberPerson(a1_.name(), "Ana Lopez");
  v1::BatchGetPeopleRequest request;
  request.set_parent(network_a_.name());
  request.add_names(ana.name());
  v1::BatchGetPeopleResponse response;
  EXPECT_THAT(
      stub().BatchGetPeople(Ctx(MemberKey(a1_.name(), ana.name())).get(), request, &response),
      HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

}  // namespace
}  // namespace coalition::membership::testing
