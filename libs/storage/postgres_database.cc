#include "libs/storage/postgres_database.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/core/status.h"
#include "libs/storage/migrations.h"
#include "libs/storage/store_metrics.h"

namespace coalition::storage {
namespace {

// Transact runs `fn` at most this many times when the server reports a serialization failure
// or a deadlock. Under heavy contention on one row (eight writers incrementing one counter)
// each round lets one writer through; ten jittered attempts make running out rare.
constexpr int kMaxWriteAttempts = 10;
constexpr absl::Duration kFirstBackoff = absl::Milliseconds(2);
constexpr absl::Duration kMaxBackoff = absl::Milliseconds(100);
// Services use a fixed set of SQL strings; the cap only guards against SQL built per call.
constexpr size_t kMaxCachedStatements = 256;
// Every replica migrating this database takes this advisory lock first (any fixed number;
// advisory locks are per database, so stores on one server do not wait for each other).
constexpr int64_t kMigrationLockKey = 0x636f616c6d696772;  // "coalmigr"

// Writes are SERIALIZABLE, so a read-modify-write in `fn` is safe without locking clauses
// (which SQLite lacks); the price is the occasional serialization failure, retried here.
constexpr char kBeginWrite[] = "BEGIN ISOLATION LEVEL SERIALIZABLE READ WRITE";
// One snapshot for the whole Read, as SQLite's WAL gives; read-only transactions at this level
// never fail to serialize and never wait for writers.
constexpr char kBeginRead[] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY";
// Migrations first wait for the advisory lock. Under SERIALIZABLE the snapshot would be taken
// by that first statement, before the wait, and miss what the replica ahead committed; READ
// COMMITTED reads the stored version afresh after the lock is held.
constexpr char kBeginMigration[] = "BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE";

// Type OIDs from PostgreSQL's pg_type.dat; they are fixed across releases.
constexpr Oid kBoolOid = 16;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kTextOid = 25;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;
constexpr Oid kNumericOid = 1700;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// Serialization failure and deadlock: the transaction lost a race and may simply run again.
bool IsConflictState(absl::string_view sqlstate) {
  return sqlstate == "40001" || sqlstate == "40P01";
}

// Maps a server error to the canonical codes of Session.
absl::Status StatusForSqlState(absl::string_view sqlstate, absl::string_view message,
                               absl::string_view context) {
  if (sqlstate == "23505") return absl::AlreadyExistsError(message);
  if (IsConflictState(sqlstate)) {
    return absl::UnavailableError(absl::StrCat("store conflict: ", message));
  }
  // statement_timeout. Not UNAVAILABLE: a statement that ran out of time would most likely do
  // so again, and a caller retrying it at once only adds to the load that made it slow.
  if (sqlstate == "57014") {
    return absl::DeadlineExceededError(absl::StrCat("store statement timed out: ", message));
  }
  // Class 08 (connection exception), the server shutting down or restarting (57P01..57P03),
  // too many connections (53300).
  if (absl::StartsWith(sqlstate, "08") || sqlstate == "57P01" || sqlstate == "57P02" ||
      sqlstate == "57P03" || sqlstate == "53300") {
    return absl::UnavailableError(absl::StrCat("store unavailable: ", message));
  }
  return absl::InternalError(absl::StrCat(context, ": ", message));
}

// libpq's messages end in a newline and may span lines, indented with tabs.
std::string OneLine(absl::string_view message) {
  return absl::StrReplaceAll(absl::StripTrailingAsciiWhitespace(message),
                             {{"\n\t", " "}, {"\n", " "}, {"\t", " "}});
}

std::string ShortSql(absl::string_view sql) {
  constexpr size_t kMax = 120;
  if (sql.size() <= kMax) return std::string(sql);
  return absl::StrCat(sql.substr(0, kMax), "...");
}

// Shortest text that parses back to the same double; PostgreSQL reads "inf" and "nan" too.
std::string DoubleText(double value) { return absl::StrFormat("%.17g", value); }

// Decodes a text-format column by its type, so that a Row reads as on SQLite: integers and
// booleans as int64, floating and numeric types as double, everything else as text.
Value ColumnValue(const PGresult* result, int row, int column, Oid type) {
  if (PQgetisnull(result, row, column)) return Null{};
  const absl::string_view text(PQgetvalue(result, row, column), PQgetlength(result, row, column));
  switch (type) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid: {
      int64_t integer = 0;
      if (absl::SimpleAtoi(text, &integer)) return integer;
      break;
    }
    case kBoolOid:
      return int64_t{text == "t" ? 1 : 0};
    case kFloat4Oid:
    case kFloat8Oid:
    case kNumericOid: {
      double real = 0;
      if (absl::SimpleAtod(text, &real)) return real;
      break;
    }
    default:
      break;
  }
  return std::string(text);
}

// PQcmdTuples also counts the rows a SELECT returned; Execute reports rows changed, as SQLite.
int64_t RowsChanged(PGresult* result) {
  const absl::string_view command = PQcmdStatus(result);
  for (absl::string_view verb : {"INSERT ", "UPDATE ", "DELETE ", "MERGE "}) {
    if (absl::StartsWith(command, verb)) {
      int64_t changed = 0;
      return absl::SimpleAtoi(PQcmdTuples(result), &changed) ? changed : 0;
    }
  }
  return 0;
}

void IgnoreNotice(void*, const char*) {}

// How every connection of one store is opened.
struct ConnectSettings {
  // libpq keywords and values, the URL among them as "dbname" (libpq expands it).
  std::vector<std::string> keywords;
  std::vector<std::string> values;
  absl::Duration statement_timeout;
  // The URL's password as written and as decoded, for Redact.
  std::vector<std::string> secrets;

