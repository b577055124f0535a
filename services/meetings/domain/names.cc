#include "services/meetings/domain/names.h"

#include "absl/strings/str_cat.h"
#include "libs/core/ids.h"
#include "libs/core/status.h"

namespace coalition::meetings {

std::string CoalitionRef::Name() const {
  return absl::StrCat("networks/", network, "/coalitions/", coalition);
}

absl::StatusOr<CoalitionRef> ParseCoalition(absl::string_view name, absl::string_view field) {
  ASSIGN_OR_RETURN(auto ids,
                   ParseResourceName("networks/{network}/coalitions/{coalition}", name, field));
  return CoalitionRef{ids[0], ids[1]};
}

absl::StatusOr<CoalitionChildRef> ParseCoalitionChild(absl::string_view collection,
                                                      absl::string_view name,
                                                      absl::string_view field) {
  ASSIGN_OR_RETURN(
      auto ids, ParseResourceName(
                    absl::StrCat("networks/{network}/coalitions/{coalition}/", collection, "/{id}"),
                    name, field));
  return CoalitionChildRef{ids[0], ids[1], ids[2]};
}

absl::StatusOr<std::string> ParseNetworkChildNetwork(absl::string_view collection,
                                                     absl::string_view name,
                                                     absl::string_view field) {
  ASSIGN_OR_RETURN(
      auto ids,
      ParseResourceName(absl::StrCat("networks/{network}/", collection, "/{id}"), name, field));
  return ids[0];
}

std::string CoalitionChild(const CoalitionRef& coalition, absl::string_view collection,
                           absl::string_view id) {
  return absl::StrCat(coalition.Name(), "/", collection, "/", id);
}

}  // namespace coalition::meetings
