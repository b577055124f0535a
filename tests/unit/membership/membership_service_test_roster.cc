// ImportRoster (client streaming) and the audit log of mutations.
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "libs/server/stream_budget.h"
#include "tests/unit/membership/membership_test_fixture.h"

namespace coalition::membership::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using ::testing::StartsWith;

using RosterImportTest = MembershipServiceTest;
using AuditLogTest = MembershipServiceTest;

constexpr char kMethodPrefix[] = "coalition.membership.v1.MembershipService/";

v1::RosterRow Row(const std::string& display_name, const std::string& email,
                  const std::string& organization = "", v1::MembershipRole role = v1::MEMBER) {
  v1::RosterRow row;
  row.set_display_name(display_name);
  row.set_email(email);
  row.set_stakeholder_type(v1::HOSPITALS);
  row.set_organization_name(organization);
  row.set_role(role);
  return row;
}

std::vector<v1::Membership> Memberships(v1::MembershipService::Stub& stub,
                                        std::unique_ptr<grpc::ClientContext> context,
                                        const std::string& coalition) {
  v1::ListMembershipsRequest request;
  request.set_parent(coalition);
  request.set_page_size(500);
  v1::ListMembershipsResponse response;
  EXPECT_THAT(stub.ListMemberships(context.get(), request, &response), IsOk());
  return {response.memberships().begin(), response.memberships().end()};
}

// Two messages: a valid row and a bad email, then a valid row and a row missing name and role.
std::vector<std::vector<v1::RosterRow>> MixedRoster() {
  v1::RosterRow nameless = Row("", "cy@riverside.org", "", v1::MEMBERSHIP_ROLE_UNSPECIFIED);
  return {{Row("Ana Lopez", "Ana@Riverside.org", "Riverside Clinic", v1::CONVENER),
           Row("Bad Email", "not-an-email", "Riverside Clinic")},
          {Row("Ben Ortiz", "ben@riverside.org", "Riverside Clinic"), nameless}};
}

TEST_F(RosterImportTest, ValidRowsAreCommittedAndBadRowsReportedByNumber) {
  v1::ImportRosterResponse response;
  ASSERT_THAT(ImportRoster(admin_a_, a1_.name(), "roster-2026-01", MixedRoster(), &response),
              IsOk());
  EXPECT_EQ(response.rows_received(), 4);
  EXPECT_EQ(response.people_created(), 2);
  EXPECT_EQ(response.memberships_created(), 2);
  EXPECT_EQ(response.rows_unchanged(), 0);
  ASSERT_THAT(response.errors(), SizeIs(2));
  EXPECT_EQ(response.errors(0).row(), 2);
  EXPECT_THAT(response.errors(0).field_violations(), ElementsAre(StartsWith("email:")));
  EXPECT_EQ(response.errors(1).row(), 4);
  EXPECT_THAT(response.errors(1).field_violations(),
              ElementsAre(StartsWith("display_name:"), StartsWith("role:")));

  std::vector<v1::Membership> memberships = Memberships(stub(), Ctx(admin_a_), a1_.name());
  ASSERT_THAT(memberships, SizeIs(2));
  std::set<v1::MembershipRole> roles;
  for (const auto& m : memberships) {
    roles.insert(m.role());
    EXPECT_EQ(m.state(), v1::Membership::ACTIVE);
    v1::Person person = GetPerson(m.member());
    EXPECT_EQ(person.stakeholder_type(), v1::HOSPITALS);
    EXPECT_FALSE(person.organization().empty());
  }
  EXPECT_EQ(roles, (std::set<v1::MembershipRole>{v1::CONVENER, v1::MEMBER}));
  EXPECT_EQ(CountPeople(network_a_.name()), 2);
  EXPECT_EQ(CountOrganizations(network_a_.name()), 1);
}

TEST_F(RosterImportTest, ReRunningTheSameRosterChangesNothing) {
  v1::ImportRosterResponse first, second;
  ASSERT_THAT(ImportRoster(admin_a_, a1_.name(), "roster-run-1", MixedRoster(), &first), IsOk());
  clock().Advance(absl::Hours(1));
  ASSERT_THAT(ImportRoster(admin_a_, a1_.name(), "roster-run-2", MixedRoster(), &second), IsOk());
  EXPECT_EQ(second.rows_received(), 4);
  EXPECT_EQ(second.people_created(), 0);
  EXPECT_EQ(second.memberships_created(), 0);
  EXPECT_EQ(second.rows_unchanged(), 2);
  EXPECT_THAT(second.errors(), SizeIs(2));
  EXPECT_EQ(CountPeople(network_a_.name()), 2);
  EXPECT_EQ(CountOrganizations(network_a_.name()), 1);
  EXPECT_THAT(Memberships(stub(), Ctx(admin_a_), a1_.name()), SizeIs(2));
}

