#ifndef COALITION_LIBS_CLIENTS_MEMBERSHIP_H_
#define COALITION_LIBS_CLIENTS_MEMBERSHIP_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "coalition/membership/v1/membership_service.pb.h"

namespace coalition::clients {

// What the other services ask membership. MembershipClient asks it over gRPC; tests use
// testing::InMemoryMembership (libs/testing/in_memory_membership.h).
//
// Errors: NOT_FOUND and INVALID_ARGUMENT pass through with membership's message; UNAVAILABLE
// when membership cannot answer, or when it refuses this service's own key (a deployment
// fault the caller cannot fix, and one a retry after the fix succeeds).
class Membership {
 public:
  virtual ~Membership() = default;

  // Whether `person` (networks/{n}/people/{p}) is an active member of `coalition`
  // (networks/{n}/coalitions/{c}), and in which role. NOT_FOUND when there is no such
  // coalition; someone who is not a member is an answer (not active), not an error.
  virtual absl::StatusOr<coalition::membership::v1::CheckMembershipResponse> CheckMembership(
      absl::string_view coalition, absl::string_view person) = 0;

  // NOT_FOUND when there is no such resource.
  virtual absl::StatusOr<coalition::membership::v1::Coalition> GetCoalition(
      absl::string_view name) = 0;
  virtual absl::StatusOr<coalition::membership::v1::Team> GetTeam(absl::string_view name) = 0;
  virtual absl::StatusOr<coalition::membership::v1::MeasurableAim> GetMeasurableAim(
      absl::string_view name) = 0;
  virtual absl::StatusOr<coalition::membership::v1::Actor> GetActor(absl::string_view name) = 0;

  // People of `network` (networks/{n}) in the order asked. INVALID_ARGUMENT naming the
  // caller's index (CheckPeopleNames) before anything is asked; NOT_FOUND naming the first
  // person that does not exist.
  virtual absl::StatusOr<std::vector<coalition::membership::v1::Person>> BatchGetPeople(
      absl::string_view network, const std::vector<std::string>& names) = 0;

  // What a one-to-one learned about an actor, merged into membership's map; idempotent by the
  // request's request_id, so a delivery retried after a lost answer is applied once. Returns
  // the actor as it is afterwards.
  virtual absl::StatusOr<coalition::membership::v1::Actor> RecordActorObservation(
      const coalition::membership::v1::RecordActorObservationRequest& request) = 0;
};

// INVALID_ARGUMENT naming "parent" or "names[i]" when `network` is not a network's name or a
// name is not one of its people's, as BatchGetPeople checks them.
absl::Status CheckPeopleNames(absl::string_view network, const std::vector<std::string>& names);

}  // namespace coalition::clients

#endif  // COALITION_LIBS_CLIENTS_MEMBERSHIP_H_
