// The access table of MeetingsService: one declaration per method, and none may be missing.
#include "services/meetings/access_rules.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace coalition::meetings {
namespace {

using ::testing::HasSubstr;

TEST(MeetingsAccessRulesTest, DeclaresEveryMethodOfTheService) {
  const google::protobuf::ServiceDescriptor& service = MeetingsServiceDescriptor();
  ASSERT_GT(service.method_count(), 0);
  for (int i = 0; i < service.method_count(); ++i) {
    const std::string method =
        absl::StrCat("/", service.full_name(), "/", service.method(i)->name());
    const server::AccessRule* rule = MeetingsAccessRules().Find(method);
    ASSERT_NE(rule, nullptr) << method;
    EXPECT_EQ(rule->method, service.method(i)->name());
  }
}

TEST(MeetingsAccessRulesTest, ATableWithoutAMethodIsRefusedNamingIt) {
  const google::protobuf::ServiceDescriptor& service = MeetingsServiceDescriptor();
  ASSERT_TRUE(server::AccessRules::Make(service, MeetingsRuleTable()).ok());
  for (int i = 0; i < service.method_count(); ++i) {
    const std::string missing = service.method(i)->name();
    std::vector<server::AccessRule> rules = MeetingsRuleTable();
    rules.erase(std::remove_if(rules.begin(), rules.end(),
                               [&](const server::AccessRule& r) { return r.method == missing; }),
                rules.end());
    absl::StatusOr<server::AccessRules> made = server::AccessRules::Make(service, std::move(rules));
    ASSERT_FALSE(made.ok()) << missing;
    EXPECT_EQ(made.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(made.status().message()),
                HasSubstr(absl::StrCat(missing, " has no access rule")));
  }
}

TEST(MeetingsAccessRulesTest, NoMeetingsMethodIsAnonymous) {
  for (const server::AccessRule& rule : MeetingsRuleTable()) {
    EXPECT_FALSE(rule.anonymous) << rule.method;
  }
}

}  // namespace
}  // namespace coalition::meetings
