#include "services/meetings/repository.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "libs/core/ids.h"
#include "libs/core/proto_body.h"
#include "libs/core/proto_time.h"
#include "libs/core/status.h"

namespace coalition::meetings {
namespace {

using storage::DecodeAll;
using storage::Row;
using storage::ToPage;
using storage::Value;

// Every table leads with network_id, so a network can move to its own database or shard.
// Keys ending in "/<id>" order rows by a date or time and stay unique for keyset pages.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE meetings (
  network_id TEXT NOT NULL,
  coalition_id TEXT NOT NULL,
  id TEXT NOT NULL,
  team TEXT NOT NULL,
  kind BIGINT NOT NULL,
  state BIGINT NOT NULL,
  start_key TEXT NOT NULL,
  revision BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (network_id, coalition_id, id)
);
CREATE INDEX meetings_start ON meetings (network_id, coalition_id, start_key);
CREATE TABLE one_to_ones (
  network_id TEXT NOT NULL,
  coalition_id TEXT NOT NULL,
  id TEXT NOT NULL,
  organizer TEXT NOT NULL,
  state BIGINT NOT NULL,
  revision BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (network_id, coalition_id, id)
);
CREATE TABLE commitments (
  network_id TEXT NOT NULL,
  coalition_id TEXT NOT NULL,
  id TEXT NOT NULL,
  person TEXT NOT NULL,
  team TEXT NOT NULL,
  status BIGINT NOT NULL,
  due_key TEXT NOT NULL,
  source_kind BIGINT NOT NULL,
  source TEXT NOT NULL,
  revision BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (network_id, coalition_id, id)
);
CREATE INDEX commitments_due ON commitments (network_id, coalition_id, due_key);
CREATE INDEX commitments_status ON commitments (status, due_key);
CREATE INDEX commitments_person ON commitments (network_id, person, due_key);
CREATE INDEX commitments_source ON commitments (network_id, source);
CREATE TABLE campaigns (
  network_id TEXT NOT NULL,
  coalition_id TEXT NOT NULL,
  id TEXT NOT NULL,
  revision BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (network_id, coalition_id, id)
);
CREATE TABLE accomplishments (
  network_id TEXT NOT NULL,
  coalition_id TEXT NOT NULL,
  id TEXT NOT NULL,
  day_key TEXT NOT NULL,
  revision BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (network_id, coalition_id, id)
);
CREATE INDEX accomplishments_day ON accomplishments (network_id, coalition_id, day_key);
CREATE TABLE outbox (
  network_id TEXT NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  body TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  create_micros BIGINT NOT NULL,
  next_attempt_micros BIGINT NOT NULL,
  last_error TEXT NOT NULL,
  PRIMARY KEY (network_id, id)
);
CREATE INDEX outbox_due ON outbox (next_attempt_micros);
CREATE TABLE commitment_events (
  network_id TEXT NOT NULL,
  coalition_id TEXT NOT NULL,
  event_key TEXT NOT NULL,
  time_micros BIGINT NOT NULL,
  body TEXT NOT NULL,
  PRIMARY KEY (network_id, coalition_id, event_key)
);
CREATE INDEX commitment_events_time ON commitment_events (time_micros)
)sql";

// Version 2: commitment events are keyed by a per-coalition sequence taken under the counter
// row's lock, so a key is handed out only once the event before it has committed, and a watcher
// reading on from its last key never passes one that commits later. (Version 1 keyed them by
// time after MAX(event_key), which concurrent PostgreSQL writers could commit out of key order.)
// The feed only serves live watchers, which start from the newest key, so version 1's events
// are dropped rather than renumbered.
constexpr const char* kSchemaV2 = R"sql(
CREATE TABLE commitment_event_counters (
  network_id TEXT NOT NULL,
  coalition_id TEXT NOT NULL,
  last_seq BIGINT NOT NULL,
  PRIMARY KEY (network_id, coalition_id)
);
DELETE FROM commitment_events
)sql";

// Event keys are the sequence, zero-padded so that text order is number order.
std::string EventKey(int64_t seq) { return absl::StrFormat("%020d", seq); }

std::string DayText(absl::CivilDay day) { return absl::FormatCivilTime(day); }

// Due keys are "<yyyy-mm-dd>/<id>": every key of a day D sorts at or after "D" and before
// "D+1", so day ranges are plain key ranges.
std::string DueKey(const v1::Commitment& commitment, const std::string& id) {
  return absl::StrCat(DateToString(commitment.due_date()), "/", id);
}

