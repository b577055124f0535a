#include "services/membership/domain/validation.h"

#include <cmath>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "coalition/meetings/v1/meetings_service.pb.h"
#include "google/protobuf/descriptor.h"
#include "libs/core/proto_time.h"
#include "libs/core/resource_names.h"
#include "libs/core/status.h"
#include "libs/core/validation.h"

namespace coalition::membership {
namespace {

// An actor's resources: known values, each once.
void CheckActorResources(FieldViolations& v, const std::string& field,
                         const google::protobuf::RepeatedField<int>& listed) {
  const int count = LimitItems(v, field, listed.size(), kMaxActorResources);
  absl::flat_hash_set<int> seen;
  for (int i = 0; i < count; ++i) {
    const std::string at = absl::StrCat(field, "[", i, "]");
    if (listed[i] == v1::ACTOR_RESOURCE_UNSPECIFIED || !v1::ActorResource_IsValid(listed[i])) {
      v.Add(at, "is not a known resource");
    } else if (!seen.insert(listed[i]).second) {
      v.Add(at, "is listed twice");
    }
  }
}

std::string F(absl::string_view prefix, absl::string_view field) {
  return prefix.empty() ? std::string(field) : absl::StrCat(prefix, ".", field);
}

template <typename Enum>
void RequireEnum(FieldViolations& v, std::string field, Enum value, bool (*is_valid)(int)) {
  if (static_cast<int>(value) == 0) {
    v.Add(std::move(field), "is required");
  } else if (!is_valid(static_cast<int>(value))) {
    v.Add(std::move(field), "is not a known value");
  }
}

void CheckStateCode(FieldViolations& v, std::string field, absl::string_view code, bool required) {
  if (code.empty()) {
    if (required) v.Add(std::move(field), "is required");
    return;
  }
  if (!IsUsJurisdictionCode(code)) {
    v.Add(std::move(field), "must be a two-letter US state or territory code, e.g. \"VA\"");
  }
}

}  // namespace

std::string NormalizeEmail(absl::string_view email) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(email));
}

absl::Status ValidateNetwork(const v1::Network& network, absl::string_view prefix) {
  FieldViolations v;
  RequireText(v, F(prefix, "display_name"), network.display_name(), kMaxNameLength);
  if (network.states().empty()) v.Add(F(prefix, "states"), "must name at least one state");
  const int states = LimitItems(v, F(prefix, "states"), network.states_size(), kMaxNetworkStates);
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < states; ++i) {
    const std::string field = absl::StrCat(F(prefix, "states"), "[", i, "]");
    CheckStateCode(v, field, network.states(i), true);
    if (!seen.insert(network.states(i)).second) v.Add(field, "is listed twice");
  }
  return v.ToStatus();
}

void CheckAllowedMethods(FieldViolations& v, const std::string& field,
                         const google::protobuf::RepeatedPtrField<std::string>& methods) {
  // Keys made here are used against every service: the others' descriptors must be linked in
  // for their methods to be found.
  static const bool linked =
      coalition::meetings::v1::WatchCommitmentEventsRequest::descriptor() != nullptr;
  (void)linked;
  const int count = LimitItems(v, field, methods.size(), kMaxKeyMethods);
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < count; ++i) {
    const std::string at = absl::StrCat(field, "[", i, "]");
    const size_t slash = methods[i].find('/');
    const google::protobuf::ServiceDescriptor* service =
        slash == std::string::npos
            ? nullptr
            : google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(
                  methods[i].substr(0, slash));
    if (service == nullptr || service->FindMethodByName(methods[i].substr(slash + 1)) == nullptr) {
      v.Add(at,
            "must be a method's full name, e.g. "
            "\"coalition.membership.v1.MembershipService/CheckMembership\"");
    } else if (!seen.insert(methods[i]).second) {
      v.Add(at, "is listed twice");
    }
  }
}

