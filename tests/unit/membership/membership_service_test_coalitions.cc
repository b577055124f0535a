// Coalitions and their measurable aims.
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "libs/core/proto_time.h"
#include "tests/unit/membership/membership_test_fixture.h"

namespace coalition::membership::testing {
namespace {

using ::testing::DoubleEq;
using ::testing::ElementsAre;
using ::testing::SizeIs;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

using CoalitionApiTest = MembershipServiceTest;
using AimApiTest = MembershipServiceTest;

v1::CreateCoalitionRequest CoalitionRequest(const std::string& network,
                                            const std::string& display_name,
                                            const std::string& state) {
  v1::CreateCoalitionRequest request;
  request.set_parent(network);
  request.mutable_coalition()->set_display_name(display_name);
  request.mutable_coalition()->set_state(state);
  return request;
}

TEST_F(CoalitionApiTest, AdminCreatesCoalitionThatStartsForming) {
  v1::CreateCoalitionRequest request =
      CoalitionRequest(network_a_.name(), "Shenandoah Valley Falls Prevention", "VA");
  request.mutable_coalition()->set_region("Shenandoah Valley");
  request.mutable_coalition()->mutable_organizing_sentence()->set_constituency(
      "older adults and their caregivers");
  v1::Coalition coalition;
  ASSERT_THAT(stub().CreateCoalition(Ctx(admin_a_).get(), request, &coalition), IsOk());
  EXPECT_THAT(coalition.name(), StartsWith(network_a_.name() + "/coalitions/"));
  EXPECT_EQ(coalition.status(), v1::FORMING);
  EXPECT_EQ(coalition.state(), "VA");
  EXPECT_EQ(coalition.region(), "Shenandoah Valley");
  EXPECT_EQ(coalition.organizing_sentence().constituency(), "older adults and their caregivers");
  EXPECT_EQ(FromProtoTimestamp(coalition.create_time()), clock().Now());
  EXPECT_FALSE(coalition.etag().empty());
}

TEST_F(CoalitionApiTest, CreateCoalitionNamesMissingDisplayName) {
  v1::Coalition coalition;
  EXPECT_THAT(stub().CreateCoalition(Ctx(admin_a_).get(),
                                     CoalitionRequest(network_a_.name(), "", "VA"), &coalition),
              InvalidArgumentOn("coalition.display_name"));
}

TEST_F(CoalitionApiTest, CreateCoalitionNamesAStateOutsideTheNetwork) {
  v1::Coalition coalition;
  EXPECT_THAT(
      stub().CreateCoalition(Ctx(admin_a_).get(),
                             CoalitionRequest(network_a_.name(), "Raleigh", "NC"), &coalition),
      InvalidArgumentOn("coalition.state"));
}

TEST_F(CoalitionApiTest, CreateCoalitionNamesAMalformedState) {
  v1::Coalition coalition;
  EXPECT_THAT(stub().CreateCoalition(Ctx(admin_a_).get(),
                                     CoalitionRequest(network_a_.name(), "Richmond", "Virginia"),
                                     &coalition),
              InvalidArgumentOn("coalition.state"));
}

TEST_F(CoalitionApiTest, CreateCoalitionNamesAMissingState) {
  v1::Coalition coalition;
  EXPECT_THAT(
      stub().CreateCoalition(Ctx(admin_a_).get(),
                             CoalitionRequest(network_a_.name(), "Richmond", ""), &coalition),
      InvalidArgumentOn("coalition.state"));
}

TEST_F(CoalitionApiTest, CreateCoalitionNamesATooLongRegion) {
  v1::CreateCoalitionRequest request = CoalitionRequest(network_a_.name(), "Richmond", "VA");
  request.mutable_coalition()->set_region(std::string(201, 'r'));
  v1::Coalition coalition;
  EXPECT_THAT(stub().CreateCoalition(Ctx(admin_a_).get(), request, &coalition),
              InvalidArgumentOn("coalition.region"));
}

TEST_F(CoalitionApiTest, CreateCoalitionNamesATooLongStrategy) {
  v1::CreateCoalitionRequest request = CoalitionRequest(network_a_.name(), "Richmond", "VA");
  request.mutable_coalition()->mutable_organizing_sentence()->set_strategy(std::string(4001, 's'));
  v1::Coalition coalition;
  EXPECT_THAT(stub().CreateCoalition(Ctx(admin_a_).get(), request, &coalition),
              InvalidArgumentOn("coalition.organizing_sentence.strategy"));
}

TEST_F(CoalitionApiTest, CreateCoalitionNamesAnUnknownStatus) {
  v1::CreateCoalitionRequest request = CoalitionRequest(network_a_.name(), "Richmond", "VA");
  request.mutable_coalition()->set_status(static_cast<v1::CoalitionStatus>(42));
  v1::Coalition coalition;
  EXPECT_THAT(stub().CreateCoalition(Ctx(admin_a_).get(), request, &coalition),
              InvalidArgumentOn("coalition.status"));
}

TEST_F(CoalitionApiTest, CreateCoalitionNamesEveryBadFieldAtOnce) {
  v1::CreateCoalitionRequest request = CoalitionRequest(network_a_.name(), "", "NC");
  request.mutable_coalition()->set_region(std::string(201, 'r'));
  v1::Coalition coalition;
  grpc::Status status = stub().CreateCoalition(Ctx(admin_a_).get(), request, &coalition);
  EXPECT_THAT(status, HasCode(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_THAT(ViolatedFields(status), UnorderedElementsAre("coalition.display_name",
                                                           "coalition.state", "coalition.region"));
}

TEST_F(CoalitionApiTest, CreateCoalitionNamesAMalformedParent) {
  v1::Coalition coalition;
  EXPECT_THAT(stub().CreateCoalition(Ctx(admin_a_).get(),
                                     CoalitionRequest(a1_.name(), "Nested", "VA"), &coalition),
              InvalidArgumentOn("parent"));
}

TEST_F(CoalitionApiTest, CreateCoalitionInUnknownNetworkIsNotFound) {
  v1::Coalition coalition;
  EXPECT_THAT(
      stub().CreateCoalition(Ctx(platform_key()).get(),
                             CoalitionRequest("networks/doesnotexist", "Ghost", "VA"), &coalition),
      HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(CoalitionApiTest, ConvenerCannotCreateCoalitions) {
  v1::Coalition coalition;
  EXPECT_THAT(
      stub().CreateCoalition(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(),
                             CoalitionRequest(network_a_.name(), "Own pick", "VA"), &coalition),
      HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(CoalitionApiTest, AdminCannotCreateCoalitionsInAnotherNetwork) {
  v1::Coalition coalition;
  EXPECT_THAT(
      stub().CreateCoalition(Ctx(admin_a_).get(),
                             CoalitionRequest(network_b_.name(), "Charlotte", "NC"), &coalition),
      HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(CoalitionApiTest, RetriedCreateCoalitionReturnsTheSameCoalitionAndNoDuplicate) {
  v1::CreateCoalitionRequest request = CoalitionRequest(network_a_.name(), "Norfolk", "VA");
  request.set_request_id("coalition-norfolk");
  v1::Coalition first, second;
  ASSERT_THAT(stub().CreateCoalition(Ctx(admin_a_).get(), request, &first), IsOk());
  const int count = CountCoalitions(network_a_.name());
  ASSERT_THAT(stub().CreateCoalition(Ctx(admin_a_).get(), request, &second), IsOk());
  EXPECT_EQ(second.name(), first.name());
  EXPECT_EQ(second.etag(), first.etag());
  EXPECT_EQ(CountCoalitions(network_a_.name()), count);
}

TEST_F(CoalitionApiTest, GetCoalitionReturnsIt) {
  v1::GetCoalitionRequest request;
  request.set_name(a1_.name());
  v1::Coalition coalition;
  ASSERT_THAT(stub().GetCoalition(Ctx(admin_a_).get(), request, &coalition), IsOk());
  EXPECT_EQ(coalition.display_name(), "Southwest Virginia Care Transitions");
  EXPECT_EQ(coalition.region(), "southwest VA");
  EXPECT_EQ(coalition.etag(), a1_.etag());
}

TEST_F(CoalitionApiTest, ConvenerReadsCoalitionInTheirScope) {
  v1::GetCoalitionRequest request;
  request.set_name(a1_.name());
  v1::Coalition coalition;
  EXPECT_THAT(stub().GetCoalition(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(), request,
                                  &coalition),
              IsOk());
}

TEST_F(CoalitionApiTest, ConvenerCannotReadCoalitionOutsideTheirScope) {
  v1::GetCoalitionRequest request;
  request.set_name(a2_.name());
  v1::Coalition coalition;
  EXPECT_THAT(stub().GetCoalition(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(), request,
                                  &coalition),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(CoalitionApiTest, AdminCannotReadAnotherNetworksCoalition) {
  v1::GetCoalitionRequest request;
  request.set_name(b1_.name());
  v1::Coalition coalition;
  EXPECT_THAT(stub().GetCoalition(Ctx(admin_a_).get(), request, &coalition),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(CoalitionApiTest, GetUnknownCoalitionIsNotFound) {
  v1::GetCoalitionRequest request;
  request.set_name(network_a_.name() + "/coalitions/doesnotexist");
  v1::Coalition coalition;
  EXPECT_THAT(stub().GetCoalition(Ctx(admin_a_).get(), request, &coalition),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(CoalitionApiTest, GetCoalitionNamesAMalformedName) {
  v1::GetCoalitionRequest request;
  request.set_name(network_a_.name());
  v1::Coalition coalition;
  EXPECT_THAT(stub().GetCoalition(Ctx(admin_a_).get(), request, &coalition),
              InvalidArgumentOn("name"));
}

TEST_F(CoalitionApiTest, ListCoalitionsFiltersByStateRegionAndStatus) {
  v1::Coalition richmond = CreateCoalition(network_a_.name(), "Richmond", "VA", "central VA");
  v1::UpdateCoalitionRequest activate;
  activate.mutable_coalition()->set_name(richmond.name());
  activate.mutable_coalition()->set_status(v1::ACTIVE);
  activate.mutable_update_mask()->add_paths("status");
  v1::Coalition updated;
  ASSERT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), activate, &updated), IsOk());

  auto names = [&](v1::ListCoalitionsRequest request) {
    request.set_parent(network_a_.name());
    v1::ListCoalitionsResponse response;
    EXPECT_THAT(stub().ListCoalitions(Ctx(admin_a_).get(), request, &response), IsOk());
    std::vector<std::string> out;
    for (const auto& c : response.coalitions()) out.push_back(c.name());
    return out;
  };
  v1::ListCoalitionsRequest by_state;
  by_state.set_state("VA");
  EXPECT_THAT(names(by_state), UnorderedElementsAre(a1_.name(), richmond.name()));
  v1::ListCoalitionsRequest by_region;
  by_region.set_region("southwest VA");
  EXPECT_THAT(names(by_region), ElementsAre(a1_.name()));
  v1::ListCoalitionsRequest by_status;
  by_status.set_status(v1::ACTIVE);
  EXPECT_THAT(names(by_status), ElementsAre(richmond.name()));
}

TEST_F(CoalitionApiTest, ListCoalitionsShowsAConvenerOnlyTheirCoalitions) {
  v1::ListCoalitionsRequest request;
  request.set_parent(network_a_.name());
  v1::ListCoalitionsResponse response;
  ASSERT_THAT(stub().ListCoalitions(Ctx(ConvenerKey(network_a_.name(), {a2_.name()})).get(),
                                    request, &response),
              IsOk());
  ASSERT_THAT(response.coalitions(), SizeIs(1));
  EXPECT_EQ(response.coalitions(0).name(), a2_.name());
}

TEST_F(CoalitionApiTest, ListCoalitionsWalksEveryCoalitionOnceWithPageSizeTwo) {
  std::set<std::string> expected = {a1_.name(), a2_.name()};
  for (const char* name : {"Roanoke", "Lynchburg", "Danville"}) {
    expected.insert(CreateCoalition(network_a_.name(), name, "VA").name());
  }
  v1::ListCoalitionsRequest request;
  request.set_parent(network_a_.name());
  const auto [seen, pages] =
      WalkPages(&v1::MembershipService::Stub::ListCoalitions, request, admin_a_,
                [](const v1::ListCoalitionsResponse& r) { return r.coalitions(); });
  EXPECT_EQ(seen.size(), expected.size());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
}

TEST_F(CoalitionApiTest, PageTokenReusedWithADifferentFilterIsInvalid) {
  for (const char* name : {"Roanoke", "Lynchburg", "Danville"}) {
    CreateCoalition(network_a_.name(), name, "VA");
  }
  v1::ListCoalitionsRequest request;
  request.set_parent(network_a_.name());
  request.set_state("VA");
  request.set_page_size(2);
  v1::ListCoalitionsResponse response;
  ASSERT_THAT(stub().ListCoalitions(Ctx(admin_a_).get(), request, &response), IsOk());
  ASSERT_FALSE(response.next_page_token().empty());
  request.set_page_token(response.next_page_token());
  request.set_state("MD");
  EXPECT_THAT(stub().ListCoalitions(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("page_token"));
}

TEST_F(CoalitionApiTest, ListCoalitionsNamesABadStateFilter) {
  v1::ListCoalitionsRequest request;
  request.set_parent(network_a_.name());
  request.set_state("Maryland");
  v1::ListCoalitionsResponse response;
  EXPECT_THAT(stub().ListCoalitions(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("state"));
}

TEST_F(CoalitionApiTest, ListCoalitionsNamesANegativePageSize) {
  v1::ListCoalitionsRequest request;
  request.set_parent(network_a_.name());
  request.set_page_size(-5);
  v1::ListCoalitionsResponse response;
  EXPECT_THAT(stub().ListCoalitions(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("page_size"));
}

TEST_F(CoalitionApiTest, ListCoalitionsNamesAMalformedParent) {
  v1::ListCoalitionsRequest request;
  request.set_parent("networks/");
  v1::ListCoalitionsResponse response;
  EXPECT_THAT(stub().ListCoalitions(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("parent"));
}

TEST_F(CoalitionApiTest, UpdateCoalitionChangesOnlyMaskedFields) {
  v1::UpdateCoalitionRequest request;
  request.mutable_coalition()->set_name(a1_.name());
  request.mutable_coalition()->set_display_name("Southwest Virginia Care Transitions Coalition");
  request.mutable_coalition()->set_region("not in the mask");
  request.mutable_coalition()->set_status(v1::DORMANT);
  request.mutable_update_mask()->add_paths("display_name");
  clock().Advance(absl::Hours(2));
  v1::Coalition coalition;
  ASSERT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), request, &coalition), IsOk());
  EXPECT_EQ(coalition.display_name(), "Southwest Virginia Care Transitions Coalition");
  EXPECT_EQ(coalition.region(), "southwest VA");
  EXPECT_EQ(coalition.status(), v1::FORMING);
  EXPECT_EQ(FromProtoTimestamp(coalition.update_time()), clock().Now());
  EXPECT_EQ(coalition.create_time().seconds(), a1_.create_time().seconds());
  EXPECT_NE(coalition.etag(), a1_.etag());
  EXPECT_EQ(GetCoalition(a1_.name()).display_name(), coalition.display_name());
}

TEST_F(CoalitionApiTest, UpdateCoalitionSubPathChangesOnlyThatPartOfTheSentence) {
  v1::UpdateCoalitionRequest seed;
  seed.mutable_coalition()->set_name(a1_.name());
  seed.mutable_coalition()->mutable_organizing_sentence()->set_constituency("patients");
  seed.mutable_coalition()->mutable_organizing_sentence()->set_strategy("one-to-ones");
  seed.mutable_update_mask()->add_paths("organizing_sentence");
  v1::Coalition coalition;
  ASSERT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), seed, &coalition), IsOk());

  v1::UpdateCoalitionRequest request;
  request.mutable_coalition()->set_name(a1_.name());
  request.mutable_coalition()->mutable_organizing_sentence()->set_strategy("house meetings");
  request.mutable_update_mask()->add_paths("organizing_sentence.strategy");
  ASSERT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), request, &coalition), IsOk());
  EXPECT_EQ(coalition.organizing_sentence().strategy(), "house meetings");
  EXPECT_EQ(coalition.organizing_sentence().constituency(), "patients");
}

TEST_F(CoalitionApiTest, UpdateCoalitionWithEmptyMaskChangesWhatTheRequestSets) {
  v1::UpdateCoalitionRequest request;
  request.mutable_coalition()->set_name(a1_.name());
  request.mutable_coalition()->set_status(v1::ACTIVE);
  v1::Coalition coalition;
  ASSERT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), request, &coalition), IsOk());
  EXPECT_EQ(coalition.status(), v1::ACTIVE);
  EXPECT_EQ(coalition.display_name(), a1_.display_name());
  EXPECT_EQ(coalition.region(), "southwest VA");
}

TEST_F(CoalitionApiTest, UpdateCoalitionWithStaleEtagIsAborted) {
  v1::UpdateCoalitionRequest request;
  request.mutable_coalition()->set_name(a1_.name());
  request.mutable_coalition()->set_etag(a1_.etag());
  request.mutable_coalition()->set_region("first edit");
  request.mutable_update_mask()->add_paths("region");
  v1::Coalition coalition;
  ASSERT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), request, &coalition), IsOk());
  request.mutable_coalition()->set_region("second edit from a stale read");
  EXPECT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), request, &coalition),
              HasCode(grpc::StatusCode::ABORTED));
  EXPECT_EQ(GetCoalition(a1_.name()).region(), "first edit");
}

