#include "tools/demo/demo_loader.h"

#include <algorithm>
#include <cstdio>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace coalition::demo {
namespace {

using Stub = MembershipClient::Stub;

constexpr int kListPageSize = 500;

// Keeps the code and prefixes the message with the step that failed.
absl::Status InStep(absl::string_view step, absl::Status status) {
  if (status.ok()) return status;
  return absl::Status(status.code(), absl::StrCat(step, ": ", status.message()));
}

bool HasEvent(const v1::Membership& membership, v1::MembershipEvent::Kind kind) {
  return std::any_of(membership.history().begin(), membership.history().end(),
                     [kind](const v1::MembershipEvent& event) { return event.kind() == kind; });
}

// Why people leave coalitions, so the turnover in the demo reads like a real roster.
const char* DepartureNote(int person) {
  static constexpr const char* kNotes[] = {"moved out of the region", "changed jobs",
                                           "too many meetings this season",
                                           "caring for a family member"};
  return kNotes[person % 4];
}

void Progress(const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }

}  // namespace

void LoadSummary::Add(absl::string_view kind, int created, int unchanged) {
  auto it = std::find_if(kinds_.begin(), kinds_.end(),
                         [kind](const Counts& counts) { return counts.kind == kind; });
  if (it == kinds_.end()) it = kinds_.insert(kinds_.end(), Counts{std::string(kind), 0, 0});
  it->created += created;
  it->unchanged += unchanged;
}

int LoadSummary::total_created() const {
  int total = 0;
  for (const Counts& counts : kinds_) total += counts.created;
  return total;
}

std::string LoadSummary::ToString() const {
  std::string out = absl::StrFormat("%-32s %8s %10s\n", "", "created", "unchanged");
  for (const Counts& counts : kinds_) {
    absl::StrAppendFormat(&out, "%-32s %8d %10d\n", counts.kind, counts.created, counts.unchanged);
  }
  return out;
}

DemoLoader::DemoLoader(MembershipClient& client, const DemoNetwork& demo, uint32_t seed)
    : client_(client), demo_(demo), seed_(seed), run_start_(absl::Now()) {}

std::string DemoRequestId(uint32_t seed, absl::string_view item) {
  return absl::StrCat("demo-", seed, "-", item);
}

std::string CoalitionRequestId(uint32_t seed, int coalition, absl::string_view item, int number) {
  return DemoRequestId(seed, absl::StrCat("coalition-", coalition + 1, "-", item, "-", number));
}

// A create answered from the request-id record returns the resource as an earlier run made it.
bool CreatedSince(const google::protobuf::Timestamp& create_time, absl::Time run_start) {
  return FromProtoTimestamp(create_time) >= run_start;
}

absl::Status DemoLoader::Load() {
  RETURN_IF_ERROR(InStep("network", LoadNetwork()));
  RETURN_IF_ERROR(InStep("organizations", LoadOrganizations()));
  RETURN_IF_ERROR(InStep("people", LoadPeople()));
  for (size_t c = 0; c < demo_.coalitions.size(); ++c) {
    RETURN_IF_ERROR(LoadCoalition(static_cast<int>(c)));
  }
  return InStep("api keys", LoadApiKeys());
}

absl::Status DemoLoader::LoadNetwork() {
  v1::CreateNetworkRequest request;
  *request.mutable_network() = demo_.network;
  request.set_request_id(RequestId("network"));
  ASSIGN_OR_RETURN(v1::Network network,
                   client_.Call(&Stub::CreateNetwork, request, request.request_id()));
  names_.network = network.name();
  const bool created = IsNew(network.create_time());
  summary_.Record("networks", created);
  Progress(absl::StrCat("network ", names_.network, " \"", network.display_name(), "\"",
                        created ? " created" : " already loaded"));
  return absl::OkStatus();
}

absl::Status DemoLoader::LoadOrganizations() {
  names_.organizations.clear();
  for (size_t i = 0; i < demo_.organizations.size(); ++i) {
    v1::CreateOrganizationRequest request;
    request.set_parent(names_.network);
    *request.mutable_organization() = demo_.organizations[i];
    request.set_request_id(RequestId(absl::StrCat("organization-", i + 1)));
    ASSIGN_OR_RETURN(v1::Organization organization,
                     client_.Call(&Stub::CreateOrganization, request, request.request_id()));
    summary_.Record("organizations", IsNew(organization.create_time()));
    names_.organizations.push_back(organization.name());
  }
  Progress(absl::StrCat("organizations: ", names_.organizations.size()));
  return absl::OkStatus();
}

