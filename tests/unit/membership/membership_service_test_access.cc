// Who may call what: every unary RPC of MembershipService against the access table of
// docs/security.md, for each role, plus calls without or with revoked credentials.
#include <functional>
#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "tests/unit/membership/membership_test_fixture.h"

namespace coalition::membership::testing {
namespace {

using coalition::common::v1::ROLE_OPERATOR;

// What a call needs, in the terms of docs/security.md's table.
enum class Need {
  kAnyKey,          // ListNetworks: every key, which then sees only its own network
  kNetworkRead,     // the network itself
  kDirectoryRead,   // people and organizations
  kOwnRecord,       // a person's own record, or the directory
  kDirectoryWrite,  // add or change people and organizations
  kCoalitionRead,   // coalition a1 and what is in it
  kCoalitionWrite,  // change coalition a1 and what is in it
  kServiceCall,     // the methods other services call: service accounts and admins
  kAdmin,           // keys, audit log, new coalitions, directory deletions
  kPlatform,        // new networks
};

struct Call {
  std::string rpc;
  Need need;
  bool write;
  std::function<grpc::Status(grpc::ClientContext*)> run;
};

class AccessTest : public MembershipServiceTest {
 protected:
  void SetUp() override {
    MembershipServiceTest::SetUp();
    if (HasFatalFailure()) return;
    person_ = CreatePerson(network_a_.name(), "Ana Lopez", "ana@example.org");
    membership_ = CreateMembership(a1_.name(), person_.name(), v1::LEADERSHIP_TEAM);
    organization_ = CreateOrganization(network_a_.name(), "Riverside Hospital");
    aim_ = CreateAim(a1_.name(), "30-day readmissions", 18, 12, 16);
    actor_ = CreateActor(a1_.name(), "County health department", v1::SUPPORTER);
    team_ = CreateTeam(a1_.name(), "Leadership team", "", {person_.name()});
    other_key_ = CreateKey(network_a_.name(), ROLE_OPERATOR);
    ASSERT_FALSE(HasFailure());
  }

  // Expects every call to be refused with `code`, except those for which `allowed` holds:
  // those must succeed when they only read, and are not run when they write.
  void ExpectAccess(const std::string& secret, std::function<bool(Need)> allowed,
                    grpc::StatusCode code = grpc::StatusCode::PERMISSION_DENIED) {
    for (const Call& call : Calls()) {
      const bool ok = allowed(call.need);
      if (ok && call.write) continue;
      grpc::Status status = call.run(Ctx(secret).get());
      if (ok) {
        EXPECT_THAT(status, IsOk()) << call.rpc;
      } else {
        EXPECT_THAT(status, HasCode(code)) << call.rpc;
      }
    }
  }

  std::vector<Call> Calls();

