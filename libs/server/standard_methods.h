#ifndef COALITION_LIBS_SERVER_RESOURCE_CALLS_H_
#define COALITION_LIBS_SERVER_RESOURCE_CALLS_H_

#include <optional>
#include <string>
#include <utility>

#include <grpcpp/server_context.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/core/page_token.h"
#include "libs/core/proto_time.h"
#include "libs/storage/coalition_table.h"
#include "libs/storage/database.h"

// What every service's handlers do the same way around stored resources (AIP-131..135): not
// found errors, keyset pages with signed tokens, creation stamps and the audit event.
namespace coalition::server {

// NOT_FOUND naming the resource.
absl::Status NotFound(absl::string_view name);

// The stored resource, or NOT_FOUND naming `name`.
template <typename T>
absl::StatusOr<storage::Stored<T>> Found(absl::StatusOr<std::optional<storage::Stored<T>>> found,
                                         absl::string_view name) {
  if (!found.ok()) return found.status();
  if (!found->has_value()) return NotFound(name);
  return std::move(**found);
}

// A List call's page size and keyset position; the token is bound to `query` (the parent and
// filters), so a token from one query is refused by another.
absl::StatusOr<storage::ListQuery> PageOf(const PageTokenCodec& codec, absl::string_view query,
                                          int page_size, absl::string_view page_token);
std::string NextToken(const PageTokenCodec& codec, absl::string_view query,
                      const std::string& last_key);

// Sets the name and the create and update times of a new resource.
template <typename T>
void StampCreated(T& resource, const std::string& name, absl::Time now) {
  resource.set_name(name);
  *resource.mutable_create_time() = ToProtoTimestamp(now);
  *resource.mutable_update_time() = ToProtoTimestamp(now);
}

// Who did what, for the audit log.
struct AuditEntry {
  std::string actor;         // the caller's key
  std::string actor_person;  // the person the key acts as, if any
  std::string method;        // the full method, "coalition.x.v1.XService/CreateThing"
  std::string resource;
  std::string summary;  // never anonymous content
};

// Appends the event in the session's transaction, with the call's request id and `now`.
absl::Status AppendAudit(storage::Session& s, const grpc::ServerContextBase& ctx,
                         absl::string_view network, const AuditEntry& entry, absl::Time now);

}  // namespace coalition::server

#endif  // COALITION_LIBS_SERVER_RESOURCE_CALLS_H_
