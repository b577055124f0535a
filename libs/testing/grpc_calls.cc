#include "libs/testing/grpc_calls.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"

namespace coalition::testing {

std::unique_ptr<grpc::ClientContext> CallContext(const std::string& secret,
                                                 absl::Duration deadline) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!secret.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", secret));
  context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  return context;
}

std::string StatusCodeName(grpc::StatusCode code) {
  return absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
}

std::vector<std::string> ViolatedFields(const grpc::Status& status) {
  std::vector<std::string> fields;
  google::rpc::Status details;
  if (status.error_details().empty() || !details.ParseFromString(status.error_details())) {
    return fields;
  }
  for (const auto& any : details.details()) {
    google::rpc::BadRequest bad_request;
    if (!any.UnpackTo(&bad_request)) continue;
    for (const auto& violation : bad_request.field_violations()) {
      fields.push_back(violation.field());
    }
  }
  return fields;
}

}  // namespace coalition::testing

namespace grpc {
void PrintTo(const Status& status, std::ostream* os) {
  *os << coalition::testing::StatusCodeName(status.error_code());
  if (!status.error_message().empty()) *os << ": " << status.error_message();
}
}  // namespace grpc
