#include "libs/core/field_mask.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "coalition/membership/v1/resources.pb.h"
#include "gmock/gmock.h"
#include "google/protobuf/field_mask.pb.h"
#include "gtest/gtest.h"
#include "libs/core/status.h"

namespace coalition {
namespace {

using ::coalition::membership::v1::Coalition;
using ::coalition::membership::v1::Network;
using ::testing::ElementsAre;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

const std::vector<std::string> kCoalitionUpdatable = {"display_name", "region", "status",
                                                      "organizing_sentence"};

google::protobuf::FieldMask Mask(std::vector<std::string> paths) {
  google::protobuf::FieldMask mask;
  for (auto& path : paths) mask.add_paths(path);
  return mask;
}

Coalition StoredCoalition() {
  Coalition c;
  c.set_name("networks/n1/coalitions/c1");
  c.set_display_name("Southwest VA Diabetes Coalition");
  c.set_state("VA");
  c.set_region("southwest VA");
  c.set_status(coalition::membership::v1::FORMING);
  c.mutable_organizing_sentence()->set_constituency("people with diabetes");
  c.mutable_organizing_sentence()->set_strategy("peer education");
  return c;
}

// Every violation must be on update_mask; returns their descriptions.
std::vector<std::string> UpdateMaskViolations(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> descriptions;
  for (const FieldViolation& v : FieldViolationsOf(status)) {
    EXPECT_EQ(v.field, "update_mask");
    descriptions.push_back(v.description);
  }
  return descriptions;
}

TEST(ApplyFieldMaskTest, CopiesOnlyTheMaskedFields) {
  Coalition target = StoredCoalition();
  Coalition patch;
  patch.set_display_name("Roanoke Diabetes Coalition");
  patch.set_region("Roanoke valley");

  ASSERT_TRUE(ApplyFieldMask(patch, Mask({"display_name"}), kCoalitionUpdatable, &target).ok());

  Coalition want = StoredCoalition();
  want.set_display_name("Roanoke Diabetes Coalition");
  EXPECT_EQ(target.SerializeAsString(), want.SerializeAsString()) << target.DebugString();
}

TEST(ApplyFieldMaskTest, MaskedFieldLeftEmptyInThePatchIsCleared) {
  Coalition target = StoredCoalition();
  ASSERT_TRUE(ApplyFieldMask(Coalition(), Mask({"region"}), kCoalitionUpdatable, &target).ok());
  EXPECT_EQ(target.region(), "");
  EXPECT_EQ(target.display_name(), StoredCoalition().display_name());
}

TEST(ApplyFieldMaskTest, EmptyMaskAppliesThePopulatedUpdatableFields) {
  Coalition target = StoredCoalition();
  Coalition patch;
  patch.set_display_name("Roanoke Diabetes Coalition");
  patch.set_state("MD");                           // populated, but not updatable
  patch.set_name("networks/n1/coalitions/other");  // populated, but not updatable

  ASSERT_TRUE(ApplyFieldMask(patch, Mask({}), kCoalitionUpdatable, &target).ok());

  Coalition want = StoredCoalition();
  want.set_display_name("Roanoke Diabetes Coalition");
  EXPECT_EQ(target.SerializeAsString(), want.SerializeAsString()) << target.DebugString();
}

TEST(EffectiveUpdatePathsTest, EmptyMaskNamesThePopulatedUpdatableFields) {
  Coalition patch;
  patch.set_display_name("x");
  patch.set_state("MD");
  patch.mutable_organizing_sentence()->set_what("fewer amputations");
  absl::StatusOr<std::vector<std::string>> paths =
      EffectiveUpdatePaths(patch, Mask({}), kCoalitionUpdatable);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_THAT(*paths, ElementsAre("display_name", "organizing_sentence"));
}

TEST(EffectiveUpdatePathsTest, EmptyMaskAndEmptyPatchChangeNothing) {
  absl::StatusOr<std::vector<std::string>> paths =
      EffectiveUpdatePaths(Coalition(), Mask({}), kCoalitionUpdatable);
  ASSERT_TRUE(paths.ok()) << paths.status();
  EXPECT_THAT(*paths, IsEmpty());
}

TEST(ApplyFieldMaskTest, UnknownPathIsRefusedOnUpdateMask) {
  Coalition target = StoredCoalition();
  Coalition patch;
  patch.set_display_name("changed");
  const absl::Status status =
      ApplyFieldMask(patch, Mask({"display_name", "colour"}), kCoalitionUpdatable, &target);
  const std::vector<std::string> descriptions = UpdateMaskViolations(status);
  ASSERT_EQ(descriptions.size(), 1u);
  EXPECT_THAT(descriptions[0], HasSubstr("colour"));
  EXPECT_THAT(descriptions[0], HasSubstr("not a field"));
  // Nothing is applied when the mask is refused.
  EXPECT_EQ(target.display_name(), StoredCoalition().display_name());
}

TEST(ApplyFieldMaskTest, PathThatIsNotUpdatableIsRefusedOnUpdateMask) {
  Coalition target = StoredCoalition();
  Coalition patch;
  patch.set_state("MD");
  const std::vector<std::string> descriptions =
      UpdateMaskViolations(ApplyFieldMask(patch, Mask({"state"}), kCoalitionUpdatable, &target));
  ASSERT_EQ(descriptions.size(), 1u);
  EXPECT_THAT(descriptions[0], HasSubstr("\"state\" cannot be updated"));
  EXPECT_EQ(target.state(), "VA");
}

TEST(ApplyFieldMaskTest, EveryBadPathIsNamed) {
  Coalition target = StoredCoalition();
  const std::vector<std::string> descriptions = UpdateMaskViolations(
      ApplyFieldMask(Coalition(), Mask({"name", "colour", "etag"}), kCoalitionUpdatable, &target));
  EXPECT_THAT(descriptions, ElementsAre(HasSubstr("name"), HasSubstr("colour"), HasSubstr("etag")));
}

TEST(ApplyFieldMaskTest, AHugeUnknownPathIsQuotedShortEnoughToSayWhatIsWrong) {
  Coalition target = StoredCoalition();
  const std::vector<std::string> descriptions = UpdateMaskViolations(
      ApplyFieldMask(Coalition(), Mask({std::string(5000, 'x')}), kCoalitionUpdatable, &target));
  ASSERT_EQ(descriptions.size(), 1u);
  EXPECT_THAT(descriptions[0], EndsWith("...\" is not a field of Coalition"));
  EXPECT_LE(descriptions[0].size(), kMaxViolationTextBytes);
}

TEST(ApplyFieldMaskTest, AMaskOfMorePathsThanAllowedIsRefusedWithoutReadingThem) {
  Coalition target = StoredCoalition();
  const std::vector<std::string> descriptions = UpdateMaskViolations(
      ApplyFieldMask(Coalition(), Mask(std::vector<std::string>(kMaxUpdateMaskPaths + 1, "colour")),
                     kCoalitionUpdatable, &target));
  EXPECT_THAT(descriptions, ElementsAre(HasSubstr(absl::StrCat("at most ", kMaxUpdateMaskPaths))));
  EXPECT_EQ(target.display_name(), StoredCoalition().display_name());
}

TEST(ApplyFieldMaskTest, UnknownNestedPathIsRefused) {
  Coalition target = StoredCoalition();
  const std::vector<std::string> descriptions = UpdateMaskViolations(ApplyFieldMask(
      Coalition(), Mask({"organizing_sentence.tagline"}), kCoalitionUpdatable, &target));
  ASSERT_EQ(descriptions.size(), 1u);
  EXPECT_THAT(descriptions[0], HasSubstr("organizing_sentence.tagline"));
}

TEST(ApplyFieldMaskTest, NestedPathUnderAnUpdatableMessageChangesOnlyThatSubfield) {
  Coalition target = StoredCoalition();
  Coalition patch;
  patch.mutable_organizing_sentence()->set_what("fewer amputations");
  patch.mutable_organizing_sentence()->set_strategy("ignored: not in the mask");

  ASSERT_TRUE(
      ApplyFieldMask(patch, Mask({"organizing_sentence.what"}), kCoalitionUpdatable, &target).ok());

  EXPECT_EQ(target.organizing_sentence().what(), "fewer amputations");
  EXPECT_EQ(target.organizing_sentence().constituency(), "people with diabetes");
  EXPECT_EQ(target.organizing_sentence().strategy(), "peer education");
}

TEST(ApplyFieldMaskTest, MaskedMessageFieldIsReplacedWhole) {
  Coalition target = StoredCoalition();
  Coalition patch;
  patch.mutable_organizing_sentence()->set_what("fewer amputations");

  ASSERT_TRUE(
      ApplyFieldMask(patch, Mask({"organizing_sentence"}), kCoalitionUpdatable, &target).ok());

  EXPECT_EQ(target.organizing_sentence().SerializeAsString(),
            patch.organizing_sentence().SerializeAsString());
}

TEST(ApplyFieldMaskTest, UpdatableSubpathDoesNotAllowItsParent) {
  Coalition target = StoredCoalition();
  const std::vector<std::string> updatable = {"organizing_sentence.what"};
  Coalition patch;
  patch.mutable_organizing_sentence()->set_what("fewer amputations");

  EXPECT_TRUE(ApplyFieldMask(patch, Mask({"organizing_sentence.what"}), updatable, &target).ok());
  EXPECT_THAT(UpdateMaskViolations(
                  ApplyFieldMask(patch, Mask({"organizing_sentence"}), updatable, &target)),
              ElementsAre(HasSubstr("cannot be updated")));
  EXPECT_THAT(UpdateMaskViolations(ApplyFieldMask(patch, Mask({"organizing_sentence.strategy"}),
                                                  updatable, &target)),
              ElementsAre(HasSubstr("cannot be updated")));
}

TEST(ApplyFieldMaskTest, RepeatedFieldsAreReplaced) {
  Network target;
  target.set_display_name("QIN East");
  target.add_states("VA");
  target.add_states("MD");
  Network patch;
  patch.add_states("DC");

  ASSERT_TRUE(ApplyFieldMask(patch, Mask({"states"}), {"display_name", "states"}, &target).ok());

  EXPECT_THAT(target.states(), ElementsAre("DC"));
  EXPECT_EQ(target.display_name(), "QIN East");
}

TEST(ApplyFieldMaskTest, EmptyMaskReplacesAPopulatedRepeatedField) {
  Network target;
  target.add_states("VA");
  target.add_states("MD");
  Network patch;
  patch.add_states("WV");

  ASSERT_TRUE(ApplyFieldMask(patch, Mask({}), {"display_name", "states"}, &target).ok());

  EXPECT_THAT(target.states(), ElementsAre("WV"));
}

TEST(ApplyFieldMaskTest, WildcardReplacesEveryUpdatableField) {
  Coalition target = StoredCoalition();
  Coalition patch;
  patch.set_display_name("Renamed");
  patch.set_state("MD");

  ASSERT_TRUE(ApplyFieldMask(patch, Mask({"*"}), kCoalitionUpdatable, &target).ok());

  EXPECT_EQ(target.display_name(), "Renamed");
  EXPECT_EQ(target.region(), "");
  EXPECT_FALSE(target.has_organizing_sentence());
  EXPECT_EQ(target.state(), "VA");
  EXPECT_EQ(target.name(), "networks/n1/coalitions/c1");
}

}  // namespace
}  // namespace coalition
