#include "services/membership/domain/validation.h"

#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validation.h"

namespace coalition::membership {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1767225600);  // 2026-01-01

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

using coalition::common::v1::ROLE_CONVENER;
using coalition::common::v1::ROLE_MEMBER;
using coalition::common::v1::ROLE_NETWORK_ADMIN;
using coalition::common::v1::ROLE_OPERATOR;
using coalition::common::v1::ROLE_SERVICE_ACCOUNT;

// The fields an INVALID_ARGUMENT status names, in order; empty for OK.
std::vector<std::string> BadFields(const absl::Status& status) {
  if (!status.ok()) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  }
  std::vector<std::string> fields;
  for (const FieldViolation& v : FieldViolationsOf(status)) fields.push_back(v.field);
  return fields;
}

// The description given for `field` (the first one when there are several).
std::string DescriptionOf(const absl::Status& status, absl::string_view field) {
  for (const FieldViolation& v : FieldViolationsOf(status)) {
    if (v.field == field) return v.description;
  }
  return "";
}

v1::Network QinEast() {
  v1::Network network;
  network.set_name("networks/n1");
  network.set_display_name("QIN East");
  network.add_states("VA");
  network.add_states("MD");
  network.add_states("DC");
  return network;
}

TEST(ValidateNetworkTest, ValidNetworkPasses) {
  EXPECT_TRUE(ValidateNetwork(QinEast(), "network").ok());
}

TEST(ValidateNetworkTest, BlankDisplayNameIsNamed) {
  v1::Network network = QinEast();
  network.set_display_name(" ");
  EXPECT_THAT(BadFields(ValidateNetwork(network, "network")), ElementsAre("network.display_name"));
}

TEST(ValidateNetworkTest, NetworkWithoutStatesIsRefused) {
  v1::Network network = QinEast();
  network.clear_states();
  EXPECT_THAT(BadFields(ValidateNetwork(network, "network")), ElementsAre("network.states"));
}

TEST(ValidateNetworkTest, EachBadStateIsNamedByIndex) {
  v1::Network network = QinEast();
  network.add_states("XX");
  network.add_states("va");
  network.add_states("");
  EXPECT_THAT(BadFields(ValidateNetwork(network, "network")),
              ElementsAre("network.states[3]", "network.states[4]", "network.states[5]"));
  EXPECT_EQ(DescriptionOf(ValidateNetwork(network, "network"), "network.states[5]"), "is required");
}

TEST(ValidateNetworkTest, StateListedTwiceIsNamed) {
  v1::Network network = QinEast();
  network.add_states("MD");
  const absl::Status status = ValidateNetwork(network, "network");
  EXPECT_THAT(BadFields(status), ElementsAre("network.states[3]"));
  EXPECT_EQ(DescriptionOf(status, "network.states[3]"), "is listed twice");
}

TEST(ValidateNetworkTest, TooManyStatesIsRefused) {
  v1::Network network = QinEast();
  network.clear_states();
  for (int i = 0; i < kMaxNetworkStates + 1; ++i) network.add_states("VA");
  EXPECT_THAT(BadFields(ValidateNetwork(network, "network")), Contains("network.states"));
}

TEST(ValidateNetworkTest, EmptyPrefixNamesBareFields) {
  v1::Network network = QinEast();
  network.clear_display_name();
  EXPECT_THAT(BadFields(ValidateNetwork(network, "")), ElementsAre("display_name"));
}

v1::ApiKey KeyWithRole(coalition::common::v1::Role role) {
  v1::ApiKey key;
  key.set_display_name("Roanoke convener laptop");
  key.set_role(role);
  if (role == ROLE_CONVENER || role == ROLE_MEMBER) {
    key.add_coalitions("networks/n1/coalitions/c1");
    key.add_coalitions("networks/n1/coalitions/c2");
  }
  if (role == ROLE_MEMBER) key.set_person("networks/n1/people/p1");
  return key;
}

TEST(ValidateApiKeyTest, ValidKeyOfEachRolePasses) {
  for (auto role :
       {ROLE_NETWORK_ADMIN, ROLE_CONVENER, ROLE_MEMBER, ROLE_SERVICE_ACCOUNT, ROLE_OPERATOR}) {
    EXPECT_TRUE(ValidateApiKey(KeyWithRole(role), "n1", "api_key", kNow).ok())
        << coalition::common::v1::Role_Name(role);
  }
}

TEST(ValidateApiKeyTest, ExpiryMustLieAhead) {
  v1::ApiKey key = KeyWithRole(coalition::common::v1::ROLE_SERVICE_ACCOUNT);
  *key.mutable_expire_time() = ToProtoTimestamp(kNow + absl::Hours(24 * 90));
  EXPECT_TRUE(ValidateApiKey(key, "n1", "api_key", kNow).ok());
  *key.mutable_expire_time() = ToProtoTimestamp(kNow);
  EXPECT_THAT(BadFields(ValidateApiKey(key, "n1", "api_key", kNow)),
              ElementsAre("api_key.expire_time"));
}

