#include "services/membership/access_rules.h"

#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "libs/core/status.h"
#include "services/membership/api_keys.h"

namespace coalition::membership {
namespace {

using auth::Access;
using server::AccessRule;
using server::Also;
using server::Scope;
using server::Target;

// apiKeys/{k} (a platform key, network "") or networks/{n}/apiKeys/{k}.
Target ApiKey(const char* field) {
  return Target::Named(field,
                       [](absl::string_view name, absl::string_view f) -> absl::StatusOr<Scope> {
                         ASSIGN_OR_RETURN(ApiKeyName parsed, ParseApiKeyName(name, f));
                         return Scope{parsed.network, "", parsed.id, std::string(name)};
                       });
}

// A network, or "" for the platform's own keys. kAdminNetwork in network "" passes only
// platform admins.
Target NetworkOrPlatform(const char* field) {
  return Target::Named(field,
                       [](absl::string_view name, absl::string_view f) -> absl::StatusOr<Scope> {
                         if (name.empty()) return Scope{};
                         ASSIGN_OR_RETURN(NetworkName parsed, ParseNetworkName(name, f));
                         return Scope{parsed.network, "", "", std::string(name)};
                       });
}

}  // namespace

std::vector<AccessRule> MembershipAccessRuleTable() {
  const auto in_coalition = [](const char* field, const char* collection) {
    return Target::InCoalition(field, collection);
  };
  const auto in_network = [](const char* field, const char* collection) {
    return Target::InNetwork(field, collection);
  };
  const Target network = Target::Network("parent");
  const Target coalition = Target::Coalition("parent");
  return {
      // Networks: platform admins create them; every key reads its own.
      {"CreateNetwork", Access::kPlatform, Target::Platform()},
      {"GetNetwork", Access::kReadNetwork, Target::Network("name")},
      {"ListNetworks", Access::kReadNetwork, Target::CallersNetwork()},
      {"UpdateNetwork", Access::kAdminNetwork, Target::Network("network.name")},
      // API keys: network admins; the platform's own keys, platform admins.
      {"CreateApiKey", Access::kAdminNetwork, network},
      {"ListApiKeys", Access::kAdminNetwork, NetworkOrPlatform("parent")},
      {"RevokeApiKey", Access::kAdminNetwork, ApiKey("name")},
      {"IntrospectApiKey", Access::kServiceCall, Target::CallersNetwork()},
      // Coalitions and their aims: admins create coalitions, conveners keep them.
      {"CreateCoalition", Access::kAdminNetwork, network},
      {"GetCoalition", Access::kReadCoalition, Target::Coalition("name")},
      {"ListCoalitions", Access::kReadNetwork, network},
      {"UpdateCoalition", Access::kWriteCoalition, Target::Coalition("coalition.name")},
      {"CreateMeasurableAim", Access::kWriteCoalition, coalition},
      {"GetMeasurableAim", Access::kReadCoalition, in_coalition("name", "aims")},
      {"ListMeasurableAims", Access::kReadCoalition, coalition},
      {"UpdateMeasurableAim", Access::kWriteCoalition, in_coalition("aim.name", "aims")},
      {"DeleteMeasurableAim", Access::kWriteCoalition, in_coalition("name", "aims")},
      // The directory: members read only their own person; admins delete.
      {"CreatePerson", Access::kWriteDirectory, network},
      {"GetPerson", Access::kReadDirectory, in_network("name", "people"), Also::kSelf},
      {"ListPeople", Access::kReadDirectory, network},
      {"UpdatePerson", Access::kWriteDirectory, in_network("person.name", "people")},
      {"DeletePerson", Access::kAdminNetwork, in_network("name", "people")},
      {"CreateOrganization", Access::kWriteDirectory, network},
      {"GetOrganization", Access::kReadDirectory, in_network("name", "organizations")},
      {"ListOrganizations", Access::kReadDirectory, network},
      {"UpdateOrganization", Access::kWriteDirectory,
       in_network("organization.name", "organizations")},
      {"DeleteOrganization", Access::kAdminNetwork, in_network("name", "organizations")},
      // Memberships: conveners keep the roster; a person's coalitions as far as the key sees.
      {"CreateMembership", Access::kWriteCoalition, coalition},
      {"GetMembership", Access::kReadCoalition, in_coalition("name", "memberships")},
      {"ListMemberships", Access::kReadCoalition, coalition},
      {"UpdateMembership", Access::kWriteCoalition, in_coalition("membership.name", "memberships")},
      {"LeaveCoalition", Access::kWriteCoalition, in_coalition("name", "memberships")},
      {"RejoinCoalition", Access::kWriteCoalition, in_coalition("name", "memberships")},
      {"ListPersonCoalitions", Access::kReadNetwork, in_network("person", "people"),
       Also::kAboutPerson},
      // The map of actors; observations come from meetings' one-to-ones.
      {"CreateActor", Access::kWriteCoalition, coalition},
      {"GetActor", Access::kReadCoalition, in_coalition("name", "actors")},
      {"ListActors", Access::kReadCoalition, coalition},
      {"UpdateActor", Access::kWriteCoalition, in_coalition("actor.name", "actors")},
      {"DeleteActor", Access::kWriteCoalition, in_coalition("name", "actors")},
      {"ListActorRevisions", Access::kReadCoalition, in_coalition("parent", "actors")},
      {"CountActorsByCategory", Access::kReadCoalition, coalition},
      {"RecordActorObservation", Access::kServiceCall, Target::Coalition("coalition")},
      // The snowflake of teams.
      {"CreateTeam", Access::kWriteCoalition, coalition},
      {"GetTeam", Access::kReadCoalition, in_coalition("name", "teams")},
      {"ListTeams", Access::kReadCoalition, coalition},
      {"UpdateTeam", Access::kWriteCoalition, in_coalition("team.name", "teams")},
      {"DeleteTeam", Access::kWriteCoalition, in_coalition("name", "teams")},
      {"GetSnowflake", Access::kReadCoalition, coalition},
      // A stream: the rule holds for its first message, which names the coalition.
      {"ImportRoster", Access::kWriteCoalition, coalition},
      // What the other services ask, with their service keys or any key that reads as much.
      {"CheckMembership", Access::kReadCoalition, Target::Coalition("coalition")},
      {"BatchGetPeople", Access::kReadDirectory, network},
      {"ListEligibleMembers", Access::kReadCoalition, Target::Coalition("coalition")},
      {"ListAuditEvents", Access::kAdminNetwork, network},
  };
}

const server::AccessRules& MembershipAccessRules() {
  static const server::AccessRules* rules = new server::AccessRules(server::AccessRules::MakeOrDie(
      *v1::CreateNetworkRequest::descriptor()->file()->FindServiceByName("MembershipService"),
      MembershipAccessRuleTable()));
  return *rules;
}

}  // namespace coalition::membership