TEST_F(CoalitionApiTest, UpdateCoalitionRefusesAnOutputOnlyMaskPath) {
  v1::UpdateCoalitionRequest request;
  request.mutable_coalition()->set_name(a1_.name());
  request.mutable_update_mask()->add_paths("etag");
  v1::Coalition coalition;
  EXPECT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), request, &coalition),
              InvalidArgumentOn("update_mask"));
}

TEST_F(CoalitionApiTest, UpdateCoalitionCannotUnsetTheStatus) {
  v1::UpdateCoalitionRequest request;
  request.mutable_coalition()->set_name(a1_.name());
  request.mutable_update_mask()->add_paths("status");
  v1::Coalition coalition;
  EXPECT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), request, &coalition),
              InvalidArgumentOn("coalition.status"));
}

TEST_F(CoalitionApiTest, UpdateCoalitionCannotMoveToAStateOutsideTheNetwork) {
  v1::UpdateCoalitionRequest request;
  request.mutable_coalition()->set_name(a1_.name());
  request.mutable_coalition()->set_state("NC");
  request.mutable_update_mask()->add_paths("state");
  v1::Coalition coalition;
  EXPECT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), request, &coalition),
              InvalidArgumentOn("coalition.state"));
}

TEST_F(CoalitionApiTest, ConvenerUpdatesCoalitionInTheirScope) {
  v1::UpdateCoalitionRequest request;
  request.mutable_coalition()->set_name(a1_.name());
  request.mutable_coalition()->set_status(v1::ACTIVE);
  request.mutable_update_mask()->add_paths("status");
  v1::Coalition coalition;
  ASSERT_THAT(stub().UpdateCoalition(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(),
                                     request, &coalition),
              IsOk());
  EXPECT_EQ(coalition.status(), v1::ACTIVE);
}