TEST_F(RosterImportTest, OrganizationsAreMatchedByNameAndCreatedOnce) {
  CreateOrganization(network_a_.name(), "Hilltop Pharmacy");
  v1::ImportRosterResponse response;
  ASSERT_THAT(
      ImportRoster(admin_a_, a1_.name(), "",
                   {{Row("Ana", "ana@x.org", "Hilltop Pharmacy"),
                     Row("Ben", "ben@x.org", "New Clinic"), Row("Cy", "cy@x.org", "New Clinic")}},
                   &response),
      IsOk());
  EXPECT_EQ(response.people_created(), 3);
  EXPECT_EQ(CountOrganizations(network_a_.name()), 2);
}

TEST_F(RosterImportTest, ExistingPersonIsMatchedByEmailWhateverItsCase) {
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez", "ana@riverside.org");
  v1::ImportRosterResponse response;
  ASSERT_THAT(
      ImportRoster(admin_a_, a1_.name(), "",
                   {{Row("Ana L.", "ANA@riverside.org", "", v1::LEADERSHIP_TEAM)}}, &response),
      IsOk());
  EXPECT_EQ(response.people_created(), 0);
  EXPECT_EQ(response.memberships_created(), 1);
  std::vector<v1::Membership> memberships = Memberships(stub(), Ctx(admin_a_), a1_.name());
  ASSERT_THAT(memberships, SizeIs(1));
  EXPECT_EQ(memberships[0].member(), ana.name());
  EXPECT_EQ(memberships[0].role(), v1::LEADERSHIP_TEAM);
  EXPECT_EQ(CountPeople(network_a_.name()), 1);
}

TEST_F(RosterImportTest, PersonAlreadyInTheCoalitionIsUnchanged) {
  v1::Person ana = CreatePerson(network_a_.name(), "Ana Lopez", "ana@riverside.org");
  CreateMembership(a1_.name(), ana.name(), v1::CONVENER);
  v1::ImportRosterResponse response;
  ASSERT_THAT(
      ImportRoster(admin_a_, a1_.name(), "", {{Row("Ana", "ana@riverside.org")}}, &response),
      IsOk());
  EXPECT_EQ(response.rows_unchanged(), 1);
  EXPECT_EQ(response.memberships_created(), 0);
  EXPECT_EQ(Memberships(stub(), Ctx(admin_a_), a1_.name())[0].role(), v1::CONVENER);
}

TEST_F(RosterImportTest, TheSamePersonTwiceInOneRosterIsImportedOnce) {
  v1::ImportRosterResponse response;
  ASSERT_THAT(ImportRoster(admin_a_, a1_.name(), "",
                           {{Row("Ana", "ana@x.org")}, {Row("Ana again", "Ana@X.org")}}, &response),
              IsOk());
  EXPECT_EQ(response.people_created(), 1);
  EXPECT_EQ(response.memberships_created(), 1);
  EXPECT_EQ(response.rows_unchanged(), 1);
}

TEST_F(RosterImportTest, PeopleImportedIntoOneCoalitionJoinAnotherWithoutDuplicates) {
  v1::ImportRosterResponse response;
  ASSERT_THAT(
      ImportRoster(admin_a_, a1_.name(), "", {{Row("Ana", "ana@x.org", "Clinic")}}, &response),
      IsOk());
  ASSERT_THAT(
      ImportRoster(admin_a_, a2_.name(), "", {{Row("Ana", "ana@x.org", "Clinic")}}, &response),
      IsOk());
  EXPECT_EQ(response.people_created(), 0);
  EXPECT_EQ(response.memberships_created(), 1);
  EXPECT_EQ(CountPeople(network_a_.name()), 1);
  EXPECT_EQ(CountOrganizations(network_a_.name()), 1);
}

