#include "tools/demo/demo_meetings.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/types/span.h"
#include "tools/demo/demo_catalog.h"
#include "tools/demo/demo_random.h"

namespace coalition::demo {
namespace {

using meetings_v1::Attendance;
using meetings_v1::Commitment;
using meetings_v1::Meeting;
using meetings_v1::OneToOne;

// Mixed into the seed so that the meetings draw their own numbers: the network's draws, which
// a re-run must repeat exactly, stay as they were before the meetings existed.
constexpr uint32_t kMeetingsSalt = 0x6d656574;  // "meet"

// Every scheduled meeting starts at this local hour.
constexpr int kMeetingHour = 10;

coalition::common::v1::Date DateOf(absl::CivilDay day) {
  coalition::common::v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

google::protobuf::Timestamp TimestampOf(absl::Time time) {
  google::protobuf::Timestamp ts;
  ts.set_seconds(absl::ToUnixSeconds(time));
  return ts;
}

// Coalitions meet on weekdays: a weekend day moves to the Friday before or the Monday after.
absl::CivilDay Weekday(absl::CivilDay day) {
  switch (absl::GetWeekday(day)) {
    case absl::Weekday::saturday:
      return day - 1;
    case absl::Weekday::sunday:
      return day + 1;
    default:
      return day;
  }
}

google::protobuf::Duration Minutes(int minutes) {
  google::protobuf::Duration duration;
  duration.set_seconds(minutes * 60);
  return duration;
}

// Who in a coalition can be named: directory people only (the loader knows no resource names
// for roster-only people), and only active members where the service checks membership.
struct CoalitionPeople {
  int convener = kNone;
  std::vector<int> leaders;    // the leadership team
  int backbone = kNone;        // the first backbone staff
  std::vector<int> members;    // StayingMembers, shuffled
  std::vector<int> on_roster;  // every directory person on the roster, leavers too
  std::vector<int> active;     // everyone above who is still a member

  int Leader(size_t i) const { return leaders[i % leaders.size()]; }
  int Member(size_t i) const { return members[i % members.size()]; }
};

CoalitionPeople PeopleOf(DemoRandom& random, const DemoCoalition& coalition,
                         const std::vector<DemoPerson>& people) {
  CoalitionPeople p;
  p.convener = PeopleWithRole(coalition.roster, v1::CONVENER).front();
  p.leaders = PeopleWithRole(coalition.roster, v1::LEADERSHIP_TEAM);
  p.backbone = PeopleWithRole(coalition.roster, v1::BACKBONE_STAFF).front();
  p.members = StayingMembers(coalition, people);
  random.Shuffle(p.members);
  for (const RosterSeat& seat : coalition.roster) {
    if (people[seat.person].roster_only) continue;
    p.on_roster.push_back(seat.person);
    const bool left =
        std::count(coalition.leavers.begin(), coalition.leavers.end(), seat.person) > 0 &&
        seat.person != coalition.rejoiner;
    if (!left) p.active.push_back(seat.person);
  }
  return p;
}

// What makes one coalition's demo: its people, places and theme, and the day it is built for.
class CoalitionStory {
 public:
  CoalitionStory(DemoRandom& random, const DemoNetwork& network, int coalition,
                 absl::CivilDay today, absl::TimeZone time_zone)
      : random_(random),
        coalition_(network.coalitions[coalition]),
        people_(PeopleOf(random, coalition_, network.people)),
        campaign_(CampaignByTheme(coalition_.theme.c_str())),
        today_(today),
        time_zone_(time_zone) {
    out_.coalition = coalition;
    for (const StateCatalog& state : States()) {
      if (coalition_.coalition.state() == state.code) town_ = state.towns[coalition % 6];
    }
  }

  DemoCoalitionMeetings Active();
  DemoCoalitionMeetings Forming();
  DemoCoalitionMeetings Dormant();

 private:
  std::string Fill(absl::string_view pattern, absl::string_view team = "") const {
    return absl::StrReplaceAll(
        pattern,
        {{"{region}", coalition_.coalition.region()}, {"{town}", town_}, {"{team}", team}});
  }

  // A meeting `days` from today (negative: in the past), `minutes` long; returns its index.
  int AddMeeting(Meeting::Kind kind, std::string display_name, int days, int minutes,
                 bool online_too);
  // Only until the next AddMeeting, which may move the meetings.
  DemoMeeting& MeetingAt(int index) { return out_.meetings[index]; }
  void AddAgendaItem(DemoMeeting& meeting, std::string title, int owner, int minutes,
                     std::string notes = "");
  // Marks the meeting held: how each invited person took part, the convener always there.
  void Hold(DemoMeeting& meeting, int attend_percent, std::string minutes);
  int AddCommitment(int meeting, std::string what, int person, int due_in_days,
                    Commitment::Status status = Commitment::OPEN, std::string note = "",
                    int team = kNone);
  void AddOneToOne(const OneToOneTemplate& t, int organizer, int counterpart_person,
                   int counterpart_actor, int days, OneToOne::Purpose::Kind purpose,
                   v1::TieStrength tie, OneToOne::Stage last_stage);
  // An actor of `category` that is not a person (so it is not also a member), else any.
  int ActorOf(v1::ActorCategory category, int other_than) const;
  int AttendedCount(const DemoMeeting& meeting) const;

  DemoRandom& random_;
  const DemoCoalition& coalition_;
  const CoalitionPeople people_;
  const CampaignTemplate& campaign_;
  const absl::CivilDay today_;
  const absl::TimeZone time_zone_;
  std::string town_ = "the county";
  DemoCoalitionMeetings out_;
};

int CoalitionStory::AddMeeting(Meeting::Kind kind, std::string display_name, int days, int minutes,
                               bool online_too) {
  DemoMeeting demo;
  Meeting& meeting = demo.meeting;
  meeting.set_kind(kind);
  meeting.set_display_name(std::move(display_name));
  const absl::CivilDay day = Weekday(today_ + days);
  const absl::Time start = absl::FromCivil(
      absl::CivilHour(day.year(), day.month(), day.day(), kMeetingHour), time_zone_);
  *meeting.mutable_start_time() = TimestampOf(start);
  *meeting.mutable_end_time() = TimestampOf(start + absl::Minutes(minutes));
  meeting.set_place(Fill(random_.Pick(MeetingPlaces())));
  if (online_too) {
    meeting.set_link(
        absl::StrCat("https://meet.example.org/", Slug(coalition_.coalition.display_name())));
  }
  for (const char* norm : MeetingNorms()) meeting.add_norms(norm);
  out_.meetings.push_back(std::move(demo));
  return static_cast<int>(out_.meetings.size()) - 1;
}

void CoalitionStory::AddAgendaItem(DemoMeeting& meeting, std::string title, int owner, int minutes,
                                   std::string notes) {
  meetings_v1::AgendaItem& item = *meeting.meeting.add_agenda();
  item.set_title(std::move(title));
  *item.mutable_timebox() = Minutes(minutes);
  item.set_notes(std::move(notes));
  meeting.agenda_owners.push_back(owner);
}

void CoalitionStory::Hold(DemoMeeting& meeting, int attend_percent, std::string minutes) {
  meeting.held = true;
  meeting.minutes = std::move(minutes);
  for (int person : meeting.invited) {
    Attendance::Status status = Attendance::ATTENDED;
    if (person != people_.convener && !random_.Percent(attend_percent)) {
      status = random_.Percent(55) ? Attendance::ABSENT : Attendance::EXCUSED;
    }
    meeting.attendance.push_back({person, status});
  }
}

int CoalitionStory::AttendedCount(const DemoMeeting& meeting) const {
  return static_cast<int>(
      std::count_if(meeting.attendance.begin(), meeting.attendance.end(),
                    [](const DemoAttendance& a) { return a.status == Attendance::ATTENDED; }));
}

int CoalitionStory::AddCommitment(int meeting, std::string what, int person, int due_in_days,
                                  Commitment::Status status, std::string note, int team) {
  DemoCommitment demo;
  demo.commitment.set_what(std::move(what));
  *demo.commitment.mutable_due_date() = DateOf(today_ + due_in_days);
  demo.commitment.mutable_source()->set_kind(meetings_v1::CommitmentSource::MEETING);
  demo.person = person;
  demo.team = team;
  demo.meeting = meeting;
  demo.status = status;
  demo.note = std::move(note);
  out_.commitments.push_back(std::move(demo));
  return static_cast<int>(out_.commitments.size()) - 1;
}

void CoalitionStory::AddOneToOne(const OneToOneTemplate& t, int organizer, int counterpart_person,
                                 int counterpart_actor, int days, OneToOne::Purpose::Kind purpose,
                                 v1::TieStrength tie, OneToOne::Stage last_stage) {
  DemoOneToOne demo;
  demo.organizer = organizer;
  demo.counterpart_person = counterpart_person;
  demo.counterpart_actor = counterpart_actor;
  demo.last_stage = last_stage;
  OneToOne& o = demo.one_to_one;
  const absl::CivilDay day = Weekday(today_ + days);
  *o.mutable_meeting_time() = TimestampOf(
      absl::FromCivil(absl::CivilHour(day.year(), day.month(), day.day(), 14), time_zone_));
  o.mutable_selection()->set_why_this_person(t.why_this_person);
  o.mutable_selection()->set_how_connected(t.how_connected);
  o.mutable_selection()->set_tie_strength(tie);
  o.mutable_purpose()->set_kind(purpose);
  o.mutable_purpose()->set_note(t.purpose_note);
  auto& exploration = *o.mutable_exploration();
  for (const char* value : t.values) exploration.add_values(value);
  exploration.add_interests(t.interest);
  const v1::ActorCategory category = counterpart_actor != kNone
                                         ? coalition_.actors[counterpart_actor].actor.category()
                                         : v1::CONSTITUENT;
  exploration.add_interests(random_.Pick(InterestsOf(category)));
  for (v1::ActorResource resource : random_.Sample(ResourcesOf(category), random_.Between(1, 2))) {
    exploration.add_resources(resource);
  }
  exploration.set_notes(t.notes);
  o.mutable_exchange()->set_offered(t.offered);
  o.mutable_exchange()->set_received(t.received);
  if (*t.commitment != '\0') {
    meetings_v1::OutcomeCommitment commitment;
    commitment.set_what(t.commitment);
    *commitment.mutable_due_date() = DateOf(today_ + 3);
    demo.outcome.push_back(std::move(commitment));
  } else {
    o.mutable_outcome()->set_no_commitment_reason(t.no_commitment_reason);
  }
  out_.one_to_ones.push_back(std::move(demo));
}

int CoalitionStory::ActorOf(v1::ActorCategory category, int other_than) const {
  int fallback = kNone;
  for (size_t i = 0; i < coalition_.actors.size(); ++i) {
    const DemoActor& actor = coalition_.actors[i];
    if (static_cast<int>(i) == other_than) continue;
    if (fallback == kNone) fallback = static_cast<int>(i);
    if (actor.actor.category() == category && actor.person == kNone) return static_cast<int>(i);
  }
  return fallback;
}

DemoCoalitionMeetings CoalitionStory::Active() {
  const std::string& name = coalition_.coalition.display_name();
  const DemoTeam& first_team = coalition_.teams[1];
  const DemoTeam& second_team = coalition_.teams[2];
  const int first_team_lead = first_team.leads.front();
  const int first_team_member =
      first_team.members.empty() ? first_team_lead : first_team.members.front();

  // Held, oldest first.
  const int kick_off =
      AddMeeting(Meeting::KICK_OFF, absl::StrCat("Kick-off: ", name), -119, 120, false);
  {
    DemoMeeting& m = MeetingAt(kick_off);
    m.invited = people_.on_roster;
    AddAgendaItem(m, "Welcome: why we are here", people_.convener, 15);
    AddAgendaItem(m, "Our organizing sentence", people_.convener, 30,
                  coalition_.coalition.organizing_sentence().what());
    AddAgendaItem(m, "Power mapping: who else must be at the table", people_.Leader(0), 45);
    AddAgendaItem(m, "Commitments: who will do what by when", people_.convener, 20);
    Hold(m, 85, "");
    m.minutes = absl::StrFormat(
        "%d people came. We read the organizing sentence together, mapped the actors of %s, "
        "agreed the campaign's mountain top and made our first commitments.",
        AttendedCount(m), coalition_.coalition.region());
  }
  const int coalition_meeting = AddMeeting(Meeting::COALITION, "Coalition meeting", -60, 90, true);
  {
    DemoMeeting& m = MeetingAt(coalition_meeting);
    m.invited = people_.on_roster;
    AddAgendaItem(m, "Campaign progress", people_.Leader(0), 30);
    AddAgendaItem(m, absl::StrCat("Data review: ", coalition_.aims[0].metric()), people_.backbone,
                  20);
    AddAgendaItem(m, "Commitments", people_.convener, 15);
    Hold(m, 75, Fill(campaign_.minutes));
  }
  const int team_meeting =
      AddMeeting(Meeting::TEAM, absl::StrCat(first_team.display_name, " meeting"), -30, 60, true);
  {
    DemoMeeting& m = MeetingAt(team_meeting);
    m.team = 1;
    m.invited = first_team.leads;
    m.invited.insert(m.invited.end(), first_team.members.begin(), first_team.members.end());
    AddAgendaItem(m, "The team's plan for the quarter", first_team_lead, 40);
    Hold(m, 80, "Went through the team's purpose and split the first tasks.");
  }
  const int quiet_meeting =
      AddMeeting(Meeting::TEAM, absl::StrCat(second_team.display_name, " meeting"), -16, 60, false);
  {
    DemoMeeting& m = MeetingAt(quiet_meeting);
    m.team = 2;
    m.invited = second_team.leads;
    m.invited.insert(m.invited.end(), second_team.members.begin(), second_team.members.end());
    AddAgendaItem(m, "Data review", second_team.leads.front(), 45);
    Hold(m, 70, "Reviewed this quarter's numbers; no decisions yet.");
    m.no_commitment_reason =
        "The hour went to the data review; the team commits at its next meeting";
  }

  // Commitments, by the meeting they were made in. Done ones are marked done on the day the
  // loader runs (the service records check-ins as of now), so past ones count as done late.
  const auto organizing = OrganizingCommitments();
  const int c0 = AddCommitment(kick_off, organizing[0].what, people_.Leader(0), -105,
                               Commitment::DONE, "Met three partners; two want to join a team");
  const int c1 = AddCommitment(kick_off, organizing[1].what, people_.backbone, -100,
                               Commitment::DONE, "Sent; refreshed monthly from now on");
  const int c2 = AddCommitment(kick_off, organizing[2].what, people_.Member(0), -75);
  const int c3 = AddCommitment(kick_off, organizing[3].what, people_.Member(1), -90,
                               Commitment::MISSED, organizing[3].missed_note);
  const int c4 = AddCommitment(coalition_meeting, Fill(campaign_.work[0]), people_.Leader(1), -40,
                               Commitment::DONE, "Done");
  const int c5 = AddCommitment(coalition_meeting, Fill(campaign_.work[1]), people_.Member(2), -20);
  const int c6 = AddCommitment(coalition_meeting, Fill(campaign_.work[2]), people_.Leader(0), -5);
  const int c7 = AddCommitment(coalition_meeting, Fill(campaign_.work[3]), people_.Member(3), 4);
  const int c8 = AddCommitment(coalition_meeting, Fill(campaign_.work[4]), people_.convener, 25);
  const int c9 = AddCommitment(coalition_meeting, Fill(campaign_.work[5]), people_.backbone, 40,
                               Commitment::DONE, "Done early");
  const auto team_work = TeamCommitments();
  // "the discharge follow-up team": the team's name inside a sentence.
  std::string team_name = first_team.display_name;
  team_name[0] = absl::ascii_tolower(team_name[0]);
  const int c10 = AddCommitment(team_meeting, Fill(team_work[0], team_name), first_team_lead, -10,
                                Commitment::DONE, "Plan shared", 1);
  const int c11 = AddCommitment(team_meeting, Fill(team_work[1], team_name), first_team_member, 6,
                                Commitment::OPEN, "", 1);
  const int c12 = AddCommitment(team_meeting, Fill(team_work[2], team_name), first_team_lead, 20,
                                Commitment::OPEN, "", 1);

  // One-to-ones at different stages; the first, with an actor of the map, reaches the map.
  const auto templates = OneToOneTemplates();
  const int supporter = ActorOf(v1::SUPPORTER, kNone);
  AddOneToOne(templates[0], people_.convener, kNone, supporter, -45, OneToOne::Purpose::BUILD,
              v1::WEAK, OneToOne::COMMITMENT);
  AddOneToOne(templates[1], people_.Leader(1), people_.Member(4), kNone, -25,
              OneToOne::Purpose::DEEPEN, v1::STRONG, OneToOne::COMMITMENT);
  AddOneToOne(templates[2], people_.Leader(2), people_.Member(5), kNone, -3,
              OneToOne::Purpose::RENEW, v1::STRONG, OneToOne::EXPLORATION);
  AddOneToOne(templates[3], people_.Member(6), kNone, ActorOf(v1::COMPETITION, supporter), 5,
              OneToOne::Purpose::BUILD, v1::WEAK, OneToOne::SELECTION);

  // To come: the next coalition meeting, whose check-in lists the commitments above, and the
  // celebration at the mountain top.
  const int next = AddMeeting(Meeting::COALITION, "Coalition meeting", 9, 90, true);
  {
    DemoMeeting& m = MeetingAt(next);
    m.invited = people_.active;
    AddAgendaItem(m, "Campaign: the next peak goal", people_.convener, 30);
    AddAgendaItem(m, "Stories from our one-to-ones", people_.Leader(1), 20);
    AddAgendaItem(m, "Commitments", people_.convener, 15);
  }
  const std::string campaign_name = Fill(campaign_.display_name);
  const int celebration =
      AddMeeting(Meeting::CELEBRATION, absl::StrCat("Mountain-top celebration: ", campaign_name),
                 120, 120, false);
  {
    DemoMeeting& m = MeetingAt(celebration);
    m.invited = people_.active;
    AddAgendaItem(m, "What we accomplished together", people_.convener, 60);
  }
  const absl::CivilDay celebration_day = Weekday(today_ + 120);

  DemoCampaign campaign;
  meetings_v1::Campaign& c = campaign.campaign;
  const v1::MeasurableAim& aim = coalition_.aims[0];
  c.set_display_name(campaign_name);
  c.set_mountain_top_goal(absl::StrFormat("%s: from %g to %g (%s), celebrated on %s", aim.metric(),
                                          aim.baseline(), aim.target(), aim.unit(),
                                          absl::FormatCivilTime(celebration_day)));
  c.set_strong_foundation(campaign_.strong_foundation);
  *c.mutable_celebration_date() = DateOf(celebration_day);
  static constexpr int kTargetDays[] = {-30, 30, 100};
  for (int g = 0; g < 3; ++g) {
    meetings_v1::PeakGoal& goal = *c.add_peak_goals();
    goal.set_id(absl::StrCat("peak-", g + 1));
    goal.set_title(campaign_.peak_goals[g].title);
    *goal.mutable_target_date() = DateOf(today_ + kTargetDays[g]);
    for (int t = 0; t < 2; ++t) {
      meetings_v1::Tactic& tactic = *goal.add_tactics();
      tactic.set_id(absl::StrCat("peak-", g + 1, "-tactic-", t + 1));
      tactic.set_title(campaign_.peak_goals[g].tactics[t]);
    }
  }
  campaign.aim = 0;
  campaign.kick_off_meeting = kick_off;
  campaign.celebration_meeting = celebration;
  campaign.links = {{0, 0, c0}, {0, 0, c1},  {0, 1, c3},  {0, 1, c4}, {1, 0, c5},
                    {1, 0, c7}, {1, 1, c10}, {1, 1, c11}, {2, 0, c6}, {2, 0, c8},
                    {2, 1, c2}, {2, 1, c9},  {2, 1, c12}};
  out_.campaigns.push_back(std::move(campaign));

  DemoAccomplishment gathered;
  gathered.accomplishment.set_title(absl::StrFormat("Kick-off brought %d people to the table",
                                                    AttendedCount(MeetingAt(kick_off))));
  gathered.accomplishment.set_description(MeetingAt(kick_off).minutes);
  *gathered.accomplishment.mutable_date() = DateOf(Weekday(today_ - 119));
  gathered.meeting = kick_off;
  out_.accomplishments.push_back(std::move(gathered));
  DemoAccomplishment milestone;
  milestone.accomplishment.set_title(campaign_.milestone);
  milestone.accomplishment.set_description(
      absl::StrCat("First peak goal reached: ", campaign_.peak_goals[0].title));
  *milestone.accomplishment.mutable_date() = DateOf(today_ - 28);
  milestone.of_campaign = true;
  out_.accomplishments.push_back(std::move(milestone));
  return std::move(out_);
}

DemoCoalitionMeetings CoalitionStory::Forming() {
  DemoMeeting& kick_off = MeetingAt(
      AddMeeting(Meeting::KICK_OFF, absl::StrCat("Kick-off: ", coalition_.coalition.display_name()),
                 14, 120, false));
  kick_off.invited = people_.active;
  AddAgendaItem(kick_off, "Welcome: why we are here", people_.convener, 15);
  AddAgendaItem(kick_off, "Our organizing sentence", people_.convener, 30,
                coalition_.coalition.organizing_sentence().what());
  AddAgendaItem(kick_off, "Power mapping: who else must be at the table", people_.Leader(0), 45);
  // Organizing starts with one-to-ones: the convener has begun them.
  AddOneToOne(OneToOneTemplates()[0], people_.convener, people_.Leader(0), kNone, -4,
              OneToOne::Purpose::BUILD, v1::WEAK, OneToOne::PURPOSE);
  return std::move(out_);
}

DemoCoalitionMeetings CoalitionStory::Dormant() {
  DemoMeeting& last =
      MeetingAt(AddMeeting(Meeting::COALITION, "Coalition meeting", -200, 90, false));
  last.invited = people_.on_roster;
  AddAgendaItem(last, "Should we keep meeting?", people_.convener, 45);
  Hold(last, 40, "Few members came. The convener is stepping down; nobody has taken it on yet.");
  last.no_commitment_reason =
      "The coalition pauses until a new convener is found; the leadership team meets in the "
      "spring";
  return std::move(out_);
}

}  // namespace

DemoMeetings BuildDemoMeetings(const DemoNetwork& network, uint32_t seed, absl::CivilDay today,
                               absl::TimeZone time_zone) {
  DemoRandom random(seed ^ kMeetingsSalt);
  DemoMeetings demo;
  for (size_t c = 0; c < network.coalitions.size(); ++c) {
    CoalitionStory story(random, network, static_cast<int>(c), today, time_zone);
    switch (network.coalitions[c].coalition.status()) {
      case v1::ACTIVE:
        demo.coalitions.push_back(story.Active());
        break;
      case v1::FORMING:
        demo.coalitions.push_back(story.Forming());
        break;
      case v1::DORMANT:
        demo.coalitions.push_back(story.Dormant());
        break;
      default:
        break;
    }
  }
  return demo;
}

MeetingSteps StepsToHold(Meeting::State state) {
  switch (state) {
    case Meeting::SCHEDULED:
      return {true, true, true};
    case Meeting::IN_PROGRESS:
      return {false, true, true};
    default:
      return {};
  }
}

std::vector<OneToOne::Stage> StagesToRecord(const OneToOne& current, OneToOne::Stage target) {
  std::vector<OneToOne::Stage> stages;
  if (current.state() == OneToOne::COMPLETED) return stages;
  for (int s = current.last_stage() + 1; s <= target; ++s) {
    stages.push_back(static_cast<OneToOne::Stage>(s));
  }
  return stages;
}

meetings_v1::RecordOneToOneStageRequest StageRequest(const DemoOneToOne& demo,
                                                     OneToOne::Stage stage,
                                                     const std::string& organizer) {
  meetings_v1::RecordOneToOneStageRequest request;
  const OneToOne& o = demo.one_to_one;
  switch (stage) {
    case OneToOne::SELECTION:
      *request.mutable_selection() = o.selection();
      break;
    case OneToOne::PURPOSE:
      *request.mutable_purpose() = o.purpose();
      break;
    case OneToOne::EXPLORATION:
      *request.mutable_exploration() = o.exploration();
      break;
    case OneToOne::EXCHANGE:
      *request.mutable_exchange() = o.exchange();
      break;
    case OneToOne::COMMITMENT:
      for (const meetings_v1::OutcomeCommitment& made : demo.outcome) {
        meetings_v1::OutcomeCommitment& commitment = *request.mutable_outcome()->add_commitments();
        commitment = made;
        if (commitment.person().empty()) commitment.set_person(organizer);
      }
      if (demo.outcome.empty()) {
        request.mutable_outcome()->set_no_commitment_reason(o.outcome().no_commitment_reason());
      }
      break;
    default:
      break;
  }
  return request;
}

bool NeedsSettling(Commitment::Status current, Commitment::Status wanted) {
  return wanted != Commitment::OPEN && current == Commitment::OPEN;
}

}  // namespace coalition::demo
