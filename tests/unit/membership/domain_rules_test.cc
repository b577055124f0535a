#include "services/membership/domain/rules.h"

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "services/membership/domain/validation.h"

namespace coalition::membership {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using v1::Membership;
using v1::MembershipEvent;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01

TEST(AimProgressTest, IsTheShareOfTheWayFromBaselineToTarget) {
  EXPECT_DOUBLE_EQ(AimProgress(40, 80, 40), 0.0);
  EXPECT_DOUBLE_EQ(AimProgress(40, 80, 50), 0.25);
  EXPECT_DOUBLE_EQ(AimProgress(40, 80, 80), 1.0);
}

TEST(AimProgressTest, WorksForAimsThatGoDown) {
  // Amputations per 1000 from 12 down to 4.
  EXPECT_DOUBLE_EQ(AimProgress(12, 4, 12), 0.0);
  EXPECT_DOUBLE_EQ(AimProgress(12, 4, 10), 0.25);
  EXPECT_DOUBLE_EQ(AimProgress(12, 4, 4), 1.0);
}

TEST(AimProgressTest, IsClampedToZeroAndOne) {
  EXPECT_DOUBLE_EQ(AimProgress(40, 80, 30), 0.0);   // went the wrong way
  EXPECT_DOUBLE_EQ(AimProgress(40, 80, 100), 1.0);  // overshot
  EXPECT_DOUBLE_EQ(AimProgress(12, 4, 15), 0.0);
  EXPECT_DOUBLE_EQ(AimProgress(12, 4, 1), 1.0);
}

TEST(AimProgressTest, TargetEqualToBaselineIsDoneOnlyWhenReached) {
  EXPECT_DOUBLE_EQ(AimProgress(5, 5, 5), 1.0);
  EXPECT_DOUBLE_EQ(AimProgress(5, 5, 6), 0.0);
}

TEST(AimProgressTest, NonFiniteValuesGiveAFiniteProgress) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  for (double progress : {AimProgress(0, 10, nan), AimProgress(0, inf, 5), AimProgress(nan, 10, 5),
                          AimProgress(0, 10, inf)}) {
    EXPECT_TRUE(std::isfinite(progress)) << progress;
    EXPECT_GE(progress, 0.0);
    EXPECT_LE(progress, 1.0);
  }
}

Membership NewMembership(v1::MembershipRole role) {
  Membership m;
  m.set_member("networks/n1/people/p1");
  m.set_role(role);
  StartMembership(m, kT0);
  return m;
}

TEST(StartMembershipTest, MakesAnActiveMembershipWithAJoinedEvent) {
  const Membership m = NewMembership(v1::LEADERSHIP_TEAM);
  EXPECT_EQ(m.state(), Membership::ACTIVE);
  EXPECT_EQ(FromProtoTimestamp(m.join_time()), kT0);
  ASSERT_EQ(m.history_size(), 1);
  EXPECT_EQ(m.history(0).kind(), MembershipEvent::JOINED);
  EXPECT_EQ(m.history(0).role(), v1::LEADERSHIP_TEAM);
  EXPECT_EQ(FromProtoTimestamp(m.history(0).time()), kT0);
}

TEST(StartMembershipTest, DiscardsAnyHistoryTheClientSent) {
  Membership m;
  m.set_role(v1::MEMBER);
  m.add_history()->set_kind(MembershipEvent::LEFT);
  StartMembership(m, kT0);
  ASSERT_EQ(m.history_size(), 1);
  EXPECT_EQ(m.history(0).kind(), MembershipEvent::JOINED);
}

TEST(LeaveMembershipTest, ActiveMemberLeavesWithTheNote) {
  Membership m = NewMembership(v1::MEMBER);
  ASSERT_TRUE(LeaveMembership(m, kT0 + absl::Hours(24), "moved to Ohio").ok());
  EXPECT_EQ(m.state(), Membership::LEFT);
  ASSERT_EQ(m.history_size(), 2);
  EXPECT_EQ(m.history(1).kind(), MembershipEvent::LEFT);
  EXPECT_EQ(m.history(1).role(), v1::MEMBER);
  EXPECT_EQ(m.history(1).note(), "moved to Ohio");
  EXPECT_EQ(FromProtoTimestamp(m.history(1).time()), kT0 + absl::Hours(24));
}