TEST(ValidateApiKeyTest, AllowedMethodsMustBeKnownFullNamesListedOnce) {
  v1::ApiKey key = KeyWithRole(coalition::common::v1::ROLE_SERVICE_ACCOUNT);
  key.add_allowed_methods("coalition.membership.v1.MembershipService/CheckMembership");
  key.add_allowed_methods("coalition.meetings.v1.MeetingsService/CreateCommitment");
  EXPECT_TRUE(ValidateApiKey(key, "n1", "api_key", kNow).ok());
  key.add_allowed_methods("CheckMembership");
  key.add_allowed_methods("coalition.membership.v1.MembershipService/NoSuchMethod");
  key.add_allowed_methods("coalition.membership.v1.MembershipService/CheckMembership");
  EXPECT_THAT(BadFields(ValidateApiKey(key, "n1", "api_key", kNow)),
              ElementsAre("api_key.allowed_methods[2]", "api_key.allowed_methods[3]",
                          "api_key.allowed_methods[4]"));
}

TEST(ValidateApiKeyTest, ConvenerKeyMayActAsAPerson) {
  v1::ApiKey key = KeyWithRole(ROLE_CONVENER);
  key.set_person("networks/n1/people/p7");
  EXPECT_TRUE(ValidateApiKey(key, "n1", "api_key", kNow).ok());
}

TEST(ValidateApiKeyTest, BlankDisplayNameIsNamed) {
  v1::ApiKey key = KeyWithRole(ROLE_OPERATOR);
  key.clear_display_name();
  EXPECT_THAT(BadFields(ValidateApiKey(key, "n1", "api_key", kNow)),
              ElementsAre("api_key.display_name"));
}

TEST(ValidateApiKeyTest, RoleIsRequiredAndMustBeKnown) {
  v1::ApiKey key = KeyWithRole(ROLE_OPERATOR);
  key.set_role(coalition::common::v1::ROLE_UNSPECIFIED);
  absl::Status status = ValidateApiKey(key, "n1", "api_key", kNow);
  EXPECT_THAT(BadFields(status), ElementsAre("api_key.role"));
  EXPECT_EQ(DescriptionOf(status, "api_key.role"), "is required");

  key.set_role(static_cast<coalition::common::v1::Role>(42));
  status = ValidateApiKey(key, "n1", "api_key", kNow);
  EXPECT_THAT(BadFields(status), ElementsAre("api_key.role"));
  EXPECT_EQ(DescriptionOf(status, "api_key.role"), "is not a known value");
}

TEST(ValidateApiKeyTest, MemberKeyWithoutCoalitionsIsRefused) {
  v1::ApiKey key = KeyWithRole(ROLE_MEMBER);
  key.clear_coalitions();
  EXPECT_THAT(BadFields(ValidateApiKey(key, "n1", "api_key", kNow)),
              ElementsAre("api_key.coalitions"));
}

TEST(ValidateApiKeyTest, ConvenerKeyWithoutCoalitionsIsRefused) {
  v1::ApiKey key = KeyWithRole(ROLE_CONVENER);
  key.clear_coalitions();
  EXPECT_THAT(BadFields(ValidateApiKey(key, "n1", "api_key", kNow)),
              ElementsAre("api_key.coalitions"));
}

TEST(ValidateApiKeyTest, UnscopedRolesMayNotNameCoalitions) {
  for (auto role : {ROLE_NETWORK_ADMIN, ROLE_SERVICE_ACCOUNT, ROLE_OPERATOR}) {
    v1::ApiKey key = KeyWithRole(role);
    key.add_coalitions("networks/n1/coalitions/c1");
    const absl::Status status = ValidateApiKey(key, "n1", "api_key", kNow);
    EXPECT_THAT(BadFields(status), ElementsAre("api_key.coalitions"))
        << coalition::common::v1::Role_Name(role);
    EXPECT_EQ(DescriptionOf(status, "api_key.coalitions"), "is only for convener and member keys");
  }
}

TEST(ValidateApiKeyTest, MalformedCoalitionIsNamedByIndex) {
  v1::ApiKey key = KeyWithRole(ROLE_CONVENER);
  key.add_coalitions("coalitions/c3");
  EXPECT_THAT(BadFields(ValidateApiKey(key, "n1", "api_key", kNow)),
              ElementsAre("api_key.coalitions[2]"));
}

TEST(ValidateApiKeyTest, CoalitionOfAnotherNetworkIsNamedByIndex) {
  v1::ApiKey key = KeyWithRole(ROLE_CONVENER);
  key.set_coalitions(0, "networks/n2/coalitions/c1");
  const absl::Status status = ValidateApiKey(key, "n1", "api_key", kNow);
  EXPECT_THAT(BadFields(status), ElementsAre("api_key.coalitions[0]"));
  EXPECT_EQ(DescriptionOf(status, "api_key.coalitions[0]"), "must be in the key's network");
}

TEST(ValidateApiKeyTest, TooManyCoalitionsIsRefused) {
  v1::ApiKey key = KeyWithRole(ROLE_CONVENER);
  key.clear_coalitions();
  for (int i = 0; i <= kMaxKeyCoalitions; ++i) {
    key.add_coalitions(absl::StrCat("networks/n1/coalitions/c", i));
  }
  EXPECT_THAT(BadFields(ValidateApiKey(key, "n1", "api_key", kNow)),
              ElementsAre("api_key.coalitions"));
}

