#ifndef COALITION_LIBS_SERVER_STANDARD_METHODS_H_
#define COALITION_LIBS_SERVER_STANDARD_METHODS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/field_mask.pb.h>
#include <grpcpp/server_context.h>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "libs/core/etag.h"
#include "libs/core/field_mask.h"
#include "libs/core/page_token.h"
#include "libs/core/proto_time.h"
#include "libs/core/resource_names.h"
#include "libs/core/status.h"
#include "libs/server/access_rules.h"
#include "libs/storage/coalition_table.h"
#include "libs/storage/database.h"
#include "libs/storage/platform_tables.h"

// The mechanics of the standard methods (AIP-131..135, 155), the same in every service, so a
// handler writes only its resource's rules: NOT_FOUND for what is not there, create once per
// request id, keyset pages behind signed tokens, read-modify-write under an etag and a field
// mask, and the creation stamps (docs/architecture.md, "Standard methods").
namespace coalition::server {

// NOT_FOUND naming the resource.
absl::Status NotFound(absl::string_view name);

// The stored resource, or NOT_FOUND naming `name`.
template <typename T>
absl::StatusOr<storage::Stored<T>> ExistingOrNotFound(
    absl::StatusOr<std::optional<storage::Stored<T>>> found, absl::string_view name) {
  if (!found.ok()) return found.status();
  if (!found->has_value()) return NotFound(name);
  return std::move(**found);
}

// A Get of a resource under a coalition: the row of `Table` (a storage::CoalitionTable) that
// the call's scope names, into `resp`, or NOT_FOUND naming it as the request did.
template <typename Table>
absl::Status GetInCoalition(storage::Database& db, const Scope& scope, typename Table::T* resp) {
  const CoalitionChildName name = scope.InCoalition();
  return db.Read([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(
        auto stored,
        ExistingOrNotFound(Table::Get(s, name.network, name.coalition, name.id), scope.name));
    *resp = std::move(stored.resource);
    return absl::OkStatus();
  });
}

// What an Update or Delete acts on: the stored resource, NOT_FOUND naming `name` when there is
// none, ABORTED when `etag` is given and is not the current one.
template <typename T>
absl::StatusOr<storage::Stored<T>> ExistingAtEtag(
    absl::StatusOr<std::optional<storage::Stored<T>>> found, absl::string_view name,
    absl::string_view etag) {
  ASSIGN_OR_RETURN(storage::Stored<T> stored, ExistingOrNotFound(std::move(found), name));
  RETURN_IF_ERROR(CheckEtag(etag, name, stored.revision));
  return stored;
}

// `stored` with the fields of `patch` that `mask` names (INVALID_ARGUMENT for a path outside
// `updatable`) and its update time set to `now`: what an Update then checks and writes.
template <typename T>
absl::StatusOr<T> Patched(const T& stored, const T& patch, const google::protobuf::FieldMask& mask,
                          const std::vector<std::string>& updatable, absl::Time now) {
  T updated = stored;
  RETURN_IF_ERROR(ApplyFieldMask(patch, mask, updatable, &updated));
  *updated.mutable_update_time() = ToProtoTimestamp(now);
  return updated;
}

// A Create with a request id: `create` runs once per (network, method, request id) and returns
// the new resource's name; the answer, to the first call and to every retry, is the resource
// `get` reads under that name now.
template <typename T>
absl::StatusOr<T> CreateOnceThenGet(
    storage::Session& s, absl::string_view network, absl::string_view method,
    absl::string_view request_id, absl::string_view parent, absl::Time now,
    absl::FunctionRef<absl::StatusOr<std::string>()> create,
    absl::FunctionRef<absl::StatusOr<std::optional<storage::Stored<T>>>(const std::string&)> get) {
  ASSIGN_OR_RETURN(std::string created,
                   storage::CreateOnce(s, network, method, request_id, parent, now, create));
  ASSIGN_OR_RETURN(storage::Stored<T> stored, ExistingOrNotFound(get(created), created));
  return std::move(stored.resource);
}

// A List call's page size and keyset position; the token is bound to `query` (the parent and
// filters), so a token from one query is refused by another.
absl::StatusOr<storage::ListQuery> PageOf(const PageTokenCodec& codec, absl::string_view query,
                                          int page_size, absl::string_view page_token);
std::string NextToken(const PageTokenCodec& codec, absl::string_view query,
                      const std::string& last_key);

// One page of a List call: the position read from `page_token`, `list` reading the page, and
// the token of the next page ("" after the last).
template <typename T>
absl::StatusOr<std::vector<T>> ListPage(
    const PageTokenCodec& codec, absl::string_view query, int page_size,
    absl::string_view page_token,
    absl::FunctionRef<absl::StatusOr<storage::Page<T>>(const storage::ListQuery&)> list,
    std::string* next_page_token) {
  ASSIGN_OR_RETURN(storage::ListQuery q, PageOf(codec, query, page_size, page_token));
  ASSIGN_OR_RETURN(storage::Page<T> page, list(q));
  *next_page_token = NextToken(codec, query, page.last_key);
  return std::move(page.items);
}

// Sets the name and the create and update times of a new resource.
template <typename T>
void StampCreated(T& resource, const std::string& name, absl::Time now) {
  resource.set_name(name);
  *resource.mutable_create_time() = ToProtoTimestamp(now);
  *resource.mutable_update_time() = ToProtoTimestamp(now);
}

// A page of a network's audit log, as every service's ListAuditEvents answers it (the request
// is the same in each: parent networks/{n}, resource_prefix, page_size, page_token). Audit
// events are written through Call::Audit and Call::AuditParticipation (libs/server/rpc.h).
struct AuditLogPage {
  std::vector<coalition::common::v1::AuditEvent> events;  // newest first
  std::string next_page_token;
};
absl::StatusOr<AuditLogPage> ListAuditLog(storage::Database& db, const PageTokenCodec& codec,
                                          absl::string_view network, absl::string_view parent,
                                          absl::string_view resource_prefix, int page_size,
                                          absl::string_view page_token);

// A service's ListAuditEvents, whose request and response have the same fields in every
// service: the call's network's page of events into `resp`.
template <typename Request, typename Response>
absl::Status AnswerListAuditEvents(storage::Database& db, const PageTokenCodec& codec,
                                   absl::string_view network, const Request& req, Response* resp) {
  ASSIGN_OR_RETURN(AuditLogPage page,
                   ListAuditLog(db, codec, network, req.parent(), req.resource_prefix(),
                                req.page_size(), req.page_token()));
  for (auto& event : page.events) *resp->add_audit_events() = std::move(event);
  resp->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

}  // namespace coalition::server

#endif  // COALITION_LIBS_SERVER_STANDARD_METHODS_H_
