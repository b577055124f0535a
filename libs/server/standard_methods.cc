#include "libs/server/standard_methods.h"

#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/core/validation.h"
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

absl::StatusOr<AuditLogPage> ListAuditLog(storage::Database& db, const PageTokenCodec& codec,
                                          absl::string_view network, absl::string_view parent,
                                          absl::string_view resource_prefix, int page_size,
                                          absl::string_view page_token) {
  FieldViolations v;
  LimitText(v, "resource_prefix", resource_prefix, 500);
  RETURN_IF_ERROR(v.ToStatus());
  const std::string query = absl::StrCat("audit|", parent, "|", resource_prefix);
  ASSIGN_OR_RETURN(storage::ListQuery q, PageOf(codec, query, page_size, page_token));
  AuditLogPage result;
  RETURN_IF_ERROR(db.Read([&](storage::Session& s) -> absl::Status {
    ASSIGN_OR_RETURN(storage::AuditPage page, storage::ListAuditEvents(s, network, resource_prefix,
                                                                       q.after_key, q.page_size));
    result.events = std::move(page.events);
    result.next_page_token = NextToken(codec, query, page.last_key);
    return absl::OkStatus();
  }));
  return result;
}

}  // namespace coalition::server
