#include "services/meetings/domain/validation.h"

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

using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);

std::vector<std::string> BadFields(const absl::Status& status) {
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(status)) fields.push_back(v.field);
  return fields;
}

v1::Meeting ValidMeeting() {
  v1::Meeting m;
  m.set_kind(v1::Meeting::COALITION);
  m.set_display_name("March coalition meeting");
  *m.mutable_start_time() = ToProtoTimestamp(kT0);
  *m.mutable_end_time() = ToProtoTimestamp(kT0 + absl::Hours(2));
  m.set_link("https://meet.example.org/abc");
  m.add_norms("start on time");
  auto* item = m.add_agenda();
  item->set_title("Data review");
  item->set_owner("networks/n1/people/p1");
  item->mutable_timebox()->set_seconds(1200);
  m.add_attendance()->set_person("networks/n1/people/p1");
  return m;
}

TEST(ValidateMeetingTest, AcceptsAValidMeeting) {
  EXPECT_TRUE(ValidateMeeting(ValidMeeting(), "n1", "c1", "meeting").ok());
}

TEST(ValidateMeetingTest, NamesEveryBadField) {
  v1::Meeting m = ValidMeeting();
  m.set_kind(v1::Meeting::TEAM);
  m.clear_display_name();
  *m.mutable_end_time() = ToProtoTimestamp(kT0 - absl::Hours(1));
  m.set_link("ftp://x");
  m.add_agenda()->set_title("Second");
  auto* bad = m.add_agenda();
  bad->set_title("Third");
  bad->mutable_timebox()->set_seconds(0);
  bad->set_owner("networks/n2/people/p9");
  m.add_attendance()->set_person("networks/n1/people/p1");
  EXPECT_THAT(
      BadFields(ValidateMeeting(m, "n1", "c1", "meeting")),
      UnorderedElementsAreArray({"meeting.display_name", "meeting.team", "meeting.end_time",
                                 "meeting.link", "meeting.agenda[2].timebox",
                                 "meeting.agenda[2].owner", "meeting.attendance[1].person"}));
}

TEST(ValidateMeetingTest, NeedsAPlaceOrALink) {
  v1::Meeting m = ValidMeeting();
  m.clear_link();
  EXPECT_THAT(BadFields(ValidateMeeting(m, "n1", "c1", "meeting")),
              UnorderedElementsAreArray({"meeting.place"}));
  m.set_place("County health department, room 2");
  EXPECT_TRUE(ValidateMeeting(m, "n1", "c1", "meeting").ok());
}

TEST(ValidateMeetingTest, TeamMustBeInTheSameCoalition) {
  v1::Meeting m = ValidMeeting();
  m.set_kind(v1::Meeting::TEAM);
  m.set_team("networks/n1/coalitions/other/teams/t1");
  EXPECT_THAT(BadFields(ValidateMeeting(m, "n1", "c1", "meeting")),
              UnorderedElementsAreArray({"meeting.team"}));
}

TEST(ValidateAttendanceTest, NamesEachBadEntry) {
  v1::RecordAttendanceRequest r;
  auto* ok = r.add_attendance();
  ok->set_person("networks/n1/people/a");
  ok->set_status(v1::Attendance::ATTENDED);
  auto* bad = r.add_attendance();
  bad->set_person("people/b");
  EXPECT_THAT(BadFields(ValidateAttendance(r, "n1")),
              UnorderedElementsAreArray({"attendance[1].person", "attendance[1].status"}));
  EXPECT_THAT(BadFields(ValidateAttendance(v1::RecordAttendanceRequest(), "n1")),
              UnorderedElementsAreArray({"attendance"}));
}

