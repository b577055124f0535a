#ifndef COALITION_SERVICES_MEETINGS_DOMAIN_ONE_TO_ONES_H_
#define COALITION_SERVICES_MEETINGS_DOMAIN_ONE_TO_ONES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "coalition/meetings/v1/meetings_service.pb.h"
#include "coalition/membership/v1/resources.pb.h"

// The one-to-one stage machine: selection -> purpose -> exploration -> exchange -> commitment.
// A stage can be recorded once every stage before it is; an earlier stage may be corrected
// while the one-to-one is in progress. Recording the commitment stage completes it, after which
// nothing changes: the outcome is the record of what was agreed.
namespace coalition::meetings {

// A new one-to-one: IN_PROGRESS with no stage recorded; stage data sent at create is dropped so
// that every stage goes through RecordOneToOneStage and its ordering rule.
void StartOneToOne(v1::OneToOne& one_to_one);

// "selection", "purpose", ...: a stage as messages and audit summaries name it.
std::string StageLabel(v1::OneToOne::Stage stage);

// The stage a request records (STAGE_UNSPECIFIED when none is set).
v1::OneToOne::Stage StageOf(const v1::RecordOneToOneStageRequest& request);

// FAILED_PRECONDITION when the one-to-one is completed or a stage before `stage` is missing.
absl::Status CheckStageCanBeRecorded(const v1::OneToOne& one_to_one, v1::OneToOne::Stage stage);

// Records the request's stage. For the commitment stage, `created_commitments` are the names of
// the commitments made from the outcome (empty with a no-commitment reason); the outcome needs
// exactly one of them (INVALID_ARGUMENT on outcome otherwise).
absl::Status RecordStage(v1::OneToOne& one_to_one, const v1::RecordOneToOneStageRequest& request,
                         const std::vector<std::string>& created_commitments, absl::Time now);

// What the one-to-one learned, as a patch for membership's map of actors: interests and
// resources heard in exploration, tie strength from selection. nullopt when nothing was heard.
struct ActorMapUpdate {
  coalition::membership::v1::Actor actor;  // name set when the counterpart is an actor
  std::vector<std::string> update_paths;
};
std::optional<ActorMapUpdate> ActorMapUpdateFrom(const v1::OneToOne& one_to_one);

}  // namespace coalition::meetings

#endif  // COALITION_SERVICES_MEETINGS_DOMAIN_ONE_TO_ONES_H_