TEST_F(RosterImportTest, EmptyRosterImportsNothing) {
  v1::ImportRosterResponse response;
  ASSERT_THAT(ImportRoster(admin_a_, a1_.name(), "", {{}}, &response), IsOk());
  EXPECT_EQ(response.rows_received(), 0);
  EXPECT_THAT(response.errors(), IsEmpty());
}

TEST_F(RosterImportTest, ImportNamesAMalformedParent) {
  v1::ImportRosterResponse response;
  EXPECT_THAT(ImportRoster(admin_a_, network_a_.name(), "", {{Row("Ana", "ana@x.org")}}, &response),
              InvalidArgumentOn("parent"));
}

TEST_F(RosterImportTest, ImportNamesAMalformedRequestId) {
  v1::ImportRosterResponse response;
  EXPECT_THAT(
      ImportRoster(admin_a_, a1_.name(), "two words", {{Row("Ana", "ana@x.org")}}, &response),
      InvalidArgumentOn("request_id"));
}

TEST_F(RosterImportTest, ImportIntoUnknownCoalitionIsNotFoundAndCreatesNobody) {
  v1::ImportRosterResponse response;
  EXPECT_THAT(ImportRoster(admin_a_, network_a_.name() + "/coalitions/doesnotexist", "",
                           {{Row("Ana", "ana@x.org")}}, &response),
              HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_EQ(CountPeople(network_a_.name()), 0);
}

TEST_F(RosterImportTest, ImportRefusesMoreThanTheRowLimit) {
  std::vector<v1::RosterRow> rows(20001, Row("Someone", "someone@x.org"));
  v1::ImportRosterResponse response;
  EXPECT_THAT(ImportRoster(admin_a_, a1_.name(), "", {rows}, &response), InvalidArgumentOn("rows"));
  EXPECT_EQ(CountPeople(network_a_.name()), 0);
}

TEST_F(RosterImportTest, ImportRefusesMoreThanTheByteLimit) {
  // 18,000 rows of 1 KB names: under the row limit, over the 16 MiB one. The names are too long
  // for a row to be valid, and still count: the bound is on what the client sends.
  std::vector<std::vector<v1::RosterRow>> messages(
      6, std::vector<v1::RosterRow>(3000, Row(std::string(1000, 'n'), "someone@x.org")));
  v1::ImportRosterResponse response;
  const grpc::Status status = ImportRoster(admin_a_, a1_.name(), "", messages, &response);
  EXPECT_THAT(status, InvalidArgumentOn("rows"));
  EXPECT_THAT(status.error_message(), HasSubstr("MiB"));
  EXPECT_EQ(CountPeople(network_a_.name()), 0);
}

TEST_F(RosterImportTest, CallerWithoutPermissionIsRefusedAtTheFirstMessage) {
  // The server answers as soon as the parent is known, without reading the rest: the client's
  // writes start failing long before its 20 MB are sent. (20 MB is far past what HTTP/2 flow
  // control lets a client buffer ahead of a server that stopped reading, however slow the
  // server is to refuse on a loaded machine.)
  v1::Person ana = CreateMemberPerson(a1_.name(), "Ana Lopez");
  auto context = Ctx(MemberKey(a1_.name(), ana.name()));
  v1::ImportRosterResponse response;
  auto writer = stub().ImportRoster(context.get(), &response);
  int written = 0;
  constexpr int kMessages = 2000;  // of about 10 KB each
  for (; written < kMessages; ++written) {
    v1::ImportRosterRequest request;
    if (written == 0) request.set_parent(a1_.name());
    for (int i = 0; i < 100; ++i) {
      *request.add_rows() = Row("Someone", absl::StrCat("p", written, "-", i, "@x.org"));
    }
    if (!writer->Write(request)) break;
  }
  EXPECT_LT(written, kMessages);
  writer->WritesDone();
  EXPECT_THAT(writer->Finish(), HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_EQ(CountPeople(network_a_.name()), 1);
}

TEST_F(RosterImportTest, ImportsBeyondTheProcessBudgetForBufferedStreamsAreRefused) {
  server::StreamMemoryBudget& budget = server::BufferedStreamBudget();
  const size_t limit = budget.limit();
  budget.set_limit(1000);  // a few rows' worth
  std::vector<v1::RosterRow> rows;
  for (int i = 0; i < 100; ++i) rows.push_back(Row("Someone", absl::StrCat("p", i, "@x.org")));
  v1::ImportRosterResponse response;
  const grpc::Status status = ImportRoster(admin_a_, a1_.name(), "", {rows}, &response);
  budget.set_limit(limit);
  EXPECT_THAT(status, HasCode(grpc::StatusCode::RESOURCE_EXHAUSTED));
  EXPECT_EQ(CountPeople(network_a_.name()), 0);
  // The refused import gives back what it held once gRPC is done with the call.
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (budget.reserved() != 0 && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(5));
  EXPECT_EQ(budget.reserved(), 0u);
}

TEST_F(RosterImportTest, RefusedRowsAreCountedAllAndReportedUpToALimit) {
  std::vector<v1::RosterRow> rows(1500, Row("Bad Email", "not-an-email"));
  rows.push_back(Row("Ana", "ana@x.org"));
  v1::ImportRosterResponse response;
  ASSERT_THAT(ImportRoster(admin_a_, a1_.name(), "", {rows}, &response), IsOk());
  EXPECT_EQ(response.rows_received(), 1501);
  EXPECT_EQ(response.rows_refused(), 1500);
  EXPECT_EQ(response.errors_size(), 1000);
  EXPECT_EQ(response.memberships_created(), 1);
}

TEST_F(RosterImportTest, ConvenerImportsIntoTheirCoalitionOnly) {
  const std::string key = ConvenerKey(network_a_.name(), {a1_.name()});
  v1::ImportRosterResponse response;
  EXPECT_THAT(ImportRoster(key, a1_.name(), "", {{Row("Ana", "ana@x.org")}}, &response), IsOk());
  v1::ImportRosterResponse refused;
  EXPECT_THAT(ImportRoster(key, a2_.name(), "", {{Row("Ben", "ben@x.org")}}, &refused),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(RosterImportTest, MemberOperatorAndOtherNetworkCannotImport) {
  v1::Person ana = CreateMemberPerson(a1_.name(), "Ana Lopez");
  for (const std::string& key : {MemberKey(a1_.name(), ana.name()), OperatorKey(network_a_.name()),
                                 ServiceAccountKey(network_a_.name()), admin_b_}) {
    v1::ImportRosterResponse response;
    EXPECT_THAT(ImportRoster(key, a1_.name(), "", {{Row("Ben", "ben@x.org")}}, &response),
                HasCode(grpc::StatusCode::PERMISSION_DENIED));
  }
  EXPECT_EQ(CountPeople(network_a_.name()), 1);
}

TEST_F(RosterImportTest, RevokedKeyCannotImport) {
  v1::CreateApiKeyResponse key =
      CreateKey(network_a_.name(), common::v1::ROLE_CONVENER, {a1_.name()});
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(key.api_key().name());
  v1::ApiKey revoked;
  ASSERT_THAT(stub().RevokeApiKey(Ctx(admin_a_).get(), revoke, &revoked), IsOk());
  v1::ImportRosterResponse response;
  EXPECT_THAT(ImportRoster(key.secret(), a1_.name(), "", {{Row("Ben", "ben@x.org")}}, &response),
              HasCode(grpc::StatusCode::UNAUTHENTICATED));
}

// The imports' own events: those on the coalition itself.
std::vector<common::v1::AuditEvent> EventsOn(const std::vector<common::v1::AuditEvent>& events,
                                             const std::string& resource) {
  std::vector<common::v1::AuditEvent> on;
  for (const auto& event : events) {
    if (event.resource() == resource &&
        event.method() == absl::StrCat(kMethodPrefix, "ImportRoster")) {
      on.push_back(event);
    }
  }
  return on;
}

TEST_F(RosterImportTest, ImportIsAuditedAsOneEventOnTheCoalition) {
  v1::CreateApiKeyResponse key =
      CreateKey(network_a_.name(), common::v1::ROLE_CONVENER, {a1_.name()});
  clock().Advance(absl::Minutes(1));  // events of the same instant have no order
  v1::ImportRosterResponse response;
  ASSERT_THAT(ImportRoster(key.secret(), a1_.name(), "roster-1", MixedRoster(), &response), IsOk());
  std::vector<common::v1::AuditEvent> events =
      EventsOn(AuditEvents(network_a_.name(), a1_.name()), a1_.name());
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].method(), std::string(kMethodPrefix) + "ImportRoster");
  EXPECT_EQ(events[0].actor(), key.api_key().name());
  EXPECT_THAT(events[0].summary(), HasSubstr("2 people"));
}

TEST_F(RosterImportTest, EveryPersonOrganizationAndMembershipCreatedHasItsOwnEvent) {
  auto context = Ctx(admin_a_);
  context->AddMetadata("x-request-id", "roster-call-8");
  v1::ImportRosterResponse response;
  ASSERT_THAT(
      ImportRoster(admin_a_, a1_.name(), "roster-3", MixedRoster(), &response, context.get()),
      IsOk());
  ASSERT_EQ(response.people_created(), 2);
  const std::vector<common::v1::AuditEvent> all = AuditEvents(network_a_.name());
  int people = 0, organizations = 0, memberships = 0;
  for (const auto& event : all) {
    if (event.method() != std::string(kMethodPrefix) + "ImportRoster") continue;
    EXPECT_EQ(event.request_id(), "roster-call-8");
    if (absl::StrContains(event.resource(), "/people/")) ++people;
    if (absl::StrContains(event.resource(), "/organizations/")) ++organizations;
    if (absl::StrContains(event.resource(), "/memberships/")) ++memberships;
  }
  EXPECT_EQ(people, 2);
  EXPECT_EQ(organizations, 1);  // "Riverside Clinic", made once for both rows
  EXPECT_EQ(memberships, 2);

  // A re-run creates nothing and writes no event.
  const size_t before = AuditEvents(network_a_.name()).size();
  ASSERT_THAT(ImportRoster(admin_a_, a1_.name(), "roster-4", MixedRoster(), &response), IsOk());
  EXPECT_EQ(AuditEvents(network_a_.name()).size(), before);
}

TEST_F(RosterImportTest, ImportAuditEventCarriesTheCallsRequestId) {
  auto context = Ctx(admin_a_);
  context->AddMetadata("x-request-id", "roster-call-7");
  clock().Advance(absl::Minutes(1));
  v1::ImportRosterResponse response;
  ASSERT_THAT(ImportRoster(admin_a_, a1_.name(), "import-body-id", {{Row("Ana", "ana@x.org")}},
                           &response, context.get()),
              IsOk());
  std::vector<common::v1::AuditEvent> events =
      EventsOn(AuditEvents(network_a_.name(), a1_.name()), a1_.name());
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].method(), std::string(kMethodPrefix) + "ImportRoster");
  EXPECT_EQ(events[0].request_id(), "roster-call-7");
}

