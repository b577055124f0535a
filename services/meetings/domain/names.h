#ifndef COALITION_SERVICES_MEETINGS_DOMAIN_NAMES_H_
#define COALITION_SERVICES_MEETINGS_DOMAIN_NAMES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// Resource names the meetings service owns or refers to (AIP-122).
namespace coalition::meetings {

struct CoalitionRef {
  std::string network;
  std::string coalition;
  std::string Name() const;
};

// A resource directly under a coalition: meetings, oneToOnes, commitments, campaigns, ...
struct CoalitionChildRef {
  std::string network;
  std::string coalition;
  std::string id;
  CoalitionRef Coalition() const { return {network, coalition}; }
};

absl::StatusOr<CoalitionRef> ParseCoalition(absl::string_view name, absl::string_view field);
// `collection` is e.g. "meetings"; the name is networks/{n}/coalitions/{c}/{collection}/{id}.
absl::StatusOr<CoalitionChildRef> ParseCoalitionChild(absl::string_view collection,
                                                      absl::string_view name,
                                                      absl::string_view field);
// The network id of networks/{n}/{collection}/{id}, e.g. a person.
absl::StatusOr<std::string> ParseNetworkChildNetwork(absl::string_view collection,
                                                     absl::string_view name,
                                                     absl::string_view field);

std::string CoalitionChild(const CoalitionRef& coalition, absl::string_view collection,
                           absl::string_view id);

}  // namespace coalition::meetings

#endif  // COALITION_SERVICES_MEETINGS_DOMAIN_NAMES_H_
