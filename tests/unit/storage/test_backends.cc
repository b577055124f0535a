#include "tests/unit/storage/test_backends.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "absl/functional/any_invocable.h"
#include "absl/strings/str_cat.h"
#include "libs/core/status.h"
#include "libs/testing/postgres_server.h"
#include "libs/testing/temp_dir.h"

namespace coalition::storage::testing {
namespace {

// A store that cleans up after itself once closed (removes its directory, drops its
// database), so a suite's factory needs no cleanup hook.
class SelfCleaningDatabase final : public Database {
 public:
  SelfCleaningDatabase(std::unique_ptr<Database> db, absl::AnyInvocable<void()> cleanup)
      : db_(std::move(db)), cleanup_(std::move(cleanup)) {}
  ~SelfCleaningDatabase() override {
    db_.reset();
    cleanup_();
  }

  absl::Status Transact(absl::FunctionRef<absl::Status(Session&)> fn) override {
    return db_->Transact(fn);
  }
  absl::Status Read(absl::FunctionRef<absl::Status(Session&)> fn) override { return db_->Read(fn); }
  absl::Status Migrate(absl::string_view component,
                       const std::vector<Migration>& migrations) override {
    return db_->Migrate(component, migrations);
  }
  absl::string_view backend() const override { return db_->backend(); }

 private:
  std::unique_ptr<Database> db_;
  absl::AnyInvocable<void()> cleanup_;
};

absl::StatusOr<std::unique_ptr<Database>> OpenTempFileStore(const DatabaseOptions& options) {
  ASSIGN_OR_RETURN(coalition::testing::TempDir dir,
                   coalition::testing::TempDir::Create("coalition-storage"));
  ASSIGN_OR_RETURN(std::unique_ptr<Database> db,
                   OpenDatabase("sqlite:" + dir.path() + "/store.db", options));
  // The directory is removed when the cleanup that owns it is destroyed, after the store.
  return std::make_unique<SelfCleaningDatabase>(std::move(db), [dir = std::move(dir)] {});
}

absl::StatusOr<std::unique_ptr<Database>> OpenMemoryStore(const DatabaseOptions& options) {
  return OpenDatabase("sqlite::memory:", options);
}

absl::StatusOr<std::unique_ptr<Database>> OpenPostgresStore(const DatabaseOptions& options) {
  ASSIGN_OR_RETURN(coalition::testing::PostgresServer * server,
                   coalition::testing::PostgresServer::Shared());
  static std::atomic<int> stores{0};
  // Test processes of one ctest run share the server: the pid keeps their databases apart.
  const std::string name = absl::StrCat("store_", getpid(), "_", ++stores);
  ASSIGN_OR_RETURN(const std::string url, server->CreateDatabase(name));
  absl::StatusOr<std::unique_ptr<Database>> db = OpenDatabase(url, options);
  if (!db.ok()) {
    server->DropDatabase(name).IgnoreError();
    return db.status();
  }
  return std::make_unique<SelfCleaningDatabase>(
      *std::move(db), [server, name] { server->DropDatabase(name).IgnoreError(); });
}

}  // namespace

std::string ConformanceBackendName(const ::testing::TestParamInfo<ConformanceBackend>& info) {
  return info.param.name;
}

std::vector<ConformanceBackend> TestBackends() {
  return {ConformanceBackend{"File", OpenTempFileStore},
          ConformanceBackend{"Memory", OpenMemoryStore},
          ConformanceBackend{"Postgres", OpenPostgresStore}};
}

absl::StatusOr<std::unique_ptr<Database>> OpenTestStore(const DatabaseOptions& options) {
  const char* store = std::getenv("COALITION_TEST_STORE");
  if (store != nullptr && std::string(store) == "postgres") return OpenPostgresStore(options);
  if (store != nullptr && *store != '\0' && std::string(store) != "memory") {
    return absl::InvalidArgumentError(
        absl::StrCat("COALITION_TEST_STORE must be memory or postgres, not ", store));
  }
  return OpenMemoryStore(options);
}

::testing::AssertionResult IsOk(const absl::Status& status) {
  if (status.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << status;
}

absl::Status Execute(Database& db, const std::string& sql, const std::vector<Value>& params) {
  return db.Transact([&](Session& session) { return session.Execute(sql, params).status(); });
}

absl::StatusOr<std::vector<Row>> Query(Database& db, const std::string& sql,
                                       const std::vector<Value>& params) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(db.Read([&](Session& session) -> absl::Status {
    ASSIGN_OR_RETURN(rows, session.Query(sql, params));
    return absl::OkStatus();
  }));
  return rows;
}

absl::StatusOr<std::map<std::string, std::string>> LeadingKeyColumns(Database& db) {
  std::map<std::string, std::string> leading;
  RETURN_IF_ERROR(db.Read([&](Session& s) -> absl::Status {
    if (db.backend() == "postgres") {
      ASSIGN_OR_RETURN(std::vector<Row> rows,
                       s.Query("SELECT c.relname, a.attname FROM pg_index i "
                               "JOIN pg_class c ON c.oid = i.indrelid "
                               "JOIN pg_namespace n ON n.oid = c.relnamespace "
                               "JOIN pg_attribute a ON a.attrelid = c.oid "
                               "AND a.attnum = i.indkey[0] "
                               "WHERE i.indisprimary AND n.nspname = current_schema()"));
      for (const Row& row : rows) leading[row.Text(0)] = row.Text(1);
      return absl::OkStatus();
    }
    ASSIGN_OR_RETURN(std::vector<Row> tables,
                     s.Query("SELECT name FROM sqlite_master WHERE type = 'table' "
                             "AND name NOT LIKE 'sqlite_%'"));
    for (const Row& table : tables) {
      // pk is the column's position in the primary key (1 for the first), 0 outside it.
      ASSIGN_OR_RETURN(
          std::vector<Row> columns,
          s.Query("SELECT name FROM pragma_table_info(?) WHERE pk = 1", {table.Text(0)}));
      leading[table.Text(0)] = columns.empty() ? "" : columns[0].Text(0);
    }
    return absl::OkStatus();
  }));
  return leading;
}

::testing::AssertionResult EveryTableLeadsWithTheNetwork(Database& db) {
  absl::StatusOr<std::map<std::string, std::string>> leading = LeadingKeyColumns(db);
  if (!leading.ok()) return ::testing::AssertionFailure() << leading.status();
  if (leading->empty()) return ::testing::AssertionFailure() << "the store has no tables";
  std::string wrong;
  for (const auto& [table, column] : *leading) {
    if (StoreWideTables().count(table) > 0 || column == "network_id") continue;
    absl::StrAppend(&wrong, wrong.empty() ? "" : ", ", table, " (leads with \"", column, "\")");
  }
  if (!wrong.empty()) return ::testing::AssertionFailure() << wrong;
  return ::testing::AssertionSuccess();
}

}  // namespace coalition::storage::testing