TEST(LeaveMembershipTest, LeavingTwiceIsAFailedPrecondition) {
  Membership m = NewMembership(v1::MEMBER);
  ASSERT_TRUE(LeaveMembership(m, kT0 + absl::Hours(1), "").ok());
  EXPECT_EQ(LeaveMembership(m, kT0 + absl::Hours(2), "").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(m.history_size(), 2);
}

TEST(RejoinMembershipTest, MemberWhoLeftRejoinsWithANewRole) {
  Membership m = NewMembership(v1::MEMBER);
  ASSERT_TRUE(LeaveMembership(m, kT0 + absl::Hours(1), "").ok());
  ASSERT_TRUE(RejoinMembership(m, v1::BACKBONE_STAFF, kT0 + absl::Hours(2), "back").ok());
  EXPECT_EQ(m.state(), Membership::ACTIVE);
  EXPECT_EQ(m.role(), v1::BACKBONE_STAFF);
  ASSERT_EQ(m.history_size(), 3);
  EXPECT_EQ(m.history(2).kind(), MembershipEvent::REJOINED);
  EXPECT_EQ(m.history(2).role(), v1::BACKBONE_STAFF);
  EXPECT_EQ(m.history(2).note(), "back");
  // The first join stays the join time.
  EXPECT_EQ(FromProtoTimestamp(m.join_time()), kT0);
}

TEST(RejoinMembershipTest, UnspecifiedRoleKeepsTheLastOne) {
  Membership m = NewMembership(v1::LEADERSHIP_TEAM);
  ASSERT_TRUE(LeaveMembership(m, kT0 + absl::Hours(1), "").ok());
  ASSERT_TRUE(RejoinMembership(m, v1::MEMBERSHIP_ROLE_UNSPECIFIED, kT0 + absl::Hours(2), "").ok());
  EXPECT_EQ(m.role(), v1::LEADERSHIP_TEAM);
  EXPECT_EQ(m.history(2).role(), v1::LEADERSHIP_TEAM);
}

TEST(RejoinMembershipTest, ActiveMemberCannotRejoin) {
  Membership m = NewMembership(v1::MEMBER);
  EXPECT_EQ(RejoinMembership(m, v1::CONVENER, kT0 + absl::Hours(1), "").code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(m.role(), v1::MEMBER);
  EXPECT_EQ(m.history_size(), 1);
}

TEST(ChangeMembershipRoleTest, NewRoleIsRecorded) {
  Membership m = NewMembership(v1::MEMBER);
  ASSERT_TRUE(ChangeMembershipRole(m, v1::CONVENER, kT0 + absl::Hours(3)).ok());
  EXPECT_EQ(m.role(), v1::CONVENER);
  ASSERT_EQ(m.history_size(), 2);
  EXPECT_EQ(m.history(1).kind(), MembershipEvent::ROLE_CHANGED);
  EXPECT_EQ(m.history(1).role(), v1::CONVENER);
  EXPECT_EQ(FromProtoTimestamp(m.history(1).time()), kT0 + absl::Hours(3));
}

TEST(ChangeMembershipRoleTest, SameRoleRecordsNothing) {
  Membership m = NewMembership(v1::MEMBER);
  ASSERT_TRUE(ChangeMembershipRole(m, v1::MEMBER, kT0 + absl::Hours(3)).ok());
  EXPECT_EQ(m.history_size(), 1);
}

TEST(ChangeMembershipRoleTest, MemberWhoLeftMustRejoinInstead) {
  Membership m = NewMembership(v1::MEMBER);
  ASSERT_TRUE(LeaveMembership(m, kT0 + absl::Hours(1), "").ok());
  const absl::Status status = ChangeMembershipRole(m, v1::CONVENER, kT0 + absl::Hours(2));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(status.message()), HasSubstr("rejoin"));
  EXPECT_EQ(m.role(), v1::MEMBER);
}

// Joined as MEMBER at day 0, CONVENER from day 10, left at day 20, rejoined as
// LEADERSHIP_TEAM at day 30.
Membership TurnoverHistory() {
  Membership m = NewMembership(v1::MEMBER);
  EXPECT_TRUE(ChangeMembershipRole(m, v1::CONVENER, kT0 + absl::Hours(24 * 10)).ok());
  EXPECT_TRUE(LeaveMembership(m, kT0 + absl::Hours(24 * 20), "").ok());
  EXPECT_TRUE(RejoinMembership(m, v1::LEADERSHIP_TEAM, kT0 + absl::Hours(24 * 30), "").ok());
  return m;
}

absl::Time Day(double d) { return kT0 + absl::Hours(24 * d); }

TEST(RoleAtTest, FollowsTheHistory) {
  const Membership m = TurnoverHistory();
  EXPECT_EQ(RoleAt(m, Day(-1)), std::nullopt);  // before joining
  EXPECT_EQ(RoleAt(m, Day(0)), v1::MEMBER);     // an event counts from its own instant
  EXPECT_EQ(RoleAt(m, Day(5)), v1::MEMBER);
  EXPECT_EQ(RoleAt(m, Day(10)), v1::CONVENER);
  EXPECT_EQ(RoleAt(m, Day(19.9)), v1::CONVENER);
  EXPECT_EQ(RoleAt(m, Day(20)), std::nullopt);  // left
  EXPECT_EQ(RoleAt(m, Day(25)), std::nullopt);
  EXPECT_EQ(RoleAt(m, Day(30)), v1::LEADERSHIP_TEAM);
  EXPECT_EQ(RoleAt(m, Day(400)), v1::LEADERSHIP_TEAM);
}

TEST(RoleAtTest, NoHistoryMeansNeverAMember) { EXPECT_EQ(RoleAt(Membership(), kT0), std::nullopt); }

TEST(RoleAtTest, JustBeforeAnEventTheEarlierRoleHolds) {
  const Membership m = TurnoverHistory();
  EXPECT_EQ(RoleAt(m, Day(10) - absl::Microseconds(1)), v1::MEMBER);
  EXPECT_EQ(RoleAt(m, Day(0) - absl::Microseconds(1)), std::nullopt);
}

v1::Team MakeTeam(const std::string& id, const std::string& display_name,
                  const std::string& parent_id) {
  v1::Team team;
  team.set_name("networks/n1/coalitions/c1/teams/" + id);
  team.set_display_name(display_name);
  if (!parent_id.empty()) team.set_parent_team("networks/n1/coalitions/c1/teams/" + parent_id);
  return team;
}

std::vector<std::string> ChildNames(const v1::SnowflakeNode& node) {
  std::vector<std::string> names;
  for (const auto& child : node.children()) names.push_back(child.team().display_name());
  return names;
}

TEST(BuildSnowflakeTest, NoTeamsGiveAnEmptySnowflake) {
  EXPECT_FALSE(BuildSnowflake({}).has_root());
}

TEST(BuildSnowflakeTest, LeadershipTeamIsTheRootAndChildrenHangBelowTheirParents) {
  const std::vector<v1::Team> teams = {
      MakeTeam("outreach", "Outreach", "lead"),     MakeTeam("pharmacy", "Pharmacy", "clinical"),
      MakeTeam("lead", "Leadership", ""),           MakeTeam("clinical", "Clinical", "lead"),
      MakeTeam("churches", "Churches", "outreach"),
  };

  const v1::Snowflake snowflake = BuildSnowflake(teams);

  const v1::SnowflakeNode& root = snowflake.root();
  EXPECT_EQ(root.team().display_name(), "Leadership");
  ASSERT_THAT(ChildNames(root), ElementsAre("Clinical", "Outreach"));
  EXPECT_THAT(ChildNames(root.children(0)), ElementsAre("Pharmacy"));
  EXPECT_THAT(ChildNames(root.children(1)), ElementsAre("Churches"));
  EXPECT_EQ(root.children(0).children(0).children_size(), 0);
  EXPECT_EQ(root.children(1).children(0).children_size(), 0);
  // The whole team travels with its node.
  EXPECT_EQ(root.children(1).children(0).team().parent_team(),
            "networks/n1/coalitions/c1/teams/outreach");
}

TEST(BuildSnowflakeTest, ChildrenAreOrderedByDisplayNameThenName) {
  const std::vector<v1::Team> teams = {
      MakeTeam("lead", "Leadership", ""),      MakeTeam("z", "Data", "lead"),
      MakeTeam("b", "Advocacy", "lead"),       MakeTeam("a", "Data", "lead"),
      MakeTeam("m", "Communications", "lead"),
  };

  const v1::Snowflake snowflake = BuildSnowflake(teams);
  const v1::SnowflakeNode& root = snowflake.root();

  ASSERT_THAT(ChildNames(root), ElementsAre("Advocacy", "Communications", "Data", "Data"));
  EXPECT_EQ(root.children(2).team().name(), "networks/n1/coalitions/c1/teams/a");
  EXPECT_EQ(root.children(3).team().name(), "networks/n1/coalitions/c1/teams/z");
}

TEST(BuildSnowflakeTest, TeamsThatDoNotReachTheRootAreLeftOut) {
  const std::vector<v1::Team> teams = {
      MakeTeam("lead", "Leadership", ""),
      MakeTeam("a", "A", "lead"),
      MakeTeam("orphan", "Orphan", "gone"),
      MakeTeam("x", "X", "y"),  // x and y form a cycle
      MakeTeam("y", "Y", "x"),
  };

  const v1::Snowflake snowflake = BuildSnowflake(teams);
  const v1::SnowflakeNode& root = snowflake.root();

  EXPECT_EQ(root.team().display_name(), "Leadership");
  EXPECT_THAT(ChildNames(root), ElementsAre("A"));
  EXPECT_EQ(root.children(0).children_size(), 0);
}

TEST(BuildSnowflakeTest, WithoutALeadershipTeamThereIsNoRoot) {
  EXPECT_FALSE(BuildSnowflake({MakeTeam("a", "A", "b"), MakeTeam("b", "B", "a")}).has_root());
}

std::string TeamName(const std::string& id) { return "networks/n1/coalitions/c1/teams/" + id; }

// lead <- clinical <- pharmacy; lead <- outreach
std::vector<v1::Team> SomeSnowflake() {
  return {MakeTeam("lead", "Leadership", ""), MakeTeam("clinical", "Clinical", "lead"),
          MakeTeam("pharmacy", "Pharmacy", "clinical"), MakeTeam("outreach", "Outreach", "lead")};
}

void ExpectRefusedOnParentTeam(const absl::Status& status, absl::string_view why) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  const std::vector<FieldViolation> violations = FieldViolationsOf(status);
  ASSERT_EQ(violations.size(), 1u) << status;
  EXPECT_EQ(violations[0].field, "team.parent_team");
  EXPECT_THAT(violations[0].description, HasSubstr(std::string(why)));
}

