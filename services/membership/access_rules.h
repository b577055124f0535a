#ifndef COALITION_SERVICES_MEMBERSHIP_ACCESS_RULES_H_
#define COALITION_SERVICES_MEMBERSHIP_ACCESS_RULES_H_

#include <vector>

#include "libs/server/access_rules.h"

namespace coalition::membership {

// The access rule of every MembershipService method (docs/security.md has the table in words).
const server::AccessRules& MembershipAccessRules();

// The table itself, for tests that check what AccessRules::Make makes of it.
std::vector<server::AccessRule> MembershipAccessRuleTable();

}  // namespace coalition::membership

#endif  // COALITION_SERVICES_MEMBERSHIP_ACCESS_RULES_H_
