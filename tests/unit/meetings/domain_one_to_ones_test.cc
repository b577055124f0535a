#include "services/meetings/domain/one_to_ones.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/core/status.h"

namespace coalition::meetings {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using v1::OneToOne;
using v1::RecordOneToOneStageRequest;

const absl::Time kT0 = absl::FromUnixSeconds(1767225600);

OneToOne NewOneToOne() {
  OneToOne o;
  o.set_name("networks/n1/coalitions/c1/oneToOnes/o1");
  o.set_organizer("networks/n1/people/organizer");
  o.set_counterpart_actor("networks/n1/coalitions/c1/actors/a1");
  o.mutable_exchange()->set_offered("sent at create: dropped");
  StartOneToOne(o);
  return o;
}

RecordOneToOneStageRequest Selection() {
  RecordOneToOneStageRequest r;
  r.mutable_selection()->set_why_this_person("runs the diabetes education center");
  r.mutable_selection()->set_how_connected("met at the kick-off");
  r.mutable_selection()->set_tie_strength(coalition::membership::v1::WEAK);
  return r;
}
RecordOneToOneStageRequest Purpose() {
  RecordOneToOneStageRequest r;
  r.mutable_purpose()->set_kind(OneToOne::Purpose::BUILD);
  return r;
}
RecordOneToOneStageRequest Exploration() {
  RecordOneToOneStageRequest r;
  r.mutable_exploration()->add_values("dignity");
  r.mutable_exploration()->add_interests("foot exams");
  r.mutable_exploration()->add_resources(coalition::membership::v1::SPACE);
  return r;
}
RecordOneToOneStageRequest Exchange() {
  RecordOneToOneStageRequest r;
  r.mutable_exchange()->set_offered("data on amputations");
  return r;
}
RecordOneToOneStageRequest NoCommitment(const std::string& reason) {
  RecordOneToOneStageRequest r;
  r.mutable_outcome()->set_no_commitment_reason(reason);
  return r;
}

void RecordThroughExchange(OneToOne& o) {
  for (const auto& r : {Selection(), Purpose(), Exploration(), Exchange()}) {
    ASSERT_TRUE(RecordStage(o, r, {}, kT0).ok());
  }
}

TEST(OneToOneStagesTest, StartDropsStageDataSentAtCreate) {
  const OneToOne o = NewOneToOne();
  EXPECT_FALSE(o.has_exchange());
  EXPECT_EQ(o.state(), OneToOne::IN_PROGRESS);
  EXPECT_EQ(o.last_stage(), OneToOne::STAGE_UNSPECIFIED);
}

TEST(OneToOneStagesTest, StagesRecordedInOrderAdvanceTheLastStage) {
  OneToOne o = NewOneToOne();
  RecordThroughExchange(o);
  EXPECT_EQ(o.last_stage(), OneToOne::EXCHANGE);
  EXPECT_EQ(o.selection().how_connected(), "met at the kick-off");
  EXPECT_EQ(o.state(), OneToOne::IN_PROGRESS);
}

TEST(OneToOneStagesTest, ExplorationCannotBeRecordedBeforePurpose) {
  OneToOne o = NewOneToOne();
  ASSERT_TRUE(RecordStage(o, Selection(), {}, kT0).ok());
  const absl::Status status = RecordStage(o, Exploration(), {}, kT0);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("before the purpose stage"));
  EXPECT_FALSE(o.has_exploration());
}

