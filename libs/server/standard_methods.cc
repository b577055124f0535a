#include "libs/server/standard_methods.h"

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/server/call_context.h"
#include "libs/storage/platform_tables.h"

namespace coalition::server {

absl::Status NotFound(absl::string_view name) {
  return absl::NotFoundError(absl::StrCat(name, " does not exist"));
}

absl::StatusOr<storage::ListQuery> PageOf(const PageTokenCodec& codec, absl::string_view query,
                                          int page_size, absl::string_view page_token) {
  storage::ListQuery q;
  ASSIGN_OR_RETURN(q.page_size, EffectivePageSize(page_size));
  ASSIGN_OR_RETURN(q.after_key, codec.Decode(query, page_token));
  return q;
}

std::string NextToken(const PageTokenCodec& codec, absl::string_view query,
                      const std::string& last_key) {
  return last_key.empty() ? "" : codec.Encode(query, last_key);
}

absl::Status AppendAudit(storage::Session& s, const grpc::ServerContextBase& ctx,
                         absl::string_view network, const AuditEntry& entry, absl::Time now) {
  coalition::common::v1::AuditEvent event;
  *event.mutable_time() = ToProtoTimestamp(now);
  event.set_actor(entry.actor);
  event.set_actor_person(entry.actor_person);
  event.set_method(entry.method);
  event.set_resource(entry.resource);
  event.set_request_id(RequestIdOf(&ctx));
  event.set_summary(entry.summary);
  return storage::AppendAuditEvent(s, network, event);
}

}  // namespace coalition::server
