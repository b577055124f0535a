#include "tools/demo/demo_meetings_loader.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/core/status.h"

namespace coalition::demo {
namespace {

using meetings_v1::Commitment;
using meetings_v1::Meeting;
using meetings_v1::OneToOne;
using Stub = MeetingsClient::Stub;

constexpr int kListPageSize = 500;

absl::Status InStep(absl::string_view step, absl::Status status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(step, ": ", status.message()));
}

void Progress(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

// Counts every item of a paged list.
template <typename Request, typename Response>
absl::StatusOr<int> CountAll(MeetingsClient& client,
                             MeetingsClient::Method<Request, Response> method, Request request) {
  int count = 0;
  request.set_page_size(kListPageSize);
  do {
    ASSIGN_OR_RETURN(Response page, client.Call(method, request));
    count += page.commitments_size();
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return count;
}

bool HasInterest(const v1::Actor& actor, const std::string& interest) {
  return std::any_of(actor.interests().begin(), actor.interests().end(),
                     [&](const std::string& have) {
                       return absl::AsciiStrToLower(have) == absl::AsciiStrToLower(interest);
                     });
}

}  // namespace

MeetingsLoader::MeetingsLoader(MeetingsClient& meetings, MembershipClient& membership,
                               const DemoNetwork& network, const NetworkNames& names,
                               const DemoMeetings& demo, uint32_t seed)
    : meetings_(meetings),
      membership_(membership),
      network_(network),
      names_(names),
      demo_(demo),
      seed_(seed),
      run_start_(absl::Now()) {}

absl::Status MeetingsLoader::Load() {
  // The summary's rows in the order a reader follows the story.
  for (const char* kind : {"meetings", "meetings held and closed", "commitments",
                           "commitments done or missed", "one-to-ones", "one-to-one stages",
                           "commitments (from one-to-ones)", "campaigns", "accomplishments"}) {
    summary_.Add(kind, 0, 0);
  }
  for (size_t i = 0; i < demo_.coalitions.size(); ++i) {
    const DemoCoalitionMeetings& demo = demo_.coalitions[i];
    const DemoCoalition& coalition = network_.coalitions[demo.coalition];
    const std::string label = absl::StrCat("meetings of coalition ", demo.coalition + 1, " \"",
                                           coalition.coalition.display_name(), "\"");
    RETURN_IF_ERROR(InStep(label, LoadCoalition(demo)));
    Progress(
        absl::StrFormat("[%d/%d] %s: meetings %d, commitments %d, one-to-ones %d, campaigns %d, "
                        "accomplishments %d",
                        i + 1, demo_.coalitions.size(), coalition.coalition.display_name(),
                        demo.meetings.size(), demo.commitments.size(), demo.one_to_ones.size(),
                        demo.campaigns.size(), demo.accomplishments.size()));
  }
  return absl::OkStatus();
}

absl::Status MeetingsLoader::LoadCoalition(const DemoCoalitionMeetings& demo) {
  meeting_names_.assign(demo.meetings.size(), "");
  commitments_.assign(demo.commitments.size(), Commitment());
  campaign_name_.clear();
  // Held meetings in order, each with the commitments made in it; then the commitments are
  // settled, so that the meetings to come open with a check-in that shows where they stand.
  for (size_t m = 0; m < demo.meetings.size(); ++m) {
    if (!demo.meetings[m].held) continue;
    const std::string step = absl::StrCat("meeting ", m + 1);
    absl::StatusOr<Meeting> meeting = CreateMeeting(demo, static_cast<int>(m));
    RETURN_IF_ERROR(InStep(step, meeting.status()));
    RETURN_IF_ERROR(InStep(step, HoldMeeting(demo, static_cast<int>(m), *std::move(meeting))));
  }
  RETURN_IF_ERROR(InStep("settling commitments", SettleCommitments(demo)));
  for (size_t o = 0; o < demo.one_to_ones.size(); ++o) {
    RETURN_IF_ERROR(
        InStep(absl::StrCat("one-to-one ", o + 1), LoadOneToOne(demo, static_cast<int>(o))));
  }
  for (size_t m = 0; m < demo.meetings.size(); ++m) {
    if (demo.meetings[m].held) continue;
    RETURN_IF_ERROR(
        InStep(absl::StrCat("meeting ", m + 1), CreateMeeting(demo, static_cast<int>(m)).status()));
  }
  RETURN_IF_ERROR(InStep("campaign", LoadCampaign(demo)));
  return InStep("accomplishments", LoadAccomplishments(demo));
}

absl::StatusOr<Meeting> MeetingsLoader::CreateMeeting(const DemoCoalitionMeetings& demo, int m) {
  const DemoMeeting& demo_meeting = demo.meetings[m];
  meetings_v1::CreateMeetingRequest request;
  request.set_parent(names_.coalitions[demo.coalition]);
  Meeting& meeting = *request.mutable_meeting();
  meeting = demo_meeting.meeting;
  if (demo_meeting.team != kNone) meeting.set_team(names_.teams[demo.coalition][demo_meeting.team]);
  for (int i = 0; i < meeting.agenda_size(); ++i) {
    const int owner = demo_meeting.agenda_owners[i];
    if (owner != kNone) meeting.mutable_agenda(i)->set_owner(Person(owner));
  }
  for (int person : demo_meeting.invited) meeting.add_attendance()->set_person(Person(person));
  request.set_request_id(RequestId(demo, "meeting", m + 1));
  ASSIGN_OR_RETURN(Meeting created,
                   meetings_.Call(&Stub::CreateMeeting, request, request.request_id()));
  summary_.Record("meetings", IsNew(created.create_time()));
  meeting_names_[m] = created.name();
  return created;
}

absl::Status MeetingsLoader::HoldMeeting(const DemoCoalitionMeetings& demo, int m,
                                         Meeting meeting) {
  const DemoMeeting& demo_meeting = demo.meetings[m];
  const MeetingSteps steps = StepsToHold(meeting.state());
  if (steps.start) {
    meetings_v1::StartMeetingRequest request;
    request.set_name(meeting.name());
    request.set_etag(meeting.etag());
    ASSIGN_OR_RETURN(meeting, meetings_.Call(&Stub::StartMeeting, request));
  }
  if (steps.record_attendance && !demo_meeting.attendance.empty()) {
    meetings_v1::RecordAttendanceRequest request;
    request.set_name(meeting.name());
    request.set_etag(meeting.etag());
    for (const DemoAttendance& entry : demo_meeting.attendance) {
      meetings_v1::Attendance& attendance = *request.add_attendance();
      attendance.set_person(Person(entry.person));
      attendance.set_status(entry.status);
      if (entry.status == meetings_v1::Attendance::EXCUSED) attendance.set_note("sent regrets");
    }
    ASSIGN_OR_RETURN(meeting, meetings_.Call(&Stub::RecordAttendance, request));
  }
  // A closed meeting's commitments exist already: the creates return them.
  for (size_t k = 0; k < demo.commitments.size(); ++k) {
    if (demo.commitments[k].meeting == m) {
      RETURN_IF_ERROR(CreateCommitment(demo, static_cast<int>(k)));
    }
  }
  if (steps.close) {
    meetings_v1::CloseMeetingRequest request;
    request.set_name(meeting.name());
    request.set_minutes(demo_meeting.minutes);
    request.set_no_commitment_reason(demo_meeting.no_commitment_reason);
    ASSIGN_OR_RETURN(meeting, meetings_.Call(&Stub::CloseMeeting, request));
  }
  summary_.Record("meetings held and closed", steps.close);
  return absl::OkStatus();
}

absl::Status MeetingsLoader::CreateCommitment(const DemoCoalitionMeetings& demo, int k) {
  const DemoCommitment& demo_commitment = demo.commitments[k];
  meetings_v1::CreateCommitmentRequest request;
  request.set_parent(names_.coalitions[demo.coalition]);
  Commitment& commitment = *request.mutable_commitment();
  commitment = demo_commitment.commitment;
  commitment.set_person(Person(demo_commitment.person));
  if (demo_commitment.team != kNone) {
    commitment.set_team(names_.teams[demo.coalition][demo_commitment.team]);
  }
  commitment.mutable_source()->set_resource(meeting_names_[demo_commitment.meeting]);
  request.set_request_id(RequestId(demo, "commitment", k + 1));
  ASSIGN_OR_RETURN(commitments_[k],
                   meetings_.Call(&Stub::CreateCommitment, request, request.request_id()));
  summary_.Record("commitments", IsNew(commitments_[k].create_time()));
  return absl::OkStatus();
}

absl::Status MeetingsLoader::SettleCommitments(const DemoCoalitionMeetings& demo) {
  for (size_t k = 0; k < demo.commitments.size(); ++k) {
    const DemoCommitment& demo_commitment = demo.commitments[k];
    const bool settle = NeedsSettling(commitments_[k].status(), demo_commitment.status);
    if (settle) {
      meetings_v1::CheckInCommitmentRequest request;
      request.set_name(commitments_[k].name());
      request.set_etag(commitments_[k].etag());
      request.set_status(demo_commitment.status);
      request.set_note(demo_commitment.note);
      ASSIGN_OR_RETURN(commitments_[k], meetings_.Call(&Stub::CheckInCommitment, request));
    }
    if (demo_commitment.status != Commitment::OPEN) {
      summary_.Record("commitments done or missed", settle);
    }
  }
  return absl::OkStatus();
}

absl::Status MeetingsLoader::LoadOneToOne(const DemoCoalitionMeetings& demo, int o) {
  const DemoOneToOne& demo_one = demo.one_to_ones[o];
  meetings_v1::CreateOneToOneRequest request;
  request.set_parent(names_.coalitions[demo.coalition]);
  OneToOne& planned = *request.mutable_one_to_one();
  const std::string organizer = Person(demo_one.organizer);
  planned.set_organizer(organizer);
  if (demo_one.counterpart_person != kNone) {
    planned.set_counterpart_person(Person(demo_one.counterpart_person));
  } else {
    planned.set_counterpart_actor(names_.actors[demo.coalition][demo_one.counterpart_actor]);
  }
  *planned.mutable_meeting_time() = demo_one.one_to_one.meeting_time();
  request.set_request_id(RequestId(demo, "one-to-one", o + 1));
  ASSIGN_OR_RETURN(OneToOne one_to_one,
                   meetings_.Call(&Stub::CreateOneToOne, request, request.request_id()));
  summary_.Record("one-to-ones", IsNew(one_to_one.create_time()));
  int recorded = 0;
  for (OneToOne::Stage stage : StagesToRecord(one_to_one, demo_one.last_stage)) {
    meetings_v1::RecordOneToOneStageRequest stage_request =
        StageRequest(demo_one, stage, organizer);
    stage_request.set_name(one_to_one.name());
    stage_request.set_etag(one_to_one.etag());
    stage_request.set_request_id(
        RequestId(demo, absl::StrCat("one-to-one-", o + 1, "-stage"), static_cast<int>(stage)));
    ASSIGN_OR_RETURN(one_to_one, meetings_.Call(&Stub::RecordOneToOneStage, stage_request,
                                                stage_request.request_id()));
    ++recorded;
    if (stage == OneToOne::COMMITMENT) {
      summary_.Add("commitments (from one-to-ones)", one_to_one.outcome().commitments_size(), 0);
    }
  }
  summary_.Add("one-to-one stages", recorded, static_cast<int>(demo_one.last_stage) - recorded);
  if (recorded == 0 && demo_one.last_stage == OneToOne::COMMITMENT) {
    summary_.Add("commitments (from one-to-ones)", 0, one_to_one.outcome().commitments_size());
  }
  return absl::OkStatus();
}

absl::Status MeetingsLoader::LoadCampaign(const DemoCoalitionMeetings& demo) {
  for (size_t k = 0; k < demo.campaigns.size(); ++k) {
    const DemoCampaign& demo_campaign = demo.campaigns[k];
    meetings_v1::CreateCampaignRequest request;
    request.set_parent(names_.coalitions[demo.coalition]);
    meetings_v1::Campaign& campaign = *request.mutable_campaign();
    campaign = demo_campaign.campaign;
    campaign.set_aim(names_.aims[demo.coalition][demo_campaign.aim]);
    if (demo_campaign.kick_off_meeting != kNone) {
      campaign.set_kick_off_meeting(meeting_names_[demo_campaign.kick_off_meeting]);
    }
    if (demo_campaign.celebration_meeting != kNone) {
      campaign.set_celebration_meeting(meeting_names_[demo_campaign.celebration_meeting]);
    }
    for (const TacticLink& link : demo_campaign.links) {
      campaign.mutable_peak_goals(link.peak_goal)
          ->mutable_tactics(link.tactic)
          ->add_commitments()
          ->set_commitment(commitments_[link.commitment].name());
    }
    request.set_request_id(RequestId(demo, "campaign", static_cast<int>(k) + 1));
    ASSIGN_OR_RETURN(meetings_v1::Campaign created,
                     meetings_.Call(&Stub::CreateCampaign, request, request.request_id()));
    summary_.Record("campaigns", IsNew(created.create_time()));
    campaign_name_ = created.name();
  }
  return absl::OkStatus();
}

absl::Status MeetingsLoader::LoadAccomplishments(const DemoCoalitionMeetings& demo) {
  for (size_t a = 0; a < demo.accomplishments.size(); ++a) {
    const DemoAccomplishment& demo_accomplishment = demo.accomplishments[a];
    meetings_v1::CreateAccomplishmentRequest request;
    request.set_parent(names_.coalitions[demo.coalition]);
    *request.mutable_accomplishment() = demo_accomplishment.accomplishment;
    if (demo_accomplishment.meeting != kNone) {
      request.mutable_accomplishment()->set_source(meeting_names_[demo_accomplishment.meeting]);
    } else if (demo_accomplishment.of_campaign) {
      request.mutable_accomplishment()->set_source(campaign_name_);
    }
    request.set_request_id(RequestId(demo, "accomplishment", static_cast<int>(a) + 1));
    ASSIGN_OR_RETURN(meetings_v1::Accomplishment created,
                     meetings_.Call(&Stub::CreateAccomplishment, request, request.request_id()));
    summary_.Record("accomplishments", IsNew(created.create_time()));
  }
  return absl::OkStatus();
}

absl::StatusOr<MeetingsReport> MeetingsLoader::Report(absl::Duration wait) {
  MeetingsReport report;
  struct Watched {
    std::string actor;
    std::string interest;
  };
  std::vector<Watched> watched;
  for (const DemoCoalitionMeetings& demo : demo_.coalitions) {
    const std::string& coalition = names_.coalitions[demo.coalition];
    meetings_v1::ListOverdueCommitmentsRequest overdue;
    overdue.set_parent(coalition);
    ASSIGN_OR_RETURN(int count, CountAll(meetings_, &Stub::ListOverdueCommitments, overdue));
    report.overdue += count;
    meetings_v1::ListDueSoonCommitmentsRequest due_soon;
    due_soon.set_parent(coalition);
    ASSIGN_OR_RETURN(count, CountAll(meetings_, &Stub::ListDueSoonCommitments, due_soon));
    report.due_soon += count;
    for (const DemoOneToOne& one : demo.one_to_ones) {
      if (one.last_stage != OneToOne::COMMITMENT || one.counterpart_actor == kNone) continue;
      watched.push_back({names_.actors[demo.coalition][one.counterpart_actor],
                         one.one_to_one.exploration().interests(0)});
    }
  }
  report.one_to_ones_with_actors = static_cast<int>(watched.size());
  // The outbox delivers within about a second of the commit; allow for a slow or restarting
  // membership service.
  const absl::Time give_up = absl::Now() + wait;
  while (true) {
    report.actors_updated = 0;
    for (const Watched& w : watched) {
      v1::GetActorRequest request;
      request.set_name(w.actor);
      ASSIGN_OR_RETURN(v1::Actor actor,
                       membership_.Call(&MembershipClient::Stub::GetActor, request));
      if (HasInterest(actor, w.interest)) ++report.actors_updated;
    }
    if (report.actors_updated == report.one_to_ones_with_actors || absl::Now() >= give_up) break;
    absl::SleepFor(absl::Milliseconds(500));
  }
  return report;
}

}  // namespace coalition::demo