TEST_F(CoalitionApiTest, ConvenerCannotUpdateCoalitionOutsideTheirScope) {
  v1::UpdateCoalitionRequest request;
  request.mutable_coalition()->set_name(a2_.name());
  request.mutable_coalition()->set_status(v1::CLOSED);
  request.mutable_update_mask()->add_paths("status");
  v1::Coalition coalition;
  EXPECT_THAT(stub().UpdateCoalition(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(),
                                     request, &coalition),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(CoalitionApiTest, UpdateUnknownCoalitionIsNotFound) {
  v1::UpdateCoalitionRequest request;
  request.mutable_coalition()->set_name(network_a_.name() + "/coalitions/doesnotexist");
  request.mutable_coalition()->set_region("x");
  v1::Coalition coalition;
  EXPECT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), request, &coalition),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(CoalitionApiTest, UpdateCoalitionNamesAMalformedName) {
  v1::UpdateCoalitionRequest request;
  request.mutable_coalition()->set_name("coalitions/x");
  v1::Coalition coalition;
  EXPECT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), request, &coalition),
              InvalidArgumentOn("coalition.name"));
}

// ---- Default meeting norms ----

TEST_F(CoalitionApiTest, CreateCoalitionKeepsItsDefaultNormsInOrder) {
  v1::CreateCoalitionRequest request = CoalitionRequest(network_a_.name(), "Richmond", "VA");
  request.mutable_coalition()->add_default_norms("Start and end on time");
  request.mutable_coalition()->add_default_norms("Every voice is heard");
  v1::Coalition coalition;
  ASSERT_THAT(stub().CreateCoalition(Ctx(admin_a_).get(), request, &coalition), IsOk());
  EXPECT_THAT(coalition.default_norms(),
              ElementsAre("Start and end on time", "Every voice is heard"));
  EXPECT_THAT(GetCoalition(coalition.name()).default_norms(),
              ElementsAre("Start and end on time", "Every voice is heard"));
}

