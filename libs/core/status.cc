#include "libs/core/status.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace coalition {
namespace {

google::rpc::BadRequest ToBadRequest(const std::vector<FieldViolation>& violations) {
  google::rpc::BadRequest bad_request;
  for (const FieldViolation& v : violations) {
    auto* out = bad_request.add_field_violations();
    out->set_field(v.field);
    out->set_description(v.description);
  }
  return bad_request;
}

absl::Status InvalidArgumentWith(const std::vector<FieldViolation>& violations,
                                 size_t dropped = 0) {
  std::string message;
  for (const FieldViolation& v : violations) {
    absl::StrAppend(&message, message.empty() ? "" : "; ", v.field, ": ", v.description);
  }
  // The count of the others is kept when the message is cut: it is all a client learns of them.
  const std::string more = dropped > 0 ? absl::StrCat("; and ", dropped, " more") : "";
  absl::Status status = absl::InvalidArgumentError(
      absl::StrCat(TruncateUtf8(message, kMaxStatusMessageBytes - more.size()), more));
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(ToBadRequest(violations).SerializeAsString()));
  return status;
}

}  // namespace

void FieldViolations::Add(std::string field, std::string description) {
  if (violations_.size() >= kMaxFieldViolations) {
    ++dropped_;
    return;
  }
  violations_.push_back({TruncateUtf8(field, kMaxViolationTextBytes),
                         TruncateUtf8(description, kMaxViolationTextBytes)});
}

absl::Status FieldViolations::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  return InvalidArgumentWith(violations_, dropped_);
}

absl::Status InvalidField(absl::string_view field, absl::string_view description) {
  FieldViolations v;
  v.Add(std::string(field), std::string(description));
  return v.ToStatus();
}

std::string TruncateUtf8(absl::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  constexpr absl::string_view kEllipsis = "...";
  size_t end = max_bytes > kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  // Back up over continuation bytes so that no character is cut in half.
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return absl::StrCat(text.substr(0, end), kEllipsis);
}

std::vector<FieldViolation> FieldViolationsOf(const absl::Status& status) {
  std::vector<FieldViolation> out;
  absl::optional<absl::Cord> payload = status.GetPayload(kBadRequestTypeUrl);
  if (!payload) return out;
  google::rpc::BadRequest bad_request;
  if (!bad_request.ParseFromString(std::string(*payload))) return out;
  for (const auto& v : bad_request.field_violations()) out.push_back({v.field(), v.description()});
  return out;
}

grpc::Status ToGrpcStatus(const absl::Status& status) {
  if (status.ok()) return grpc::Status::OK;
  const auto code = static_cast<grpc::StatusCode>(status.code());
  // A message may quote the request (a name that was not found): keep it within what a client
  // accepts in its metadata.
  const std::string message = TruncateUtf8(status.message(), kMaxStatusMessageBytes);
  std::vector<FieldViolation> violations = FieldViolationsOf(status);
  if (violations.empty()) return grpc::Status(code, message);
  // A status not built by FieldViolations (one relayed from a peer) is held to the same bound.
  if (violations.size() > kMaxFieldViolations) violations.resize(kMaxFieldViolations);
  for (FieldViolation& v : violations) {
    v.field = TruncateUtf8(v.field, kMaxViolationTextBytes);
    v.description = TruncateUtf8(v.description, kMaxViolationTextBytes);
  }
  google::rpc::Status details;
  details.set_code(static_cast<int>(code));
  details.set_message(message);
  details.add_details()->PackFrom(ToBadRequest(violations));
  return grpc::Status(code, message, details.SerializeAsString());
}

absl::Status FromGrpcStatus(const grpc::Status& status) {
  if (status.ok()) return absl::OkStatus();
  absl::Status out(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  google::rpc::Status details;
  if (!status.error_details().empty() && details.ParseFromString(status.error_details())) {
    for (const auto& any : details.details()) {
      google::rpc::BadRequest bad_request;
      if (any.UnpackTo(&bad_request)) {
        out.SetPayload(kBadRequestTypeUrl, absl::Cord(bad_request.SerializeAsString()));
      }
    }
  }
  return out;
}

}  // namespace coalition