absl::Status DemoLoader::LoadPeople() {
  names_.people.assign(demo_.people.size(), "");
  int directory = 0;
  for (size_t i = 0; i < demo_.people.size(); ++i) {
    const DemoPerson& demo_person = demo_.people[i];
    if (demo_person.roster_only) continue;
    v1::CreatePersonRequest request;
    request.set_parent(names_.network);
    *request.mutable_person() = demo_person.person;
    if (demo_person.organization != kNone) {
      request.mutable_person()->set_organization(names_.organizations[demo_person.organization]);
    }
    request.set_request_id(RequestId(absl::StrCat("person-", i + 1)));
    ASSIGN_OR_RETURN(v1::Person person,
                     client_.Call(&Stub::CreatePerson, request, request.request_id()));
    summary_.Record("people", IsNew(person.create_time()));
    names_.people[i] = person.name();
    ++directory;
  }
  Progress(absl::StrCat("people: ", directory, " (more arrive with the rosters)"));
  return absl::OkStatus();
}

absl::Status DemoLoader::LoadCoalition(int c) {
  const DemoCoalition& coalition = demo_.coalitions[c];
  const std::string label =
      absl::StrCat("coalition ", c + 1, " \"", coalition.coalition.display_name(), "\"");
  RETURN_IF_ERROR(InStep(label, CreateCoalition(c)));
  RETURN_IF_ERROR(InStep(absl::StrCat(label, ": aims"), LoadAims(c)));
  RETURN_IF_ERROR(InStep(absl::StrCat(label, ": roster"), ImportRoster(c)));
  RETURN_IF_ERROR(
      InStep(absl::StrCat(label, ": organization members"), LoadOrganizationMemberships(c)));
  RETURN_IF_ERROR(InStep(absl::StrCat(label, ": turnover"), RecordTurnover(c)));
  RETURN_IF_ERROR(InStep(absl::StrCat(label, ": map of actors"), LoadActors(c)));
  RETURN_IF_ERROR(InStep(absl::StrCat(label, ": snowflake"), LoadSnowflake(c)));
  Progress(absl::StrFormat(
      "[%d/%d] %s (%s, %s): aims %d, roster rows %d, organization members %d, leaving %d, "
      "actors %d, teams %d",
      c + 1, demo_.coalitions.size(), coalition.coalition.display_name(),
      coalition.coalition.state(), coalition.coalition.region(), coalition.aims.size(),
      coalition.roster.size(), coalition.organization_members.size(), coalition.leavers.size(),
      coalition.actors.size(), coalition.teams.size()));
  return absl::OkStatus();
}

absl::Status DemoLoader::CreateCoalition(int c) {
  v1::CreateCoalitionRequest request;
  request.set_parent(names_.network);
  *request.mutable_coalition() = demo_.coalitions[c].coalition;
  request.set_request_id(RequestId(absl::StrCat("coalition-", c + 1)));
  ASSIGN_OR_RETURN(v1::Coalition coalition,
                   client_.Call(&Stub::CreateCoalition, request, request.request_id()));
  summary_.Record("coalitions", IsNew(coalition.create_time()));
  const size_t count = std::max(names_.coalitions.size(), static_cast<size_t>(c) + 1);
  names_.coalitions.resize(count);
  for (auto* names : {&names_.aims, &names_.actors, &names_.teams}) names->resize(count);
  names_.coalitions[c] = coalition.name();
  return absl::OkStatus();
}

absl::Status DemoLoader::LoadAims(int c) {
  const auto& aims = demo_.coalitions[c].aims;
  names_.aims[c].clear();
  for (size_t a = 0; a < aims.size(); ++a) {
    v1::CreateMeasurableAimRequest request;
    request.set_parent(names_.coalitions[c]);
    *request.mutable_aim() = aims[a];
    request.set_request_id(CoalitionRequestId(c, "aim", static_cast<int>(a) + 1));
    ASSIGN_OR_RETURN(v1::MeasurableAim aim,
                     client_.Call(&Stub::CreateMeasurableAim, request, request.request_id()));
    summary_.Record("measurable aims", IsNew(aim.create_time()));
    names_.aims[c].push_back(aim.name());
  }
  return absl::OkStatus();
}

