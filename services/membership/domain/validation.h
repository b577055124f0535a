#ifndef COALITION_SERVICES_MEMBERSHIP_DOMAIN_VALIDATION_H_
#define COALITION_SERVICES_MEMBERSHIP_DOMAIN_VALIDATION_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "coalition/membership/v1/membership_service.pb.h"
#include "libs/core/status.h"

// Request validation of the membership service: pure functions that name every bad field,
// prefixed with the request field that holds the resource (e.g. "coalition.display_name").
namespace coalition::membership {

inline constexpr int kMaxNetworkStates = 60;
inline constexpr int kMaxKeyCoalitions = 200;
inline constexpr int kMaxActorInterests = 50;
inline constexpr int kMaxKeyMethods = 100;
// Each kind of resource at most once.
inline constexpr int kMaxActorResources = 32;
inline constexpr int kMaxCoalitionNorms = 30;
inline constexpr int kMaxTeamPeople = 500;
inline constexpr int kMaxBatchGet = 500;
// The roles ListEligibleMembers filters on: room for each of the four, more is not a filter.
inline constexpr int kMaxRoleFilters = 10;
inline constexpr int kMaxRosterRows = 20000;
// The wire size of one import's messages: 20,000 rows of a few hundred bytes, with room.
inline constexpr size_t kMaxRosterBytes = 16u << 20;
// Refused rows reported one by one; rows_refused counts them all.
inline constexpr int kMaxRosterErrorsReported = 1000;

absl::Status ValidateNetwork(const v1::Network& network, absl::string_view prefix);
// `now` is for expire_time, which must lie ahead when set.
absl::Status ValidateApiKey(const v1::ApiKey& key, absl::string_view network_id,
                            absl::string_view prefix, absl::Time now);
// A key's allowed_methods: full method names of this build's services, each once.
void CheckAllowedMethods(FieldViolations& v, const std::string& field,
                         const google::protobuf::RepeatedPtrField<std::string>& methods);
absl::Status ValidateCoalition(const v1::Coalition& coalition, const v1::Network& network,
                               absl::string_view prefix);
absl::Status ValidateAim(const v1::MeasurableAim& aim, absl::string_view prefix);
absl::Status ValidatePerson(const v1::Person& person, absl::string_view network_id,
                            absl::string_view prefix);
absl::Status ValidateOrganization(const v1::Organization& organization, absl::string_view prefix);
absl::Status ValidateNewMembership(const v1::Membership& membership, absl::string_view network_id,
                                   absl::string_view prefix);
absl::Status ValidateActor(const v1::Actor& actor, absl::string_view network_id,
                           absl::string_view prefix);
// A RecordActorObservation request for coalition `coalition_id` of network `network_id`.
absl::Status ValidateActorObservation(const v1::RecordActorObservationRequest& request,
                                      absl::string_view network_id, absl::string_view coalition_id);
// Checks the team's own fields; membership of leads and members is checked against the store.
absl::Status ValidateTeam(const v1::Team& team, absl::string_view network_id,
                          absl::string_view coalition_id, absl::string_view prefix);
// One roster row: the problems as "field: description", empty when the row is valid.
std::vector<std::string> ValidateRosterRow(const v1::RosterRow& row);

// Emails are unique per network regardless of case.
std::string NormalizeEmail(absl::string_view email);

}  // namespace coalition::membership

#endif  // COALITION_SERVICES_MEMBERSHIP_DOMAIN_VALIDATION_H_