TEST(ValidateApiKeyTest, MemberKeyNeedsAPerson) {
  v1::ApiKey key = KeyWithRole(ROLE_MEMBER);
  key.clear_person();
  const absl::Status status = ValidateApiKey(key, "n1", "api_key", kNow);
  EXPECT_THAT(BadFields(status), ElementsAre("api_key.person"));
  EXPECT_EQ(DescriptionOf(status, "api_key.person"), "is required for a member key");
}

TEST(ValidateApiKeyTest, PersonMustBeAPersonOfTheSameNetwork) {
  v1::ApiKey key = KeyWithRole(ROLE_MEMBER);
  key.set_person("networks/n1/organizations/o1");
  EXPECT_THAT(BadFields(ValidateApiKey(key, "n1", "api_key", kNow)), ElementsAre("api_key.person"));
  key.set_person("networks/n2/people/p1");
  const absl::Status status = ValidateApiKey(key, "n1", "api_key", kNow);
  EXPECT_THAT(BadFields(status), ElementsAre("api_key.person"));
  EXPECT_EQ(DescriptionOf(status, "api_key.person"), "must be in the same network");
}

v1::Coalition RoanokeCoalition() {
  v1::Coalition coalition;
  coalition.set_display_name("Roanoke Diabetes Coalition");
  coalition.set_state("VA");
  coalition.set_region("Roanoke valley");
  coalition.set_status(v1::FORMING);
  coalition.mutable_organizing_sentence()->set_constituency("people with diabetes");
  coalition.mutable_organizing_sentence()->set_what("fewer amputations");
  return coalition;
}

TEST(ValidateCoalitionTest, ValidCoalitionPasses) {
  EXPECT_TRUE(ValidateCoalition(RoanokeCoalition(), QinEast(), "coalition").ok());
}

TEST(ValidateCoalitionTest, BlankDisplayNameIsNamed) {
  v1::Coalition coalition = RoanokeCoalition();
  coalition.set_display_name("\t");
  EXPECT_THAT(BadFields(ValidateCoalition(coalition, QinEast(), "coalition")),
              ElementsAre("coalition.display_name"));
}

TEST(ValidateCoalitionTest, StateOutsideTheNetworkIsRefused) {
  v1::Coalition coalition = RoanokeCoalition();
  coalition.set_state("WV");
  const absl::Status status = ValidateCoalition(coalition, QinEast(), "coalition");
  EXPECT_THAT(BadFields(status), ElementsAre("coalition.state"));
  EXPECT_EQ(DescriptionOf(status, "coalition.state"), "must be one of the network's states");
}

TEST(ValidateCoalitionTest, StateIsRequired) {
  v1::Coalition coalition = RoanokeCoalition();
  coalition.clear_state();
  const absl::Status status = ValidateCoalition(coalition, QinEast(), "coalition");
  EXPECT_THAT(BadFields(status), ElementsAre("coalition.state"));
  EXPECT_EQ(DescriptionOf(status, "coalition.state"), "is required");
}

TEST(ValidateCoalitionTest, UnknownStateCodeIsNamedOnce) {
  v1::Coalition coalition = RoanokeCoalition();
  coalition.set_state("Virginia");
  EXPECT_THAT(BadFields(ValidateCoalition(coalition, QinEast(), "coalition")),
              ElementsAre("coalition.state"));
}

TEST(ValidateCoalitionTest, LongRegionIsNamed) {
  v1::Coalition coalition = RoanokeCoalition();
  coalition.set_region(std::string(kMaxNameLength + 1, 'r'));
  EXPECT_THAT(BadFields(ValidateCoalition(coalition, QinEast(), "coalition")),
              ElementsAre("coalition.region"));
}

TEST(ValidateCoalitionTest, UnknownStatusIsNamed) {
  v1::Coalition coalition = RoanokeCoalition();
  coalition.set_status(static_cast<v1::CoalitionStatus>(42));
  EXPECT_THAT(BadFields(ValidateCoalition(coalition, QinEast(), "coalition")),
              ElementsAre("coalition.status"));
}

TEST(ValidateCoalitionTest, LongOrganizingSentencePartsAreNamed) {
  v1::Coalition coalition = RoanokeCoalition();
  const std::string too_long(kMaxTextLength + 1, 's');
  auto* s = coalition.mutable_organizing_sentence();
  s->set_constituency(too_long);
  s->set_what(too_long);
  s->set_urgent_challenge(too_long);
  s->set_motivating_vision(too_long);
  s->set_plausible_path(too_long);
  s->set_strategy(too_long);
  EXPECT_THAT(BadFields(ValidateCoalition(coalition, QinEast(), "coalition")),
              ElementsAre("coalition.organizing_sentence.constituency",
                          "coalition.organizing_sentence.what",
                          "coalition.organizing_sentence.urgent_challenge",
                          "coalition.organizing_sentence.motivating_vision",
                          "coalition.organizing_sentence.plausible_path",
                          "coalition.organizing_sentence.strategy"));
}

