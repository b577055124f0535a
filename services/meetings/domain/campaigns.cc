#include "services/meetings/domain/campaigns.h"

namespace coalition::meetings {
namespace {

double WeightOf(double weight) { return weight > 0 ? weight : 1.0; }

// Weighted mean of the parts' progress; 0 when there are no parts.
class WeightedMean {
 public:
  void Add(double weight, double value) {
    total_ += WeightOf(weight);
    sum_ += WeightOf(weight) * value;
  }
  double Value() const { return total_ > 0 ? sum_ / total_ : 0.0; }

 private:
  double total_ = 0;
  double sum_ = 0;
};

}  // namespace

void RollUpCampaignProgress(v1::Campaign& campaign,
                            const std::map<std::string, v1::Commitment::Status>& statuses) {
  WeightedMean campaign_mean;
  for (v1::PeakGoal& goal : *campaign.mutable_peak_goals()) {
    WeightedMean goal_mean;
    for (v1::Tactic& tactic : *goal.mutable_tactics()) {
      WeightedMean tactic_mean;
      for (const v1::TacticCommitment& link : tactic.commitments()) {
        auto it = statuses.find(link.commitment());
        if (it == statuses.end() || it->second == v1::Commitment::RELEASED) continue;
        tactic_mean.Add(link.weight(), it->second == v1::Commitment::DONE ? 1.0 : 0.0);
      }
      tactic.set_progress(tactic_mean.Value());
      goal_mean.Add(tactic.weight(), tactic.progress());
    }
    goal.set_progress(goal_mean.Value());
    campaign_mean.Add(goal.weight(), goal.progress());
  }
  campaign.set_progress(campaign_mean.Value());
}

}  // namespace coalition::meetings