absl::Status ValidateApiKey(const v1::ApiKey& key, absl::string_view network_id,
                            absl::string_view prefix, absl::Time now) {
  using coalition::common::v1::Role;
  FieldViolations v;
  RequireText(v, F(prefix, "display_name"), key.display_name(), kMaxNameLength);
  RequireEnum(v, F(prefix, "role"), key.role(), &coalition::common::v1::Role_IsValid);
  const int coalitions =
      LimitItems(v, F(prefix, "coalitions"), key.coalitions_size(), kMaxKeyCoalitions);
  const bool scoped = key.role() == coalition::common::v1::ROLE_CONVENER ||
                      key.role() == coalition::common::v1::ROLE_MEMBER;
  if (scoped && key.coalitions().empty()) {
    v.Add(F(prefix, "coalitions"), "must name the coalitions a convener or member key acts in");
  }
  if (!scoped && !key.coalitions().empty()) {
    v.Add(F(prefix, "coalitions"), "is only for convener and member keys");
  }
  for (int i = 0; i < coalitions; ++i) {
    const std::string field = absl::StrCat(F(prefix, "coalitions"), "[", i, "]");
    auto parsed = ParseCoalitionName(key.coalitions(i), field);
    if (!parsed.ok()) {
      v.Add(field, "must look like \"networks/{network}/coalitions/{coalition}\"");
    } else if (parsed->network != network_id) {
      v.Add(field, "must be in the key's network");
    }
  }
  if (key.role() == coalition::common::v1::ROLE_MEMBER && key.person().empty()) {
    v.Add(F(prefix, "person"), "is required for a member key");
  }
  CheckNetworkRef(v, F(prefix, "person"), key.person(), "people", network_id);
  if (key.has_expire_time() && FromProtoTimestamp(key.expire_time()) <= now) {
    v.Add(F(prefix, "expire_time"), "must be in the future");
  }
  CheckAllowedMethods(v, F(prefix, "allowed_methods"), key.allowed_methods());
  return v.ToStatus();
}

absl::Status ValidateCoalition(const v1::Coalition& coalition, const v1::Network& network,
                               absl::string_view prefix) {
  FieldViolations v;
  RequireText(v, F(prefix, "display_name"), coalition.display_name(), kMaxNameLength);
  CheckStateCode(v, F(prefix, "state"), coalition.state(), true);
  if (!coalition.state().empty() && IsUsJurisdictionCode(coalition.state())) {
    bool covered = false;
    for (const auto& s : network.states()) covered |= s == coalition.state();
    if (!covered) v.Add(F(prefix, "state"), "must be one of the network's states");
  }
  LimitText(v, F(prefix, "region"), coalition.region(), kMaxNameLength);
  if (!v1::CoalitionStatus_IsValid(coalition.status())) {
    v.Add(F(prefix, "status"), "is not a known value");
  }
  const auto& s = coalition.organizing_sentence();
  const std::string sp = F(prefix, "organizing_sentence");
  LimitText(v, F(sp, "constituency"), s.constituency(), kMaxTextLength);
  LimitText(v, F(sp, "what"), s.what(), kMaxTextLength);
  LimitText(v, F(sp, "urgent_challenge"), s.urgent_challenge(), kMaxTextLength);
  LimitText(v, F(sp, "motivating_vision"), s.motivating_vision(), kMaxTextLength);
  LimitText(v, F(sp, "plausible_path"), s.plausible_path(), kMaxTextLength);
  LimitText(v, F(sp, "strategy"), s.strategy(), kMaxTextLength);
  const std::string norms = F(prefix, "default_norms");
  const int norm_count = LimitItems(v, norms, coalition.default_norms_size(), kMaxCoalitionNorms);
  for (int i = 0; i < norm_count; ++i) {
    RequireText(v, absl::StrCat(norms, "[", i, "]"), coalition.default_norms(i), kMaxNameLength);
  }
  return v.ToStatus();
}

