#ifndef COALITION_LIBS_CORE_RESOURCE_NAMES_H_
#define COALITION_LIBS_CORE_RESOURCE_NAMES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

// Resource names shared by every service (AIP-122): parse them with the request field to blame,
// build them from ids.
namespace coalition {

struct NetworkName {
  std::string network;
  std::string Name() const;
};
struct CoalitionName {
  std::string network;
  std::string coalition;
  std::string Name() const;
};
// A resource directly under a network: people, organizations, apiKeys, ...
struct NetworkChildName {
  std::string network;
  std::string id;
};
// A resource directly under a coalition: aims, memberships, actors, teams.
struct CoalitionChildName {
  std::string network;
  std::string coalition;
  std::string id;
  CoalitionName Coalition() const { return {network, coalition}; }
};

absl::StatusOr<NetworkName> ParseNetworkName(absl::string_view name, absl::string_view field);
absl::StatusOr<CoalitionName> ParseCoalitionName(absl::string_view name, absl::string_view field);
// `collection` is e.g. "people"; the name is networks/{n}/{collection}/{id}.
absl::StatusOr<NetworkChildName> ParseNetworkChild(absl::string_view collection,
                                                   absl::string_view name, absl::string_view field);
// `collection` is e.g. "actors"; the name is networks/{n}/coalitions/{c}/{collection}/{id}.
absl::StatusOr<CoalitionChildName> ParseCoalitionChild(absl::string_view collection,
                                                       absl::string_view name,
                                                       absl::string_view field);

std::string NetworkChild(absl::string_view network, absl::string_view collection,
                         absl::string_view id);
std::string CoalitionChild(absl::string_view network, absl::string_view coalition,
                           absl::string_view collection, absl::string_view id);

}  // namespace coalition

#endif  // COALITION_LIBS_CORE_RESOURCE_NAMES_H_
