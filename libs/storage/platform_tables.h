#ifndef COALITION_LIBS_STORAGE_PLATFORM_TABLES_H_
#define COALITION_LIBS_STORAGE_PLATFORM_TABLES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "coalition/common/v1/common.pb.h"
#include "libs/storage/database.h"

// Tables every service's store has, created by OpenDatabase: request-id records for idempotent
// creates, the audit log, and the store's own secrets.
namespace coalition::storage {

// The migration component of the tables below.
inline constexpr absl::string_view kPlatformComponent = "platform";

// The platform's own migrations, which OpenDatabase applies. Portable SQL, like every service's.
const std::vector<Migration>& PlatformMigrations();

// `network` is the network id ("n" in networks/{n}) everywhere below.

// AIP-155. Looks up a create already done under `request_id` for `method` in `network`;
// returns the name of the resource it created, or nullopt.
absl::StatusOr<std::optional<std::string>> FindRequest(Session& session, absl::string_view network,
                                                       absl::string_view method,
                                                       absl::string_view request_id);

// Records, in the same transaction as the create, that `request_id` created `resource`.
// ALREADY_EXISTS when a concurrent call recorded it first; the caller's retry then finds it.
absl::Status RecordRequest(Session& session, absl::string_view network, absl::string_view method,
                           absl::string_view request_id, absl::string_view resource,
                           absl::Time now);

// AIP-155 for a Create, inside its transaction: when `request_id` was seen for `method` in
// `network`, returns the name of the resource it created; otherwise runs `create` (which
// returns the new resource's name) and records the id with it. An empty request_id just runs
// `create`; a malformed one is INVALID_ARGUMENT on request_id. `parent` is the parent of the
// resource to create ("" for none): an id that created something under another parent is
// INVALID_ARGUMENT on request_id, so an id reused in another coalition cannot hand out that
// coalition's resource.
absl::StatusOr<std::string> CreateOnce(Session& session, absl::string_view network,
                                       absl::string_view method, absl::string_view request_id,
                                       absl::string_view parent, absl::Time now,
                                       absl::FunctionRef<absl::StatusOr<std::string>()> create);

// Appends one audit event; its name is assigned here (networks/{n}/auditEvents/{id}), and
// ids sort by event time. The event's time must be set (from the caller's injected clock).
absl::Status AppendAuditEvent(Session& session, absl::string_view network,
                              const coalition::common::v1::AuditEvent& event);

inline constexpr int kDefaultAuditPageSize = 50;
inline constexpr int kMaxAuditPageSize = 1000;

struct AuditPage {
  std::vector<coalition::common::v1::AuditEvent> events;
  std::string last_key;  // empty when there is no further page
};
// Newest first. `after_key` is the last_key of the previous page ("" for the first).
// `resource_prefix` ("" for all) keeps events on that resource and the resources under it:
// "networks/a/coalitions/b" matches ".../coalitions/b/meetings/m" but not ".../coalitions/bc".
// `page_size` <= 0 means kDefaultAuditPageSize; it is capped at kMaxAuditPageSize.
absl::StatusOr<AuditPage> ListAuditEvents(Session& session, absl::string_view network,
                                          absl::string_view resource_prefix,
                                          absl::string_view after_key, int page_size);

// A random secret of the store, made on first use and the same for every replica sharing the
// store (the page-token key). `purpose` names it.
absl::StatusOr<std::string> StoreSecret(Database& db, absl::string_view purpose);

}  // namespace coalition::storage

#endif  // COALITION_LIBS_STORAGE_PLATFORM_TABLES_H_