TEST(CheckTeamPlacementTest, FirstTeamOfACoalitionIsTheRoot) {
  EXPECT_TRUE(CheckTeamPlacement({}, TeamName("lead"), "").ok());
}

TEST(CheckTeamPlacementTest, NewTeamUnderAnExistingTeamIsAllowed) {
  EXPECT_TRUE(CheckTeamPlacement(SomeSnowflake(), TeamName("data"), TeamName("pharmacy")).ok());
  EXPECT_TRUE(CheckTeamPlacement(SomeSnowflake(), TeamName("data"), TeamName("lead")).ok());
}

TEST(CheckTeamPlacementTest, MovingATeamUnderAnotherBranchIsAllowed) {
  EXPECT_TRUE(CheckTeamPlacement(SomeSnowflake(), TeamName("pharmacy"), TeamName("outreach")).ok());
  EXPECT_TRUE(CheckTeamPlacement(SomeSnowflake(), TeamName("clinical"), TeamName("outreach")).ok());
}

TEST(CheckTeamPlacementTest, UnknownParentIsRefused) {
  ExpectRefusedOnParentTeam(CheckTeamPlacement(SomeSnowflake(), TeamName("data"), TeamName("nope")),
                            "is not a team of this coalition");
}

TEST(CheckTeamPlacementTest, SecondRootIsRefused) {
  ExpectRefusedOnParentTeam(CheckTeamPlacement(SomeSnowflake(), TeamName("data"), ""),
                            "already the leadership team");
  ExpectRefusedOnParentTeam(CheckTeamPlacement(SomeSnowflake(), TeamName("pharmacy"), ""),
                            "already the leadership team");
}

