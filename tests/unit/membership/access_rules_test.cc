// MembershipService's access table: one rule for every method, and none the mechanics accept
// without.
#include "services/membership/access_rules.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "coalition/membership/v1/membership_service.grpc.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coalition::membership {
namespace {

using ::testing::HasSubstr;
using ::testing::NotNull;

const google::protobuf::ServiceDescriptor& Service() {
  return *v1::CreateNetworkRequest::descriptor()->file()->FindServiceByName("MembershipService");
}

TEST(MembershipAccessRulesTest, EveryMethodOfTheServiceHasARule) {
  const server::AccessRules& rules = MembershipAccessRules();
  const google::protobuf::ServiceDescriptor& service = Service();
  ASSERT_GT(service.method_count(), 0);
  for (int i = 0; i < service.method_count(); ++i) {
    const std::string full_method =
        absl::StrCat("/", service.full_name(), "/", service.method(i)->name());
    EXPECT_THAT(rules.Find(full_method), NotNull()) << full_method;
  }
}

TEST(MembershipAccessRulesTest, TableWithoutAMethodIsRefused) {
  for (size_t dropped = 0; dropped < MembershipAccessRuleTable().size(); ++dropped) {
    std::vector<server::AccessRule> rules = MembershipAccessRuleTable();
    const std::string method = rules[dropped].method;
    rules.erase(rules.begin() + dropped);
    absl::StatusOr<server::AccessRules> made = server::AccessRules::Make(Service(), rules);
    ASSERT_FALSE(made.ok()) << "without " << method;
    EXPECT_THAT(std::string(made.status().message()), HasSubstr(method + " has no access rule"));
  }
}

TEST(MembershipAccessRulesTest, TheTableAsWrittenIsAccepted) {
  EXPECT_TRUE(server::AccessRules::Make(Service(), MembershipAccessRuleTable()).ok());
}

}  // namespace
}  // namespace coalition::membership
