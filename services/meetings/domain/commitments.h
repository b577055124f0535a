#ifndef COALITION_SERVICES_MEETINGS_DOMAIN_COMMITMENTS_H_
#define COALITION_SERVICES_MEETINGS_DOMAIN_COMMITMENTS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "coalition/meetings/v1/meetings_service.pb.h"

// Commitments: status transitions, reopening, due-soon and overdue, follow-through and overload.
//
// Status transitions (anything else is FAILED_PRECONDITION):
//   OPEN     -> DONE | MISSED | RELEASED
//   MISSED   -> DONE (done late) | RELEASED
//   DONE, RELEASED -> only by reopening.
// MISSED and RELEASED need a note: the coalition should learn why. A check-in without a new
// status only adds a note to the history, and is refused once the commitment is DONE or
// RELEASED (nothing is left to check on).
//
// Reopening (DONE, MISSED or RELEASED -> OPEN) needs a note and, when the due date has passed,
// a new due date that is today or later, so a reopened commitment is not born overdue. The
// done date is cleared, so follow-through never credits work that turned out unfinished.
// After kMaxReopens reopenings the commitment should be made anew instead: repeated reopening
// hides a pattern the follow-through report is meant to show.
namespace coalition::meetings {

using ::coalition::common::v1::Date;

inline constexpr int kMaxReopens = 3;

absl::CivilDay ToCivilDay(const Date& date);
Date ToDate(absl::CivilDay day);

// A new commitment: OPEN, with its outputs cleared and a first check-in recording creation.
void StartCommitment(v1::Commitment& commitment, absl::Time now, const std::string& recorded_by);

// Records a check-in; `status` UNSPECIFIED keeps the status. See the transition table above.
absl::Status CheckInCommitment(v1::Commitment& commitment, v1::Commitment::Status status,
                               const std::string& note, const std::string& meeting,
                               const std::string& recorded_by, absl::Time now,
                               absl::CivilDay today);

absl::Status ReopenCommitment(v1::Commitment& commitment, const std::string& note,
                              const std::optional<Date>& new_due_date,
                              const std::string& recorded_by, absl::Time now, absl::CivilDay today);

// Open and due before today.
bool IsOverdue(const v1::Commitment& commitment, absl::CivilDay today);
// Open and due from today up to `within_days` days ahead.
bool IsDueSoon(const v1::Commitment& commitment, absl::CivilDay today, int within_days);

// Follow-through of `commitments` (already filtered to the subject) over the inclusive window.
// Counted: commitments due in the window. Released ones and open ones not yet due are reported
// but left out of the denominator: a release is an honest hand-back and a pending one cannot
// have failed yet. An open commitment past its due date counts as missed.
v1::FollowThroughRate ComputeFollowThrough(const std::string& subject,
                                           const std::vector<v1::Commitment>& commitments,
                                           absl::CivilDay window_start, absl::CivilDay window_end,
                                           absl::CivilDay today);

// The coalition, and each team (commitments with a team) and each person with a commitment due
// in the window, sorted by name.
v1::FollowThroughReport BuildFollowThroughReport(const std::string& coalition,
                                                 const std::vector<v1::Commitment>& commitments,
                                                 absl::CivilDay window_start,
                                                 absl::CivilDay window_end, absl::CivilDay today);

// People with more than `threshold` open commitments across all coalitions in `commitments`,
// most open first (then by name). Coalitions are derived from the commitments' names.
std::vector<v1::OverloadedPerson> FindOverloadedPeople(
    const std::vector<v1::Commitment>& commitments, int threshold);

// The clock-driven events between two ticks of the watch: DUE_SOON for open commitments whose
// due date entered the horizon after `previous_day`, OVERDUE for those whose due date passed.
// Ticking again on the same day emits nothing, so a watcher sees each event once.
std::vector<v1::CommitmentEvent> ClockEvents(const std::vector<v1::Commitment>& commitments,
                                             absl::CivilDay previous_day, absl::CivilDay today,
                                             int due_soon_days, absl::Time now);

}  // namespace coalition::meetings

#endif  // COALITION_SERVICES_MEETINGS_DOMAIN_COMMITMENTS_H_
