// The demo network is data built from a seed: the same seed must give the same network (so a
// re-run of the loader matches what it created), and it must exercise the whole domain.
#include "tools/demo/demo_network.h"

#include <set>

#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"

namespace coalition::demo {
namespace {

TEST(DemoNetworkTest, SameSeedGivesTheSameNetwork) {
  const DemoNetwork a = BuildDemoNetwork(7);
  const DemoNetwork b = BuildDemoNetwork(7);
  ASSERT_EQ(a.people.size(), b.people.size());
  for (size_t i = 0; i < a.people.size(); ++i) {
    EXPECT_TRUE(
        google::protobuf::util::MessageDifferencer::Equals(a.people[i].person, b.people[i].person));
  }
  ASSERT_EQ(a.coalitions.size(), b.coalitions.size());
  for (size_t i = 0; i < a.coalitions.size(); ++i) {
    EXPECT_EQ(a.coalitions[i].roster.size(), b.coalitions[i].roster.size());
    EXPECT_EQ(a.coalitions[i].actors.size(), b.coalitions[i].actors.size());
  }
}

TEST(DemoNetworkTest, EmailsAndOrganizationNamesAreUnique) {
  for (uint32_t seed : {1u, 7u, 42u}) {
    const DemoNetwork network = BuildDemoNetwork(seed);
    std::set<std::string> emails;
    for (const DemoPerson& p : network.people) emails.insert(p.person.email());
    EXPECT_EQ(emails.size(), network.people.size()) << "seed " << seed;
    std::set<std::string> names;
    for (const auto& o : network.organizations) names.insert(o.display_name());
    EXPECT_EQ(names.size(), network.organizations.size()) << "seed " << seed;
  }
}

TEST(DemoNetworkTest, EveryStakeholderTypeAndActorCategoryAppears) {
  const DemoNetwork network = BuildDemoNetwork(7);
  std::set<int> person_types, organization_types;
  for (const DemoPerson& p : network.people) person_types.insert(p.person.stakeholder_type());
  for (const auto& o : network.organizations) organization_types.insert(o.stakeholder_type());
  EXPECT_EQ(person_types.size(), 20u);
  EXPECT_EQ(organization_types.size(), 20u);
  for (const DemoCoalition& c : network.coalitions) {
    std::set<int> categories;
    for (const DemoActor& a : c.actors) categories.insert(a.actor.category());
    EXPECT_EQ(categories.size(), 5u) << c.coalition.display_name();
  }
}

TEST(DemoNetworkTest, TeamPeopleAreMembersWhoStay) {
  const DemoNetwork network = BuildDemoNetwork(7);
  for (const DemoCoalition& c : network.coalitions) {
    std::set<int> roster, leavers(c.leavers.begin(), c.leavers.end());
    for (const RosterSeat& seat : c.roster) roster.insert(seat.person);
    ASSERT_FALSE(c.teams.empty());
    EXPECT_EQ(c.teams[0].parent, kNone);
    for (size_t t = 0; t < c.teams.size(); ++t) {
      if (t > 0) {
        EXPECT_LT(c.teams[t].parent, static_cast<int>(t)) << "parents come first";
      }
      for (const auto* people : {&c.teams[t].leads, &c.teams[t].members}) {
        for (int person : *people) {
          EXPECT_TRUE(roster.count(person)) << c.coalition.display_name();
          EXPECT_FALSE(leavers.count(person) && person != c.rejoiner) << c.coalition.display_name();
        }
      }
    }
  }
}

}  // namespace
}  // namespace coalition::demo
