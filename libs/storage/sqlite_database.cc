#include "libs/storage/sqlite_database.h"

#include <sqlite3.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "libs/core/status.h"
#include "libs/storage/migrations.h"
#include "libs/storage/store_metrics.h"

namespace coalition::storage {
namespace {

constexpr absl::string_view kMemoryPath = ":memory:";
// Another process holding the write lock (a second replica on the same file) is waited for
// this long inside SQLite before a statement reports SQLITE_BUSY.
constexpr int kBusyTimeoutMillis = 5000;
// Transact runs `fn` at most this many times when the store reports contention.
constexpr int kMaxWriteAttempts = 4;
constexpr absl::Duration kFirstBackoff = absl::Milliseconds(5);
// Services use a fixed set of SQL strings; the cap only guards against SQL built per call.
constexpr size_t kMaxCachedStatements = 256;

bool IsBusy(const absl::Status& status) { return status.code() == absl::StatusCode::kUnavailable; }

// Maps an SQLite result code (extended codes are on) to the canonical codes of Session.
absl::Status SqliteStatus(int code, absl::string_view message, absl::string_view context) {
  switch (code) {
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      return absl::AlreadyExistsError(message);
    default:
      break;
  }
  switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(absl::StrCat("store busy: ", message));
    default:
      return absl::InternalError(absl::StrCat(context, ": ", message));
  }
}

absl::Status SqliteStatus(int code, sqlite3* db, absl::string_view context) {
  return SqliteStatus(code, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code), context);
}

// True when only whitespace and semicolons follow the first statement.
bool OnlyOneStatement(const char* tail, const char* end) {
  for (const char* p = tail; p < end; ++p) {
    if (*p != ';' && *p != ' ' && *p != '\n' && *p != '\t' && *p != '\r') return false;
  }
  return true;
}

Value ColumnValue(sqlite3_stmt* stmt, int i) {
  switch (sqlite3_column_type(stmt, i)) {
    case SQLITE_INTEGER:
      return static_cast<int64_t>(sqlite3_column_int64(stmt, i));
    case SQLITE_FLOAT:
      return sqlite3_column_double(stmt, i);
    case SQLITE_TEXT: {
      const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, i));
      return std::string(text != nullptr ? text : "", sqlite3_column_bytes(stmt, i));
    }
    case SQLITE_BLOB: {
      const auto* blob = static_cast<const char*>(sqlite3_column_blob(stmt, i));
      return std::string(blob != nullptr ? blob : "", sqlite3_column_bytes(stmt, i));
    }
    default:
      return Null{};
  }
}

// One sqlite3 handle and its prepared statements. Used by one thread at a time: the writer
// under the database's mutex, a reader while checked out of the pool.
class Connection {
 public:
  static absl::StatusOr<std::unique_ptr<Connection>> Open(const std::string& path, bool read_only) {
    // NOMUTEX: the owner serializes use, so SQLite's own per-call locking is wasted work.
    const int flags =
        SQLITE_OPEN_NOMUTEX |
        (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    sqlite3* db = nullptr;
    const int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
    if (rc != SQLITE_OK) {
      absl::Status status = SqliteStatus(rc, db, absl::StrCat("opening ", path));
      sqlite3_close_v2(db);
      return status;
    }
    auto connection = std::unique_ptr<Connection>(new Connection(db));
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, kBusyTimeoutMillis);
    RETURN_IF_ERROR(connection->Exec("PRAGMA foreign_keys = ON"));
    // synchronous is per connection; readers get it too so the setting reads the same anywhere.
    RETURN_IF_ERROR(connection->Exec("PRAGMA synchronous = FULL"));
    return connection;
  }

