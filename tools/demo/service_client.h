#ifndef COALITION_TOOLS_DEMO_SERVICE_CLIENT_H_
#define COALITION_TOOLS_DEMO_SERVICE_CLIENT_H_

#include <memory>
#include <string>
#include <utility>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/status.h>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace coalition::demo {

// How calls are made: every call has a deadline, and UNAVAILABLE (the server still starting,
// or restarting) is retried with exponential backoff.
struct CallPolicy {
  absl::Duration deadline = absl::Seconds(10);
  absl::Duration stream_deadline = absl::Seconds(60);
  int max_attempts = 12;  // with the backoff below, about 18 s of waiting in all
  absl::Duration first_backoff = absl::Milliseconds(250);
  absl::Duration max_backoff = absl::Seconds(2);
};

// A plaintext channel that retries connecting every 250 ms to 2 s (by default gRPC backs off to
// two minutes), so a loader started beside a server that is still starting begins soon after
// the server listens.
std::shared_ptr<grpc::Channel> DialService(const std::string& target);

// The part of a client that does not depend on the service: the API key, deadlines,
// request-id metadata and retries.
class CallRunner {
 public:
  // `service` names the service in progress messages ("membership").
  CallRunner(std::shared_ptr<grpc::Channel> channel, absl::string_view api_key,
             absl::string_view service, CallPolicy policy);

  const CallPolicy& policy() const { return policy_; }

  // Calls that create something pass their request id along as x-request-id, so the server's
  // audit log shows it. After UNAVAILABLE it waits for the channel to connect (at most the
  // backoff) and tries again.
  absl::Status WithRetries(absl::Duration deadline, absl::string_view request_id,
                           absl::FunctionRef<grpc::Status(grpc::ClientContext&)> attempt);

 protected:
  const std::shared_ptr<grpc::Channel>& channel() const { return channel_; }

 private:
  void Prepare(grpc::ClientContext& ctx, absl::Duration deadline,
               absl::string_view request_id) const;

  std::shared_ptr<grpc::Channel> channel_;
  std::string authorization_;
  std::string service_;
  CallPolicy policy_;
};

// A client of one gRPC service (`Service` is the generated service class) that authenticates
// with an API key: client.Call(&Stub::GetMeeting, request).
template <typename Service>
class ServiceClient : public CallRunner {
 public:
  using Stub = typename Service::StubInterface;
  template <typename Request, typename Response>
  using Method = grpc::Status (Stub::*)(grpc::ClientContext*, const Request&, Response*);

  ServiceClient(std::shared_ptr<grpc::Channel> channel, absl::string_view api_key,
                absl::string_view service, CallPolicy policy = {})
      : CallRunner(channel, api_key, service, policy), stub_(Service::NewStub(channel)) {}

  template <typename Request, typename Response>
  absl::StatusOr<Response> Call(Method<Request, Response> method, const Request& request,
                                absl::string_view request_id = "") {
    Response response;
    absl::Status status = WithRetries(policy().deadline, request_id, [&](grpc::ClientContext& ctx) {
      response.Clear();
      return (stub_.get()->*method)(&ctx, request, &response);
    });
    if (!status.ok()) return status;
    return response;
  }

 protected:
  Stub& stub() { return *stub_; }

 private:
  std::unique_ptr<Stub> stub_;
};

}  // namespace coalition::demo

#endif  // COALITION_TOOLS_DEMO_SERVICE_CLIENT_H_
