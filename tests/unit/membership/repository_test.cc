// The membership repository on every test backend (tests/unit/storage/test_backends.h): the
// network tables (coalitions, people, organizations), the coalition tables, and the searches
// and guards that are more than a table's standard statements.
#include "services/membership/repository.h"

#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "libs/core/status.h"
#include "tests/unit/storage/test_backends.h"

namespace coalition::membership {
namespace {

using storage::Database;
using storage::testing::ConformanceBackend;
using storage::testing::ConformanceBackendName;

constexpr char kNetwork[] = "n1";

using storage::testing::IsOk;

v1::Person Person(const std::string& id, const std::string& display_name,
                  const std::string& email) {
  v1::Person p;
  p.set_name(absl::StrCat("networks/", kNetwork, "/people/", id));
  p.set_display_name(display_name);
  p.set_email(email);
  p.set_stakeholder_type(v1::PATIENTS_AND_FAMILIES);
  return p;
}

std::vector<std::string> Ids(const std::vector<v1::Person>& people) {
  std::vector<std::string> ids;
  for (const auto& p : people) ids.push_back(p.name().substr(p.name().rfind('/') + 1));
  return ids;
}

class MembershipRepositoryTest : public ::testing::TestWithParam<ConformanceBackend> {
 protected:
  void SetUp() override {
    auto db = GetParam().open({});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = std::move(*db);
    ASSERT_TRUE(IsOk(db_->Migrate("membership", MembershipMigrations())));
  }

  void AddPerson(const std::string& id, const std::string& display_name, const std::string& email) {
    ASSERT_TRUE(IsOk(db_->Transact([&](storage::Session& s) {
      return People::Insert(s, kNetwork, id, Person(id, display_name, email));
    })));
  }

