#include "libs/core/resource_names.h"

#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"

namespace coalition {

std::string NetworkName::Name() const { return absl::StrCat("networks/", network); }
std::string CoalitionName::Name() const {
  return absl::StrCat("networks/", network, "/coalitions/", coalition);
}

absl::StatusOr<NetworkName> ParseNetworkName(absl::string_view name, absl::string_view field) {
  ASSIGN_OR_RETURN(auto ids, ParseResourceName("networks/{network}", name, field));
  return NetworkName{ids[0]};
}

absl::StatusOr<CoalitionName> ParseCoalitionName(absl::string_view name, absl::string_view field) {
  ASSIGN_OR_RETURN(auto ids,
                   ParseResourceName("networks/{network}/coalitions/{coalition}", name, field));
  return CoalitionName{ids[0], ids[1]};
}

absl::StatusOr<NetworkChildName> ParseNetworkChild(absl::string_view collection,
                                                   absl::string_view name,
                                                   absl::string_view field) {
  ASSIGN_OR_RETURN(
      auto ids,
      ParseResourceName(absl::StrCat("networks/{network}/", collection, "/{id}"), name, field));
  return NetworkChildName{ids[0], ids[1]};
}

absl::StatusOr<CoalitionChildName> ParseCoalitionChild(absl::string_view collection,
                                                       absl::string_view name,
                                                       absl::string_view field) {
  ASSIGN_OR_RETURN(
      auto ids, ParseResourceName(
                    absl::StrCat("networks/{network}/coalitions/{coalition}/", collection, "/{id}"),
                    name, field));
  return CoalitionChildName{ids[0], ids[1], ids[2]};
}

std::string NetworkChild(absl::string_view network, absl::string_view collection,
                         absl::string_view id) {
  return absl::StrCat("networks/", network, "/", collection, "/", id);
}

std::string CoalitionChild(absl::string_view network, absl::string_view coalition,
                           absl::string_view collection, absl::string_view id) {
  return absl::StrCat("networks/", network, "/coalitions/", coalition, "/", collection, "/", id);
}

}  // namespace coalition
