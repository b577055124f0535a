#ifndef COALITION_LIBS_SERVER_UNARY_H_
#define COALITION_LIBS_SERVER_UNARY_H_

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>
#include <grpcpp/support/status.h>

#include "absl/status/status.h"
#include "libs/telemetry/log.h"

namespace coalition::server {

namespace internal {

// The non-template part of FinishUnary.
class UnaryCall {
 public:
  // Settles the request id (echoing it when no interceptor did) and makes it current.
  explicit UnaryCall(grpc::CallbackServerContext* ctx);

  bool cancelled() const;
  // The one conversion to grpc::Status, plus the access log line.
  grpc::Status Finish(const absl::Status& status);

 private:
  grpc::CallbackServerContext* ctx_;
  std::string method_;
  std::chrono::steady_clock::time_point start_;
  std::optional<telemetry::ScopedRequestId> request_id_;
};

}  // namespace internal

// Runs a unary handler's body and finishes the call with its status:
//
//   grpc::ServerUnaryReactor* GetNetwork(grpc::CallbackServerContext* ctx,
//                                        const GetNetworkRequest* request,
//                                        Network* response) override {
//     return server::FinishUnary(ctx, [&]() -> absl::Status { ... });
//   }
//
// The body runs on the calling thread with the call's request id current (log lines carry
// it) and is skipped, finishing CANCELLED, when the client has already gone. Its status becomes
// a grpc::Status once, through coalition::ToGrpcStatus (field violations travel as
// google.rpc.BadRequest). INTERNAL, UNKNOWN and DATA_LOSS reach the client only as "internal
// error" with the request id; the message is logged instead, since it may name tables or
// hosts. Each call writes one access log line.
template <class Fn>
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* ctx, Fn&& body) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  grpc::Status status;
  {
    internal::UnaryCall call(ctx);
    status = call.Finish(call.cancelled() ? absl::CancelledError("the client cancelled the call")
                                          : absl::Status(std::forward<Fn>(body)()));
  }
  reactor->Finish(status);
  return reactor;
}

}  // namespace coalition::server

#endif  // COALITION_LIBS_SERVER_UNARY_H_