  // `message` without the password, for errors of opening a connection: libpq does not print
  // it today, but an error message is no place to depend on that.
  std::string Redact(absl::string_view message) const {
    std::string redacted(message);
    for (const std::string& secret : secrets) {
      redacted = absl::StrReplaceAll(redacted, {{secret, "<redacted>"}});
    }
    return redacted;
  }
};

// The password of a postgres:// URL as written: the userinfo after ':' (libpq takes it up to
// the first '@' before any '/'), and any password= parameter.
std::vector<std::string> RawUrlSecrets(absl::string_view url) {
  std::vector<std::string> secrets;
  if (const size_t scheme = url.find("://"); scheme != absl::string_view::npos) {
    const absl::string_view rest = url.substr(scheme + 3);
    const size_t end = rest.find_first_of("@/");
    if (end != absl::string_view::npos && rest[end] == '@') {
      const absl::string_view userinfo = rest.substr(0, end);
      if (const size_t colon = userinfo.find(':'); colon != absl::string_view::npos) {
        secrets.emplace_back(userinfo.substr(colon + 1));
      }
    }
  }
  constexpr absl::string_view kParameter = "password=";
  for (size_t at = url.find(kParameter); at != absl::string_view::npos;
       at = url.find(kParameter, at + 1)) {
    if (at == 0 || (url[at - 1] != '?' && url[at - 1] != '&')) continue;
    absl::string_view value = url.substr(at + kParameter.size());
    secrets.emplace_back(value.substr(0, value.find('&')));
  }
  return secrets;
}

// One libpq connection and its prepared statements. Used by one thread at a time, while
// checked out of the pool.
class Connection {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const ConnectSettings& settings) {
    std::vector<const char*> keywords, values;
    for (size_t i = 0; i < settings.keywords.size(); ++i) {
      keywords.push_back(settings.keywords[i].c_str());
      values.push_back(settings.values[i].c_str());
    }
    keywords.push_back(nullptr);
    values.push_back(nullptr);
    PGconn* conn = PQconnectdbParams(keywords.data(), values.data(), /*expand_dbname=*/1);
    if (conn == nullptr) return absl::ResourceExhaustedError("libpq cannot allocate a connection");
    auto connection = std::unique_ptr<Connection>(new Connection(conn));
    if (PQstatus(conn) != CONNECTION_OK) {
      return absl::UnavailableError(settings.Redact(
          absl::StrCat("cannot connect to the store: ", OneLine(PQerrorMessage(conn)))));
    }
    // Notices ("relation already exists, skipping") would go to stderr, outside the logs.
    PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
    // Set here rather than in the URL's options, which a URL of its own would replace.
    if (settings.statement_timeout > absl::ZeroDuration()) {
      RETURN_IF_ERROR(connection->Exec(absl::StrCat(
          "SET statement_timeout = ", absl::ToInt64Milliseconds(settings.statement_timeout))));
    }
    return connection;
  }

