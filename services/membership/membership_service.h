#ifndef COALITION_SERVICES_MEMBERSHIP_MEMBERSHIP_SERVICE_H_
#define COALITION_SERVICES_MEMBERSHIP_MEMBERSHIP_SERVICE_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"

#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "libs/auth/caller.h"
#include "libs/cache/cache.h"
#include "libs/core/clock.h"
#include "libs/core/page_token.h"
#include "libs/core/resource_names.h"
#include "libs/server/rpc.h"
#include "libs/storage/database.h"
#include "services/membership/repository.h"

namespace coalition::membership {

// The gRPC edge of the membership service: each call admitted by its access rule
// (access_rules.cc), then validated, then the domain rules (domain/) and the repository, in one
// transaction per call.
class MembershipService final : public v1::MembershipService::CallbackService {
 public:
  MembershipService(storage::Database& db, cache::Cache& cache, const Clock& clock,
                    std::unique_ptr<auth::Authenticator> authenticator,
                    std::string page_token_secret);

  using Ctx = grpc::CallbackServerContext;
  using Reactor = grpc::ServerUnaryReactor;

  Reactor* CreateNetwork(Ctx*, const v1::CreateNetworkRequest*, v1::Network*) override;
  Reactor* GetNetwork(Ctx*, const v1::GetNetworkRequest*, v1::Network*) override;
  Reactor* ListNetworks(Ctx*, const v1::ListNetworksRequest*, v1::ListNetworksResponse*) override;
  Reactor* UpdateNetwork(Ctx*, const v1::UpdateNetworkRequest*, v1::Network*) override;

  Reactor* CreateApiKey(Ctx*, const v1::CreateApiKeyRequest*, v1::CreateApiKeyResponse*) override;
  Reactor* ListApiKeys(Ctx*, const v1::ListApiKeysRequest*, v1::ListApiKeysResponse*) override;
  Reactor* RevokeApiKey(Ctx*, const v1::RevokeApiKeyRequest*, v1::ApiKey*) override;
  Reactor* IntrospectApiKey(Ctx*, const v1::IntrospectApiKeyRequest*,
                            v1::IntrospectApiKeyResponse*) override;

  Reactor* CreateCoalition(Ctx*, const v1::CreateCoalitionRequest*, v1::Coalition*) override;
  Reactor* GetCoalition(Ctx*, const v1::GetCoalitionRequest*, v1::Coalition*) override;
  Reactor* ListCoalitions(Ctx*, const v1::ListCoalitionsRequest*,
                          v1::ListCoalitionsResponse*) override;
  Reactor* UpdateCoalition(Ctx*, const v1::UpdateCoalitionRequest*, v1::Coalition*) override;

  Reactor* CreateMeasurableAim(Ctx*, const v1::CreateMeasurableAimRequest*,
                               v1::MeasurableAim*) override;
  Reactor* GetMeasurableAim(Ctx*, const v1::GetMeasurableAimRequest*, v1::MeasurableAim*) override;
  Reactor* ListMeasurableAims(Ctx*, const v1::ListMeasurableAimsRequest*,
                              v1::ListMeasurableAimsResponse*) override;
  Reactor* UpdateMeasurableAim(Ctx*, const v1::UpdateMeasurableAimRequest*,
                               v1::MeasurableAim*) override;
  Reactor* DeleteMeasurableAim(Ctx*, const v1::DeleteMeasurableAimRequest*,
                               google::protobuf::Empty*) override;

  Reactor* CreatePerson(Ctx*, const v1::CreatePersonRequest*, v1::Person*) override;
  Reactor* GetPerson(Ctx*, const v1::GetPersonRequest*, v1::Person*) override;
  Reactor* ListPeople(Ctx*, const v1::ListPeopleRequest*, v1::ListPeopleResponse*) override;
  Reactor* UpdatePerson(Ctx*, const v1::UpdatePersonRequest*, v1::Person*) override;
  Reactor* DeletePerson(Ctx*, const v1::DeletePersonRequest*, google::protobuf::Empty*) override;

  Reactor* CreateOrganization(Ctx*, const v1::CreateOrganizationRequest*,
                              v1::Organization*) override;
  Reactor* GetOrganization(Ctx*, const v1::GetOrganizationRequest*, v1::Organization*) override;
  Reactor* ListOrganizations(Ctx*, const v1::ListOrganizationsRequest*,
                             v1::ListOrganizationsResponse*) override;
  Reactor* UpdateOrganization(Ctx*, const v1::UpdateOrganizationRequest*,
                              v1::Organization*) override;
  Reactor* DeleteOrganization(Ctx*, const v1::DeleteOrganizationRequest*,
                              google::protobuf::Empty*) override;

  Reactor* CreateMembership(Ctx*, const v1::CreateMembershipRequest*, v1::Membership*) override;
  Reactor* GetMembership(Ctx*, const v1::GetMembershipRequest*, v1::Membership*) override;
  Reactor* ListMemberships(Ctx*, const v1::ListMembershipsRequest*,
                           v1::ListMembershipsResponse*) override;
  Reactor* UpdateMembership(Ctx*, const v1::UpdateMembershipRequest*, v1::Membership*) override;
  Reactor* LeaveCoalition(Ctx*, const v1::LeaveCoalitionRequest*, v1::Membership*) override;
  Reactor* RejoinCoalition(Ctx*, const v1::RejoinCoalitionRequest*, v1::Membership*) override;
  Reactor* ListPersonCoalitions(Ctx*, const v1::ListPersonCoalitionsRequest*,
                                v1::ListPersonCoalitionsResponse*) override;