// ---- The audit log ----

TEST_F(AuditLogTest, MutationsAreListedNewestFirstWithTheKeyAsActor) {
  v1::CreateApiKeyResponse convener =
      CreateKey(network_a_.name(), common::v1::ROLE_CONVENER, {a1_.name()});
  const std::string key = convener.secret();
  clock().Advance(absl::Minutes(1));
  const absl::Time t1 = clock().Now();
  v1::CreatePersonRequest person;
  person.set_parent(network_a_.name());
  person.mutable_person()->set_display_name("Ana Lopez");
  person.mutable_person()->set_stakeholder_type(v1::PHYSICIANS);
  v1::Person ana;
  ASSERT_THAT(stub().CreatePerson(Ctx(key).get(), person, &ana), IsOk());

  clock().Advance(absl::Minutes(1));
  const absl::Time t2 = clock().Now();
  v1::UpdateCoalitionRequest update;
  update.mutable_coalition()->set_name(a1_.name());
  update.mutable_coalition()->set_status(v1::ACTIVE);
  v1::Coalition coalition;
  ASSERT_THAT(stub().UpdateCoalition(Ctx(key).get(), update, &coalition), IsOk());

  clock().Advance(absl::Minutes(1));
  const absl::Time t3 = clock().Now();
  v1::CreateMeasurableAimRequest aim;
  aim.set_parent(a1_.name());
  aim.mutable_aim()->set_metric("Readmissions");
  aim.mutable_aim()->set_baseline(20);
  aim.mutable_aim()->set_target(10);
  v1::MeasurableAim created_aim;
  ASSERT_THAT(stub().CreateMeasurableAim(Ctx(key).get(), aim, &created_aim), IsOk());

  // Reads are not audited.
  v1::GetCoalitionRequest get;
  get.set_name(a1_.name());
  ASSERT_THAT(stub().GetCoalition(Ctx(key).get(), get, &coalition), IsOk());

  v1::ListAuditEventsRequest request;
  request.set_parent(network_a_.name());
  request.set_page_size(3);
  v1::ListAuditEventsResponse response;
  ASSERT_THAT(stub().ListAuditEvents(Ctx(admin_a_).get(), request, &response), IsOk());
  ASSERT_THAT(response.audit_events(), SizeIs(3));
  const auto& e = response.audit_events();
  EXPECT_EQ(e[0].method(), std::string(kMethodPrefix) + "CreateMeasurableAim");
  EXPECT_EQ(e[0].resource(), created_aim.name());
  EXPECT_EQ(FromProtoTimestamp(e[0].time()), t3);
  EXPECT_EQ(e[1].method(), std::string(kMethodPrefix) + "UpdateCoalition");
  EXPECT_EQ(e[1].resource(), a1_.name());
  EXPECT_EQ(FromProtoTimestamp(e[1].time()), t2);
  EXPECT_EQ(e[2].method(), std::string(kMethodPrefix) + "CreatePerson");
  EXPECT_EQ(e[2].resource(), ana.name());
  EXPECT_EQ(FromProtoTimestamp(e[2].time()), t1);
  for (const auto& event : e) {
    EXPECT_EQ(event.actor(), convener.api_key().name());
    EXPECT_THAT(event.name(), StartsWith(network_a_.name() + "/auditEvents/"));
  }
}