  ~Connection() { PQfinish(conn_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool broken() const { return PQstatus(conn_) != CONNECTION_OK; }
  PGTransactionStatusType transaction_status() const { return PQtransactionStatus(conn_); }
  int server_version() const { return PQserverVersion(conn_); }
  // The SQLSTATE of the last statement, "" when it succeeded or failed without reaching the
  // server.
  const std::string& last_sqlstate() const { return last_sqlstate_; }

  // Whether the server closed this idle connection since its last use (a restart, an
  // administrator's shutdown, an idle timeout). Nothing is due on an idle connection, so
  // anything readable is the server's goodbye, its end of file, or an asynchronous message.
  bool ClosedWhileIdle() {
    if (broken()) return true;
    pollfd socket = {PQsocket(conn_), POLLIN, 0};
    if (poll(&socket, 1, 0) <= 0) return false;
    return PQconsumeInput(conn_) == 0 || broken();
  }

  // Runs SQL without parameters, possibly several statements: BEGIN, COMMIT, migration scripts.
  absl::Status Exec(const std::string& sql) {
    Result result(PQexec(conn_, sql.c_str()));
    return Check(result.get(), ShortSql(sql));
  }

  // Runs one statement. Rows go to `rows` and the number of rows changed to `changes`, each
  // when non-null.
  absl::Status Run(absl::string_view sql, const std::vector<Value>& params, std::vector<Row>* rows,
                   int64_t* changes) {
    last_sqlstate_.clear();
    const PostgresSql translated = ToPostgresPlaceholders(sql);
    const int count = static_cast<int>(params.size());
    if (translated.parameters != count) {
      return absl::InternalError(absl::StrCat("statement takes ", translated.parameters,
                                              " parameters, got ", count, ": ", sql));
    }
    // Numbers go as text in their exact decimal form. Strings go in binary form, which for
    // text is its bytes with their length: a NUL inside is refused by the server instead of
    // cutting the string short. The types are part of the cache key: a NULL is prepared as
    // unknown (its type then comes from where it is used), a value as int8, float8 or text.
    std::vector<std::string> numbers(count);
    std::vector<const char*> values(count, nullptr);
    std::vector<int> lengths(count, 0), formats(count, 0);
    std::vector<Oid> types(count, 0);
    std::string key(sql);
    key.push_back('\0');
    for (int i = 0; i < count; ++i) {
      const Value& value = params[i];
      if (const auto* integer = std::get_if<int64_t>(&value)) {
        numbers[i] = absl::StrCat(*integer);
        values[i] = numbers[i].c_str();
        types[i] = kInt8Oid;
        key.push_back('i');
      } else if (const auto* real = std::get_if<double>(&value)) {
        numbers[i] = DoubleText(*real);
        values[i] = numbers[i].c_str();
        types[i] = kFloat8Oid;
        key.push_back('d');
      } else if (const auto* text = std::get_if<std::string>(&value)) {
        values[i] = text->data();
        lengths[i] = static_cast<int>(text->size());
        formats[i] = 1;
        types[i] = kTextOid;
        key.push_back('t');
      } else {
        key.push_back('n');
      }
    }

    ASSIGN_OR_RETURN(const std::string name, Prepared(key, translated, types, sql));
    Result result(name.empty() ? PQexecParams(conn_, translated.text.c_str(), count, types.data(),
                                              values.data(), lengths.data(), formats.data(),
                                              /*resultFormat=*/0)
                               : PQexecPrepared(conn_, name.c_str(), count, values.data(),
                                                lengths.data(), formats.data(),
                                                /*resultFormat=*/0));
    absl::Status status = Check(result.get(), sql);
    if (!status.ok()) {
      // "cached plan must not change result type": a table behind a cached SELECT * changed
      // shape. Forgotten, the statement is prepared afresh on its next use.
      if (!name.empty() && last_sqlstate_ == "0A000") statements_.erase(key);
      return status;
    }
    if (rows != nullptr) {
      const int columns = PQnfields(result.get());
      std::vector<Oid> column_types(columns);
      for (int c = 0; c < columns; ++c) column_types[c] = PQftype(result.get(), c);
      const int tuples = PQntuples(result.get());
      rows->reserve(rows->size() + tuples);
      for (int r = 0; r < tuples; ++r) {
        std::vector<Value> row;
        row.reserve(columns);
        for (int c = 0; c < columns; ++c) {
          row.push_back(ColumnValue(result.get(), r, c, column_types[c]));
        }
        rows->emplace_back(std::move(row));
      }
    }
    if (changes != nullptr) *changes = RowsChanged(result.get());
    return absl::OkStatus();
  }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}

  // The name of the statement prepared for `key`, preparing it now; "" once the cache is full
  // (the statement then runs unnamed, parsed on every call).
  absl::StatusOr<std::string> Prepared(const std::string& key, const PostgresSql& sql,
                                       const std::vector<Oid>& types, absl::string_view context) {
    if (auto it = statements_.find(key); it != statements_.end()) return it->second;
    if (statements_.size() >= kMaxCachedStatements) return std::string();
    std::string name = absl::StrCat("coalition_", ++statements_prepared_);
    Result result(PQprepare(conn_, name.c_str(), sql.text.c_str(), static_cast<int>(types.size()),
                            types.data()));
    RETURN_IF_ERROR(Check(result.get(), context));
    statements_.emplace(key, name);
    return name;
  }

  absl::Status Check(PGresult* result, absl::string_view context) {
    last_sqlstate_.clear();
    const ExecStatusType status = result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return absl::OkStatus();
    if (status == PGRES_EMPTY_QUERY) return absl::InternalError("empty SQL statement");
    if (result != nullptr) {
      if (const char* sqlstate = PQresultErrorField(result, PG_DIAG_SQLSTATE)) {
        last_sqlstate_ = sqlstate;
      }
    }
    if (broken()) {
      return absl::UnavailableError(
          absl::StrCat("lost the store connection: ", OneLine(PQerrorMessage(conn_))));
    }
    if (last_sqlstate_.empty()) {
      return absl::InternalError(absl::StrCat(
          context, ": ",
          OneLine(result != nullptr ? PQresultErrorMessage(result) : PQerrorMessage(conn_))));
    }
    const char* primary = PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
    return StatusForSqlState(last_sqlstate_, primary != nullptr ? primary : "", context);
  }

  PGconn* const conn_;
  // Keyed by SQL text and parameter types; the value is the server-side statement name.
  absl::flat_hash_map<std::string, std::string> statements_;
  int64_t statements_prepared_ = 0;
  std::string last_sqlstate_;
};

class PostgresSession final : public Session {
 public:
  PostgresSession(Connection& connection, bool read_only)
      : connection_(connection), read_only_(read_only) {}

