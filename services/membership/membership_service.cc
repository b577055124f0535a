// The service's constructor and what its resource groups share.
#include "services/membership/membership_service.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "libs/auth/api_key.h"
#include "libs/core/etag.h"
#include "libs/core/field_mask.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/resource_names.h"
#include "libs/core/status.h"
#include "libs/core/validation.h"
#include "libs/server/call_context.h"
#include "libs/server/executor.h"
#include "libs/server/standard_methods.h"
#include "libs/server/stream_budget.h"
#include "libs/storage/platform_tables.h"
#include "services/membership/access_rules.h"
#include "services/membership/api_keys.h"
#include "services/membership/child_resources.h"
#include "services/membership/domain/rules.h"
#include "services/membership/domain/validation.h"

namespace coalition::membership {
namespace {

constexpr absl::Duration kRosterTtl = absl::Minutes(5);

}  // namespace

MembershipService::MembershipService(storage::Database& db, cache::Cache& cache, const Clock& clock,
                                     std::unique_ptr<auth::Authenticator> authenticator,
                                     std::string page_token_secret)
    : db_(db),
      cache_(cache),
      clock_(clock),
      authenticator_(std::move(authenticator)),
      page_tokens_(std::move(page_token_secret), clock),
      rpc_(MembershipAccessRules(), *authenticator_) {}

absl::Status MembershipService::RequireCoalition(Session& s, const std::string& network,
                                                 const std::string& coalition) {
  ASSIGN_OR_RETURN(auto found, Coalitions::Get(s, network, coalition));
  if (!found) return NotFound(CoalitionName{network, coalition}.Name());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::Membership>> MembershipService::Roster(
    const std::string& network, const std::string& coalition) {
  ASSIGN_OR_RETURN(std::string cached,
                   cache_.GetOrLoad(RosterKey(network, coalition), kRosterTtl,
                                    [&]() -> absl::StatusOr<std::string> {
                                      v1::ListMembershipsResponse all;
                                      RETURN_IF_ERROR(db_.Read([&](Session& s) -> absl::Status {
                                        RETURN_IF_ERROR(RequireCoalition(s, network, coalition));
                                        ASSIGN_OR_RETURN(auto memberships,
                                                         Memberships::All(s, network, coalition));
                                        for (auto& m : memberships) {
                                          *all.add_memberships() = std::move(m);
                                        }
                                        return absl::OkStatus();
                                      }));
                                      return all.SerializeAsString();
                                    }));
  v1::ListMembershipsResponse all;
  if (!all.ParseFromString(cached)) return absl::DataLossError("cached roster is unreadable");
  return std::vector<v1::Membership>(all.memberships().begin(), all.memberships().end());
}

void MembershipService::DropCachedRosterOnCommit(Session& s, const std::string& network,
                                                 const std::string& coalition) {
  s.OnCommit([this, key = RosterKey(network, coalition)] { cache_.Invalidate(key); });
}

void MembershipService::DropCachedActorCountsOnCommit(Session& s, const std::string& network,
                                                      const std::string& coalition) {
  s.OnCommit([this, key = ActorCountsKey(network, coalition)] { cache_.Invalidate(key); });
}

}  // namespace coalition::membership
