#ifndef COALITION_SERVICES_MEETINGS_DOMAIN_CAMPAIGNS_H_
#define COALITION_SERVICES_MEETINGS_DOMAIN_CAMPAIGNS_H_

#include <map>
#include <string>

#include "coalition/meetings/v1/meetings_service.pb.h"

// Campaign progress, rolled up with weights: commitments -> tactics -> peak goals -> campaign.
namespace coalition::meetings {

// Fills every progress output of `campaign` from the status of its commitments (by name).
// A tactic's progress is the weighted share of its commitments that are done; released
// commitments and ones not found are left out (the work was handed back or moved), and a
// tactic with none left counts 0. Peak goals and the campaign are weighted means of their
// parts; a weight of 0 means 1, so unweighted campaigns need no numbers.
void RollUpCampaignProgress(v1::Campaign& campaign,
                            const std::map<std::string, v1::Commitment::Status>& statuses);

}  // namespace coalition::meetings

#endif  // COALITION_SERVICES_MEETINGS_DOMAIN_CAMPAIGNS_H_
