#include "libs/clients/membership.h"

#include "absl/strings/str_cat.h"
#include "libs/core/resource_names.h"
#include "libs/core/status.h"

namespace coalition::clients {

absl::Status CheckPeopleNames(absl::string_view network, const std::vector<std::string>& names) {
  FieldViolations violations;
  auto parent = ParseNetworkName(network, "parent");
  if (!parent.ok()) violations.Add("parent", "must look like \"networks/{network}\"");
  for (size_t i = 0; i < names.size(); ++i) {
    const std::string field = absl::StrCat("names[", i, "]");
    auto name = ParseNetworkChild("people", names[i], field);
    if (!name.ok()) {
      violations.Add(field, "must look like \"networks/{network}/people/{person}\"");
    } else if (parent.ok() && name->network != parent->network) {
      violations.Add(field, "must be in the parent network");
    }
  }
  return violations.ToStatus();
}

}  // namespace coalition::clients
