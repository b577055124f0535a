#include "tests/unit/membership/membership_test_fixture.h"

#include <utility>

#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "libs/telemetry/log.h"
#include "services/membership/api_keys.h"
#include "services/membership/repository.h"
#include "tests/unit/storage/test_backends.h"

namespace coalition::membership::testing {
namespace {

class KeepForeverCache final : public cache::Cache {
 public:
  absl::StatusOr<std::string> GetOrLoad(
      absl::string_view key, absl::Duration ttl,
      absl::FunctionRef<absl::StatusOr<std::string>()> load) override {
    {
      absl::MutexLock lock(&mu_);
      auto it = values_.find(std::string(key));
      if (it != values_.end()) return it->second;
    }
    absl::StatusOr<std::string> loaded = load();
    if (loaded.ok()) {
      absl::MutexLock lock(&mu_);
      values_[std::string(key)] = *loaded;
    }
    return loaded;
  }
  void Invalidate(absl::string_view key) override {
    absl::MutexLock lock(&mu_);
    values_.erase(std::string(key));
  }

 private:
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::string> values_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<cache::Cache> NewKeepForeverCache() { return std::make_unique<KeepForeverCache>(); }

void MembershipServiceTest::SetUp() {
  // One access log line per call would drown the test output.
  telemetry::LogOptions log;
  log.service = "membership-test";
  log.level = telemetry::LogLevel::kError;
  telemetry::ConfigureLogging(log);

  auto db = storage::testing::OpenTestStore();
  ASSERT_TRUE(db.ok()) << db.status();
  db_ = std::move(*db);
  ASSERT_TRUE(db_->Migrate("membership", MembershipMigrations()).ok());
  auto key = CreatePlatformAdminKey(*db_, clock_, "membership tests");
  ASSERT_TRUE(key.ok()) << key.status();
  platform_key_ = *key;

  cache_ = MakeCache();
  service_ = std::make_unique<MembershipService>(*db_, *cache_, clock_,
                                                 std::make_unique<StoreAuthenticator>(*db_, clock_),
                                                 "page-token-secret");
  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  auto server = server::GrpcServer::Start(options, {service_.get()});
  ASSERT_TRUE(server.ok()) << server.status();
  server_ = std::move(*server);
  stub_ = v1::MembershipService::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", server_->port()), grpc::InsecureChannelCredentials()));

  network_a_ = CreateNetwork("Atlantic Quality Network", {"VA", "MD", "DC"});
  network_b_ = CreateNetwork("Carolina Quality Network", {"NC"});
  admin_a_ = NetworkAdminKey(network_a_.name());
  admin_b_ = NetworkAdminKey(network_b_.name());
  a1_ = CreateCoalition(network_a_.name(), "Southwest Virginia Care Transitions", "VA",
                        "southwest VA");
  a2_ = CreateCoalition(network_a_.name(), "Baltimore Medication Safety", "MD");
  b1_ = CreateCoalition(network_b_.name(), "Triangle Diabetes Coalition", "NC");
  ASSERT_FALSE(HasFailure());
}

void MembershipServiceTest::TearDown() {
  stub_.reset();
  if (server_ != nullptr) server_->Shutdown(absl::Seconds(1));
  server_.reset();
  service_.reset();
  cache_.reset();
  db_.reset();
}

std::unique_ptr<grpc::ClientContext> MembershipServiceTest::Ctx(const std::string& secret,
                                                                absl::Duration deadline) {
  return coalition::testing::CallContext(secret, deadline);
}

std::unique_ptr<grpc::ClientContext> MembershipServiceTest::AnonymousCtx() {
  return coalition::testing::CallContext("");
}

v1::Network MembershipServiceTest::CreateNetwork(const std::string& display_name,
                                                 const std::vector<std::string>& states) {
  v1::CreateNetworkRequest request;
  request.mutable_network()->set_display_name(display_name);
  for (const auto& state : states) request.mutable_network()->add_states(state);
  v1::Network network;
  grpc::Status status = stub().CreateNetwork(Ctx(platform_key_).get(), request, &network);
  EXPECT_THAT(status, IsOk()) << "CreateNetwork " << display_name;
  return network;
}

v1::CreateApiKeyResponse MembershipServiceTest::NewKey(const std::string& network, Role role,
                                                       const std::vector<std::string>& coalitions,
                                                       const std::string& person) {
  v1::CreateApiKeyRequest request;
  request.set_parent(network);
  request.mutable_api_key()->set_display_name(
      absl::StrCat(common::v1::Role_Name(role), " key ", ++key_count_));
  request.mutable_api_key()->set_role(role);
  for (const auto& c : coalitions) request.mutable_api_key()->add_coalitions(c);
  request.mutable_api_key()->set_person(person);
  v1::CreateApiKeyResponse response;
  grpc::Status status = stub().CreateApiKey(Ctx(platform_key_).get(), request, &response);
  EXPECT_THAT(status, IsOk()) << "CreateApiKey " << common::v1::Role_Name(role);
  return response;
}

std::string MembershipServiceTest::PlatformServiceKey(const std::string& holder) {
  auto key = CreatePlatformServiceKey(*db_, clock_, holder);
  EXPECT_TRUE(key.ok()) << key.status();
  return key.ok() ? *key : "";
}

v1::Coalition MembershipServiceTest::CreateCoalition(const std::string& network,
                                                     const std::string& display_name,
                                                     const std::string& state,
                                                     const std::string& region) {
  v1::CreateCoalitionRequest request;
  request.set_parent(network);
  request.mutable_coalition()->set_display_name(display_name);
  request.mutable_coalition()->set_state(state);
  request.mutable_coalition()->set_region(region);
  v1::Coalition coalition;
  grpc::Status status = stub().CreateCoalition(Ctx(platform_key_).get(), request, &coalition);
  EXPECT_THAT(status, IsOk()) << "CreateCoalition " << display_name;
  return coalition;
}

v1::Person MembershipServiceTest::CreatePerson(const std::string& network,
                                               const std::string& display_name,
                                               const std::string& email) {
  v1::CreatePersonRequest request;
  request.set_parent(network);
  request.mutable_person()->set_display_name(display_name);
  request.mutable_person()->set_email(email);
  request.mutable_person()->set_stakeholder_type(v1::PHYSICIANS);
  v1::Person person;
  grpc::Status status = stub().CreatePerson(Ctx(platform_key_).get(), request, &person);
  EXPECT_THAT(status, IsOk()) << "CreatePerson " << display_name;
  return person;
}

v1::Organization MembershipServiceTest::CreateOrganization(const std::string& network,
                                                           const std::string& display_name) {
  v1::CreateOrganizationRequest request;
  request.set_parent(network);
  request.mutable_organization()->set_display_name(display_name);
  request.mutable_organization()->set_stakeholder_type(v1::HOSPITALS);
  v1::Organization organization;
  grpc::Status status = stub().CreateOrganization(Ctx(platform_key_).get(), request, &organization);
  EXPECT_THAT(status, IsOk()) << "CreateOrganization " << display_name;
  return organization;
}

v1::Membership MembershipServiceTest::CreateMembership(const std::string& coalition,
                                                       const std::string& member,
                                                       v1::MembershipRole role) {
  v1::CreateMembershipRequest request;
  request.set_parent(coalition);
  request.mutable_membership()->set_member(member);
  request.mutable_membership()->set_role(role);
  v1::Membership membership;
  grpc::Status status = stub().CreateMembership(Ctx(platform_key_).get(), request, &membership);
  EXPECT_THAT(status, IsOk()) << "CreateMembership " << member;
  return membership;
}

v1::Person MembershipServiceTest::CreateMemberPerson(const std::string& coalition,
                                                     const std::string& display_name,
                                                     v1::MembershipRole role) {
  v1::Person person = CreatePerson(coalition::testing::NetworkOf(coalition), display_name);
  CreateMembership(coalition, person.name(), role);
  return person;
}

v1::MeasurableAim MembershipServiceTest::CreateAim(const std::string& coalition,
                                                   const std::string& metric, double baseline,
                                                   double target, double current_value) {
  v1::CreateMeasurableAimRequest request;
  request.set_parent(coalition);
  request.mutable_aim()->set_metric(metric);
  request.mutable_aim()->set_unit("%");
  request.mutable_aim()->set_baseline(baseline);
  request.mutable_aim()->set_target(target);
  request.mutable_aim()->set_current_value(current_value);
  v1::MeasurableAim aim;
  grpc::Status status = stub().CreateMeasurableAim(Ctx(platform_key_).get(), request, &aim);
  EXPECT_THAT(status, IsOk()) << "CreateMeasurableAim " << metric;
  return aim;
}

v1::Actor MembershipServiceTest::CreateActor(const std::string& coalition,
                                             const std::string& display_name,
                                             v1::ActorCategory category) {
  v1::CreateActorRequest request;
  request.set_parent(coalition);
  request.mutable_actor()->set_display_name(display_name);
  request.mutable_actor()->set_category(category);
  v1::Actor actor;
  grpc::Status status = stub().CreateActor(Ctx(platform_key_).get(), request, &actor);
  EXPECT_THAT(status, IsOk()) << "CreateActor " << display_name;
  return actor;
}

v1::Team MembershipServiceTest::CreateTeam(const std::string& coalition,
                                           const std::string& display_name,
                                           const std::string& parent_team,
                                           const std::vector<std::string>& leads,
                                           const std::vector<std::string>& members) {
  v1::CreateTeamRequest request;
  request.set_parent(coalition);
  request.mutable_team()->set_display_name(display_name);
  request.mutable_team()->set_parent_team(parent_team);
  for (const auto& lead : leads) request.mutable_team()->add_leads(lead);
  for (const auto& member : members) request.mutable_team()->add_members(member);
  v1::Team team;
  grpc::Status status = stub().CreateTeam(Ctx(platform_key_).get(), request, &team);
  EXPECT_THAT(status, IsOk()) << "CreateTeam " << display_name;
  return team;
}

grpc::Status MembershipServiceTest::ImportRoster(
    const std::string& secret, const std::string& parent, const std::string& request_id,
    const std::vector<std::vector<v1::RosterRow>>& messages, v1::ImportRosterResponse* response,
    grpc::ClientContext* context) {
  std::unique_ptr<grpc::ClientContext> owned;
  if (context == nullptr) {
    owned = secret.empty() ? AnonymousCtx() : Ctx(secret);
    context = owned.get();
  }
  auto writer = stub().ImportRoster(context, response);
  for (size_t i = 0; i < messages.size(); ++i) {
    v1::ImportRosterRequest request;
    if (i == 0) {
      request.set_parent(parent);
      request.set_request_id(request_id);
    }
    for (const auto& row : messages[i]) *request.add_rows() = row;
    // A server that has already finished (e.g. UNAUTHENTICATED) refuses further writes.
    if (!writer->Write(request)) break;
  }
  writer->WritesDone();
  return writer->Finish();
}

v1::Coalition MembershipServiceTest::GetCoalition(const std::string& name) {
  v1::GetCoalitionRequest request;
  request.set_name(name);
  v1::Coalition coalition;
  EXPECT_THAT(stub().GetCoalition(Ctx(platform_key_).get(), request, &coalition), IsOk());
  return coalition;
}

v1::Person MembershipServiceTest::GetPerson(const std::string& name) {
  v1::GetPersonRequest request;
  request.set_name(name);
  v1::Person person;
  EXPECT_THAT(stub().GetPerson(Ctx(platform_key_).get(), request, &person), IsOk());
  return person;
}

v1::Membership MembershipServiceTest::GetMembership(const std::string& name) {
  v1::GetMembershipRequest request;
  request.set_name(name);
  v1::Membership membership;
  EXPECT_THAT(stub().GetMembership(Ctx(platform_key_).get(), request, &membership), IsOk());
  return membership;
}

int MembershipServiceTest::CountPeople(const std::string& network) {
  v1::ListPeopleRequest request;
  request.set_parent(network);
  request.set_page_size(500);
  v1::ListPeopleResponse response;
  EXPECT_THAT(stub().ListPeople(Ctx(platform_key_).get(), request, &response), IsOk());
  return response.people_size();
}

int MembershipServiceTest::CountOrganizations(const std::string& network) {
  v1::ListOrganizationsRequest request;
  request.set_parent(network);
  request.set_page_size(500);
  v1::ListOrganizationsResponse response;
  EXPECT_THAT(stub().ListOrganizations(Ctx(platform_key_).get(), request, &response), IsOk());
  return response.organizations_size();
}

int MembershipServiceTest::CountCoalitions(const std::string& network) {
  v1::ListCoalitionsRequest request;
  request.set_parent(network);
  request.set_page_size(500);
  v1::ListCoalitionsResponse response;
  EXPECT_THAT(stub().ListCoalitions(Ctx(platform_key_).get(), request, &response), IsOk());
  return response.coalitions_size();
}

std::vector<common::v1::AuditEvent> MembershipServiceTest::AuditEvents(
    const std::string& network, const std::string& resource_prefix) {
  v1::ListAuditEventsRequest request;
  request.set_parent(network);
  request.set_page_size(500);
  request.set_resource_prefix(resource_prefix);
  v1::ListAuditEventsResponse response;
  EXPECT_THAT(stub().ListAuditEvents(Ctx(platform_key_).get(), request, &response), IsOk());
  return {response.audit_events().begin(), response.audit_events().end()};
}

std::string MembershipServiceTest::address() const {
  return absl::StrCat("127.0.0.1:", server_->port());
}

}  // namespace coalition::membership::testing
