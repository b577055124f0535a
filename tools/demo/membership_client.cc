#include "tools/demo/membership_client.h"

#include <algorithm>
#include <cstdio>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"

namespace coalition::demo {

std::shared_ptr<grpc::Channel> DialMembership(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 250);
  args.SetInt(GRPC_ARG_MIN_RECONNECT_BACKOFF_MS, 250);
  args.SetInt(GRPC_ARG_MAX_RECONNECT_BACKOFF_MS, 2000);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

MembershipClient::MembershipClient(std::shared_ptr<grpc::Channel> channel,
                                   absl::string_view api_key, CallPolicy policy)
    : channel_(std::move(channel)),
      stub_(v1::MembershipService::NewStub(channel_)),
      authorization_(absl::StrCat("Bearer ", api_key)),
      policy_(policy) {}

void MembershipClient::Prepare(grpc::ClientContext& ctx, absl::Duration deadline,
                               absl::string_view request_id) const {
  ctx.set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  ctx.AddMetadata("authorization", authorization_);
  if (!request_id.empty()) ctx.AddMetadata("x-request-id", std::string(request_id));
}

absl::Status MembershipClient::WithRetries(
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
    std::fprintf(stderr, "  membership service unavailable (%s); retry %d within %s\n",
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

absl::StatusOr<v1::ImportRosterResponse> MembershipClient::ImportRoster(
    const std::string& parent, const std::string& request_id,
    const std::vector<v1::RosterRow>& rows, int rows_per_message) {
  v1::ImportRosterResponse response;
  const size_t chunk = static_cast<size_t>(std::max(1, rows_per_message));
  absl::Status status =
      WithRetries(policy_.stream_deadline, request_id, [&](grpc::ClientContext& ctx) {
        response.Clear();
        auto writer = stub_->ImportRoster(&ctx, &response);
        for (size_t start = 0; start == 0 || start < rows.size(); start += chunk) {
          v1::ImportRosterRequest message;
          if (start == 0) {
            message.set_parent(parent);
            message.set_request_id(request_id);
          }
          for (size_t i = start; i < std::min(rows.size(), start + chunk); ++i) {
            *message.add_rows() = rows[i];
          }
          // A failed write means the server has ended the call; Finish says why.
          if (!writer->Write(message)) break;
        }
        writer->WritesDone();
        return writer->Finish();
      });
  if (!status.ok()) return status;
  return response;
}

}  // namespace coalition::demo
