#include "services/membership/domain/rules.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validation.h"
#include "services/membership/domain/validation.h"

namespace coalition::membership {

double AimProgress(double baseline, double target, double current_value) {
  if (target == baseline) return current_value == target ? 1.0 : 0.0;
  const double progress = (current_value - baseline) / (target - baseline);
  if (!std::isfinite(progress)) return 0.0;
  return std::clamp(progress, 0.0, 1.0);
}

namespace {
void AddEvent(v1::Membership& membership, v1::MembershipEvent::Kind kind, v1::MembershipRole role,
              absl::Time now, const std::string& note) {
  auto* event = membership.add_history();
  event->set_kind(kind);
  event->set_role(role);
  *event->mutable_time() = ToProtoTimestamp(now);
  event->set_note(note);
}
}  // namespace

void StartMembership(v1::Membership& membership, absl::Time now) {
  membership.clear_history();
  membership.set_state(v1::Membership::ACTIVE);
  *membership.mutable_join_time() = ToProtoTimestamp(now);
  AddEvent(membership, v1::MembershipEvent::JOINED, membership.role(), now, "");
}

absl::Status LeaveMembership(v1::Membership& membership, absl::Time now, const std::string& note) {
  if (membership.state() == v1::Membership::LEFT) {
    return absl::FailedPreconditionError("the member has already left this coalition");
  }
  membership.set_state(v1::Membership::LEFT);
  AddEvent(membership, v1::MembershipEvent::LEFT, membership.role(), now, note);
  return absl::OkStatus();
}

absl::Status RejoinMembership(v1::Membership& membership, v1::MembershipRole role, absl::Time now,
                              const std::string& note) {
  if (membership.state() == v1::Membership::ACTIVE) {
    return absl::FailedPreconditionError("the member is active: only a member who left can rejoin");
  }
  if (role != v1::MEMBERSHIP_ROLE_UNSPECIFIED) membership.set_role(role);
  membership.set_state(v1::Membership::ACTIVE);
  AddEvent(membership, v1::MembershipEvent::REJOINED, membership.role(), now, note);
  return absl::OkStatus();
}

absl::Status ChangeMembershipRole(v1::Membership& membership, v1::MembershipRole role,
                                  absl::Time now) {
  if (membership.state() == v1::Membership::LEFT) {
    return absl::FailedPreconditionError("the member has left: rejoin with the new role instead");
  }
  if (membership.role() == role) return absl::OkStatus();
  membership.set_role(role);
  AddEvent(membership, v1::MembershipEvent::ROLE_CHANGED, role, now, "");
  return absl::OkStatus();
}

std::optional<v1::MembershipRole> RoleAt(const v1::Membership& membership, absl::Time t) {
  std::optional<v1::MembershipRole> role;
  // History is appended in time order; the last event at or before t decides.
  for (const auto& event : membership.history()) {
    if (FromProtoTimestamp(event.time()) > t) break;
    if (event.kind() == v1::MembershipEvent::LEFT) {
      role.reset();
    } else {
      role = event.role();
    }
  }
  return role;
}

namespace {
void AddChildren(v1::SnowflakeNode& node,
                 const absl::flat_hash_map<std::string, std::vector<const v1::Team*>>& children,
                 absl::flat_hash_set<std::string>& placed) {
  auto it = children.find(node.team().name());
  if (it == children.end()) return;
  for (const v1::Team* child : it->second) {
    if (!placed.insert(child->name()).second) continue;
    v1::SnowflakeNode* out = node.add_children();
    *out->mutable_team() = *child;
    AddChildren(*out, children, placed);
  }
}
}  // namespace

v1::Snowflake BuildSnowflake(const std::vector<v1::Team>& teams) {
  v1::Snowflake snowflake;
  const v1::Team* root = nullptr;
  absl::flat_hash_map<std::string, std::vector<const v1::Team*>> children;
  for (const v1::Team& team : teams) {
    if (team.parent_team().empty()) {
      if (root == nullptr) root = &team;
    } else {
      children[team.parent_team()].push_back(&team);
    }
  }
  if (root == nullptr) return snowflake;
  for (auto& [parent, list] : children) {
    std::sort(list.begin(), list.end(), [](const v1::Team* a, const v1::Team* b) {
      return std::tie(a->display_name(), a->name()) < std::tie(b->display_name(), b->name());
    });
  }
  absl::flat_hash_set<std::string> placed = {root->name()};
  *snowflake.mutable_root()->mutable_team() = *root;
  AddChildren(*snowflake.mutable_root(), children, placed);
  return snowflake;
}

absl::Status CheckTeamPlacement(const std::vector<v1::Team>& teams, const std::string& team_name,
                                const std::string& parent_name) {
  absl::flat_hash_map<std::string, std::string> parent_of;
  for (const v1::Team& team : teams) parent_of[team.name()] = team.parent_team();
  if (parent_name.empty()) {
    for (const auto& [name, parent] : parent_of) {
      if (parent.empty() && name != team_name) {
        return InvalidField(
            "team.parent_team",
            absl::StrCat("is required: ", name, " is already the leadership team at the centre"));
      }
    }
    return absl::OkStatus();
  }
  if (!parent_of.contains(parent_name)) {
    return InvalidField("team.parent_team", "is not a team of this coalition");
  }
  // Walk up from the new parent: reaching the team itself would close a cycle.
  std::string at = parent_name;
  for (size_t steps = 0; !at.empty(); ++steps) {
    if (at == team_name || steps > parent_of.size()) {
      return InvalidField("team.parent_team", "would make the snowflake a cycle");
    }
    at = parent_of[at];
  }
  return absl::OkStatus();
}

v1::CountActorsByCategoryResponse CountActorsByCategory(const std::vector<v1::Actor>& actors) {
  v1::CountActorsByCategoryResponse response;
  const auto* descriptor = v1::ActorCategory_descriptor();
  absl::flat_hash_map<int, int> counts;
  for (const v1::Actor& actor : actors) ++counts[actor.category()];
  for (int i = 0; i < descriptor->value_count(); ++i) {
    const int number = descriptor->value(i)->number();
    if (number == v1::ACTOR_CATEGORY_UNSPECIFIED) continue;
    auto* count = response.add_counts();
    count->set_category(static_cast<v1::ActorCategory>(number));
    count->set_count(counts[number]);
  }
  response.set_total(static_cast<int>(actors.size()));
  return response;
}

v1::Actor NewActorForPerson(const v1::Person& person) {
  v1::Actor actor;
  actor.set_display_name(person.display_name());
  actor.set_person(person.name());
  actor.set_category(v1::CONSTITUENT);
  return actor;
}

int MergeActorObservation(v1::Actor& actor, const v1::RecordActorObservationRequest& observation) {
  absl::flat_hash_set<std::string> known;
  for (const std::string& interest : actor.interests()) {
    known.insert(FoldCase(absl::StripAsciiWhitespace(interest)));
  }
  int dropped = 0;
  for (const std::string& heard : observation.interests()) {
    const absl::string_view interest = absl::StripAsciiWhitespace(heard);
    if (!known.insert(FoldCase(interest)).second) continue;
    if (actor.interests_size() >= kMaxActorInterests) {
      ++dropped;
      continue;
    }
    actor.add_interests(std::string(interest));
  }
  absl::flat_hash_set<int> resources(actor.resources().begin(), actor.resources().end());
  for (int resource : observation.resources()) {
    if (resources.insert(resource).second) {
      actor.add_resources(static_cast<v1::ActorResource>(resource));
    }
  }
  if (observation.tie_strength() != v1::TIE_STRENGTH_UNSPECIFIED) {
    actor.set_tie_strength(observation.tie_strength());
  }
  return dropped;
}

}  // namespace coalition::membership