TEST(ValidateCoalitionTest, DefaultNormsPass) {
  v1::Coalition coalition = RoanokeCoalition();
  coalition.add_default_norms("Start and end on time");
  coalition.add_default_norms(std::string(kMaxNameLength, 'n'));
  EXPECT_TRUE(ValidateCoalition(coalition, QinEast(), "coalition").ok());
}

TEST(ValidateCoalitionTest, BlankAndLongDefaultNormsAreNamedByIndex) {
  v1::Coalition coalition = RoanokeCoalition();
  coalition.add_default_norms("Listen to understand");
  coalition.add_default_norms("  ");
  coalition.add_default_norms(std::string(kMaxNameLength + 1, 'n'));
  const absl::Status status = ValidateCoalition(coalition, QinEast(), "coalition");
  EXPECT_THAT(BadFields(status),
              ElementsAre("coalition.default_norms[1]", "coalition.default_norms[2]"));
  EXPECT_EQ(DescriptionOf(status, "coalition.default_norms[1]"), "is required");
}

TEST(ValidateCoalitionTest, TooManyDefaultNormsAreRefused) {
  v1::Coalition coalition = RoanokeCoalition();
  for (int i = 0; i < kMaxCoalitionNorms; ++i) coalition.add_default_norms("Be on time");
  EXPECT_TRUE(ValidateCoalition(coalition, QinEast(), "coalition").ok());
  coalition.add_default_norms("One norm too many");
  EXPECT_THAT(BadFields(ValidateCoalition(coalition, QinEast(), "coalition")),
              ElementsAre("coalition.default_norms"));
}

v1::MeasurableAim AmputationAim() {
  v1::MeasurableAim aim;
  aim.set_metric("Lower-limb amputations");
  aim.set_unit("per 1000 adults with diabetes");
  aim.set_baseline(12);
  aim.set_target(4);
  aim.set_current_value(10);
  aim.mutable_due_date()->set_year(2028);
  aim.mutable_due_date()->set_month(6);
  aim.mutable_due_date()->set_day(30);
  return aim;
}

TEST(ValidateAimTest, ValidAimPasses) {
  EXPECT_TRUE(ValidateAim(AmputationAim(), "aim").ok());
  v1::MeasurableAim without_due_date = AmputationAim();
  without_due_date.clear_due_date();
  EXPECT_TRUE(ValidateAim(without_due_date, "aim").ok());
}

TEST(ValidateAimTest, MetricIsRequired) {
  v1::MeasurableAim aim = AmputationAim();
  aim.clear_metric();
  EXPECT_THAT(BadFields(ValidateAim(aim, "aim")), ElementsAre("aim.metric"));
}

TEST(ValidateAimTest, LongUnitIsNamed) {
  v1::MeasurableAim aim = AmputationAim();
  aim.set_unit(std::string(41, 'u'));
  EXPECT_THAT(BadFields(ValidateAim(aim, "aim")), ElementsAre("aim.unit"));
}

TEST(ValidateAimTest, TargetMustDifferFromBaseline) {
  v1::MeasurableAim aim = AmputationAim();
  aim.set_target(12);
  EXPECT_THAT(BadFields(ValidateAim(aim, "aim")), ElementsAre("aim.target"));
}

TEST(ValidateAimTest, NonFiniteBaselineIsNamed) {
  v1::MeasurableAim aim = AmputationAim();
  aim.set_baseline(std::numeric_limits<double>::quiet_NaN());
  EXPECT_THAT(BadFields(ValidateAim(aim, "aim")), ElementsAre("aim.baseline"));
}

TEST(ValidateAimTest, NonFiniteTargetIsNamed) {
  v1::MeasurableAim aim = AmputationAim();
  aim.set_target(std::numeric_limits<double>::infinity());
  EXPECT_THAT(BadFields(ValidateAim(aim, "aim")), ElementsAre("aim.target"));
}

TEST(ValidateAimTest, NonFiniteCurrentValueIsNamed) {
  v1::MeasurableAim aim = AmputationAim();
  aim.set_current_value(-std::numeric_limits<double>::infinity());
  EXPECT_THAT(BadFields(ValidateAim(aim, "aim")), ElementsAre("aim.current_value"));
}

TEST(ValidateAimTest, DueDateMustBeARealDate) {
  v1::MeasurableAim aim = AmputationAim();
  aim.mutable_due_date()->set_year(2027);
  aim.mutable_due_date()->set_month(2);
  aim.mutable_due_date()->set_day(29);
  EXPECT_THAT(BadFields(ValidateAim(aim, "aim")), ElementsAre("aim.due_date"));
}

v1::Person Ana() {
  v1::Person person;
  person.set_display_name("Ana L\xc3\xb3pez");
  person.set_email("ana.lopez@carilion.example");
  person.set_phone("+1 540 555 0100");
  person.set_stakeholder_type(v1::PHYSICIANS);
  person.set_organization("networks/n1/organizations/o1");
  person.set_state("VA");
  return person;
}

TEST(ValidatePersonTest, ValidPersonPasses) {
  EXPECT_TRUE(ValidatePerson(Ana(), "n1", "person").ok());
}