  ~Connection() {
    for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* db() const { return db_; }
  bool in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

  // Runs SQL without parameters, possibly several statements: pragmas and migration scripts.
  absl::Status Exec(const std::string& sql) {
    char* error = nullptr;
    const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    if (rc == SQLITE_OK) return absl::OkStatus();
    absl::Status status = SqliteStatus(rc, error != nullptr ? error : sqlite3_errstr(rc), "exec");
    sqlite3_free(error);
    return status;
  }

  // Runs one statement. `read_only` refuses statements that would write. Rows go to `rows` and
  // the number of rows changed to `changes`, each when non-null.
  absl::Status Run(absl::string_view sql, const std::vector<Value>& params, bool read_only,
                   std::vector<Row>* rows, int64_t* changes) {
    bool cached = false;
    absl::StatusOr<sqlite3_stmt*> prepared = Prepare(sql, &cached);
    if (!prepared.ok()) return prepared.status();
    sqlite3_stmt* const stmt = *prepared;
    // A cached statement is left reset with no bindings, so its strings are never dangling.
    struct Release {
      sqlite3_stmt* stmt;
      bool cached;
      ~Release() {
        if (cached) {
          sqlite3_reset(stmt);
          sqlite3_clear_bindings(stmt);
        } else {
          sqlite3_finalize(stmt);
        }
      }
    } release{stmt, cached};

    if (read_only && !sqlite3_stmt_readonly(stmt)) {
      return absl::InternalError(absl::StrCat("a read-only session cannot run: ", sql));
    }
    RETURN_IF_ERROR(Bind(stmt, sql, params));
    const sqlite3_int64 changes_before = sqlite3_total_changes64(db_);
    const int columns = sqlite3_column_count(stmt);
    for (;;) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return SqliteStatus(rc, db_, sql);
      if (rows == nullptr) continue;
      std::vector<Value> values;
      values.reserve(columns);
      for (int i = 0; i < columns; ++i) values.push_back(ColumnValue(stmt, i));
      rows->emplace_back(std::move(values));
    }
    if (changes != nullptr) {
      // sqlite3_changes64 keeps the count of the last INSERT/UPDATE/DELETE, so a statement that
      // changed nothing (DDL, a SELECT) must not report it.
      *changes = sqlite3_total_changes64(db_) == changes_before ? 0 : sqlite3_changes64(db_);
    }
    return absl::OkStatus();
  }

 private:
  explicit Connection(sqlite3* db) : db_(db) {}

  absl::StatusOr<sqlite3_stmt*> Prepare(absl::string_view sql, bool* cached) {
    if (auto it = statements_.find(sql); it != statements_.end()) {
      *cached = true;
      return it->second;
    }
    const bool cache = statements_.size() < kMaxCachedStatements;
    sqlite3_stmt* stmt = nullptr;
    const char* tail = nullptr;
    const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      cache ? SQLITE_PREPARE_PERSISTENT : 0, &stmt, &tail);
    if (rc != SQLITE_OK) return SqliteStatus(rc, db_, sql);
    if (stmt == nullptr) return absl::InternalError("empty SQL statement");
    if (!OnlyOneStatement(tail, sql.data() + sql.size())) {
      sqlite3_finalize(stmt);
      return absl::InternalError(
          absl::StrCat("one statement per call (only migrations may hold several): ", sql));
    }
    if (cache) statements_.emplace(std::string(sql), stmt);
    *cached = cache;
    return stmt;
  }

  static absl::Status Bind(sqlite3_stmt* stmt, absl::string_view sql,
                           const std::vector<Value>& params) {
    if (sqlite3_bind_parameter_count(stmt) != static_cast<int>(params.size())) {
      return absl::InternalError(absl::StrCat("statement takes ",
                                              sqlite3_bind_parameter_count(stmt),
                                              " parameters, got ", params.size(), ": ", sql));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      const Value& value = params[i];
      int rc = SQLITE_OK;
      if (const auto* integer = std::get_if<int64_t>(&value)) {
        rc = sqlite3_bind_int64(stmt, index, *integer);
      } else if (const auto* real = std::get_if<double>(&value)) {
        rc = sqlite3_bind_double(stmt, index, *real);
      } else if (const auto* text = std::get_if<std::string>(&value)) {
        // SQLITE_STATIC: `params` outlives the statement's use; Release clears the bindings.
        rc = sqlite3_bind_text64(stmt, index, text->data(), text->size(), SQLITE_STATIC,
                                 SQLITE_UTF8);
      } else {
        rc = sqlite3_bind_null(stmt, index);
      }
      if (rc != SQLITE_OK) return SqliteStatus(rc, sqlite3_db_handle(stmt), sql);
    }
    return absl::OkStatus();
  }

  sqlite3* const db_;
  absl::flat_hash_map<std::string, sqlite3_stmt*> statements_;
};

class SqliteSession final : public Session {
 public:
  SqliteSession(Connection& connection, bool read_only)
      : connection_(connection), read_only_(read_only) {}

  absl::StatusOr<std::vector<Row>> Query(absl::string_view sql,
                                         const std::vector<Value>& params) override {
    std::vector<Row> rows;
    RETURN_IF_ERROR(Note(connection_.Run(sql, params, read_only_, &rows, nullptr)));
    return rows;
  }

  absl::StatusOr<int64_t> Execute(absl::string_view sql,
                                  const std::vector<Value>& params) override {
    if (read_only_) {
      return absl::InternalError(absl::StrCat("Execute inside Database::Read: ", sql));
    }
    int64_t changes = 0;
    RETURN_IF_ERROR(Note(connection_.Run(sql, params, false, nullptr, &changes)));
    return changes;
  }

  // Whether a statement hit contention: only then is an UNAVAILABLE from `fn` worth a retry.
  bool saw_busy() const { return saw_busy_; }

 private:
  absl::Status Note(absl::Status status) {
    if (IsBusy(status)) saw_busy_ = true;
    return status;
  }