TEST(OneToOneStagesTest, SelectionComesFirst) {
  OneToOne o = NewOneToOne();
  EXPECT_EQ(RecordStage(o, Purpose(), {}, kT0).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(OneToOneStagesTest, CommitmentCannotBeRecordedBeforeExchange) {
  OneToOne o = NewOneToOne();
  for (const auto& r : {Selection(), Purpose(), Exploration()}) {
    ASSERT_TRUE(RecordStage(o, r, {}, kT0).ok());
  }
  EXPECT_EQ(RecordStage(o, NoCommitment("needs to ask the board"), {}, kT0).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(OneToOneStagesTest, EarlierStageCanBeCorrectedWithoutLosingProgress) {
  OneToOne o = NewOneToOne();
  RecordThroughExchange(o);
  RecordOneToOneStageRequest purpose = Purpose();
  purpose.mutable_purpose()->set_kind(OneToOne::Purpose::DEEPEN);
  ASSERT_TRUE(RecordStage(o, purpose, {}, kT0).ok());
  EXPECT_EQ(o.purpose().kind(), OneToOne::Purpose::DEEPEN);
  EXPECT_EQ(o.last_stage(), OneToOne::EXCHANGE);
}

TEST(OneToOneOutcomeTest, CommitmentsCompleteTheOneToOne) {
  OneToOne o = NewOneToOne();
  RecordThroughExchange(o);
  RecordOneToOneStageRequest outcome;
  outcome.mutable_outcome()->add_commitments()->set_what("host the foot-exam day");
  ASSERT_TRUE(RecordStage(o, outcome, {"networks/n1/coalitions/c1/commitments/k1"}, kT0).ok());
  EXPECT_EQ(o.state(), OneToOne::COMPLETED);
  EXPECT_EQ(o.last_stage(), OneToOne::COMMITMENT);
  EXPECT_THAT(o.outcome().commitments(), ElementsAre("networks/n1/coalitions/c1/commitments/k1"));
}

TEST(OneToOneOutcomeTest, NoCommitmentNeedsAReason) {
  OneToOne o = NewOneToOne();
  RecordThroughExchange(o);
  const absl::Status status = RecordStage(o, NoCommitment(""), {}, kT0);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldViolationsOf(status)[0].field, "outcome");
  ASSERT_TRUE(RecordStage(o, NoCommitment("wants to talk to her team first"), {}, kT0).ok());
  EXPECT_EQ(o.outcome().no_commitment_reason(), "wants to talk to her team first");
  EXPECT_EQ(o.state(), OneToOne::COMPLETED);
}

TEST(OneToOneOutcomeTest, CommitmentsAndAReasonTogetherAreRefused) {
  OneToOne o = NewOneToOne();
  RecordThroughExchange(o);
  EXPECT_EQ(
      RecordStage(o, NoCommitment("undecided"), {"networks/n1/coalitions/c1/commitments/k"}, kT0)
          .code(),
      absl::StatusCode::kInvalidArgument);
}

TEST(OneToOneOutcomeTest, CompletedOneToOneIsFinal) {
  OneToOne o = NewOneToOne();
  RecordThroughExchange(o);
  ASSERT_TRUE(RecordStage(o, NoCommitment("not now"), {}, kT0).ok());
  EXPECT_EQ(RecordStage(o, Selection(), {}, kT0).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(OneToOneStagesTest, RequestWithoutAStageIsInvalid) {
  OneToOne o = NewOneToOne();
  EXPECT_EQ(RecordStage(o, RecordOneToOneStageRequest(), {}, kT0).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ActorMapUpdateTest, CarriesInterestsResourcesAndTieStrengthHeard) {
  OneToOne o = NewOneToOne();
  RecordThroughExchange(o);
  const auto update = ActorMapUpdateFrom(o);
  ASSERT_TRUE(update.has_value());
  EXPECT_EQ(update->actor.name(), "networks/n1/coalitions/c1/actors/a1");
  EXPECT_THAT(update->actor.interests(), ElementsAre("foot exams"));
  EXPECT_THAT(update->update_paths, ElementsAre("interests", "resources", "tie_strength"));
  EXPECT_EQ(update->actor.tie_strength(), coalition::membership::v1::WEAK);
}

TEST(ActorMapUpdateTest, NothingHeardMeansNoUpdate) {
  EXPECT_FALSE(ActorMapUpdateFrom(NewOneToOne()).has_value());
}

}  // namespace
}  // namespace coalition::meetings