  absl::StatusOr<std::vector<Row>> Query(absl::string_view sql,
                                         const std::vector<Value>& params) override {
    std::vector<Row> rows;
    RETURN_IF_ERROR(Note(connection_.Run(sql, params, &rows, nullptr)));
    return rows;
  }

  absl::StatusOr<int64_t> Execute(absl::string_view sql,
                                  const std::vector<Value>& params) override {
    if (read_only_) {
      return absl::InternalError(absl::StrCat("Execute inside Database::Read: ", sql));
    }
    int64_t changes = 0;
    RETURN_IF_ERROR(Note(connection_.Run(sql, params, nullptr, &changes)));
    return changes;
  }

  // A migration's script: several statements, no parameters.
  absl::Status ExecScript(const std::string& sql) { return Note(connection_.Exec(sql)); }

  // The first statement that failed: after it the server refuses the rest of the transaction.
  const absl::Status& first_error() const { return first_error_; }
  // Whether a statement lost a race (serialization failure, deadlock): only then is an
  // UNAVAILABLE from `fn` worth running `fn` again.
  bool saw_conflict() const { return saw_conflict_; }

 private:
  absl::Status Note(absl::Status status) {
    if (!status.ok()) {
      if (first_error_.ok()) first_error_ = status;
      if (IsConflictState(connection_.last_sqlstate())) saw_conflict_ = true;
    }
    return status;
  }