TEST(ValidatePersonTest, OptionalFieldsMayBeEmpty) {
  v1::Person person = Ana();
  person.clear_email();
  person.clear_phone();
  person.clear_organization();
  person.clear_state();
  EXPECT_TRUE(ValidatePerson(person, "n1", "person").ok());
}

TEST(ValidatePersonTest, EmailIsCheckedAfterTrimmingAndLowercasing) {
  v1::Person person = Ana();
  person.set_email("  Ana.Lopez@Carilion.EXAMPLE ");
  EXPECT_TRUE(ValidatePerson(person, "n1", "person").ok());
}

TEST(ValidatePersonTest, EachBadFieldIsNamed) {
  v1::Person person;
  person.set_email("ana at carilion");
  person.set_phone(std::string(41, '5'));
  person.set_organization("organizations/o1");
  person.set_state("ZZ");
  EXPECT_THAT(BadFields(ValidatePerson(person, "n1", "person")),
              ElementsAre("person.display_name", "person.email", "person.phone",
                          "person.stakeholder_type", "person.organization", "person.state"));
}

TEST(ValidatePersonTest, OrganizationOfAnotherNetworkIsRefused) {
  v1::Person person = Ana();
  person.set_organization("networks/n2/organizations/o1");
  EXPECT_THAT(BadFields(ValidatePerson(person, "n1", "person")),
              ElementsAre("person.organization"));
}

TEST(ValidatePersonTest, UnknownStakeholderTypeIsNamed) {
  v1::Person person = Ana();
  person.set_stakeholder_type(static_cast<v1::StakeholderType>(99));
  const absl::Status status = ValidatePerson(person, "n1", "person");
  EXPECT_THAT(BadFields(status), ElementsAre("person.stakeholder_type"));
  EXPECT_EQ(DescriptionOf(status, "person.stakeholder_type"), "is not a known value");
}

v1::Organization Carilion() {
  v1::Organization organization;
  organization.set_display_name("Carilion Clinic");
  organization.set_stakeholder_type(v1::HOSPITALS);
  organization.set_state("VA");
  organization.set_website("https://carilion.example");
  return organization;
}

TEST(ValidateOrganizationTest, ValidOrganizationPasses) {
  EXPECT_TRUE(ValidateOrganization(Carilion(), "organization").ok());
}

TEST(ValidateOrganizationTest, EachBadFieldIsNamed) {
  v1::Organization organization;
  organization.set_state("Virginia");
  organization.set_website(std::string(301, 'w'));
  EXPECT_THAT(BadFields(ValidateOrganization(organization, "organization")),
              ElementsAre("organization.display_name", "organization.stakeholder_type",
                          "organization.state", "organization.website"));
}

v1::Membership MembershipOf(const std::string& member) {
  v1::Membership membership;
  membership.set_member(member);
  membership.set_role(v1::MEMBER);
  return membership;
}

TEST(ValidateNewMembershipTest, PersonOrOrganizationOfTheNetworkPasses) {
  EXPECT_TRUE(
      ValidateNewMembership(MembershipOf("networks/n1/people/p1"), "n1", "membership").ok());
  EXPECT_TRUE(
      ValidateNewMembership(MembershipOf("networks/n1/organizations/o1"), "n1", "membership").ok());
}

TEST(ValidateNewMembershipTest, MemberIsRequired) {
  EXPECT_THAT(BadFields(ValidateNewMembership(MembershipOf(""), "n1", "membership")),
              ElementsAre("membership.member"));
}

TEST(ValidateNewMembershipTest, MemberMustBeAPersonOrOrganization) {
  for (const char* member :
       {"networks/n1/coalitions/c1", "networks/n1/people", "people/p1", "networks/n1/people/P1"}) {
    EXPECT_THAT(BadFields(ValidateNewMembership(MembershipOf(member), "n1", "membership")),
                ElementsAre("membership.member"))
        << member;
  }
}

TEST(ValidateNewMembershipTest, MemberOfAnotherNetworkIsRefused) {
  for (const char* member : {"networks/n2/people/p1", "networks/n2/organizations/o1"}) {
    const absl::Status status = ValidateNewMembership(MembershipOf(member), "n1", "membership");
    EXPECT_THAT(BadFields(status), ElementsAre("membership.member")) << member;
    EXPECT_EQ(DescriptionOf(status, "membership.member"), "must be in the coalition's network");
  }
}

TEST(ValidateNewMembershipTest, RoleIsRequiredAndMustBeKnown) {
  v1::Membership membership = MembershipOf("networks/n1/people/p1");
  membership.set_role(v1::MEMBERSHIP_ROLE_UNSPECIFIED);
  EXPECT_THAT(BadFields(ValidateNewMembership(membership, "n1", "membership")),
              ElementsAre("membership.role"));
  membership.set_role(static_cast<v1::MembershipRole>(17));
  EXPECT_THAT(BadFields(ValidateNewMembership(membership, "n1", "membership")),
              ElementsAre("membership.role"));
}