TEST(ValidateOneToOneTest, NeedsOrganizerAndExactlyOneCounterpart) {
  v1::OneToOne o;
  o.set_counterpart_person("networks/n1/people/a");
  o.set_counterpart_actor("networks/n1/coalitions/c1/actors/a");
  EXPECT_THAT(BadFields(ValidateNewOneToOne(o, "n1", "c1", "one_to_one")),
              UnorderedElementsAreArray({"one_to_one.organizer", "one_to_one.counterpart_person"}));
  o.set_organizer("networks/n1/people/o");
  o.clear_counterpart_person();
  EXPECT_TRUE(ValidateNewOneToOne(o, "n1", "c1", "one_to_one").ok());
}

TEST(ValidateStageRequestTest, SelectionNeedsWhyHowAndTie) {
  v1::RecordOneToOneStageRequest r;
  r.mutable_selection();
  EXPECT_THAT(BadFields(ValidateStageRequest(r, "n1")),
              UnorderedElementsAreArray({"selection.why_this_person", "selection.how_connected",
                                         "selection.tie_strength"}));
}

TEST(ValidateStageRequestTest, OutcomeCommitmentsAreNamedByIndex) {
  v1::RecordOneToOneStageRequest r;
  auto* good = r.mutable_outcome()->add_commitments();
  good->set_person("networks/n1/people/a");
  good->set_what("share the readmission data");
  *good->mutable_due_date() = ToDate(absl::CivilDay(2026, 2, 1));
  auto* bad = r.mutable_outcome()->add_commitments();
  bad->mutable_due_date()->set_year(2026);
  bad->mutable_due_date()->set_month(2);
  bad->mutable_due_date()->set_day(30);
  EXPECT_THAT(
      BadFields(ValidateStageRequest(r, "n1")),
      UnorderedElementsAreArray({"outcome.commitments[1].person", "outcome.commitments[1].what",
                                 "outcome.commitments[1].due_date"}));
}

TEST(ValidateStageRequestTest, ExplorationMustRecordSomethingHeard) {
  v1::RecordOneToOneStageRequest r;
  r.mutable_exploration()->add_resources(coalition::membership::v1::FUNDING);
  r.mutable_exploration()->add_resources(coalition::membership::v1::FUNDING);
  EXPECT_THAT(BadFields(ValidateStageRequest(r, "n1")),
              UnorderedElementsAreArray({"exploration.resources[1]"}));
  r.mutable_exploration()->clear_resources();
  EXPECT_THAT(BadFields(ValidateStageRequest(r, "n1")), UnorderedElementsAreArray({"exploration"}));
}

v1::Commitment ValidCommitment() {
  v1::Commitment c;
  c.set_person("networks/n1/people/a");
  c.set_what("recruit two pharmacists");
  *c.mutable_due_date() = ToDate(absl::CivilDay(2026, 3, 1));
  c.mutable_source()->set_kind(v1::CommitmentSource::MEETING);
  c.mutable_source()->set_resource("networks/n1/coalitions/c1/meetings/m1");
  return c;
}

TEST(ValidateCommitmentTest, AcceptsAValidCommitment) {
  EXPECT_TRUE(ValidateCommitment(ValidCommitment(), "n1", "c1", "commitment").ok());
}

TEST(ValidateCommitmentTest, NamesEveryBadField) {
  v1::Commitment c;
  c.set_team("teams/x");
  EXPECT_THAT(
      BadFields(ValidateCommitment(c, "n1", "c1", "commitment")),
      UnorderedElementsAreArray({"commitment.person", "commitment.what", "commitment.due_date",
                                 "commitment.team", "commitment.source.kind"}));
}

TEST(ValidateCommitmentTest, SourceResourceMustMatchItsKind) {
  v1::Commitment c = ValidCommitment();
  c.mutable_source()->set_kind(v1::CommitmentSource::ONE_TO_ONE);
  EXPECT_THAT(BadFields(ValidateCommitment(c, "n1", "c1", "commitment")),
              UnorderedElementsAreArray({"commitment.source.resource"}));
  c.mutable_source()->set_kind(v1::CommitmentSource::MANUAL);
  EXPECT_THAT(BadFields(ValidateCommitment(c, "n1", "c1", "commitment")),
              UnorderedElementsAreArray({"commitment.source.resource"}));
  c.mutable_source()->clear_resource();
  EXPECT_TRUE(ValidateCommitment(c, "n1", "c1", "commitment").ok());
}

