#ifndef COALITION_LIBS_CLIENTS_MEMBERSHIP_AUTHENTICATOR_H_
#define COALITION_LIBS_CLIENTS_MEMBERSHIP_AUTHENTICATOR_H_

#include <memory>
#include <string>

#include <grpcpp/channel.h>

#include "absl/time/time.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "libs/auth/caller.h"
#include "libs/core/clock.h"

namespace coalition::clients {

// Authenticates callers of the services other than membership by asking membership
// (IntrospectApiKey) with the service's own key. Wrap it in auth::CachingAuthenticator, as
// NewMembershipAuthenticator does, so that there is no round trip per call.
//
// Give it a channel made by NewPeerChannel (libs/clients/peer_call.h), which retries
// UNAVAILABLE; each call carries the caller's remaining deadline (never more than `deadline`),
// its cancellation and its request id, as every call to another service does.
class IntrospectingAuthenticator final : public auth::Authenticator {
 public:
  struct Options {
    std::string service_key;                     // this service's own service-account key
    absl::Duration deadline = absl::Seconds(2);  // for all attempts of one call together
  };
  IntrospectingAuthenticator(std::shared_ptr<grpc::Channel> channel, Options options);

  // UNAUTHENTICATED for an unknown or revoked key; UNAVAILABLE when membership cannot answer.
  absl::StatusOr<auth::Caller> Authenticate(absl::string_view secret) override;

 private:
  std::unique_ptr<coalition::membership::v1::MembershipService::Stub> stub_;
  Options options_;
};

// The authenticator a service other than membership uses: introspection, remembered for 30 s.
std::unique_ptr<auth::Authenticator> NewMembershipAuthenticator(
    std::shared_ptr<grpc::Channel> channel, IntrospectingAuthenticator::Options options,
    const Clock* clock);

}  // namespace coalition::clients

#endif  // COALITION_LIBS_CLIENTS_MEMBERSHIP_AUTHENTICATOR_H_
