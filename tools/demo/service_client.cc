#include "tools/demo/service_client.h"

#include <algorithm>
#include <cstdio>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace coalition::demo {

std::shared_ptr<grpc::Channel> DialService(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 250);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 250);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

CallRunner::CallRunner(std::shared_ptr<grpc::Channel> channel, absl::string_view api_key,
                       absl::string_view service, CallPolicy policy)
    : channel_(std::move(channel)),
      authorization_(absl::StrCat("Bearer ", api_key)),
      service_(service),
      policy_(policy) {}

void CallRunner::Prepare(grpc::ClientContext& ctx, absl::Duration deadline,
                         absl::string_view request_id) const {
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  ctx.AddMetadata("authorization", authorization_);
  if (!request_id.empty()) ctx.AddMetadata("x-request-id", std::string(request_id));
}

absl::Status CallRunner::WithRetries(
    absl::Duration deadline, absl::string_view request_id,
    absl::FunctionRef<grpc::Status(grpc::ClientContext&)> attempt) {
  absl::Duration backoff = policy_.first_backoff;
  for (int attempt_number = 1;; ++attempt_number) {
    grpc::ClientContext ctx;
    Prepare(ctx, deadline, request_id);
    const grpc::Status status = attempt(ctx);
    if (status.error_code() != grpc::StatusCode::UNAVAILABLE ||
        attempt_number >= policy_.max_attempts) {
      return FromGrpcStatus(status);
    }
    std::fprintf(stderr, "  %s service unavailable (%s); retry %d within %s\n", service_.c_str(),
                 status.error_message().c_str(), attempt_number,
                 absl::FormatDuration(backoff).c_str());
    // A server that refuses while connected (draining, overloaded) gets the full backoff; one
    // that is not listening yet is retried as soon as the channel connects to it.
    if (channel_->GetState(/*try_to_connect=*/false) == GRPC_CHANNEL_READY) {
      absl::SleepFor(backoff);
    } else {
      channel_->WaitForConnected(absl::ToChronoTime(absl::Now() + backoff));
    }
    backoff = std::min(backoff * 2, policy_.max_backoff);
  }
}

}  // namespace coalition::demo
