// The network's directory: people and organizations.
#include <set>
#include <string>
#include <vector>

#include "tests/unit/membership/membership_test_fixture.h"

namespace coalition::membership::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

using PersonApiTest = MembershipServiceTest;
using OrganizationApiTest = MembershipServiceTest;

v1::CreatePersonRequest PersonRequest(const std::string& network, const std::string& display_name,
                                      const std::string& email) {
  v1::CreatePersonRequest request;
  request.set_parent(network);
  request.mutable_person()->set_display_name(display_name);
  request.mutable_person()->set_email(email);
  request.mutable_person()->set_stakeholder_type(v1::DISCHARGE_PLANNERS);
  return request;
}

TEST_F(PersonApiTest, CreatePersonStoresTheEmailInLowerCase) {
  v1::CreatePersonRequest request =
      PersonRequest(network_a_.name(), "Maria Chen", "  Maria.Chen@Riverside.ORG ");
  request.mutable_person()->set_phone("540-555-0101");
  request.mutable_person()->set_state("VA");
  v1::Person person;
  ASSERT_THAT(stub().CreatePerson(Ctx(admin_a_).get(), request, &person), IsOk());
  EXPECT_THAT(person.name(), StartsWith(network_a_.name() + "/people/"));
  EXPECT_EQ(person.email(), "maria.chen@riverside.org");
  EXPECT_EQ(person.stakeholder_type(), v1::DISCHARGE_PLANNERS);
  EXPECT_EQ(person.phone(), "540-555-0101");
  EXPECT_FALSE(person.etag().empty());
}

TEST_F(PersonApiTest, CreatePersonLinksAnOrganizationOfTheNetwork) {
  v1::Organization hospital = CreateOrganization(network_a_.name(), "Riverside Hospital");
  v1::CreatePersonRequest request = PersonRequest(network_a_.name(), "Maria Chen", "");
  request.mutable_person()->set_organization(hospital.name());
  v1::Person person;
  ASSERT_THAT(stub().CreatePerson(Ctx(admin_a_).get(), request, &person), IsOk());
  EXPECT_EQ(person.organization(), hospital.name());
}

TEST_F(PersonApiTest, CreatePersonNamesMissingDisplayName) {
  v1::Person person;
  EXPECT_THAT(stub().CreatePerson(Ctx(admin_a_).get(),
                                  PersonRequest(network_a_.name(), "", "x@example.org"), &person),
              InvalidArgumentOn("person.display_name"));
}

TEST_F(PersonApiTest, CreatePersonNamesABadEmail) {
  v1::Person person;
  EXPECT_THAT(
      stub().CreatePerson(Ctx(admin_a_).get(),
                          PersonRequest(network_a_.name(), "Maria", "maria-at-example"), &person),
      InvalidArgumentOn("person.email"));
}

TEST_F(PersonApiTest, CreatePersonNamesMissingStakeholderType) {
  v1::CreatePersonRequest request = PersonRequest(network_a_.name(), "Maria", "");
  request.mutable_person()->clear_stakeholder_type();
  v1::Person person;
  EXPECT_THAT(stub().CreatePerson(Ctx(admin_a_).get(), request, &person),
              InvalidArgumentOn("person.stakeholder_type"));
}

TEST_F(PersonApiTest, CreatePersonNamesAnOrganizationOfAnotherNetwork) {
  v1::Organization other = CreateOrganization(network_b_.name(), "Duke Health");
  v1::CreatePersonRequest request = PersonRequest(network_a_.name(), "Maria", "");
  request.mutable_person()->set_organization(other.name());
  v1::Person person;
  EXPECT_THAT(stub().CreatePerson(Ctx(admin_a_).get(), request, &person),
              InvalidArgumentOn("person.organization"));
}

TEST_F(PersonApiTest, CreatePersonNamesAnUnknownOrganization) {
  v1::CreatePersonRequest request = PersonRequest(network_a_.name(), "Maria", "");
  request.mutable_person()->set_organization(network_a_.name() + "/organizations/doesnotexist");
  v1::Person person;
  EXPECT_THAT(stub().CreatePerson(Ctx(admin_a_).get(), request, &person),
              InvalidArgumentOn("person.organization"));
}

