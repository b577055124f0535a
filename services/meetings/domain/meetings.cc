#include "services/meetings/domain/meetings.h"

#include <algorithm>
#include <map>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "services/meetings/domain/commitments.h"

namespace coalition::meetings {
namespace {

bool IsBlank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

std::string StateName(v1::Meeting::State state) { return v1::Meeting::State_Name(state); }

// Check-in items and check-in entries are the service's output: whatever a client sent as
// either is dropped, so an agenda cannot pass off made-up statuses as the check-in.
void DropClientCheckIn(v1::Meeting& meeting) {
  auto* agenda = meeting.mutable_agenda();
  agenda->erase(std::remove_if(agenda->begin(), agenda->end(),
                               [](const v1::AgendaItem& item) { return item.check_in(); }),
                agenda->end());
  for (v1::AgendaItem& item : *agenda) item.clear_check_in_entries();
}

absl::CivilDay DayOf(const google::protobuf::Timestamp& ts, absl::TimeZone tz) {
  return absl::ToCivilDay(FromProtoTimestamp(ts), tz);
}

}  // namespace

void ScheduleMeeting(v1::Meeting& meeting) {
  meeting.set_state(v1::Meeting::SCHEDULED);
  meeting.clear_no_commitment_reason();
  meeting.clear_cancel_reason();
  meeting.clear_previous_meeting();
  meeting.clear_commitment_count();
  meeting.clear_close_time();
  DropClientCheckIn(meeting);
  for (auto& entry : *meeting.mutable_attendance()) {
    if (entry.status() == v1::Attendance::STATUS_UNSPECIFIED) {
      entry.set_status(v1::Attendance::INVITED);
    }
  }
}

absl::Status StartMeeting(v1::Meeting& meeting) {
  if (meeting.state() != v1::Meeting::SCHEDULED) {
    return absl::FailedPreconditionError(absl::StrCat(
        "only a scheduled meeting can start; this one is ", StateName(meeting.state())));
  }
  meeting.set_state(v1::Meeting::IN_PROGRESS);
  return absl::OkStatus();
}

absl::Status CloseMeeting(v1::Meeting& meeting, int commitments_made,
                          const std::string& no_commitment_reason, absl::Time now) {
  if (meeting.state() != v1::Meeting::IN_PROGRESS) {
    return absl::FailedPreconditionError(absl::StrCat(
        "only a meeting in progress can close; this one is ", StateName(meeting.state())));
  }
  if (commitments_made == 0 && IsBlank(no_commitment_reason)) {
    return InvalidField("no_commitment_reason",
                        "is required: leave in action - no commitment was made in this meeting");
  }
  meeting.set_state(v1::Meeting::CLOSED);
  meeting.set_commitment_count(commitments_made);
  meeting.set_no_commitment_reason(commitments_made == 0 ? no_commitment_reason : "");
  *meeting.mutable_close_time() = ToProtoTimestamp(now);
  for (auto& entry : *meeting.mutable_attendance()) {
    if (entry.status() == v1::Attendance::INVITED) entry.set_status(v1::Attendance::ABSENT);
  }
  return absl::OkStatus();
}

absl::Status CancelMeeting(v1::Meeting& meeting, const std::string& reason) {
  if (meeting.state() != v1::Meeting::SCHEDULED && meeting.state() != v1::Meeting::IN_PROGRESS) {
    return absl::FailedPreconditionError(
        absl::StrCat("a ", StateName(meeting.state()), " meeting cannot be cancelled"));
  }
  if (IsBlank(reason)) return InvalidField("reason", "is required to cancel a meeting");
  meeting.set_state(v1::Meeting::CANCELLED);
  meeting.set_cancel_reason(reason);
  return absl::OkStatus();
}

absl::Status RecordAttendance(v1::Meeting& meeting, const std::vector<v1::Attendance>& entries) {
  if (meeting.state() == v1::Meeting::CANCELLED) {
    return absl::FailedPreconditionError("a cancelled meeting takes no attendance");
  }
  const bool started =
      meeting.state() == v1::Meeting::IN_PROGRESS || meeting.state() == v1::Meeting::CLOSED;
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto status = entries[i].status();
    if (!started && (status == v1::Attendance::ATTENDED || status == v1::Attendance::ABSENT)) {
      return absl::FailedPreconditionError(
          absl::StrCat("attendance[", i, "]: attended and absent are recorded once it started"));
    }
    // After the close every invitation is settled; "invited" would reopen it.
    if (meeting.state() == v1::Meeting::CLOSED && status == v1::Attendance::INVITED) {
      return absl::FailedPreconditionError(
          absl::StrCat("attendance[", i, "]: the meeting is closed; record what happened"));
    }
  }
  for (const v1::Attendance& entry : entries) {
    auto& list = *meeting.mutable_attendance();
    auto it = std::find_if(list.begin(), list.end(),
                           [&](const v1::Attendance& a) { return a.person() == entry.person(); });
    if (it == list.end()) {
      *meeting.add_attendance() = entry;
    } else {
      *it = entry;
    }
  }
  return absl::OkStatus();
}

absl::Status CheckMeetingUpdatable(const v1::Meeting& meeting,
                                   const std::vector<std::string>& paths) {
  if (meeting.state() != v1::Meeting::CLOSED && meeting.state() != v1::Meeting::CANCELLED) {
    return absl::OkStatus();
  }
  for (const std::string& path : paths) {
    if (path != "minutes") {
      return absl::FailedPreconditionError(absl::StrCat("a ", StateName(meeting.state()),
                                                        " meeting takes only minutes; not ", path));
    }
  }
  return absl::OkStatus();
}

