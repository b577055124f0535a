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
#include "libs/server/call_context.h"
#include "libs/server/executor.h"
#include "libs/telemetry/log.h"

namespace coalition::server {

namespace internal {

// The non-template part of FinishUnary.
class UnaryCall {
 public:
  // Settles the request id (echoing it when no interceptor did) and makes it and the call
  // current on this thread. `start` is when the call reached the handler, so the access log
  // counts the wait.
  UnaryCall(grpc::CallbackServerContext* ctx, std::chrono::steady_clock::time_point start);

  bool cancelled() const;
  // The one conversion to grpc::Status, plus the access log line.
  grpc::Status Finish(const absl::Status& status);

 private:
  grpc::CallbackServerContext* ctx_;
  std::string method_;
  std::chrono::steady_clock::time_point start_;
  std::optional<telemetry::ScopedRequestId> request_id_;
  ScopedServerCall current_call_;
};

// RESOURCE_EXHAUSTED for a call the handler executor has no room for, with its access log line.
grpc::Status RefuseBusy(grpc::CallbackServerContext* ctx,
                        std::chrono::steady_clock::time_point start);

}  // namespace internal

// The final status of a streaming call, converted and logged exactly as FinishUnary's is: one
// access log line, and INTERNAL, UNKNOWN and DATA_LOSS masked. Called on the thread that
// finishes the stream, just before Finish; `start` is when the handler was called.
grpc::Status StreamStatus(grpc::CallbackServerContext* ctx,
                          std::chrono::steady_clock::time_point start, const absl::Status& status);

// Runs a unary handler's body on the handler executor and finishes the call with its status:
//
//   grpc::ServerUnaryReactor* GetNetwork(grpc::CallbackServerContext* ctx,
//                                        const GetNetworkRequest* request,
//                                        Network* response) override {
//     return server::FinishUnary(ctx, [=]() -> absl::Status { ... });
//   }
//
// The body runs after the handler has returned, so it must capture by value (`[=]`: the
// pointers stay valid until the call finishes); tests/source_rules checks every service.
// It runs on HandlerExecutor(), never on a gRPC callback thread, so it may block on the store
// or a peer; when the executor's queue is full the call gets RESOURCE_EXHAUSTED without running
// it. It runs with the call's request id current (log lines carry it) and is skipped, finishing
// CANCELLED, when the client has already gone. While it runs the call is this thread's current
// server call, so calls to other services inherit its deadline and cancellation
// (libs/clients/peer_call.h). Its status becomes a grpc::Status once, through
// coalition::ToGrpcStatus (field violations travel as google.rpc.BadRequest). INTERNAL, UNKNOWN
// and DATA_LOSS reach the client only as "internal error" with the request id; the message is
// logged instead, since it may name tables or hosts. Each call writes one access log line.
template <class Fn>
grpc::ServerUnaryReactor* FinishUnary(grpc::CallbackServerContext* ctx, Fn&& body) {
  grpc::ServerUnaryReactor* reactor = ctx->DefaultReactor();
  const auto start = std::chrono::steady_clock::now();
  const bool queued =
      HandlerExecutor().TrySubmit([ctx, reactor, start, body = std::forward<Fn>(body)]() mutable {
        grpc::Status status;
        {
          internal::UnaryCall call(ctx, start);
          status =
              call.Finish(call.cancelled() ? absl::CancelledError("the client cancelled the call")
                                           : absl::Status(body()));
        }
        reactor->Finish(status);
      });
  if (!queued) reactor->Finish(internal::RefuseBusy(ctx, start));
  return reactor;
}

}  // namespace coalition::server

#endif  // COALITION_LIBS_SERVER_UNARY_H_