v1::Campaign ValidCampaign() {
  v1::Campaign campaign;
  campaign.set_display_name("Save limbs");
  campaign.set_mountain_top_goal("Cut amputations by a third");
  campaign.set_aim("networks/n1/coalitions/c1/aims/a1");
  for (int g = 0; g < 2; ++g) {
    auto* goal = campaign.add_peak_goals();
    goal->set_id(absl::StrCat("goal-", g));
    goal->set_title("Foot exams");
    *goal->mutable_target_date() = ToDate(absl::CivilDay(2026, 3 + g, 1));
    auto* tactic = goal->add_tactics();
    tactic->set_id(absl::StrCat("tactic-", g));
    tactic->set_title("Screening days");
    tactic->add_commitments()->set_commitment("networks/n1/coalitions/c1/commitments/k1");
  }
  return campaign;
}

TEST(ValidateCampaignTest, AcceptsAValidCampaign) {
  EXPECT_TRUE(ValidateCampaign(ValidCampaign(), "n1", "c1", "campaign").ok());
}

TEST(ValidateCampaignTest, NamesBadPeakGoalsAndTactics) {
  v1::Campaign campaign = ValidCampaign();
  campaign.set_aim("networks/n1/coalitions/c2/aims/a1");
  *campaign.mutable_peak_goals(1)->mutable_target_date() = ToDate(absl::CivilDay(2026, 1, 1));
  campaign.mutable_peak_goals(1)->set_weight(-1);
  campaign.mutable_peak_goals(1)->mutable_tactics(0)->set_id("goal-0");
  campaign.mutable_peak_goals(1)->mutable_tactics(0)->add_commitments()->set_commitment(
      "networks/n1/coalitions/c1/commitments/k1");
  EXPECT_THAT(BadFields(ValidateCampaign(campaign, "n1", "c1", "campaign")),
              UnorderedElementsAreArray({"campaign.aim", "campaign.peak_goals[1].target_date",
                                         "campaign.peak_goals[1].weight",
                                         "campaign.peak_goals[1].tactics[0].id",
                                         "campaign.peak_goals[1].tactics[0].commitments[1]."
                                         "commitment"}));
}

TEST(ValidateAccomplishmentTest, NeedsTitleDateAndASourceOfTheCoalition) {
  v1::Accomplishment a;
  a.set_source("networks/n1/coalitions/c2/campaigns/k");
  EXPECT_THAT(BadFields(ValidateAccomplishment(a, "n1", "c1", "accomplishment")),
              UnorderedElementsAreArray(
                  {"accomplishment.title", "accomplishment.date", "accomplishment.source"}));
}

TEST(ValidateReportWindowTest, EndMustNotPrecedeStartAndWindowIsLimited) {
  v1::ReportWindow w;
  *w.mutable_start_date() = ToDate(absl::CivilDay(2026, 2, 1));
  *w.mutable_end_date() = ToDate(absl::CivilDay(2026, 1, 1));
  EXPECT_THAT(BadFields(ValidateReportWindow(w, "window")),
              UnorderedElementsAreArray({"window.end_date"}));
  *w.mutable_end_date() = ToDate(absl::CivilDay(2030, 1, 1));
  EXPECT_THAT(BadFields(ValidateReportWindow(w, "window")),
              UnorderedElementsAreArray({"window.end_date"}));
  EXPECT_THAT(BadFields(ValidateReportWindow(v1::ReportWindow(), "window")),
              UnorderedElementsAreArray({"window.start_date", "window.end_date"}));
}

}  // namespace
}  // namespace coalition::meetings