TEST_F(AuditLogTest, ConvenerKeyEventsNameNoPerson) {
  v1::CreateApiKeyResponse convener =
      CreateKey(network_a_.name(), common::v1::ROLE_CONVENER, {a1_.name()});
  clock().Advance(absl::Minutes(1));
  v1::CreateActorRequest request;
  request.set_parent(a1_.name());
  request.mutable_actor()->set_display_name("County");
  request.mutable_actor()->set_category(v1::SUPPORTER);
  v1::Actor actor;
  ASSERT_THAT(stub().CreateActor(Ctx(convener.secret()).get(), request, &actor), IsOk());
  std::vector<common::v1::AuditEvent> events = AuditEvents(network_a_.name());
  ASSERT_THAT(events, Not(IsEmpty()));
  EXPECT_EQ(events[0].resource(), actor.name());
  EXPECT_TRUE(events[0].actor_person().empty());
}

TEST_F(AuditLogTest, RefusedAndFailedMutationsAreNotAudited) {
  const std::string operator_key = OperatorKey(network_a_.name());
  const size_t before = AuditEvents(network_a_.name()).size();
  v1::UpdateCoalitionRequest stale;
  stale.mutable_coalition()->set_name(a1_.name());
  stale.mutable_coalition()->set_etag("0000000000000000");
  stale.mutable_coalition()->set_region("x");
  v1::Coalition coalition;
  EXPECT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), stale, &coalition),
              HasCode(grpc::StatusCode::ABORTED));
  v1::UpdateCoalitionRequest denied;
  denied.mutable_coalition()->set_name(a1_.name());
  denied.mutable_coalition()->set_region("x");
  EXPECT_THAT(stub().UpdateCoalition(Ctx(operator_key).get(), denied, &coalition),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_EQ(AuditEvents(network_a_.name()).size(), before);
}

