#include "libs/server/unary.h"

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/server/call_context.h"
#include "libs/telemetry/grpc_metrics.h"

namespace coalition::server::internal {
namespace {

bool IsServerFault(absl::StatusCode code) {
  return code == absl::StatusCode::kInternal || code == absl::StatusCode::kUnknown ||
         code == absl::StatusCode::kDataLoss;
}

}  // namespace

UnaryCall::UnaryCall(grpc::CallbackServerContext* ctx, std::chrono::steady_clock::time_point start)
    : ctx_(ctx), method_(MethodOf(ctx)), start_(start), current_call_(ctx) {
  std::string id = RequestIdOf(ctx);
  if (method_.empty()) {
    // No call-context interceptor on this server: echo the id here instead.
    if (id.empty()) id = NewRequestId();
    ctx->AddInitialMetadata(kRequestIdKey, id);
  }
  request_id_.emplace(std::move(id));
}

bool UnaryCall::cancelled() const { return ctx_->IsCancelled(); }

grpc::Status UnaryCall::Finish(const absl::Status& status) {
  const std::chrono::duration<double, std::milli> elapsed =
      std::chrono::steady_clock::now() - start_;
  const std::string code = telemetry::GrpcCodeName(static_cast<grpc::StatusCode>(status.code()));
  const std::string method = method_.empty() ? "unknown" : method_;
  if (!IsServerFault(status.code())) {
    telemetry::LogInfo("request",
                       {{"method", method}, {"code", code}, {"duration_ms", elapsed.count()}});
    return ToGrpcStatus(status);
  }
  telemetry::LogError("request", {{"method", method},
                                  {"code", code},
                                  {"duration_ms", elapsed.count()},
                                  {"error", std::string(status.message())}});
  return ToGrpcStatus(absl::Status(
      status.code(), absl::StrCat("internal error; request_id ", telemetry::CurrentRequestId())));
}

grpc::Status RefuseBusy(grpc::CallbackServerContext* ctx,
                        std::chrono::steady_clock::time_point start) {
  UnaryCall call(ctx, start);
  return call.Finish(BusyError());
}

}  // namespace coalition::server::internal

namespace coalition::server {

grpc::Status StreamStatus(grpc::CallbackServerContext* ctx,
                          std::chrono::steady_clock::time_point start, const absl::Status& status) {
  internal::UnaryCall call(ctx, start);
  return call.Finish(status);
}

}  // namespace coalition::server
