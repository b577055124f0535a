#ifndef COALITION_LIBS_CORE_STATUS_H_
#define COALITION_LIBS_CORE_STATUS_H_

#include <string>
#include <utility>
#include <vector>

#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace coalition {

// The payload type URL under which an INVALID_ARGUMENT status carries its field violations.
inline constexpr absl::string_view kBadRequestTypeUrl = "type.googleapis.com/google.rpc.BadRequest";

struct FieldViolation {
  std::string field;
  std::string description;
};

// At most this many field violations travel in one error, each field and description cut to
// kMaxViolationTextBytes, and a status message to kMaxStatusMessageBytes: an error must fit in
// the 8 KiB of metadata a default client accepts, however bad the request, even when the
// message is percent-encoded (3 bytes for each non-ASCII one) and the details base64-encoded.
inline constexpr size_t kMaxFieldViolations = 10;
inline constexpr size_t kMaxViolationTextBytes = 160;
inline constexpr size_t kMaxStatusMessageBytes = 768;

// Collects the problems of a request, so a caller learns the bad fields at once: the first
// kMaxFieldViolations of them, and how many more there were.
class FieldViolations {
 public:
  void Add(std::string field, std::string description);
  // Adds a violation unless `ok` holds; returns `ok`.
  bool Check(bool ok, std::string field, std::string description) {
    if (!ok) Add(std::move(field), std::move(description));
    return ok;
  }
  bool empty() const { return violations_.empty(); }
  const std::vector<FieldViolation>& violations() const { return violations_; }
  // Violations added past kMaxFieldViolations, counted but not kept.
  size_t dropped() const { return dropped_; }
  // OK when nothing was added, else INVALID_ARGUMENT naming the fields kept.
  absl::Status ToStatus() const;

 private:
  std::vector<FieldViolation> violations_;
  size_t dropped_ = 0;
};

// `text` cut to at most `max_bytes` on a UTF-8 character boundary, with "..." when cut.
std::string TruncateUtf8(absl::string_view text, size_t max_bytes);

// INVALID_ARGUMENT for a single field.
absl::Status InvalidField(absl::string_view field, absl::string_view description);

// The field violations carried by a status (empty when it carries none).
std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status);

// The one place where an absl::Status becomes a grpc::Status: same code, same message, and the
// field violations as google.rpc.BadRequest in grpc-status-details-bin.
grpc::Status ToGrpcStatus(const absl::Status& status);

// The reverse, for clients of other services: keeps code, message and field violations.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace coalition

#define COALITION_STATUS_CONCAT_INNER_(a, b) a##b
#define COALITION_STATUS_CONCAT_(a, b) COALITION_STATUS_CONCAT_INNER_(a, b)

#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::absl::Status status_macro_ = (expr);         \
    if (!status_macro_.ok()) return status_macro_; \
  } while (0)

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(COALITION_STATUS_CONCAT_(statusor_macro_, __LINE__), lhs, expr)

#define ASSIGN_OR_RETURN_IMPL_(statusor, lhs, expr) \
  auto statusor = (expr);                           \
  if (!statusor.ok()) return statusor.status();     \
  lhs = std::move(statusor).value()

#endif  // COALITION_LIBS_CORE_STATUS_H_
