#ifndef COALITION_SERVICES_MEMBERSHIP_DOMAIN_RULES_H_
#define COALITION_SERVICES_MEMBERSHIP_DOMAIN_RULES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "coalition/membership/v1/membership_service.pb.h"

// The membership service's rules, free of I/O.
namespace coalition::membership {

// Share of the way from baseline to target, clamped to [0, 1]; works for aims that go down.
double AimProgress(double baseline, double target, double current_value);

// A new membership: active, with its JOINED event.
void StartMembership(v1::Membership& membership, absl::Time now);
// FAILED_PRECONDITION when the member has already left.
absl::Status LeaveMembership(v1::Membership& membership, absl::Time now, const std::string& note);
// FAILED_PRECONDITION when the member is active. An unspecified role keeps the last one.
absl::Status RejoinMembership(v1::Membership& membership, v1::MembershipRole role, absl::Time now,
                              const std::string& note);
// Records a ROLE_CHANGED event when the role differs; FAILED_PRECONDITION after leaving.
absl::Status ChangeMembershipRole(v1::Membership& membership, v1::MembershipRole role,
                                  absl::Time now);
// The role the member held at `t`, or nullopt when they were not an active member then.
std::optional<v1::MembershipRole> RoleAt(const v1::Membership& membership, absl::Time t);

// The snowflake as a tree: the team without a parent at the root, children by display name.
// Teams whose chain does not reach the root are not returned (they cannot exist: writes
// refuse cycles and orphans).
v1::Snowflake BuildSnowflake(const std::vector<v1::Team>& teams);

// Checks that giving `team_name` the parent `parent_name` keeps the snowflake a tree with one
// leadership team: the parent exists, no cycle, no second root. `teams` is the current set
// (with `team_name` absent for a new team).
absl::Status CheckTeamPlacement(const std::vector<v1::Team>& teams, const std::string& team_name,
                                const std::string& parent_name);

// Counts per category, one entry for each category in enum order.
v1::CountActorsByCategoryResponse CountActorsByCategory(const std::vector<v1::Actor>& actors);

// A person's entry on a coalition's map when an observation first names them: a constituent
// called by the person's display name. The caller sets the actor's name and times.
v1::Actor NewActorForPerson(const v1::Person& person);

// Merges what a one-to-one heard into `actor`: new interests are appended in order, trimmed,
// skipping those the actor already has in any letter case; resources are added once each; the
// tie strength is replaced when the observation gives one. Interests beyond kMaxActorInterests
// are dropped rather than refused, so an outbox delivery is never stuck on a full map entry.
// Returns how many interests were dropped.
int MergeActorObservation(v1::Actor& actor, const v1::RecordActorObservationRequest& observation);

}  // namespace coalition::membership

#endif  // COALITION_SERVICES_MEMBERSHIP_DOMAIN_RULES_H_
