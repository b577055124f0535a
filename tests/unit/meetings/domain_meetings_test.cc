#include "services/meetings/domain/meetings.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "services/meetings/domain/commitments.h"

namespace coalition::meetings {
namespace {

using ::testing::ElementsAre;
using v1::Attendance;
using v1::Meeting;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);  // 2026-01-01 00:00 UTC
constexpr char kCoalition[] = "networks/n1/coalitions/c1";

Meeting MeetingAt(const std::string& id, absl::Time start, const std::string& team = "") {
  Meeting m;
  m.set_name(absl::StrCat(kCoalition, "/meetings/", id));
  m.set_kind(team.empty() ? Meeting::COALITION : Meeting::TEAM);
  m.set_team(team);
  *m.mutable_start_time() = ToProtoTimestamp(start);
  ScheduleMeeting(m);
  return m;
}

v1::Commitment CommitmentDue(const std::string& id, absl::CivilDay due,
                             v1::Commitment::Status status, const std::string& team = "") {
  v1::Commitment c;
  c.set_name(absl::StrCat(kCoalition, "/commitments/", id));
  c.set_person("networks/n1/people/p1");
  c.set_what("call the pharmacists");
  *c.mutable_due_date() = ToDate(due);
  c.set_status(status);
  c.set_team(team);
  return c;
}

Attendance Entry(const std::string& person, Attendance::Status status,
                 const std::string& organization = "") {
  Attendance a;
  a.set_person(person);
  a.set_organization(organization);
  a.set_status(status);
  return a;
}

TEST(MeetingLifecycleTest, ScheduledMeetingStartsAndClosesWithACommitment) {
  Meeting m = MeetingAt("m1", kT0);
  EXPECT_EQ(m.state(), Meeting::SCHEDULED);
  ASSERT_TRUE(StartMeeting(m).ok());
  EXPECT_EQ(m.state(), Meeting::IN_PROGRESS);
  ASSERT_TRUE(CloseMeeting(m, 2, "", kT0 + absl::Hours(1)).ok());
  EXPECT_EQ(m.state(), Meeting::CLOSED);
  EXPECT_EQ(m.commitment_count(), 2);
  EXPECT_EQ(FromProtoTimestamp(m.close_time()), kT0 + absl::Hours(1));
}

TEST(MeetingLifecycleTest, ClosingMeetingWithoutCommitmentsNeedsReason) {
  Meeting m = MeetingAt("m1", kT0);
  ASSERT_TRUE(StartMeeting(m).ok());
  const absl::Status status = CloseMeeting(m, 0, "  ", kT0);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  ASSERT_EQ(FieldViolationsOf(status).size(), 1u);
  EXPECT_EQ(FieldViolationsOf(status)[0].field, "no_commitment_reason");
  EXPECT_EQ(m.state(), Meeting::IN_PROGRESS);
  ASSERT_TRUE(CloseMeeting(m, 0, "orientation meeting only", kT0).ok());
  EXPECT_EQ(m.no_commitment_reason(), "orientation meeting only");
}

TEST(MeetingLifecycleTest, ReasonIsDroppedWhenCommitmentsWereMade) {
  Meeting m = MeetingAt("m1", kT0);
  ASSERT_TRUE(StartMeeting(m).ok());
  ASSERT_TRUE(CloseMeeting(m, 1, "no time", kT0).ok());
  EXPECT_EQ(m.no_commitment_reason(), "");
}

TEST(MeetingLifecycleTest, OnlyAMeetingInProgressCanClose) {
  Meeting m = MeetingAt("m1", kT0);
  EXPECT_EQ(CloseMeeting(m, 1, "", kT0).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(MeetingLifecycleTest, ClosedOrCancelledMeetingCannotStartOrBeCancelled) {
  Meeting m = MeetingAt("m1", kT0);
  ASSERT_TRUE(CancelMeeting(m, "snow storm").ok());
  EXPECT_EQ(m.cancel_reason(), "snow storm");
  EXPECT_EQ(StartMeeting(m).code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CancelMeeting(m, "again").code(), absl::StatusCode::kFailedPrecondition);
}

TEST(MeetingLifecycleTest, CancellingNeedsAReason) {
  Meeting m = MeetingAt("m1", kT0);
  EXPECT_EQ(CancelMeeting(m, "").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(m.state(), Meeting::SCHEDULED);
}

TEST(MeetingLifecycleTest, ClosingMarksPeopleStillInvitedAbsent) {
  Meeting m = MeetingAt("m1", kT0);
  *m.add_attendance() = Entry("networks/n1/people/a", Attendance::STATUS_UNSPECIFIED);
  ScheduleMeeting(m);
  EXPECT_EQ(m.attendance(0).status(), Attendance::INVITED);
  ASSERT_TRUE(StartMeeting(m).ok());
  ASSERT_TRUE(CloseMeeting(m, 1, "", kT0).ok());
  EXPECT_EQ(m.attendance(0).status(), Attendance::ABSENT);
}

TEST(MeetingLifecycleTest, SchedulingDropsACheckInItemSentByTheClient) {
  Meeting m;
  v1::AgendaItem* forged = m.add_agenda();
  forged->set_title("Check-in");
  forged->set_check_in(true);
  m.add_agenda()->set_title("Welcome");
  m.set_state(Meeting::CLOSED);
  m.set_commitment_count(4);
  ScheduleMeeting(m);
  ASSERT_EQ(m.agenda_size(), 1);
  EXPECT_EQ(m.agenda(0).title(), "Welcome");
  EXPECT_EQ(m.state(), Meeting::SCHEDULED);
  EXPECT_EQ(m.commitment_count(), 0);
}

TEST(MeetingLifecycleTest, SchedulingDropsCheckInEntriesOnOtherItems) {
  Meeting m;
  v1::AgendaItem* item = m.add_agenda();
  item->set_title("Welcome");
  item->add_check_in_entries()->set_commitment("networks/n1/coalitions/c1/commitments/forged");
  ScheduleMeeting(m);
  ASSERT_EQ(m.agenda_size(), 1);
  EXPECT_EQ(m.agenda(0).check_in_entries_size(), 0);
}

TEST(MeetingUpdateTest, ClosedMeetingTakesOnlyMinutes) {
  Meeting m = MeetingAt("m1", kT0);
  EXPECT_TRUE(CheckMeetingUpdatable(m, {"agenda", "place"}).ok());
  ASSERT_TRUE(StartMeeting(m).ok());
  ASSERT_TRUE(CloseMeeting(m, 1, "", kT0).ok());
  EXPECT_TRUE(CheckMeetingUpdatable(m, {"minutes"}).ok());
  EXPECT_EQ(CheckMeetingUpdatable(m, {"minutes", "agenda"}).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(AttendanceTest, AttendedCannotBeRecordedBeforeTheMeetingStarts) {
  Meeting m = MeetingAt("m1", kT0);
  EXPECT_EQ(RecordAttendance(m, {Entry("networks/n1/people/a", Attendance::ATTENDED)}).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(RecordAttendance(m, {Entry("networks/n1/people/a", Attendance::EXCUSED)}).ok());
}

TEST(AttendanceTest, RecordingReplacesThePersonsEntry) {
  Meeting m = MeetingAt("m1", kT0);
  ASSERT_TRUE(RecordAttendance(m, {Entry("networks/n1/people/a", Attendance::INVITED)}).ok());
  ASSERT_TRUE(StartMeeting(m).ok());
  ASSERT_TRUE(RecordAttendance(m, {Entry("networks/n1/people/a", Attendance::ATTENDED),
                                   Entry("networks/n1/people/b", Attendance::ATTENDED)})
                  .ok());
  ASSERT_EQ(m.attendance_size(), 2);
  EXPECT_EQ(m.attendance(0).status(), Attendance::ATTENDED);
}

TEST(AttendanceTest, CancelledMeetingTakesNoAttendance) {
  Meeting m = MeetingAt("m1", kT0);
  ASSERT_TRUE(CancelMeeting(m, "venue closed").ok());
  EXPECT_EQ(RecordAttendance(m, {Entry("networks/n1/people/a", Attendance::EXCUSED)}).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(PreviousMeetingTest, IsTheLatestEarlierMeetingOfTheSameTeamThatWasNotCancelled) {
  std::vector<Meeting> meetings = {MeetingAt("a", kT0), MeetingAt("b", kT0 + absl::Hours(24 * 7)),
                                   MeetingAt("c", kT0 + absl::Hours(24 * 10)),
                                   MeetingAt("t", kT0 + absl::Hours(24 * 12), "team-x")};
  ASSERT_TRUE(CancelMeeting(meetings[2], "flu").ok());
  const Meeting next = MeetingAt("d", kT0 + absl::Hours(24 * 14));
  const Meeting* previous = FindPreviousMeeting(meetings, next);
  ASSERT_NE(previous, nullptr);
  EXPECT_EQ(previous->name(), meetings[1].name());
  EXPECT_EQ(FindPreviousMeeting(meetings, meetings[0]), nullptr);
}

TEST(CheckInTest, ListsCommitmentsDueSinceThePreviousMeetingWithTheirStatus) {
  const absl::CivilDay jan1(2026, 1, 1);
  const Meeting previous = MeetingAt("prev", kT0);
  const Meeting meeting = MeetingAt("next", kT0 + absl::Hours(24 * 14));  // Jan 15
  const std::vector<v1::Commitment> commitments = {
      CommitmentDue("before-done", jan1 - 3, v1::Commitment::DONE),
      CommitmentDue("on-prev-day", jan1, v1::Commitment::MISSED),
      CommitmentDue("done", jan1 + 5, v1::Commitment::DONE),
      CommitmentDue("missed", jan1 + 14, v1::Commitment::MISSED),
      CommitmentDue("later", jan1 + 15, v1::Commitment::OPEN)};
  const v1::AgendaItem item =
      BuildCheckInItem(meeting, &previous, commitments, absl::UTCTimeZone());
  EXPECT_TRUE(item.check_in());
  std::vector<std::string> listed;
  for (const auto& e : item.check_in_entries()) listed.push_back(e.commitment());
  EXPECT_THAT(listed, ElementsAre(commitments[2].name(), commitments[3].name()));
  EXPECT_EQ(item.check_in_entries(0).status(), v1::Commitment::DONE);
  EXPECT_EQ(item.check_in_entries(1).status(), v1::Commitment::MISSED);
}

TEST(CheckInTest, CarriesOverCommitmentsStillOpenFromBeforeThePreviousMeeting) {
  const absl::CivilDay jan1(2026, 1, 1);
  const Meeting previous = MeetingAt("prev", kT0);
  const Meeting meeting = MeetingAt("next", kT0 + absl::Hours(24 * 14));
  const std::vector<v1::Commitment> commitments = {
      CommitmentDue("old-open", jan1 - 10, v1::Commitment::OPEN)};
  const v1::AgendaItem item =
      BuildCheckInItem(meeting, &previous, commitments, absl::UTCTimeZone());
  ASSERT_EQ(item.check_in_entries_size(), 1);
  EXPECT_TRUE(item.check_in_entries(0).carried_over());
}

TEST(CheckInTest, TeamMeetingChecksOnlyTheTeamsCommitments) {
  const absl::CivilDay jan1(2026, 1, 1);
  const std::string team = "networks/n1/coalitions/c1/teams/t1";
  const Meeting meeting = MeetingAt("next", kT0 + absl::Hours(24 * 14), team);
  const std::vector<v1::Commitment> commitments = {
      CommitmentDue("team", jan1 + 3, v1::Commitment::OPEN, team),
      CommitmentDue("other", jan1 + 3, v1::Commitment::OPEN)};
  const v1::AgendaItem item = BuildCheckInItem(meeting, nullptr, commitments, absl::UTCTimeZone());
  ASSERT_EQ(item.check_in_entries_size(), 1);
  EXPECT_EQ(item.check_in_entries(0).commitment(), commitments[0].name());
}

TEST(CheckInTest, CheckInItemGoesFirstAndReplacesTheOldOne) {
  Meeting m = MeetingAt("m", kT0);
  m.add_agenda()->set_title("Welcome");
  v1::AgendaItem first;
  first.set_title("old check-in");
  PlaceCheckInItem(m, first);
  m.add_agenda()->set_title("Next steps");
  v1::AgendaItem second;
  second.set_title(kCheckInTitle);
  PlaceCheckInItem(m, second);
  std::vector<std::string> titles;
  for (const auto& item : m.agenda()) titles.push_back(item.title());
  EXPECT_THAT(titles, ElementsAre(kCheckInTitle, "Welcome", "Next steps"));
  EXPECT_TRUE(m.agenda(0).check_in());
}

TEST(CheckInTest, OnlyTheCheckInItemKeepsCheckInEntries) {
  Meeting m = MeetingAt("m", kT0);
  v1::AgendaItem* forged = m.add_agenda();
  forged->set_title("Next steps");
  forged->add_check_in_entries()->set_commitment("networks/n1/coalitions/c1/commitments/forged");
  v1::AgendaItem check_in;
  check_in.add_check_in_entries()->set_commitment("networks/n1/coalitions/c1/commitments/c1");
  PlaceCheckInItem(m, check_in);
  ASSERT_EQ(m.agenda_size(), 2);
  EXPECT_EQ(m.agenda(0).check_in_entries_size(), 1);
  EXPECT_EQ(m.agenda(1).check_in_entries_size(), 0);
}

TEST(AttendanceReportTest, RatesLeaveOutExcusedMeetingsAndSortTheDriftingFirst) {
  std::vector<Meeting> meetings;
  for (int i = 0; i < 4; ++i) {
    Meeting m = MeetingAt(absl::StrCat("m", i), kT0 + absl::Hours(24 * 7 * i));
    ASSERT_TRUE(StartMeeting(m).ok());
    ASSERT_TRUE(
        RecordAttendance(m, {Entry("networks/n1/people/steady", Attendance::ATTENDED, "org/h"),
                             Entry("networks/n1/people/drifting",
                                   i == 0 ? Attendance::ATTENDED
                                          : (i == 1 ? Attendance::EXCUSED : Attendance::ABSENT),
                                   "org/h")})
            .ok());
    ASSERT_TRUE(CloseMeeting(m, 1, "", kT0).ok());
    meetings.push_back(m);
  }
  meetings.push_back(MeetingAt("scheduled", kT0));  // not closed: not counted
  const auto report = ComputeAttendanceReport(meetings, absl::CivilDay(2026, 1, 1),
                                              absl::CivilDay(2026, 1, 31), absl::UTCTimeZone());
  ASSERT_EQ(report.people_size(), 2);
  EXPECT_EQ(report.people(0).subject(), "networks/n1/people/drifting");
  EXPECT_EQ(report.people(0).meetings(), 4);
  EXPECT_EQ(report.people(0).excused(), 1);
  EXPECT_DOUBLE_EQ(report.people(0).rate(), 1.0 / 3);
  EXPECT_EQ(FromProtoTimestamp(report.people(0).last_attended_time()), kT0);
  EXPECT_DOUBLE_EQ(report.people(1).rate(), 1.0);
  ASSERT_EQ(report.organizations_size(), 1);
  EXPECT_DOUBLE_EQ(report.organizations(0).rate(), 1.0);  // someone from it came every time
}

TEST(AttendanceReportTest, CountsOnlyMeetingsInTheWindow) {
  Meeting m = MeetingAt("m", kT0 + absl::Hours(24 * 40));
  ASSERT_TRUE(StartMeeting(m).ok());
  ASSERT_TRUE(RecordAttendance(m, {Entry("networks/n1/people/a", Attendance::ATTENDED)}).ok());
  ASSERT_TRUE(CloseMeeting(m, 1, "", kT0).ok());
  const auto report = ComputeAttendanceReport({m}, absl::CivilDay(2026, 1, 1),
                                              absl::CivilDay(2026, 1, 31), absl::UTCTimeZone());
  EXPECT_EQ(report.people_size(), 0);
}

}  // namespace
}  // namespace coalition::meetings
