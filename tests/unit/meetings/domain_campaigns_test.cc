#include "services/meetings/domain/campaigns.h"

#include <map>
#include <string>

#include "gtest/gtest.h"

namespace coalition::meetings {
namespace {

using Status = v1::Commitment::Status;

std::string C(int i) { return "networks/n1/coalitions/c1/commitments/k" + std::to_string(i); }

v1::Tactic* AddTactic(v1::PeakGoal* goal, double weight, std::map<int, double> commitments) {
  v1::Tactic* tactic = goal->add_tactics();
  tactic->set_weight(weight);
  for (const auto& [i, w] : commitments) {
    auto* link = tactic->add_commitments();
    link->set_commitment(C(i));
    link->set_weight(w);
  }
  return tactic;
}

TEST(CampaignProgressTest, TacticProgressIsTheWeightedShareOfDoneCommitments) {
  v1::Campaign campaign;
  v1::PeakGoal* goal = campaign.add_peak_goals();
  AddTactic(goal, 1, {{1, 3}, {2, 1}});
  RollUpCampaignProgress(campaign, {{C(1), v1::Commitment::DONE}, {C(2), v1::Commitment::OPEN}});
  EXPECT_DOUBLE_EQ(campaign.peak_goals(0).tactics(0).progress(), 0.75);
  EXPECT_DOUBLE_EQ(campaign.peak_goals(0).progress(), 0.75);
  EXPECT_DOUBLE_EQ(campaign.progress(), 0.75);
}

TEST(CampaignProgressTest, PeakGoalWeighsItsTactics) {
  v1::Campaign campaign;
  v1::PeakGoal* goal = campaign.add_peak_goals();
  AddTactic(goal, 3, {{1, 0}});
  AddTactic(goal, 1, {{2, 0}});
  RollUpCampaignProgress(campaign, {{C(1), v1::Commitment::OPEN}, {C(2), v1::Commitment::DONE}});
  EXPECT_DOUBLE_EQ(goal->progress(), 0.25);
}

TEST(CampaignProgressTest, CampaignProgressWeighsPeakGoals) {
  v1::Campaign campaign;
  v1::PeakGoal* first = campaign.add_peak_goals();
  first->set_weight(1);
  AddTactic(first, 0, {{1, 0}});
  v1::PeakGoal* second = campaign.add_peak_goals();
  second->set_weight(4);
  AddTactic(second, 0, {{2, 0}});
  RollUpCampaignProgress(campaign, {{C(1), v1::Commitment::DONE}, {C(2), v1::Commitment::MISSED}});
  EXPECT_DOUBLE_EQ(campaign.peak_goals(0).progress(), 1.0);
  EXPECT_DOUBLE_EQ(campaign.peak_goals(1).progress(), 0.0);
  EXPECT_DOUBLE_EQ(campaign.progress(), 0.2);
}

TEST(CampaignProgressTest, ReleasedAndUnknownCommitmentsAreLeftOut) {
  v1::Campaign campaign;
  v1::PeakGoal* goal = campaign.add_peak_goals();
  AddTactic(goal, 0, {{1, 0}, {2, 0}, {3, 0}});
  RollUpCampaignProgress(campaign,
                         {{C(1), v1::Commitment::DONE}, {C(2), v1::Commitment::RELEASED}});
  EXPECT_DOUBLE_EQ(goal->tactics(0).progress(), 1.0);
}

TEST(CampaignProgressTest, EmptyPartsCountZero) {
  v1::Campaign campaign;
  RollUpCampaignProgress(campaign, {});
  EXPECT_DOUBLE_EQ(campaign.progress(), 0.0);
  v1::PeakGoal* goal = campaign.add_peak_goals();
  AddTactic(goal, 0, {});
  v1::PeakGoal* done = campaign.add_peak_goals();
  AddTactic(done, 0, {{1, 0}});
  RollUpCampaignProgress(campaign, {{C(1), v1::Commitment::DONE}});
  EXPECT_DOUBLE_EQ(campaign.progress(), 0.5);
}

}  // namespace
}  // namespace coalition::meetings
