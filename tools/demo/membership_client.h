#ifndef COALITION_TOOLS_DEMO_MEMBERSHIP_CLIENT_H_
#define COALITION_TOOLS_DEMO_MEMBERSHIP_CLIENT_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"

namespace coalition::demo {

namespace v1 = ::coalition::membership::v1;

// How calls are made: every call has a deadline, and UNAVAILABLE (the server still starting,
// or restarting) is retried with exponential backoff.
struct CallPolicy {
  absl::Duration deadline = absl::Seconds(10);
  absl::Duration stream_deadline = absl::Seconds(60);
  int max_attempts = 12;  // with the backoff below, about 18 s of waiting in all
  absl::Duration first_backoff = absl::Milliseconds(250);
  absl::Duration max_backoff = absl::Seconds(2);
};

// A plaintext channel to the membership service that retries connecting every 250 ms to 2 s
// (by default gRPC backs off to two minutes), so a loader started beside a server that is still
// starting begins soon after the server listens.
std::shared_ptr<grpc::Channel> DialMembership(const std::string& target);

// A MembershipService client that authenticates with an API key. Calls that create something
// pass their request id along as x-request-id, so the server's audit log shows it. After
// UNAVAILABLE it waits for the channel to connect (at most the backoff) and tries again.
class MembershipClient {
 public:
  using Stub = v1::MembershipService::StubInterface;
  template <typename Request, typename Response>
  using Method = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

  MembershipClient(std::shared_ptr<grpc::Channel> channel, absl::string_view api_key,
                   CallPolicy policy = {});

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(Method<Request, Response> method, const Request& request,
                                absl::string_view request_id = "") {
    Response response;
    absl::Status status = WithRetries(policy_.deadline, request_id, [&](grpc::ClientContext& ctx) {
      response.Clear();
      return (stub_.get()->*method)(&ctx, request, &response);
    });
    if (!status.ok()) return status;
    return response;
  }

  // Streams the rows to ImportRoster, `rows_per_message` at a time; the first message carries
  // the parent and request id. A retry sends every row again: rows are matched by email.
  absl::StatusOr<v1::ImportRosterResponse> ImportRoster(const std::string& parent,
                                                        const std::string& request_id,
                                                        const std::vector<v1::RosterRow>& rows,
                                                        int rows_per_message = 100);

 private:
  absl::Status WithRetries(absl::Duration deadline, absl::string_view request_id,
                           absl::FunctionRef<grpc::Status(grpc::ClientContext&)> attempt);
  void Prepare(grpc::ClientContext& ctx, absl::Duration deadline,
               absl::string_view request_id) const;

  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<Stub> stub_;
  std::string authorization_;
  CallPolicy policy_;
};

}  // namespace coalition::demo

#endif  // COALITION_TOOLS_DEMO_MEMBERSHIP_CLIENT_H_
