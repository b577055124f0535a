#ifndef COALITION_SERVICES_MEETINGS_DOMAIN_VALIDATION_H_
#define COALITION_SERVICES_MEETINGS_DOMAIN_VALIDATION_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "coalition/meetings/v1/meetings_service.pb.h"
#include "libs/core/status.h"
#include "libs/core/validation.h"

// Request validation of the meetings service: pure functions that name every bad field,
// prefixed with the request field that holds the resource (e.g. "meeting.agenda[2].timebox").
// References are checked for shape and for belonging to the same network or coalition;
// whether they exist is the handler's question to the store or to membership.
namespace coalition::meetings {

inline constexpr int kMaxAgendaItems = 50;
inline constexpr int kMaxNorms = 30;
inline constexpr int kMaxAttendance = 1000;
inline constexpr int kMaxListedStrings = 50;  // values, interests, resources heard
inline constexpr int kMaxOutcomeCommitments = 20;
inline constexpr int kMaxPeakGoals = 20;
inline constexpr int kMaxTactics = 30;
inline constexpr int kMaxTacticCommitments = 200;
inline constexpr int kMaxReportWindowDays = 3 * 366;
inline constexpr size_t kMaxMinutesLength = 100000;
inline constexpr absl::Duration kMaxTimebox = absl::Hours(8);

// A person of the network (`required` adds a violation when empty).
inline void CheckPersonRef(FieldViolations& v, const std::string& field, absl::string_view name,
                           absl::string_view network_id, bool required) {
  CheckNetworkRef(v, field, name, "people", network_id, required);
}

absl::Status ValidateMeeting(const v1::Meeting& meeting, absl::string_view network_id,
                             absl::string_view coalition_id, absl::string_view prefix);
absl::Status ValidateAttendance(const v1::RecordAttendanceRequest& request,
                                absl::string_view network_id);
absl::Status ValidateNewOneToOne(const v1::OneToOne& one_to_one, absl::string_view network_id,
                                 absl::string_view coalition_id, absl::string_view prefix);
// The stage in the request: its fields, named from the request ("outcome.commitments[1].what").
absl::Status ValidateStageRequest(const v1::RecordOneToOneStageRequest& request,
                                  absl::string_view network_id);
absl::Status ValidateCommitment(const v1::Commitment& commitment, absl::string_view network_id,
                                absl::string_view coalition_id, absl::string_view prefix);
absl::Status ValidateCampaign(const v1::Campaign& campaign, absl::string_view network_id,
                              absl::string_view coalition_id, absl::string_view prefix);
absl::Status ValidateAccomplishment(const v1::Accomplishment& accomplishment,
                                    absl::string_view network_id, absl::string_view coalition_id,
                                    absl::string_view prefix);
// Both dates real, start not after end, at most kMaxReportWindowDays days.
absl::Status ValidateReportWindow(const v1::ReportWindow& window, absl::string_view prefix);

}  // namespace coalition::meetings

#endif  // COALITION_SERVICES_MEETINGS_DOMAIN_VALIDATION_H_
