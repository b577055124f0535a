#ifndef COALITION_LIBS_CORE_FIELD_MASK_H_
#define COALITION_LIBS_CORE_FIELD_MASK_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/message.h"

namespace coalition {

// More paths than any resource has fields is not a mask but a flood: refused whole, unread.
inline constexpr int kMaxUpdateMaskPaths = 100;

// AIP-134 partial update. Copies the fields named by `mask` from `patch` onto `target`.
// `updatable` lists the paths a client may set (a message path also allows its sub-paths).
// An empty mask means every updatable field that `patch` populates. A path that is unknown or
// not updatable, or more than kMaxUpdateMaskPaths of them, is INVALID_ARGUMENT on update_mask.
// Repeated and message fields are replaced.
absl::Status ApplyFieldMask(const google::protobuf::Message& patch,
                            const google::protobuf::FieldMask& mask,
                            const std::vector<std::string>& updatable,
                            google::protobuf::Message* target);

// The paths that ApplyFieldMask would apply, after the same checks (for audit summaries and for
// validating only what changes).
absl::StatusOr<std::vector<std::string>> EffectiveUpdatePaths(
    const google::protobuf::Message& patch, const google::protobuf::FieldMask& mask,
    const std::vector<std::string>& updatable);

}  // namespace coalition

#endif  // COALITION_LIBS_CORE_FIELD_MASK_H_
