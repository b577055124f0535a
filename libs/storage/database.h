#ifndef COALITION_LIBS_STORAGE_DATABASE_H_
#define COALITION_LIBS_STORAGE_DATABASE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace prometheus {
class Registry;
}

namespace coalition::storage {

// A SQL value. Services use a portable subset of SQL that SQLite and PostgreSQL both accept:
// "?" placeholders, BIGINT, DOUBLE PRECISION, TEXT, no backend-specific functions.
struct Null {};
using Value = std::variant<Null, int64_t, double, std::string>;

class Row {
 public:
  explicit Row(std::vector<Value> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return std::holds_alternative<Null>(values_.at(i)); }
  // NULL reads as 0 / 0.0 / "".
  int64_t Int(size_t i) const;
  double Real(size_t i) const;
  std::string Text(size_t i) const;
  const Value& at(size_t i) const { return values_.at(i); }

 private:
  std::vector<Value> values_;
};

// Statements run through a Session, inside Database::Transact or Database::Read.
// Errors: a unique-constraint violation is ALREADY_EXISTS; a busy store, contention that
// outlasted the backend's own retries, or a lost or refused connection is UNAVAILABLE (the
// whole transaction may be retried); a statement the server cancelled for running longer than
// DatabaseOptions::statement_timeout is DEADLINE_EXCEEDED; anything else is INTERNAL.
// A failed statement ends the transaction: PostgreSQL refuses every later statement in it, so
// `fn` returns the error (or one of its own) rather than going on. If `fn` returns OK after a
// failed statement anyway, nothing is committed and Transact returns that statement's error.
class Session {
 public:
  virtual ~Session() = default;
  virtual absl::StatusOr<std::vector<Row>> Query(absl::string_view sql,
                                                 const std::vector<Value>& params = {}) = 0;
  // Returns the number of rows changed.
  virtual absl::StatusOr<int64_t> Execute(absl::string_view sql,
                                          const std::vector<Value>& params = {}) = 0;

  // Runs `effect` once the transaction has committed, and never when it rolls back: what must
  // follow a change but is no part of it (dropping a cached copy of what changed). Each attempt
  // of a retried transaction has a session of its own, so an effect registered by an attempt
  // that rolled back never runs. Effects run in the order they were added, after the store's
  // locks are released; they must not fail.
  void OnCommit(absl::AnyInvocable<void()> effect) { on_commit_.push_back(std::move(effect)); }

  // For backends: the effects to run now that the transaction committed.
  std::vector<absl::AnyInvocable<void()>> TakeCommitEffects() { return std::move(on_commit_); }

 private:
  std::vector<absl::AnyInvocable<void()>> on_commit_;
};

struct Migration {
  int version;       // increasing from 1 within a component
  std::string name;  // what it does, e.g. "create coalitions"
  std::string sql;   // one or more statements separated by ";"
};

class Database {
 public:
  virtual ~Database() = default;

  // Runs `fn` in one read-write transaction: committed when `fn` returns OK, rolled back
  // otherwise, so nothing is ever half-written. Transactions are serializable: the outcome is
  // that of running them one at a time in some order (SQLite: one writer at a time;
  // PostgreSQL: SERIALIZABLE). `fn` may run more than once when the backend reports a conflict
  // (busy, serialization failure, deadlock), so it must not have effects outside the session
  // (Session::OnCommit holds those until the commit).
  virtual absl::Status Transact(absl::FunctionRef<absl::Status(Session&)> fn) = 0;

  // Runs `fn` once against a consistent read-only snapshot of committed data: every query in
  // `fn` sees the same state, and writes committed meanwhile stay invisible to it (SQLite: a
  // WAL snapshot; PostgreSQL: REPEATABLE READ READ ONLY). Its OnCommit effects run when it ends
  // without error. A read that must agree with a write decision belongs in Transact.
  virtual absl::Status Read(absl::FunctionRef<absl::Status(Session&)> fn) = 0;

  // Applies, in order and each in its own transaction, the migrations of `component` whose
  // version is above the stored one. Refuses a store whose version is ahead of the code.
  virtual absl::Status Migrate(absl::string_view component,
                               const std::vector<Migration>& migrations) = 0;

  // "sqlite" or "postgres".
  virtual absl::string_view backend() const = 0;
};

struct DatabaseOptions {
  // Where the store's metrics go (operation counts, latencies, errors); may be null.
  std::shared_ptr<prometheus::Registry> registry;
  // SQLite: how many read-only connections serve Read, besides the one writer.
  int read_connections = 4;
  // PostgreSQL: the most connections the store opens, shared by Transact and Read. A call that
  // finds them all in use waits for one to come back (up to statement_timeout, then
  // UNAVAILABLE), so a replica never holds more than this many of the server's connections.
  int pool_size = 8;
  // PostgreSQL: how long opening a connection may take (libpq counts whole seconds, at least 2).
  // A connect_timeout parameter in the URL takes precedence.
  absl::Duration connect_timeout = absl::Seconds(5);
  // PostgreSQL: the server cancels a statement running longer (DEADLINE_EXCEEDED). Zero leaves
  // the server's setting, and makes a call wait for a pooled connection as long as it takes.
  absl::Duration statement_timeout = absl::Seconds(30);
};

// Opens a store from its URL: "sqlite:PATH" (":memory:" allowed for tests) or
// "postgres://..." / "postgresql://..." (libpq's URL, its parameters such as sslmode passed
// through unchanged; the database must use the C collation, docs/storage.md).
// Runs the platform's own migrations (component "platform": request ids, audit log, secrets).
absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(absl::string_view url,
                                                       const DatabaseOptions& options = {});

}  // namespace coalition::storage

#endif  // COALITION_LIBS_STORAGE_DATABASE_H_
