#include "libs/clients/peer_call.h"

#include <utility>

#include <grpc/grpc.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/support/channel_arguments.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/server/call_context.h"
#include "libs/telemetry/log.h"

namespace coalition::clients {
namespace {

// A duration as the service config's JSON writes it ("0.050s").
std::string JsonDuration(absl::Duration duration) {
  return absl::StrFormat("%.3fs", absl::ToDoubleSeconds(duration));
}

}  // namespace

std::string PeerServiceConfigJson(const PeerRetryPolicy& policy) {
  // An empty name is the default method config: every method of every service on the channel.
  return absl::StrCat(R"({"methodConfig":[{"name":[{}],"retryPolicy":{"maxAttempts":)",
                      policy.max_attempts, R"(,"initialBackoff":")",
                      JsonDuration(policy.initial_backoff), R"(","maxBackoff":")",
                      JsonDuration(policy.max_backoff), R"(","backoffMultiplier":)",
                      policy.backoff_multiplier, R"(,"retryableStatusCodes":["UNAVAILABLE"]}}]})");
}

std::shared_ptr<grpc::Channel> NewPeerChannel(const std::string& target,
                                              std::shared_ptr<grpc::ChannelCredentials> credentials,
                                              const PeerRetryPolicy& policy) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_ENABLE_RETRIES, 1);
  args.SetInt(GRPC_ARG_SERVICE_CONFIG_DISABLE_RESOLUTION, 1);
  args.SetServiceConfigJSON(PeerServiceConfigJson(policy));
  return grpc::CreateCustomChannel(target, std::move(credentials), args);
}

std::unique_ptr<grpc::ClientContext> NewPeerCallContext(absl::string_view service_key,
                                                        absl::Duration deadline) {
  const grpc::CallbackServerContext* incoming = server::CurrentServerCall();
  // The propagated deadline is applied when the call starts, as the earlier of the two.
  std::unique_ptr<grpc::ClientContext> context =
      incoming != nullptr ? grpc::ClientContext::FromCallbackServerContext(*incoming)
                          : std::make_unique<grpc::ClientContext>();
  context->set_deadline(absl::ToChronoTime(absl::Now() + deadline));
  context->AddMetadata("authorization", absl::StrCat("Bearer ", service_key));
  const absl::string_view request_id = telemetry::CurrentRequestId();
  if (!request_id.empty()) context->AddMetadata(server::kRequestIdKey, std::string(request_id));
  return context;
}

}  // namespace coalition::clients
