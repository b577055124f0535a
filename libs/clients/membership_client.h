#ifndef COALITION_LIBS_CLIENTS_MEMBERSHIP_CLIENT_H_
#define COALITION_LIBS_CLIENTS_MEMBERSHIP_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include <grpcpp/channel.h>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "libs/cache/cache.h"
#include "libs/clients/membership.h"

namespace coalition::clients {

// Membership asked over gRPC, with this service's own service-account key, on a channel made
// by NewPeerChannel (libs/clients/peer_call.h): each call carries the caller's remaining
// deadline (never more than `deadline`), its cancellation and its request id, and an
// UNAVAILABLE answer is retried by the channel's retry policy, nothing else.
//
// Answers that are read often and change rarely are kept in the cache for `cache_ttl`: a member
// who leaves a coalition can therefore still be named in a new commitment for that long, which
// the callers accept. A missed deadline is UNAVAILABLE, as membership not answering is.
class MembershipClient final : public Membership {
 public:
  struct Options {
    std::string service_key;                     // this service's service-account key
    absl::Duration deadline = absl::Seconds(2);  // for all attempts of one call together
    absl::Duration cache_ttl = absl::Seconds(30);
  };
  MembershipClient(std::shared_ptr<grpc::Channel> channel, cache::Cache& cache, Options options);

  // Cached.
  absl::StatusOr<coalition::membership::v1::CheckMembershipResponse> CheckMembership(
      absl::string_view coalition, absl::string_view person) override;

  // Cached.
  absl::StatusOr<coalition::membership::v1::Coalition> GetCoalition(
      absl::string_view name) override;
  absl::StatusOr<coalition::membership::v1::Team> GetTeam(absl::string_view name) override;
  absl::StatusOr<coalition::membership::v1::MeasurableAim> GetMeasurableAim(
      absl::string_view name) override;
  absl::StatusOr<coalition::membership::v1::Actor> GetActor(absl::string_view name) override;

  // Each person cached; only the misses are asked, at most 500 a call.
  absl::StatusOr<std::vector<coalition::membership::v1::Person>> BatchGetPeople(
      absl::string_view network, const std::vector<std::string>& names) override;

  // Never cached, and the actor's cached answer is dropped. For the outbox, so it waits
  // (within the deadline) for a connection to membership rather than failing at once.
  absl::StatusOr<coalition::membership::v1::Actor> RecordActorObservation(
      const coalition::membership::v1::RecordActorObservationRequest& request) override;

 private:
  std::unique_ptr<coalition::membership::v1::MembershipService::Stub> stub_;
  cache::Cache& cache_;
  Options options_;
};

}  // namespace coalition::clients

#endif  // COALITION_LIBS_CLIENTS_MEMBERSHIP_CLIENT_H_