TEST(CheckTeamPlacementTest, ReplacingTheRootItselfIsAllowed) {
  EXPECT_TRUE(CheckTeamPlacement(SomeSnowflake(), TeamName("lead"), "").ok());
}

TEST(CheckTeamPlacementTest, TeamUnderItselfIsACycle) {
  ExpectRefusedOnParentTeam(
      CheckTeamPlacement(SomeSnowflake(), TeamName("clinical"), TeamName("clinical")), "cycle");
}

TEST(CheckTeamPlacementTest, TeamUnderItsOwnDescendantIsACycle) {
  ExpectRefusedOnParentTeam(
      CheckTeamPlacement(SomeSnowflake(), TeamName("clinical"), TeamName("pharmacy")), "cycle");
  ExpectRefusedOnParentTeam(
      CheckTeamPlacement(SomeSnowflake(), TeamName("lead"), TeamName("pharmacy")), "cycle");
}

TEST(CheckTeamPlacementTest, ExistingCycleInTheStoreDoesNotLoopForever) {
  std::vector<v1::Team> teams = SomeSnowflake();
  teams.push_back(MakeTeam("x", "X", "y"));
  teams.push_back(MakeTeam("y", "Y", "x"));
  ExpectRefusedOnParentTeam(CheckTeamPlacement(teams, TeamName("data"), TeamName("x")), "cycle");
}

