#ifndef COALITION_TOOLS_DEMO_DEMO_MEETINGS_H_
#define COALITION_TOOLS_DEMO_DEMO_MEETINGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "coalition/meetings/v1/meetings_service.pb.h"
#include "coalition/meetings/v1/resources.pb.h"
#include "tools/demo/demo_network.h"

// What the demo network's coalitions have done in the meetings service, as data: meetings held
// and to come, commitments (done, missed, open, overdue), one-to-ones at different stages, a
// campaign. Dates are relative to the day the loader runs, so a fresh demo always has
// commitments due soon and overdue. References are indexes, as in DemoNetwork.
namespace coalition::demo {

namespace meetings_v1 = ::coalition::meetings::v1;

struct DemoAttendance {
  int person;
  meetings_v1::Attendance::Status status;
};

struct DemoMeeting {
  // kind, display_name, start and end time, place, link, norms and agenda (without owners).
  meetings_v1::Meeting meeting;
  int team = kNone;                // index in DemoCoalition::teams, for a team meeting
  std::vector<int> agenda_owners;  // per agenda item: a person, or kNone
  std::vector<int> invited;        // people, invited when it is scheduled
  // A meeting in the past was held: started, its attendance recorded, closed with minutes.
  bool held = false;
  std::vector<DemoAttendance> attendance;  // what happened, for a held meeting
  std::string minutes;
  std::string no_commitment_reason;  // a held meeting where nobody committed to anything
};

struct DemoCommitment {
  meetings_v1::Commitment commitment;  // what, due_date and source kind (MEETING)
  int person;
  int team = kNone;  // index in DemoCoalition::teams
  int meeting;       // where it was made: index in DemoCoalitionMeetings::meetings
  // How the loader leaves it: OPEN (overdue once the due date has passed), DONE or MISSED.
  meetings_v1::Commitment::Status status = meetings_v1::Commitment::OPEN;
  std::string note;  // the check-in note that settles it
};

struct DemoOneToOne {
  // meeting_time and what each stage up to `last_stage` records; for the commitment stage
  // either outcome.no_commitment_reason or the `outcome` commitments below.
  meetings_v1::OneToOne one_to_one;
  int organizer;
  int counterpart_person = kNone;
  int counterpart_actor = kNone;  // index in DemoCoalition::actors
  meetings_v1::OneToOne::Stage last_stage = meetings_v1::OneToOne::SELECTION;
  std::vector<meetings_v1::OutcomeCommitment> outcome;  // person empty: the organizer's own
};

// One commitment under one tactic of the campaign.
struct TacticLink {
  int peak_goal;
  int tactic;
  int commitment;  // index in DemoCoalitionMeetings::commitments
};

struct DemoCampaign {
  // display_name, mountain_top_goal, strong_foundation, celebration_date, and the peak goals
  // with their tactics; the loader adds the aim, the meetings and the tactics' commitments.
  meetings_v1::Campaign campaign;
  int aim = 0;  // index in DemoCoalition::aims
  int kick_off_meeting = kNone;
  int celebration_meeting = kNone;
  std::vector<TacticLink> links;
};

struct DemoAccomplishment {
  meetings_v1::Accomplishment accomplishment;  // title, description, date
  int meeting = kNone;                         // what it came from: a meeting,
  bool of_campaign = false;                    // or the coalition's campaign
};

struct DemoCoalitionMeetings {
  int coalition;  // index in DemoNetwork::coalitions
  // Held meetings first, by start time, then the ones to come. The loader goes in this order,
  // so a scheduled meeting's check-in lists the commitments made (and settled) before it.
  std::vector<DemoMeeting> meetings;
  std::vector<DemoCommitment> commitments;
  std::vector<DemoOneToOne> one_to_ones;
  std::vector<DemoCampaign> campaigns;  // none or one
  std::vector<DemoAccomplishment> accomplishments;
};

struct DemoMeetings {
  std::vector<DemoCoalitionMeetings> coalitions;
};

// The meetings-service side of BuildDemoNetwork(seed). Active coalitions get four months of
// organizing: a kick-off, a coalition meeting and two team meetings held, the next coalition
// meeting and the mountain-top celebration scheduled, 13 commitments (4 done, 1 missed, 3
// overdue, the rest open), four one-to-ones (two completed, one at exploration, one at
// selection), a campaign toward their first aim and two accomplishments. Forming coalitions
// get a kick-off to come and a first one-to-one; dormant ones the meeting where they paused.
// `today` is the loader's day in `time_zone` (the meetings service's zone).
DemoMeetings BuildDemoMeetings(const DemoNetwork& network, uint32_t seed, absl::CivilDay today,
                               absl::TimeZone time_zone);

// What the loader still has to do, judged from what the service returns; pure, so that a
// re-run's choices are unit-tested.

// The steps left to hold a meeting that the service shows in `state`: nothing once it is
// closed (a closed meeting is never closed again) or cancelled.
struct MeetingSteps {
  bool start = false;
  bool record_attendance = false;
  bool close = false;
};
MeetingSteps StepsToHold(meetings_v1::Meeting::State state);

// The stages after the last one `current` records, up to `target`; none once it is completed.
std::vector<meetings_v1::OneToOne::Stage> StagesToRecord(const meetings_v1::OneToOne& current,
                                                         meetings_v1::OneToOne::Stage target);

// The request for one stage of a demo one-to-one; `organizer` is the resource name the
// organizer's own outcome commitments are made by.
meetings_v1::RecordOneToOneStageRequest StageRequest(const DemoOneToOne& demo,
                                                     meetings_v1::OneToOne::Stage stage,
                                                     const std::string& organizer);

// Whether a commitment the service shows as `current` needs a check-in to become `wanted`:
// only a still-open one is settled, so a re-run leaves later changes alone.
bool NeedsSettling(meetings_v1::Commitment::Status current, meetings_v1::Commitment::Status wanted);

}  // namespace coalition::demo

#endif  // COALITION_TOOLS_DEMO_DEMO_MEETINGS_H_
