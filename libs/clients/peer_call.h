#ifndef COALITION_LIBS_CLIENTS_PEER_CALL_H_
#define COALITION_LIBS_CLIENTS_PEER_CALL_H_

#include <memory>
#include <string>

#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/security/credentials.h>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

// How a service calls another one (docs/architecture.md, "Calling another service"). Every
// client in libs/clients makes its channel and each call's context here, so that they all
// retry, time out, cancel and identify themselves the same way.
namespace coalition::clients {

// How a call that the peer answered UNAVAILABLE is tried again: by gRPC's retry policy on the
// channel, with exponential backoff, all attempts within the one deadline of the call. No other
// code is retried: only UNAVAILABLE says that the peer did not act and may answer later.
struct PeerRetryPolicy {
  int max_attempts = 3;  // the first one included; gRPC caps it at 5
  absl::Duration initial_backoff = absl::Milliseconds(50);
  absl::Duration max_backoff = absl::Milliseconds(500);
  double backoff_multiplier = 2;
};

// The service config that sets `policy` on every method of a channel (grpc.service_config).
std::string PeerServiceConfigJson(const PeerRetryPolicy& policy);

// A channel to the peer at `target` ("host:port") that retries by `policy`. The service config
// is the channel's own: one that a DNS resolver might publish is not looked up.
std::shared_ptr<grpc::Channel> NewPeerChannel(const std::string& target,
                                              std::shared_ptr<grpc::ChannelCredentials> credentials,
                                              const PeerRetryPolicy& policy = {});

// The context of one call to a peer, with this service's key as its bearer credential and the
// current request id (telemetry::CurrentRequestId) as its x-request-id, so that the peer's logs
// join this call's.
//
// Inside a handler body (server::CurrentServerCall) the call is a child of the server call: its
// deadline is the earlier of the server call's and `deadline` from now, and it is cancelled
// when the server call is (its client went away or ran out of time), so no work goes on for an
// answer nobody waits for. Elsewhere (background work) `deadline` from now applies alone.
std::unique_ptr<grpc::ClientContext> NewPeerCallContext(absl::string_view service_key,
                                                        absl::Duration deadline);

}  // namespace coalition::clients

#endif  // COALITION_LIBS_CLIENTS_PEER_CALL_H_