v1::Actor ActorIn(v1::ActorCategory category) {
  v1::Actor actor;
  actor.set_category(category);
  return actor;
}

TEST(CountActorsByCategoryTest, CountsEveryCategoryInEnumOrderIncludingZeros) {
  const v1::CountActorsByCategoryResponse response =
      CountActorsByCategory({ActorIn(v1::SUPPORTER), ActorIn(v1::CONSTITUENT),
                             ActorIn(v1::SUPPORTER), ActorIn(v1::OPPOSITION)});

  ASSERT_EQ(response.counts_size(), 5);
  const v1::ActorCategory order[] = {v1::CONSTITUENT, v1::LEADERSHIP, v1::SUPPORTER,
                                     v1::COMPETITION, v1::OPPOSITION};
  const int want[] = {1, 0, 2, 0, 1};
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(response.counts(i).category(), order[i]);
    EXPECT_EQ(response.counts(i).count(), want[i]) << v1::ActorCategory_Name(order[i]);
  }
  EXPECT_EQ(response.total(), 4);
}

TEST(CountActorsByCategoryTest, NoActorsGiveZeroes) {
  const v1::CountActorsByCategoryResponse response = CountActorsByCategory({});
  ASSERT_EQ(response.counts_size(), 5);
  for (const auto& count : response.counts()) EXPECT_EQ(count.count(), 0);
  EXPECT_EQ(response.total(), 0);
}

TEST(CountActorsByCategoryTest, ActorsWithoutACategoryCountOnlyInTheTotal) {
  const v1::CountActorsByCategoryResponse response =
      CountActorsByCategory({ActorIn(v1::ACTOR_CATEGORY_UNSPECIFIED), ActorIn(v1::LEADERSHIP)});
  int sum = 0;
  for (const auto& count : response.counts()) {
    EXPECT_NE(count.category(), v1::ACTOR_CATEGORY_UNSPECIFIED);
    sum += count.count();
  }
  EXPECT_EQ(sum, 1);
  EXPECT_EQ(response.total(), 2);
}

