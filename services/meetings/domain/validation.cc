#include "services/meetings/domain/validation.h"

#include <cmath>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/resource_names.h"
#include "libs/core/status.h"
#include "libs/core/validation.h"
#include "services/meetings/domain/commitments.h"

namespace coalition::meetings {
namespace {

std::string F(absl::string_view prefix, absl::string_view field) {
  return prefix.empty() ? std::string(field) : absl::StrCat(prefix, ".", field);
}

std::string At(absl::string_view field, int i) { return absl::StrCat(field, "[", i, "]"); }

template <typename Enum>
void RequireEnum(FieldViolations& v, std::string field, Enum value, bool (*is_valid)(int)) {
  if (static_cast<int>(value) == 0) {
    v.Add(std::move(field), "is required");
  } else if (!is_valid(static_cast<int>(value))) {
    v.Add(std::move(field), "is not a known value");
  }
}

void CheckDate(FieldViolations& v, const std::string& field,
               const coalition::common::v1::Date& date, bool present, bool required) {
  if (!present) {
    if (required) v.Add(field, "is required");
    return;
  }
  if (!IsValidDate(date)) v.Add(field, "must be a real calendar date");
}

void CheckTexts(FieldViolations& v, const std::string& field,
                const google::protobuf::RepeatedPtrField<std::string>& texts, int max_items) {
  const int count = LimitItems(v, field, texts.size(), max_items);
  for (int i = 0; i < count; ++i) RequireText(v, At(field, i), texts[i], kMaxNameLength);
}

void CheckWeight(FieldViolations& v, const std::string& field, double weight) {
  if (!std::isfinite(weight) || weight < 0) {
    v.Add(field, "must be a finite number, 0 or more (0 means 1)");
  }
}

}  // namespace

absl::Status ValidateMeeting(const v1::Meeting& meeting, absl::string_view network_id,
                             absl::string_view coalition_id, absl::string_view prefix) {
  FieldViolations v;
  RequireEnum(v, F(prefix, "kind"), meeting.kind(), &v1::Meeting::Kind_IsValid);
  RequireText(v, F(prefix, "display_name"), meeting.display_name(), kMaxNameLength);
  if (meeting.kind() == v1::Meeting::TEAM && meeting.team().empty()) {
    v.Add(F(prefix, "team"), "is required for a team meeting");
  }
  CheckCoalitionRef(v, F(prefix, "team"), meeting.team(), "teams", network_id, coalition_id, false);
  if (!meeting.has_start_time()) v.Add(F(prefix, "start_time"), "is required");
  if (meeting.has_end_time() && meeting.has_start_time() &&
      FromProtoTimestamp(meeting.end_time()) <= FromProtoTimestamp(meeting.start_time())) {
    v.Add(F(prefix, "end_time"), "must be after start_time");
  }
  if (meeting.place().empty() && meeting.link().empty()) {
    v.Add(F(prefix, "place"), "a place or a link is required");
  }
  LimitText(v, F(prefix, "place"), meeting.place(), kMaxNameLength);
  LimitText(v, F(prefix, "link"), meeting.link(), 2000);
  if (!meeting.link().empty() && meeting.link().rfind("https://", 0) != 0 &&
      meeting.link().rfind("http://", 0) != 0) {
    v.Add(F(prefix, "link"), "must be an http or https address");
  }
  CheckTexts(v, F(prefix, "norms"), meeting.norms(), kMaxNorms);
  const int agenda = LimitItems(v, F(prefix, "agenda"), meeting.agenda_size(), kMaxAgendaItems);
  for (int i = 0; i < agenda; ++i) {
    const v1::AgendaItem& item = meeting.agenda(i);
    const std::string field = At(F(prefix, "agenda"), i);
    RequireText(v, F(field, "title"), item.title(), kMaxNameLength);
    CheckPersonRef(v, F(field, "owner"), item.owner(), network_id, false);
    if (item.has_timebox()) {
      const absl::Duration timebox = absl::Seconds(item.timebox().seconds());
      if (timebox <= absl::ZeroDuration() || timebox > kMaxTimebox || item.timebox().nanos() != 0) {
        v.Add(F(field, "timebox"), "must be whole seconds, more than 0 and at most 8 hours");
      }
    }
    LimitText(v, F(field, "notes"), item.notes(), kMaxTextLength);
  }
  const int attendance =
      LimitItems(v, F(prefix, "attendance"), meeting.attendance_size(), kMaxAttendance);
  absl::flat_hash_set<std::string> people;
  for (int i = 0; i < attendance; ++i) {
    const std::string field = At(F(prefix, "attendance"), i);
    CheckPersonRef(v, F(field, "person"), meeting.attendance(i).person(), network_id, true);
    if (!people.insert(meeting.attendance(i).person()).second) {
      v.Add(F(field, "person"), "is listed twice");
    }
    if (!v1::Attendance::Status_IsValid(meeting.attendance(i).status())) {
      v.Add(F(field, "status"), "is not a known value");
    }
  }
  LimitText(v, F(prefix, "minutes"), meeting.minutes(), kMaxMinutesLength);
  return v.ToStatus();
}

absl::Status ValidateAttendance(const v1::RecordAttendanceRequest& request,
                                absl::string_view network_id) {
  FieldViolations v;
  if (request.attendance().empty()) v.Add("attendance", "must list at least one person");
  const int attendance = LimitItems(v, "attendance", request.attendance_size(), kMaxAttendance);
  absl::flat_hash_set<std::string> people;
  for (int i = 0; i < attendance; ++i) {
    const v1::Attendance& entry = request.attendance(i);
    const std::string field = At("attendance", i);
    CheckPersonRef(v, F(field, "person"), entry.person(), network_id, true);
    if (!people.insert(entry.person()).second) v.Add(F(field, "person"), "is listed twice");
    RequireEnum(v, F(field, "status"), entry.status(), &v1::Attendance::Status_IsValid);
    LimitText(v, F(field, "note"), entry.note(), kMaxTextLength);
  }
  return v.ToStatus();
}

absl::Status ValidateNewOneToOne(const v1::OneToOne& one_to_one, absl::string_view network_id,
                                 absl::string_view coalition_id, absl::string_view prefix) {
  FieldViolations v;
  CheckPersonRef(v, F(prefix, "organizer"), one_to_one.organizer(), network_id, true);
  const bool has_person = !one_to_one.counterpart_person().empty();
  const bool has_actor = !one_to_one.counterpart_actor().empty();
  if (has_person == has_actor) {
    v.Add(F(prefix, "counterpart_person"),
          "exactly one of counterpart_person and counterpart_actor is required");
  }
  CheckPersonRef(v, F(prefix, "counterpart_person"), one_to_one.counterpart_person(), network_id,
                 false);
  CheckCoalitionRef(v, F(prefix, "counterpart_actor"), one_to_one.counterpart_actor(), "actors",
                    network_id, coalition_id, false);
  if (has_person && one_to_one.counterpart_person() == one_to_one.organizer()) {
    v.Add(F(prefix, "counterpart_person"), "must be someone other than the organizer");
  }
  return v.ToStatus();
}

absl::Status ValidateStageRequest(const v1::RecordOneToOneStageRequest& request,
                                  absl::string_view network_id) {
  FieldViolations v;
  using Request = v1::RecordOneToOneStageRequest;
  switch (request.stage_case()) {
    case Request::kSelection: {
      const auto& s = request.selection();
      RequireText(v, "selection.why_this_person", s.why_this_person(), kMaxTextLength);
      RequireText(v, "selection.how_connected", s.how_connected(), kMaxTextLength);
      RequireEnum(v, "selection.tie_strength", s.tie_strength(),
                  &coalition::membership::v1::TieStrength_IsValid);
      break;
    }
    case Request::kPurpose:
      RequireEnum(v, "purpose.kind", request.purpose().kind(),
                  &v1::OneToOne::Purpose::Kind_IsValid);
      LimitText(v, "purpose.note", request.purpose().note(), kMaxTextLength);
      break;
    case Request::kExploration: {
      const auto& e = request.exploration();
      CheckTexts(v, "exploration.values", e.values(), kMaxListedStrings);
      CheckTexts(v, "exploration.interests", e.interests(), kMaxListedStrings);
      const int resources =
          LimitItems(v, "exploration.resources", e.resources_size(), kMaxListedStrings);
      absl::flat_hash_set<int> seen;
      for (int i = 0; i < resources; ++i) {
        const std::string field = At("exploration.resources", i);
        if (e.resources(i) == 0 ||
            !coalition::membership::v1::ActorResource_IsValid(e.resources(i))) {
          v.Add(field, "is not a known resource");
        } else if (!seen.insert(e.resources(i)).second) {
          v.Add(field, "is listed twice");
        }
      }
      if (e.values().empty() && e.interests().empty() && e.resources().empty() &&
          e.notes().empty()) {
        v.Add("exploration", "must record what was heard: values, interests, resources or notes");
      }
      LimitText(v, "exploration.notes", e.notes(), kMaxTextLength);
      break;
    }
    case Request::kExchange:
      if (request.exchange().offered().empty() && request.exchange().received().empty()) {
        v.Add("exchange", "must record what was offered or received");
      }
      LimitText(v, "exchange.offered", request.exchange().offered(), kMaxTextLength);
      LimitText(v, "exchange.received", request.exchange().received(), kMaxTextLength);
      break;
    case Request::kOutcome: {
      const auto& o = request.outcome();
      const bool has_reason =
          o.no_commitment_reason().find_first_not_of(" \t\r\n") != std::string::npos;
      if (o.commitments().empty() == !has_reason) {
        v.Add("outcome", "must have either commitments or a no-commitment reason, not both");
      }
      LimitText(v, "outcome.no_commitment_reason", o.no_commitment_reason(), kMaxTextLength);
      const int commitments =
          LimitItems(v, "outcome.commitments", o.commitments_size(), kMaxOutcomeCommitments);
      for (int i = 0; i < commitments; ++i) {
        const std::string field = At("outcome.commitments", i);
        const auto& c = o.commitments(i);
        CheckPersonRef(v, F(field, "person"), c.person(), network_id, true);
        RequireText(v, F(field, "what"), c.what(), kMaxTextLength);
        CheckDate(v, F(field, "due_date"), c.due_date(), c.has_due_date(), true);
      }
      break;
    }
    default:
      v.Add("stage", "is required: selection, purpose, exploration, exchange or outcome");
  }
  CheckRequestId(v, request.request_id());
  return v.ToStatus();
}

absl::Status ValidateCommitment(const v1::Commitment& commitment, absl::string_view network_id,
                                absl::string_view coalition_id, absl::string_view prefix) {
  FieldViolations v;
  CheckPersonRef(v, F(prefix, "person"), commitment.person(), network_id, true);
  RequireText(v, F(prefix, "what"), commitment.what(), kMaxTextLength);
  CheckDate(v, F(prefix, "due_date"), commitment.due_date(), commitment.has_due_date(), true);
  CheckCoalitionRef(v, F(prefix, "team"), commitment.team(), "teams", network_id, coalition_id,
                    false);
  const auto& source = commitment.source();
  const std::string sf = F(prefix, "source");
  RequireEnum(v, F(sf, "kind"), source.kind(), &v1::CommitmentSource::Kind_IsValid);
  switch (source.kind()) {
    case v1::CommitmentSource::MEETING:
      CheckCoalitionRef(v, F(sf, "resource"), source.resource(), "meetings", network_id,
                        coalition_id, true);
      break;
    case v1::CommitmentSource::ONE_TO_ONE:
      CheckCoalitionRef(v, F(sf, "resource"), source.resource(), "oneToOnes", network_id,
                        coalition_id, true);
      break;
    case v1::CommitmentSource::DECISION:
      CheckCoalitionRef(v, F(sf, "resource"), source.resource(), "decisions", network_id,
                        coalition_id, true);
      break;
    case v1::CommitmentSource::IMPROVEMENT_PLAN:
      // Improvement plans live under assessment events: only the coalition prefix is fixed.
      if (source.resource().rfind(
              absl::StrCat("networks/", network_id, "/coalitions/", coalition_id, "/"), 0) != 0) {
        v.Add(F(sf, "resource"), "must be an improvement plan of the same coalition");
      }
      break;
    case v1::CommitmentSource::MANUAL:
      if (!source.resource().empty()) {
        v.Add(F(sf, "resource"), "must be empty for a manual commitment");
      }
      break;
    default:
      break;
  }
  return v.ToStatus();
}

absl::Status ValidateCampaign(const v1::Campaign& campaign, absl::string_view network_id,
                              absl::string_view coalition_id, absl::string_view prefix) {
  FieldViolations v;
  RequireText(v, F(prefix, "display_name"), campaign.display_name(), kMaxNameLength);
  RequireText(v, F(prefix, "mountain_top_goal"), campaign.mountain_top_goal(), kMaxTextLength);
  CheckCoalitionRef(v, F(prefix, "aim"), campaign.aim(), "aims", network_id, coalition_id, false);
  LimitText(v, F(prefix, "strong_foundation"), campaign.strong_foundation(), kMaxTextLength);
  CheckCoalitionRef(v, F(prefix, "kick_off_meeting"), campaign.kick_off_meeting(), "meetings",
                    network_id, coalition_id, false);
  CheckCoalitionRef(v, F(prefix, "celebration_meeting"), campaign.celebration_meeting(), "meetings",
                    network_id, coalition_id, false);
  CheckDate(v, F(prefix, "celebration_date"), campaign.celebration_date(),
            campaign.has_celebration_date(), false);
  const int goals =
      LimitItems(v, F(prefix, "peak_goals"), campaign.peak_goals_size(), kMaxPeakGoals);
  absl::flat_hash_set<std::string> ids;
  for (int g = 0; g < goals; ++g) {
    const v1::PeakGoal& goal = campaign.peak_goals(g);
    const std::string gf = At(F(prefix, "peak_goals"), g);
    if (!IsValidIdSegment(goal.id())) {
      v.Add(F(gf, "id"), "must be 1-63 lowercase letters, digits and hyphens");
    } else if (!ids.insert(goal.id()).second) {
      v.Add(F(gf, "id"), "is used twice in the campaign");
    }
    RequireText(v, F(gf, "title"), goal.title(), kMaxNameLength);
    CheckDate(v, F(gf, "target_date"), goal.target_date(), goal.has_target_date(), true);
    if (g > 0 && goal.has_target_date() && campaign.peak_goals(g - 1).has_target_date() &&
        IsValidDate(goal.target_date()) && IsValidDate(campaign.peak_goals(g - 1).target_date()) &&
        ToCivilDay(goal.target_date()) < ToCivilDay(campaign.peak_goals(g - 1).target_date())) {
      v.Add(F(gf, "target_date"), "peak goals must be ordered by target date");
    }
    if (campaign.has_celebration_date() && goal.has_target_date() &&
        IsValidDate(campaign.celebration_date()) && IsValidDate(goal.target_date()) &&
        ToCivilDay(goal.target_date()) > ToCivilDay(campaign.celebration_date())) {
      v.Add(F(gf, "target_date"), "must not be after the celebration date");
    }
    CheckWeight(v, F(gf, "weight"), goal.weight());
    const int tactics = LimitItems(v, F(gf, "tactics"), goal.tactics_size(), kMaxTactics);
    for (int t = 0; t < tactics; ++t) {
      const v1::Tactic& tactic = goal.tactics(t);
      const std::string tf = At(F(gf, "tactics"), t);
      if (!IsValidIdSegment(tactic.id())) {
        v.Add(F(tf, "id"), "must be 1-63 lowercase letters, digits and hyphens");
      } else if (!ids.insert(tactic.id()).second) {
        v.Add(F(tf, "id"), "is used twice in the campaign");
      }
      RequireText(v, F(tf, "title"), tactic.title(), kMaxNameLength);
      CheckWeight(v, F(tf, "weight"), tactic.weight());
      const int linked_count =
          LimitItems(v, F(tf, "commitments"), tactic.commitments_size(), kMaxTacticCommitments);
      absl::flat_hash_set<std::string> linked;
      for (int c = 0; c < linked_count; ++c) {
        const std::string cf = At(F(tf, "commitments"), c);
        CheckCoalitionRef(v, F(cf, "commitment"), tactic.commitments(c).commitment(), "commitments",
                          network_id, coalition_id, true);
        if (!linked.insert(tactic.commitments(c).commitment()).second) {
          v.Add(F(cf, "commitment"), "is listed twice in the tactic");
        }
        CheckWeight(v, F(cf, "weight"), tactic.commitments(c).weight());
      }
    }
  }
  return v.ToStatus();
}

absl::Status ValidateAccomplishment(const v1::Accomplishment& accomplishment,
                                    absl::string_view network_id, absl::string_view coalition_id,
                                    absl::string_view prefix) {
  FieldViolations v;
  RequireText(v, F(prefix, "title"), accomplishment.title(), kMaxNameLength);
  LimitText(v, F(prefix, "description"), accomplishment.description(), kMaxTextLength);
  CheckDate(v, F(prefix, "date"), accomplishment.date(), accomplishment.has_date(), true);
  if (!accomplishment.source().empty()) {
    bool ok = false;
    for (const char* collection : {"campaigns", "commitments", "meetings"}) {
      auto parsed = ParseCoalitionChild(collection, accomplishment.source(), "source");
      ok |= parsed.ok() && parsed->network == network_id && parsed->coalition == coalition_id;
    }
    if (!ok) {
      v.Add(F(prefix, "source"), "must be a campaign, commitment or meeting of the coalition");
    }
  }
  return v.ToStatus();
}

absl::Status ValidateReportWindow(const v1::ReportWindow& window, absl::string_view prefix) {
  FieldViolations v;
  const std::string start = F(prefix, "start_date");
  const std::string end = F(prefix, "end_date");
  CheckDate(v, start, window.start_date(), window.has_start_date(), true);
  CheckDate(v, end, window.end_date(), window.has_end_date(), true);
  if (v.empty()) {
    const absl::CivilDay s = ToCivilDay(window.start_date());
    const absl::CivilDay e = ToCivilDay(window.end_date());
    if (e < s) {
      v.Add(end, "must not be before start_date");
    } else if (e - s >= kMaxReportWindowDays) {
      v.Add(end, absl::StrCat("the window must be at most ", kMaxReportWindowDays, " days"));
    }
  }
  return v.ToStatus();
}

}  // namespace coalition::meetings