  Reactor* CreateActor(Ctx*, const v1::CreateActorRequest*, v1::Actor*) override;
  Reactor* GetActor(Ctx*, const v1::GetActorRequest*, v1::Actor*) override;
  Reactor* ListActors(Ctx*, const v1::ListActorsRequest*, v1::ListActorsResponse*) override;
  Reactor* UpdateActor(Ctx*, const v1::UpdateActorRequest*, v1::Actor*) override;
  Reactor* DeleteActor(Ctx*, const v1::DeleteActorRequest*, google::protobuf::Empty*) override;
  Reactor* ListActorRevisions(Ctx*, const v1::ListActorRevisionsRequest*,
                              v1::ListActorRevisionsResponse*) override;
  Reactor* CountActorsByCategory(Ctx*, const v1::CountActorsByCategoryRequest*,
                                 v1::CountActorsByCategoryResponse*) override;
  Reactor* RecordActorObservation(Ctx*, const v1::RecordActorObservationRequest*,
                                  v1::Actor*) override;

  Reactor* CreateTeam(Ctx*, const v1::CreateTeamRequest*, v1::Team*) override;
  Reactor* GetTeam(Ctx*, const v1::GetTeamRequest*, v1::Team*) override;
  Reactor* ListTeams(Ctx*, const v1::ListTeamsRequest*, v1::ListTeamsResponse*) override;
  Reactor* UpdateTeam(Ctx*, const v1::UpdateTeamRequest*, v1::Team*) override;
  Reactor* DeleteTeam(Ctx*, const v1::DeleteTeamRequest*, google::protobuf::Empty*) override;
  Reactor* GetSnowflake(Ctx*, const v1::GetSnowflakeRequest*, v1::Snowflake*) override;

  grpc::ServerReadReactor<v1::ImportRosterRequest>* ImportRoster(
      Ctx*, v1::ImportRosterResponse*) override;

  Reactor* CheckMembership(Ctx*, const v1::CheckMembershipRequest*,
                           v1::CheckMembershipResponse*) override;
  Reactor* BatchGetPeople(Ctx*, const v1::BatchGetPeopleRequest*,
                          v1::BatchGetPeopleResponse*) override;
  Reactor* ListEligibleMembers(Ctx*, const v1::ListEligibleMembersRequest*,
                               v1::ListEligibleMembersResponse*) override;

  Reactor* ListAuditEvents(Ctx*, const v1::ListAuditEventsRequest*,
                           v1::ListAuditEventsResponse*) override;

  // Imports validated rows into the call's coalition in one transaction (the streaming RPC's
  // body, once its first message is admitted).
  absl::Status ImportRows(const server::Call& call, const std::vector<v1::RosterRow>& rows,
                          v1::ImportRosterResponse* response);

 private:
  class RosterImport;

  absl::StatusOr<std::vector<v1::Membership>> Roster(const std::string& network,
                                                     const std::string& coalition);
  // Drop the cached roster or actor counts of a coalition once the change in `s` commits.
  void DropCachedRosterOnCommit(storage::Session& s, const std::string& network,
                                const std::string& coalition);
  void DropCachedActorCountsOnCommit(storage::Session& s, const std::string& network,
                                     const std::string& coalition);
  absl::Status RequireCoalition(storage::Session& s, const std::string& network,
                                const std::string& coalition);
  absl::Status RequireActiveMembers(storage::Session& s, const v1::Team& team,
                                    const std::string& network, const std::string& coalition);
  // Role changes, leaving and rejoining of the call's membership: load, check the etag, apply
  // `change` (which returns the audit summary), store, audit, and drop the cached roster.
  absl::Status ChangeMembership(
      const server::Call& call, const std::string& etag,
      absl::FunctionRef<absl::StatusOr<std::string>(v1::Membership&)> change, v1::Membership* resp);
  // Delete and List of the resources under a coalition (aims, actors, teams, memberships),
  // by their table (Aims, Actors, Teams, Memberships); the call's scope names the resource or
  // its coalition.
  template <typename Table>
  absl::Status DeleteChild(
      const server::Call& call, const std::string& etag,
      absl::FunctionRef<absl::Status(storage::Session&, const CoalitionChildName&)> before);
  // The page of `filters` (whose `filter_key` binds the page token to them) of the children of
  // the coalition named by `parent`.
  template <typename Table>
  absl::StatusOr<std::vector<typename Table::T>> ListChildren(
      const server::Call& call, const std::string& parent, int page_size,
      const std::string& page_token, absl::string_view filter_key, const storage::Columns& filters,
      std::string* next_page_token);

  storage::Database& db_;
  cache::Cache& cache_;
  const Clock& clock_;
  std::unique_ptr<auth::Authenticator> authenticator_;
  PageTokenCodec page_tokens_;
  MembershipRepository repo_;
  server::RpcEdge rpc_;  // every handler runs through it
};

}  // namespace coalition::membership

#endif  // COALITION_SERVICES_MEMBERSHIP_MEMBERSHIP_SERVICE_H_
