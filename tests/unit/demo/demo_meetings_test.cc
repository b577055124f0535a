// The demo's meetings are data built from the seed and the day the loader runs: the dates move
// with the day, nothing else does (a re-run on another day must match what it created), and
// every coalition's story has what the demo promises. The loader's re-run choices are pure
// functions of what the service shows, tested here without a server.
#include "tools/demo/demo_meetings.h"

#include <algorithm>
#include <set>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace coalition::demo {
namespace {

using meetings_v1::Commitment;
using meetings_v1::Meeting;
using meetings_v1::OneToOne;

const absl::CivilDay kToday(2025, 3, 12);

absl::TimeZone NewYork() {
  absl::TimeZone tz;
  EXPECT_TRUE(absl::LoadTimeZone("America/New_York", &tz));
  return tz;
}

absl::CivilDay Day(const coalition::common::v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

absl::CivilDay StartDay(const DemoMeeting& meeting, absl::TimeZone tz) {
  return absl::ToCivilDay(absl::FromUnixSeconds(meeting.meeting.start_time().seconds()), tz);
}

class DemoMeetingsTest : public ::testing::Test {
 protected:
  const DemoNetwork network_ = BuildDemoNetwork(7);
  const absl::TimeZone tz_ = NewYork();
  const DemoMeetings demo_ = BuildDemoMeetings(network_, 7, kToday, tz_);

  const DemoCoalition& CoalitionOf(const DemoCoalitionMeetings& m) const {
    return network_.coalitions[m.coalition];
  }
  // Directory people still on the coalition's roster: who the service accepts as members.
  std::set<int> ActiveMembers(const DemoCoalition& c) const {
    std::set<int> active;
    for (const RosterSeat& seat : c.roster) {
      const bool left = std::count(c.leavers.begin(), c.leavers.end(), seat.person) > 0 &&
                        seat.person != c.rejoiner;
      if (!network_.people[seat.person].roster_only && !left) active.insert(seat.person);
    }
    return active;
  }
};

TEST_F(DemoMeetingsTest, SameSeedAndDayGiveTheSameMeetings) {
  const DemoMeetings again = BuildDemoMeetings(network_, 7, kToday, tz_);
  ASSERT_EQ(again.coalitions.size(), demo_.coalitions.size());
  for (size_t c = 0; c < demo_.coalitions.size(); ++c) {
    const auto& a = demo_.coalitions[c];
    const auto& b = again.coalitions[c];
    ASSERT_EQ(a.meetings.size(), b.meetings.size());
    for (size_t m = 0; m < a.meetings.size(); ++m) {
      EXPECT_EQ(a.meetings[m].meeting.SerializeAsString(),
                b.meetings[m].meeting.SerializeAsString());
      ASSERT_EQ(a.meetings[m].attendance.size(), b.meetings[m].attendance.size());
      for (size_t i = 0; i < a.meetings[m].attendance.size(); ++i) {
        EXPECT_EQ(a.meetings[m].attendance[i].status, b.meetings[m].attendance[i].status);
      }
    }
    ASSERT_EQ(a.commitments.size(), b.commitments.size());
    for (size_t k = 0; k < a.commitments.size(); ++k) {
      EXPECT_EQ(a.commitments[k].person, b.commitments[k].person);
    }
  }
}

TEST_F(DemoMeetingsTest, AnotherDayMovesTheDatesAndNothingElse) {
  const DemoMeetings later = BuildDemoMeetings(network_, 7, kToday + 10, tz_);
  ASSERT_EQ(later.coalitions.size(), demo_.coalitions.size());
  for (size_t c = 0; c < demo_.coalitions.size(); ++c) {
    const auto& a = demo_.coalitions[c];
    const auto& b = later.coalitions[c];
    ASSERT_EQ(a.commitments.size(), b.commitments.size());
    for (size_t k = 0; k < a.commitments.size(); ++k) {
      EXPECT_EQ(a.commitments[k].commitment.what(), b.commitments[k].commitment.what());
      EXPECT_EQ(a.commitments[k].person, b.commitments[k].person);
      EXPECT_EQ(
          Day(b.commitments[k].commitment.due_date()) - Day(a.commitments[k].commitment.due_date()),
          10);
    }
    ASSERT_EQ(a.meetings.size(), b.meetings.size());
    for (size_t m = 0; m < a.meetings.size(); ++m) {
      EXPECT_EQ(a.meetings[m].meeting.display_name(), b.meetings[m].meeting.display_name());
      EXPECT_EQ(a.meetings[m].invited, b.meetings[m].invited);
    }
    ASSERT_EQ(a.one_to_ones.size(), b.one_to_ones.size());
  }
}

TEST_F(DemoMeetingsTest, ActiveCoalitionsHaveDoneOverdueAndDueSoonCommitments) {
  int active = 0;
  for (const DemoCoalitionMeetings& m : demo_.coalitions) {
    if (CoalitionOf(m).coalition.status() != membership::v1::ACTIVE) continue;
    ++active;
    int done = 0, overdue = 0, due_soon = 0;
    for (const DemoCommitment& k : m.commitments) {
      const absl::CivilDay due = Day(k.commitment.due_date());
      done += k.status == Commitment::DONE;
      overdue += k.status == Commitment::OPEN && due < kToday;
      due_soon += k.status == Commitment::OPEN && due >= kToday && due <= kToday + 7;
    }
    EXPECT_GE(done, 2) << CoalitionOf(m).coalition.display_name();
    EXPECT_GE(overdue, 2) << CoalitionOf(m).coalition.display_name();
    EXPECT_GE(due_soon, 1) << CoalitionOf(m).coalition.display_name();
    ASSERT_EQ(m.campaigns.size(), 1u);
    EXPECT_FALSE(m.accomplishments.empty());
  }
  EXPECT_EQ(active, 9);
}

TEST_F(DemoMeetingsTest, HeldMeetingsArePastAndComeFirstAndLeaveInAction) {
  for (const DemoCoalitionMeetings& m : demo_.coalitions) {
    bool upcoming_seen = false;
    absl::CivilDay previous = absl::CivilDay::min();
    for (size_t i = 0; i < m.meetings.size(); ++i) {
      const DemoMeeting& meeting = m.meetings[i];
      const absl::CivilDay day = StartDay(meeting, tz_);
      EXPECT_NE(absl::GetWeekday(day), absl::Weekday::saturday);
      EXPECT_NE(absl::GetWeekday(day), absl::Weekday::sunday);
      if (!meeting.held) {
        upcoming_seen = true;
        EXPECT_GT(day, kToday);
        continue;
      }
      EXPECT_FALSE(upcoming_seen) << "held meetings come before the ones to come";
      EXPECT_LT(day, kToday);
      EXPECT_GT(day, previous) << "held meetings are in the order they were held";
      previous = day;
      EXPECT_EQ(meeting.attendance.size(), meeting.invited.size());
      EXPECT_FALSE(meeting.minutes.empty());
      const bool committed =
          std::any_of(m.commitments.begin(), m.commitments.end(),
                      [&](const DemoCommitment& k) { return k.meeting == static_cast<int>(i); });
      EXPECT_NE(committed, !meeting.no_commitment_reason.empty())
          << meeting.meeting.display_name() << ": commitments or a reason, not both";
    }
  }
}

TEST_F(DemoMeetingsTest, CommitmentsAreMadeByActiveMembersInHeldMeetingsBeforeTheyAreDue) {
  for (const DemoCoalitionMeetings& m : demo_.coalitions) {
    const DemoCoalition& c = CoalitionOf(m);
    const std::set<int> active = ActiveMembers(c);
    for (const DemoCommitment& k : m.commitments) {
      EXPECT_TRUE(active.count(k.person)) << c.coalition.display_name() << ": " << k.person;
      ASSERT_GE(k.meeting, 0);
      ASSERT_LT(k.meeting, static_cast<int>(m.meetings.size()));
      EXPECT_TRUE(m.meetings[k.meeting].held);
      EXPECT_GE(Day(k.commitment.due_date()), StartDay(m.meetings[k.meeting], tz_));
      EXPECT_NE(k.status == Commitment::OPEN, !k.note.empty()) << "a settled one has a note";
      if (k.team != kNone) {
        const DemoTeam& team = c.teams[k.team];
        const bool in_team = std::count(team.leads.begin(), team.leads.end(), k.person) +
                                 std::count(team.members.begin(), team.members.end(), k.person) >
                             0;
        EXPECT_TRUE(in_team) << team.display_name;
      }
    }
    for (const DemoOneToOne& o : m.one_to_ones) {
      EXPECT_TRUE(active.count(o.organizer)) << c.coalition.display_name();
      EXPECT_NE(o.counterpart_person == kNone, o.counterpart_actor == kNone) << "exactly one";
      EXPECT_NE(o.counterpart_person, o.organizer);
      if (o.counterpart_actor != kNone) {
        EXPECT_LT(o.counterpart_actor, static_cast<int>(c.actors.size()));
      }
    }
  }
}

TEST_F(DemoMeetingsTest, OneToOnesAreAtDifferentStagesAndOneReachesTheMap) {
  for (const DemoCoalitionMeetings& m : demo_.coalitions) {
    if (CoalitionOf(m).coalition.status() != membership::v1::ACTIVE) continue;
    std::set<int> stages;
    bool reaches_map = false;
    for (const DemoOneToOne& o : m.one_to_ones) {
      stages.insert(o.last_stage);
      const bool completed = o.last_stage == OneToOne::COMMITMENT;
      if (completed) {
        EXPECT_NE(o.outcome.empty(), o.one_to_one.outcome().no_commitment_reason().empty())
            << "commitments or a reason";
      }
      reaches_map |= completed && o.counterpart_actor != kNone &&
                     !o.one_to_one.exploration().interests().empty();
    }
    EXPECT_GE(stages.size(), 3u);
    EXPECT_TRUE(reaches_map);
  }
}

TEST_F(DemoMeetingsTest, CampaignsClimbToTheCelebrationThroughTheCoalitionsCommitments) {
  for (const DemoCoalitionMeetings& m : demo_.coalitions) {
    const DemoCoalition& c = CoalitionOf(m);
    for (const DemoCampaign& campaign : m.campaigns) {
      EXPECT_LT(campaign.aim, static_cast<int>(c.aims.size()));
      ASSERT_NE(campaign.kick_off_meeting, kNone);
      ASSERT_NE(campaign.celebration_meeting, kNone);
      EXPECT_EQ(m.meetings[campaign.kick_off_meeting].meeting.kind(), Meeting::KICK_OFF);
      EXPECT_EQ(m.meetings[campaign.celebration_meeting].meeting.kind(), Meeting::CELEBRATION);
      const auto& goals = campaign.campaign.peak_goals();
      ASSERT_EQ(goals.size(), 3);
      EXPECT_LT(Day(goals[0].target_date()), kToday) << "the first peak goal is behind us";
      for (int g = 1; g < goals.size(); ++g) {
        EXPECT_LT(Day(goals[g - 1].target_date()), Day(goals[g].target_date()));
      }
      EXPECT_LE(Day(goals[goals.size() - 1].target_date()),
                Day(campaign.campaign.celebration_date()));
      std::set<std::string> ids;
      for (const auto& goal : goals) {
        ids.insert(goal.id());
        for (const auto& tactic : goal.tactics()) ids.insert(tactic.id());
      }
      EXPECT_EQ(ids.size(), 9u) << "peak goal and tactic ids are unique in the campaign";
      std::set<int> linked;
      for (const TacticLink& link : campaign.links) {
        ASSERT_LT(link.peak_goal, goals.size());
        ASSERT_LT(link.tactic, goals[link.peak_goal].tactics_size());
        ASSERT_LT(link.commitment, static_cast<int>(m.commitments.size()));
        linked.insert(link.commitment);
      }
      EXPECT_EQ(linked.size(), campaign.links.size()) << "each commitment under one tactic";
    }
  }
}

TEST(MeetingStepsTest, OnlyWhatTheStateShowsUndoneIsDone) {
  const MeetingSteps scheduled = StepsToHold(Meeting::SCHEDULED);
  EXPECT_TRUE(scheduled.start && scheduled.record_attendance && scheduled.close);
  const MeetingSteps in_progress = StepsToHold(Meeting::IN_PROGRESS);
  EXPECT_FALSE(in_progress.start);
  EXPECT_TRUE(in_progress.record_attendance && in_progress.close);
  for (Meeting::State state : {Meeting::CLOSED, Meeting::CANCELLED}) {
    const MeetingSteps steps = StepsToHold(state);
    EXPECT_FALSE(steps.start || steps.record_attendance || steps.close)
        << Meeting::State_Name(state) << " is never started or closed again";
  }
}

TEST(OneToOneStagesTest, StagesAlreadyRecordedAreSkipped) {
  OneToOne current;
  current.set_state(OneToOne::IN_PROGRESS);
  current.set_last_stage(OneToOne::PURPOSE);
  EXPECT_EQ(StagesToRecord(current, OneToOne::COMMITMENT),
            (std::vector<OneToOne::Stage>{OneToOne::EXPLORATION, OneToOne::EXCHANGE,
                                          OneToOne::COMMITMENT}));
  EXPECT_TRUE(StagesToRecord(current, OneToOne::PURPOSE).empty());
  EXPECT_TRUE(StagesToRecord(current, OneToOne::SELECTION).empty());
  current.set_last_stage(OneToOne::STAGE_UNSPECIFIED);
  EXPECT_EQ(StagesToRecord(current, OneToOne::SELECTION),
            std::vector<OneToOne::Stage>{OneToOne::SELECTION});
  current.set_state(OneToOne::COMPLETED);
  current.set_last_stage(OneToOne::COMMITMENT);
  EXPECT_TRUE(StagesToRecord(current, OneToOne::COMMITMENT).empty());
}

TEST(OneToOneStagesTest, TheOrganizerMakesTheOutcomeCommitments) {
  DemoOneToOne demo;
  demo.one_to_one.mutable_exploration()->add_interests("rides to appointments");
  meetings_v1::OutcomeCommitment made;
  made.set_what("Send the report draft");
  demo.outcome.push_back(made);
  const auto outcome = StageRequest(demo, OneToOne::COMMITMENT, "networks/n/people/p");
  ASSERT_EQ(outcome.outcome().commitments_size(), 1);
  EXPECT_EQ(outcome.outcome().commitments(0).person(), "networks/n/people/p");
  EXPECT_TRUE(outcome.outcome().no_commitment_reason().empty());
  EXPECT_EQ(StageRequest(demo, OneToOne::EXPLORATION, "").exploration().interests(0),
            "rides to appointments");

  demo.outcome.clear();
  demo.one_to_one.mutable_outcome()->set_no_commitment_reason("talking to the family first");
  EXPECT_EQ(StageRequest(demo, OneToOne::COMMITMENT, "").outcome().no_commitment_reason(),
            "talking to the family first");
}

TEST(CommitmentSettlingTest, OnlyStillOpenCommitmentsAreSettled) {
  EXPECT_TRUE(NeedsSettling(Commitment::OPEN, Commitment::DONE));
  EXPECT_TRUE(NeedsSettling(Commitment::OPEN, Commitment::MISSED));
  EXPECT_FALSE(NeedsSettling(Commitment::OPEN, Commitment::OPEN));
  EXPECT_FALSE(NeedsSettling(Commitment::DONE, Commitment::DONE));
  EXPECT_FALSE(NeedsSettling(Commitment::MISSED, Commitment::DONE));
  EXPECT_FALSE(NeedsSettling(Commitment::RELEASED, Commitment::MISSED));
}

}  // namespace
}  // namespace coalition::demo