TEST_F(PersonApiTest, CreatePersonNamesABadStateAndPhoneTogether) {
  v1::CreatePersonRequest request = PersonRequest(network_a_.name(), "Maria", "");
  request.mutable_person()->set_state("Virginia");
  request.mutable_person()->set_phone(std::string(41, '5'));
  v1::Person person;
  grpc::Status status = stub().CreatePerson(Ctx(admin_a_).get(), request, &person);
  EXPECT_THAT(status, HasCode(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(ViolatedFields(status), UnorderedElementsAre("person.state", "person.phone"));
}

TEST_F(PersonApiTest, DuplicateEmailInTheNetworkIsAlreadyExistsWhateverItsCase) {
  CreatePerson(network_a_.name(), "Maria Chen", "maria@riverside.org");
  v1::Person person;
  grpc::Status status = stub().CreatePerson(
      Ctx(admin_a_).get(), PersonRequest(network_a_.name(), "M. Chen", "MARIA@Riverside.org"),
      &person);
  EXPECT_THAT(status, HasCode(grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("person.email"));
  EXPECT_EQ(CountPeople(network_a_.name()), 1);
}

TEST_F(PersonApiTest, SameEmailInAnotherNetworkIsAnotherPerson) {
  CreatePerson(network_a_.name(), "Maria Chen", "maria@riverside.org");
  v1::Person person;
  EXPECT_THAT(stub().CreatePerson(
                  Ctx(admin_b_).get(),
                  PersonRequest(network_b_.name(), "Maria Chen", "maria@riverside.org"), &person),
              IsOk());
}

TEST_F(PersonApiTest, PeopleWithoutEmailDoNotCollide) {
  CreatePerson(network_a_.name(), "First", "");
  CreatePerson(network_a_.name(), "Second", "");
  EXPECT_EQ(CountPeople(network_a_.name()), 2);
}

TEST_F(PersonApiTest, RetriedCreatePersonReturnsTheSamePersonAndNoDuplicate) {
  v1::CreatePersonRequest request =
      PersonRequest(network_a_.name(), "Maria Chen", "maria@riverside.org");
  request.set_request_id("person-maria-1");
  v1::Person first, second;
  ASSERT_THAT(stub().CreatePerson(Ctx(admin_a_).get(), request, &first), IsOk());
  ASSERT_THAT(stub().CreatePerson(Ctx(admin_a_).get(), request, &second), IsOk());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(CountPeople(network_a_.name()), 1);
}

TEST_F(PersonApiTest, AnyConvenerOfTheNetworkAddsPeople) {
  v1::Person person;
  EXPECT_THAT(stub().CreatePerson(Ctx(ConvenerKey(network_a_.name(), {a2_.name()})).get(),
                                  PersonRequest(network_a_.name(), "Maria", ""), &person),
              IsOk());
}

TEST_F(PersonApiTest, OperatorCannotAddPeople) {
  v1::Person person;
  EXPECT_THAT(stub().CreatePerson(Ctx(OperatorKey(network_a_.name())).get(),
                                  PersonRequest(network_a_.name(), "Maria", ""), &person),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(PersonApiTest, AdminCannotAddPeopleToAnotherNetwork) {
  v1::Person person;
  EXPECT_THAT(stub().CreatePerson(Ctx(admin_a_).get(),
                                  PersonRequest(network_b_.name(), "Maria", ""), &person),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(PersonApiTest, MemberReadsTheirOwnRecordButNoOneElses) {
  v1::Person ana = CreateMemberPerson(a1_.name(), "Ana Lopez");
  v1::Person ben = CreateMemberPerson(a1_.name(), "Ben Ortiz");
  const std::string key = MemberKey(a1_.name(), ana.name());
  v1::GetPersonRequest request;
  request.set_name(ana.name());
  v1::Person person;
  ASSERT_THAT(stub().GetPerson(Ctx(key).get(), request, &person), IsOk());
  EXPECT_EQ(person.display_name(), "Ana Lopez");
  request.set_name(ben.name());
  EXPECT_THAT(stub().GetPerson(Ctx(key).get(), request, &person),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(PersonApiTest, GetUnknownPersonIsNotFound) {
  v1::GetPersonRequest request;
  request.set_name(network_a_.name() + "/people/doesnotexist");
  v1::Person person;
  EXPECT_THAT(stub().GetPerson(Ctx(admin_a_).get(), request, &person),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(PersonApiTest, GetPersonOfAnotherNetworkIsDenied) {
  v1::Person other = CreatePerson(network_b_.name(), "Dana", "");
  v1::GetPersonRequest request;
  request.set_name(other.name());
  v1::Person person;
  EXPECT_THAT(stub().GetPerson(Ctx(admin_a_).get(), request, &person),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(PersonApiTest, GetPersonNamesAMalformedName) {
  v1::GetPersonRequest request;
  request.set_name(network_a_.name() + "/persons/x");
  v1::Person person;
  EXPECT_THAT(stub().GetPerson(Ctx(admin_a_).get(), request, &person), InvalidArgumentOn("name"));
}

TEST_F(PersonApiTest, ListPeopleFiltersByNameEmailAndStakeholderType) {
  v1::Person maria = CreatePerson(network_a_.name(), "Maria Chen", "maria@riverside.org");
  v1::Person marion = CreatePerson(network_a_.name(), "Marion Diaz", "marion@hilltop.org");
  v1::CreatePersonRequest pharmacist = PersonRequest(network_a_.name(), "Sam Patel", "");
  pharmacist.mutable_person()->set_stakeholder_type(v1::PHARMACISTS);
  v1::Person sam;
  ASSERT_THAT(stub().CreatePerson(Ctx(admin_a_).get(), pharmacist, &sam), IsOk());
  CreatePerson(network_b_.name(), "Maria in B", "");

  auto names = [&](v1::ListPeopleRequest request) {
    request.set_parent(network_a_.name());
    v1::ListPeopleResponse response;
    EXPECT_THAT(stub().ListPeople(Ctx(admin_a_).get(), request, &response), IsOk());
    std::vector<std::string> out;
    for (const auto& p : response.people()) out.push_back(p.name());
    return out;
  };
  v1::ListPeopleRequest by_name;
  by_name.set_name_contains("MARI");
  EXPECT_THAT(names(by_name), UnorderedElementsAre(maria.name(), marion.name()));
  v1::ListPeopleRequest by_email;
  by_email.set_email("Maria@Riverside.org");
  EXPECT_THAT(names(by_email), ElementsAre(maria.name()));
  v1::ListPeopleRequest by_type;
  by_type.set_stakeholder_type(v1::PHARMACISTS);
  EXPECT_THAT(names(by_type), ElementsAre(sam.name()));
  v1::ListPeopleRequest wildcard;
  wildcard.set_name_contains("%");
  EXPECT_THAT(names(wildcard), ::testing::IsEmpty());
}

TEST_F(PersonApiTest, NameSearchIgnoresTheCaseOfAccentedLetters) {
  v1::Person angela = CreatePerson(network_a_.name(), "Ángela Núñez");
  v1::ListPeopleRequest request;
  request.set_parent(network_a_.name());
  request.set_name_contains("ángela");
  v1::ListPeopleResponse response;
  ASSERT_THAT(stub().ListPeople(Ctx(admin_a_).get(), request, &response), IsOk());
  ASSERT_THAT(response.people(), SizeIs(1));
  EXPECT_EQ(response.people(0).name(), angela.name());
  request.set_name_contains("NÚÑEZ");
  ASSERT_THAT(stub().ListPeople(Ctx(admin_a_).get(), request, &response), IsOk());
  EXPECT_THAT(response.people(), SizeIs(1));
}

TEST_F(PersonApiTest, ListPeopleWalksEveryPersonOnceWithPageSizeTwo) {
  std::set<std::string> expected;
  for (int i = 0; i < 5; ++i) {
    expected.insert(CreatePerson(network_a_.name(), "Person " + std::to_string(i)).name());
  }
  v1::ListPeopleRequest request;
  request.set_parent(network_a_.name());
  const auto [seen, pages] = WalkPages(&v1::MembershipService::Stub::ListPeople, request, admin_a_,
                                       [](const v1::ListPeopleResponse& r) { return r.people(); });
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
}

TEST_F(PersonApiTest, PeoplePageTokenReusedWithADifferentFilterIsInvalid) {
  for (int i = 0; i < 4; ++i) CreatePerson(network_a_.name(), "Maria " + std::to_string(i));
  v1::ListPeopleRequest request;
  request.set_parent(network_a_.name());
  request.set_name_contains("maria");
  request.set_page_size(2);
  v1::ListPeopleResponse response;
  ASSERT_THAT(stub().ListPeople(Ctx(admin_a_).get(), request, &response), IsOk());
  ASSERT_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_name_contains("mar");
  EXPECT_THAT(stub().ListPeople(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("page_token"));
}

TEST_F(PersonApiTest, MemberCannotListPeople) {
  v1::Person ana = CreateMemberPerson(a1_.name(), "Ana Lopez");
  v1::ListPeopleRequest request;
  request.set_parent(network_a_.name());
  v1::ListPeopleResponse response;
  EXPECT_THAT(stub().ListPeople(Ctx(MemberKey(a1_.name(), ana.name())).get(), request, &response),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(PersonApiTest, ListPeopleNamesAnUnknownStakeholderType) {
  v1::ListPeopleRequest request;
  request.set_parent(network_a_.name());
  request.set_stakeholder_type(static_cast<v1::StakeholderType>(99));
  v1::ListPeopleResponse response;
  EXPECT_THAT(stub().ListPeople(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("stakeholder_type"));
}

TEST_F(PersonApiTest, ListPeopleNamesAMalformedParent) {
  v1::ListPeopleRequest request;
  request.set_parent(a1_.name());
  v1::ListPeopleResponse response;
  EXPECT_THAT(stub().ListPeople(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("parent"));
}

TEST_F(PersonApiTest, UpdatePersonChangesOnlyMaskedFields) {
  v1::Person created = CreatePerson(network_a_.name(), "Maria Chen", "maria@riverside.org");
  v1::UpdatePersonRequest request;
  request.mutable_person()->set_name(created.name());
  request.mutable_person()->set_etag(created.etag());
  request.mutable_person()->set_phone("540-555-0199");
  request.mutable_person()->set_display_name("not in the mask");
  request.mutable_update_mask()->add_paths("phone");
  v1::Person person;
  ASSERT_THAT(stub().UpdatePerson(Ctx(admin_a_).get(), request, &person), IsOk());
  EXPECT_EQ(person.phone(), "540-555-0199");
  EXPECT_EQ(person.display_name(), "Maria Chen");
  EXPECT_EQ(person.email(), "maria@riverside.org");
  EXPECT_NE(person.etag(), created.etag());
}

TEST_F(PersonApiTest, UpdatePersonNormalizesTheNewEmail) {
  v1::Person created = CreatePerson(network_a_.name(), "Maria Chen", "maria@riverside.org");
  v1::UpdatePersonRequest request;
  request.mutable_person()->set_name(created.name());
  request.mutable_person()->set_email("Maria.Chen@Riverside.org");
  request.mutable_update_mask()->add_paths("email");
  v1::Person person;
  ASSERT_THAT(stub().UpdatePerson(Ctx(admin_a_).get(), request, &person), IsOk());
  EXPECT_EQ(person.email(), "maria.chen@riverside.org");
}

TEST_F(PersonApiTest, UpdatePersonToAnotherPersonsEmailIsAlreadyExists) {
  CreatePerson(network_a_.name(), "Maria Chen", "maria@riverside.org");
  v1::Person sam = CreatePerson(network_a_.name(), "Sam Patel", "sam@riverside.org");
  v1::UpdatePersonRequest request;
  request.mutable_person()->set_name(sam.name());
  request.mutable_person()->set_email("MARIA@riverside.org");
  request.mutable_update_mask()->add_paths("email");
  v1::Person person;
  EXPECT_THAT(stub().UpdatePerson(Ctx(admin_a_).get(), request, &person),
              HasCode(grpc::StatusCode::ALREADY_EXISTS));
  EXPECT_EQ(GetPerson(sam.name()).email(), "sam@riverside.org");
}

TEST_F(PersonApiTest, UpdatePersonNamesABadEmail) {
  v1::Person created = CreatePerson(network_a_.name(), "Maria Chen", "maria@riverside.org");
  v1::UpdatePersonRequest request;
  request.mutable_person()->set_name(created.name());
  request.mutable_person()->set_email("maria@");
  request.mutable_update_mask()->add_paths("email");
  v1::Person person;
  EXPECT_THAT(stub().UpdatePerson(Ctx(admin_a_).get(), request, &person),
              InvalidArgumentOn("person.email"));
}

TEST_F(PersonApiTest, UpdatePersonRefusesAnOutputOnlyMaskPath) {
  v1::Person created = CreatePerson(network_a_.name(), "Maria Chen");
  v1::UpdatePersonRequest request;
  request.mutable_person()->set_name(created.name());
  request.mutable_update_mask()->add_paths("create_time");
  v1::Person person;
  EXPECT_THAT(stub().UpdatePerson(Ctx(admin_a_).get(), request, &person),
              InvalidArgumentOn("update_mask"));
}

TEST_F(PersonApiTest, UpdatePersonWithStaleEtagIsAborted) {
  v1::Person created = CreatePerson(network_a_.name(), "Maria Chen");
  v1::UpdatePersonRequest request;
  request.mutable_person()->set_name(created.name());
  request.mutable_person()->set_etag(created.etag());
  request.mutable_person()->set_phone("1");
  request.mutable_update_mask()->add_paths("phone");
  v1::Person person;
  ASSERT_THAT(stub().UpdatePerson(Ctx(admin_a_).get(), request, &person), IsOk());
  request.mutable_person()->set_phone("2");
  EXPECT_THAT(stub().UpdatePerson(Ctx(admin_a_).get(), request, &person),
              HasCode(grpc::StatusCode::ABORTED));
  EXPECT_EQ(GetPerson(created.name()).phone(), "1");
}

TEST_F(PersonApiTest, MemberCannotUpdateEvenTheirOwnRecord) {
  v1::Person ana = CreateMemberPerson(a1_.name(), "Ana Lopez");
  v1::UpdatePersonRequest request;
  request.mutable_person()->set_name(ana.name());
  request.mutable_person()->set_phone("555");
  request.mutable_update_mask()->add_paths("phone");
  v1::Person person;
  EXPECT_THAT(stub().UpdatePerson(Ctx(MemberKey(a1_.name(), ana.name())).get(), request, &person),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(PersonApiTest, UpdateUnknownPersonIsNotFound) {
  v1::UpdatePersonRequest request;
  request.mutable_person()->set_name(network_a_.name() + "/people/doesnotexist");
  request.mutable_person()->set_phone("555");
  v1::Person person;
  EXPECT_THAT(stub().UpdatePerson(Ctx(admin_a_).get(), request, &person),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(PersonApiTest, UpdatePersonNamesAMalformedName) {
  v1::UpdatePersonRequest request;
  request.mutable_person()->set_name("people/x");
  v1::Person person;
  EXPECT_THAT(stub().UpdatePerson(Ctx(admin_a_).get(), request, &person),
              InvalidArgumentOn("person.name"));
}

TEST_F(PersonApiTest, DeletePersonWithoutMembershipsRemovesThem) {
  v1::Person created = CreatePerson(network_a_.name(), "Maria Chen");
  v1::DeletePersonRequest request;
  request.set_name(created.name());
  request.set_etag(created.etag());
  google::protobuf::Empty empty;
  ASSERT_THAT(stub().DeletePerson(Ctx(admin_a_).get(), request, &empty), IsOk());
  v1::GetPersonRequest get;
  get.set_name(created.name());
  v1::Person person;
  EXPECT_THAT(stub().GetPerson(Ctx(admin_a_).get(), get, &person),
              HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(stub().DeletePerson(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(PersonApiTest, DeletePersonWithMembershipsIsFailedPrecondition) {
  v1::Person person = CreateMemberPerson(a1_.name(), "Ana Lopez");
  v1::DeletePersonRequest request;
  request.set_name(person.name());
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeletePerson(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
}

TEST_F(PersonApiTest, DeletePersonWhoLeftIsStillFailedPrecondition) {
  v1::Person person = CreatePerson(network_a_.name(), "Ana Lopez");
  v1::Membership membership = CreateMembership(a1_.name(), person.name());
  v1::LeaveCoalitionRequest leave;
  leave.set_name(membership.name());
  v1::Membership left;
  ASSERT_THAT(stub().LeaveCoalition(Ctx(admin_a_).get(), leave, &left), IsOk());
  v1::DeletePersonRequest request;
  request.set_name(person.name());
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeletePerson(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
}

TEST_F(PersonApiTest, DeletePersonMappedOnTheMapOfActorsIsFailedPrecondition) {
  v1::Person person = CreatePerson(network_a_.name(), "Dr. Ruth Kim");
  v1::CreateActorRequest actor_request;
  actor_request.set_parent(a1_.name());
  actor_request.mutable_actor()->set_display_name("Dr. Ruth Kim");
  actor_request.mutable_actor()->set_person(person.name());
  actor_request.mutable_actor()->set_category(v1::SUPPORTER);
  v1::Actor actor;
  ASSERT_THAT(stub().CreateActor(Ctx(admin_a_).get(), actor_request, &actor), IsOk());

  v1::DeletePersonRequest request;
  request.set_name(person.name());
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeletePerson(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
  // Otherwise the actor names a person that is gone and can no longer be updated.
  v1::UpdateActorRequest update;
  update.mutable_actor()->set_name(actor.name());
  update.mutable_actor()->set_notes("met at the health fair");
  update.mutable_update_mask()->add_paths("notes");
  EXPECT_THAT(stub().UpdateActor(Ctx(admin_a_).get(), update, &actor), IsOk());
}

TEST_F(PersonApiTest, DeletePersonWithStaleEtagIsAborted) {
  v1::Person created = CreatePerson(network_a_.name(), "Maria Chen");
  v1::UpdatePersonRequest update;
  update.mutable_person()->set_name(created.name());
  update.mutable_person()->set_phone("1");
  v1::Person person;
  ASSERT_THAT(stub().UpdatePerson(Ctx(admin_a_).get(), update, &person), IsOk());
  v1::DeletePersonRequest request;
  request.set_name(created.name());
  request.set_etag(created.etag());
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeletePerson(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::ABORTED));
}

TEST_F(PersonApiTest, ConvenerCannotDeletePeople) {
  v1::Person created = CreatePerson(network_a_.name(), "Maria Chen");
  v1::DeletePersonRequest request;
  request.set_name(created.name());
  google::protobuf::Empty empty;
  EXPECT_THAT(
      stub().DeletePerson(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(), request, &empty),
      HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

// ---- Organizations ----

v1::CreateOrganizationRequest OrganizationRequest(const std::string& network,
                                                  const std::string& display_name) {
  v1::CreateOrganizationRequest request;
  request.set_parent(network);
  request.mutable_organization()->set_display_name(display_name);
  request.mutable_organization()->set_stakeholder_type(v1::FAITH_BASED_ORGANIZATIONS);
  return request;
}

TEST_F(OrganizationApiTest, CreateOrganizationReturnsIt) {
  v1::CreateOrganizationRequest request =
      OrganizationRequest(network_a_.name(), "First Baptist Health Ministry");
  request.mutable_organization()->set_state("VA");
  request.mutable_organization()->set_website("https://fbhm.example.org");
  v1::Organization organization;
  ASSERT_THAT(stub().CreateOrganization(Ctx(admin_a_).get(), request, &organization), IsOk());
  EXPECT_THAT(organization.name(), StartsWith(network_a_.name() + "/organizations/"));
  EXPECT_EQ(organization.stakeholder_type(), v1::FAITH_BASED_ORGANIZATIONS);
  EXPECT_EQ(organization.website(), "https://fbhm.example.org");
  EXPECT_FALSE(organization.etag().empty());
}

TEST_F(OrganizationApiTest, CreateOrganizationNamesMissingDisplayName) {
  v1::Organization organization;
  EXPECT_THAT(stub().CreateOrganization(Ctx(admin_a_).get(),
                                        OrganizationRequest(network_a_.name(), ""), &organization),
              InvalidArgumentOn("organization.display_name"));
}

TEST_F(OrganizationApiTest, CreateOrganizationNamesMissingStakeholderType) {
  v1::CreateOrganizationRequest request = OrganizationRequest(network_a_.name(), "Clinic");
  request.mutable_organization()->clear_stakeholder_type();
  v1::Organization organization;
  EXPECT_THAT(stub().CreateOrganization(Ctx(admin_a_).get(), request, &organization),
              InvalidArgumentOn("organization.stakeholder_type"));
}

TEST_F(OrganizationApiTest, CreateOrganizationNamesABadStateAndLongWebsite) {
  v1::CreateOrganizationRequest request = OrganizationRequest(network_a_.name(), "Clinic");
  request.mutable_organization()->set_state("XX");
  request.mutable_organization()->set_website(std::string(301, 'w'));
  v1::Organization organization;
  grpc::Status status = stub().CreateOrganization(Ctx(admin_a_).get(), request, &organization);
  EXPECT_THAT(status, HasCode(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(ViolatedFields(status),
              UnorderedElementsAre("organization.state", "organization.website"));
}

TEST_F(OrganizationApiTest, RetriedCreateOrganizationReturnsTheSameOneAndNoDuplicate) {
  v1::CreateOrganizationRequest request = OrganizationRequest(network_a_.name(), "Clinic");
  request.set_request_id("org-clinic-1");
  v1::Organization first, second;
  ASSERT_THAT(stub().CreateOrganization(Ctx(admin_a_).get(), request, &first), IsOk());
  ASSERT_THAT(stub().CreateOrganization(Ctx(admin_a_).get(), request, &second), IsOk());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(CountOrganizations(network_a_.name()), 1);
}

TEST_F(OrganizationApiTest, MemberCannotAddOrganizations) {
  v1::Person ana = CreateMemberPerson(a1_.name(), "Ana Lopez");
  v1::Organization organization;
  EXPECT_THAT(
      stub().CreateOrganization(Ctx(MemberKey(a1_.name(), ana.name())).get(),
                                OrganizationRequest(network_a_.name(), "Clinic"), &organization),
      HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(OrganizationApiTest, GetOrganizationReturnsItAndUnknownIsNotFound) {
  v1::Organization created = CreateOrganization(network_a_.name(), "Riverside Hospital");
  v1::GetOrganizationRequest request;
  request.set_name(created.name());
  v1::Organization organization;
  ASSERT_THAT(stub().GetOrganization(Ctx(admin_a_).get(), request, &organization), IsOk());
  EXPECT_EQ(organization.display_name(), "Riverside Hospital");
  request.set_name(network_a_.name() + "/organizations/doesnotexist");
  EXPECT_THAT(stub().GetOrganization(Ctx(admin_a_).get(), request, &organization),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(OrganizationApiTest, GetOrganizationOfAnotherNetworkIsDenied) {
  v1::Organization other = CreateOrganization(network_b_.name(), "Duke Health");
  v1::GetOrganizationRequest request;
  request.set_name(other.name());
  v1::Organization organization;
  EXPECT_THAT(stub().GetOrganization(Ctx(admin_a_).get(), request, &organization),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(OrganizationApiTest, GetOrganizationNamesAMalformedName) {
  v1::GetOrganizationRequest request;
  request.set_name("organizations/x");
  v1::Organization organization;
  EXPECT_THAT(stub().GetOrganization(Ctx(admin_a_).get(), request, &organization),
              InvalidArgumentOn("name"));
}

TEST_F(OrganizationApiTest, ListOrganizationsFiltersAndWalksEveryOneOnce) {
  std::set<std::string> hospitals;
  for (int i = 0; i < 3; ++i) {
    hospitals.insert(CreateOrganization(network_a_.name(), "Hospital " + std::to_string(i)).name());
  }
  v1::Organization church;
  ASSERT_THAT(
      stub().CreateOrganization(Ctx(admin_a_).get(),
                                OrganizationRequest(network_a_.name(), "Grace Church"), &church),
      IsOk());
  std::vector<std::string> seen;
  std::string token;
  do {
    v1::ListOrganizationsRequest request;
    request.set_parent(network_a_.name());
    request.set_page_size(2);
    request.set_page_token(token);
    request.set_name_contains("hospital");
    v1::ListOrganizationsResponse response;
    ASSERT_THAT(stub().ListOrganizations(Ctx(admin_a_).get(), request, &response), IsOk());
    for (const auto& o : response.organizations()) seen.push_back(o.name());
    token = response.next_page_token();
  } while (!token.empty() && seen.size() < 20);
  EXPECT_EQ(seen.size(), 3u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), hospitals);

  v1::ListOrganizationsRequest by_type;
  by_type.set_parent(network_a_.name());
  by_type.set_stakeholder_type(v1::FAITH_BASED_ORGANIZATIONS);
  v1::ListOrganizationsResponse response;
  ASSERT_THAT(stub().ListOrganizations(Ctx(admin_a_).get(), by_type, &response), IsOk());
  ASSERT_THAT(response.organizations(), SizeIs(1));
  EXPECT_EQ(response.organizations(0).name(), church.name());
}

TEST_F(OrganizationApiTest, OrganizationsPageTokenReusedWithADifferentFilterIsInvalid) {
  for (int i = 0; i < 3; ++i) CreateOrganization(network_a_.name(), "Hospital");
  v1::ListOrganizationsRequest request;
  request.set_parent(network_a_.name());
  request.set_page_size(1);
  v1::ListOrganizationsResponse response;
  ASSERT_THAT(stub().ListOrganizations(Ctx(admin_a_).get(), request, &response), IsOk());
  ASSERT_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_stakeholder_type(v1::HOSPITALS);
  EXPECT_THAT(stub().ListOrganizations(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("page_token"));
}

TEST_F(OrganizationApiTest, MemberCannotListOrganizations) {
  v1::Person ana = CreateMemberPerson(a1_.name(), "Ana Lopez");
  v1::ListOrganizationsRequest request;
  request.set_parent(network_a_.name());
  v1::ListOrganizationsResponse response;
  EXPECT_THAT(
      stub().ListOrganizations(Ctx(MemberKey(a1_.name(), ana.name())).get(), request, &response),
      HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(OrganizationApiTest, ListOrganizationsNamesAnUnknownStakeholderType) {
  v1::ListOrganizationsRequest request;
  request.set_parent(network_a_.name());
  request.set_stakeholder_type(static_cast<v1::StakeholderType>(77));
  v1::ListOrganizationsResponse response;
  EXPECT_THAT(stub().ListOrganizations(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("stakeholder_type"));
}

TEST_F(OrganizationApiTest, UpdateOrganizationChangesOnlyMaskedFields) {
  v1::Organization created = CreateOrganization(network_a_.name(), "Riverside Hospital");
  v1::UpdateOrganizationRequest request;
  request.mutable_organization()->set_name(created.name());
  request.mutable_organization()->set_etag(created.etag());
  request.mutable_organization()->set_website("https://riverside.example.org");
  request.mutable_organization()->set_display_name("not in the mask");
  request.mutable_update_mask()->add_paths("website");
  v1::Organization organization;
  ASSERT_THAT(stub().UpdateOrganization(Ctx(admin_a_).get(), request, &organization), IsOk());
  EXPECT_EQ(organization.website(), "https://riverside.example.org");
  EXPECT_EQ(organization.display_name(), "Riverside Hospital");
}

TEST_F(OrganizationApiTest, UpdateOrganizationWithStaleEtagIsAborted) {
  v1::Organization created = CreateOrganization(network_a_.name(), "Riverside Hospital");
  v1::UpdateOrganizationRequest request;
  request.mutable_organization()->set_name(created.name());
  request.mutable_organization()->set_etag(created.etag());
  request.mutable_organization()->set_state("VA");
  request.mutable_update_mask()->add_paths("state");
  v1::Organization organization;
  ASSERT_THAT(stub().UpdateOrganization(Ctx(admin_a_).get(), request, &organization), IsOk());
  EXPECT_THAT(stub().UpdateOrganization(Ctx(admin_a_).get(), request, &organization),
              HasCode(grpc::StatusCode::ABORTED));
}

TEST_F(OrganizationApiTest, UpdateOrganizationNamesAnUnsetStakeholderType) {
  v1::Organization created = CreateOrganization(network_a_.name(), "Riverside Hospital");
  v1::UpdateOrganizationRequest request;
  request.mutable_organization()->set_name(created.name());
  request.mutable_update_mask()->add_paths("stakeholder_type");
  v1::Organization organization;
  EXPECT_THAT(stub().UpdateOrganization(Ctx(admin_a_).get(), request, &organization),
              InvalidArgumentOn("organization.stakeholder_type"));
}

TEST_F(OrganizationApiTest, UpdateOrganizationRefusesAnOutputOnlyMaskPath) {
  v1::Organization created = CreateOrganization(network_a_.name(), "Riverside Hospital");
  v1::UpdateOrganizationRequest request;
  request.mutable_organization()->set_name(created.name());
  request.mutable_update_mask()->add_paths("name");
  v1::Organization organization;
  EXPECT_THAT(stub().UpdateOrganization(Ctx(admin_a_).get(), request, &organization),
              InvalidArgumentOn("update_mask"));
}

TEST_F(OrganizationApiTest, UpdateUnknownOrganizationIsNotFound) {
  v1::UpdateOrganizationRequest request;
  request.mutable_organization()->set_name(network_a_.name() + "/organizations/doesnotexist");
  request.mutable_organization()->set_website("x");
  v1::Organization organization;
  EXPECT_THAT(stub().UpdateOrganization(Ctx(admin_a_).get(), request, &organization),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(OrganizationApiTest, OperatorCannotUpdateOrganizations) {
  v1::Organization created = CreateOrganization(network_a_.name(), "Riverside Hospital");
  v1::UpdateOrganizationRequest request;
  request.mutable_organization()->set_name(created.name());
  request.mutable_organization()->set_website("x");
  v1::Organization organization;
  EXPECT_THAT(
      stub().UpdateOrganization(Ctx(OperatorKey(network_a_.name())).get(), request, &organization),
      HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(OrganizationApiTest, DeleteOrganizationRemovesIt) {
  v1::Organization created = CreateOrganization(network_a_.name(), "Riverside Hospital");
  v1::DeleteOrganizationRequest request;
  request.set_name(created.name());
  request.set_etag(created.etag());
  google::protobuf::Empty empty;
  ASSERT_THAT(stub().DeleteOrganization(Ctx(admin_a_).get(), request, &empty), IsOk());
  EXPECT_EQ(CountOrganizations(network_a_.name()), 0);
  EXPECT_THAT(stub().DeleteOrganization(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(OrganizationApiTest, DeleteOrganizationWithMembershipsIsFailedPrecondition) {
  v1::Organization created = CreateOrganization(network_a_.name(), "Riverside Hospital");
  CreateMembership(a1_.name(), created.name());
  v1::DeleteOrganizationRequest request;
  request.set_name(created.name());
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeleteOrganization(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
}

TEST_F(OrganizationApiTest, DeleteOrganizationThatPeopleNameIsFailedPrecondition) {
  v1::Organization created = CreateOrganization(network_a_.name(), "Riverside Hospital");
  v1::CreatePersonRequest person_request = PersonRequest(network_a_.name(), "Maria", "");
  person_request.mutable_person()->set_organization(created.name());
  v1::Person person;
  ASSERT_THAT(stub().CreatePerson(Ctx(admin_a_).get(), person_request, &person), IsOk());
  v1::DeleteOrganizationRequest request;
  request.set_name(created.name());
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeleteOrganization(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
}

TEST_F(OrganizationApiTest, DeleteOrganizationMappedOnTheMapOfActorsIsFailedPrecondition) {
  v1::Organization created = CreateOrganization(network_a_.name(), "Riverside Hospital");
  v1::CreateActorRequest actor_request;
  actor_request.set_parent(a1_.name());
  actor_request.mutable_actor()->set_display_name("Riverside Hospital");
  actor_request.mutable_actor()->set_organization(created.name());
  actor_request.mutable_actor()->set_category(v1::COMPETITION);
  v1::Actor actor;
  ASSERT_THAT(stub().CreateActor(Ctx(admin_a_).get(), actor_request, &actor), IsOk());

  v1::DeleteOrganizationRequest request;
  request.set_name(created.name());
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeleteOrganization(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::FAILED_PRECONDITION));
}

TEST_F(OrganizationApiTest, DeleteOrganizationWithStaleEtagIsAborted) {
  v1::Organization created = CreateOrganization(network_a_.name(), "Riverside Hospital");
  v1::UpdateOrganizationRequest update;
  update.mutable_organization()->set_name(created.name());
  update.mutable_organization()->set_website("x");
  v1::Organization organization;
  ASSERT_THAT(stub().UpdateOrganization(Ctx(admin_a_).get(), update, &organization), IsOk());
  v1::DeleteOrganizationRequest request;
  request.set_name(created.name());
  request.set_etag(created.etag());
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeleteOrganization(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::ABORTED));
}

TEST_F(OrganizationApiTest, ConvenerCannotDeleteOrganizations) {
  v1::Organization created = CreateOrganization(network_a_.name(), "Riverside Hospital");
  v1::DeleteOrganizationRequest request;
  request.set_name(created.name());
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeleteOrganization(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(),
                                        request, &empty),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

}  // namespace
}  // namespace coalition::membership::testing