v1::Actor StateMedicaidOffice() {
  v1::Actor actor;
  actor.set_display_name("State Medicaid office");
  actor.set_category(v1::SUPPORTER);
  actor.add_interests("insulin prices");
  actor.add_interests("readmissions");
  actor.add_resources(v1::FUNDING);
  actor.add_resources(v1::DATA);
  actor.set_tie_strength(v1::WEAK);
  actor.set_influence(4);
  actor.set_notes("Met at the March forum.");
  return actor;
}

TEST(ValidateActorTest, ValidActorPasses) {
  EXPECT_TRUE(ValidateActor(StateMedicaidOffice(), "n1", "actor").ok());
  v1::Actor person = StateMedicaidOffice();
  person.set_person("networks/n1/people/p1");
  EXPECT_TRUE(ValidateActor(person, "n1", "actor").ok());
  v1::Actor organization = StateMedicaidOffice();
  organization.set_organization("networks/n1/organizations/o1");
  EXPECT_TRUE(ValidateActor(organization, "n1", "actor").ok());
}

TEST(ValidateActorTest, UnknownInfluenceAndTieMayBeLeftOut) {
  v1::Actor actor = StateMedicaidOffice();
  actor.set_influence(0);
  actor.set_tie_strength(v1::TIE_STRENGTH_UNSPECIFIED);
  actor.clear_interests();
  actor.clear_resources();
  EXPECT_TRUE(ValidateActor(actor, "n1", "actor").ok());
}

TEST(ValidateActorTest, ActorIsAPersonOrAnOrganizationNotBoth) {
  v1::Actor actor = StateMedicaidOffice();
  actor.set_person("networks/n1/people/p1");
  actor.set_organization("networks/n1/organizations/o1");
  EXPECT_THAT(BadFields(ValidateActor(actor, "n1", "actor")), ElementsAre("actor.organization"));
}

TEST(ValidateActorTest, ReferencesMustBeOfTheRightCollectionAndNetwork) {
  v1::Actor actor = StateMedicaidOffice();
  actor.set_person("networks/n1/organizations/o1");
  EXPECT_THAT(BadFields(ValidateActor(actor, "n1", "actor")), ElementsAre("actor.person"));
  actor.set_person("networks/n2/people/p1");
  EXPECT_THAT(BadFields(ValidateActor(actor, "n1", "actor")), ElementsAre("actor.person"));
  actor.clear_person();
  actor.set_organization("networks/n2/organizations/o1");
  EXPECT_THAT(BadFields(ValidateActor(actor, "n1", "actor")), ElementsAre("actor.organization"));
}

TEST(ValidateActorTest, CategoryIsRequired) {
  v1::Actor actor = StateMedicaidOffice();
  actor.set_category(v1::ACTOR_CATEGORY_UNSPECIFIED);
  EXPECT_THAT(BadFields(ValidateActor(actor, "n1", "actor")), ElementsAre("actor.category"));
}

TEST(ValidateActorTest, BlankInterestIsNamedByIndex) {
  v1::Actor actor = StateMedicaidOffice();
  actor.set_interests(1, " ");
  EXPECT_THAT(BadFields(ValidateActor(actor, "n1", "actor")), ElementsAre("actor.interests[1]"));
}

TEST(ValidateActorTest, TooManyInterestsIsRefused) {
  v1::Actor actor = StateMedicaidOffice();
  actor.clear_interests();
  for (int i = 0; i <= kMaxActorInterests; ++i) actor.add_interests(absl::StrCat("interest ", i));
  EXPECT_THAT(BadFields(ValidateActor(actor, "n1", "actor")), ElementsAre("actor.interests"));
}

TEST(ValidateActorTest, BadResourcesAreNamedByIndex) {
  v1::Actor actor = StateMedicaidOffice();
  actor.add_resources(v1::ACTOR_RESOURCE_UNSPECIFIED);
  actor.add_resources(static_cast<v1::ActorResource>(77));
  actor.add_resources(v1::FUNDING);
  const absl::Status status = ValidateActor(actor, "n1", "actor");
  EXPECT_THAT(BadFields(status),
              ElementsAre("actor.resources[2]", "actor.resources[3]", "actor.resources[4]"));
  EXPECT_EQ(DescriptionOf(status, "actor.resources[4]"), "is listed twice");
}

TEST(ValidateActorTest, UnknownTieStrengthIsNamed) {
  v1::Actor actor = StateMedicaidOffice();
  actor.set_tie_strength(static_cast<v1::TieStrength>(9));
  EXPECT_THAT(BadFields(ValidateActor(actor, "n1", "actor")), ElementsAre("actor.tie_strength"));
}

TEST(ValidateActorTest, InfluenceIsFromZeroToFive) {
  v1::Actor actor = StateMedicaidOffice();
  for (int influence : {0, 1, 5}) {
    actor.set_influence(influence);
    EXPECT_TRUE(ValidateActor(actor, "n1", "actor").ok()) << influence;
  }
  for (int influence : {-1, 6}) {
    actor.set_influence(influence);
    EXPECT_THAT(BadFields(ValidateActor(actor, "n1", "actor")), ElementsAre("actor.influence"))
        << influence;
  }
}

