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
using server::CreateOnceThenGet;
using server::ExistingAtEtag;
using server::ExistingOrNotFound;
using server::ListPage;
using server::NextToken;
using server::NotFound;
using server::PageOf;
using server::Patched;
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

template <typename Table>
absl::Status MembershipService::DeleteChild(
    const server::Call& call, const std::string& etag,
    absl::FunctionRef<absl::Status(storage::Session&, const CoalitionChildName&)> before) {
  const CoalitionChildName name = call.scope().InCoalition();
  return db_.Transact([&](storage::Session& s) -> absl::Status {
    RETURN_IF_ERROR(ExistingAtEtag(Table::Get(s, name.network, name.coalition, name.id),
                                   call.scope().name, etag)
                        .status());
    RETURN_IF_ERROR(before(s, name));
    RETURN_IF_ERROR(Table::Delete(s, name.network, name.coalition, name.id));
    return call.Audit(s, call.scope().name, "deleted", clock_.Now());
  });
}

template <typename Table>
absl::StatusOr<std::vector<typename Table::T>> MembershipService::ListChildren(
    const server::Call& call, const std::string& parent, int page_size,
    const std::string& page_token, absl::string_view filter_key, const storage::Columns& filters,
    std::string* next_page_token) {
  const CoalitionName name = call.scope().Coalition();
  using T = typename Table::T;
  return ListPage<T>(
      page_tokens_, absl::StrCat(Table::kCollection, "|", parent, "|", filter_key), page_size,
      page_token,
      [&](const storage::ListQuery& q) -> absl::StatusOr<Page<T>> {
        Page<T> page;
        RETURN_IF_ERROR(db_.Read([&](storage::Session& s) -> absl::Status {
          RETURN_IF_ERROR(RequireCoalition(s, name.network, name.coalition));
          ASSIGN_OR_RETURN(page, Table::List(s, name.network, name.coalition, filters, q));
          return absl::OkStatus();
        }));
        return page;
      },
      next_page_token);
}

}  // namespace coalition::membership

#endif  // COALITION_SERVICES_MEMBERSHIP_CHILD_RESOURCES_H_