absl::Status DemoLoader::ImportRoster(int c) {
  const DemoCoalition& coalition = demo_.coalitions[c];
  std::vector<v1::RosterRow> rows;
  int roster_only = 0;
  for (const RosterSeat& seat : coalition.roster) {
    const DemoPerson& person = demo_.people[seat.person];
    roster_only += person.roster_only ? 1 : 0;
    v1::RosterRow row;
    row.set_display_name(person.person.display_name());
    row.set_email(person.person.email());
    row.set_phone(person.person.phone());
    row.set_stakeholder_type(person.person.stakeholder_type());
    if (person.organization != kNone) {
      row.set_organization_name(demo_.organizations[person.organization].display_name());
    }
    row.set_role(seat.role);
    rows.push_back(std::move(row));
  }
  ASSIGN_OR_RETURN(
      v1::ImportRosterResponse response,
      client_.ImportRoster(names_.coalitions[c],
                           RequestId(absl::StrCat("coalition-", c + 1, "-roster")), rows));
  if (response.errors_size() > 0) {
    const auto& error = response.errors(0);
    return absl::InvalidArgumentError(
        absl::StrCat(response.errors_size(), " rows refused; row ", error.row(), ": ",
                     error.field_violations_size() > 0 ? error.field_violations(0) : "invalid"));
  }
  summary_.Add("people (from roster imports)", response.people_created(),
               std::max(0, roster_only - response.people_created()));
  summary_.Add("memberships (roster rows)", response.memberships_created(),
               response.rows_unchanged());
  return absl::OkStatus();
}

