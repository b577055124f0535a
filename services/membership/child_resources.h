#ifndef COALITION_SERVICES_MEMBERSHIP_CHILD_RESOURCES_H_
#define COALITION_SERVICES_MEMBERSHIP_CHILD_RESOURCES_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "libs/core/etag.h"
#include "libs/core/status.h"
#include "libs/server/standard_methods.h"
#include "services/membership/membership_service.h"

// The resources under a coalition (aims, memberships, actors, teams) as the handler files of the
// membership service read and delete them, and the cache keys of what is computed from them.
// Included only by the service's own sources, so the names they all use are brought in here.
namespace coalition::membership {

using auth::Access;
using auth::Caller;
using server::ExistingOrNotFound;
using server::NextToken;
using server::NotFound;
using server::PageOf;
using server::StampCreated;
using storage::Session;

// Cache keys of what membership caches: a coalition's roster and its actor counts.
inline std::string RosterKey(absl::string_view network, absl::string_view coalition) {
  return absl::StrCat("roster/", network, "/", coalition);
}
inline std::string ActorCountsKey(absl::string_view network, absl::string_view coalition) {
  return absl::StrCat("actor-counts/", network, "/", coalition);
}

// A DeleteChild with nothing to check or do before the delete.
inline absl::Status NothingFirst(storage::Session&, const CoalitionChildName&) {
  return absl::OkStatus();
}

template <typename T>
absl::Status MembershipService::GetChild(const server::Call& call, const std::string& name,
                                         T* resp) {
  const CoalitionChildName parsed = call.scope().InCoalition();
  return db_.Read([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(auto stored,
                     server::ExistingOrNotFound(
                         repo_.GetChild<T>(s, parsed.network, parsed.coalition, parsed.id), name));
    *resp = std::move(stored.resource);
    return absl::OkStatus();
  });
}

template <typename T>
absl::Status MembershipService::DeleteChild(
    const server::Call& call, const std::string& name, const std::string& etag,
    absl::FunctionRef<absl::Status(storage::Session&, const CoalitionChildName&)> before) {
  const CoalitionChildName parsed = call.scope().InCoalition();
  return db_.Transact([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(auto stored,
                     server::ExistingOrNotFound(
                         repo_.GetChild<T>(s, parsed.network, parsed.coalition, parsed.id), name));
    RETURN_IF_ERROR(CheckEtag(etag, name, stored.revision));
    RETURN_IF_ERROR(before(s, parsed));
    RETURN_IF_ERROR(repo_.DeleteChild<T>(s, parsed.network, parsed.coalition, parsed.id));
    return call.Audit(s, name, "deleted", clock_.Now());
  });
}

template <typename T>
absl::StatusOr<Page<T>> MembershipService::ListChildren(
    const server::Call& call, absl::string_view collection, const std::string& parent,
    int page_size, const std::string& page_token, absl::string_view filter_key,
    const std::vector<std::pair<std::string, storage::Value>>& filters,
    std::string* next_page_token) {
  const CoalitionName name = call.scope().Coalition();
  const std::string query = absl::StrCat(collection, "|", parent, "|", filter_key);
  ASSIGN_OR_RETURN(storage::ListQuery q,
                   server::PageOf(page_tokens_, query, page_size, page_token));
  Page<T> page;
  RETURN_IF_ERROR(db_.Read([&](storage::Session& s) -> absl::Status {
    RETURN_IF_ERROR(RequireCoalition(s, name.network, name.coalition));
    ASSIGN_OR_RETURN(page, repo_.ListChildren<T>(s, name.network, name.coalition, filters, q));
    return absl::OkStatus();
  }));
  *next_page_token = server::NextToken(page_tokens_, query, page.last_key);
  return page;
}

}  // namespace coalition::membership

#endif  // COALITION_SERVICES_MEMBERSHIP_CHILD_RESOURCES_H_