  std::unique_ptr<Database> db_;
  MembershipRepository repo_;
};

TEST_P(MembershipRepositoryTest, MigrationsApplyOnceAndAgainIsANoOp) {
  EXPECT_TRUE(IsOk(db_->Migrate("membership", MembershipMigrations())));
}

TEST_P(MembershipRepositoryTest, NetworkRowsRoundTripWithEtagsAndGuardedUpdates) {
  AddPerson("a", "Ana", "ana@example.org");
  ASSERT_TRUE(IsOk(db_->Transact([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(auto found, People::Get(s, kNetwork, "a"));
    EXPECT_TRUE(found.has_value());
    EXPECT_EQ(found->revision, 1);
    v1::Person changed = found->resource;
    changed.set_display_name("Ana María");
    ASSIGN_OR_RETURN(v1::Person written, People::Update(s, kNetwork, "a", changed, 1));
    EXPECT_TRUE(absl::IsAborted(People::Update(s, kNetwork, "a", changed, 1).status()));
    ASSIGN_OR_RETURN(auto again, People::GetNamed(s, changed.name()));
    EXPECT_EQ(again->revision, 2);
    EXPECT_EQ(again->resource.display_name(), "Ana María");
    EXPECT_EQ(written.etag(), again->resource.etag());
    EXPECT_NE(written.etag(), found->resource.etag());
    // Another network's row of the same id is another row.
    ASSIGN_OR_RETURN(auto elsewhere, People::Get(s, "n2", "a"));
    EXPECT_FALSE(elsewhere.has_value());
    RETURN_IF_ERROR(People::Delete(s, kNetwork, "a"));
    ASSIGN_OR_RETURN(auto gone, People::Get(s, kNetwork, "a"));
    EXPECT_FALSE(gone.has_value());
    return absl::OkStatus();
  })));
}

TEST_P(MembershipRepositoryTest, AnEmailBelongsToOnePersonOfTheNetworkWhateverItsCase) {
  AddPerson("a", "Ana", "ana@example.org");
  absl::Status second = db_->Transact([&](storage::Session& s) {
    return People::Insert(s, kNetwork, "b", Person("b", "Ann", "ANA@Example.org"));
  });
  EXPECT_TRUE(absl::IsAlreadyExists(second)) << second;
  // People without an email do not collide.
  AddPerson("c", "Cy", "");
  AddPerson("d", "Di", "");
  ASSERT_TRUE(IsOk(db_->Read([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(auto found, repo_.FindPersonByEmail(s, kNetwork, "Ana@EXAMPLE.org"));
    EXPECT_TRUE(found.has_value());
    if (found) EXPECT_EQ(found->resource.display_name(), "Ana");
    return absl::OkStatus();
  })));
}

TEST_P(MembershipRepositoryTest, NameSearchIgnoresCaseAndTakesWildcardsLiterally) {
  AddPerson("a", "Ana 100% Sure", "");
  AddPerson("b", "Anabel", "");
  AddPerson("c", "Bo_b", "");
  AddPerson("d", "Bob", "");
  ASSERT_TRUE(IsOk(db_->Read([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(auto ana, repo_.ListPeople(s, kNetwork, {"ANA"}, {}));
    EXPECT_EQ(Ids(ana.items), (std::vector<std::string>{"a", "b"}));
    ASSIGN_OR_RETURN(auto percent, repo_.ListPeople(s, kNetwork, {"0%"}, {}));
    EXPECT_EQ(Ids(percent.items), (std::vector<std::string>{"a"}));
    ASSIGN_OR_RETURN(auto underscore, repo_.ListPeople(s, kNetwork, {"o_b"}, {}));
    EXPECT_EQ(Ids(underscore.items), (std::vector<std::string>{"c"}));
    return absl::OkStatus();
  })));
}

TEST_P(MembershipRepositoryTest, PeoplePagesFollowTheIdOrderOfEveryBackend) {
  // Bytewise order: upper case before lower case, digits before letters.
  for (const char* id : {"b", "B", "a", "1", "A"}) AddPerson(id, id, "");
  std::vector<std::string> seen;
  ASSERT_TRUE(IsOk(db_->Read([&](storage::Session& s) -> absl::Status {
    storage::ListQuery q{"", 2};
    for (;;) {
      ASSIGN_OR_RETURN(auto page, repo_.ListPeople(s, kNetwork, {}, q));
      for (const std::string& id : Ids(page.items)) seen.push_back(id);
      if (page.last_key.empty()) break;
      q.after_key = page.last_key;
    }
    return absl::OkStatus();
  })));
  EXPECT_EQ(seen, (std::vector<std::string>{"1", "A", "B", "a", "b"}));
}

TEST_P(MembershipRepositoryTest, CoalitionListsKeepToAScope) {
  ASSERT_TRUE(IsOk(db_->Transact([&](storage::Session& s) -> absl::Status {
    for (const char* id : {"c1", "c2", "c3"}) {
      v1::Coalition c;
      c.set_name(absl::StrCat("networks/", kNetwork, "/coalitions/", id));
      c.set_state(std::string(id) == "c3" ? "OH" : "MI");
      c.set_status(v1::FORMING);
      RETURN_IF_ERROR(Coalitions::Insert(s, kNetwork, id, c));
    }
    return absl::OkStatus();
  })));
  ASSERT_TRUE(IsOk(db_->Read([&](storage::Session& s) -> absl::Status {
    v1::ListCoalitionsRequest all;
    const std::vector<std::string> scope = {"c2", "c3"};
    ASSIGN_OR_RETURN(auto scoped, repo_.ListCoalitions(s, kNetwork, all, &scope, {}));
    EXPECT_EQ(scoped.items.size(), 2u);
    const std::vector<std::string> none;
    ASSIGN_OR_RETURN(auto empty, repo_.ListCoalitions(s, kNetwork, all, &none, {}));
    EXPECT_TRUE(empty.items.empty());
    v1::ListCoalitionsRequest michigan;
    michigan.set_state("MI");
    ASSIGN_OR_RETURN(auto mi, repo_.ListCoalitions(s, kNetwork, michigan, &scope, {}));
    EXPECT_EQ(mi.items.size(), 1u);
    if (!mi.items.empty()) {
      EXPECT_EQ(mi.items[0].name(), absl::StrCat("networks/", kNetwork, "/coalitions/c2"));
    }
    return absl::OkStatus();
  })));
}

TEST_P(MembershipRepositoryTest, CoalitionChildrenAreFoundByTheirDerivedColumns) {
  const std::string coalition = "c1";
  const std::string person = absl::StrCat("networks/", kNetwork, "/people/p1");
  ASSERT_TRUE(IsOk(db_->Transact([&](storage::Session& s) -> absl::Status {
    v1::Membership m;
    m.set_name(absl::StrCat("networks/", kNetwork, "/coalitions/c1/memberships/m1"));
    m.set_member(person);
    m.set_state(v1::Membership::ACTIVE);
    m.set_role(v1::MEMBER);
    RETURN_IF_ERROR(Memberships::Insert(s, kNetwork, coalition, "m1", m));
    v1::Actor actor;
    actor.set_name(absl::StrCat("networks/", kNetwork, "/coalitions/c1/actors/a1"));
    actor.set_person(person);
    RETURN_IF_ERROR(Actors::Insert(s, kNetwork, coalition, "a1", actor));
    return absl::OkStatus();
  })));
  // One membership per member of a coalition (a failed statement ends its transaction).
  EXPECT_TRUE(absl::IsAlreadyExists(db_->Transact([&](storage::Session& s) {
    v1::Membership m;
    m.set_name(absl::StrCat("networks/", kNetwork, "/coalitions/c1/memberships/m2"));
    m.set_member(person);
    return Memberships::Insert(s, kNetwork, coalition, "m2", m);
  })));
  ASSERT_TRUE(IsOk(db_->Read([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(auto membership, repo_.FindMembershipOf(s, kNetwork, coalition, person));
    EXPECT_TRUE(membership.has_value());
    ASSIGN_OR_RETURN(bool has, repo_.MemberHasMemberships(s, kNetwork, person));
    EXPECT_TRUE(has);
    ASSIGN_OR_RETURN(bool mapped, repo_.IsMappedAsActor(s, kNetwork, person));
    EXPECT_TRUE(mapped);
    ASSIGN_OR_RETURN(auto actor, repo_.FindActorBySubject(s, kNetwork, coalition, person));
    EXPECT_TRUE(actor.has_value());
    ASSIGN_OR_RETURN(bool other, repo_.IsMappedAsActor(s, kNetwork, person + "x"));
    EXPECT_FALSE(other);
    return absl::OkStatus();
  })));
}

TEST_P(MembershipRepositoryTest, EveryTableLeadsItsPrimaryKeyWithTheNetwork) {
  EXPECT_TRUE(storage::testing::EveryTableLeadsWithTheNetwork(*db_));
}

INSTANTIATE_TEST_SUITE_P(Backends, MembershipRepositoryTest,
                         ::testing::ValuesIn(storage::testing::TestBackends()),
                         ConformanceBackendName);

}  // namespace
}  // namespace coalition::membership