absl::Status DemoLoader::LoadOrganizationMemberships(int c) {
  const auto& seats = demo_.coalitions[c].organization_members;
  for (size_t k = 0; k < seats.size(); ++k) {
    v1::CreateMembershipRequest request;
    request.set_parent(names_.coalitions[c]);
    request.mutable_membership()->set_member(names_.organizations[seats[k].organization]);
    request.mutable_membership()->set_role(seats[k].role);
    request.set_request_id(CoalitionRequestId(c, "organization-member", static_cast<int>(k) + 1));
    ASSIGN_OR_RETURN(v1::Membership membership,
                     client_.Call(&Stub::CreateMembership, request, request.request_id()));
    summary_.Record("memberships (organizations)", IsNew(membership.create_time()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::map<std::string, v1::Membership>> DemoLoader::MembershipsByMember(int c) {
  std::map<std::string, v1::Membership> by_member;
  v1::ListMembershipsRequest request;
  request.set_parent(names_.coalitions[c]);
  request.set_page_size(kListPageSize);
  do {
    ASSIGN_OR_RETURN(v1::ListMembershipsResponse page,
                     client_.Call(&Stub::ListMemberships, request));
    for (const v1::Membership& membership : page.memberships()) {
      by_member[membership.member()] = membership;
    }
    request.set_page_token(page.next_page_token());
  } while (!request.page_token().empty());
  return by_member;
}

// Leaving and rejoining have no request id: the membership's history says whether an earlier
// run already did them.
absl::Status DemoLoader::RecordTurnover(int c) {
  const DemoCoalition& coalition = demo_.coalitions[c];
  if (coalition.leavers.empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(auto memberships, MembershipsByMember(c));
  for (int person : coalition.leavers) {
    auto it = memberships.find(names_.people[person]);
    if (it == memberships.end()) {
      return absl::InternalError(
          absl::StrCat(names_.people[person], " is not on the roster after the import"));
    }
    v1::Membership membership = it->second;
    const bool left_before = HasEvent(membership, v1::MembershipEvent::LEFT);
    if (!left_before) {
      v1::LeaveCoalitionRequest request;
      request.set_name(membership.name());
      request.set_etag(membership.etag());
      request.set_note(DepartureNote(person));
      ASSIGN_OR_RETURN(membership, client_.Call(&Stub::LeaveCoalition, request));
    }
    summary_.Record("departures", !left_before);
    if (person != coalition.rejoiner) continue;
    const bool rejoined_before = HasEvent(membership, v1::MembershipEvent::REJOINED);
    if (!rejoined_before) {
      v1::RejoinCoalitionRequest request;
      request.set_name(membership.name());
      request.set_etag(membership.etag());
      request.set_note("came back after a one-to-one with the convener");
      ASSIGN_OR_RETURN(membership, client_.Call(&Stub::RejoinCoalition, request));
    }
    summary_.Record("rejoins", !rejoined_before);
  }
  return absl::OkStatus();
}

absl::Status DemoLoader::LoadActors(int c) {
  const auto& actors = demo_.coalitions[c].actors;
  names_.actors[c].clear();
  for (size_t a = 0; a < actors.size(); ++a) {
    const DemoActor& demo_actor = actors[a];
    v1::CreateActorRequest request;
    request.set_parent(names_.coalitions[c]);
    *request.mutable_actor() = demo_actor.actor;
    if (demo_actor.person != kNone) {
      request.mutable_actor()->set_person(names_.people[demo_actor.person]);
    }
    if (demo_actor.organization != kNone) {
      request.mutable_actor()->set_organization(names_.organizations[demo_actor.organization]);
    }
    request.set_request_id(CoalitionRequestId(c, "actor", static_cast<int>(a) + 1));
    ASSIGN_OR_RETURN(v1::Actor actor,
                     client_.Call(&Stub::CreateActor, request, request.request_id()));
    summary_.Record("actors", IsNew(actor.create_time()));
    names_.actors[c].push_back(actor.name());
    if (demo_actor.later_category == v1::ACTOR_CATEGORY_UNSPECIFIED) continue;
    // The create returns the actor as it is now: already moved if an earlier run moved it.
    const bool move = actor.category() != demo_actor.later_category;
    if (move) RETURN_IF_ERROR(MoveActor(actor, demo_actor.later_category));
    summary_.Record("actor category changes", move);
  }
  return absl::OkStatus();
}

absl::Status DemoLoader::MoveActor(const v1::Actor& actor, v1::ActorCategory category) {
  v1::UpdateActorRequest request;
  request.mutable_actor()->set_name(actor.name());
  request.mutable_actor()->set_etag(actor.etag());
  request.mutable_actor()->set_category(category);
  request.mutable_update_mask()->add_paths("category");
  request.set_source("one-to-one");
  return client_.Call(&Stub::UpdateActor, request).status();
}

absl::Status DemoLoader::LoadSnowflake(int c) {
  const auto& teams = demo_.coalitions[c].teams;
  std::vector<std::string>& team_names = names_.teams[c];
  team_names.clear();
  for (size_t t = 0; t < teams.size(); ++t) {
    const DemoTeam& demo_team = teams[t];
    v1::CreateTeamRequest request;
    request.set_parent(names_.coalitions[c]);
    v1::Team& team = *request.mutable_team();
    team.set_display_name(demo_team.display_name);
    team.set_purpose(demo_team.purpose);
    if (demo_team.parent != kNone) team.set_parent_team(team_names[demo_team.parent]);
    for (int person : demo_team.leads) team.add_leads(names_.people[person]);
    for (int person : demo_team.members) team.add_members(names_.people[person]);
    request.set_request_id(CoalitionRequestId(c, "team", static_cast<int>(t) + 1));
    ASSIGN_OR_RETURN(v1::Team created,
                     client_.Call(&Stub::CreateTeam, request, request.request_id()));
    summary_.Record("teams", IsNew(created.create_time()));
    team_names.push_back(created.name());
  }
  return absl::OkStatus();
}

absl::Status DemoLoader::LoadApiKeys() {
  api_keys_.clear();
  for (size_t k = 0; k < demo_.api_keys.size(); ++k) {
    const DemoApiKey& demo_key = demo_.api_keys[k];
    v1::CreateApiKeyRequest request;
    request.set_parent(names_.network);
    *request.mutable_api_key() = demo_key.api_key;
    if (demo_key.coalition != kNone) {
      request.mutable_api_key()->add_coalitions(names_.coalitions[demo_key.coalition]);
    }
    if (demo_key.person != kNone) {
      request.mutable_api_key()->set_person(names_.people[demo_key.person]);
    }
    request.set_request_id(RequestId(absl::StrCat("api-key-", k + 1)));
    ASSIGN_OR_RETURN(v1::CreateApiKeyResponse response,
                     client_.Call(&Stub::CreateApiKey, request, request.request_id()));
    summary_.Record("api keys", !response.secret().empty());
    api_keys_.push_back({response.api_key(), response.secret()});
  }
  return absl::OkStatus();
}

}  // namespace coalition::demo