TEST_F(CoalitionApiTest, CreateCoalitionNamesABlankDefaultNorm) {
  v1::CreateCoalitionRequest request = CoalitionRequest(network_a_.name(), "Richmond", "VA");
  request.mutable_coalition()->add_default_norms("Start and end on time");
  request.mutable_coalition()->add_default_norms(" ");
  v1::Coalition coalition;
  EXPECT_THAT(stub().CreateCoalition(Ctx(admin_a_).get(), request, &coalition),
              InvalidArgumentOn("coalition.default_norms[1]"));
}

TEST_F(CoalitionApiTest, CreateCoalitionNamesATooLongDefaultNorm) {
  v1::CreateCoalitionRequest request = CoalitionRequest(network_a_.name(), "Richmond", "VA");
  request.mutable_coalition()->add_default_norms(std::string(201, 'n'));
  v1::Coalition coalition;
  EXPECT_THAT(stub().CreateCoalition(Ctx(admin_a_).get(), request, &coalition),
              InvalidArgumentOn("coalition.default_norms[0]"));
}

TEST_F(CoalitionApiTest, CreateCoalitionRefusesMoreThanThirtyDefaultNorms) {
  v1::CreateCoalitionRequest request = CoalitionRequest(network_a_.name(), "Richmond", "VA");
  for (int i = 0; i < 31; ++i) {
    request.mutable_coalition()->add_default_norms("Norm " + std::to_string(i));
  }
  v1::Coalition coalition;
  EXPECT_THAT(stub().CreateCoalition(Ctx(admin_a_).get(), request, &coalition),
              InvalidArgumentOn("coalition.default_norms"));
}