TEST(ValidateActorTest, LongNotesAreNamed) {
  v1::Actor actor = StateMedicaidOffice();
  actor.set_notes(std::string(kMaxTextLength + 1, 'n'));
  EXPECT_THAT(BadFields(ValidateActor(actor, "n1", "actor")), ElementsAre("actor.notes"));
}

v1::Team ClinicalTeam() {
  v1::Team team;
  team.set_display_name("Clinical");
  team.set_purpose("Foot exams in every practice");
  team.set_parent_team("networks/n1/coalitions/c1/teams/lead");
  team.add_leads("networks/n1/people/p1");
  team.add_members("networks/n1/people/p2");
  team.add_members("networks/n1/people/p3");
  return team;
}

TEST(ValidateTeamTest, ValidTeamPasses) {
  EXPECT_TRUE(ValidateTeam(ClinicalTeam(), "n1", "c1", "team").ok());
  v1::Team root = ClinicalTeam();
  root.clear_parent_team();
  EXPECT_TRUE(ValidateTeam(root, "n1", "c1", "team").ok());
}

TEST(ValidateTeamTest, BlankDisplayNameAndLongPurposeAreNamed) {
  v1::Team team = ClinicalTeam();
  team.clear_display_name();
  team.set_purpose(std::string(kMaxTextLength + 1, 'p'));
  EXPECT_THAT(BadFields(ValidateTeam(team, "n1", "c1", "team")),
              ElementsAre("team.display_name", "team.purpose"));
}

TEST(ValidateTeamTest, ParentMustBeATeamOfTheSameCoalition) {
  v1::Team team = ClinicalTeam();
  team.set_parent_team("networks/n1/coalitions/c1/actors/a1");
  EXPECT_THAT(BadFields(ValidateTeam(team, "n1", "c1", "team")), ElementsAre("team.parent_team"));
  team.set_parent_team("networks/n1/coalitions/c2/teams/lead");
  const absl::Status status = ValidateTeam(team, "n1", "c1", "team");
  EXPECT_THAT(BadFields(status), ElementsAre("team.parent_team"));
  EXPECT_EQ(DescriptionOf(status, "team.parent_team"), "must be in the same coalition");
  team.set_parent_team("networks/n2/coalitions/c1/teams/lead");
  EXPECT_THAT(BadFields(ValidateTeam(team, "n1", "c1", "team")), ElementsAre("team.parent_team"));
}

TEST(ValidateTeamTest, LeadListedTwiceIsNamedByIndex) {
  v1::Team team = ClinicalTeam();
  team.add_leads("networks/n1/people/p1");
  const absl::Status status = ValidateTeam(team, "n1", "c1", "team");
  EXPECT_THAT(BadFields(status), ElementsAre("team.leads[1]"));
  EXPECT_EQ(DescriptionOf(status, "team.leads[1]"), "is listed twice");
}

TEST(ValidateTeamTest, MemberListedTwiceIsNamedByIndex) {
  v1::Team team = ClinicalTeam();
  team.add_members("networks/n1/people/p2");
  EXPECT_THAT(BadFields(ValidateTeam(team, "n1", "c1", "team")), ElementsAre("team.members[2]"));
}

TEST(ValidateTeamTest, BadPeopleAreNamedByListAndIndex) {
  v1::Team team = ClinicalTeam();
  team.set_leads(0, "");
  team.set_members(0, "networks/n1/organizations/o1");
  team.set_members(1, "networks/n2/people/p3");
  const absl::Status status = ValidateTeam(team, "n1", "c1", "team");
  EXPECT_THAT(BadFields(status),
              ElementsAre("team.leads[0]", "team.members[0]", "team.members[1]"));
  EXPECT_EQ(DescriptionOf(status, "team.leads[0]"), "must name a person");
  EXPECT_EQ(DescriptionOf(status, "team.members[1]"), "must be in the same network");
}

TEST(ValidateTeamTest, TooManyMembersIsRefused) {
  v1::Team team = ClinicalTeam();
  team.clear_members();
  for (int i = 0; i <= kMaxTeamPeople; ++i)
    team.add_members(absl::StrCat("networks/n1/people/p", i));
  EXPECT_THAT(BadFields(ValidateTeam(team, "n1", "c1", "team")), ElementsAre("team.members"));
}

v1::RosterRow AnaRow() {
  v1::RosterRow row;
  row.set_display_name("Ana L\xc3\xb3pez");
  row.set_email("Ana.Lopez@Carilion.example");
  row.set_stakeholder_type(v1::PHYSICIANS);
  row.set_organization_name("Carilion Clinic");
  row.set_role(v1::LEADERSHIP_TEAM);
  row.set_phone("540-555-0100");
  return row;
}

TEST(ValidateRosterRowTest, ValidRowHasNoProblems) {
  EXPECT_THAT(ValidateRosterRow(AnaRow()), IsEmpty());
}

TEST(ValidateRosterRowTest, EmptyRowListsEveryRequiredField) {
  EXPECT_THAT(ValidateRosterRow(v1::RosterRow()),
              ElementsAre("display_name: is required",
                          "email: is required: rows are matched to people by email",
                          "stakeholder_type: is required", "role: is required"));
}