std::string MicrosKey(absl::Time time) {
  return absl::StrFormat("%019d", std::max<int64_t>(absl::ToUnixMicros(time), 0));
}

void AddKeyset(std::string& sql, std::vector<Value>& params, absl::string_view column,
               const ListQuery& q) {
  if (q.after_key.empty()) return;
  absl::StrAppend(&sql, " AND ", column, " > ?");
  params.push_back(q.after_key);
}

void AddLimit(std::string& sql, std::vector<Value>& params, absl::string_view column,
              const ListQuery& q) {
  absl::StrAppend(&sql, " ORDER BY ", column, " LIMIT ?");
  params.push_back(int64_t{q.page_size + 1});
}

absl::StatusOr<OutboxMessage> DecodeOutbox(const Row& row) {
  OutboxMessage m;
  m.network_id = row.Text(0);
  m.id = row.Text(1);
  m.kind = row.Text(2);
  m.body = row.Text(3);
  m.attempts = static_cast<int>(row.Int(4));
  m.create_time = absl::FromUnixMicros(row.Int(5));
  m.next_attempt_time = absl::FromUnixMicros(row.Int(6));
  m.last_error = row.Text(7);
  return m;
}

}  // namespace

storage::Columns MeetingTraits::Columns(const v1::Meeting& meeting, const std::string& id) {
  return {
      {"team", meeting.team()},
      {"kind", int64_t{meeting.kind()}},
      {"state", int64_t{meeting.state()}},
      {"start_key", absl::StrCat(MicrosKey(FromProtoTimestamp(meeting.start_time())), "/", id)}};
}

storage::Columns OneToOneTraits::Columns(const v1::OneToOne& one_to_one, const std::string&) {
  return {{"organizer", one_to_one.organizer()}, {"state", int64_t{one_to_one.state()}}};
}

storage::Columns CommitmentTraits::Columns(const v1::Commitment& commitment,
                                           const std::string& id) {
  return {{"person", commitment.person()},
          {"team", commitment.team()},
          {"status", int64_t{commitment.status()}},
          {"due_key", DueKey(commitment, id)},
          {"source_kind", int64_t{commitment.source().kind()}},
          {"source", commitment.source().resource()}};
}

storage::Columns AccomplishmentTraits::Columns(const v1::Accomplishment& accomplishment,
                                               const std::string& id) {
  return {{"day_key", absl::StrCat(DateToString(accomplishment.date()), "/", id)}};
}

const std::vector<storage::Migration>& MeetingsMigrations() {
  static const auto* const kMigrations = new std::vector<storage::Migration>{
      {1,
       "meetings, one-to-ones, commitments, campaigns, accomplishments, outbox, commitment "
       "events",
       kSchemaV1},
      {2, "commitment events keyed by a per-coalition sequence", kSchemaV2},
  };
  return *kMigrations;
}

absl::StatusOr<std::vector<v1::Commitment>> MeetingsRepository::CommitmentsForPeriod(
    Session& s, const std::string& network, const std::string& coalition, absl::CivilDay from,
    absl::CivilDay to) {
  ASSIGN_OR_RETURN(
      auto rows,
      s.Query("SELECT revision, body FROM commitments WHERE network_id = ? AND coalition_id = ? "
              "AND ((due_key >= ? AND due_key < ?) OR (due_key < ? AND status = ?)) "
              "ORDER BY due_key",
              {network, coalition, DayText(from), DayText(to + 1), DayText(from),
               int64_t{v1::Commitment::OPEN}}));
  return DecodeAll<v1::Commitment>(rows);
}

absl::StatusOr<Page<v1::Commitment>> MeetingsRepository::OpenCommitmentsDueBy(
    Session& s, const std::string& network, const std::string& coalition,
    std::optional<absl::CivilDay> from, absl::CivilDay to, const ListQuery& q) {
  std::string sql =
      "SELECT revision, body, due_key FROM commitments WHERE network_id = ? AND coalition_id = ? "
      "AND status = ? AND due_key < ?";
  std::vector<Value> params = {network, coalition, int64_t{v1::Commitment::OPEN}, DayText(to + 1)};
  if (from) {
    sql += " AND due_key >= ?";
    params.push_back(DayText(*from));
  }
  AddKeyset(sql, params, "due_key", q);
  AddLimit(sql, params, "due_key", q);
  ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
  return ToPage<v1::Commitment>(rows, q.page_size);
}

