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
// Errors: a unique-constraint violation is ALREADY_EXISTS, a busy or lost connection is
// UNAVAILABLE (the whole transaction may be retried), anything else is INTERNAL.
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
  // otherwise, so nothing is ever half-written. `fn` may run more than once when the backend
  // reports a conflict, so it must not have effects outside the session (Session::OnCommit
  // holds those until the commit).
  virtual absl::Status Transact(absl::FunctionRef<absl::Status(Session&)> fn) = 0;

  // Runs `fn` against a consistent read-only snapshot (its OnCommit effects run when it ends
  // without error).
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
  // How many read connections a backend may keep open.
  int read_connections = 4;
};

// Opens a store from its URL: "sqlite:PATH" (":memory:" allowed for tests) or "postgres://...".
// Runs the platform's own migrations (component "platform": request ids, audit log, secrets).
absl::StatusOr<std::unique_ptr<Database>> OpenDatabase(absl::string_view url,
                                                       const DatabaseOptions& options = {});

}  // namespace coalition::storage

#endif  // COALITION_LIBS_STORAGE_DATABASE_H_