TEST(NewActorForPersonTest, IsAConstituentNamedAfterThePerson) {
  v1::Person person;
  person.set_name("networks/n1/people/p1");
  person.set_display_name("Dr. Ruth Kim");
  const v1::Actor actor = NewActorForPerson(person);
  EXPECT_EQ(actor.display_name(), "Dr. Ruth Kim");
  EXPECT_EQ(actor.person(), "networks/n1/people/p1");
  EXPECT_EQ(actor.category(), v1::CONSTITUENT);
  EXPECT_TRUE(actor.name().empty());
}

v1::RecordActorObservationRequest Heard(const std::vector<std::string>& interests,
                                        const std::vector<v1::ActorResource>& resources = {},
                                        v1::TieStrength tie = v1::TIE_STRENGTH_UNSPECIFIED) {
  v1::RecordActorObservationRequest observation;
  for (const auto& interest : interests) observation.add_interests(interest);
  for (auto resource : resources) observation.add_resources(resource);
  observation.set_tie_strength(tie);
  return observation;
}

TEST(MergeActorObservationTest, AppendsNewInterestsInOrderIgnoringCaseAndSpaces) {
  v1::Actor actor;
  actor.add_interests("Fewer readmissions");
  EXPECT_EQ(MergeActorObservation(
                actor, Heard({"FEWER READMISSIONS", " Food access ", "food ACCESS", "Transport"})),
            0);
  EXPECT_THAT(actor.interests(), ElementsAre("Fewer readmissions", "Food access", "Transport"));
}

TEST(MergeActorObservationTest, FoldsCaseBeyondAscii) {
  v1::Actor actor;
  actor.add_interests("Salud ÁGIL");
  MergeActorObservation(actor, Heard({"salud ágil"}));
  EXPECT_THAT(actor.interests(), ElementsAre("Salud ÁGIL"));
}

TEST(MergeActorObservationTest, DropsInterestsBeyondTheLimitAndCountsThem) {
  v1::Actor actor;
  for (int i = 0; i < kMaxActorInterests - 1; ++i) actor.add_interests(absl::StrCat("topic ", i));
  EXPECT_EQ(MergeActorObservation(actor, Heard({"topic 0", "housing", "jobs", "parks"})), 2);
  ASSERT_EQ(actor.interests_size(), kMaxActorInterests);
  EXPECT_EQ(actor.interests(kMaxActorInterests - 1), "housing");
}

TEST(MergeActorObservationTest, AddsEachResourceOnce) {
  v1::Actor actor;
  actor.add_resources(v1::DATA);
  MergeActorObservation(actor, Heard({}, {v1::SPACE, v1::DATA, v1::VOLUNTEERS}));
  EXPECT_THAT(actor.resources(), ElementsAre(v1::DATA, v1::SPACE, v1::VOLUNTEERS));
}

TEST(MergeActorObservationTest, ReplacesTieStrengthOnlyWhenGiven) {
  v1::Actor actor;
  actor.set_tie_strength(v1::WEAK);
  MergeActorObservation(actor, Heard({}));
  EXPECT_EQ(actor.tie_strength(), v1::WEAK);
  MergeActorObservation(actor, Heard({}, {}, v1::STRONG));
  EXPECT_EQ(actor.tie_strength(), v1::STRONG);
}

TEST(MergeActorObservationTest, LeavesEverythingElseAlone) {
  v1::Actor actor;
  actor.set_name("networks/n1/coalitions/c1/actors/a1");
  actor.set_display_name("County health department");
  actor.set_category(v1::SUPPORTER);
  actor.set_influence(4);
  actor.set_notes("Met at the fair");
  const v1::Actor before = actor;
  MergeActorObservation(actor, Heard({}));
  EXPECT_EQ(actor.SerializeAsString(), before.SerializeAsString());
}

}  // namespace
}  // namespace coalition::membership
