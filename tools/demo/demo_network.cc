#include "tools/demo/demo_network.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/types/span.h"
#include "tools/demo/demo_catalog.h"
#include "tools/demo/demo_random.h"

namespace coalition::demo {
namespace {

using coalition::common::v1::Role;

constexpr int kDirectoryPeople = 252;       // created with CreatePerson
constexpr int kRosterOnlyPerCoalition = 4;  // 12 coalitions x 4 = 48 more, created by imports
constexpr int kOrganizationsPerType = 3;
constexpr int kMinRoster = 25;
constexpr int kMaxRoster = 40;
constexpr int kMinActors = 8;
constexpr int kMaxActors = 15;

std::string Fill(absl::string_view pattern, absl::string_view region, absl::string_view state) {
  return absl::StrReplaceAll(pattern, {{"{region}", region}, {"{state}", state}});
}

double RoundToTenth(double x) { return std::round(x * 10.0) / 10.0; }

const StateCatalog& StateByCode(absl::string_view code) {
  for (const StateCatalog& state : States()) {
    if (state.code == code) return state;
  }
  return States()[0];
}

v1::Network NetworkResource() {
  v1::Network network;
  network.set_display_name("Four-State Quality Innovation Network (demo)");
  for (const StateCatalog& state : States()) network.add_states(state.code);
  return network;
}

// Three organizations of each stakeholder type, each in a different state.
std::vector<v1::Organization> BuildOrganizations() {
  std::vector<v1::Organization> organizations;
  const auto templates = OrganizationTemplates();
  const auto states = States();
  for (size_t t = 0; t < templates.size(); ++t) {
    for (int k = 0; k < kOrganizationsPerType; ++k) {
      const StateCatalog& state = states[(t + k) % states.size()];
      const char* town = state.towns[(t + k) % 6];
      v1::Organization organization;
      organization.set_display_name(
          absl::StrReplaceAll(templates[t].name_patterns[k], {{"{town}", town}}));
      organization.set_stakeholder_type(templates[t].stakeholder_type);
      organization.set_state(state.code);
      organization.set_website(
          absl::StrCat("https://", Slug(organization.display_name()), ".example.org"));
      organizations.push_back(std::move(organization));
    }
  }
  return organizations;
}

// How common each stakeholder type is among the people of a quality network.
v1::StakeholderType WeightedStakeholderType(DemoRandom& random) {
  static constexpr std::pair<v1::StakeholderType, int> kWeights[] = {
      {v1::PATIENTS_AND_FAMILIES, 30},
      {v1::PHYSICIANS, 30},
      {v1::HOSPITALS, 25},
      {v1::PRACTICE_MANAGERS, 12},
      {v1::HOME_HEALTH_AGENCIES, 18},
      {v1::DISCHARGE_PLANNERS, 15},
      {v1::SOCIAL_WORKERS, 15},
      {v1::PHARMACISTS, 20},
      {v1::DIABETES_EDUCATION_CENTERS, 8},
      {v1::COMMUNITY_ORGANIZATIONS, 15},
      {v1::FAITH_BASED_ORGANIZATIONS, 12},
      {v1::LONG_TERM_SERVICES_AND_SUPPORTS, 10},
      {v1::ADVOCACY_ORGANIZATIONS, 8},
      {v1::ASSOCIATIONS, 5},
      {v1::HEALTH_PLANS, 8},
      {v1::BUSINESS_COALITIONS, 4},
      {v1::QIOS, 8},
      {v1::MEDICAL_ASSOCIATIONS, 5},
      {v1::STATE_LEGISLATURE_AND_GOVERNMENT_AGENCIES, 8},
      {v1::NON_HEALTH_ORGANIZATIONS, 6},
  };
  int total = 0;
  for (const auto& [type, weight] : kWeights) total += weight;
  int roll = random.Between(1, total);
  for (const auto& [type, weight] : kWeights) {
    if (roll <= weight) return type;
    roll -= weight;
  }
  return v1::PHYSICIANS;
}

// An organization of the given type, preferably in `state`; kNone if there is none of the type.
int OrganizationOfType(DemoRandom& random, const std::vector<v1::Organization>& organizations,
                       v1::StakeholderType type, absl::string_view state) {
  std::vector<int> of_type;
  for (size_t i = 0; i < organizations.size(); ++i) {
    if (organizations[i].stakeholder_type() != type) continue;
    if (organizations[i].state() == state) return static_cast<int>(i);
    of_type.push_back(static_cast<int>(i));
  }
  if (of_type.empty()) return kNone;
  return random.Pick(absl::MakeConstSpan(of_type));
}

// A new synthetic person; `number` makes the email unique in the network.
v1::Person NewPerson(DemoRandom& random, int number, v1::StakeholderType type,
                     absl::string_view state) {
  const std::string first = random.Pick(FirstNames());
  const std::string last = random.Pick(LastNames());
  v1::Person person;
  person.set_display_name(absl::StrCat(first, " ", last));
  person.set_email(absl::StrCat(absl::AsciiStrToLower(first), ".", absl::AsciiStrToLower(last), ".",
                                number, "@example.org"));
  // 555-0100 to 555-0199 are reserved for fiction.
  person.set_phone(absl::StrCat("+1 ", StateByCode(state).area_code, " 555 01",
                                absl::Dec(random.Between(0, 99), absl::kZeroPad2)));
  person.set_stakeholder_type(type);
  return person;
}

// The people created with CreatePerson: every stakeholder type at least once, most tied to an
// organization of their type (patients and families seldom are).
std::vector<DemoPerson> BuildDirectory(DemoRandom& random,
                                       const std::vector<v1::Organization>& organizations) {
  std::vector<DemoPerson> people;
  for (int i = 0; i < kDirectoryPeople; ++i) {
    const auto type = i < v1::StakeholderType_MAX ? static_cast<v1::StakeholderType>(i + 1)
                                                  : WeightedStakeholderType(random);
    const std::string state = random.Pick(States()).code;
    DemoPerson person;
    person.person = NewPerson(random, i + 1, type, state);
    person.person.set_state(state);
    if (random.Percent(type == v1::PATIENTS_AND_FAMILIES ? 15 : 70)) {
      person.organization = OrganizationOfType(random, organizations, type, state);
    }
    people.push_back(std::move(person));
  }
  return people;
}

std::vector<v1::MeasurableAim> BuildAims(DemoRandom& random, const Theme& theme) {
  static constexpr int kAimIndexes[] = {0, 1, 2};
  std::vector<int> picked = random.Sample(absl::MakeConstSpan(kAimIndexes), random.Between(1, 3));
  std::sort(picked.begin(), picked.end());
  std::vector<v1::MeasurableAim> aims;
  for (int i : picked) {
    const AimTemplate& t = theme.aims[i];
    const double jitter = random.Between(90, 110) / 100.0;
    v1::MeasurableAim aim;
    aim.set_metric(t.metric);
    aim.set_unit(t.unit);
    aim.set_baseline(RoundToTenth(t.baseline * jitter));
    aim.set_target(RoundToTenth(t.target * jitter));
    const double progress = random.Between(10, 85) / 100.0;
    aim.set_current_value(
        RoundToTenth(aim.baseline() + (aim.target() - aim.baseline()) * progress));
    static constexpr int kQuarterEnds[] = {3, 6, 9, 12};
    const int month = random.Pick(absl::MakeConstSpan(kQuarterEnds));
    aim.mutable_due_date()->set_year(random.Between(2026, 2027));
    aim.mutable_due_date()->set_month(month);
    aim.mutable_due_date()->set_day(month == 6 || month == 9 ? 30 : 31);
    aims.push_back(std::move(aim));
  }
  return aims;
}

// Directory people drawn mostly from the coalition's state, then the few who sign up only
// through the roster. Roles follow the order: one convener, 3-5 leadership team, 1-2 backbone
// staff, the rest members.
std::vector<RosterSeat> BuildRoster(DemoRandom& random, const CoalitionTemplate& coalition,
                                    std::vector<DemoPerson>& people) {
  std::vector<int> local;
  std::vector<int> distant;
  for (int i = 0; i < kDirectoryPeople; ++i) {
    (people[i].person.state() == coalition.state ? local : distant).push_back(i);
  }
  random.Shuffle(local);
  random.Shuffle(distant);
  const int directory_seats = random.Between(kMinRoster, kMaxRoster) - kRosterOnlyPerCoalition;
  const int from_distant = directory_seats / 8;
  local.resize(std::min(local.size(), static_cast<size_t>(directory_seats - from_distant)));
  distant.resize(std::min(distant.size(), static_cast<size_t>(from_distant)));
  std::vector<int> chosen = std::move(local);
  chosen.insert(chosen.end(), distant.begin(), distant.end());

  const int leadership = random.Between(3, 5);
  const int backbone = random.Between(1, 2);
  std::vector<RosterSeat> roster;
  for (size_t i = 0; i < chosen.size(); ++i) {
    const int n = static_cast<int>(i);
    v1::MembershipRole role = v1::MEMBER;
    if (n == 0) {
      role = v1::CONVENER;
    } else if (n <= leadership) {
      role = v1::LEADERSHIP_TEAM;
    } else if (n <= leadership + backbone) {
      role = v1::BACKBONE_STAFF;
    }
    roster.push_back({chosen[i], role});
  }
  static constexpr v1::StakeholderType kSignUpTypes[] = {
      v1::PATIENTS_AND_FAMILIES, v1::PATIENTS_AND_FAMILIES, v1::COMMUNITY_ORGANIZATIONS,
      v1::FAITH_BASED_ORGANIZATIONS};
  for (int i = 0; i < kRosterOnlyPerCoalition; ++i) {
    DemoPerson person;
    const auto type = random.Pick(absl::MakeConstSpan(kSignUpTypes));
    person.person = NewPerson(random, static_cast<int>(people.size()) + 1, type, coalition.state);
    person.roster_only = true;
    roster.push_back({static_cast<int>(people.size()), v1::MEMBER});
    people.push_back(std::move(person));
  }
  return roster;
}

// The state's QIO office as backbone staff when there is one, and one or two other
// organizations of the state as members.
std::vector<OrganizationSeat> BuildOrganizationMembers(
    DemoRandom& random, absl::string_view state,
    const std::vector<v1::Organization>& organizations) {
  std::vector<OrganizationSeat> seats;
  std::vector<int> others;
  for (size_t i = 0; i < organizations.size(); ++i) {
    if (organizations[i].state() != state) continue;
    if (organizations[i].stakeholder_type() == v1::QIOS && seats.empty()) {
      seats.push_back({static_cast<int>(i), v1::BACKBONE_STAFF});
    } else {
      others.push_back(static_cast<int>(i));
    }
  }
  for (int i : random.Sample(absl::MakeConstSpan(others), random.Between(1, 2))) {
    seats.push_back({i, v1::MEMBER});
  }
  return seats;
}

}  // namespace

std::string Slug(absl::string_view text) {
  std::string slug;
  for (char c : text) {
    if (absl::ascii_isalnum(c)) {
      slug.push_back(absl::ascii_tolower(c));
    } else if (!slug.empty() && slug.back() != '-') {
      slug.push_back('-');
    }
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  return slug;
}

std::vector<int> PeopleWithRole(const std::vector<RosterSeat>& roster, v1::MembershipRole role) {
  std::vector<int> out;
  for (const RosterSeat& seat : roster) {
    if (seat.role == role) out.push_back(seat.person);
  }
  return out;
}

std::vector<int> StayingMembers(const DemoCoalition& coalition,
                                const std::vector<DemoPerson>& people) {
  std::vector<int> out;
  for (int person : PeopleWithRole(coalition.roster, v1::MEMBER)) {
    if (people[person].roster_only) continue;
    if (std::count(coalition.leavers.begin(), coalition.leavers.end(), person) > 0) continue;
    out.push_back(person);
  }
  return out;
}

namespace {

std::vector<int> BuildLeavers(DemoRandom& random, const std::vector<RosterSeat>& roster,
                              const std::vector<DemoPerson>& people) {
  std::vector<int> members;
  for (int person : PeopleWithRole(roster, v1::MEMBER)) {
    if (!people[person].roster_only) members.push_back(person);
  }
  return random.Sample(absl::MakeConstSpan(members), random.Between(1, 3));
}

// Who or what an actor of each category can be, each used at most once per map.
struct ActorSubjects {
  std::vector<int> leaders;
  std::vector<int> members;
  std::vector<int> organizations;
  std::vector<const OutsideActorTemplate*> outside;

  static bool Take(std::vector<int>& pool, int* out) {
    if (pool.empty()) return false;
    *out = pool.back();
    pool.pop_back();
    return true;
  }
  bool TakeOutside(v1::ActorCategory category, std::string* display_name) {
    for (auto it = outside.begin(); it != outside.end(); ++it) {
      if ((*it)->category != category) continue;
      *display_name = (*it)->display_name;
      outside.erase(it);
      return true;
    }
    return false;
  }
};

ActorSubjects SubjectsFor(DemoRandom& random, const DemoCoalition& coalition,
                          const std::vector<DemoPerson>& people,
                          const std::vector<v1::Organization>& organizations) {
  ActorSubjects subjects;
  subjects.leaders = PeopleWithRole(coalition.roster, v1::LEADERSHIP_TEAM);
  random.Shuffle(subjects.leaders);
  subjects.leaders.push_back(PeopleWithRole(coalition.roster, v1::CONVENER).front());
  subjects.members = StayingMembers(coalition, people);
  random.Shuffle(subjects.members);
  for (size_t i = 0; i < organizations.size(); ++i) {
    if (organizations[i].state() == coalition.coalition.state()) {
      subjects.organizations.push_back(static_cast<int>(i));
    }
  }
  random.Shuffle(subjects.organizations);
  for (const OutsideActorTemplate& outside : OutsideActors()) subjects.outside.push_back(&outside);
  random.Shuffle(subjects.outside);
  return subjects;
}

const char* ActorNote(v1::ActorCategory category) {
  switch (category) {
    case v1::LEADERSHIP:
      return "Carries commitments every month and recruits others.";
    case v1::SUPPORTER:
      return "Offered help at the kick-off; the ask is still open.";
    case v1::COMPETITION:
      return "Runs similar work; a one-to-one could turn this into a partnership.";
    case v1::OPPOSITION:
      return "Has raised concerns in public; listen before the next push.";
    default:
      return "Mapped at the first power-mapping session; wants a say in how the aims are met.";
  }
}

// Picks the actor's subject: a person, an organization or an outside party, by what is typical
// for the category and what is left.
void ChooseActorSubject(DemoRandom& random, v1::ActorCategory category, ActorSubjects& subjects,
                        absl::string_view region, DemoActor& actor) {
  std::string outside;
  int person_chance = 0;
  int organization_chance = 0;
  switch (category) {
    case v1::LEADERSHIP:
      person_chance = 90;
      break;
    case v1::CONSTITUENT:
      person_chance = 70;
      break;
    case v1::SUPPORTER:
      organization_chance = 70;
      break;
    case v1::COMPETITION:
      organization_chance = 40;
      break;
    default:
      organization_chance = 25;
      break;
  }
  std::vector<int>& people = category == v1::LEADERSHIP ? subjects.leaders : subjects.members;
  if (random.Percent(person_chance) && ActorSubjects::Take(people, &actor.person)) return;
  if (random.Percent(organization_chance) &&
      ActorSubjects::Take(subjects.organizations, &actor.organization)) {
    return;
  }
  if (subjects.TakeOutside(category, &outside)) {
    actor.actor.set_display_name(absl::StrReplaceAll(outside, {{"{region}", region}}));
    return;
  }
  // Nothing typical left: anyone still unused will do.
  if (ActorSubjects::Take(subjects.members, &actor.person)) return;
  ActorSubjects::Take(subjects.organizations, &actor.organization);
}

DemoActor NewActor(DemoRandom& random, v1::ActorCategory category, ActorSubjects& subjects,
                   const DemoCoalition& coalition, const std::vector<DemoPerson>& people,
                   const std::vector<v1::Organization>& organizations) {
  DemoActor demo_actor;
  ChooseActorSubject(random, category, subjects, coalition.coalition.region(), demo_actor);
  v1::Actor& actor = demo_actor.actor;
  if (demo_actor.person != kNone) {
    actor.set_display_name(people[demo_actor.person].person.display_name());
  } else if (demo_actor.organization != kNone) {
    actor.set_display_name(organizations[demo_actor.organization].display_name());
  } else if (actor.display_name().empty()) {
    actor.set_display_name(
        absl::StrCat("Unnamed ", absl::AsciiStrToLower(v1::ActorCategory_Name(category))));
  }
  actor.set_category(category);
  for (const char* interest : random.Sample(InterestsOf(category), random.Between(1, 3))) {
    actor.add_interests(interest);
  }
  for (v1::ActorResource resource : random.Sample(ResourcesOf(category), random.Between(1, 3))) {
    actor.add_resources(resource);
  }
  const int strong_chance = category == v1::LEADERSHIP    ? 100
                            : category == v1::CONSTITUENT ? 60
                                                          : 25;
  actor.set_tie_strength(random.Percent(strong_chance) ? v1::STRONG : v1::WEAK);
  actor.set_influence(category == v1::LEADERSHIP ? random.Between(3, 5) : random.Between(1, 5));
  actor.set_notes(ActorNote(category));
  return demo_actor;
}

// Where one-to-ones typically move an actor.
v1::ActorCategory CategoryAfterOneToOne(v1::ActorCategory category) {
  switch (category) {
    case v1::CONSTITUENT:
    case v1::SUPPORTER:
      return v1::LEADERSHIP;
    case v1::COMPETITION:
      return v1::SUPPORTER;
    case v1::OPPOSITION:
      return v1::COMPETITION;
    default:
      return v1::ACTOR_CATEGORY_UNSPECIFIED;
  }
}

// 8-15 actors: one of each category first, so every map shows all five, then a typical mix.
// One to three of the others move category later.
std::vector<DemoActor> BuildActors(DemoRandom& random, const DemoCoalition& coalition,
                                   const std::vector<DemoPerson>& people,
                                   const std::vector<v1::Organization>& organizations) {
  static constexpr v1::ActorCategory kFirst[] = {v1::CONSTITUENT, v1::LEADERSHIP, v1::SUPPORTER,
                                                 v1::COMPETITION, v1::OPPOSITION};
  static constexpr v1::ActorCategory kMix[] = {v1::CONSTITUENT, v1::CONSTITUENT, v1::SUPPORTER,
                                               v1::SUPPORTER,   v1::LEADERSHIP,  v1::COMPETITION,
                                               v1::OPPOSITION};
  ActorSubjects subjects = SubjectsFor(random, coalition, people, organizations);
  const int count = random.Between(kMinActors, kMaxActors);
  std::vector<DemoActor> actors;
  for (int i = 0; i < count; ++i) {
    const v1::ActorCategory category = i < 5 ? kFirst[i] : random.Pick(absl::MakeConstSpan(kMix));
    actors.push_back(NewActor(random, category, subjects, coalition, people, organizations));
  }
  std::vector<int> movable;
  for (int i = 5; i < count; ++i) {
    if (CategoryAfterOneToOne(actors[i].actor.category()) != v1::ACTOR_CATEGORY_UNSPECIFIED) {
      movable.push_back(i);
    }
  }
  for (int i : random.Sample(absl::MakeConstSpan(movable), random.Between(1, 3))) {
    actors[i].later_category = CategoryAfterOneToOne(actors[i].actor.category());
  }
  return actors;
}

// Takes up to `count` people from `pool`, going round it from `*cursor`, skipping `taken`.
std::vector<int> TakeFromPool(const std::vector<int>& pool, size_t* cursor, int count,
                              absl::flat_hash_set<int>& taken) {
  std::vector<int> out;
  for (size_t tried = 0; tried < pool.size() && static_cast<int>(out.size()) < count; ++tried) {
    const int person = pool[(*cursor)++ % pool.size()];
    if (taken.insert(person).second) out.push_back(person);
  }
  return out;
}

// The leadership team at the centre (the convener and the leadership team as leads, backbone
// staff as members), 2-4 teams around it, each led by someone of the leadership team, and one
// team nested under the first of them.
std::vector<DemoTeam> BuildSnowflake(DemoRandom& random, const Theme& theme,
                                     const DemoCoalition& coalition,
                                     const std::vector<DemoPerson>& people) {
  const std::vector<int> leadership = PeopleWithRole(coalition.roster, v1::LEADERSHIP_TEAM);
  std::vector<int> pool = StayingMembers(coalition, people);
  random.Shuffle(pool);
  size_t cursor = 0;

  std::vector<DemoTeam> teams;
  DemoTeam centre{"Leadership team",
                  "Holds the organizing sentence, coaches the team leads and keeps the "
                  "coalition's commitments moving.",
                  kNone, PeopleWithRole(coalition.roster, v1::CONVENER),
                  PeopleWithRole(coalition.roster, v1::BACKBONE_STAFF)};
  centre.leads.insert(centre.leads.end(), leadership.begin(), leadership.end());
  teams.push_back(std::move(centre));

  const int around = random.Between(2, 4);
  for (int i = 0; i < around; ++i) {
    DemoTeam team{theme.teams[i].display_name, theme.teams[i].purpose, 0, {}, {}};
    absl::flat_hash_set<int> taken = {leadership[i % leadership.size()]};
    team.leads.push_back(leadership[i % leadership.size()]);
    if (random.Percent(30)) {
      for (int co_lead : TakeFromPool(pool, &cursor, 1, taken)) team.leads.push_back(co_lead);
    }
    team.members = TakeFromPool(pool, &cursor, random.Between(3, 6), taken);
    teams.push_back(std::move(team));
  }

  DemoTeam nested{theme.nested_team.display_name, theme.nested_team.purpose, 1, {}, {}};
  absl::flat_hash_set<int> taken;
  if (!teams[1].members.empty()) {
    nested.leads.push_back(teams[1].members.front());
    taken.insert(nested.leads.front());
  }
  nested.members = TakeFromPool(pool, &cursor, random.Between(2, 4), taken);
  teams.push_back(std::move(nested));
  return teams;
}

DemoCoalition BuildCoalition(DemoRandom& random, const CoalitionTemplate& t, DemoNetwork& demo,
                             bool with_rejoiner) {
  const Theme& theme = ThemeByKey(t.theme);
  DemoCoalition c;
  c.coalition.set_display_name(t.display_name);
  c.coalition.set_state(t.state);
  c.coalition.set_region(t.region);
  c.coalition.set_status(t.status);
  c.theme = t.theme;
  v1::OrganizingSentence& sentence = *c.coalition.mutable_organizing_sentence();
  sentence.set_constituency(Fill(theme.constituency, t.region, t.state));
  sentence.set_what(Fill(theme.what, t.region, t.state));
  sentence.set_urgent_challenge(Fill(theme.urgent_challenge, t.region, t.state));
  sentence.set_motivating_vision(Fill(theme.motivating_vision, t.region, t.state));
  sentence.set_plausible_path(Fill(theme.plausible_path, t.region, t.state));
  sentence.set_strategy(Fill(theme.strategy, t.region, t.state));

  c.aims = BuildAims(random, theme);
  c.roster = BuildRoster(random, t, demo.people);
  c.organization_members = BuildOrganizationMembers(random, t.state, demo.organizations);
  c.leavers = BuildLeavers(random, c.roster, demo.people);
  if (with_rejoiner && !c.leavers.empty()) c.rejoiner = c.leavers.front();
  c.actors = BuildActors(random, c, demo.people, demo.organizations);
  c.teams = BuildSnowflake(random, theme, c, demo.people);
  return c;
}

DemoApiKey NewApiKey(std::string display_name, Role role, int coalition, int person) {
  DemoApiKey key;
  key.api_key.set_display_name(std::move(display_name));
  key.api_key.set_role(role);
  key.coalition = coalition;
  key.person = person;
  return key;
}

// One key of each kind a demo needs: the network admin, the first coalition's convener, one of
// its members, and a service account for reporting.
std::vector<DemoApiKey> BuildApiKeys(const DemoNetwork& demo) {
  const DemoCoalition& first = demo.coalitions.front();
  const int convener = PeopleWithRole(first.roster, v1::CONVENER).front();
  const int member = StayingMembers(first, demo.people).front();
  std::vector<DemoApiKey> keys;
  keys.push_back(
      NewApiKey("Demo network admin", coalition::common::v1::ROLE_NETWORK_ADMIN, kNone, kNone));
  keys.push_back(NewApiKey(absl::StrCat("Demo convener: ", first.coalition.display_name()),
                           coalition::common::v1::ROLE_CONVENER, 0, convener));
  keys.push_back(NewApiKey(absl::StrCat("Demo member: ", demo.people[member].person.display_name()),
                           coalition::common::v1::ROLE_MEMBER, 0, member));
  keys.push_back(NewApiKey("Demo reporting service account",
                           coalition::common::v1::ROLE_SERVICE_ACCOUNT, kNone, kNone));
  return keys;
}

}  // namespace

DemoNetwork BuildDemoNetwork(uint32_t seed) {
  DemoRandom random(seed);
  DemoNetwork demo;
  demo.network = NetworkResource();
  demo.organizations = BuildOrganizations();
  demo.people = BuildDirectory(random, demo.organizations);
  bool first = true;
  for (const CoalitionTemplate& t : CoalitionTemplates()) {
    demo.coalitions.push_back(BuildCoalition(random, t, demo, /*with_rejoiner=*/first));
    first = false;
  }
  demo.api_keys = BuildApiKeys(demo);
  return demo;
}

}  // namespace coalition::demo
