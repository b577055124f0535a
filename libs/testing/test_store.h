#ifndef COALITION_LIBS_TESTING_TEST_STORE_H_
#define COALITION_LIBS_TESTING_TEST_STORE_H_

#include <string>

#include "absl/status/statusor.h"

namespace coalition::testing {

// The --store URL of the store `name` (e.g. "membership") of a test that runs service processes:
// sqlite:<dir>/<name>.db, or, when COALITION_TEST_STORE=postgres (ctest's second run of a suite,
// tests/CMakeLists.txt), a database of its own on the run's PostgreSQL server. The same `dir`
// and `name` give the same store again, so a restarted process finds its data.
absl::StatusOr<std::string> TestStoreUrl(const std::string& dir, const std::string& name);

// Whether this run's stores are PostgreSQL ones.
bool TestStoreIsPostgres();

}  // namespace coalition::testing

#endif  // COALITION_LIBS_TESTING_TEST_STORE_H_