  v1::Person person_;
  v1::Membership membership_;
  v1::Organization organization_;
  v1::MeasurableAim aim_;
  v1::Actor actor_;
  v1::Team team_;
  v1::CreateApiKeyResponse other_key_;
};

std::vector<Call> AccessTest::Calls() {
  std::vector<Call> calls;
  auto add = [&](std::string rpc, Need need, bool write,
                 std::function<grpc::Status(grpc::ClientContext*)> run) {
    calls.push_back({std::move(rpc), need, write, std::move(run)});
  };
  const std::string network = network_a_.name();
  const std::string a1 = a1_.name();

  add("CreateNetwork", Need::kPlatform, true, [this](grpc::ClientContext* c) {
    v1::CreateNetworkRequest r;
    r.mutable_network()->set_display_name("Rogue network");
    r.mutable_network()->add_states("TX");
    v1::Network out;
    return stub().CreateNetwork(c, r, &out);
  });
  add("GetNetwork", Need::kNetworkRead, false, [this, network](grpc::ClientContext* c) {
    v1::GetNetworkRequest r;
    r.set_name(network);
    v1::Network out;
    return stub().GetNetwork(c, r, &out);
  });
  add("ListNetworks", Need::kAnyKey, false, [this](grpc::ClientContext* c) {
    v1::ListNetworksRequest r;
    v1::ListNetworksResponse out;
    return stub().ListNetworks(c, r, &out);
  });
  add("UpdateNetwork", Need::kAdmin, true, [this, network](grpc::ClientContext* c) {
    v1::UpdateNetworkRequest r;
    r.mutable_network()->set_name(network);
    r.mutable_network()->set_display_name("Renamed");
    r.mutable_update_mask()->add_paths("display_name");
    v1::Network out;
    return stub().UpdateNetwork(c, r, &out);
  });
  add("CreateApiKey", Need::kAdmin, true, [this, network](grpc::ClientContext* c) {
    v1::CreateApiKeyRequest r;
    r.set_parent(network);
    r.mutable_api_key()->set_display_name("Another admin");
    r.mutable_api_key()->set_role(coalition::common::v1::ROLE_NETWORK_ADMIN);
    v1::CreateApiKeyResponse out;
    return stub().CreateApiKey(c, r, &out);
  });
  add("ListApiKeys", Need::kAdmin, false, [this, network](grpc::ClientContext* c) {
    v1::ListApiKeysRequest r;
    r.set_parent(network);
    v1::ListApiKeysResponse out;
    return stub().ListApiKeys(c, r, &out);
  });
  add("RevokeApiKey", Need::kAdmin, true, [this](grpc::ClientContext* c) {
    v1::RevokeApiKeyRequest r;
    r.set_name(other_key_.api_key().name());
    v1::ApiKey out;
    return stub().RevokeApiKey(c, r, &out);
  });
  add("CreateCoalition", Need::kAdmin, true, [this, network](grpc::ClientContext* c) {
    v1::CreateCoalitionRequest r;
    r.set_parent(network);
    r.mutable_coalition()->set_display_name("New coalition");
    r.mutable_coalition()->set_state("VA");
    v1::Coalition out;
    return stub().CreateCoalition(c, r, &out);
  });
  add("GetCoalition", Need::kCoalitionRead, false, [this, a1](grpc::ClientContext* c) {
    v1::GetCoalitionRequest r;
    r.set_name(a1);
    v1::Coalition out;
    return stub().GetCoalition(c, r, &out);
  });
  add("ListCoalitions", Need::kNetworkRead, false, [this, network](grpc::ClientContext* c) {
    v1::ListCoalitionsRequest r;
    r.set_parent(network);
    v1::ListCoalitionsResponse out;
    return stub().ListCoalitions(c, r, &out);
  });
  add("UpdateCoalition", Need::kCoalitionWrite, true, [this, a1](grpc::ClientContext* c) {
    v1::UpdateCoalitionRequest r;
    r.mutable_coalition()->set_name(a1);
    r.mutable_coalition()->set_region("all of VA");
    r.mutable_update_mask()->add_paths("region");
    v1::Coalition out;
    return stub().UpdateCoalition(c, r, &out);
  });
  add("CreateMeasurableAim", Need::kCoalitionWrite, true, [this, a1](grpc::ClientContext* c) {
    v1::CreateMeasurableAimRequest r;
    r.set_parent(a1);
    r.mutable_aim()->set_metric("Flu shots");
    r.mutable_aim()->set_baseline(40);
    r.mutable_aim()->set_target(70);
    v1::MeasurableAim out;
    return stub().CreateMeasurableAim(c, r, &out);
  });
  add("GetMeasurableAim", Need::kCoalitionRead, false, [this](grpc::ClientContext* c) {
    v1::GetMeasurableAimRequest r;
    r.set_name(aim_.name());
    v1::MeasurableAim out;
    return stub().GetMeasurableAim(c, r, &out);
  });
  add("ListMeasurableAims", Need::kCoalitionRead, false, [this, a1](grpc::ClientContext* c) {
    v1::ListMeasurableAimsRequest r;
    r.set_parent(a1);
    v1::ListMeasurableAimsResponse out;
    return stub().ListMeasurableAims(c, r, &out);
  });
  add("UpdateMeasurableAim", Need::kCoalitionWrite, true, [this](grpc::ClientContext* c) {
    v1::UpdateMeasurableAimRequest r;
    r.mutable_aim()->set_name(aim_.name());
    r.mutable_aim()->set_current_value(14);
    r.mutable_update_mask()->add_paths("current_value");
    v1::MeasurableAim out;
    return stub().UpdateMeasurableAim(c, r, &out);
  });
  add("DeleteMeasurableAim", Need::kCoalitionWrite, true, [this](grpc::ClientContext* c) {
    v1::DeleteMeasurableAimRequest r;
    r.set_name(aim_.name());
    google::protobuf::Empty out;
    return stub().DeleteMeasurableAim(c, r, &out);
  });
  add("CreatePerson", Need::kDirectoryWrite, true, [this, network](grpc::ClientContext* c) {
    v1::CreatePersonRequest r;
    r.set_parent(network);
    r.mutable_person()->set_display_name("Ben Ortiz");
    r.mutable_person()->set_stakeholder_type(v1::PHARMACISTS);
    v1::Person out;
    return stub().CreatePerson(c, r, &out);
  });
  add("GetPerson", Need::kOwnRecord, false, [this](grpc::ClientContext* c) {
    v1::GetPersonRequest r;
    r.set_name(person_.name());
    v1::Person out;
    return stub().GetPerson(c, r, &out);
  });
  add("ListPeople", Need::kDirectoryRead, false, [this, network](grpc::ClientContext* c) {
    v1::ListPeopleRequest r;
    r.set_parent(network);
    v1::ListPeopleResponse out;
    return stub().ListPeople(c, r, &out);
  });
  add("UpdatePerson", Need::kDirectoryWrite, true, [this](grpc::ClientContext* c) {
    v1::UpdatePersonRequest r;
    r.mutable_person()->set_name(person_.name());
    r.mutable_person()->set_phone("555-0100");
    r.mutable_update_mask()->add_paths("phone");
    v1::Person out;
    return stub().UpdatePerson(c, r, &out);
  });
  add("DeletePerson", Need::kAdmin, true, [this](grpc::ClientContext* c) {
    v1::DeletePersonRequest r;
    r.set_name(person_.name());
    google::protobuf::Empty out;
    return stub().DeletePerson(c, r, &out);
  });
  add("CreateOrganization", Need::kDirectoryWrite, true, [this, network](grpc::ClientContext* c) {
    v1::CreateOrganizationRequest r;
    r.set_parent(network);
    r.mutable_organization()->set_display_name("Hilltop Pharmacy");
    r.mutable_organization()->set_stakeholder_type(v1::PHARMACISTS);
    v1::Organization out;
    return stub().CreateOrganization(c, r, &out);
  });
  add("GetOrganization", Need::kDirectoryRead, false, [this](grpc::ClientContext* c) {
    v1::GetOrganizationRequest r;
    r.set_name(organization_.name());
    v1::Organization out;
    return stub().GetOrganization(c, r, &out);
  });
  add("ListOrganizations", Need::kDirectoryRead, false, [this, network](grpc::ClientContext* c) {
    v1::ListOrganizationsRequest r;
    r.set_parent(network);
    v1::ListOrganizationsResponse out;
    return stub().ListOrganizations(c, r, &out);
  });
  add("UpdateOrganization", Need::kDirectoryWrite, true, [this](grpc::ClientContext* c) {
    v1::UpdateOrganizationRequest r;
    r.mutable_organization()->set_name(organization_.name());
    r.mutable_organization()->set_website("https://riverside.example.org");
    r.mutable_update_mask()->add_paths("website");
    v1::Organization out;
    return stub().UpdateOrganization(c, r, &out);
  });
  add("DeleteOrganization", Need::kAdmin, true, [this](grpc::ClientContext* c) {
    v1::DeleteOrganizationRequest r;
    r.set_name(organization_.name());
    google::protobuf::Empty out;
    return stub().DeleteOrganization(c, r, &out);
  });
  add("CreateMembership", Need::kCoalitionWrite, true, [this, a1](grpc::ClientContext* c) {
    v1::CreateMembershipRequest r;
    r.set_parent(a1);
    r.mutable_membership()->set_member(organization_.name());
    r.mutable_membership()->set_role(v1::MEMBER);
    v1::Membership out;
    return stub().CreateMembership(c, r, &out);
  });
  add("GetMembership", Need::kCoalitionRead, false, [this](grpc::ClientContext* c) {
    v1::GetMembershipRequest r;
    r.set_name(membership_.name());
    v1::Membership out;
    return stub().GetMembership(c, r, &out);
  });
  add("ListMemberships", Need::kCoalitionRead, false, [this, a1](grpc::ClientContext* c) {
    v1::ListMembershipsRequest r;
    r.set_parent(a1);
    v1::ListMembershipsResponse out;
    return stub().ListMemberships(c, r, &out);
  });
  add("UpdateMembership", Need::kCoalitionWrite, true, [this](grpc::ClientContext* c) {
    v1::UpdateMembershipRequest r;
    r.mutable_membership()->set_name(membership_.name());
    r.mutable_membership()->set_role(v1::CONVENER);
    r.mutable_update_mask()->add_paths("role");
    v1::Membership out;
    return stub().UpdateMembership(c, r, &out);
  });
  add("LeaveCoalition", Need::kCoalitionWrite, true, [this](grpc::ClientContext* c) {
    v1::LeaveCoalitionRequest r;
    r.set_name(membership_.name());
    v1::Membership out;
    return stub().LeaveCoalition(c, r, &out);
  });
  add("RejoinCoalition", Need::kCoalitionWrite, true, [this](grpc::ClientContext* c) {
    v1::RejoinCoalitionRequest r;
    r.set_name(membership_.name());
    v1::Membership out;
    return stub().RejoinCoalition(c, r, &out);
  });
  add("ListPersonCoalitions", Need::kOwnRecord, false, [this](grpc::ClientContext* c) {
    v1::ListPersonCoalitionsRequest r;
    r.set_person(person_.name());
    v1::ListPersonCoalitionsResponse out;
    return stub().ListPersonCoalitions(c, r, &out);
  });
  add("CreateActor", Need::kCoalitionWrite, true, [this, a1](grpc::ClientContext* c) {
    v1::CreateActorRequest r;
    r.set_parent(a1);
    r.mutable_actor()->set_display_name("Local newspaper");
    r.mutable_actor()->set_category(v1::SUPPORTER);
    v1::Actor out;
    return stub().CreateActor(c, r, &out);
  });
  add("GetActor", Need::kCoalitionRead, false, [this](grpc::ClientContext* c) {
    v1::GetActorRequest r;
    r.set_name(actor_.name());
    v1::Actor out;
    return stub().GetActor(c, r, &out);
  });
  add("ListActors", Need::kCoalitionRead, false, [this, a1](grpc::ClientContext* c) {
    v1::ListActorsRequest r;
    r.set_parent(a1);
    v1::ListActorsResponse out;
    return stub().ListActors(c, r, &out);
  });
  add("UpdateActor", Need::kCoalitionWrite, true, [this](grpc::ClientContext* c) {
    v1::UpdateActorRequest r;
    r.mutable_actor()->set_name(actor_.name());
    r.mutable_actor()->set_category(v1::LEADERSHIP);
    r.mutable_update_mask()->add_paths("category");
    v1::Actor out;
    return stub().UpdateActor(c, r, &out);
  });
  add("DeleteActor", Need::kCoalitionWrite, true, [this](grpc::ClientContext* c) {
    v1::DeleteActorRequest r;
    r.set_name(actor_.name());
    google::protobuf::Empty out;
    return stub().DeleteActor(c, r, &out);
  });
  add("ListActorRevisions", Need::kCoalitionRead, false, [this](grpc::ClientContext* c) {
    v1::ListActorRevisionsRequest r;
    r.set_parent(actor_.name());
    v1::ListActorRevisionsResponse out;
    return stub().ListActorRevisions(c, r, &out);
  });
  add("CountActorsByCategory", Need::kCoalitionRead, false, [this, a1](grpc::ClientContext* c) {
    v1::CountActorsByCategoryRequest r;
    r.set_parent(a1);
    v1::CountActorsByCategoryResponse out;
    return stub().CountActorsByCategory(c, r, &out);
  });
  add("RecordActorObservation", Need::kServiceCall, true, [this, a1](grpc::ClientContext* c) {
    v1::RecordActorObservationRequest r;
    r.set_coalition(a1);
    r.set_person(person_.name());
    r.add_interests("safe discharge");
    r.set_request_id("access-test-observation");
    v1::Actor out;
    return stub().RecordActorObservation(c, r, &out);
  });
  add("CreateTeam", Need::kCoalitionWrite, true, [this, a1](grpc::ClientContext* c) {
    v1::CreateTeamRequest r;
    r.set_parent(a1);
    r.mutable_team()->set_display_name("Outreach team");
    r.mutable_team()->set_parent_team(team_.name());
    v1::Team out;
    return stub().CreateTeam(c, r, &out);
  });
  add("GetTeam", Need::kCoalitionRead, false, [this](grpc::ClientContext* c) {
    v1::GetTeamRequest r;
    r.set_name(team_.name());
    v1::Team out;
    return stub().GetTeam(c, r, &out);
  });
  add("ListTeams", Need::kCoalitionRead, false, [this, a1](grpc::ClientContext* c) {
    v1::ListTeamsRequest r;
    r.set_parent(a1);
    v1::ListTeamsResponse out;
    return stub().ListTeams(c, r, &out);
  });
  add("UpdateTeam", Need::kCoalitionWrite, true, [this](grpc::ClientContext* c) {
    v1::UpdateTeamRequest r;
    r.mutable_team()->set_name(team_.name());
    r.mutable_team()->set_purpose("Hold the coalition together");
    r.mutable_update_mask()->add_paths("purpose");
    v1::Team out;
    return stub().UpdateTeam(c, r, &out);
  });
  add("DeleteTeam", Need::kCoalitionWrite, true, [this](grpc::ClientContext* c) {
    v1::DeleteTeamRequest r;
    r.set_name(team_.name());
    google::protobuf::Empty out;
    return stub().DeleteTeam(c, r, &out);
  });
  add("GetSnowflake", Need::kCoalitionRead, false, [this, a1](grpc::ClientContext* c) {
    v1::GetSnowflakeRequest r;
    r.set_parent(a1);
    v1::Snowflake out;
    return stub().GetSnowflake(c, r, &out);
  });
  add("CheckMembership", Need::kCoalitionRead, false, [this, a1](grpc::ClientContext* c) {
    v1::CheckMembershipRequest r;
    r.set_coalition(a1);
    r.set_person(person_.name());
    v1::CheckMembershipResponse out;
    return stub().CheckMembership(c, r, &out);
  });
  add("BatchGetPeople", Need::kDirectoryRead, false, [this, network](grpc::ClientContext* c) {
    v1::BatchGetPeopleRequest r;
    r.set_parent(network);
    r.add_names(person_.name());
    v1::BatchGetPeopleResponse out;
    return stub().BatchGetPeople(c, r, &out);
  });
  add("ListEligibleMembers", Need::kCoalitionRead, false, [this, a1](grpc::ClientContext* c) {
    v1::ListEligibleMembersRequest r;
    r.set_coalition(a1);
    v1::ListEligibleMembersResponse out;
    return stub().ListEligibleMembers(c, r, &out);
  });
  add("ListAuditEvents", Need::kAdmin, false, [this, network](grpc::ClientContext* c) {
    v1::ListAuditEventsRequest r;
    r.set_parent(network);
    v1::ListAuditEventsResponse out;
    return stub().ListAuditEvents(c, r, &out);
  });
  add("IntrospectApiKey", Need::kServiceCall, false, [this](grpc::ClientContext* c) {
    v1::IntrospectApiKeyRequest r;
    r.set_secret(other_key_.secret());
    v1::IntrospectApiKeyResponse out;
    return stub().IntrospectApiKey(c, r, &out);
  });
  return calls;
}

TEST_F(AccessTest, TheTableCoversEveryUnaryMethodOfTheService) {
  const auto* service =
      v1::CreateNetworkRequest::descriptor()->file()->FindServiceByName("MembershipService");
  ASSERT_NE(service, nullptr);
  std::vector<std::string> covered;
  for (const Call& call : Calls()) covered.push_back(call.rpc);
  for (int i = 0; i < service->method_count(); ++i) {
    const auto* method = service->method(i);
    if (method->client_streaming()) continue;  // ImportRoster has its own tests
    EXPECT_THAT(covered, ::testing::Contains(method->name()));
  }
}

TEST_F(AccessTest, CallsWithoutCredentialsAreUnauthenticated) {
  for (const Call& call : Calls()) {
    EXPECT_THAT(call.run(AnonymousCtx().get()), HasCode(grpc::StatusCode::UNAUTHENTICATED))
        << call.rpc;
  }
  v1::ImportRosterResponse response;
  EXPECT_THAT(ImportRoster("", a1_.name(), "", {{}}, &response),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
}

TEST_F(AccessTest, RevokedKeyIsUnauthenticatedOnEveryCall) {
  v1::CreateApiKeyResponse key = CreateKey(network_a_.name(), common::v1::ROLE_NETWORK_ADMIN);
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(key.api_key().name());
  v1::ApiKey revoked;
  ASSERT_THAT(stub().RevokeApiKey(Ctx(admin_a_).get(), revoke, &revoked), IsOk());
  ExpectAccess(
      key.secret(), [](Need) { return false; }, grpc::StatusCode::UNAUTHENTICATED);
}

TEST_F(AccessTest, AdminOfAnotherNetworkIsRefusedEveryCallOnThisNetwork) {
  // IntrospectApiKey answers "inactive" for another network's key; ApiKeyTest covers it.
  ExpectAccess(admin_b_,
               [](Need need) { return need == Need::kAnyKey || need == Need::kServiceCall; });
}

TEST_F(AccessTest, OperatorReadsTheNetworkAndChangesNothing) {
  ExpectAccess(OperatorKey(network_a_.name()), [](Need need) {
    return need == Need::kAnyKey || need == Need::kNetworkRead || need == Need::kDirectoryRead ||
           need == Need::kOwnRecord || need == Need::kCoalitionRead;
  });
}

TEST_F(AccessTest, ServiceAccountReadsTheNetworkAndChangesNothing) {
  ExpectAccess(ServiceAccountKey(network_a_.name()), [](Need need) {
    return need == Need::kAnyKey || need == Need::kNetworkRead || need == Need::kDirectoryRead ||
           need == Need::kOwnRecord || need == Need::kCoalitionRead || need == Need::kServiceCall;
  });
}

// A service of every network (e.g. meetings-server) has, in each network, what a service
// account of that network has.
TEST_F(AccessTest, PlatformServiceAccountReadsTheNetworkAndChangesNothing) {
  ExpectAccess(PlatformServiceKey(), [](Need need) {
    return need == Need::kAnyKey || need == Need::kNetworkRead || need == Need::kDirectoryRead ||
           need == Need::kOwnRecord || need == Need::kCoalitionRead || need == Need::kServiceCall;
  });
}

TEST_F(AccessTest, MemberReadsTheirCoalitionAndOwnRecordAndChangesNothing) {
  ExpectAccess(MemberKey(a1_.name(), person_.name()), [](Need need) {
    return need == Need::kAnyKey || need == Need::kNetworkRead || need == Need::kOwnRecord ||
           need == Need::kCoalitionRead;
  });
}

TEST_F(AccessTest, ConvenerOutsideTheirScopeCanNeitherReadNorChangeTheCoalition) {
  ExpectAccess(ConvenerKey(network_a_.name(), {a2_.name()}), [](Need need) {
    return need == Need::kAnyKey || need == Need::kNetworkRead || need == Need::kDirectoryRead ||
           need == Need::kOwnRecord || need == Need::kDirectoryWrite;
  });
}

TEST_F(AccessTest, ConvenerReadsTheirCoalitionButNotTheKeysOrAuditLog) {
  ExpectAccess(ConvenerKey(network_a_.name(), {a1_.name()}), [](Need need) {
    return need != Need::kAdmin && need != Need::kPlatform && need != Need::kServiceCall;
  });
}

TEST_F(AccessTest, MemberCannotReadAnOrganizationOfTheDirectory) {
  v1::GetOrganizationRequest request;
  request.set_name(organization_.name());
  v1::Organization organization;
  EXPECT_THAT(stub().GetOrganization(Ctx(MemberKey(a1_.name(), person_.name())).get(), request,
                                     &organization),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

}  // namespace
}  // namespace coalition::membership::testing