  Connection& connection_;
  const bool read_only_;
  bool saw_busy_ = false;
};

using WriteFn = absl::FunctionRef<absl::Status(Connection&, Session&)>;

void RunEffects(std::vector<absl::AnyInvocable<void()>> effects) {
  for (absl::AnyInvocable<void()>& effect : effects) effect();
}

class SqliteDatabase final : public Database {
 public:
  SqliteDatabase(std::string path, std::unique_ptr<Connection> writer,
                 const DatabaseOptions& options)
      : path_(std::move(path)),
        // A private in-memory store exists only in its one connection.
        max_readers_(path_ == kMemoryPath ? 0 : std::max(options.read_connections, 0)),
        registry_(options.registry),
        metrics_(registry_.get(), "sqlite"),
        writer_(std::move(writer)) {}

  ~SqliteDatabase() override {
    // Readers first: the last connection to close checkpoints the WAL into the database file.
    absl::MutexLock lock(&readers_mu_);
    idle_readers_.clear();
  }

  absl::Status Transact(absl::FunctionRef<absl::Status(Session&)> fn) override {
    const absl::Time start = absl::Now();
    absl::Status status = Write([&](Connection&, Session& session) { return fn(session); });
    metrics_.Record(StoreOperation::kTransact, status, absl::Now() - start);
    return status;
  }

