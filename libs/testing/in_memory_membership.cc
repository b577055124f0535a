#include "libs/testing/in_memory_membership.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"

namespace coalition::testing {
namespace {

namespace v1 = ::coalition::membership::v1;

std::string NewChild(absl::string_view parent, absl::string_view collection) {
  return absl::StrCat(parent, "/", collection, "/", NewResourceId());
}

absl::Status DoesNotExist(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(name, " does not exist"));
}

template <typename Resource>
absl::StatusOr<Resource> Find(const absl::flat_hash_map<std::string, Resource>& resources,
                              absl::string_view name) {
  auto it = resources.find(name);
  if (it == resources.end()) return DoesNotExist(name);
  return it->second;
}

}  // namespace

v1::Coalition InMemoryMembership::AddCoalition(const std::string& network,
                                               const std::string& display_name,
                                               const std::string& state) {
  v1::Coalition coalition;
  coalition.set_name(NewChild(network, "coalitions"));
  coalition.set_display_name(display_name);
  coalition.set_state(state);
  coalition.set_status(v1::ACTIVE);
  absl::MutexLock lock(&mu_);
  coalitions_[coalition.name()] = coalition;
  return coalition;
}

v1::Organization InMemoryMembership::AddOrganization(const std::string& network,
                                                     const std::string& display_name) {
  v1::Organization organization;
  organization.set_name(NewChild(network, "organizations"));
  organization.set_display_name(display_name);
  absl::MutexLock lock(&mu_);
  organizations_[organization.name()] = organization;
  return organization;
}

v1::Person InMemoryMembership::AddPerson(const std::string& network,
                                         const std::string& display_name,
                                         const std::string& organization) {
  v1::Person person;
  person.set_name(NewChild(network, "people"));
  person.set_display_name(display_name);
  person.set_organization(organization);
  absl::MutexLock lock(&mu_);
  people_[person.name()] = person;
  return person;
}

void InMemoryMembership::AddMembership(const std::string& coalition, const std::string& member,
                                       v1::MembershipRole role) {
  absl::MutexLock lock(&mu_);
  members_[coalition][member] = role;
}

v1::Team InMemoryMembership::AddTeam(const std::string& coalition, v1::Team team) {
  team.set_name(NewChild(coalition, "teams"));
  absl::MutexLock lock(&mu_);
  teams_[team.name()] = team;
  return team;
}

v1::MeasurableAim InMemoryMembership::AddAim(const std::string& coalition, v1::MeasurableAim aim) {
  aim.set_name(NewChild(coalition, "aims"));
  absl::MutexLock lock(&mu_);
  aims_[aim.name()] = aim;
  return aim;
}

v1::Actor InMemoryMembership::AddActor(const std::string& coalition, v1::Actor actor) {
  actor.set_name(NewChild(coalition, "actors"));
  absl::MutexLock lock(&mu_);
  actors_[actor.name()] = actor;
  return actor;
}

void InMemoryMembership::SetDefaultNorms(const std::string& coalition,
                                         const std::vector<std::string>& norms) {
  absl::MutexLock lock(&mu_);
  v1::Coalition& stored = coalitions_[coalition];
  stored.clear_default_norms();
  for (const std::string& norm : norms) stored.add_default_norms(norm);
}

void InMemoryMembership::FailEveryCall(absl::Status status) {
  absl::MutexLock lock(&mu_);
  failure_ = std::move(status);
}

std::vector<v1::RecordActorObservationRequest> InMemoryMembership::Observations() const {
  absl::MutexLock lock(&mu_);
  return observations_;
}

absl::StatusOr<v1::CheckMembershipResponse> InMemoryMembership::CheckMembership(
    absl::string_view coalition, absl::string_view person) {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(failure_);
  if (!coalitions_.contains(coalition)) return DoesNotExist(coalition);
  v1::CheckMembershipResponse response;
  auto members = members_.find(coalition);
  if (members == members_.end()) return response;
  auto member = members->second.find(person);
  if (member == members->second.end()) return response;
  response.set_active(true);
  response.set_role(member->second);
  response.set_membership(NewChild(coalition, "memberships"));
  return response;
}

absl::StatusOr<v1::Coalition> InMemoryMembership::GetCoalition(absl::string_view name) {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(failure_);
  return Find(coalitions_, name);
}

absl::StatusOr<v1::Team> InMemoryMembership::GetTeam(absl::string_view name) {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(failure_);
  return Find(teams_, name);
}

absl::StatusOr<v1::MeasurableAim> InMemoryMembership::GetMeasurableAim(absl::string_view name) {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(failure_);
  return Find(aims_, name);
}

absl::StatusOr<v1::Actor> InMemoryMembership::GetActor(absl::string_view name) {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(failure_);
  return Find(actors_, name);
}

absl::StatusOr<std::vector<v1::Person>> InMemoryMembership::BatchGetPeople(
    absl::string_view network, const std::vector<std::string>& names) {
  RETURN_IF_ERROR(clients::CheckPeopleNames(network, names));
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(failure_);
  std::vector<v1::Person> people;
  people.reserve(names.size());
  for (const std::string& name : names) {
    ASSIGN_OR_RETURN(v1::Person person, Find(people_, name));
    people.push_back(std::move(person));
  }
  return people;
}

absl::StatusOr<v1::Actor> InMemoryMembership::RecordActorObservation(
    const v1::RecordActorObservationRequest& request) {
  absl::MutexLock lock(&mu_);
  RETURN_IF_ERROR(failure_);
  auto applied = observed_actor_.find(request.request_id());
  if (applied != observed_actor_.end()) return actors_.at(applied->second);
  if (!coalitions_.contains(request.coalition())) return DoesNotExist(request.coalition());
  v1::Actor actor;
  if (!request.actor().empty()) {
    ASSIGN_OR_RETURN(actor, Find(actors_, request.actor()));
  } else {
    ASSIGN_OR_RETURN(v1::Person person, Find(people_, request.person()));
    actor.set_name(NewChild(request.coalition(), "actors"));
    actor.set_display_name(person.display_name());
    actor.set_person(person.name());
    actors_[actor.name()] = actor;
  }
  observations_.push_back(request);
  if (!request.request_id().empty()) observed_actor_[request.request_id()] = actor.name();
  return actor;
}

}  // namespace coalition::testing
