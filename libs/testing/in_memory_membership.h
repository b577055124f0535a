#ifndef COALITION_LIBS_TESTING_IN_MEMORY_MEMBERSHIP_H_
#define COALITION_LIBS_TESTING_IN_MEMORY_MEMBERSHIP_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "libs/clients/membership.h"

namespace coalition::testing {

// Membership as the other services see it (clients::Membership), held in memory, for the unit
// tests of a service that asks it: the world of a test is data added here, and what the service
// told membership is read back. Names are made as membership makes them. Thread-safe: the
// service calls it from its handler threads while the test adds to it.
//
// Answers as membership does for what it holds: NOT_FOUND "<name> does not exist" for a
// resource it does not hold, CheckMembership not active for a person who is no member, and
// BatchGetPeople's INVALID_ARGUMENT (clients::CheckPeopleNames). It checks no key and keeps no
// map of actors: RecordActorObservation remembers the request (once per request_id) and
// answers with the actor it named, or a new one for the person.
class InMemoryMembership final : public clients::Membership {
 public:
  // The world. Each returns the resource as stored, named under its parent
  // (networks/{n}, networks/{n}/coalitions/{c}).
  coalition::membership::v1::Coalition AddCoalition(const std::string& network,
                                                    const std::string& display_name,
                                                    const std::string& state);
  coalition::membership::v1::Organization AddOrganization(const std::string& network,
                                                          const std::string& display_name);
  coalition::membership::v1::Person AddPerson(const std::string& network,
                                              const std::string& display_name,
                                              const std::string& organization = "");
  // `person` (or an organization) becomes an active member of `coalition` in `role`.
  void AddMembership(
      const std::string& coalition, const std::string& member,
      coalition::membership::v1::MembershipRole role = coalition::membership::v1::MEMBER);
  coalition::membership::v1::Team AddTeam(const std::string& coalition,
                                          coalition::membership::v1::Team team);
  coalition::membership::v1::MeasurableAim AddAim(const std::string& coalition,
                                                  coalition::membership::v1::MeasurableAim aim);
  coalition::membership::v1::Actor AddActor(const std::string& coalition,
                                            coalition::membership::v1::Actor actor);
  void SetDefaultNorms(const std::string& coalition, const std::vector<std::string>& norms);

  // From now on every call fails with `status` (OK: answers again), as MembershipClient fails
  // when membership is down or refuses the service's key.
  void FailEveryCall(absl::Status status);

  // What RecordActorObservation was told, once per request_id, in order.
  std::vector<coalition::membership::v1::RecordActorObservationRequest> Observations() const;

  absl::StatusOr<coalition::membership::v1::CheckMembershipResponse> CheckMembership(
      absl::string_view coalition, absl::string_view person) override;
  absl::StatusOr<coalition::membership::v1::Coalition> GetCoalition(
      absl::string_view name) override;
  absl::StatusOr<coalition::membership::v1::Team> GetTeam(absl::string_view name) override;
  absl::StatusOr<coalition::membership::v1::MeasurableAim> GetMeasurableAim(
      absl::string_view name) override;
  absl::StatusOr<coalition::membership::v1::Actor> GetActor(absl::string_view name) override;
  absl::StatusOr<std::vector<coalition::membership::v1::Person>> BatchGetPeople(
      absl::string_view network, const std::vector<std::string>& names) override;
  absl::StatusOr<coalition::membership::v1::Actor> RecordActorObservation(
      const coalition::membership::v1::RecordActorObservationRequest& request) override;

 private:
  mutable absl::Mutex mu_;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, coalition::membership::v1::Coalition> coalitions_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, coalition::membership::v1::Organization> organizations_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, coalition::membership::v1::Person> people_ ABSL_GUARDED_BY(mu_);
  // By coalition, then member.
  absl::flat_hash_map<std::string,
                      absl::flat_hash_map<std::string, coalition::membership::v1::MembershipRole>>
      members_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, coalition::membership::v1::Team> teams_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, coalition::membership::v1::MeasurableAim> aims_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, coalition::membership::v1::Actor> actors_ ABSL_GUARDED_BY(mu_);
  std::vector<coalition::membership::v1::RecordActorObservationRequest> observations_
      ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, std::string> observed_actor_ ABSL_GUARDED_BY(mu_);
};

}  // namespace coalition::testing

#endif  // COALITION_LIBS_TESTING_IN_MEMORY_MEMBERSHIP_H_
