#ifndef COALITION_SERVICES_MEETINGS_ACCESS_RULES_H_
#define COALITION_SERVICES_MEETINGS_ACCESS_RULES_H_

#include "libs/server/access_rules.h"

namespace coalition::meetings {

// The access rule of every MeetingsService method (docs/security.md has the table in words).
const server::AccessRules& MeetingsAccessRules();

}  // namespace coalition::meetings

#endif  // COALITION_SERVICES_MEETINGS_ACCESS_RULES_H_
