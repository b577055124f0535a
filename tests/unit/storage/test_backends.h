#ifndef COALITION_TESTS_UNIT_STORAGE_TEST_BACKENDS_H_
#define COALITION_TESTS_UNIT_STORAGE_TEST_BACKENDS_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "libs/storage/database.h"

// The store backends every storage suite runs on: the Database conformance suite and each
// service's repository suite instantiate their tests once per backend listed here, so a new
// backend (PostgreSQL) is one more entry and every suite runs on it.
namespace coalition::storage::testing {

// Opens a fresh, empty store with the platform migrations applied (what OpenDatabase gives), and
// cleans up after it when the returned Database is destroyed.
using DatabaseFactory =
    std::function<absl::StatusOr<std::unique_ptr<Database>>(const DatabaseOptions&)>;

struct ConformanceBackend {
  std::string name;  // a test-name suffix, letters and digits only
  DatabaseFactory open;
};

std::string ConformanceBackendName(const ::testing::TestParamInfo<ConformanceBackend>& info);

// SQLite on a file in a fresh temporary directory (removed with the store), SQLite :memory:,
// and PostgreSQL: a fresh database (dropped with the store) on one server the test binary
// starts on first use (libs/testing/postgres_server.h). Each open gives a fresh, empty store
// with the platform migrations applied.
std::vector<ConformanceBackend> TestBackends();

// The store of an in-process service suite: SQLite :memory:, or a fresh PostgreSQL database when
// COALITION_TEST_STORE=postgres (how ctest runs those suites a second time, tests/CMakeLists.txt).
absl::StatusOr<std::unique_ptr<Database>> OpenTestStore(const DatabaseOptions& options = {});

// Success for OK, otherwise a failure that prints the status.
::testing::AssertionResult IsOk(const absl::Status& status);
template <typename T>
::testing::AssertionResult IsOk(const absl::StatusOr<T>& status_or) {
  return IsOk(status_or.status());
}

// One statement in a transaction of its own, and one query in a read of its own.
absl::Status Execute(Database& db, const std::string& sql, const std::vector<Value>& params = {});
absl::StatusOr<std::vector<Row>> Query(Database& db, const std::string& sql,
                                       const std::vector<Value>& params = {});

// Every table of `db` with the first column of its primary key (PRIMARY KEY or UNIQUE
// constraints aside, the key rows are stored and distributed by), on either backend.
absl::StatusOr<std::map<std::string, std::string>> LeadingKeyColumns(Database& db);

// The tables that belong to the store itself, not to a network: the migration versions and the
// store's own secrets. Every other table leads its primary key with network_id, so a network can
// live in its own database or be distributed by network id (docs/scaling.md).
inline const std::set<std::string>& StoreWideTables() {
  static const auto* const kTables =
      new std::set<std::string>{"schema_migrations", "store_secrets"};
  return *kTables;
}

// Success when every table of `db` but the StoreWideTables leads its primary key with
// network_id; otherwise names each table that does not.
::testing::AssertionResult EveryTableLeadsWithTheNetwork(Database& db);

}  // namespace coalition::storage::testing

#endif  // COALITION_TESTS_UNIT_STORAGE_TEST_BACKENDS_H_
