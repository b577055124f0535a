#ifndef COALITION_SERVICES_MEMBERSHIP_REPOSITORY_H_
#define COALITION_SERVICES_MEMBERSHIP_REPOSITORY_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "coalition/membership/v1/membership_service.pb.h"
#include "libs/storage/coalition_table.h"
#include "libs/storage/database.h"

// The membership service's tables. Every method runs on a Session, so the service decides
// what belongs in one transaction. Loaded resources carry their etag.
namespace coalition::membership {
using storage::Session;

// The schema, as versioned migrations of component "membership".
const std::vector<storage::Migration>& MembershipMigrations();

using storage::ListQuery;
using storage::Page;
using storage::Stored;

struct PeopleFilter {
  std::string name_contains;
  std::string email;
  v1::StakeholderType stakeholder_type = v1::STAKEHOLDER_TYPE_UNSPECIFIED;
};

struct StoredApiKey {
  v1::ApiKey key;
  std::string network_id;
};

// The tables of resources directly under a network.
struct CoalitionTraits {
  using Resource = v1::Coalition;
  static constexpr const char* kTable = "coalitions";
  static constexpr const char* kCollection = "coalitions";
  static constexpr const char* kOrderColumn = "id";
  static storage::Columns Columns(const v1::Coalition& coalition, const std::string& id);
};
struct PersonTraits {
  using Resource = v1::Person;
  static constexpr const char* kTable = "people";
  static constexpr const char* kCollection = "people";
  static constexpr const char* kOrderColumn = "id";
  static storage::Columns Columns(const v1::Person& person, const std::string& id);
};
struct OrganizationTraits {
  using Resource = v1::Organization;
  static constexpr const char* kTable = "organizations";
  static constexpr const char* kCollection = "organizations";
  static constexpr const char* kOrderColumn = "id";
  static storage::Columns Columns(const v1::Organization& organization, const std::string& id);
};

// The tables of resources under a coalition.
struct AimTraits {
  using Resource = v1::MeasurableAim;
  static constexpr const char* kTable = "aims";
  static constexpr const char* kCollection = "aims";
  static constexpr const char* kOrderColumn = "id";
  static storage::Columns Columns(const v1::MeasurableAim&, const std::string&) { return {}; }
};
struct ActorTraits {
  using Resource = v1::Actor;
  static constexpr const char* kTable = "actors";
  static constexpr const char* kCollection = "actors";
  static constexpr const char* kOrderColumn = "id";
  static storage::Columns Columns(const v1::Actor& actor, const std::string& id);
};
struct TeamTraits {
  using Resource = v1::Team;
  static constexpr const char* kTable = "teams";
  static constexpr const char* kCollection = "teams";
  static constexpr const char* kOrderColumn = "id";
  static storage::Columns Columns(const v1::Team& team, const std::string& id);
};
struct MembershipTraits {
  using Resource = v1::Membership;
  static constexpr const char* kTable = "memberships";
  static constexpr const char* kCollection = "memberships";
  static constexpr const char* kOrderColumn = "id";
  static storage::Columns Columns(const v1::Membership& membership, const std::string& id);
};

using Coalitions = storage::NetworkTable<CoalitionTraits>;
using People = storage::NetworkTable<PersonTraits>;
using Organizations = storage::NetworkTable<OrganizationTraits>;
using Aims = storage::CoalitionTable<AimTraits>;
using Actors = storage::CoalitionTable<ActorTraits>;
using Teams = storage::CoalitionTable<TeamTraits>;
using Memberships = storage::CoalitionTable<MembershipTraits>;

// The queries that are more than a table's standard statements: networks and API keys, searches,
// lookups by a derived column, and the checks that guard a delete.
class MembershipRepository {
 public:
  // Networks.
  absl::Status InsertNetwork(Session& s, const std::string& id, const v1::Network& network);
  absl::StatusOr<std::optional<Stored<v1::Network>>> GetNetwork(Session& s, const std::string& id);
  // The network stored under its name (networks/{id}); nullopt for a malformed name.
  absl::StatusOr<std::optional<Stored<v1::Network>>> GetNamedNetwork(Session& s,
                                                                     absl::string_view name);
  // Returns the network with its new etag; ABORTED when it is no longer at `revision`.
  absl::StatusOr<v1::Network> UpdateNetwork(Session& s, const std::string& id,
                                            const v1::Network& network, int64_t revision);
  absl::StatusOr<Page<v1::Network>> ListNetworks(Session& s, const ListQuery& q,
                                                 const std::string& only_network);

