#ifndef COALITION_SERVICES_MEETINGS_ACCESS_RULES_H_
#define COALITION_SERVICES_MEETINGS_ACCESS_RULES_H_

#include <vector>

#include <google/protobuf/descriptor.h>

#include "libs/server/access_rules.h"

namespace coalition::meetings {

const google::protobuf::ServiceDescriptor& MeetingsServiceDescriptor();

// The declarations MeetingsAccessRules is made of, one per method.
std::vector<server::AccessRule> MeetingsRuleTable();

// The access rule of every MeetingsService method (docs/security.md has the table in words).
const server::AccessRules& MeetingsAccessRules();

}  // namespace coalition::meetings

#endif  // COALITION_SERVICES_MEETINGS_ACCESS_RULES_H_