TEST_F(AuditLogTest, KeyCreationAndRevocationAreAudited) {
  v1::CreateApiKeyRequest create;
  create.set_parent(network_a_.name());
  create.mutable_api_key()->set_display_name("Meetings service");
  create.mutable_api_key()->set_role(common::v1::ROLE_SERVICE_ACCOUNT);
  v1::CreateApiKeyResponse key;
  clock().Advance(absl::Minutes(1));
  ASSERT_THAT(stub().CreateApiKey(Ctx(admin_a_).get(), create, &key), IsOk());
  clock().Advance(absl::Minutes(1));
  v1::RevokeApiKeyRequest revoke;
  revoke.set_name(key.api_key().name());
  v1::ApiKey revoked;
  ASSERT_THAT(stub().RevokeApiKey(Ctx(admin_a_).get(), revoke, &revoked), IsOk());
  std::vector<common::v1::AuditEvent> events = AuditEvents(network_a_.name(), key.api_key().name());
  ASSERT_THAT(events, SizeIs(2));
  EXPECT_EQ(events[0].method(), std::string(kMethodPrefix) + "RevokeApiKey");
  EXPECT_EQ(events[1].method(), std::string(kMethodPrefix) + "CreateApiKey");
  // The summary never carries the secret.
  EXPECT_THAT(events[1].summary(), Not(HasSubstr(key.secret())));
}