  absl::Status Read(absl::FunctionRef<absl::Status(Session&)> fn) override {
    const absl::Time start = absl::Now();
    absl::Status status;
    std::vector<absl::AnyInvocable<void()>> committed;
    if (max_readers_ == 0) {
      absl::MutexLock lock(&writer_mu_);
      status = ReadOn(*writer_, fn, &committed);
    } else {
      absl::StatusOr<std::unique_ptr<Connection>> reader = AcquireReader();
      if (!reader.ok()) {
        status = reader.status();
      } else {
        status = ReadOn(**reader, fn, &committed);
        ReleaseReader(std::move(*reader));
      }
    }
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

  absl::string_view backend() const override { return "sqlite"; }

 private:
  absl::Status MigrateAll(absl::string_view component, const std::vector<Migration>& migrations) {
    RETURN_IF_ERROR(ValidateMigrations(component, migrations));
    RETURN_IF_ERROR(Write([](Connection& connection, Session&) {
      return connection.Exec(std::string(kSchemaMigrationsDdl));
    }));
    const int64_t known = migrations.empty() ? 0 : migrations.back().version;
    RETURN_IF_ERROR(Write([&](Connection&, Session& session) -> absl::Status {
      ASSIGN_OR_RETURN(const int64_t stored, StoredMigrationVersion(session, component));
      return CheckStoreNotAhead(component, stored, known);
    }));
    for (const Migration& migration : migrations) {
      RETURN_IF_ERROR(Write([&](Connection& connection, Session& session) -> absl::Status {
        // Inside the write lock: another process sharing the file may have applied it since.
        return ApplyMigration(session, component, migration, known,
                              [&](const std::string& sql) { return connection.Exec(sql); });
      }));
    }
    return absl::OkStatus();
  }

  // Runs `fn` in write transactions until one commits, fails for a reason other than
  // contention, or the attempts run out.
  absl::Status Write(WriteFn fn) ABSL_LOCKS_EXCLUDED(writer_mu_) {
    absl::Status status;
    absl::Duration backoff = kFirstBackoff;
    for (int attempt = 1;; ++attempt) {
      bool contended = false;
      // Only the attempt that commits fills it.
      std::vector<absl::AnyInvocable<void()>> committed;
      {
        absl::MutexLock lock(&writer_mu_);
        status = WriteOnce(fn, &contended, &committed);
      }
      if (status.ok()) RunEffects(std::move(committed));
      if (!contended || attempt == kMaxWriteAttempts) return status;
      metrics_.RecordRetry(StoreRetry::kConflict);
      // Jitter, so processes contending for one file do not retry in lockstep.
      absl::InsecureBitGen bitgen;
      absl::SleepFor(backoff + backoff * absl::Uniform(bitgen, 0.0, 1.0));
      backoff *= 4;
    }
  }

  absl::Status WriteOnce(WriteFn fn, bool* contended,
                         std::vector<absl::AnyInvocable<void()>>* committed)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(writer_mu_) {
    Connection& connection = *writer_;
    // IMMEDIATE takes the write lock up front, so a transaction never fails half-way because a
    // reader upgraded to a writer under it.
    absl::Status status = connection.Run("BEGIN IMMEDIATE", {}, false, nullptr, nullptr);
    if (!status.ok()) {
      *contended = IsBusy(status);
      return status;
    }
    SqliteSession session(connection, /*read_only=*/false);
    status = fn(connection, session);
    bool commit_busy = false;
    if (status.ok()) {
      if (!connection.in_transaction()) {
        return absl::InternalError(
            "the transaction ended inside the function (a COMMIT or ROLLBACK statement, or an "
            "error SQLite rolled back)");
      }
      status = connection.Run("COMMIT", {}, false, nullptr, nullptr);
      commit_busy = IsBusy(status);
      if (status.ok()) *committed = session.TakeCommitEffects();
    }
    if (!status.ok()) {
      if (connection.in_transaction()) {
        // A failed ROLLBACK leaves nothing better to report than the original error.
        connection.Run("ROLLBACK", {}, false, nullptr, nullptr).IgnoreError();
      }
      *contended = IsBusy(status) && (session.saw_busy() || commit_busy);
    }
    return status;
  }

  absl::Status ReadOn(Connection& connection, absl::FunctionRef<absl::Status(Session&)> fn,
                      std::vector<absl::AnyInvocable<void()>>* committed) {
    // Deferred: the snapshot is taken at the first SELECT and held until COMMIT.
    RETURN_IF_ERROR(connection.Run("BEGIN", {}, false, nullptr, nullptr));
    SqliteSession session(connection, /*read_only=*/true);
    absl::Status status = fn(session);
    if (status.ok() && !connection.in_transaction()) {
      return absl::InternalError("the read transaction ended inside the function");
    }
    if (connection.in_transaction()) {
      absl::Status end =
          connection.Run(status.ok() ? "COMMIT" : "ROLLBACK", {}, false, nullptr, nullptr);
      if (status.ok()) status = end;
    }
    if (status.ok()) *committed = session.TakeCommitEffects();
    return status;
  }

  absl::StatusOr<std::unique_ptr<Connection>> AcquireReader() ABSL_LOCKS_EXCLUDED(readers_mu_) {
    {
      absl::MutexLock lock(&readers_mu_);
      auto available = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(readers_mu_) {
        return !idle_readers_.empty() || open_readers_ < max_readers_;
      };
      readers_mu_.Await(absl::Condition(&available));
      if (!idle_readers_.empty()) {
        std::unique_ptr<Connection> reader = std::move(idle_readers_.back());
        idle_readers_.pop_back();
        return reader;
      }
      ++open_readers_;
    }
    // Opened outside the lock: opening touches the file system.
    absl::StatusOr<std::unique_ptr<Connection>> reader = Connection::Open(path_, true);
    if (!reader.ok()) {
      absl::MutexLock lock(&readers_mu_);
      --open_readers_;
    }
    return reader;
  }

  void ReleaseReader(std::unique_ptr<Connection> reader) ABSL_LOCKS_EXCLUDED(readers_mu_) {
    absl::MutexLock lock(&readers_mu_);
    if (reader->in_transaction()) {
      // Its transaction could not be ended; a fresh connection replaces it.
      --open_readers_;
      return;
    }
    idle_readers_.push_back(std::move(reader));
  }

  const std::string path_;
  const int max_readers_;
  // Keeps the metric families alive as long as metrics_ points into them.
  const std::shared_ptr<prometheus::Registry> registry_;
  StoreMetrics metrics_;
  absl::Mutex writer_mu_;
  std::unique_ptr<Connection> writer_ ABSL_GUARDED_BY(writer_mu_);
  absl::Mutex readers_mu_;
  std::vector<std::unique_ptr<Connection>> idle_readers_ ABSL_GUARDED_BY(readers_mu_);
  int open_readers_ ABSL_GUARDED_BY(readers_mu_) = 0;
};

absl::Status CreateParentDirectory(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return absl::OkStatus();
  std::error_code error;
  std::filesystem::create_directories(parent, error);
  if (error) {
    return absl::FailedPreconditionError(absl::StrCat("cannot create the store's directory ",
                                                      parent.string(), ": ", error.message()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Database>> OpenSqliteDatabase(absl::string_view path,
                                                             const DatabaseOptions& options) {
  if (path.empty()) return InvalidField("store", "sqlite: needs a file path or :memory:");
  const std::string file(path);
  const bool in_memory = path == kMemoryPath;
  if (!in_memory) RETURN_IF_ERROR(CreateParentDirectory(file));
  ASSIGN_OR_RETURN(std::unique_ptr<Connection> writer, Connection::Open(file, false));
  // WAL lets readers keep their snapshot while the writer commits. The mode is stored in the
  // file, so read-only connections opened later use it too.
  std::vector<Row> mode;
  RETURN_IF_ERROR(writer->Run("PRAGMA journal_mode = WAL", {}, false, &mode, nullptr));
  if (!in_memory && (mode.empty() || mode[0].Text(0) != "wal")) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot put ", file, " in WAL mode (it needs a local file system with shared memory)"));
  }
  return std::make_unique<SqliteDatabase>(file, std::move(writer), options);
}

}  // namespace coalition::storage
