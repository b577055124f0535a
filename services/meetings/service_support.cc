#include "services/meetings/service_support.h"

#include "absl/strings/str_cat.h"

namespace coalition::meetings {

absl::Status AuthorizeOwnOrWrite(const auth::Caller& caller, const CoalitionName& coalition,
                                 absl::string_view person) {
  absl::Status write = auth::Authorize(caller, auth::Access::kWriteCoalition, coalition.network,
                                       coalition.coalition);
  if (write.ok()) return write;
  const bool own =
      caller.role == coalition::common::v1::ROLE_MEMBER && !caller.person.empty() &&
      caller.person == person &&
      auth::Authorize(caller, auth::Access::kReadCoalition, coalition.network, coalition.coalition)
          .ok();
  if (own) return absl::OkStatus();
  return write;
}

absl::string_view StageLabel(v1::OneToOne::Stage stage) {
  switch (stage) {
    case v1::OneToOne::SELECTION:
      return "selection";
    case v1::OneToOne::PURPOSE:
      return "purpose";
    case v1::OneToOne::EXPLORATION:
      return "exploration";
    case v1::OneToOne::EXCHANGE:
      return "exchange";
    case v1::OneToOne::COMMITMENT:
      return "commitment";
    default:
      return "unknown";
  }
}

}  // namespace coalition::meetings
