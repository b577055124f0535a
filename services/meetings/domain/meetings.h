#ifndef COALITION_SERVICES_MEETINGS_DOMAIN_MEETINGS_H_
#define COALITION_SERVICES_MEETINGS_DOMAIN_MEETINGS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "coalition/meetings/v1/meetings_service.pb.h"

// Meetings: lifecycle, "leave in action", attendance, the generated check-in and attendance
// rates. Lifecycle: SCHEDULED -> IN_PROGRESS -> CLOSED; SCHEDULED or IN_PROGRESS -> CANCELLED.
namespace coalition::meetings {

inline constexpr char kCheckInTitle[] = "Check-in on commitments";

// A new meeting: SCHEDULED, outputs cleared (a client-sent check-in item, and check-in entries
// on any other item, too), every attendee at least INVITED.
void ScheduleMeeting(v1::Meeting& meeting);
// FAILED_PRECONDITION unless SCHEDULED.
absl::Status StartMeeting(v1::Meeting& meeting);
// Closes an IN_PROGRESS meeting. "Leave in action": with no commitment made in the meeting,
// `no_commitment_reason` is required (INVALID_ARGUMENT on that field). Anyone still INVITED
// did not come and becomes ABSENT, so attendance rates see every invitation settled.
absl::Status CloseMeeting(v1::Meeting& meeting, int commitments_made,
                          const std::string& no_commitment_reason, absl::Time now);
// A reason is required: members deserve to know why a meeting did not happen.
absl::Status CancelMeeting(v1::Meeting& meeting, const std::string& reason);

// Replaces each listed person's entry (adding new ones). ATTENDED and ABSENT need a meeting
// that has started; a cancelled meeting takes no attendance.
absl::Status RecordAttendance(v1::Meeting& meeting, const std::vector<v1::Attendance>& entries);

// Which update paths the meeting's state allows: once closed or cancelled, only the minutes.
absl::Status CheckMeetingUpdatable(const v1::Meeting& meeting,
                                   const std::vector<std::string>& paths);

// The latest meeting of the same coalition and team (empty team: the coalition's own meetings)
// that started before `meeting` and was not cancelled; nullptr when there is none.
const v1::Meeting* FindPreviousMeeting(const std::vector<v1::Meeting>& meetings,
                                       const v1::Meeting& meeting);

// The check-in item: commitments of the meeting's team (or, for a coalition-wide meeting, all
// of the coalition's) due after the previous meeting's day up to this meeting's day, with their
// status, plus those due earlier that are still open (carried over). Days are taken in `tz`.
v1::AgendaItem BuildCheckInItem(const v1::Meeting& meeting, const v1::Meeting* previous,
                                const std::vector<v1::Commitment>& commitments, absl::TimeZone tz);
// Puts `check_in` first on the agenda, replacing any earlier check-in item; check-in entries
// on the other items are dropped (only the check-in item has them).
void PlaceCheckInItem(v1::Meeting& meeting, v1::AgendaItem check_in);

// Attendance rates over closed meetings that started within the inclusive window of days (in
// `tz`). Lowest rate first, so those drifting away are on top; ties by name.
v1::AttendanceReport ComputeAttendanceReport(const std::vector<v1::Meeting>& meetings,
                                             absl::CivilDay window_start, absl::CivilDay window_end,
                                             absl::TimeZone tz);

}  // namespace coalition::meetings

#endif  // COALITION_SERVICES_MEETINGS_DOMAIN_MEETINGS_H_
