#include "services/meetings/domain/one_to_ones.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace coalition::meetings {
namespace {

bool IsBlank(const std::string& text) {
  return text.find_first_not_of(" \t\r\n") == std::string::npos;
}

}  // namespace

std::string StageLabel(v1::OneToOne::Stage stage) {
  return absl::AsciiStrToLower(v1::OneToOne::Stage_Name(stage));
}

void StartOneToOne(v1::OneToOne& one_to_one) {
  one_to_one.clear_selection();
  one_to_one.clear_purpose();
  one_to_one.clear_exploration();
  one_to_one.clear_exchange();
  one_to_one.clear_outcome();
  one_to_one.clear_complete_time();
  one_to_one.set_last_stage(v1::OneToOne::STAGE_UNSPECIFIED);
  one_to_one.set_state(v1::OneToOne::IN_PROGRESS);
}

v1::OneToOne::Stage StageOf(const v1::RecordOneToOneStageRequest& request) {
  switch (request.stage_case()) {
    case v1::RecordOneToOneStageRequest::kSelection:
      return v1::OneToOne::SELECTION;
    case v1::RecordOneToOneStageRequest::kPurpose:
      return v1::OneToOne::PURPOSE;
    case v1::RecordOneToOneStageRequest::kExploration:
      return v1::OneToOne::EXPLORATION;
    case v1::RecordOneToOneStageRequest::kExchange:
      return v1::OneToOne::EXCHANGE;
    case v1::RecordOneToOneStageRequest::kOutcome:
      return v1::OneToOne::COMMITMENT;
    default:
      return v1::OneToOne::STAGE_UNSPECIFIED;
  }
}

absl::Status CheckStageCanBeRecorded(const v1::OneToOne& one_to_one, v1::OneToOne::Stage stage) {
  if (stage == v1::OneToOne::STAGE_UNSPECIFIED) {
    return InvalidField("stage",
                        "is required: selection, purpose, exploration, exchange or outcome");
  }
  if (one_to_one.state() == v1::OneToOne::COMPLETED) {
    return absl::FailedPreconditionError("the one-to-one is completed: its record is final");
  }
  const int next = static_cast<int>(one_to_one.last_stage()) + 1;
  if (static_cast<int>(stage) > next) {
    return absl::FailedPreconditionError(
        absl::StrCat("the ", StageLabel(stage), " stage cannot be recorded before the ",
                     StageLabel(static_cast<v1::OneToOne::Stage>(next)), " stage"));
  }
  return absl::OkStatus();
}

absl::Status RecordStage(v1::OneToOne& one_to_one, const v1::RecordOneToOneStageRequest& request,
                         const std::vector<std::string>& created_commitments, absl::Time now) {
  const v1::OneToOne::Stage stage = StageOf(request);
  RETURN_IF_ERROR(CheckStageCanBeRecorded(one_to_one, stage));
  switch (stage) {
    case v1::OneToOne::SELECTION:
      *one_to_one.mutable_selection() = request.selection();
      break;
    case v1::OneToOne::PURPOSE:
      *one_to_one.mutable_purpose() = request.purpose();
      break;
    case v1::OneToOne::EXPLORATION:
      *one_to_one.mutable_exploration() = request.exploration();
      break;
    case v1::OneToOne::EXCHANGE:
      *one_to_one.mutable_exchange() = request.exchange();
      break;
    case v1::OneToOne::COMMITMENT: {
      const std::string& reason = request.outcome().no_commitment_reason();
      if (created_commitments.empty() == IsBlank(reason)) {
        return InvalidField("outcome",
                            "must have either commitments or a no-commitment reason, not both");
      }
      v1::OneToOne::Outcome* outcome = one_to_one.mutable_outcome();
      outcome->clear_commitments();
      for (const std::string& name : created_commitments) outcome->add_commitments(name);
      outcome->set_no_commitment_reason(created_commitments.empty() ? reason : "");
      one_to_one.set_state(v1::OneToOne::COMPLETED);
      *one_to_one.mutable_complete_time() = ToProtoTimestamp(now);
      break;
    }
    default:
      break;
  }
  // Correcting an earlier stage keeps the progress already made.
  if (stage > one_to_one.last_stage()) one_to_one.set_last_stage(stage);
  return absl::OkStatus();
}

std::optional<ActorMapUpdate> ActorMapUpdateFrom(const v1::OneToOne& one_to_one) {
  ActorMapUpdate update;
  update.actor.set_name(one_to_one.counterpart_actor());
  update.actor.set_person(one_to_one.counterpart_person());
  const auto& exploration = one_to_one.exploration();
  if (!exploration.interests().empty()) {
    *update.actor.mutable_interests() = exploration.interests();
    update.update_paths.push_back("interests");
  }
  if (!exploration.resources().empty()) {
    for (int r : exploration.resources()) {
      update.actor.add_resources(static_cast<coalition::membership::v1::ActorResource>(r));
    }
    update.update_paths.push_back("resources");
  }
  if (one_to_one.selection().tie_strength() !=
      coalition::membership::v1::TIE_STRENGTH_UNSPECIFIED) {
    update.actor.set_tie_strength(one_to_one.selection().tie_strength());
    update.update_paths.push_back("tie_strength");
  }
  if (update.update_paths.empty()) return std::nullopt;
  return update;
}

}  // namespace coalition::meetings