  Connection& connection_;
  const bool read_only_;
  absl::Status first_error_;
  bool saw_conflict_ = false;
};

// At most `size` connections, opened on demand and kept open while idle.
class ConnectionPool {
 public:
  ConnectionPool(ConnectSettings settings, int size, absl::Duration wait, StoreMetrics* metrics)
      : settings_(std::move(settings)), size_(size), wait_(wait), metrics_(metrics) {}

  // Makes `connection`, opened by the caller, one of the pool's idle connections.
  void Adopt(std::unique_ptr<Connection> connection) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    ++open_;
    idle_.push_back(std::move(connection));
  }

  // An idle connection (`reused`), or a new one while fewer than `size` are open. Waits up to
  // `wait` (zero: as long as it takes) for one to come back, then UNAVAILABLE.
  absl::StatusOr<std::unique_ptr<Connection>> Acquire(bool* reused) ABSL_LOCKS_EXCLUDED(mu_) {
    *reused = false;
    // Closed once the lock is released.
    std::vector<std::unique_ptr<Connection>> closed;
    {
      absl::MutexLock lock(&mu_);
      auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !idle_.empty() || open_ < size_;
      };
      if (wait_ == absl::ZeroDuration()) {
        mu_.Await(absl::Condition(&available));
      } else if (!mu_.AwaitWithTimeout(absl::Condition(&available), wait_)) {
        return absl::UnavailableError(absl::StrCat("store busy: all ", size_,
                                                   " connections stayed in use for ",
                                                   absl::FormatDuration(wait_)));
      }
      while (!idle_.empty()) {
        std::unique_ptr<Connection> connection = std::move(idle_.back());
        idle_.pop_back();
        if (!connection->ClosedWhileIdle()) {
          *reused = true;
          return connection;
        }
        --open_;
        closed.push_back(std::move(connection));
        metrics_->RecordRetry(StoreRetry::kReconnect);
      }
      ++open_;
    }
    closed.clear();
    // Opened outside the lock: connecting takes a round trip or more, up to connect_timeout.
    absl::StatusOr<std::unique_ptr<Connection>> opened = Connection::Open(settings_);
    if (!opened.ok()) {
      absl::MutexLock lock(&mu_);
      --open_;
    }
    return opened;
  }

  // Keeps the connection for the next call, unless it broke or its transaction could not be
  // ended: then it is closed, and the next Acquire opens a new one in its place.
  void Release(std::unique_ptr<Connection> connection) ABSL_LOCKS_EXCLUDED(mu_) {
    const bool reusable = !connection->broken() && connection->transaction_status() == PQTRANS_IDLE;
    {
      absl::MutexLock lock(&mu_);
      if (reusable) {
        idle_.push_back(std::move(connection));
        return;
      }
      --open_;
    }
  }

 private:
  const ConnectSettings settings_;
  const int size_;
  const absl::Duration wait_;
  StoreMetrics* const metrics_;
  absl::Mutex mu_;
  // Most recently used last: a call takes the warmest connection.
  std::vector<std::unique_ptr<Connection>> idle_ ABSL_GUARDED_BY(mu_);
  int open_ ABSL_GUARDED_BY(mu_) = 0;
};

using TransactionFn = absl::FunctionRef<absl::Status(PostgresSession&)>;

void RunEffects(std::vector<absl::AnyInvocable<void()>> effects) {
  for (absl::AnyInvocable<void()>& effect : effects) effect();
}

absl::Status LockMigrations(Session& session) {
  return session.Query("SELECT pg_advisory_xact_lock(?)", {kMigrationLockKey}).status();
}

class PostgresDatabase final : public Database {
 public:
  PostgresDatabase(ConnectSettings settings, std::unique_ptr<Connection> first,
                   const DatabaseOptions& options)
      : registry_(options.registry),
        metrics_(registry_.get(), "postgres"),
        pool_(std::move(settings), std::max(options.pool_size, 1),
              std::max(options.statement_timeout, absl::ZeroDuration()), &metrics_) {
    pool_.Adopt(std::move(first));
  }