absl::StatusOr<Page<v1::Commitment>> MeetingsRepository::PersonCommitments(
    Session& s, const std::string& network, const std::string& person,
    v1::Commitment::Status status, const std::vector<std::string>* coalitions, const ListQuery& q) {
  std::string sql =
      "SELECT revision, body, due_key FROM commitments WHERE network_id = ? AND person = ?";
  std::vector<Value> params = {network, person};
  if (status != v1::Commitment::STATUS_UNSPECIFIED) {
    sql += " AND status = ?";
    params.push_back(int64_t{status});
  }
  if (coalitions != nullptr) {
    if (coalitions->empty()) return Page<v1::Commitment>();
    sql += " AND coalition_id IN (";
    for (size_t i = 0; i < coalitions->size(); ++i) {
      sql += i == 0 ? "?" : ", ?";
      params.push_back((*coalitions)[i]);
    }
    sql += ")";
  }
  AddKeyset(sql, params, "due_key", q);
  AddLimit(sql, params, "due_key", q);
  ASSIGN_OR_RETURN(auto rows, s.Query(sql, params));
  return ToPage<v1::Commitment>(rows, q.page_size);
}

absl::StatusOr<std::vector<v1::Commitment>> MeetingsRepository::OpenCommitmentsOfNetwork(
    Session& s, const std::string& network) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT revision, body FROM commitments "
                                      "WHERE status = ? AND network_id = ? ORDER BY person",
                                      {int64_t{v1::Commitment::OPEN}, network}));
  return DecodeAll<v1::Commitment>(rows);
}

absl::StatusOr<int64_t> MeetingsRepository::CountCommitmentsFrom(Session& s,
                                                                 const std::string& network,
                                                                 const std::string& source) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT COUNT(*) FROM commitments "
                                      "WHERE network_id = ? AND source = ?",
                                      {network, source}));
  return rows.empty() ? 0 : rows[0].Int(0);
}

absl::StatusOr<CommitmentCounts> MeetingsRepository::CountCommitments(Session& s,
                                                                      absl::CivilDay today) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT COUNT(*), "
                                      "SUM(CASE WHEN due_key < ? THEN 1 ELSE 0 END) "
                                      "FROM commitments WHERE status = ?",
                                      {DayText(today), int64_t{v1::Commitment::OPEN}}));
  CommitmentCounts counts;
  if (!rows.empty()) {
    counts.open = rows[0].Int(0);
    counts.overdue = rows[0].Int(1);
  }
  return counts;
}

absl::StatusOr<std::vector<v1::Meeting>> MeetingsRepository::MeetingsStartedBetween(
    Session& s, const std::string& network, const std::string& coalition, absl::Time from,
    absl::Time to) {
  ASSIGN_OR_RETURN(
      auto rows,
      s.Query("SELECT revision, body FROM meetings WHERE network_id = ? AND coalition_id = ? "
              "AND start_key >= ? AND start_key < ? AND state = ? ORDER BY start_key",
              {network, coalition, MicrosKey(from), MicrosKey(to), int64_t{v1::Meeting::CLOSED}}));
  return DecodeAll<v1::Meeting>(rows);
}

absl::StatusOr<std::vector<v1::Meeting>> MeetingsRepository::PreviousMeetingOf(
    Session& s, const std::string& network, const std::string& coalition, const std::string& id,
    const v1::Meeting& meeting) {
  ASSIGN_OR_RETURN(
      auto rows,
      s.Query("SELECT revision, body FROM meetings WHERE network_id = ? AND coalition_id = ? "
              "AND team = ? AND state <> ? AND start_key < ? AND id <> ? "
              "ORDER BY start_key DESC LIMIT 1",
              {network, coalition, meeting.team(), int64_t{v1::Meeting::CANCELLED},
               MicrosKey(FromProtoTimestamp(meeting.start_time())), id}));
  return DecodeAll<v1::Meeting>(rows);
}

absl::Status MeetingsRepository::EnqueueOutbox(Session& s, const OutboxMessage& m) {
  return s
      .Execute(
          "INSERT INTO outbox (network_id, id, kind, body, attempts, create_micros, "
          "next_attempt_micros, last_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
          {m.network_id, m.id, m.kind, m.body, int64_t{m.attempts},
           absl::ToUnixMicros(m.create_time), absl::ToUnixMicros(m.next_attempt_time),
           m.last_error})
      .status();
}

