#include "services/meetings/domain/commitments.h"

#include <algorithm>
#include <map>
#include <set>

#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "libs/core/resource_names.h"
#include "libs/core/status.h"

namespace coalition::meetings {

absl::CivilDay ToCivilDay(const Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

Date ToDate(absl::CivilDay day) {
  Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

namespace {

void AddCheckIn(v1::Commitment& commitment, const std::string& note, const std::string& meeting,
                const std::string& recorded_by, absl::Time now) {
  auto* check_in = commitment.add_check_ins();
  *check_in->mutable_time() = ToProtoTimestamp(now);
  check_in->set_status(commitment.status());
  check_in->set_note(note);
  check_in->set_meeting(meeting);
  check_in->set_recorded_by(recorded_by);
}

bool NoteIsBlank(const std::string& note) {
  return note.find_first_not_of(" \t\r\n") == std::string::npos;
}

bool TransitionAllowed(v1::Commitment::Status from, v1::Commitment::Status to) {
  switch (from) {
    case v1::Commitment::OPEN:
      return to == v1::Commitment::DONE || to == v1::Commitment::MISSED ||
             to == v1::Commitment::RELEASED;
    case v1::Commitment::MISSED:
      return to == v1::Commitment::DONE || to == v1::Commitment::RELEASED;
    default:
      return false;
  }
}

}  // namespace

void StartCommitment(v1::Commitment& commitment, absl::Time now, const std::string& recorded_by) {
  commitment.set_status(v1::Commitment::OPEN);
  commitment.clear_status_note();
  commitment.clear_done_date();
  commitment.clear_check_ins();
  commitment.set_reopen_count(0);
  AddCheckIn(commitment, "made", "", recorded_by, now);
}

absl::Status CheckInCommitment(v1::Commitment& commitment, v1::Commitment::Status status,
                               const std::string& note, const std::string& meeting,
                               const std::string& recorded_by, absl::Time now,
                               absl::CivilDay today) {
  const v1::Commitment::Status from = commitment.status();
  if (status == v1::Commitment::STATUS_UNSPECIFIED || status == from) {
    if (from == v1::Commitment::DONE || from == v1::Commitment::RELEASED) {
      return absl::FailedPreconditionError(
          "the commitment is settled: reopen it before checking in again");
    }
    if (NoteIsBlank(note)) return InvalidField("note", "is required for a check-in");
    AddCheckIn(commitment, note, meeting, recorded_by, now);
    return absl::OkStatus();
  }
  if (status == v1::Commitment::OPEN) {
    return absl::FailedPreconditionError("use ReopenCommitment to open a commitment again");
  }
  if (!TransitionAllowed(from, status)) {
    return absl::FailedPreconditionError(absl::StrCat("a ", v1::Commitment::Status_Name(from),
                                                      " commitment cannot become ",
                                                      v1::Commitment::Status_Name(status)));
  }
  if ((status == v1::Commitment::MISSED || status == v1::Commitment::RELEASED) &&
      NoteIsBlank(note)) {
    return InvalidField("note", "is required to mark a commitment missed or released");
  }
  commitment.set_status(status);
  commitment.set_status_note(note);
  if (status == v1::Commitment::DONE) *commitment.mutable_done_date() = ToDate(today);
  AddCheckIn(commitment, note, meeting, recorded_by, now);
  return absl::OkStatus();
}

absl::Status ReopenCommitment(v1::Commitment& commitment, const std::string& note,
                              const std::optional<Date>& new_due_date,
                              const std::string& recorded_by, absl::Time now,
                              absl::CivilDay today) {
  if (commitment.status() == v1::Commitment::OPEN) {
    return absl::FailedPreconditionError("the commitment is already open");
  }
  if (commitment.reopen_count() >= kMaxReopens) {
    return absl::FailedPreconditionError(absl::StrCat("the commitment was reopened ", kMaxReopens,
                                                      " times: make a new commitment instead"));
  }
  FieldViolations v;
  if (NoteIsBlank(note)) v.Add("note", "is required: why is the commitment open again");
  if (new_due_date.has_value()) {
    if (!IsValidDate(*new_due_date)) {
      v.Add("due_date", "must be a real calendar date");
    } else if (ToCivilDay(*new_due_date) < today) {
      v.Add("due_date", "must be today or later");
    }
  } else if (ToCivilDay(commitment.due_date()) < today) {
    v.Add("due_date", "is required: the old due date has passed");
  }
  RETURN_IF_ERROR(v.ToStatus());
  if (new_due_date.has_value()) *commitment.mutable_due_date() = *new_due_date;
  commitment.set_status(v1::Commitment::OPEN);
  commitment.set_status_note(note);
  commitment.clear_done_date();
  commitment.set_reopen_count(commitment.reopen_count() + 1);
  AddCheckIn(commitment, note, "", recorded_by, now);
  return absl::OkStatus();
}

bool IsOverdue(const v1::Commitment& commitment, absl::CivilDay today) {
  return commitment.status() == v1::Commitment::OPEN && ToCivilDay(commitment.due_date()) < today;
}

bool IsDueSoon(const v1::Commitment& commitment, absl::CivilDay today, int within_days) {
  if (commitment.status() != v1::Commitment::OPEN) return false;
  const absl::CivilDay due = ToCivilDay(commitment.due_date());
  return due >= today && due <= today + within_days;
}

v1::FollowThroughRate ComputeFollowThrough(const std::string& subject,
                                           const std::vector<v1::Commitment>& commitments,
                                           absl::CivilDay window_start, absl::CivilDay window_end,
                                           absl::CivilDay today) {
  v1::FollowThroughRate rate;
  rate.set_subject(subject);
  for (const v1::Commitment& c : commitments) {
    const absl::CivilDay due = ToCivilDay(c.due_date());
    if (due < window_start || due > window_end) continue;
    switch (c.status()) {
      case v1::Commitment::DONE:
        rate.set_due(rate.due() + 1);
        if (ToCivilDay(c.done_date()) <= due) {
          rate.set_done_on_time(rate.done_on_time() + 1);
        } else {
          rate.set_done_late(rate.done_late() + 1);
        }
        break;
      case v1::Commitment::MISSED:
        rate.set_due(rate.due() + 1);
        rate.set_missed(rate.missed() + 1);
        break;
      case v1::Commitment::RELEASED:
        rate.set_released(rate.released() + 1);
        break;
      case v1::Commitment::OPEN:
        if (due < today) {
          rate.set_due(rate.due() + 1);
          rate.set_missed(rate.missed() + 1);
        } else {
          rate.set_pending(rate.pending() + 1);
        }
        break;
      default:
        break;
    }
  }
  rate.set_rate(rate.due() == 0 ? 0.0 : static_cast<double>(rate.done_on_time()) / rate.due());
  return rate;
}

v1::FollowThroughReport BuildFollowThroughReport(const std::string& coalition,
                                                 const std::vector<v1::Commitment>& commitments,
                                                 absl::CivilDay window_start,
                                                 absl::CivilDay window_end, absl::CivilDay today) {
  std::map<std::string, std::vector<v1::Commitment>> by_team;
  std::map<std::string, std::vector<v1::Commitment>> by_person;
  for (const v1::Commitment& c : commitments) {
    // Only who had something due in the window is listed: a row of zeros would read as no
    // follow-through at all.
    const absl::CivilDay due = ToCivilDay(c.due_date());
    if (due < window_start || due > window_end) continue;
    if (!c.team().empty()) by_team[c.team()].push_back(c);
    by_person[c.person()].push_back(c);
  }
  v1::FollowThroughReport report;
  *report.mutable_coalition() =
      ComputeFollowThrough(coalition, commitments, window_start, window_end, today);
  for (const auto& [team, list] : by_team) {
    *report.add_teams() = ComputeFollowThrough(team, list, window_start, window_end, today);
  }
  for (const auto& [person, list] : by_person) {
    *report.add_people() = ComputeFollowThrough(person, list, window_start, window_end, today);
  }
  return report;
}

std::vector<v1::OverloadedPerson> FindOverloadedPeople(
    const std::vector<v1::Commitment>& commitments, int threshold) {
  std::map<std::string, std::pair<int, std::set<std::string>>> open;
  for (const v1::Commitment& c : commitments) {
    if (c.status() != v1::Commitment::OPEN) continue;
    auto& [count, coalitions] = open[c.person()];
    ++count;
    auto parsed = ParseCoalitionChild("commitments", c.name(), "name");
    if (parsed.ok()) coalitions.insert(parsed->Coalition().Name());
  }
  std::vector<v1::OverloadedPerson> people;
  for (const auto& [person, entry] : open) {
    if (entry.first <= threshold) continue;
    v1::OverloadedPerson& p = people.emplace_back();
    p.set_person(person);
    p.set_open_commitments(entry.first);
    for (const std::string& coalition : entry.second) p.add_coalitions(coalition);
  }
  std::stable_sort(people.begin(), people.end(),
                   [](const v1::OverloadedPerson& a, const v1::OverloadedPerson& b) {
                     return a.open_commitments() > b.open_commitments();
                   });
  return people;
}

std::vector<v1::CommitmentEvent> ClockEvents(const std::vector<v1::Commitment>& commitments,
                                             absl::CivilDay previous_day, absl::CivilDay today,
                                             int due_soon_days, absl::Time now) {
  std::vector<v1::CommitmentEvent> events;
  if (today <= previous_day) return events;
  for (const v1::Commitment& c : commitments) {
    if (c.status() != v1::Commitment::OPEN) continue;
    v1::CommitmentEvent::Kind kind = v1::CommitmentEvent::KIND_UNSPECIFIED;
    if (IsOverdue(c, today) && !IsOverdue(c, previous_day)) {
      kind = v1::CommitmentEvent::OVERDUE;
    } else if (IsDueSoon(c, today, due_soon_days) && !IsDueSoon(c, previous_day, due_soon_days)) {
      kind = v1::CommitmentEvent::DUE_SOON;
    }
    if (kind == v1::CommitmentEvent::KIND_UNSPECIFIED) continue;
    v1::CommitmentEvent& event = events.emplace_back();
    event.set_kind(kind);
    *event.mutable_commitment() = c;
    *event.mutable_time() = ToProtoTimestamp(now);
  }
  return events;
}

}  // namespace coalition::meetings