  absl::Status Transact(absl::FunctionRef<absl::Status(Session&)> fn) override {
    const absl::Time start = absl::Now();
    absl::Status status = Write(kBeginWrite, [&](PostgresSession& session) { return fn(session); });
    metrics_.Record(StoreOperation::kTransact, status, absl::Now() - start);
    return status;
  }

  absl::Status Read(absl::FunctionRef<absl::Status(Session&)> fn) override {
    const absl::Time start = absl::Now();
    bool conflict = false;
    std::vector<absl::AnyInvocable<void()>> committed;
    absl::Status status = RunOnce(
        kBeginRead, /*read_only=*/true, [&](PostgresSession& session) { return fn(session); },
        &conflict, &committed);
    if (status.ok()) RunEffects(std::move(committed));
    metrics_.Record(StoreOperation::kRead, status, absl::Now() - start);
    return status;
  }

  absl::Status Migrate(absl::string_view component,
                       const std::vector<Migration>& migrations) override {
    const absl::Time start = absl::Now();
    absl::Status status = MigrateAll(component, migrations);
    metrics_.Record(StoreOperation::kMigrate, status, absl::Now() - start);
    return status;
  }

  absl::string_view backend() const override { return "postgres"; }

 private:
  // Each step holds the advisory lock, so replicas starting together apply each migration
  // once, in order; the SQL is the same text SQLite runs.
  absl::Status MigrateAll(absl::string_view component, const std::vector<Migration>& migrations) {
    RETURN_IF_ERROR(ValidateMigrations(component, migrations));
    const int64_t known = migrations.empty() ? 0 : migrations.back().version;
    RETURN_IF_ERROR(Write(kBeginMigration, [&](PostgresSession& session) -> absl::Status {
      // Under the lock: two CREATE TABLE IF NOT EXISTS at once can both try to create it.
      RETURN_IF_ERROR(LockMigrations(session));
      RETURN_IF_ERROR(session.ExecScript(std::string(kSchemaMigrationsDdl)));
      ASSIGN_OR_RETURN(const int64_t stored, StoredMigrationVersion(session, component));
      return CheckStoreNotAhead(component, stored, known);
    }));
    for (const Migration& migration : migrations) {
      RETURN_IF_ERROR(Write(kBeginMigration, [&](PostgresSession& session) -> absl::Status {
        RETURN_IF_ERROR(LockMigrations(session));
        return ApplyMigration(session, component, migration, known,
                              [&](const std::string& sql) { return session.ExecScript(sql); });
      }));
    }
    return absl::OkStatus();
  }

  // Runs `fn` in transactions begun with `begin` until one commits, fails for a reason other
  // than a lost race, or the attempts run out. Each attempt has a session of its own, so only
  // the committed attempt's OnCommit effects run.
  absl::Status Write(const char* begin, TransactionFn fn) {
    absl::Duration backoff = kFirstBackoff;
    for (int attempt = 1;; ++attempt) {
      bool conflict = false;
      std::vector<absl::AnyInvocable<void()>> committed;
      absl::Status status = RunOnce(begin, /*read_only=*/false, fn, &conflict, &committed);
      if (status.ok()) {
        RunEffects(std::move(committed));
        return status;
      }
      if (!conflict) return status;
      if (attempt == kMaxWriteAttempts) {
        return absl::UnavailableError(
            absl::StrCat(status.message(), " (", kMaxWriteAttempts, " attempts)"));
      }
      metrics_.RecordRetry(StoreRetry::kConflict);
      // Jitter, so the writers that collided do not collide again in lockstep.
      absl::InsecureBitGen bitgen;
      absl::SleepFor(backoff * absl::Uniform(bitgen, 0.5, 1.5));
      backoff = std::min(backoff * 2, kMaxBackoff);
    }
  }

