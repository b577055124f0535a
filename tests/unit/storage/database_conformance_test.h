#ifndef COALITION_TESTS_UNIT_STORAGE_DATABASE_CONFORMANCE_TEST_H_
#define COALITION_TESTS_UNIT_STORAGE_DATABASE_CONFORMANCE_TEST_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "libs/storage/database.h"

// The behaviour every Database backend must have. A backend runs the whole suite with one line:
//   INSTANTIATE_TEST_SUITE_P(Postgres, DatabaseConformanceTest,
//                            ::testing::Values(ConformanceBackend{"Postgres", OpenTestPostgres}),
//                            ConformanceBackendName);
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

class DatabaseConformanceTest : public ::testing::TestWithParam<ConformanceBackend> {
 protected:
  void SetUp() override;

  std::unique_ptr<Database> db_;
};

}  // namespace coalition::storage::testing

#endif  // COALITION_TESTS_UNIT_STORAGE_DATABASE_CONFORMANCE_TEST_H_