TEST_F(CoalitionApiTest, UpdateCoalitionReplacesTheDefaultNormsUnderTheirMaskPath) {
  v1::UpdateCoalitionRequest request;
  request.mutable_coalition()->set_name(a1_.name());
  request.mutable_coalition()->add_default_norms("Phones away");
  request.mutable_coalition()->add_default_norms("Leave in action");
  request.mutable_coalition()->set_region("not in the mask");
  request.mutable_update_mask()->add_paths("default_norms");
  v1::Coalition coalition;
  ASSERT_THAT(stub().UpdateCoalition(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(),
                                     request, &coalition),
              IsOk());
  EXPECT_THAT(coalition.default_norms(), ElementsAre("Phones away", "Leave in action"));
  EXPECT_EQ(coalition.region(), "southwest VA");

  request.mutable_coalition()->clear_default_norms();
  request.mutable_coalition()->add_default_norms("Leave in action");
  ASSERT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), request, &coalition), IsOk());
  EXPECT_THAT(GetCoalition(a1_.name()).default_norms(), ElementsAre("Leave in action"));

  // An empty list under the mask path clears them.
  request.mutable_coalition()->clear_default_norms();
  ASSERT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), request, &coalition), IsOk());
  EXPECT_THAT(coalition.default_norms(), ::testing::IsEmpty());
}

TEST_F(CoalitionApiTest, UpdateCoalitionNamesABlankDefaultNorm) {
  v1::UpdateCoalitionRequest request;
  request.mutable_coalition()->set_name(a1_.name());
  request.mutable_coalition()->add_default_norms("");
  request.mutable_update_mask()->add_paths("default_norms");
  v1::Coalition coalition;
  EXPECT_THAT(stub().UpdateCoalition(Ctx(admin_a_).get(), request, &coalition),
              InvalidArgumentOn("coalition.default_norms[0]"));
}

