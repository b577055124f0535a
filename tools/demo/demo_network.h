#ifndef COALITION_TOOLS_DEMO_DEMO_NETWORK_H_
#define COALITION_TOOLS_DEMO_DEMO_NETWORK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "coalition/common/v1/common.pb.h"
#include "coalition/membership/v1/resources.pb.h"

// The synthetic demo network as data, before anything is sent: the same seed always gives the
// same network. References between items are indexes, because resource names exist only once
// the server has created the resources.
namespace coalition::demo {

namespace v1 = ::coalition::membership::v1;

inline constexpr int kNone = -1;

struct DemoPerson {
  v1::Person person;  // display_name, email, phone, stakeholder_type, state
  int organization = kNone;
  // Arrives only through a coalition's roster import, which creates the person (matched by
  // email); everyone else is created first with CreatePerson.
  bool roster_only = false;
};

struct RosterSeat {
  int person;
  v1::MembershipRole role;
};

struct OrganizationSeat {
  int organization;
  v1::MembershipRole role;
};

struct DemoActor {
  v1::Actor actor;  // everything but person and organization
  int person = kNone;
  int organization = kNone;
  // Set for actors whose category changes after a one-to-one, so the map has revisions.
  v1::ActorCategory later_category = v1::ACTOR_CATEGORY_UNSPECIFIED;
};

struct DemoTeam {
  std::string display_name;
  std::string purpose;
  int parent = kNone;        // index in DemoCoalition::teams; kNone for the leadership team
  std::vector<int> leads;    // people
  std::vector<int> members;  // people
};

struct DemoCoalition {
  v1::Coalition coalition;  // display_name, state, region, status, organizing_sentence
  std::string theme;        // a Theme::key of the catalog
  std::vector<v1::MeasurableAim> aims;
  std::vector<RosterSeat> roster;  // convener first, then leadership team, backbone staff, members
  std::vector<OrganizationSeat> organization_members;
  std::vector<int> leavers;  // people who leave after joining
  int rejoiner = kNone;      // one of the leavers, who comes back
  std::vector<DemoActor> actors;
  std::vector<DemoTeam> teams;  // teams[0] is the leadership team; parents come before children
};

struct DemoApiKey {
  v1::ApiKey api_key;  // display_name and role
  int coalition = kNone;
  int person = kNone;
};

struct DemoNetwork {
  v1::Network network;  // display_name and states
  std::vector<v1::Organization> organizations;
  std::vector<DemoPerson> people;
  std::vector<DemoCoalition> coalitions;
  std::vector<DemoApiKey> api_keys;
};

// The demo network for `seed`: one four-state network, 60 organizations (three of each
// stakeholder type), 300 people, 12 coalitions with their aims, rosters, maps and snowflakes.
DemoNetwork BuildDemoNetwork(uint32_t seed);

// "Laurel Bend Home Care" -> "laurel-bend-home-care", for invented web addresses.
std::string Slug(absl::string_view text);

// The people of a roster who hold `role`, in roster order.
std::vector<int> PeopleWithRole(const std::vector<RosterSeat>& roster, v1::MembershipRole role);

// Members who stay active and whose resource names the loader knows: directory people who hold
// the member role and do not leave. Teams, person actors and commitments are drawn from them.
std::vector<int> StayingMembers(const DemoCoalition& coalition,
                                const std::vector<DemoPerson>& people);

}  // namespace coalition::demo

#endif  // COALITION_TOOLS_DEMO_DEMO_NETWORK_H_
