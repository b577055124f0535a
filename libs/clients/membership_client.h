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

namespace coalition::clients {

// What the other services ask membership, with this service's own service-account key.
//
// Every call has a deadline and is retried, with a short backoff, only when membership answers
// UNAVAILABLE (nothing else can succeed on a retry). Answers that are read often and change
// rarely are kept in the cache for `cache_ttl`: a member who leaves a coalition can therefore
// still be named in a new commitment for that long, which the callers accept.
//
// Errors: NOT_FOUND and INVALID_ARGUMENT pass through with membership's message; UNAVAILABLE
// when membership cannot answer, or when it refuses this service's own key (a deployment
// fault the caller cannot fix, and one a retry after the fix succeeds).
class MembershipClient {
 public:
  struct Options {
    std::string service_key;  // this service's service-account key
    absl::Duration deadline = absl::Seconds(2);
    int attempts = 3;
    absl::Duration cache_ttl = absl::Seconds(30);
  };
  MembershipClient(std::shared_ptr<grpc::Channel> channel, cache::Cache& cache, Options options);

  // Whether `person` (networks/{n}/people/{p}) is an active member of `coalition`
  // (networks/{n}/coalitions/{c}), and in which role. Cached.
  absl::StatusOr<coalition::membership::v1::CheckMembershipResponse> CheckMembership(
      absl::string_view coalition, absl::string_view person);

  // Cached. NOT_FOUND when there is no such resource.
  absl::StatusOr<coalition::membership::v1::Coalition> GetCoalition(absl::string_view name);
  absl::StatusOr<coalition::membership::v1::Team> GetTeam(absl::string_view name);
  absl::StatusOr<coalition::membership::v1::MeasurableAim> GetMeasurableAim(absl::string_view name);
  absl::StatusOr<coalition::membership::v1::Actor> GetActor(absl::string_view name);

  // People of `network` (networks/{n}) in the order asked; each one cached. NOT_FOUND naming
  // the first one that does not exist.
  absl::StatusOr<std::vector<coalition::membership::v1::Person>> BatchGetPeople(
      absl::string_view network, const std::vector<std::string>& names);

  // What a one-to-one learned about an actor; idempotent by the request's request_id, so a
  // delivery retried after a lost answer is applied once. Never cached. For the outbox, so it
  // waits (within the deadline) for a connection to membership rather than failing at once.
  absl::StatusOr<coalition::membership::v1::Actor> RecordActorObservation(
      const coalition::membership::v1::RecordActorObservationRequest& request);

 private:
  std::unique_ptr<coalition::membership::v1::MembershipService::Stub> stub_;
  cache::Cache& cache_;
  Options options_;
};

}  // namespace coalition::clients

#endif  // COALITION_LIBS_CLIENTS_MEMBERSHIP_CLIENT_H_