TEST_F(CoalitionApiTest, ConvenerCannotChangeTheDefaultNormsOfAnotherCoalition) {
  v1::UpdateCoalitionRequest request;
  request.mutable_coalition()->set_name(a2_.name());
  request.mutable_coalition()->add_default_norms("Phones away");
  request.mutable_update_mask()->add_paths("default_norms");
  v1::Coalition coalition;
  EXPECT_THAT(stub().UpdateCoalition(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(),
                                     request, &coalition),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
  EXPECT_THAT(GetCoalition(a2_.name()).default_norms(), ::testing::IsEmpty());
}

// ---- Measurable aims ----

v1::CreateMeasurableAimRequest AimRequest(const std::string& coalition, double baseline,
                                          double target, double current_value) {
  v1::CreateMeasurableAimRequest request;
  request.set_parent(coalition);
  request.mutable_aim()->set_metric("30-day readmission rate");
  request.mutable_aim()->set_unit("%");
  request.mutable_aim()->set_baseline(baseline);
  request.mutable_aim()->set_target(target);
  request.mutable_aim()->set_current_value(current_value);
  request.mutable_aim()->mutable_due_date()->set_year(2027);
  request.mutable_aim()->mutable_due_date()->set_month(6);
  request.mutable_aim()->mutable_due_date()->set_day(30);
  return request;
}

TEST_F(AimApiTest, CreateAimComputesProgressFromBaselineToTarget) {
  v1::MeasurableAim aim;
  ASSERT_THAT(
      stub().CreateMeasurableAim(Ctx(admin_a_).get(), AimRequest(a1_.name(), 40, 80, 50), &aim),
      IsOk());
  EXPECT_THAT(aim.name(), StartsWith(a1_.name() + "/aims/"));
  EXPECT_THAT(aim.progress(), DoubleEq(0.25));
  EXPECT_EQ(aim.due_date().year(), 2027);
  EXPECT_FALSE(aim.etag().empty());
}

TEST_F(AimApiTest, ProgressOfAnAimThatGoesDownCountsTheDecrease) {
  v1::MeasurableAim aim;
  ASSERT_THAT(
      stub().CreateMeasurableAim(Ctx(admin_a_).get(), AimRequest(a1_.name(), 20, 10, 15), &aim),
      IsOk());
  EXPECT_THAT(aim.progress(), DoubleEq(0.5));
}

TEST_F(AimApiTest, ProgressIsClampedToZeroAndOne) {
  v1::MeasurableAim worse, beyond;
  ASSERT_THAT(
      stub().CreateMeasurableAim(Ctx(admin_a_).get(), AimRequest(a1_.name(), 20, 10, 25), &worse),
      IsOk());
  ASSERT_THAT(
      stub().CreateMeasurableAim(Ctx(admin_a_).get(), AimRequest(a1_.name(), 20, 10, 5), &beyond),
      IsOk());
  EXPECT_THAT(worse.progress(), DoubleEq(0.0));
  EXPECT_THAT(beyond.progress(), DoubleEq(1.0));
}

TEST_F(AimApiTest, CreateAimNamesMissingMetric) {
  v1::CreateMeasurableAimRequest request = AimRequest(a1_.name(), 1, 2, 1);
  request.mutable_aim()->clear_metric();
  v1::MeasurableAim aim;
  EXPECT_THAT(stub().CreateMeasurableAim(Ctx(admin_a_).get(), request, &aim),
              InvalidArgumentOn("aim.metric"));
}

TEST_F(AimApiTest, CreateAimNamesATargetEqualToTheBaseline) {
  v1::MeasurableAim aim;
  EXPECT_THAT(
      stub().CreateMeasurableAim(Ctx(admin_a_).get(), AimRequest(a1_.name(), 5, 5, 5), &aim),
      InvalidArgumentOn("aim.target"));
}

TEST_F(AimApiTest, CreateAimNamesAnImpossibleDueDate) {
  v1::CreateMeasurableAimRequest request = AimRequest(a1_.name(), 1, 2, 1);
  request.mutable_aim()->mutable_due_date()->set_month(2);
  request.mutable_aim()->mutable_due_date()->set_day(30);
  v1::MeasurableAim aim;
  EXPECT_THAT(stub().CreateMeasurableAim(Ctx(admin_a_).get(), request, &aim),
              InvalidArgumentOn("aim.due_date"));
}

TEST_F(AimApiTest, CreateAimNamesATooLongUnit) {
  v1::CreateMeasurableAimRequest request = AimRequest(a1_.name(), 1, 2, 1);
  request.mutable_aim()->set_unit(std::string(41, 'u'));
  v1::MeasurableAim aim;
  EXPECT_THAT(stub().CreateMeasurableAim(Ctx(admin_a_).get(), request, &aim),
              InvalidArgumentOn("aim.unit"));
}

TEST_F(AimApiTest, CreateAimNamesANonFiniteNumber) {
  v1::MeasurableAim aim;
  EXPECT_THAT(stub().CreateMeasurableAim(Ctx(admin_a_).get(),
                                         AimRequest(a1_.name(), 1, 2, std::nan("")), &aim),
              InvalidArgumentOn("aim.current_value"));
}

TEST_F(AimApiTest, CreateAimNamesAMalformedParent) {
  v1::MeasurableAim aim;
  EXPECT_THAT(
      stub().CreateMeasurableAim(Ctx(admin_a_).get(), AimRequest(network_a_.name(), 1, 2, 1), &aim),
      InvalidArgumentOn("parent"));
}

TEST_F(AimApiTest, CreateAimInUnknownCoalitionIsNotFound) {
  v1::MeasurableAim aim;
  EXPECT_THAT(stub().CreateMeasurableAim(
                  Ctx(admin_a_).get(),
                  AimRequest(network_a_.name() + "/coalitions/doesnotexist", 1, 2, 1), &aim),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(AimApiTest, RetriedCreateAimReturnsTheSameAimAndNoDuplicate) {
  v1::CreateMeasurableAimRequest request = AimRequest(a1_.name(), 40, 80, 50);
  request.set_request_id("aim-readmissions-1");
  v1::MeasurableAim first, second;
  ASSERT_THAT(stub().CreateMeasurableAim(Ctx(admin_a_).get(), request, &first), IsOk());
  ASSERT_THAT(stub().CreateMeasurableAim(Ctx(admin_a_).get(), request, &second), IsOk());
  EXPECT_EQ(second.name(), first.name());
  v1::ListMeasurableAimsRequest list;
  list.set_parent(a1_.name());
  v1::ListMeasurableAimsResponse aims;
  ASSERT_THAT(stub().ListMeasurableAims(Ctx(admin_a_).get(), list, &aims), IsOk());
  EXPECT_THAT(aims.aims(), SizeIs(1));
}

TEST_F(AimApiTest, ConvenerCannotCreateAimOutsideTheirScope) {
  v1::MeasurableAim aim;
  EXPECT_THAT(stub().CreateMeasurableAim(Ctx(ConvenerKey(network_a_.name(), {a2_.name()})).get(),
                                         AimRequest(a1_.name(), 1, 2, 1), &aim),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(AimApiTest, ConvenerCreatesAimInTheirScope) {
  v1::MeasurableAim aim;
  EXPECT_THAT(stub().CreateMeasurableAim(Ctx(ConvenerKey(network_a_.name(), {a1_.name()})).get(),
                                         AimRequest(a1_.name(), 1, 2, 1), &aim),
              IsOk());
}

TEST_F(AimApiTest, MemberCannotCreateAims) {
  v1::Person person = CreateMemberPerson(a1_.name(), "Ana Lopez");
  v1::MeasurableAim aim;
  EXPECT_THAT(stub().CreateMeasurableAim(Ctx(MemberKey(a1_.name(), person.name())).get(),
                                         AimRequest(a1_.name(), 1, 2, 1), &aim),
              HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

TEST_F(AimApiTest, GetAimReturnsItAndUnknownAimIsNotFound) {
  v1::MeasurableAim created = CreateAim(a1_.name(), "Flu shots", 40, 70, 46);
  v1::GetMeasurableAimRequest request;
  request.set_name(created.name());
  v1::MeasurableAim aim;
  ASSERT_THAT(stub().GetMeasurableAim(Ctx(admin_a_).get(), request, &aim), IsOk());
  EXPECT_EQ(aim.metric(), "Flu shots");
  EXPECT_THAT(aim.progress(), DoubleEq(0.2));
  request.set_name(a1_.name() + "/aims/doesnotexist");
  EXPECT_THAT(stub().GetMeasurableAim(Ctx(admin_a_).get(), request, &aim),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(AimApiTest, AimIsNotFoundUnderAnotherCoalition) {
  v1::MeasurableAim created = CreateAim(a1_.name(), "Flu shots", 40, 70, 46);
  const std::string id = created.name().substr(created.name().rfind('/') + 1);
  v1::GetMeasurableAimRequest request;
  request.set_name(a2_.name() + "/aims/" + id);
  v1::MeasurableAim aim;
  EXPECT_THAT(stub().GetMeasurableAim(Ctx(admin_a_).get(), request, &aim),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(AimApiTest, GetAimNamesAMalformedName) {
  v1::GetMeasurableAimRequest request;
  request.set_name(a1_.name() + "/teams/x");
  v1::MeasurableAim aim;
  EXPECT_THAT(stub().GetMeasurableAim(Ctx(admin_a_).get(), request, &aim),
              InvalidArgumentOn("name"));
}

TEST_F(AimApiTest, ListAimsWalksEveryAimOnceWithPageSizeTwo) {
  std::set<std::string> expected;
  for (int i = 0; i < 5; ++i) {
    expected.insert(CreateAim(a1_.name(), "Aim " + std::to_string(i), 0, 10, i).name());
  }
  CreateAim(a2_.name(), "Not in a1", 0, 10, 1);
  v1::ListMeasurableAimsRequest request;
  request.set_parent(a1_.name());
  const auto [seen, pages] =
      WalkPages(&v1::MembershipService::Stub::ListMeasurableAims, request, admin_a_,
                [](const v1::ListMeasurableAimsResponse& r) { return r.aims(); });
  EXPECT_EQ(pages, 3);
  EXPECT_EQ(seen.size(), 5u);
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()), expected);
}

TEST_F(AimApiTest, ListAimsRefusesAPageTokenOfAnotherCoalition) {
  for (int i = 0; i < 3; ++i) CreateAim(a1_.name(), "Aim", 0, 10, i);
  v1::ListMeasurableAimsRequest request;
  request.set_parent(a1_.name());
  request.set_page_size(1);
  v1::ListMeasurableAimsResponse response;
  ASSERT_THAT(stub().ListMeasurableAims(Ctx(admin_a_).get(), request, &response), IsOk());
  ASSERT_FALSE(response.next_page_token().empty());
  request.set_parent(a2_.name());
  request.set_page_token(response.next_page_token());
  EXPECT_THAT(stub().ListMeasurableAims(Ctx(admin_a_).get(), request, &response),
              InvalidArgumentOn("page_token"));
}

TEST_F(AimApiTest, ListAimsOfUnknownCoalitionIsNotFound) {
  v1::ListMeasurableAimsRequest request;
  request.set_parent(network_a_.name() + "/coalitions/doesnotexist");
  v1::ListMeasurableAimsResponse response;
  EXPECT_THAT(stub().ListMeasurableAims(Ctx(admin_a_).get(), request, &response),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(AimApiTest, UpdatingCurrentValueRecomputesProgressAndKeepsTheRest) {
  v1::MeasurableAim created = CreateAim(a1_.name(), "Readmissions", 20, 10, 20);
  v1::UpdateMeasurableAimRequest request;
  request.mutable_aim()->set_name(created.name());
  request.mutable_aim()->set_etag(created.etag());
  request.mutable_aim()->set_current_value(12);
  request.mutable_aim()->set_metric("not in the mask");
  request.mutable_update_mask()->add_paths("current_value");
  v1::MeasurableAim aim;
  ASSERT_THAT(stub().UpdateMeasurableAim(Ctx(admin_a_).get(), request, &aim), IsOk());
  EXPECT_THAT(aim.current_value(), DoubleEq(12));
  EXPECT_THAT(aim.progress(), DoubleEq(0.8));
  EXPECT_EQ(aim.metric(), "Readmissions");
}

TEST_F(AimApiTest, UpdateAimRefusesProgressInTheMask) {
  v1::MeasurableAim created = CreateAim(a1_.name(), "Readmissions", 20, 10, 20);
  v1::UpdateMeasurableAimRequest request;
  request.mutable_aim()->set_name(created.name());
  request.mutable_aim()->set_progress(1);
  request.mutable_update_mask()->add_paths("progress");
  v1::MeasurableAim aim;
  EXPECT_THAT(stub().UpdateMeasurableAim(Ctx(admin_a_).get(), request, &aim),
              InvalidArgumentOn("update_mask"));
}

TEST_F(AimApiTest, UpdateAimNamesATargetMovedOntoTheBaseline) {
  v1::MeasurableAim created = CreateAim(a1_.name(), "Readmissions", 20, 10, 20);
  v1::UpdateMeasurableAimRequest request;
  request.mutable_aim()->set_name(created.name());
  request.mutable_aim()->set_target(20);
  request.mutable_update_mask()->add_paths("target");
  v1::MeasurableAim aim;
  EXPECT_THAT(stub().UpdateMeasurableAim(Ctx(admin_a_).get(), request, &aim),
              InvalidArgumentOn("aim.target"));
}

TEST_F(AimApiTest, UpdateAimWithStaleEtagIsAborted) {
  v1::MeasurableAim created = CreateAim(a1_.name(), "Readmissions", 20, 10, 20);
  v1::UpdateMeasurableAimRequest request;
  request.mutable_aim()->set_name(created.name());
  request.mutable_aim()->set_etag(created.etag());
  request.mutable_aim()->set_current_value(18);
  request.mutable_update_mask()->add_paths("current_value");
  v1::MeasurableAim aim;
  ASSERT_THAT(stub().UpdateMeasurableAim(Ctx(admin_a_).get(), request, &aim), IsOk());
  EXPECT_THAT(stub().UpdateMeasurableAim(Ctx(admin_a_).get(), request, &aim),
              HasCode(grpc::StatusCode::ABORTED));
}

TEST_F(AimApiTest, UpdateUnknownAimIsNotFound) {
  v1::UpdateMeasurableAimRequest request;
  request.mutable_aim()->set_name(a1_.name() + "/aims/doesnotexist");
  request.mutable_aim()->set_current_value(1);
  v1::MeasurableAim aim;
  EXPECT_THAT(stub().UpdateMeasurableAim(Ctx(admin_a_).get(), request, &aim),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(AimApiTest, UpdateAimNamesAMalformedName) {
  v1::UpdateMeasurableAimRequest request;
  request.mutable_aim()->set_name("aims/x");
  v1::MeasurableAim aim;
  EXPECT_THAT(stub().UpdateMeasurableAim(Ctx(admin_a_).get(), request, &aim),
              InvalidArgumentOn("aim.name"));
}

TEST_F(AimApiTest, DeleteAimRemovesIt) {
  v1::MeasurableAim created = CreateAim(a1_.name(), "Readmissions", 20, 10, 20);
  v1::DeleteMeasurableAimRequest request;
  request.set_name(created.name());
  request.set_etag(created.etag());
  google::protobuf::Empty empty;
  ASSERT_THAT(stub().DeleteMeasurableAim(Ctx(admin_a_).get(), request, &empty), IsOk());
  v1::GetMeasurableAimRequest get;
  get.set_name(created.name());
  v1::MeasurableAim aim;
  EXPECT_THAT(stub().GetMeasurableAim(Ctx(admin_a_).get(), get, &aim),
              HasCode(grpc::StatusCode::NOT_FOUND));
  EXPECT_THAT(stub().DeleteMeasurableAim(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::NOT_FOUND));
}

TEST_F(AimApiTest, DeleteAimWithStaleEtagIsAborted) {
  v1::MeasurableAim created = CreateAim(a1_.name(), "Readmissions", 20, 10, 20);
  v1::UpdateMeasurableAimRequest update;
  update.mutable_aim()->set_name(created.name());
  update.mutable_aim()->set_current_value(18);
  v1::MeasurableAim aim;
  ASSERT_THAT(stub().UpdateMeasurableAim(Ctx(admin_a_).get(), update, &aim), IsOk());
  v1::DeleteMeasurableAimRequest request;
  request.set_name(created.name());
  request.set_etag(created.etag());
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeleteMeasurableAim(Ctx(admin_a_).get(), request, &empty),
              HasCode(grpc::StatusCode::ABORTED));
}

TEST_F(AimApiTest, DeleteAimNamesAMalformedName) {
  v1::DeleteMeasurableAimRequest request;
  request.set_name(a1_.name());
  google::protobuf::Empty empty;
  EXPECT_THAT(stub().DeleteMeasurableAim(Ctx(admin_a_).get(), request, &empty),
              InvalidArgumentOn("name"));
}

TEST_F(AimApiTest, OperatorCannotDeleteAims) {
  v1::MeasurableAim created = CreateAim(a1_.name(), "Readmissions", 20, 10, 20);
  v1::DeleteMeasurableAimRequest request;
  request.set_name(created.name());
  google::protobuf::Empty empty;
  EXPECT_THAT(
      stub().DeleteMeasurableAim(Ctx(OperatorKey(network_a_.name())).get(), request, &empty),
      HasCode(grpc::StatusCode::PERMISSION_DENIED));
}

}  // namespace
}  // namespace coalition::membership::testing