const v1::Meeting* FindPreviousMeeting(const std::vector<v1::Meeting>& meetings,
                                       const v1::Meeting& meeting) {
  const absl::Time start = FromProtoTimestamp(meeting.start_time());
  const v1::Meeting* previous = nullptr;
  for (const v1::Meeting& m : meetings) {
    if (m.name() == meeting.name() || m.team() != meeting.team() ||
        m.state() == v1::Meeting::CANCELLED) {
      continue;
    }
    const absl::Time t = FromProtoTimestamp(m.start_time());
    if (t >= start) continue;
    if (previous == nullptr || t > FromProtoTimestamp(previous->start_time())) previous = &m;
  }
  return previous;
}

v1::AgendaItem BuildCheckInItem(const v1::Meeting& meeting, const v1::Meeting* previous,
                                const std::vector<v1::Commitment>& commitments, absl::TimeZone tz) {
  v1::AgendaItem item;
  item.set_title(kCheckInTitle);
  item.set_check_in(true);
  const absl::CivilDay day = DayOf(meeting.start_time(), tz);
  std::vector<const v1::Commitment*> due;
  for (const v1::Commitment& c : commitments) {
    if (!meeting.team().empty() && c.team() != meeting.team()) continue;
    const absl::CivilDay due_day = ToCivilDay(c.due_date());
    if (due_day > day) continue;
    const bool since_previous = previous == nullptr || due_day > DayOf(previous->start_time(), tz);
    const bool carried_over = !since_previous && c.status() == v1::Commitment::OPEN;
    if (!since_previous && !carried_over) continue;
    due.push_back(&c);
  }
  std::sort(due.begin(), due.end(), [](const v1::Commitment* a, const v1::Commitment* b) {
    const auto da = ToCivilDay(a->due_date());
    const auto db = ToCivilDay(b->due_date());
    return da != db ? da < db : a->name() < b->name();
  });
  for (const v1::Commitment* c : due) {
    v1::CheckInEntry* entry = item.add_check_in_entries();
    entry->set_commitment(c->name());
    entry->set_person(c->person());
    entry->set_what(c->what());
    *entry->mutable_due_date() = c->due_date();
    entry->set_status(c->status());
    entry->set_carried_over(previous != nullptr &&
                            ToCivilDay(c->due_date()) <= DayOf(previous->start_time(), tz));
  }
  return item;
}

void PlaceCheckInItem(v1::Meeting& meeting, v1::AgendaItem check_in) {
  DropClientCheckIn(meeting);
  auto* agenda = meeting.mutable_agenda();
  check_in.set_check_in(true);
  *agenda->Add() = std::move(check_in);
  std::rotate(agenda->begin(), agenda->end() - 1, agenda->end());
}

namespace {

struct Tally {
  int meetings = 0;
  int attended = 0;
  int absent = 0;
  int excused = 0;
  absl::Time last_attended = absl::InfinitePast();
};

v1::AttendanceRate ToRate(const std::string& subject, const Tally& t) {
  v1::AttendanceRate rate;
  rate.set_subject(subject);
  rate.set_meetings(t.meetings);
  rate.set_attended(t.attended);
  rate.set_absent(t.absent);
  rate.set_excused(t.excused);
  const int expected = t.attended + t.absent;
  rate.set_rate(expected == 0 ? 0.0 : static_cast<double>(t.attended) / expected);
  if (t.last_attended != absl::InfinitePast()) {
    *rate.mutable_last_attended_time() = ToProtoTimestamp(t.last_attended);
  }
  return rate;
}

void Count(Tally& tally, v1::Attendance::Status status, absl::Time start) {
  ++tally.meetings;
  switch (status) {
    case v1::Attendance::ATTENDED:
      ++tally.attended;
      tally.last_attended = std::max(tally.last_attended, start);
      break;
    case v1::Attendance::EXCUSED:
      ++tally.excused;
      break;
    default:  // an invitation left unsettled counts as not coming
      ++tally.absent;
      break;
  }
}

template <typename Map, typename Repeated>
void AppendSorted(const Map& tallies, Repeated* out) {
  for (const auto& [subject, tally] : tallies) *out->Add() = ToRate(subject, tally);
  std::stable_sort(
      out->begin(), out->end(),
      [](const v1::AttendanceRate& a, const v1::AttendanceRate& b) { return a.rate() < b.rate(); });
}

}  // namespace

v1::AttendanceReport ComputeAttendanceReport(const std::vector<v1::Meeting>& meetings,
                                             absl::CivilDay window_start, absl::CivilDay window_end,
                                             absl::TimeZone tz) {
  std::map<std::string, Tally> people;
  std::map<std::string, Tally> organizations;
  for (const v1::Meeting& meeting : meetings) {
    if (meeting.state() != v1::Meeting::CLOSED) continue;
    const absl::CivilDay day = DayOf(meeting.start_time(), tz);
    if (day < window_start || day > window_end) continue;
    const absl::Time start = FromProtoTimestamp(meeting.start_time());
    // An organization sent someone if any of its people attended; it counts once per meeting.
    std::map<std::string, v1::Attendance::Status> by_organization;
    for (const v1::Attendance& entry : meeting.attendance()) {
      Count(people[entry.person()], entry.status(), start);
      if (entry.organization().empty()) continue;
      auto [it, inserted] = by_organization.emplace(entry.organization(), entry.status());
      if (!inserted && entry.status() == v1::Attendance::ATTENDED) it->second = entry.status();
      if (!inserted && it->second == v1::Attendance::EXCUSED) it->second = entry.status();
    }
    for (const auto& [organization, status] : by_organization) {
      Count(organizations[organization], status, start);
    }
  }
  v1::AttendanceReport report;
  AppendSorted(people, report.mutable_people());
  AppendSorted(organizations, report.mutable_organizations());
  return report;
}

}  // namespace coalition::meetings
