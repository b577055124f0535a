#include "libs/storage/platform_tables.h"

#include <algorithm>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "libs/core/ids.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"
#include "libs/core/validation.h"

namespace coalition::storage {
namespace {

using coalition::common::v1::AuditEvent;

constexpr size_t kSecretBytes = 32;

std::string AuditEventName(absl::string_view network, absl::string_view key) {
  return absl::StrCat("networks/", network, "/auditEvents/", key);
}

// SQL substr counts characters, in SQLite and PostgreSQL alike.
int64_t Utf8Length(absl::string_view text) {
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

}  // namespace

const std::vector<Migration>& PlatformMigrations() {
  static const auto* const kMigrations = new std::vector<Migration>{
      {1, "create request ids, audit events and store secrets",
       R"sql(
CREATE TABLE request_ids (
  network_id TEXT NOT NULL,
  method TEXT NOT NULL,
  request_id TEXT NOT NULL,
  resource TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (network_id, method, request_id)
);
CREATE TABLE audit_events (
  network_id TEXT NOT NULL,
  event_key TEXT NOT NULL,
  time_micros BIGINT NOT NULL,
  actor TEXT NOT NULL,
  actor_person TEXT NOT NULL,
  method TEXT NOT NULL,
  resource TEXT NOT NULL,
  request_id TEXT NOT NULL,
  summary TEXT NOT NULL,
  PRIMARY KEY (network_id, event_key)
);
CREATE INDEX audit_events_by_resource ON audit_events (network_id, resource, event_key);
CREATE TABLE store_secrets (
  purpose TEXT NOT NULL PRIMARY KEY,
  secret TEXT NOT NULL
);
)sql"},
  };
  return *kMigrations;
}

absl::StatusOr<std::optional<std::string>> FindRequest(Session& session, absl::string_view network,
                                                       absl::string_view method,
                                                       absl::string_view request_id) {
  ASSIGN_OR_RETURN(
      std::vector<Row> rows,
      session.Query("SELECT resource FROM request_ids "
                    "WHERE network_id = ? AND method = ? AND request_id = ?",
                    {std::string(network), std::string(method), std::string(request_id)}));
  if (rows.empty()) return std::nullopt;
  return rows[0].Text(0);
}

absl::Status RecordRequest(Session& session, absl::string_view network, absl::string_view method,
                           absl::string_view request_id, absl::string_view resource,
                           absl::Time now) {
  return session
      .Execute(
          "INSERT INTO request_ids (network_id, method, request_id, resource, created_at) "
          "VALUES (?, ?, ?, ?, ?)",
          {std::string(network), std::string(method), std::string(request_id),
           std::string(resource), ToUnixMicrosStored(now)})
      .status();
}

absl::StatusOr<std::string> CreateOnce(Session& session, absl::string_view network,
                                       absl::string_view method, absl::string_view request_id,
                                       absl::string_view parent, absl::Time now,
                                       absl::FunctionRef<absl::StatusOr<std::string>()> create) {
  FieldViolations violations;
  CheckRequestId(violations, request_id);
  RETURN_IF_ERROR(violations.ToStatus());
  if (!request_id.empty()) {
    ASSIGN_OR_RETURN(std::optional<std::string> done,
                     FindRequest(session, network, method, request_id));
    if (done) {
      if (!parent.empty() && !absl::StartsWith(*done, absl::StrCat(parent, "/"))) {
        return InvalidField("request_id", "was already used for a create under another parent");
      }
      return *std::move(done);
    }
  }
  ASSIGN_OR_RETURN(std::string created, create());
  if (!request_id.empty()) {
    RETURN_IF_ERROR(RecordRequest(session, network, method, request_id, created, now));
  }
  return created;
}

absl::Status AppendAuditEvent(Session& session, absl::string_view network,
                              const AuditEvent& event) {
  if (!event.has_time()) {
    return absl::InternalError("an audit event needs its time, from the caller's clock");
  }
  const absl::Time time = FromProtoTimestamp(event.time());
  return session
      .Execute(
          "INSERT INTO audit_events (network_id, event_key, time_micros, actor, actor_person, "
          "method, resource, request_id, summary) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {std::string(network), TimeOrderedId(time), ToUnixMicrosStored(time), event.actor(),
           event.actor_person(), event.method(), event.resource(), event.request_id(),
           event.summary()})
      .status();
}

absl::StatusOr<AuditPage> ListAuditEvents(Session& session, absl::string_view network,
                                          absl::string_view resource_prefix,
                                          absl::string_view after_key, int page_size) {
  if (page_size <= 0) page_size = kDefaultAuditPageSize;
  page_size = std::min(page_size, kMaxAuditPageSize);

  std::string sql =
      "SELECT event_key, time_micros, actor, actor_person, method, resource, request_id, summary "
      "FROM audit_events WHERE network_id = ?";
  std::vector<Value> params = {std::string(network)};
  if (!after_key.empty()) {
    sql += " AND event_key < ?";
    params.emplace_back(std::string(after_key));
  }
  absl::string_view prefix = resource_prefix;
  while (absl::ConsumeSuffix(&prefix, "/")) {
  }
  if (!prefix.empty()) {
    // substr rather than LIKE: LIKE treats "_" and "%" in names as wildcards and is
    // case-insensitive in SQLite but not in PostgreSQL. The length is cast because an integer
    // parameter is a BIGINT, and PostgreSQL's substr takes INTEGER positions.
    const std::string under = absl::StrCat(prefix, "/");
    sql += " AND (resource = ? OR substr(resource, 1, CAST(? AS INTEGER)) = ?)";
    params.emplace_back(std::string(prefix));
    params.emplace_back(Utf8Length(under));
    params.emplace_back(under);
  }
  // One row more than the page tells whether another page follows.
  sql += " ORDER BY event_key DESC LIMIT ?";
  params.emplace_back(static_cast<int64_t>(page_size) + 1);

  ASSIGN_OR_RETURN(std::vector<Row> rows, session.Query(sql, params));
  AuditPage page;
  const bool more = rows.size() > static_cast<size_t>(page_size);
  if (more) rows.erase(rows.begin() + page_size, rows.end());
  page.events.reserve(rows.size());
  for (const Row& row : rows) {
    AuditEvent& event = page.events.emplace_back();
    event.set_name(AuditEventName(network, row.Text(0)));
    *event.mutable_time() = ToProtoTimestamp(absl::FromUnixMicros(row.Int(1)));
    event.set_actor(row.Text(2));
    event.set_actor_person(row.Text(3));
    event.set_method(row.Text(4));
    event.set_resource(row.Text(5));
    event.set_request_id(row.Text(6));
    event.set_summary(row.Text(7));
  }
  if (more) page.last_key = rows.back().Text(0);
  return page;
}

absl::StatusOr<std::string> StoreSecret(Database& db, absl::string_view purpose) {
  if (purpose.empty()) return absl::InvalidArgumentError("a store secret needs a purpose");
  const std::vector<Value> key = {std::string(purpose)};
  constexpr absl::string_view kSelect = "SELECT secret FROM store_secrets WHERE purpose = ?";
  std::optional<std::string> secret;
  // Once made, the secret is only read: no write transaction (and no fsync) per call.
  RETURN_IF_ERROR(db.Read([&](Session& session) -> absl::Status {
    ASSIGN_OR_RETURN(std::vector<Row> rows, session.Query(kSelect, key));
    if (!rows.empty()) secret = rows[0].Text(0);
    return absl::OkStatus();
  }));
  if (secret.has_value()) return *secret;

  const std::string candidate = absl::BytesToHexString(RandomBytes(kSecretBytes));
  // Replicas racing to make it all end up with the one that was inserted first.
  RETURN_IF_ERROR(db.Transact([&](Session& session) -> absl::Status {
    RETURN_IF_ERROR(session
                        .Execute("INSERT INTO store_secrets (purpose, secret) VALUES (?, ?) "
                                 "ON CONFLICT (purpose) DO NOTHING",
                                 {std::string(purpose), candidate})
                        .status());
    ASSIGN_OR_RETURN(std::vector<Row> rows, session.Query(kSelect, key));
    if (rows.empty()) return absl::InternalError("store secret vanished after insert");
    secret = rows[0].Text(0);
    return absl::OkStatus();
  }));
  return *secret;
}

}  // namespace coalition::storage
