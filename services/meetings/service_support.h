#ifndef COALITION_SERVICES_MEETINGS_SERVICE_SUPPORT_H_
#define COALITION_SERVICES_MEETINGS_SERVICE_SUPPORT_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "coalition/meetings/v1/meetings_service.pb.h"
#include "libs/auth/caller.h"
#include "libs/core/resource_names.h"
#include "libs/core/status.h"

// What the handler files of the meetings service share.
namespace coalition::meetings {

inline constexpr absl::string_view kService = "coalition.meetings.v1.MeetingsService/";

// Writers of the coalition (admins, its conveners) may act for anyone; a member of the
// coalition only for themselves: their own one-to-ones, commitments and check-ins.
absl::Status AuthorizeOwnOrWrite(const auth::Caller& caller, const CoalitionName& coalition,
                                 absl::string_view person);

// "selection", "purpose", ... for audit summaries.
absl::string_view StageLabel(v1::OneToOne::Stage stage);

}  // namespace coalition::meetings

#endif  // COALITION_SERVICES_MEETINGS_SERVICE_SUPPORT_H_
