#include "services/meetings/domain/commitments.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/status.h"

namespace coalition::meetings {
namespace {

using ::testing::ElementsAre;
using v1::Commitment;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);
const absl::CivilDay kJan1(2026, 1, 1);

Commitment NewCommitment(const std::string& id, absl::CivilDay due,
                         const std::string& person = "networks/n1/people/p1",
                         const std::string& coalition = "c1") {
  Commitment c;
  c.set_name(absl::StrCat("networks/n1/coalitions/", coalition, "/commitments/", id));
  c.set_person(person);
  c.set_what("bring the discharge checklist");
  *c.mutable_due_date() = ToDate(due);
  StartCommitment(c, kT0, "networks/n1/apiKeys/k");
  return c;
}

Commitment Settled(const std::string& id, absl::CivilDay due, Commitment::Status status,
                   absl::CivilDay on, const std::string& person = "networks/n1/people/p1") {
  Commitment c = NewCommitment(id, due, person);
  EXPECT_TRUE(CheckInCommitment(c, status, "note", "", "k", kT0, on).ok());
  return c;
}

TEST(CommitmentStatusTest, NewCommitmentIsOpenWithACreationCheckIn) {
  const Commitment c = NewCommitment("a", kJan1);
  EXPECT_EQ(c.status(), Commitment::OPEN);
  ASSERT_EQ(c.check_ins_size(), 1);
  EXPECT_EQ(c.check_ins(0).status(), Commitment::OPEN);
}

TEST(CommitmentStatusTest, DoneRecordsTheDayAndAddsToHistory) {
  Commitment c = NewCommitment("a", kJan1 + 5);
  ASSERT_TRUE(CheckInCommitment(c, Commitment::DONE, "", "m", "k", kT0, kJan1 + 3).ok());
  EXPECT_EQ(c.status(), Commitment::DONE);
  EXPECT_EQ(ToCivilDay(c.done_date()), kJan1 + 3);
  ASSERT_EQ(c.check_ins_size(), 2);
  EXPECT_EQ(c.check_ins(1).meeting(), "m");
}

TEST(CommitmentStatusTest, MissedAndReleasedNeedANote) {
  for (auto status : {Commitment::MISSED, Commitment::RELEASED}) {
    Commitment c = NewCommitment("a", kJan1);
    const absl::Status result = CheckInCommitment(c, status, " ", "", "k", kT0, kJan1);
    EXPECT_EQ(result.code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldViolationsOf(result)[0].field, "note");
    EXPECT_EQ(c.status(), Commitment::OPEN);
  }
}

TEST(CommitmentStatusTest, MissedCanStillBeDoneLateOrReleased) {
  Commitment c = Settled("a", kJan1, Commitment::MISSED, kJan1 + 1);
  ASSERT_TRUE(CheckInCommitment(c, Commitment::DONE, "", "", "k", kT0, kJan1 + 4).ok());
  EXPECT_EQ(c.status(), Commitment::DONE);
  Commitment d = Settled("b", kJan1, Commitment::MISSED, kJan1 + 1);
  EXPECT_TRUE(CheckInCommitment(d, Commitment::RELEASED, "moved away", "", "k", kT0, kJan1).ok());
}

TEST(CommitmentStatusTest, DoneAndReleasedChangeOnlyByReopening) {
  Commitment done = Settled("a", kJan1, Commitment::DONE, kJan1);
  EXPECT_EQ(CheckInCommitment(done, Commitment::MISSED, "x", "", "k", kT0, kJan1).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      CheckInCommitment(done, Commitment::STATUS_UNSPECIFIED, "x", "", "k", kT0, kJan1).code(),
      absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckInCommitment(done, Commitment::OPEN, "x", "", "k", kT0, kJan1).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(CommitmentStatusTest, CheckInWithoutStatusAddsANoteToTheHistory) {
  Commitment c = NewCommitment("a", kJan1);
  ASSERT_TRUE(
      CheckInCommitment(c, Commitment::STATUS_UNSPECIFIED, "halfway", "", "k", kT0, kJan1).ok());
  EXPECT_EQ(c.status(), Commitment::OPEN);
  EXPECT_EQ(c.check_ins(1).note(), "halfway");
  EXPECT_EQ(CheckInCommitment(c, Commitment::STATUS_UNSPECIFIED, "", "", "k", kT0, kJan1).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ReopenCommitmentTest, ReopeningClearsTheDoneDateAndCountsTheReopen) {
  Commitment c = Settled("a", kJan1 + 10, Commitment::DONE, kJan1);
  ASSERT_TRUE(ReopenCommitment(c, "the flyer had errors", std::nullopt, "k", kT0, kJan1).ok());
  EXPECT_EQ(c.status(), Commitment::OPEN);
  EXPECT_FALSE(c.has_done_date());
  EXPECT_EQ(c.reopen_count(), 1);
}

TEST(ReopenCommitmentTest, PastDueDateNeedsANewDueDateNotInThePast) {
  Commitment c = Settled("a", kJan1, Commitment::MISSED, kJan1 + 1);
  const absl::CivilDay today = kJan1 + 5;
  absl::Status status = ReopenCommitment(c, "try again", std::nullopt, "k", kT0, today);
  EXPECT_EQ(FieldViolationsOf(status)[0].field, "due_date");
  status = ReopenCommitment(c, "try again", ToDate(today - 1), "k", kT0, today);
  EXPECT_EQ(FieldViolationsOf(status)[0].field, "due_date");
  ASSERT_TRUE(ReopenCommitment(c, "try again", ToDate(today + 7), "k", kT0, today).ok());
  EXPECT_EQ(ToCivilDay(c.due_date()), today + 7);
}

TEST(ReopenCommitmentTest, NeedsANoteAndAClosedCommitment) {
  Commitment open = NewCommitment("a", kJan1 + 9);
  EXPECT_EQ(ReopenCommitment(open, "x", std::nullopt, "k", kT0, kJan1).code(),
            absl::StatusCode::kFailedPrecondition);
  Commitment done = Settled("b", kJan1 + 9, Commitment::DONE, kJan1);
  EXPECT_EQ(ReopenCommitment(done, "", std::nullopt, "k", kT0, kJan1).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ReopenCommitmentTest, StopsAfterTheMaximumNumberOfReopens) {
  Commitment c = NewCommitment("a", kJan1 + 30);
  for (int i = 0; i < kMaxReopens; ++i) {
    ASSERT_TRUE(CheckInCommitment(c, Commitment::DONE, "", "", "k", kT0, kJan1).ok());
    ASSERT_TRUE(ReopenCommitment(c, "again", std::nullopt, "k", kT0, kJan1).ok());
  }
  ASSERT_TRUE(CheckInCommitment(c, Commitment::DONE, "", "", "k", kT0, kJan1).ok());
  EXPECT_EQ(ReopenCommitment(c, "again", std::nullopt, "k", kT0, kJan1).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(DueTest, OverdueIsOpenAndPastItsDueDay) {
  const Commitment c = NewCommitment("a", kJan1);
  EXPECT_FALSE(IsOverdue(c, kJan1));
  EXPECT_TRUE(IsOverdue(c, kJan1 + 1));
  EXPECT_FALSE(IsOverdue(Settled("b", kJan1, Commitment::DONE, kJan1), kJan1 + 1));
}

TEST(DueTest, DueSoonIsOpenAndDueWithinTheHorizon) {
  const Commitment c = NewCommitment("a", kJan1 + 7);
  EXPECT_TRUE(IsDueSoon(c, kJan1, 7));
  EXPECT_FALSE(IsDueSoon(c, kJan1, 6));
  EXPECT_FALSE(IsDueSoon(c, kJan1 + 8, 7));
}

TEST(FollowThroughTest, FollowThroughCountsOnlyCommitmentsDueInTheWindow) {
  const std::vector<Commitment> commitments = {
      Settled("before", kJan1 - 1, Commitment::DONE, kJan1 - 2),
      Settled("on-time", kJan1 + 3, Commitment::DONE, kJan1 + 2),
      Settled("late", kJan1 + 4, Commitment::DONE, kJan1 + 6),
      Settled("missed", kJan1 + 5, Commitment::MISSED, kJan1 + 6),
      NewCommitment("open-overdue", kJan1 + 6),
      Settled("released", kJan1 + 7, Commitment::RELEASED, kJan1),
      NewCommitment("pending", kJan1 + 20),
      Settled("after", kJan1 + 40, Commitment::DONE, kJan1)};
  const v1::FollowThroughRate rate =
      ComputeFollowThrough("p", commitments, kJan1, kJan1 + 30, kJan1 + 10);
  EXPECT_EQ(rate.due(), 4);
  EXPECT_EQ(rate.done_on_time(), 1);
  EXPECT_EQ(rate.done_late(), 1);
  EXPECT_EQ(rate.missed(), 2);
  EXPECT_EQ(rate.released(), 1);
  EXPECT_EQ(rate.pending(), 1);
  EXPECT_DOUBLE_EQ(rate.rate(), 0.25);
}

TEST(FollowThroughTest, NothingDueGivesZeroNotNaN) {
  EXPECT_DOUBLE_EQ(ComputeFollowThrough("p", {}, kJan1, kJan1 + 30, kJan1).rate(), 0.0);
}

TEST(FollowThroughTest, ReportHasTheCoalitionEachTeamAndEachPerson) {
  Commitment team_done = Settled("a", kJan1 + 1, Commitment::DONE, kJan1, "networks/n1/people/x");
  team_done.set_team("networks/n1/coalitions/c1/teams/t1");
  const Commitment missed =
      Settled("b", kJan1 + 1, Commitment::MISSED, kJan1 + 2, "networks/n1/people/y");
  const v1::FollowThroughReport report = BuildFollowThroughReport(
      "networks/n1/coalitions/c1", {team_done, missed}, kJan1, kJan1 + 30, kJan1 + 5);
  EXPECT_DOUBLE_EQ(report.coalition().rate(), 0.5);
  ASSERT_EQ(report.teams_size(), 1);
  EXPECT_DOUBLE_EQ(report.teams(0).rate(), 1.0);
  ASSERT_EQ(report.people_size(), 2);
  EXPECT_EQ(report.people(0).subject(), "networks/n1/people/x");
  EXPECT_DOUBLE_EQ(report.people(1).rate(), 0.0);
}

TEST(FollowThroughTest, ReportListsOnlyWhoHadSomethingDueInTheWindow) {
  Commitment before = NewCommitment("a", kJan1, "networks/n1/people/x");
  before.set_team("networks/n1/coalitions/c1/teams/t1");
  const Commitment after = NewCommitment("b", kJan1 + 40, "networks/n1/people/y");
  const Commitment inside = NewCommitment("c", kJan1 + 20, "networks/n1/people/z");
  const v1::FollowThroughReport report = BuildFollowThroughReport(
      "networks/n1/coalitions/c1", {before, inside, after}, kJan1 + 10, kJan1 + 30, kJan1 + 15);
  EXPECT_EQ(report.coalition().pending(), 1);
  EXPECT_EQ(report.teams_size(), 0);
  ASSERT_EQ(report.people_size(), 1);
  EXPECT_EQ(report.people(0).subject(), "networks/n1/people/z");
}

TEST(OverloadTest, CountsOpenCommitmentsAcrossCoalitionsAboveTheThreshold) {
  const std::string busy = "networks/n1/people/busy";
  const std::string calm = "networks/n1/people/calm";
  std::vector<Commitment> commitments = {
      NewCommitment("1", kJan1, busy, "c1"), NewCommitment("2", kJan1, busy, "c2"),
      NewCommitment("3", kJan1, busy, "c2"), NewCommitment("4", kJan1, calm, "c1"),
      Settled("5", kJan1, Commitment::DONE, kJan1, calm)};
  const auto overloaded = FindOverloadedPeople(commitments, 2);
  ASSERT_EQ(overloaded.size(), 1u);
  EXPECT_EQ(overloaded[0].person(), busy);
  EXPECT_EQ(overloaded[0].open_commitments(), 3);
  EXPECT_THAT(overloaded[0].coalitions(),
              ElementsAre("networks/n1/coalitions/c1", "networks/n1/coalitions/c2"));
  EXPECT_TRUE(FindOverloadedPeople(commitments, 3).empty());
}

TEST(ClockEventsTest, EmitsDueSoonAndOverdueOnceWhenTheDayTurns) {
  const std::vector<Commitment> commitments = {NewCommitment("soon", kJan1 + 8),
                                               NewCommitment("late", kJan1)};
  const auto events = ClockEvents(commitments, kJan1, kJan1 + 1, 7, kT0);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0].kind(), v1::CommitmentEvent::DUE_SOON);
  EXPECT_EQ(events[1].kind(), v1::CommitmentEvent::OVERDUE);
  EXPECT_TRUE(ClockEvents(commitments, kJan1 + 1, kJan1 + 1, 7, kT0).empty());
  EXPECT_TRUE(ClockEvents(commitments, kJan1 + 1, kJan1 + 2, 7, kT0).empty());
}

}  // namespace
}  // namespace coalition::meetings
