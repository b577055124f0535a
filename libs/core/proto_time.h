#ifndef COALITION_LIBS_CORE_PROTO_TIME_H_
#define COALITION_LIBS_CORE_PROTO_TIME_H_

#include <cstdint>

#include "absl/time/time.h"
#include "coalition/common/v1/common.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace coalition {

google::protobuf::Timestamp ToProtoTimestamp(absl::Time t);
absl::Time FromProtoTimestamp(const google::protobuf::Timestamp& ts);

// Microseconds since the epoch: how times are stored.
inline int64_t ToUnixMicrosStored(absl::Time t) { return absl::ToUnixMicros(t); }

// True for a real calendar date between 1900 and 2200.
bool IsValidDate(const coalition::common::v1::Date& date);
// "YYYY-MM-DD": how dates are stored (sorts as text).
std::string DateToString(const coalition::common::v1::Date& date);
bool ParseDate(absl::string_view text, coalition::common::v1::Date* date);

}  // namespace coalition

#endif  // COALITION_LIBS_CORE_PROTO_TIME_H_