absl::Status ValidateAim(const v1::MeasurableAim& aim, absl::string_view prefix) {
  FieldViolations v;
  RequireText(v, F(prefix, "metric"), aim.metric(), kMaxNameLength);
  LimitText(v, F(prefix, "unit"), aim.unit(), 40);
  if (aim.target() == aim.baseline()) {
    v.Add(F(prefix, "target"), "must differ from the baseline");
  }
  const std::pair<const char*, double> numbers[] = {{"baseline", aim.baseline()},
                                                    {"target", aim.target()},
                                                    {"current_value", aim.current_value()}};
  for (const auto& [field, value] : numbers) {
    if (!std::isfinite(value)) v.Add(F(prefix, field), "must be a finite number");
  }
  if (aim.has_due_date() && !IsValidDate(aim.due_date())) {
    v.Add(F(prefix, "due_date"), "must be a real calendar date");
  }
  return v.ToStatus();
}

absl::Status ValidatePerson(const v1::Person& person, absl::string_view network_id,
                            absl::string_view prefix) {
  FieldViolations v;
  RequireText(v, F(prefix, "display_name"), person.display_name(), kMaxNameLength);
  if (!person.email().empty() && !IsValidEmail(NormalizeEmail(person.email()))) {
    v.Add(F(prefix, "email"), "must be a valid email address");
  }
  LimitText(v, F(prefix, "phone"), person.phone(), 40);
  RequireEnum(v, F(prefix, "stakeholder_type"), person.stakeholder_type(),
              &v1::StakeholderType_IsValid);
  CheckNetworkRef(v, F(prefix, "organization"), person.organization(), "organizations", network_id);
  CheckStateCode(v, F(prefix, "state"), person.state(), false);
  return v.ToStatus();
}

absl::Status ValidateOrganization(const v1::Organization& organization, absl::string_view prefix) {
  FieldViolations v;
  RequireText(v, F(prefix, "display_name"), organization.display_name(), kMaxNameLength);
  RequireEnum(v, F(prefix, "stakeholder_type"), organization.stakeholder_type(),
              &v1::StakeholderType_IsValid);
  CheckStateCode(v, F(prefix, "state"), organization.state(), false);
  LimitText(v, F(prefix, "website"), organization.website(), 300);
  return v.ToStatus();
}

absl::Status ValidateNewMembership(const v1::Membership& membership, absl::string_view network_id,
                                   absl::string_view prefix) {
  FieldViolations v;
  const std::string field = F(prefix, "member");
  if (membership.member().empty()) {
    v.Add(field, "is required: a person or an organization of the network");
  } else {
    auto person = ParseNetworkChild("people", membership.member(), field);
    auto organization = ParseNetworkChild("organizations", membership.member(), field);
    if (!person.ok() && !organization.ok()) {
      v.Add(field,
            "must be networks/{network}/people/{id} or networks/{network}/organizations/{id}");
    } else if ((person.ok() ? person->network : organization->network) != network_id) {
      v.Add(field, "must be in the coalition's network");
    }
  }
  RequireEnum(v, F(prefix, "role"), membership.role(), &v1::MembershipRole_IsValid);
  return v.ToStatus();
}

absl::Status ValidateActor(const v1::Actor& actor, absl::string_view network_id,
                           absl::string_view prefix) {
  FieldViolations v;
  RequireText(v, F(prefix, "display_name"), actor.display_name(), kMaxNameLength);
  if (!actor.person().empty() && !actor.organization().empty()) {
    v.Add(F(prefix, "organization"), "an actor is a person or an organization, not both");
  }
  CheckNetworkRef(v, F(prefix, "person"), actor.person(), "people", network_id);
  CheckNetworkRef(v, F(prefix, "organization"), actor.organization(), "organizations", network_id);
  RequireEnum(v, F(prefix, "category"), actor.category(), &v1::ActorCategory_IsValid);
  const int interests =
      LimitItems(v, F(prefix, "interests"), actor.interests_size(), kMaxActorInterests);
  for (int i = 0; i < interests; ++i) {
    RequireText(v, absl::StrCat(F(prefix, "interests"), "[", i, "]"), actor.interests(i),
                kMaxNameLength);
  }
  CheckActorResources(v, F(prefix, "resources"), actor.resources());
  if (!v1::TieStrength_IsValid(actor.tie_strength())) {
    v.Add(F(prefix, "tie_strength"), "is not a known value");
  }
  if (actor.influence() < 0 || actor.influence() > 5) {
    v.Add(F(prefix, "influence"), "must be from 1 (little) to 5 (decisive), or 0 if unknown");
  }
  LimitText(v, F(prefix, "notes"), actor.notes(), kMaxTextLength);
  return v.ToStatus();
}

