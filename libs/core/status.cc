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

absl::Status InvalidArgumentWith(const std::vector<FieldViolation>& violations) {
  std::string message;
  for (const FieldViolation& v : violations) {
    absl::StrAppend(&message, message.empty() ? "" : "; ", v.field, ": ", v.description);
  }
  absl::Status status = absl::InvalidArgumentError(message);
  status.SetPayload(kBadRequestTypeUrl, absl::Cord(ToBadRequest(violations).SerializeAsString()));
  return status;
}

}  // namespace

absl::Status FieldViolations::ToStatus() const {
  if (violations_.empty()) return absl::OkStatus();
  return InvalidArgumentWith(violations_);
}

absl::Status InvalidField(absl::string_view field, absl::string_view description) {
  return InvalidArgumentWith({{std::string(field), std::string(description)}});
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
  const std::string message(status.message());
  std::vector<FieldViolation> violations = FieldViolationsOf(status);
  if (violations.empty()) return grpc::Status(code, message);
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