  // API keys; the platform admin's keys have network "".
  absl::Status InsertApiKey(Session& s, const std::string& network, const std::string& id,
                            const std::string& secret_hash, const v1::ApiKey& key);
  absl::StatusOr<std::optional<StoredApiKey>> FindApiKeyByHash(Session& s,
                                                               const std::string& secret_hash);
  absl::StatusOr<std::optional<v1::ApiKey>> GetApiKey(Session& s, const std::string& network,
                                                      const std::string& id);
  absl::Status UpdateApiKey(Session& s, const std::string& network, const std::string& id,
                            const v1::ApiKey& key);
  absl::StatusOr<Page<v1::ApiKey>> ListApiKeys(Session& s, const std::string& network,
                                               const ListQuery& q);

  // Coalitions.
  // `only_ids`, when not empty, restricts the list to those coalitions (a caller's scope).
  absl::StatusOr<Page<v1::Coalition>> ListCoalitions(Session& s, const std::string& network,
                                                     const v1::ListCoalitionsRequest& filter,
                                                     const std::vector<std::string>* only_ids,
                                                     const ListQuery& q);

  absl::StatusOr<std::optional<Stored<v1::Membership>>> FindMembershipOf(
      Session& s, const std::string& network, const std::string& coalition,
      const std::string& member);
  // Every membership of a person or organization across the network's coalitions.
  absl::StatusOr<std::vector<v1::Membership>> MembershipsOfMember(Session& s,
                                                                  const std::string& network,
                                                                  const std::string& member);
  absl::StatusOr<bool> MemberHasMemberships(Session& s, const std::string& network,
                                            const std::string& member);

  // The actor of a coalition's map that is `subject` (a person or organization of the network);
  // the first by id when the map names them more than once.
  absl::StatusOr<std::optional<Stored<v1::Actor>>> FindActorBySubject(Session& s,
                                                                      const std::string& network,
                                                                      const std::string& coalition,
                                                                      const std::string& subject);
  absl::Status InsertActorRevision(Session& s, const std::string& network,
                                   const std::string& coalition, const std::string& actor,
                                   const v1::ActorRevision& revision);
  absl::StatusOr<Page<v1::ActorRevision>> ListActorRevisions(Session& s, const std::string& network,
                                                             const std::string& coalition,
                                                             const std::string& actor,
                                                             const ListQuery& q);

  // People and organizations.
  absl::StatusOr<std::optional<Stored<v1::Person>>> FindPersonByEmail(Session& s,
                                                                      const std::string& network,
                                                                      const std::string& email);
  absl::StatusOr<Page<v1::Person>> ListPeople(Session& s, const std::string& network,
                                              const PeopleFilter& filter, const ListQuery& q);

  absl::StatusOr<std::optional<Stored<v1::Organization>>> FindOrganizationByName(
      Session& s, const std::string& network, const std::string& display_name);
  // Whether a coalition's map of actors names this person or organization.
  absl::StatusOr<bool> IsMappedAsActor(Session& s, const std::string& network,
                                       const std::string& subject);
  // Whether an API key (active or revoked) is bound to this person.
  absl::StatusOr<bool> HasKeysActingAs(Session& s, const std::string& network,
                                       const std::string& person);
  absl::StatusOr<bool> OrganizationHasPeople(Session& s, const std::string& network,
                                             const std::string& organization);
  absl::StatusOr<Page<v1::Organization>> ListOrganizations(Session& s, const std::string& network,
                                                           const std::string& name_contains,
                                                           v1::StakeholderType type,
                                                           const ListQuery& q);
};

}  // namespace coalition::membership

#endif  // COALITION_SERVICES_MEMBERSHIP_REPOSITORY_H_