absl::Status ValidateActorObservation(const v1::RecordActorObservationRequest& request,
                                      absl::string_view network_id,
                                      absl::string_view coalition_id) {
  FieldViolations v;
  if (request.actor().empty() && request.person().empty()) {
    v.Add("actor", "is required unless person is given: the actor or person observed");
  } else if (!request.actor().empty() && !request.person().empty()) {
    v.Add("person", "the observation is of an actor or of a person, not both");
  }
  CheckCoalitionRef(v, "actor", request.actor(), "actors", network_id, coalition_id);
  CheckNetworkRef(v, "person", request.person(), "people", network_id);
  const int interests = LimitItems(v, "interests", request.interests_size(), kMaxActorInterests);
  for (int i = 0; i < interests; ++i) {
    RequireText(v, absl::StrCat("interests[", i, "]"), request.interests(i), kMaxNameLength);
  }
  CheckActorResources(v, "resources", request.resources());
  if (!v1::TieStrength_IsValid(request.tie_strength())) {
    v.Add("tie_strength", "is not a known value");
  }
  LimitText(v, "source", request.source(), kMaxNameLength);
  if (request.request_id().empty()) {
    v.Add("request_id", "is required, so that a redelivered observation is applied once");
  } else {
    CheckRequestId(v, request.request_id());
  }
  return v.ToStatus();
}

absl::Status ValidateTeam(const v1::Team& team, absl::string_view network_id,
                          absl::string_view coalition_id, absl::string_view prefix) {
  FieldViolations v;
  RequireText(v, F(prefix, "display_name"), team.display_name(), kMaxNameLength);
  LimitText(v, F(prefix, "purpose"), team.purpose(), kMaxTextLength);
  CheckCoalitionRef(v, F(prefix, "parent_team"), team.parent_team(), "teams", network_id,
                    coalition_id);
  for (const char* list : {"leads", "members"}) {
    const auto& people = std::string(list) == "leads" ? team.leads() : team.members();
    const int count = LimitItems(v, F(prefix, list), people.size(), kMaxTeamPeople);
    absl::flat_hash_set<std::string> seen;
    for (int i = 0; i < count; ++i) {
      const std::string field = absl::StrCat(F(prefix, list), "[", i, "]");
      if (people[i].empty()) {
        v.Add(field, "must name a person");
        continue;
      }
      CheckNetworkRef(v, field, people[i], "people", network_id);
      if (!seen.insert(people[i]).second) v.Add(field, "is listed twice");
    }
  }
  return v.ToStatus();
}

std::vector<std::string> ValidateRosterRow(const v1::RosterRow& row) {
  FieldViolations v;
  RequireText(v, "display_name", row.display_name(), kMaxNameLength);
  if (row.email().empty()) {
    v.Add("email", "is required: rows are matched to people by email");
  } else if (!IsValidEmail(NormalizeEmail(row.email()))) {
    v.Add("email", "must be a valid email address");
  }
  RequireEnum(v, "stakeholder_type", row.stakeholder_type(), &v1::StakeholderType_IsValid);
  LimitText(v, "organization_name", row.organization_name(), kMaxNameLength);
  RequireEnum(v, "role", row.role(), &v1::MembershipRole_IsValid);
  LimitText(v, "phone", row.phone(), 40);
  std::vector<std::string> out;
  for (const FieldViolation& violation : v.violations()) {
    out.push_back(absl::StrCat(violation.field, ": ", violation.description));
  }
  return out;
}

}  // namespace coalition::membership