TEST(ValidateRosterRowTest, EachBadFieldIsDescribed) {
  v1::RosterRow row = AnaRow();
  row.set_email("ana@carilion");
  row.set_stakeholder_type(static_cast<v1::StakeholderType>(99));
  row.set_organization_name(std::string(kMaxNameLength + 1, 'o'));
  row.set_role(static_cast<v1::MembershipRole>(99));
  row.set_phone(std::string(41, '5'));
  EXPECT_THAT(
      ValidateRosterRow(row),
      ElementsAre("email: must be a valid email address", "stakeholder_type: is not a known value",
                  "organization_name: must be at most 200 characters", "role: is not a known value",
                  "phone: must be at most 40 characters"));
}

v1::RecordActorObservationRequest ObservationOfPerson() {
  v1::RecordActorObservationRequest request;
  request.set_coalition("networks/n1/coalitions/c1");
  request.set_person("networks/n1/people/p1");
  request.add_interests("fewer readmissions");
  request.add_resources(v1::DATA);
  request.set_tie_strength(v1::WEAK);
  request.set_source("networks/n1/coalitions/c1/oneToOnes/o1");
  request.set_request_id("outbox-1");
  return request;
}

TEST(ValidateActorObservationTest, ObservationOfAPersonOrAnActorPasses) {
  v1::RecordActorObservationRequest request = ObservationOfPerson();
  EXPECT_TRUE(ValidateActorObservation(request, "n1", "c1").ok());
  request.clear_person();
  request.set_actor("networks/n1/coalitions/c1/actors/a1");
  EXPECT_TRUE(ValidateActorObservation(request, "n1", "c1").ok());
}

TEST(ValidateActorObservationTest, ActorOrPersonIsRequired) {
  v1::RecordActorObservationRequest request = ObservationOfPerson();
  request.clear_person();
  EXPECT_THAT(BadFields(ValidateActorObservation(request, "n1", "c1")), ElementsAre("actor"));
}

TEST(ValidateActorObservationTest, ActorAndPersonTogetherAreRefused) {
  v1::RecordActorObservationRequest request = ObservationOfPerson();
  request.set_actor("networks/n1/coalitions/c1/actors/a1");
  EXPECT_THAT(BadFields(ValidateActorObservation(request, "n1", "c1")), ElementsAre("person"));
}

TEST(ValidateActorObservationTest, ActorMustBeOnTheCoalitionsMap) {
  v1::RecordActorObservationRequest request = ObservationOfPerson();
  request.clear_person();
  request.set_actor("networks/n1/coalitions/c2/actors/a1");
  EXPECT_THAT(BadFields(ValidateActorObservation(request, "n1", "c1")), ElementsAre("actor"));
  request.set_actor("networks/n1/coalitions/c1/teams/t1");
  EXPECT_THAT(BadFields(ValidateActorObservation(request, "n1", "c1")), ElementsAre("actor"));
}

TEST(ValidateActorObservationTest, PersonMustBeOfTheCoalitionsNetwork) {
  v1::RecordActorObservationRequest request = ObservationOfPerson();
  request.set_person("networks/n2/people/p1");
  EXPECT_THAT(BadFields(ValidateActorObservation(request, "n1", "c1")), ElementsAre("person"));
  request.set_person("people/p1");
  EXPECT_THAT(BadFields(ValidateActorObservation(request, "n1", "c1")), ElementsAre("person"));
}

TEST(ValidateActorObservationTest, EachBadFieldIsNamed) {
  v1::RecordActorObservationRequest request = ObservationOfPerson();
  request.add_interests(" ");
  request.add_interests(std::string(kMaxNameLength + 1, 'i'));
  request.add_resources(v1::ACTOR_RESOURCE_UNSPECIFIED);
  request.add_resources(v1::DATA);
  request.set_tie_strength(static_cast<v1::TieStrength>(9));
  request.set_source(std::string(kMaxNameLength + 1, 's'));
  request.set_request_id("has a space");
  EXPECT_THAT(BadFields(ValidateActorObservation(request, "n1", "c1")),
              ElementsAre("interests[1]", "interests[2]", "resources[1]", "resources[2]",
                          "tie_strength", "source", "request_id"));
}

TEST(ValidateActorObservationTest, TooManyInterestsAreRefused) {
  v1::RecordActorObservationRequest request = ObservationOfPerson();
  request.clear_interests();
  for (int i = 0; i <= kMaxActorInterests; ++i) request.add_interests(absl::StrCat("topic ", i));
  EXPECT_THAT(BadFields(ValidateActorObservation(request, "n1", "c1")), ElementsAre("interests"));
}

TEST(ValidateActorObservationTest, RequestIdIsRequired) {
  v1::RecordActorObservationRequest request = ObservationOfPerson();
  request.clear_request_id();
  EXPECT_THAT(BadFields(ValidateActorObservation(request, "n1", "c1")), ElementsAre("request_id"));
}

TEST(NormalizeEmailTest, TrimsAndLowercases) {
  EXPECT_EQ(NormalizeEmail("  Ana.Lopez@Carilion.EXAMPLE\t"), "ana.lopez@carilion.example");
  EXPECT_EQ(NormalizeEmail(""), "");
}

}  // namespace
}  // namespace coalition::membership