  absl::Status RunOnce(const char* begin, bool read_only, TransactionFn fn, bool* conflict,
                       std::vector<absl::AnyInvocable<void()>>* committed) {
    ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, Begin(begin));
    PostgresSession session(*connection, read_only);
    absl::Status status = fn(session);
    bool commit_conflict = false;
    if (status.ok()) {
      if (!session.first_error().ok()) {
        // `fn` went on after a failed statement; the server already gave the transaction up.
        status = session.first_error();
      } else if (connection->transaction_status() != PQTRANS_INTRANS) {
        status = absl::InternalError(
            "the transaction ended inside the function (a COMMIT or ROLLBACK statement)");
      } else {
        // A COMMIT that fails for a lost connection is UNAVAILABLE and not run again: the
        // transaction may have committed.
        status = connection->Exec("COMMIT");
        commit_conflict = IsConflictState(connection->last_sqlstate());
      }
    }
    if (status.ok()) {
      *committed = session.TakeCommitEffects();
    } else {
      if (!connection->broken() && connection->transaction_status() != PQTRANS_IDLE) {
        // A failed ROLLBACK leaves the connection in a transaction, and Release closes it.
        connection->Exec("ROLLBACK").IgnoreError();
      }
      *conflict = status.code() == absl::StatusCode::kUnavailable &&
                  (session.saw_conflict() || commit_conflict);
    }
    // Before the effects run: they may use the store, and the pool may hold one connection.
    pool_.Release(std::move(connection));
    return status;
  }

  // A pooled connection with `begin` run on it.
  absl::StatusOr<std::unique_ptr<Connection>> Begin(const char* begin) {
    for (;;) {
      bool reused = false;
      ASSIGN_OR_RETURN(std::unique_ptr<Connection> connection, pool_.Acquire(&reused));
      absl::Status status = connection->Exec(begin);
      if (status.ok()) return connection;
      const bool lost = connection->broken();
      pool_.Release(std::move(connection));
      // The server closed this pooled connection while it sat idle, and the goodbye arrived
      // only now. Nothing ran on it: begin on another one, in the end a new one.
      if (!reused || !lost) return status;
      metrics_.RecordRetry(StoreRetry::kReconnect);
    }
  }

  // Keeps the metric families alive as long as metrics_ points into them.
  const std::shared_ptr<prometheus::Registry> registry_;
  StoreMetrics metrics_;
  ConnectionPool pool_;
};

bool IsCLocale(absl::string_view locale) { return locale == "C" || locale == "POSIX"; }

std::string QuotedIdentifier(absl::string_view name) {
  return absl::StrCat("\"", absl::StrReplaceAll(name, {{"\"", "\"\""}}), "\"");
}

// SQLite compares text byte by byte; PostgreSQL by the database's collation. Keyset pages (ids,
// "<due day>/<id>" keys, audit event keys) must come out in the same order on both, and
// lower()/upper() must change only ASCII letters as in SQLite: only "C" (or its alias "POSIX")
// from the C library promises both on every server. UTF8, because values are UTF-8.
absl::Status CheckCollation(Connection& connection) {
  // datlocprovider is PostgreSQL 15's: a database may collate with ICU whatever datcollate says.
  const std::string sql = absl::StrCat(
      "SELECT current_database(), datcollate, datctype, pg_encoding_to_char(encoding), ",
      connection.server_version() >= 150000 ? "datlocprovider" : "'c'",
      " FROM pg_database WHERE datname = current_database()");
  std::vector<Row> rows;
  RETURN_IF_ERROR(connection.Run(sql, {}, &rows, nullptr));
  if (rows.empty()) return absl::InternalError("the current database is not in pg_database");
  const Row& row = rows[0];
  const std::string name = row.Text(0), collate = row.Text(1), ctype = row.Text(2),
                    encoding = row.Text(3), provider = row.Text(4);
  if (provider == "c" && IsCLocale(collate) && IsCLocale(ctype) && encoding == "UTF8") {
    return absl::OkStatus();
  }
  return absl::FailedPreconditionError(absl::StrCat(
      "database ", QuotedIdentifier(name), " has collation \"", collate, "\", character type \"",
      ctype, "\", encoding ", encoding, provider == "c" ? "" : " and the ICU locale provider",
      "; the store needs collation and character type \"C\" and encoding UTF8, so that text "
      "sorts byte-wise as on SQLite: create it with CREATE DATABASE ",
      QuotedIdentifier(name), " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'",
      provider == "c" ? "" : " LOCALE_PROVIDER libc"));
}

}  // namespace

