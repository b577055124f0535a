#ifndef COALITION_LIBS_CORE_ETAG_H_
#define COALITION_LIBS_CORE_ETAG_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace coalition {

// An opaque etag for revision `revision` of resource `name` (AIP-154).
std::string EtagFor(absl::string_view name, int64_t revision);

// OK when `provided` is empty or matches; ABORTED when the resource changed since it was read.
absl::Status CheckEtag(absl::string_view provided, absl::string_view name, int64_t revision);

}  // namespace coalition

#endif  // COALITION_LIBS_CORE_ETAG_H_