TEST_F(AuditLogTest, AuditEventCarriesTheCallsRequestId) {
  auto context = Ctx(admin_a_);
  context->AddMetadata("x-request-id", "create-person-call-42");
  clock().Advance(absl::Minutes(1));
  v1::CreatePersonRequest request;
  request.set_parent(network_a_.name());
  request.mutable_person()->set_display_name("Ana Lopez");
  request.mutable_person()->set_stakeholder_type(v1::PHYSICIANS);
  v1::Person person;
  ASSERT_THAT(stub().CreatePerson(context.get(), request, &person), IsOk());
  std::vector<common::v1::AuditEvent> events = AuditEvents(network_a_.name(), person.name());
  ASSERT_THAT(events, SizeIs(1));
  EXPECT_EQ(events[0].request_id(), "create-person-call-42");
}

TEST_F(AuditLogTest, ResourcePrefixKeepsEventsUnderOneCoalition) {
  clock().Advance(absl::Minutes(1));
  CreateAim(a1_.name(), "In a1", 0, 10, 1);
  CreateAim(a2_.name(), "In a2", 0, 10, 1);
  std::vector<common::v1::AuditEvent> events = AuditEvents(network_a_.name(), a1_.name());
  ASSERT_THAT(events, Not(IsEmpty()));
  for (const auto& event : events) EXPECT_THAT(event.resource(), StartsWith(a1_.name()));
  std::vector<std::string> methods;
  for (const auto& event : events) methods.push_back(event.method());
  EXPECT_THAT(methods, Contains(std::string(kMethodPrefix) + "CreateMeasurableAim"));
  EXPECT_THAT(methods, Contains(std::string(kMethodPrefix) + "CreateCoalition"));
}

TEST_F(AuditLogTest, AuditPagesWalkEveryEventOnceAndTokensStayWithTheirPrefix) {
  for (int i = 0; i < 4; ++i) {
    clock().Advance(absl::Seconds(1));
    CreatePerson(network_a_.name(), "Person " + std::to_string(i));
  }
  const std::vector<common::v1::AuditEvent> all = AuditEvents(network_a_.name());
  std::vector<std::string> seen;
  std::string token;
  std::string first_token;
  do {
    v1::ListAuditEventsRequest request;
    request.set_parent(network_a_.name());
    request.set_page_size(2);
    request.set_page_token(token);
    v1::ListAuditEventsResponse response;
    ASSERT_THAT(stub().ListAuditEvents(Ctx(admin_a_).get(), request, &response), IsOk());
    for (const auto& e : response.audit_events()) seen.push_back(e.name());
    token = response.next_page_token();
    if (first_token.empty()) first_token = token;
  } while (!token.empty() && seen.size() < 100);
  ASSERT_EQ(seen.size(), all.size());
  for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(seen[i], all[i].name());

  v1::ListAuditEventsRequest request;
  request.set_parent(network_a_.name());
  request.set_page_token(first_token);
  request.set_resource_prefix(a1_.name());
  v1::ListAuditEventsResponse response;
  EXPECT_THAT(stub().ListAuditEvents(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("page_token"));
}

TEST_F(AuditLogTest, OneNetworkNeverSeesAnothersAuditLog) {
  v1::ListAuditEventsRequest request;
  request.set_parent(network_b_.name());
  v1::ListAuditEventsResponse response;
  EXPECT_THAT(stub().ListAuditEvents(Ctx(admin_a_).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  for (const auto& event : AuditEvents(network_b_.name())) {
    EXPECT_THAT(event.resource(), Not(HasSubstr(network_a_.name() + "/")));
  }
}

TEST_F(AuditLogTest, ConvenerCannotReadTheAuditLog) {
  v1::ListAuditEventsRequest request;
  request.set_parent(network_a_.name());
  v1::ListAuditEventsResponse response;
  EXPECT_THAT(stub().ListAuditEvents(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(),
                                     request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(AuditLogTest, ListAuditEventsNamesANegativePageSize) {
  v1::ListAuditEventsRequest request;
  request.set_parent(network_a_.name());
  request.set_page_size(-1);
  v1::ListAuditEventsResponse response;
  EXPECT_THAT(stub().ListAuditEvents(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("page_size"));
}

}  // namespace
}  // namespace coalition::membership::testing
