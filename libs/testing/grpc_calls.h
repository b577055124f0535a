#ifndef COALITION_LIBS_TESTING_GRPC_CALLS_H_
#define COALITION_LIBS_TESTING_GRPC_CALLS_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"

// What tests of the gRPC services share: contexts for their calls and matchers of the status.
namespace coalition::testing {

// A context with `deadline` that authenticates with the API key `secret` ("authorization:
// Bearer <secret>"), or with no credentials when `secret` is empty.
std::unique_ptr<grpc::ClientContext> CallContext(const std::string& secret,
                                                 absl::Duration deadline = absl::Seconds(10));

// The fields named by the google.rpc.BadRequest in a status's error details, in order.
std::vector<std::string> ViolatedFields(const grpc::Status& status);

// "NOT_FOUND" etc., for matcher descriptions.
std::string StatusCodeName(grpc::StatusCode code);

MATCHER(IsOk, "is OK") {
  if (arg.ok()) return true;
  *result_listener << StatusCodeName(arg.error_code()) << ": " << arg.error_message();
  return false;
}

MATCHER_P(HasCode, code, std::string(negation ? "is not " : "is ") + StatusCodeName(code)) {
  if (arg.error_code() == code) return true;
  *result_listener << StatusCodeName(arg.error_code()) << ": " << arg.error_message();
  return false;
}

// INVALID_ARGUMENT whose field violations name exactly `field`.
MATCHER_P(InvalidArgumentOn, field, std::string("INVALID_ARGUMENT on ") + field) {
  const std::vector<std::string> fields = ViolatedFields(arg);
  if (arg.error_code() == grpc::StatusCode::INVALID_ARGUMENT && fields.size() == 1 &&
      fields[0] == field) {
    return true;
  }
  *result_listener << StatusCodeName(arg.error_code()) << ", violations ["
                   << absl::StrJoin(fields, ", ") << "]: " << arg.error_message();
  return false;
}

}  // namespace coalition::testing

namespace grpc {
// Lets gtest print a status as its code and message rather than as bytes.
void PrintTo(const Status& status, std::ostream* os);
}  // namespace grpc

#endif  // COALITION_LIBS_TESTING_GRPC_CALLS_H_