absl::StatusOr<std::vector<OutboxMessage>> MeetingsRepository::DueOutbox(Session& s, absl::Time now,
                                                                         int limit) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT network_id, id, kind, body, attempts, "
                                      "create_micros, next_attempt_micros, last_error "
                                      "FROM outbox WHERE next_attempt_micros <= ? "
                                      "ORDER BY next_attempt_micros, id LIMIT ?",
                                      {absl::ToUnixMicros(now), int64_t{limit}}));
  std::vector<OutboxMessage> out;
  for (const Row& row : rows) {
    ASSIGN_OR_RETURN(OutboxMessage m, DecodeOutbox(row));
    out.push_back(std::move(m));
  }
  return out;
}

absl::Status MeetingsRepository::DeleteOutbox(Session& s, const std::string& network,
                                              const std::string& id) {
  return s.Execute("DELETE FROM outbox WHERE network_id = ? AND id = ?", {network, id}).status();
}

absl::Status MeetingsRepository::RescheduleOutbox(Session& s, const OutboxMessage& m) {
  return s
      .Execute(
          "UPDATE outbox SET attempts = ?, next_attempt_micros = ?, last_error = ? "
          "WHERE network_id = ? AND id = ?",
          {int64_t{m.attempts}, absl::ToUnixMicros(m.next_attempt_time), m.last_error, m.network_id,
           m.id})
      .status();
}

absl::StatusOr<OutboxBacklog> MeetingsRepository::Backlog(Session& s) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT COUNT(*), MIN(create_micros) FROM outbox"));
  OutboxBacklog backlog;
  if (!rows.empty()) {
    backlog.count = rows[0].Int(0);
    if (backlog.count > 0) backlog.oldest = absl::FromUnixMicros(rows[0].Int(1));
  }
  return backlog;
}

absl::Status MeetingsRepository::AppendCommitmentEvent(Session& s, const std::string& network,
                                                       const std::string& coalition,
                                                       const v1::CommitmentEvent& event) {
  // The upsert takes the counter row's lock until commit: a concurrent writer waits for it
  // (and, under PostgreSQL's serializable isolation, is retried after it), so keys commit in
  // order.
  ASSIGN_OR_RETURN(auto rows,
                   s.Query("INSERT INTO commitment_event_counters (network_id, coalition_id, "
                           "last_seq) VALUES (?, ?, 1) ON CONFLICT (network_id, coalition_id) "
                           "DO UPDATE SET last_seq = commitment_event_counters.last_seq + 1 "
                           "RETURNING last_seq",
                           {network, coalition}));
  if (rows.size() != 1) return absl::InternalError("the event counter returned no sequence");
  return s
      .Execute(
          "INSERT INTO commitment_events (network_id, coalition_id, event_key, time_micros, "
          "body) VALUES (?, ?, ?, ?, ?)",
          {network, coalition, EventKey(rows[0].Int(0)),
           absl::ToUnixMicros(FromProtoTimestamp(event.time())), EncodeBody(event)})
      .status();
}

absl::StatusOr<MeetingsRepository::EventBatch> MeetingsRepository::CommitmentEventsAfter(
    Session& s, const std::string& network, const std::string& coalition,
    const std::string& after_key, int limit) {
  ASSIGN_OR_RETURN(auto rows,
                   s.Query("SELECT event_key, body FROM commitment_events WHERE network_id = ? AND "
                           "coalition_id = ? AND event_key > ? ORDER BY event_key LIMIT ?",
                           {network, coalition, after_key, int64_t{limit}}));
  EventBatch batch;
  batch.last_key = after_key;
  for (const Row& row : rows) {
    v1::CommitmentEvent event;
    RETURN_IF_ERROR(DecodeBody(row.Text(1), &event));
    batch.events.push_back(std::move(event));
    batch.last_key = row.Text(0);
  }
  return batch;
}

absl::StatusOr<std::string> MeetingsRepository::LatestCommitmentEventKey(
    Session& s, const std::string& network, const std::string& coalition) {
  ASSIGN_OR_RETURN(auto rows, s.Query("SELECT MAX(event_key) FROM commitment_events "
                                      "WHERE network_id = ? AND coalition_id = ?",
                                      {network, coalition}));
  return rows.empty() ? std::string() : rows[0].Text(0);
}

absl::Status MeetingsRepository::PruneCommitmentEvents(Session& s, absl::Time before) {
  return s
      .Execute("DELETE FROM commitment_events WHERE time_micros < ?", {absl::ToUnixMicros(before)})
      .status();
}

}  // namespace coalition::meetings