PostgresSql ToPostgresPlaceholders(absl::string_view sql) {
  PostgresSql out;
  out.text.reserve(sql.size() + 16);
  const size_t size = sql.size();
  size_t i = 0;
  while (i < size) {
    const char c = sql[i];
    const char next = i + 1 < size ? sql[i + 1] : '\0';
    size_t end = i + 1;
    if (c == '\'' || c == '"') {
      // Ends at the next lone quote of the same kind; a doubled one is a quote inside.
      for (;;) {
        end = sql.find(c, end);
        if (end == absl::string_view::npos) {
          end = size;
          break;
        }
        if (end + 1 < size && sql[end + 1] == c) {
          end += 2;
          continue;
        }
        ++end;
        break;
      }
    } else if (c == '-' && next == '-') {
      end = std::min(sql.find('\n', i), size);
    } else if (c == '/' && next == '*') {
      // PostgreSQL's block comments nest.
      int depth = 1;
      end = i + 2;
      while (end < size && depth > 0) {
        if (sql.substr(end, 2) == "/*") {
          ++depth;
          end += 2;
        } else if (sql.substr(end, 2) == "*/") {
          --depth;
          end += 2;
        } else {
          ++end;
        }
      }
    } else if (c == '?') {
      absl::StrAppend(&out.text, "$", ++out.parameters);
      ++i;
      continue;
    }
    out.text.append(sql.data() + i, end - i);
    i = end;
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Database>> OpenPostgresDatabase(absl::string_view url,
                                                               const DatabaseOptions& options) {
  ConnectSettings settings;
  settings.secrets = RawUrlSecrets(url);
  const std::string conninfo(url);
  char* parse_error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(conninfo.c_str(), &parse_error);
  if (parsed == nullptr) {
    const std::string message = parse_error != nullptr ? parse_error : "out of memory";
    PQfreemem(parse_error);
    return InvalidField("store", settings.Redact(absl::StrCat(
                                     "not a PostgreSQL URL libpq accepts: ", OneLine(message))));
  }
  for (const PQconninfoOption* option = parsed; option->keyword != nullptr; ++option) {
    if (absl::string_view(option->keyword) == "password" && option->val != nullptr &&
        *option->val != '\0') {
      settings.secrets.emplace_back(option->val);
    }
  }
  PQconninfoFree(parsed);
  settings.secrets.erase(std::remove(settings.secrets.begin(), settings.secrets.end(), ""),
                         settings.secrets.end());
  // The longest first, so a password that contains another is replaced whole.
  std::sort(settings.secrets.begin(), settings.secrets.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });

  auto add = [&settings](std::string keyword, std::string value) {
    settings.keywords.push_back(std::move(keyword));
    settings.values.push_back(std::move(value));
  };
  // Defaults that the URL's own parameters replace, since libpq applies the keywords in order.
  if (options.connect_timeout > absl::ZeroDuration()) {
    add("connect_timeout",
        absl::StrCat(absl::ToInt64Seconds(absl::Ceil(options.connect_timeout, absl::Seconds(1)))));
  }
  add("fallback_application_name", "coalition");
  // A server that vanished without closing the connection (a host down, a partition) is
  // noticed within about a minute rather than after TCP's retransmissions give up.
  add("keepalives", "1");
  add("keepalives_idle", "30");
  add("keepalives_interval", "10");
  add("keepalives_count", "3");
  add("dbname", conninfo);
  // After the URL, so that it always holds: values are UTF-8 in and out.
  add("client_encoding", "UTF8");
  settings.statement_timeout = options.statement_timeout;

  ASSIGN_OR_RETURN(std::unique_ptr<Connection> first, Connection::Open(settings));
  RETURN_IF_ERROR(CheckCollation(*first));
  return std::make_unique<PostgresDatabase>(std::move(settings), std::move(first), options);
}

}  // namespace coalition::storage
