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

class MembershipRepository {
 public:
  // Networks.
  absl::Status InsertNetwork(Session& s, const std::string& id, const v1::Network& network);
  absl::StatusOr<std::optional<Stored<v1::Network>>> GetNetwork(Session& s, const std::string& id);
  absl::Status UpdateNetwork(Session& s, const std::string& id, const v1::Network& network,
                             int64_t revision);
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
  absl::Status InsertCoalition(Session& s, const std::string& network, const std::string& id,
                               const v1::Coalition& coalition);
  absl::StatusOr<std::optional<Stored<v1::Coalition>>> GetCoalition(Session& s,
                                                                    const std::string& network,
                                                                    const std::string& id);
  absl::Status UpdateCoalition(Session& s, const std::string& network, const std::string& id,
                               const v1::Coalition& coalition, int64_t revision);
  // `only_ids`, when not empty, restricts the list to those coalitions (a caller's scope).
  absl::StatusOr<Page<v1::Coalition>> ListCoalitions(Session& s, const std::string& network,
                                                     const v1::ListCoalitionsRequest& filter,
                                                     const std::vector<std::string>* only_ids,
                                                     const ListQuery& q);

  // Resources under a coalition: aims, actors, teams, memberships share one shape.
  template <typename T>
  absl::Status InsertChild(Session& s, const std::string& network, const std::string& coalition,
                           const std::string& id, const T& resource);
  template <typename T>
  absl::StatusOr<std::optional<Stored<T>>> GetChild(Session& s, const std::string& network,
                                                    const std::string& coalition,
                                                    const std::string& id);
  template <typename T>
  absl::Status UpdateChild(Session& s, const std::string& network, const std::string& coalition,
                           const std::string& id, const T& resource, int64_t revision);
  template <typename T>
  absl::Status DeleteChild(Session& s, const std::string& network, const std::string& coalition,
                           const std::string& id);
  // `filters` are (column, value) pairs from the code, never from the client.
  template <typename T>
  absl::StatusOr<Page<T>> ListChildren(
      Session& s, const std::string& network, const std::string& coalition,
      const std::vector<std::pair<std::string, storage::Value>>& filters, const ListQuery& q);
  // Every child of the coalition (rosters, snowflakes, counts); bounded by the coalition's size.
  template <typename T>
  absl::StatusOr<std::vector<T>> AllChildren(Session& s, const std::string& network,
                                             const std::string& coalition);

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
  absl::Status InsertPerson(Session& s, const std::string& network, const std::string& id,
                            const v1::Person& person);
  absl::StatusOr<std::optional<Stored<v1::Person>>> GetPerson(Session& s,
                                                              const std::string& network,
                                                              const std::string& id);
  absl::StatusOr<std::optional<Stored<v1::Person>>> FindPersonByEmail(Session& s,
                                                                      const std::string& network,
                                                                      const std::string& email);
  absl::Status UpdatePerson(Session& s, const std::string& network, const std::string& id,
                            const v1::Person& person, int64_t revision);
  absl::Status DeletePerson(Session& s, const std::string& network, const std::string& id);
  absl::StatusOr<Page<v1::Person>> ListPeople(Session& s, const std::string& network,
                                              const PeopleFilter& filter, const ListQuery& q);

  absl::Status InsertOrganization(Session& s, const std::string& network, const std::string& id,
                                  const v1::Organization& organization);
  absl::StatusOr<std::optional<Stored<v1::Organization>>> GetOrganization(
      Session& s, const std::string& network, const std::string& id);
  absl::StatusOr<std::optional<Stored<v1::Organization>>> FindOrganizationByName(
      Session& s, const std::string& network, const std::string& display_name);
  absl::Status UpdateOrganization(Session& s, const std::string& network, const std::string& id,
                                  const v1::Organization& organization, int64_t revision);
  absl::Status DeleteOrganization(Session& s, const std::string& network, const std::string& id);
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
